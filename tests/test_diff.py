"""`sagestack diff`: what a descriptor change does once it ships (sagestack.impact), decided from
the SageMaker requests both versions render — and the command on a real git history."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from sagestack.descriptor import descriptor_from_dict
from sagestack.impact import changed_paths, impact

from .conftest import CATALOG

KMEANS = yaml.safe_load((CATALOG / "kmeans.yaml").read_text())
SERVING = yaml.safe_load((CATALOG / "mnist-serving.yaml").read_text())
PROCESSED = yaml.safe_load((CATALOG / "pytorch-pipeline.yaml").read_text())
COMPONENTS = yaml.safe_load((CATALOG / "xgboost-components.yaml").read_text())


def _changed(base: dict[str, Any], *edits: tuple[tuple[str, ...], Any]) -> Any:
    data = copy.deepcopy(base)
    for path, value in edits:
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return descriptor_from_dict(data, base_dir=CATALOG)


@pytest.mark.parametrize(
    ("base", "edits", "kind", "path"),
    [
        (KMEANS, [(("estimator", "k"), 12)], "retrains", "CreateTrainingJob.HyperParameters.k"),
        (KMEANS, [(("estimator", "instance_type"), "ml.c5.2xlarge")], "retrains", "CreateTrainingJob.ResourceConfig.InstanceType"),
        (KMEANS, [(("deploy", "instance_type"), "ml.c5.xlarge")], "redeploys", "CreateEndpointConfig.ProductionVariants[0].InstanceType"),
        (SERVING, [(("model", "model_data"), "s3://sagestack-examples-data/mnist/models/2026-11-27/model.tar.gz")], "redeploys", "CreateModel.PrimaryContainer.ModelDataUrl"),
        (SERVING, [(("deploy", "autoscaling", "max_capacity"), 8)], "rescales", "deploy.autoscaling.max_capacity"),
        (SERVING, [(("description",), "the same model, better described")], "metadata", "description"),
        # what each copy of an inference component reserves: the component is updated
        (COMPONENTS, [(("deploy", "resources", "requests", "memory"), 2048)], "redeploys", "CreateInferenceComponent.Specification.ComputeResourceRequirements.MinMemoryRequiredInMb"),
        # a processing job's arguments: the next run prepares its data differently
        (PROCESSED, [(("processing", 0, "run", "arguments"), ["--test-fraction", "0.3"])], "retrains", "CreateProcessingJob.preprocess.AppSpecification.ContainerArguments[1]"),
    ],
)
def test_impact_of_a_change(base: dict[str, Any], edits: list[tuple[tuple[str, ...], Any]], kind: str, path: str) -> None:
    result = impact(descriptor_from_dict(copy.deepcopy(base), base_dir=CATALOG), _changed(base, *edits))
    assert result.kind == kind and path in result.changes, result
    assert result.describe().startswith(f"{base['name']}: {kind.replace('metadata', 'metadata only').replace('rescales', 'rescales only')}")


def test_unchanged_added_and_removed() -> None:
    d = descriptor_from_dict(copy.deepcopy(KMEANS), base_dir=CATALOG)
    assert impact(d, descriptor_from_dict(copy.deepcopy(KMEANS), base_dir=CATALOG)).kind == "unchanged"
    assert impact(None, d).kind == "added" and impact(d, None).kind == "removed"


def test_changed_paths() -> None:
    assert changed_paths({"a": [1, {"b": 2}], "c": 1}, {"a": [1, {"b": 3}], "d": 1}) == ["a[1].b", "c", "d"]
    assert changed_paths([1], [1, 2], "x") == ["x"]


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=ci@example.invalid", "-c", "user.name=ci", "-c", "commit.gpgsign=false", *args], cwd=repo, check=True, capture_output=True)


def test_diff_command_on_a_git_history(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    models = repo / "models"
    models.mkdir(parents=True)
    for name in ("kmeans.yaml", "mnist-serving.yaml", "pca-batch.yaml"):
        shutil.copy(CATALOG / name, models / name)
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "catalog")
    (models / "kmeans.yaml").write_text((models / "kmeans.yaml").read_text().replace("k: 10", "k: 12"))
    serving = yaml.safe_load((models / "mnist-serving.yaml").read_text())
    serving["deploy"]["autoscaling"]["max_capacity"] = 8
    (models / "mnist-serving.yaml").write_text(yaml.safe_dump(serving))
    (models / "pca-batch.yaml").unlink()
    cli = str(Path(sys.executable).parent / "sagestack")
    proc = subprocess.run([cli, "diff", "models", "--base", "HEAD", "--format", "json"], cwd=repo, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    verdicts = {entry["model"]: entry for entry in json.loads(proc.stdout)}
    assert verdicts["kmeans"]["kind"] == "retrains" and "CreateTrainingJob.HyperParameters.k" in verdicts["kmeans"]["changes"]
    assert verdicts["mnist-serving"]["kind"] == "rescales"
    assert verdicts["pca-batch"]["kind"] == "removed"
    assert not list(models.glob(".sagestack-base-*"))  # the base versions were read from temporary files, removed again
    text = subprocess.run([cli, "diff", "models", "--base", "HEAD"], cwd=repo, capture_output=True, text=True, timeout=120).stdout
    assert "kmeans: retrains: the next pipeline run trains with a changed CreateTrainingJob (CreateTrainingJob.HyperParameters.k)" in text
    bad = subprocess.run([cli, "diff", "models", "--base", "no-such-ref"], cwd=repo, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_diff_runs_only_what_is_a_descriptor(tmp_path: Path) -> None:
    """A training script deleted from (or turned into a descriptor in) the catalog is never run as
    its base version: one function decides what is a descriptor, for the base revision too."""
    repo = tmp_path / "repo"
    models = repo / "models"
    models.mkdir(parents=True)
    marker = tmp_path / "ran"
    script = f"import pathlib\npathlib.Path({str(marker)!r}).write_text('the old script ran')\n"
    (models / "train.py").write_text(script)
    (models / "later.py").write_text(script)
    shutil.copy(CATALOG / "kmeans.yaml", models / "kmeans.yaml")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "catalog")
    (models / "train.py").unlink()
    (models / "later.py").write_text((CATALOG / "churn-byo-v1.py").read_text().replace("churn-byo-v1", "later"))
    cli = str(Path(sys.executable).parent / "sagestack")
    proc = subprocess.run([cli, "diff", "models", "--base", "HEAD", "--format", "json"], cwd=repo, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert not marker.exists()
    assert [(e["model"], e["kind"]) for e in json.loads(proc.stdout)] == [("later", "added")]


TUNED = yaml.safe_load((CATALOG / "xgboost-tuned.yaml").read_text())
STORE = yaml.safe_load((CATALOG / "sklearn-store-forecast.yaml").read_text())
NIGHTLY = yaml.safe_load((CATALOG / "byo-estimator.yaml").read_text())


@pytest.mark.parametrize(
    ("base", "edits", "kind", "path"),
    [
        # a tuner's job: the next run tunes differently
        (TUNED, [(("tuner", "max_jobs"), 30)], "retrains", "CreateHyperParameterTuningJob.HyperParameterTuningJobConfig.ResourceLimits.MaxNumberOfTrainingJobs"),
        # the gate, the registered package, the copy to a multi-model endpoint, the schedule
        (TUNED, [(("deploy", "condition", 0, "greater_than_or_equal_to"), 0.85)], "pipeline", "deploy.condition[0].greater_than_or_equal_to"),
        (TUNED, [(("register", "approval_status"), "Approved")], "pipeline", "CreateModelPackage.ModelApprovalStatus"),
        (STORE, [(("add_model", "model_data_path"), "store-0043.tar.gz")], "pipeline", "add_model.model_data_path"),
        (NIGHTLY, [(("schedule", "expression"), "cron(0 4 ? * MON *)")], "pipeline", "schedule.expression"),
    ],
)
def test_what_a_run_does_after_training_is_not_metadata(base: dict[str, Any], edits: list[tuple[tuple[str, ...], Any]], kind: str, path: str) -> None:
    result = impact(descriptor_from_dict(copy.deepcopy(base), base_dir=CATALOG), _changed(base, *edits))
    assert result.kind == kind and path in result.changes, result
    if kind == "pipeline":
        assert result.describe() == f"{base['name']}: changes the pipeline: the next run gates, registers, adds its model or starts differently ({', '.join(result.changes)})"
