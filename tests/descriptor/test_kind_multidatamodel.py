"""MultiDataModel's own rule (sagestack.descriptor.kinds.multidatamodel): each with a
non-compliant case (the finding, at the field) and a compliant one; the served model is any other
model class of the registry, checked with its own fields."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sagestack.descriptor import validate_data

from .helpers import assert_rule_case
from .test_rules import _all, _del, _set


def mme_base() -> dict[str, Any]:
    return {
        "name": "mme-test",
        "model": {"type": "MultiDataModel", "model_data_prefix": "s3://sagestack-test/models/", "model": {"type": "XGBoostModel", "framework_version": "1.7-1"}},
        "deploy": {"initial_instance_count": 1, "instance_type": "ml.c5.xlarge"},
    }


CASES = [
    ("multi_model_container", mme_base, _del("model.model"), _all(_del("model.model"), _set("model.image_uri", "123456789012.dkr.ecr.us-east-1.amazonaws.com/triton:1")), "model", "serves the archives with a model's container or an image", "error"),
    ("multi_model_container", mme_base, _set("model.image_uri", "123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1"), lambda d: None, "model.image_uri", "carries its own settings", "error"),
    ("multi_model_container", mme_base, _set("model.model.model_data", "s3://sagestack-test/one/model.tar.gz"), lambda d: None, "model.model.model_data", "come from model_data_prefix", "error"),
    ("multi_model_container", mme_base, _set("model.model", {"type": "PyTorchModel", "framework_version": "2.3.0", "py_version": "py311", "entry_point": "train.py"}), _set("model.model", {"type": "PyTorchModel", "framework_version": "2.3.0", "py_version": "py311"}), "model.model.entry_point", "served as they are", "error"),
    ("multi_model_container", mme_base, _set("deploy.instance_type", "ml.g5.xlarge"), _set("deploy.instance_type", "ml.c5.2xlarge"), "deploy.instance_type", "Triton", "error"),
    ("multi_model_container", mme_base, _set("deploy.volume_size", 50), lambda d: None, "deploy.volume_size", "takes no volume or timeouts", "error"),
    ("multi_model_container", mme_base, _set("model.enable_network_isolation", False), lambda d: None, "model.enable_network_isolation", "carries its own settings", "error"),
    ("multi_model_container", mme_base, _set("deploy", {"serverless_inference_config": {"memory_size_in_mb": 2048, "max_concurrency": 1}}), lambda d: None, "deploy", "one real-time variant", "error"),
]
RULE_CASES = [case[0] for case in CASES]


@pytest.mark.parametrize(("rule", "base", "bad", "good", "path", "fragment", "severity"), CASES, ids=[f"{c[0]}:{c[4]}:{c[5][:24]}" for c in CASES])
def test_rule(tmp_path: Path, rule: str, base: Any, bad: Any, good: Any, path: str, fragment: str, severity: str) -> None:
    assert_rule_case(tmp_path, rule, base, bad, good, path, fragment, severity)


def test_the_served_model_is_checked_with_its_own_fields() -> None:
    data = mme_base()
    data["model"]["model"] = {"type": "XGBoostModel", "framework_version": "1.7-1", "frameworkversion": "1.5-1"}
    result = validate_data(data, file="x.yaml")
    assert result.descriptor is None
    assert any(i.path == "model.model.frameworkversion" and "framework_version" in i.message for i in result.issues), [i.format() for i in result.issues]


def test_an_unknown_served_model_type_lists_the_model_classes() -> None:
    data = mme_base()
    data["model"]["model"] = {"type": "XGBoostModle"}
    [issue] = [i for i in validate_data(data, file="x.yaml").issues if i.path.startswith("model.model")]
    assert "did you mean 'XGBoostModel'" in issue.message and "MultiDataModel" not in (issue.allowed or "")


def test_only_containers_that_serve_multi_model_endpoints_are_offered() -> None:
    """AWS lists the framework containers that serve multi-model endpoints; the Hugging Face
    inference container is not one of them."""
    data = mme_base()
    data["model"]["model"] = {"type": "HuggingFaceModel", "transformers_version": "4.26", "pytorch_version": "1.13", "py_version": "py39"}
    [issue] = [i for i in validate_data(data, file="x.yaml").issues if i.path.startswith("model.model")]
    assert issue.path == "model.model.type" and "HuggingFaceModel" not in (issue.allowed or "") and "SKLearnModel" in (issue.allowed or "")
