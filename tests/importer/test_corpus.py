"""The corpus of real notebooks: those of aws/amazon-sagemaker-examples listed in
tests/importer/corpus.txt (pinned to a commit), read from a checkout or git directory named by
SAGESTACK_IMPORT_CORPUS. The notebooks belong to their repository and are not copied here, so
without the variable (CI has no network) only the list is checked; with it, every notebook
imports without an exception, each descriptor written is validated, the listed ones cover the
calls the importer reads, and the reports in docs/import.md and README.md are the ones
scripts/import_corpus_report.py generates now."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from sagestack.importer import DEFAULT_BUCKET, PLACEHOLDER, REASONS

from ..conftest import REPO_ROOT


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("import_corpus_report", REPO_ROOT / "scripts" / "import_corpus_report.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


report_script = _script()
LOCATION = os.environ.get(report_script.ENV, "")
needs_corpus = pytest.mark.skipif(
    not LOCATION,
    reason=f"{report_script.ENV} is not set: it names a checkout (or git directory) of {report_script.REPOSITORY}, whose notebooks are not in this repository",
)


@pytest.fixture(scope="module")
def reports():  # type: ignore[no-untyped-def] - the script's Reports
    return report_script.reports(Path(LOCATION))


def test_the_list_names_notebooks_of_the_archived_folder_at_a_commit() -> None:
    listed = report_script.corpus_list()
    assert len(listed.commit) == 40 and int(listed.commit, 16) >= 0
    assert 30 <= len(listed.paths) <= 40 and len(set(listed.paths)) == len(listed.paths)
    assert all(p.endswith(".ipynb") and not p.startswith(("/", "archived")) and ".." not in p for p in listed.paths)
    # The processing and asynchronous-endpoint notebooks are part of it.
    assert {"customer_churn/1_cust_churn_dataprep.ipynb", "DeployStableCascade.ipynb"} <= set(listed.paths)


def test_a_location_that_is_no_checkout_is_refused(tmp_path: Path) -> None:
    with pytest.raises(report_script.CorpusError, match="has no 'archived' folder"):
        with report_script.checkout(tmp_path, "0" * 40):
            pass
    (tmp_path / report_script.FOLDER).mkdir()
    with pytest.raises(report_script.CorpusError, match="not a git work tree"):  # its commit cannot be checked
        with report_script.checkout(tmp_path, "0" * 40):
            pass
    subprocess.run(["git", "init", "-q", "--bare", str(tmp_path / "bare")], check=True)
    with pytest.raises(report_script.CorpusError, match="has no commit"):  # a git directory without the pinned commit
        with report_script.checkout(tmp_path / "bare", "0" * 40):
            pass


@needs_corpus
def test_every_notebook_imports_and_says_why_not_when_it_does_not(reports) -> None:  # type: ignore[no-untyped-def]
    assert len(reports.folder) > 400 and len(reports.listed) == len(report_script.corpus_list().paths)
    for imported in [*reports.folder, *reports.listed]:
        assert imported.result is not None, f"{imported.path}: {imported.error}"
        result = imported.result
        assert result.status in ("valid", "placeholders", "none"), imported.path
        assert set(result.reasons) <= set(REASONS)
        if result.status != "valid":
            assert result.reasons, f"{imported.path} does not import as it is but names no reason"
        for item in result.descriptors:
            assert item.written, item.path.name  # into a temporary directory, then validated there
            if item.status == "placeholders":
                assert item.draft.placeholders and (PLACEHOLDER in item.text or DEFAULT_BUCKET in item.text), item.path.name


@needs_corpus
def test_the_listed_notebooks_cover_the_calls_the_importer_reads(reports) -> None:  # type: ignore[no-untyped-def]
    items = [item for r in reports.listed for item in r.result.descriptors]
    types = {item.draft.data.get(section, {}).get("type") for item in items for section in ("estimator", "model")}
    assert {"TensorFlow", "PyTorch", "XGBoost", "SKLearn", "MXNet", "KMeans", "HuggingFace", "PCA", "LinearLearner", "Estimator"} <= types
    assert {"TensorFlowModel", "PyTorchModel", "XGBoostModel", "SKLearnModel", "HuggingFaceModel"} <= types
    assert {"estimator", "fit", "tuner", "processing", "model", "deploy", "transformer", "transform", "register"} <= {s for item in items for s in item.draft.data}
    processors = {step["processor"]["type"] for item in items for step in item.draft.data.get("processing", [])}
    assert {"PyTorchProcessor"} <= processors
    assert any("async_inference_config" in item.draft.data.get("deploy", {}) for item in items)
    assert {"record-set-upload", "default-bucket"} <= {reason for r in reports.listed for reason in r.reasons}
    # Tuned notebooks import with their tuner (several deploy the best job), and uploads resolve to URIs.
    tuned = [item for item in items if "tuner" in item.draft.data]
    assert len(tuned) >= 6 and sum("deploy" in item.draft.data for item in tuned) >= 4
    assert sum(bool(item.draft.uploads) for item in items) >= 4


@needs_corpus
def test_the_reports_in_the_docs_are_current(reports) -> None:  # type: ignore[no-untyped-def]
    for file, (text, updated) in report_script.updated_files(reports).items():
        assert updated == text, f"{file.name}'s import corpus report is stale: run make import-corpus CORPUS={LOCATION}"
