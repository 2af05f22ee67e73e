"""Regenerate what the docs derive from code: the descriptor reference (docs/reference.md), the
kinds table of README.md, the pipeline diagrams (docs/pipelines.md, README.md), and the JSON Schema in schema/. `make docs` runs this; tests
fail when any is stale."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from sagestack.descriptor.reference import kinds_table, markdown_reference
from sagestack.descriptor.schema import descriptor_schema

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "reference.md"
README = ROOT / "README.md"
PIPELINES = ROOT / "docs" / "pipelines.md"
SCHEMA = ROOT / "schema" / "descriptor.schema.json"
START, END = "<!-- reference:start -->", "<!-- reference:end -->"
KINDS_START, KINDS_END = "<!-- kinds:start -->", "<!-- kinds:end -->"
DIAGRAM_START, DIAGRAM_END = "<!-- pipeline-diagram:start -->", "<!-- pipeline-diagram:end -->"
DIAGRAM_MODEL = "mnist-tf"  # train, then deploy an autoscaled endpoint: every kind of state
README_DIAGRAM_MODEL = "pytorch-pipeline"  # preprocess, train, evaluate, gate on the report, deploy


def with_reference(text: str) -> str:
    head, rest = text.split(START, 1)
    _old, tail = rest.split(END, 1)
    return f"{head}{START}\n{markdown_reference()}{END}{tail}"


def with_kinds(text: str) -> str:
    """README's kinds table: the reference's, without its heading."""
    head, rest = text.split(KINDS_START, 1)
    _old, tail = rest.split(KINDS_END, 1)
    table = "\n".join(kinds_table()[2:]).rstrip("\n") + "\n"
    return f"{head}{KINDS_START}\n{table}{KINDS_END}{tail}"


def pipeline_diagram(model: str = DIAGRAM_MODEL) -> str:
    """The Mermaid diagram of an example's pipeline, with a notification topic so every state shows."""
    from sagestack.descriptor import load_catalog
    from sagestack.pipeline import PipelineResources, RepackStep, pipeline_definition
    from sagestack.pipeline.diagram import mermaid
    from sagestack.render import RenderContext
    from sagestack.render.check import EXAMPLE_VALUES

    [d] = [d for d in load_catalog([ROOT / "infra" / "models"]).descriptors if d.name == model]
    resources = PipelineResources(
        static=EXAMPLE_VALUES, check_input_function="check-run-input", endpoint_name=f"{d.name}-dev",
        repack=RepackStep("repack", "code", "code.tar.gz", "artifacts", "repacked"), topic_arn="arn:aws:sns:us-east-1:123456789012:runs",
    )
    return "```mermaid\n" + mermaid(pipeline_definition(d, RenderContext(region="us-east-1"), resources)) + "```\n"


def with_diagram(text: str, model: str = DIAGRAM_MODEL) -> str:
    head, rest = text.split(DIAGRAM_START, 1)
    _old, tail = rest.split(DIAGRAM_END, 1)
    return f"{head}{DIAGRAM_START}\n{pipeline_diagram(model)}{DIAGRAM_END}{tail}"


def schema_text() -> str:
    return json.dumps(descriptor_schema(), indent=2) + "\n"


def main() -> int:
    REFERENCE.write_text(with_reference(REFERENCE.read_text()))
    README.write_text(with_diagram(with_kinds(README.read_text()), README_DIAGRAM_MODEL))
    PIPELINES.write_text(with_diagram(PIPELINES.read_text()))
    SCHEMA.parent.mkdir(exist_ok=True)
    SCHEMA.write_text(schema_text())
    print(f"updated {', '.join(str(p.relative_to(ROOT)) for p in (REFERENCE, README, PIPELINES, SCHEMA))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
