"""The corpus of real notebooks (tests/importer/corpus/, from aws/amazon-sagemaker-examples):
every notebook imports without an exception, each descriptor written is validated, and the
README's report over the corpus is the one scripts/import_corpus_report.py generates now."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from sagestack.importer import DEFAULT_BUCKET, PLACEHOLDER, REASONS, NotebookImport

from ..conftest import REPO_ROOT

CORPUS = Path(__file__).parent / "corpus"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("import_corpus_report", REPO_ROOT / "scripts" / "import_corpus_report.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


report_script = _script()


@pytest.fixture(scope="module")
def results() -> list[tuple[Path, NotebookImport]]:
    imports: list[tuple[Path, NotebookImport]] = report_script.corpus_imports()
    return imports


def test_the_corpus_holds_notebooks_and_their_license() -> None:
    notebooks = sorted(CORPUS.glob("*.ipynb"))
    assert 10 <= len(notebooks) <= 30
    assert (CORPUS / "LICENSE.txt").is_file() and (CORPUS / "NOTICE").is_file()
    listed = (CORPUS / "README.md").read_text()
    assert all(f"`{p.name}`" in listed for p in notebooks), "every corpus notebook is listed with its origin in corpus/README.md"


def test_every_notebook_imports_and_says_why_not_when_it_does_not(results: list[tuple[Path, NotebookImport]]) -> None:
    for path, result in results:
        assert result.status in ("valid", "placeholders", "none"), path.name
        assert set(result.reasons) <= set(REASONS)
        if result.status != "valid":
            assert result.reasons, f"{path.name} does not import as it is but names no reason"
        for item in result.descriptors:
            assert item.written, item.path.name  # into a temporary directory, then validated there
            if item.status == "placeholders":
                assert item.draft.placeholders and (PLACEHOLDER in item.text or DEFAULT_BUCKET in item.text), item.path.name


def test_the_corpus_covers_the_calls_the_importer_reads(results: list[tuple[Path, NotebookImport]]) -> None:
    types = {item.draft.data.get(section, {}).get("type") for _p, r in results for item in r.descriptors for section in ("estimator", "model")}
    sections = {section for _p, r in results for item in r.descriptors for section in item.draft.data}
    assert {"TensorFlow", "PyTorch", "XGBoost", "SKLearn", "MXNet", "KMeans", "HuggingFace", "PCA", "LinearLearner", "Estimator"} <= types
    assert {"TensorFlowModel", "PyTorchModel", "XGBoostModel", "SKLearnModel", "HuggingFaceModel"} <= types
    assert {"estimator", "fit", "tuner", "processing", "model", "deploy", "transformer", "transform"} <= sections
    processors = {step["processor"]["type"] for _p, r in results for item in r.descriptors for step in item.draft.data.get("processing", [])}
    assert {"PyTorchProcessor"} <= processors
    assert any("async_inference_config" in item.draft.data.get("deploy", {}) for _p, r in results for item in r.descriptors)
    reasons = {reason for _p, r in results for reason in r.reasons}
    assert {"register", "record-set-upload", "default-bucket"} <= reasons
    # Tuned notebooks import with their tuner (several deploy the best job), and uploads resolve to URIs.
    tuned = [item for _p, r in results for item in r.descriptors if "tuner" in item.draft.data]
    assert len(tuned) >= 6 and sum("deploy" in item.draft.data for item in tuned) >= 4
    assert sum(bool(item.draft.uploads) for _p, r in results for item in r.descriptors) >= 4


def test_the_readme_report_is_current(results: list[tuple[Path, NotebookImport]]) -> None:
    text = report_script.README.read_text()
    assert report_script.with_report(text, report_script.report(results)) == text, "README.md's import corpus report is stale: run .venv/bin/python scripts/import_corpus_report.py"
