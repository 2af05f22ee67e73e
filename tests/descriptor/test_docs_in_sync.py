"""The generated docs match the code: the descriptor reference (docs/reference.md), README's kinds table, the pipeline
diagram (docs/pipelines.md) and schema/descriptor.schema.json (regenerate with `make docs`)."""

from __future__ import annotations

import importlib.util

from ..conftest import REPO_ROOT

_spec = importlib.util.spec_from_file_location("sync_docs", REPO_ROOT / "scripts" / "sync_docs.py")
sync_docs = importlib.util.module_from_spec(_spec)
assert _spec.loader is not None
_spec.loader.exec_module(sync_docs)


def test_reference_is_current() -> None:
    text = sync_docs.REFERENCE.read_text()
    assert sync_docs.with_reference(text) == text, "docs/reference.md is stale: run `make docs`"


def test_readme_kinds_table_is_current() -> None:
    text = sync_docs.README.read_text()
    assert sync_docs.with_kinds(text) == text, "the kinds table in README.md is stale: run `make docs`"


def test_pipeline_diagram_is_current() -> None:
    text = sync_docs.PIPELINES.read_text()
    assert sync_docs.with_diagram(text) == text, "the diagram in docs/pipelines.md is stale: run `make docs`"


def test_readme_pipeline_diagram_is_current() -> None:
    text = sync_docs.README.read_text()
    assert sync_docs.with_diagram(text, sync_docs.README_DIAGRAM_MODEL) == text, "the diagram in README.md is stale: run `make docs`"


def test_schema_file_is_current() -> None:
    assert (REPO_ROOT / "schema" / "descriptor.schema.json").read_text() == sync_docs.schema_text(), "run `make docs`"


def test_every_field_names_where_it_lands() -> None:
    from sagestack.descriptor.reference import SECTIONS

    missing = []
    for _heading, cls, _mirrors in SECTIONS:
        for name, info in cls.model_fields.items():
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            notebook_only = "Notebook-side" in (info.description or "") or "no effect" in (info.description or "")
            if name != "type" and not extra.get("x-lands-in") and not notebook_only:
                missing.append(f"{cls.__name__}.{name}")
    assert not missing, missing
