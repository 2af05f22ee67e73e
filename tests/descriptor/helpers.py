"""Small builders for descriptor tests: valid bases to mutate, and issue lookups."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from sagestack.descriptor import Issue, validate_data


def tf_base() -> dict[str, Any]:
    """A valid TensorFlow script-mode descriptor (no code paths: entry_point checked separately)."""
    return {
        "name": "tf-test",
        "estimator": {
            "type": "TensorFlow",
            "entry_point": "train.py",
            "framework_version": "2.11",
            "py_version": "py39",
            "instance_type": "ml.p3.2xlarge",
            "instance_count": 1,
            "hyperparameters": {"epochs": 10},
        },
        "fit": {"inputs": {"train": "s3://sagestack-test/train"}},
        "deploy": {"initial_instance_count": 1, "instance_type": "ml.g4dn.xlarge"},
    }


def kmeans_base() -> dict[str, Any]:
    return {
        "name": "kmeans-test",
        "estimator": {"type": "KMeans", "k": 10, "instance_type": "ml.c5.xlarge"},
        "fit": {"inputs": {"s3_data": "s3://sagestack-test/km/manifest", "num_records": 1000, "feature_dim": 50, "channel": "train"}},
    }


def model_base() -> dict[str, Any]:
    return {
        "name": "tfs-test",
        "model": {"type": "TensorFlowModel", "model_data": "s3://sagestack-test/model.tar.gz", "framework_version": "2.11"},
        "deploy": {"initial_instance_count": 1, "instance_type": "ml.m5.large"},
    }


def tuned_base() -> dict[str, Any]:
    """Built-in XGBoost tuned on its validation:auc (HyperparameterTuner), then deployed."""
    return {
        "name": "tuned-test",
        "estimator": {"type": "Estimator", "image_uri": {"framework": "xgboost", "version": "1.7-1"}, "instance_type": "ml.m5.xlarge", "instance_count": 1, "hyperparameters": {"num_round": 100}},
        "fit": {"inputs": {"train": "s3://sagestack-test/train", "validation": "s3://sagestack-test/validation"}},
        "tuner": {
            "objective_metric_name": "validation:auc",
            "hyperparameter_ranges": {"eta": {"type": "ContinuousParameter", "min_value": 0.01, "max_value": 0.3}, "max_depth": {"type": "IntegerParameter", "min_value": 3, "max_value": 9}},
            "max_jobs": 4,
            "max_parallel_jobs": 2,
        },
        "deploy": {"initial_instance_count": 1, "instance_type": "ml.m5.large"},
    }


def issues_of(raw: dict[str, Any], tmp: Path | None = None) -> list[Issue]:
    """Issues of ``raw``; code paths resolve against ``tmp`` (where train.py is created) or are skipped."""
    raw = copy.deepcopy(raw)
    source = None
    if tmp is not None:
        (tmp / "train.py").write_text("print('train')\n")
        source = tmp / "descriptor.yaml"
    result = validate_data(raw, file="t.yaml", source=source)
    return result.issues


def find(issues: list[Issue], path: str, fragment: str = "", severity: str | None = None) -> list[Issue]:
    return [i for i in issues if i.path == path and fragment in i.message and (severity is None or i.severity == severity)]


def errors(issues: list[Issue]) -> list[Issue]:
    return [i for i in issues if i.severity == "error"]


def assert_rule_case(tmp: Path, rule: str, base: Any, bad: Any, good: Any, path: str, fragment: str, severity: str) -> None:
    """A rule's non-compliant case reports ``fragment`` at ``path`` with ``severity``; the same
    base, fixed by ``good``, does not."""
    broken = base()
    bad(broken)
    found = find(issues_of(broken, tmp), path, fragment, severity)
    assert found, f"{rule}: expected a {severity} at {path} containing {fragment!r}; got {[i.format() for i in issues_of(broken, tmp)]}"
    fixed = base()
    good(fixed)
    assert not find(issues_of(fixed, tmp), path, fragment), f"{rule}: compliant case still reports {fragment!r}: {[i.format() for i in issues_of(fixed, tmp)]}"
