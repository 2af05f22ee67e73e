"""Hugging Face's own rules (sagestack.descriptor.kinds.huggingface): a compliant and a
non-compliant case each, the SDK's lists compared with the SDK, and errors at their lines."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sagestack.descriptor.kinds import huggingface as hf
from sagestack.descriptor.loader import load_descriptor

from .helpers import assert_rule_case, errors, issues_of
from .test_rules import _all, _del, _set

Mutation = Callable[[dict[str, Any]], None]


def hf_base() -> dict[str, Any]:
    """A valid Hugging Face fine-tune on a GPU instance, deployed on a GPU instance."""
    return {
        "name": "hf-test",
        "estimator": {"type": "HuggingFace", "entry_point": "train.py", "transformers_version": "4.26", "pytorch_version": "1.13", "py_version": "py39", "instance_type": "ml.p3.2xlarge", "hyperparameters": {"epochs": 1}},
        "fit": {"inputs": {"train": "s3://sagestack-test/train"}},
        "deploy": {"initial_instance_count": 1, "instance_type": "ml.g4dn.xlarge"},
    }


def hf_model_base() -> dict[str, Any]:
    return {
        "name": "hf-model-test",
        "model": {"type": "HuggingFaceModel", "model_data": "s3://sagestack-test/model.tar.gz", "transformers_version": "4.26", "pytorch_version": "1.13", "py_version": "py39"},
        "deploy": {"initial_instance_count": 1, "instance_type": "ml.m5.xlarge"},
    }


def _triple(transformers: str, pytorch: str, py: str) -> Mutation:
    return _all(_set("estimator.transformers_version", transformers), _set("estimator.pytorch_version", pytorch), _set("estimator.py_version", py))


def _tensorflow(d: dict[str, Any]) -> None:
    d["estimator"].pop("pytorch_version")
    d["estimator"].update({"transformers_version": "4.17", "tensorflow_version": "2.6", "py_version": "py38"})


def SMDDP(d: dict[str, Any]) -> None:  # a mutation like the others; fresh dicts each call
    d["estimator"].update({"instance_type": "ml.p3.16xlarge", "instance_count": 2, "distribution": {"smdistributed": {"dataparallel": {"enabled": True}}}})

TORCHRUN = _set("estimator.distribution", {"torch_distributed": {"enabled": True}})

# (rule, base, bad mutation, good mutation, path, message fragment, severity)
CASES: list[tuple[str, Callable[[], dict[str, Any]], Mutation, Mutation, str, str, str]] = [
    ("huggingface_training_image_exists", hf_base, _set("estimator.transformers_version", "4.99"), _set("estimator.transformers_version", "4.26"), "estimator.transformers_version", "no Hugging Face training image", "error"),
    ("huggingface_training_image_exists", hf_base, _set("estimator.pytorch_version", "1.12"), _set("estimator.pytorch_version", "1.13"), "estimator.pytorch_version", "no Hugging Face training image for transformers 4.26", "error"),
    ("huggingface_training_image_exists", hf_base, _set("estimator.py_version", "py38"), _set("estimator.py_version", "py39"), "estimator.py_version", "with this Python version", "error"),
    ("huggingface_training_image_exists", hf_base, _set("estimator.instance_type", "ml.m5.xlarge"), _set("estimator.instance_type", "ml.g5.xlarge"), "estimator.instance_type", "built for gpu only", "error"),
    ("huggingface_training_image_exists", hf_base, _set("estimator.instance_type", "ml.trn1.2xlarge"), lambda d: None, "estimator.instance_type", "not the Neuron images", "error"),
    ("huggingface_training_image_exists", hf_base, _set("estimator.tensorflow_version", "2.6"), lambda d: None, "estimator.tensorflow_version", "both given", "error"),
    ("huggingface_training_image_exists", hf_base, _del("estimator.pytorch_version"), _tensorflow, "estimator.pytorch_version", "required without image_uri", "error"),
    ("huggingface_training_image_exists", hf_base, _del("estimator.transformers_version"), _all(_del("estimator.transformers_version"), _set("estimator.image_uri", "123456789012.dkr.ecr.us-east-1.amazonaws.com/hf:1")), "estimator.transformers_version", "required without image_uri", "error"),
    ("huggingface_training_image_exists", hf_base, _set("estimator.pytorch_version", "1.13.1"), _triple("4.26.0", "1.13.1", "py39"), "estimator.pytorch_version", "full or the shortened version", "error"),
    ("huggingface_inference_image_exists", hf_base, _triple("4.36", "2.1", "py310"), _triple("4.28", "2.0", "py310"), "deploy", "cannot be served", "error"),
    ("huggingface_inference_image_exists", hf_base, _triple("4.48", "2.3", "py311"), _triple("4.48.0", "2.3.0", "py311"), "deploy", "cannot be served", "error"),
    ("huggingface_inference_image_exists", hf_model_base, _set("model.transformers_version", "4.36"), _set("model.transformers_version", "4.26"), "model.transformers_version", "no Hugging Face inference image", "error"),
    ("huggingface_inference_image_exists", hf_model_base, _set("model.pytorch_version", "2.1"), _set("model.pytorch_version", "1.13"), "model.pytorch_version", "no Hugging Face inference image for transformers 4.26", "error"),
    ("huggingface_inference_image_exists", hf_model_base, _del("model.py_version"), lambda d: None, "model.py_version", "required without image_uri", "error"),
    ("huggingface_inference_image_exists", hf_model_base, _set("deploy.instance_type", "ml.inf2.xlarge"), _set("deploy.instance_type", "ml.g5.xlarge"), "deploy.instance_type", "not the Neuron images", "error"),
    ("huggingface_transform_image_exists", lambda: {**{k: v for k, v in hf_base().items() if k != "deploy"}, "transformer": {"instance_type": "ml.m5.xlarge", "instance_count": 1}, "transform": {"data": "s3://sagestack-test/batch"}}, _triple("4.36", "2.1", "py310"), lambda d: None, "transformer", "cannot be served", "error"),
    ("huggingface_distribution_supported", hf_base, TORCHRUN, _all(TORCHRUN, _triple("4.26.0", "1.13.1", "py39")), "estimator.pytorch_version", "only these full PyTorch versions", "error"),
    ("huggingface_distribution_supported", hf_base, _all(TORCHRUN, _triple("4.26.0", "1.13.1", "py39"), _set("estimator.entry_point", "train.sh")), _all(TORCHRUN, _triple("4.26.0", "1.13.1", "py39")), "estimator.entry_point", "only Python programs", "error"),
    ("huggingface_distribution_supported", hf_base, _all(_tensorflow, TORCHRUN), _tensorflow, "estimator.distribution.torch_distributed", "base framework is TensorFlow", "error"),
    ("huggingface_distribution_supported", hf_base, _all(SMDDP, _triple("4.46.1", "2.3.0", "py311")), _all(SMDDP, _triple("4.28.1", "2.0.0", "py310")), "estimator.pytorch_version", "data parallel supports these pytorch versions", "error"),
    ("huggingface_distribution_supported", hf_base, _all(SMDDP, _set("estimator.distribution.smdistributed.modelparallel", {"enabled": False})), SMDDP, "estimator.distribution.smdistributed", "one smdistributed strategy", "error"),
    ("huggingface_distribution_supported", hf_base, _all(SMDDP, _set("estimator.instance_type", "ml.p5.48xlarge")), SMDDP, "estimator.instance_type", "do not support p5", "error"),
    ("huggingface_model_code_needs_model_data", hf_model_base, _all(_del("model.model_data"), _set("model.entry_point", "train.py")), _set("model.entry_point", "train.py"), "model.entry_point", "a Hub model", "error"),
    ("huggingface_model_code_needs_model_data", hf_model_base, _del("model.model_data"), _all(_del("model.model_data"), _set("model.env", {"HF_MODEL_ID": "distilbert-base-uncased", "HF_TASK": "text-classification"})), "model.model_data", "set env HF_MODEL_ID", "warning"),
    ("huggingface_model_code_needs_model_data", hf_model_base, _set("model.py_version", "py2"), lambda d: None, "model.py_version", "py2 is not supported", "error"),
]


@pytest.mark.parametrize(("rule", "base", "bad", "good", "path", "fragment", "severity"), CASES, ids=[f"{c[0]}:{c[4]}:{c[5][:24]}" for c in CASES])
def test_rule(tmp_path: Path, rule: str, base: Callable[[], dict[str, Any]], bad: Mutation, good: Mutation, path: str, fragment: str, severity: str) -> None:
    assert_rule_case(tmp_path, rule, base, bad, good, path, fragment, severity)


@pytest.mark.parametrize("base", [hf_base, hf_model_base])
def test_bases_are_clean(tmp_path: Path, base: Callable[[], dict[str, Any]]) -> None:
    assert issues_of(base(), tmp_path) == []


def test_a_hub_model_needs_no_model_data(tmp_path: Path) -> None:
    d = hf_model_base()
    del d["model"]["model_data"]
    d["model"]["env"] = {"HF_MODEL_ID": "distilbert-base-uncased", "HF_TASK": "text-classification"}
    assert issues_of(d, tmp_path) == []


def test_framework_version_is_not_an_argument_of_the_class(tmp_path: Path) -> None:
    d = hf_base()
    d["estimator"]["framework_version"] = "4.26"
    [issue] = errors(issues_of(d, tmp_path))
    assert issue.path == "estimator.framework_version"


def test_pytorchxla_is_not_offered_without_the_compiler(tmp_path: Path) -> None:
    d = hf_base()
    d["estimator"]["distribution"] = {"pytorchxla": {"enabled": True}}
    assert [i.path for i in errors(issues_of(d, tmp_path))] == ["estimator.distribution.pytorchxla"]


def test_a_triple_that_trains_and_does_not_serve_is_an_error_at_the_deploy_line(tmp_path: Path) -> None:
    (tmp_path / "train.py").write_text("")
    path = tmp_path / "hf.yaml"
    path.write_text(
        "name: hf-line\n"
        "estimator:\n"
        "  type: HuggingFace\n"
        "  entry_point: train.py\n"
        "  transformers_version: '4.36'\n"
        "  pytorch_version: '2.1'\n"
        "  py_version: py310\n"
        "  instance_type: ml.p3.2xlarge\n"
        "fit:\n"
        "  inputs: s3://sagestack-test/train\n"
        "deploy:\n"
        "  initial_instance_count: 1\n"
        "  instance_type: ml.g5.xlarge\n"
    )
    issues = errors(load_descriptor(path).issues)
    assert [(i.path, i.line) for i in issues] == [("deploy", 11)]
    assert "4.37.0/pytorch2.1.0/py310" in (issues[0].allowed or "")


def test_a_cpu_training_instance_names_the_instance_types_that_work(tmp_path: Path) -> None:
    d = copy.deepcopy(hf_base())
    d["estimator"]["instance_type"] = "ml.c5.xlarge"
    [issue] = errors(issues_of(d, tmp_path))
    assert issue.path == "estimator.instance_type" and "GPU instance types" in (issue.allowed or "")


def test_the_sdk_lists_match_the_sdk() -> None:
    fw_utils = pytest.importorskip("sagemaker.fw_utils")
    from sagemaker.estimator import Framework

    assert list(hf.TORCH_DISTRIBUTED_GPU_VERSIONS) == list(fw_utils.TORCH_DISTRIBUTED_GPU_SUPPORTED_FRAMEWORK_VERSIONS)
    assert {k: list(v) for k, v in hf.SMDATAPARALLEL_VERSIONS.items()} == {k: list(v) for k, v in fw_utils.SM_DATAPARALLEL_SUPPORTED_FRAMEWORK_VERSIONS.items()}
    assert tuple(hf.SM_PARALLELISM_UNSUPPORTED_IMAGES) == tuple(Framework.UNSUPPORTED_DLC_IMAGE_FOR_SM_PARALLELISM)


def test_every_training_triple_renders_the_sdk_image() -> None:
    """Our image URI equals image_uris.retrieve for every training and inference triple of the data."""
    image_uris = pytest.importorskip("sagemaker.image_uris")
    from sagestack.descriptor.images import image_config
    from sagestack.render.images import image_uri

    for scope, instance_types in (("training", ("ml.p3.2xlarge",)), ("inference", ("ml.g4dn.xlarge", "ml.m5.xlarge"))):
        config = image_config("huggingface", scope)
        assert config is not None
        for version, entry in config.config["versions"].items():
            for base, data in entry.items():
                if base == "version_aliases":
                    continue
                for instance_type in instance_types:
                    py = data["py_versions"][0]
                    name = "tensorflow" if base.startswith("tensorflow") else "pytorch"
                    sdk = image_uris.retrieve("huggingface", "us-east-1", version=version, py_version=py, instance_type=instance_type, image_scope=scope, base_framework_version=base, container_version="cu110-ubuntu18.04" if scope == "training" else None)
                    ours = image_uri("huggingface", region="us-east-1", version=version, py_version=py, instance_type=instance_type, scope=scope, base_framework_version=base, tag_prefix=f"{base[len(name):]}-transformers{version}", container_version="cu110-ubuntu18.04" if scope == "training" else None)
                    assert ours == sdk, (scope, version, base, instance_type)
