"""Regenerate what the docs derive from code: the README's descriptor reference and the JSON
Schema in schema/. `make docs` runs this; tests fail when either is stale."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from sagestack.descriptor.reference import markdown_reference
from sagestack.descriptor.schema import descriptor_schema

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
SCHEMA = ROOT / "schema" / "descriptor.schema.json"
START, END = "<!-- reference:start -->", "<!-- reference:end -->"


def readme_with_reference(text: str) -> str:
    head, rest = text.split(START, 1)
    _old, tail = rest.split(END, 1)
    return f"{head}{START}\n{markdown_reference()}{END}{tail}"


def schema_text() -> str:
    return json.dumps(descriptor_schema(), indent=2) + "\n"


def main() -> int:
    README.write_text(readme_with_reference(README.read_text()))
    SCHEMA.parent.mkdir(exist_ok=True)
    SCHEMA.write_text(schema_text())
    print(f"updated {README.relative_to(ROOT)} and {SCHEMA.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
