"""The import report over the notebook corpus (tests/importer/corpus/), embedded in README.md.

Imports every notebook of the corpus into a temporary directory (as `sagestack import` does,
nothing executed) and writes, between the README's ``import-corpus`` markers, how many import
to descriptors that validate with no placeholder, with placeholders only, or not at all, and
why (the reason classes). ``tests/importer/test_corpus.py`` fails when the table is stale.

    .venv/bin/python scripts/import_corpus_report.py          # rewrite the README's table
    .venv/bin/python scripts/import_corpus_report.py --check  # exit 1 when it is stale
    .venv/bin/python scripts/import_corpus_report.py --print DIR...  # the same report over other notebooks, on stdout
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "constructs"))

from sagestack.importer import REASONS, NotebookImport, import_notebook  # noqa: E402 - after the path is set

CORPUS = REPO_ROOT / "tests" / "importer" / "corpus"
README = REPO_ROOT / "README.md"
START, END = "<!-- import-corpus:start -->", "<!-- import-corpus:end -->"
_RESULT = {"valid": "validates, no placeholder", "placeholders": "placeholders only", "none": "not imported"}


def corpus_imports(directories: list[Path] | None = None) -> list[tuple[Path, NotebookImport]]:
    """Every corpus notebook (or every notebook of ``directories``) imported into a directory of
    its own (written, then validated)."""
    out = []
    notebooks = sorted(p for d in directories or [CORPUS] for p in d.glob("*.ipynb"))
    with tempfile.TemporaryDirectory() as tmp:
        for index, path in enumerate(notebooks):
            out.append((path, import_notebook(path, Path(tmp) / str(index))))
    return out


def report(results: list[tuple[Path, NotebookImport]], over: str = "`tests/importer/corpus/` (from `archived/` of aws/amazon-sagemaker-examples)") -> str:
    statuses = Counter(r.status for _p, r in results)
    lines = [
        f"Over the {len(results)} notebooks of {over}: "
        f"**{statuses['valid']}** import to descriptors that validate with no placeholder, "
        f"**{statuses['placeholders']}** to descriptors whose only problems are placeholders to fill in, "
        f"**{statuses['none']}** not at all ({sum(len(r.descriptors) for _p, r in results)} descriptors in all).",
        "",
        "| notebook | descriptors | result | reason classes |",
        "|---|---|---|---|",
    ]
    for path, result in results:
        lines.append(f"| `{path.name}` | {len(result.descriptors)} | {_RESULT[result.status]} | {', '.join(result.reasons) or '-'} |")
    counts = Counter(reason for _p, r in results for reason in r.reasons)
    lines += ["", "| reason class | notebooks | what it means |", "|---|---|---|"]
    lines += [f"| `{reason}` | {counts[reason]} | {text} |" for reason, text in REASONS.items() if counts[reason]]
    return "\n".join(lines) + "\n"


def with_report(text: str, table: str) -> str:
    head, start, rest = text.partition(START)
    _old, end, tail = rest.partition(END)
    if not start or not end:
        raise SystemExit(f"README.md has no {START} ... {END} markers")
    return f"{head}{START}\n{table}{END}{tail}"


def main(argv: list[str]) -> int:
    if argv[:1] == ["--print"]:
        directories = [Path(a) for a in argv[1:]]
        sys.stdout.write(report(corpus_imports(directories), ", ".join(f"`{d}`" for d in directories)))
        return 0
    text = README.read_text()
    updated = with_report(text, report(corpus_imports()))
    if "--check" in argv:
        if updated != text:
            print("README.md's import corpus report is stale: run .venv/bin/python scripts/import_corpus_report.py", file=sys.stderr)
            return 1
        return 0
    README.write_text(updated)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
