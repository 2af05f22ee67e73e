"""XGBoost's and scikit-learn's own rules (sagestack.descriptor.kinds.xgboost / .sklearn), each
with a non-compliant case (the finding, at the field) and a compliant one; what the SDK refuses
as an argument (distribution) is an unknown field here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sagestack.descriptor import validate_data

from .helpers import assert_rule_case, issues_of
from .test_rules import _all, _set


def xgb_base() -> dict[str, Any]:
    return {
        "name": "xgb-test",
        "estimator": {"type": "XGBoost", "entry_point": "train.py", "framework_version": "1.7-1", "instance_type": "ml.m5.xlarge"},
        "fit": {"inputs": {"train": "s3://sagestack-test/train"}},
        "deploy": {"initial_instance_count": 1, "instance_type": "ml.m5.large"},
    }


def xgbm_base() -> dict[str, Any]:
    return {
        "name": "xgbm-test",
        "model": {"type": "XGBoostModel", "model_data": "s3://sagestack-test/model.tar.gz", "framework_version": "1.5-1"},
        "deploy": {"initial_instance_count": 1, "instance_type": "ml.m5.large"},
    }


def sk_base() -> dict[str, Any]:
    return {
        "name": "sk-test",
        "estimator": {"type": "SKLearn", "entry_point": "train.py", "framework_version": "1.2-1", "instance_type": "ml.m5.large"},
        "fit": {"inputs": {"train": "s3://sagestack-test/train"}},
        "deploy": {"initial_instance_count": 1, "instance_type": "ml.m5.large"},
    }


def skm_base() -> dict[str, Any]:
    return {
        "name": "skm-test",
        "model": {"type": "SKLearnModel", "model_data": "s3://sagestack-test/model.tar.gz", "framework_version": "1.2-1", "entry_point": "train.py"},
        "deploy": {"initial_instance_count": 1, "instance_type": "ml.m5.large"},
    }


def builtin_base() -> dict[str, Any]:
    """Built-in XGBoost as notebooks write it: Estimator(image_uri=image_uris.retrieve(...))."""
    return {
        "name": "xgb-builtin-test",
        "estimator": {"type": "Estimator", "image_uri": {"framework": "xgboost", "version": "1.7-1"}, "instance_type": "ml.m5.xlarge"},
        "fit": {"inputs": {"train": "s3://sagestack-test/train"}},
    }


def _image(**arguments: Any) -> Any:
    return _set("estimator.image_uri", {"framework": "xgboost", **arguments})


CASES = [
    ("image_uri_retrieve_exists", builtin_base, _image(version="1.8-1"), _image(version="1.5-1"), "estimator.image_uri.version", "no xgboost training image for this version", "error"),
    ("image_uri_retrieve_exists", builtin_base, _image(version="1.0-1", py_version="py2"), _image(version="1.0-1", py_version="py3"), "estimator.image_uri.py_version", "Python version", "error"),
    ("image_uri_retrieve_exists", builtin_base, _image(version="1.0-1", instance_type="ml.p3.2xlarge"), _image(version="1.0-1", instance_type="ml.m5.xlarge"), "estimator.image_uri.instance_type", "built for cpu", "error"),
    ("image_uri_retrieve_exists", builtin_base, _image(), _image(version="1.7-1"), "estimator.image_uri.version", "needs the xgboost version", "error"),
    ("image_uri_retrieve_exists", builtin_base, _set("estimator.image_uri", {"framework": "pytorch", "version": "2.3.0", "py_version": "py311"}), _set("estimator.image_uri", {"framework": "pytorch", "version": "2.3.0", "py_version": "py311", "image_scope": "training", "instance_type": "ml.g5.xlarge"}), "estimator.image_uri.image_scope", "needs image_scope", "error"),
    ("image_uri_retrieve_exists", builtin_base, _set("estimator.image_uri", {"framework": "pytorch", "version": "2.3.0", "py_version": "py311", "image_scope": "training"}), _set("estimator.image_uri", {"framework": "pytorch", "version": "2.3.0", "py_version": "py311", "image_scope": "training", "instance_type": "ml.g5.xlarge"}), "estimator.image_uri.instance_type", "needs the instance type", "error"),
    ("xgboost_version_and_python", xgb_base, _set("estimator.py_version", "py2"), _set("estimator.py_version", "py3"), "estimator.py_version", "only py3", "error"),
    ("xgboost_version_and_python", xgbm_base, _set("model.framework_version", "1.1-1"), _set("model.framework_version", "1.2-1"), "model.framework_version", "XGBoost 1.1 cannot predict", "error"),
    ("sklearn_runs_on_one_cpu_instance", sk_base, _set("estimator.instance_count", 2), _set("estimator.instance_count", 1), "estimator.instance_count", "does not support distributed training", "error"),
    ("sklearn_runs_on_one_cpu_instance", sk_base, _set("estimator.instance_type", "ml.g5.xlarge"), _set("estimator.instance_type", "ml.c5.xlarge"), "estimator.instance_type", "GPU training is not supported", "error"),
    ("sklearn_runs_on_one_cpu_instance", skm_base, _set("model.py_version", "py2"), _set("model.py_version", "py3"), "model.py_version", "only Python 3", "error"),
    ("sklearn_runs_on_one_cpu_instance", skm_base, _set("deploy.accelerator_type", "ml.eia2.medium"), _set("deploy.accelerator_type", None), "deploy.accelerator_type", "not supported for scikit-learn", "error"),
    ("sklearn_runs_on_one_cpu_instance", skm_base, _set("deploy.instance_type", "ml.g4dn.xlarge"), _set("deploy.instance_type", "ml.c5.large"), "deploy.instance_type", "CPU images", "error"),
    ("serving_arguments_are_taken", xgbm_base, _set("model.enable_network_isolation", True), _all(_set("model.enable_network_isolation", True), _set("model.entry_point", "train.py")), "model.enable_network_isolation", "has no model data", "error"),
    # Graviton instances serve from the framework's Graviton images, which exist for fewer versions.
    ("inference_image_exists", xgbm_base, _all(_set("deploy.instance_type", "ml.c6g.large"), _set("model.framework_version", "1.7-1")), _set("deploy.instance_type", "ml.c6g.large"), "deploy.instance_type", "Graviton", "error"),
    ("inference_image_exists", skm_base, _set("deploy.instance_type", "ml.m6g.large"), _all(_set("deploy.instance_type", "ml.m6g.large"), _set("model.framework_version", "1.0-1")), "deploy.instance_type", "no sklearn 1.2-1 Graviton", "error"),
]
RULE_CASES = [case[0] for case in CASES]


@pytest.mark.parametrize(("rule", "base", "bad", "good", "path", "fragment", "severity"), CASES, ids=[f"{c[0]}:{c[4]}:{c[5][:24]}" for c in CASES])
def test_rule(tmp_path: Path, rule: str, base: Any, bad: Any, good: Any, path: str, fragment: str, severity: str) -> None:
    assert_rule_case(tmp_path, rule, base, bad, good, path, fragment, severity)


@pytest.mark.parametrize("base", [xgb_base, sk_base])
def test_no_distribution_argument(base: Any) -> None:
    """XGBoost(...) and SKLearn(...) take no distribution (the SDK raises TypeError)."""
    data = base()
    data["estimator"]["distribution"] = {"mpi": {"enabled": True}}
    result = validate_data(data, file="x.yaml")
    assert result.descriptor is None
    assert any(i.path == "estimator.distribution" for i in result.issues), [i.format() for i in result.issues]


def test_an_unknown_image_family_suggests_one() -> None:
    data = builtin_base()
    data["estimator"]["image_uri"] = {"framework": "xgbost", "version": "1.7-1"}
    result = validate_data(data, file="x.yaml")
    assert result.descriptor is None
    (issue,) = [i for i in result.issues if i.path.startswith("estimator.image_uri")]
    assert "did you mean 'xgboost'" in issue.message, issue.format()


def test_sklearn_training_only_version_is_served_from_its_training_image(tmp_path: Path) -> None:
    """SKLearnModel retrieves its image without a scope, so a version with only a training image
    (1.4-2) serves: the SDK and sagestack accept it."""
    data = sk_base()
    data["estimator"]["framework_version"] = "1.4-2"
    assert [i.format() for i in issues_of(data, tmp_path) if i.severity == "error"] == []
