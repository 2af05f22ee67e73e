"""Notebooks of our own (tests/importer/notebooks/, written for these tests) that make the SDK
calls the importer reads, in the ways real notebooks make them: every one imports with the
outcome and reason classes it should have, together they cover every kind of call, and what
they import is what their code says (resolved values, placeholders, extracted scripts,
processing steps and their references, tuner ranges, transforms, asynchronous endpoints)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sagestack.importer import DEFAULT_BUCKET, PLACEHOLDER, REASONS, NotebookImport, import_notebook

NOTEBOOKS = Path(__file__).parent / "notebooks"

#: notebook -> (outcome, reason classes, descriptors)
EXPECTED = {
    "builtin_algorithms": ("placeholders", ["record-set-upload"], 3),
    "framework_models": ("valid", [], 5),
    "huggingface_async": ("valid", [], 2),
    "missing_script": ("none", ["missing-local-path", "local-mode"], 1),
    "no_sdk_calls": ("none", ["no-sdk-calls"], 0),
    "pytorch_tuned": ("placeholders", ["default-bucket"], 1),
    "sklearn_processing": ("valid", [], 1),
    "tensorflow_script_mode": ("valid", [], 1),
    "unresolved_values": ("placeholders", ["unresolved-value"], 1),
    "xgboost_batch": ("valid", [], 1),
}


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, NotebookImport]:
    out = tmp_path_factory.mktemp("imported")
    return {path.stem: import_notebook(path, out / path.stem) for path in sorted(NOTEBOOKS.glob("*.ipynb"))}


def _data(result: NotebookImport, name: str | None = None) -> dict:
    [item] = [d for d in result.descriptors if name is None or d.path.stem == name]
    return yaml.safe_load(item.text)


def test_every_notebook_imports_with_its_outcome_and_reasons(imported: dict[str, NotebookImport]) -> None:
    assert sorted(imported) == sorted(EXPECTED)
    for name, result in imported.items():
        assert (result.status, result.reasons, len(result.descriptors)) == EXPECTED[name], name
        assert set(result.reasons) <= set(REASONS)
        for item in result.descriptors:
            assert item.written, item.path.name  # written, then validated
            if item.status == "placeholders":
                assert item.draft.placeholders and (PLACEHOLDER in item.text or DEFAULT_BUCKET in item.text), item.path.name


def test_together_they_cover_the_calls_the_importer_reads(imported: dict[str, NotebookImport]) -> None:
    items = [item for r in imported.values() for item in r.descriptors]
    types = {item.draft.data.get(section, {}).get("type") for item in items for section in ("estimator", "model")}
    assert {"TensorFlow", "PyTorch", "SKLearn", "MXNet", "KMeans", "HuggingFace", "PCA", "LinearLearner", "Estimator"} <= types
    assert {"TensorFlowModel", "PyTorchModel", "XGBoostModel", "SKLearnModel", "HuggingFaceModel"} <= types
    assert {"estimator", "fit", "tuner", "processing", "model", "deploy", "transformer", "transform"} <= {s for item in items for s in item.draft.data}
    assert {"SKLearnProcessor", "PyTorchProcessor"} <= {step["processor"]["type"] for item in items for step in item.draft.data.get("processing", [])}
    assert any("async_inference_config" in item.draft.data.get("deploy", {}) for item in items)
    assert sum(bool(item.draft.uploads) for item in items) == 1


def test_values_are_resolved_and_scripts_extracted(imported: dict[str, NotebookImport], tmp_path_factory: pytest.TempPathFactory) -> None:
    result = imported["tensorflow_script_mode"]
    data = _data(result)
    # A dict updated after it is built, arithmetic, os.path.join over concatenation, an f-string.
    assert data["estimator"]["hyperparameters"] == {"epochs": 3, "learning-rate": 0.01, "batch-size": 128}
    assert data["fit"]["inputs"] == {
        "train": {"s3_data": "s3://sagestack-examples-data/mnist/train", "content_type": "application/x-npy"},
        "test": "s3://sagestack-examples-data/mnist/test",
    }
    assert "output_path" not in data["estimator"] and "role" not in data["estimator"]  # the default bucket's output, the generated role
    [item] = result.descriptors
    script = item.path.parent / "tensorflow-script-mode" / "mnist_train.py"
    assert data["estimator"]["entry_point"] == "tensorflow-script-mode/mnist_train.py" and "argparse.ArgumentParser()" in script.read_text()
    xgb = _data(imported["xgboost_batch"])
    assert xgb["estimator"]["image_uri"] == {"framework": "xgboost", "version": "1.7-1"}
    assert xgb["estimator"]["hyperparameters"] == {"objective": "reg:squarederror", "num_round": 50, "max_depth": 5}
    assert (xgb["transformer"]["strategy"], xgb["transform"]["data"], xgb["transform"]["split_type"]) == ("MultiRecord", "s3://sagestack-examples-data/abalone/batch", "Line")


def test_what_cannot_be_resolved_is_a_placeholder_with_its_expression(imported: dict[str, NotebookImport]) -> None:
    [item] = imported["unresolved_values"].descriptors
    assert item.status == "placeholders"
    assert {p.where.text for p in item.draft.placeholders} == {"latest_image()", 'f"s3://{bucket}/runs/{stamp}/train"'}
    assert f"image_uri: {PLACEHOLDER}  # unresolved: latest_image() (cell 3, line 5)" in item.text
    [tuned] = imported["pytorch_tuned"].descriptors
    assert f"training: s3://{DEFAULT_BUCKET}/cifar10/train" in tuned.text
    kmeans = next(d for d in imported["builtin_algorithms"].descriptors if d.path.stem.endswith("kmeans"))
    assert {p.path[-1] for p in kmeans.draft.placeholders} == {"s3_data", "num_records", "feature_dim"}
    missing = imported["missing_script"].descriptors[0]
    assert missing.status == "invalid" and "estimator.source_dir: src does not exist beside the notebook" in missing.text
    assert {i.path for i in missing.issues} == {"estimator.instance_type", "fit.inputs.train"}  # local mode, a local file:// channel


def test_tuner_processing_and_async_are_read_as_the_notebooks_say(imported: dict[str, NotebookImport]) -> None:
    tuned = _data(imported["pytorch_tuned"])
    assert tuned["tuner"]["hyperparameter_ranges"] == {
        "lr": {"type": "ContinuousParameter", "min_value": 0.001, "max_value": 0.1, "scaling_type": "Logarithmic"},
        "batch-size": {"type": "IntegerParameter", "min_value": 32, "max_value": 256},
        "optimizer": {"type": "CategoricalParameter", "values": ["sgd", "adam"]},
    }
    assert (tuned["tuner"]["objective_metric_name"], tuned["tuner"]["max_jobs"], tuned["deploy"]["instance_type"]) == ("validation:accuracy", 6, "ml.m5.xlarge")
    assert tuned["estimator"]["source_dir"] == "pytorch-tuned/code"
    processing = _data(imported["sklearn_processing"])
    prepare, score = processing["processing"]
    assert (prepare["name"], prepare["when"], score["name"], score["when"]) == ("prepare", "before_training", "score", "after_training")
    assert [o.get("destination") for o in prepare["run"]["outputs"]] == [None, None]  # the default bucket's: sagestack's artifact bucket
    assert [i["source"] for i in score["run"]["inputs"]] == [{"step": "training", "output": "model"}, {"step": "prepare", "output": "test"}]
    assert processing["fit"]["inputs"] == {"train": {"step": "prepare", "output": "train"}}
    assert imported["sklearn_processing"].uncovered == []
    assert processing["register"] == {"content_types": ["text/csv"], "response_types": ["text/csv"], "model_package_group_name": "census"}
    served = _data(imported["huggingface_async"], "huggingface-async-served")
    assert served["deploy"]["async_inference_config"] == {"output_path": "s3://sagestack-examples-data/async/output", "max_concurrent_invocations_per_instance": 2}
    [mx] = [d for d in imported["framework_models"].descriptors if d.draft.uploads]
    assert yaml.safe_load(mx.text)["fit"]["inputs"] == {"train": "s3://sagestack-examples-data/mxnet/train/train.rec"}
