"""PyTorch's own rules (sagestack.descriptor.kinds.pytorch): each with a non-compliant case (the
finding, at the field) and a compliant one; the SDK's version lists compared with the SDK; errors
at the line of the field in a YAML file."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from sagestack.descriptor import load_descriptor
from sagestack.descriptor.kinds import pytorch

from .helpers import assert_rule_case, find, issues_of
from .test_rules import _all, _del, _set


def pt_base() -> dict[str, Any]:
    """A valid PyTorch descriptor: one GPU instance, deployed to a GPU endpoint."""
    return {
        "name": "pt-test",
        "estimator": {"type": "PyTorch", "entry_point": "train.py", "framework_version": "2.3.0", "py_version": "py311", "instance_type": "ml.g5.12xlarge", "instance_count": 2},
        "fit": {"inputs": {"train": "s3://sagestack-test/train"}},
        "deploy": {"initial_instance_count": 1, "instance_type": "ml.g5.xlarge"},
    }


def ptm_base() -> dict[str, Any]:
    return {
        "name": "ptm-test",
        "model": {"type": "PyTorchModel", "model_data": "s3://sagestack-test/model.tar.gz", "framework_version": "2.3.0", "py_version": "py311"},
        "deploy": {"initial_instance_count": 1, "instance_type": "ml.g5.xlarge"},
    }


def _dist(value: dict[str, Any]) -> Any:
    return _set("estimator.distribution", value)


TD = {"torch_distributed": {"enabled": True}}
SMDDP = {"smdistributed": {"dataparallel": {"enabled": True}}}
P4D = _set("estimator.instance_type", "ml.p4d.24xlarge")
PT22 = _all(_set("estimator.framework_version", "2.2.0"), _set("estimator.py_version", "py310"))
TRN = _all(_set("estimator.instance_type", "ml.trn1.32xlarge"), _set("estimator.framework_version", "1.11.0"), _set("estimator.py_version", "py38"), _del("deploy"))

#: (rule, base, non-compliant mutation, compliant mutation, path, message fragment, severity)
CASES = [
    ("pytorch_distribution_is_supported", pt_base, _dist({**TD, "pytorchddp": {"enabled": True}, **SMDDP}), _dist(SMDDP), "estimator.distribution.pytorchddp", "cannot be used together", "error"),
    ("pytorch_distribution_is_supported", pt_base, _dist({"pytorchxla": {"enabled": True}}), _dist(TD), "estimator.distribution.pytorchxla", "Training Compiler", "error"),
    ("pytorch_distribution_is_supported", pt_base, _all(P4D, _dist({"smdistributed": {"dataparallel": {"enabled": True}, "modelparallel": {"enabled": False}}})), _all(P4D, PT22, _dist(SMDDP)), "estimator.distribution.smdistributed", "only one smdistributed strategy", "error"),
    ("pytorch_distribution_is_supported", pt_base, _all(TRN, _dist({"mpi": {"enabled": True}})), _all(TRN, _dist(TD)), "estimator.distribution", "Trainium instances take only torch_distributed", "error"),
    ("pytorch_distribution_is_supported", pt_base, _all(P4D, _dist(SMDDP)), _all(P4D, PT22, _dist(SMDDP)), "estimator.framework_version", "data parallel", "error"),
    ("pytorch_distribution_is_supported", pt_base, _all(P4D, _dist({"pytorchddp": {"enabled": True}})), _all(P4D, PT22, _dist(SMDDP)), "estimator.framework_version", "data parallel", "error"),
    ("pytorch_distribution_is_supported", pt_base, _all(PT22, _dist({"pytorchddp": {"enabled": True}})), _all(PT22, P4D, _dist(SMDDP)), "estimator.instance_type", "pytorchddp runs SageMaker distributed data parallel", "error"),
    ("pytorch_distribution_is_supported", pt_base, _all(PT22, P4D, _dist({"pytorchddp": {"enabled": True}})), _all(PT22, P4D, _dist(SMDDP)), "estimator.distribution.pytorchddp", "smdistributed.dataparallel", "warning"),
    ("pytorch_distribution_is_supported", pt_base, _all(_set("estimator.framework_version", "2.3"), _dist(TD)), _dist(TD), "estimator.framework_version", "full PyTorch versions", "error"),
    ("pytorch_distribution_is_supported", pt_base, _all(_set("estimator.instance_type", "ml.c5.xlarge"), _dist(TD)), _dist(TD), "estimator.instance_type", "only on GPU and Trainium", "error"),
    ("pytorch_distribution_is_supported", pt_base, _all(TRN, _set("estimator.framework_version", "2.1.0"), _dist(TD)), _all(TRN, _dist(TD)), "estimator.framework_version", "on Trainium", "error"),
    ("pytorch_distribution_is_supported", pt_base, _all(_set("estimator.entry_point", "train.sh"), _dist(TD)), _dist(TD), "estimator.entry_point", "Python programs only", "error"),
    ("pytorch_distribution_is_supported", pt_base, _all(_set("estimator.instance_type", "ml.p5.48xlarge"), _dist({"smdistributed": {"modelparallel": {"enabled": True}}, "mpi": {"enabled": True}})), _all(_set("estimator.instance_type", "ml.p5.48xlarge"), PT22, _dist({**TD, "smdistributed": {"modelparallel": {"enabled": True}}})), "estimator.instance_type", "do not run on p5", "error"),
    ("pytorch_distribution_is_supported", pt_base, _all(_set("estimator.image_uri", "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.0.1-gpu-py310-cu121-ubuntu20.04-sagemaker"), _dist({"smdistributed": {"modelparallel": {"enabled": True}}, "mpi": {"enabled": True}})), _dist({"smdistributed": {"modelparallel": {"enabled": True}}, "mpi": {"enabled": True}}), "estimator.image_uri", "does not work with the 2.0.1-gpu-py310-cu121 image", "error"),
    ("pytorch_distribution_is_supported", pt_base, _dist({"smdistributed": {"modelparallel": {"enabled": True, "parameters": {"partitions": 0}}}, "mpi": {"enabled": True}}), _dist({"smdistributed": {"modelparallel": {"enabled": True, "parameters": {"partitions": 2}}}, "mpi": {"enabled": True}}), "estimator.distribution.smdistributed.modelparallel.parameters.partitions", "positive integer", "error"),
    ("pytorch_distribution_is_supported", pt_base, _dist({"smdistributed": {"modelparallel": {"enabled": True, "parameters": {"pipeline": "fast"}}}, "mpi": {"enabled": True}}), _dist({"smdistributed": {"modelparallel": {"enabled": True, "parameters": {"pipeline": "simple"}}}, "mpi": {"enabled": True}}), "estimator.distribution.smdistributed.modelparallel.parameters.pipeline", "must be one of", "error"),
    ("pytorch_distribution_is_supported", pt_base, _dist({"smdistributed": {"modelparallel": {"enabled": True, "parameters": {"partitions": 2, "default_partition": 2, "auto_partition": False}}}, "mpi": {"enabled": True}}), _dist({"smdistributed": {"modelparallel": {"enabled": True, "parameters": {"partitions": 2, "default_partition": 1, "auto_partition": False}}}, "mpi": {"enabled": True}}), "estimator.distribution.smdistributed.modelparallel.parameters.default_partition", "less than the number of partitions", "error"),
    ("pytorch_distribution_is_supported", pt_base, _dist({"smdistributed": {"modelparallel": {"enabled": True, "parameters": {"ddp": True, "horovod": True}}}, "mpi": {"enabled": True}}), _dist({"smdistributed": {"modelparallel": {"enabled": True, "parameters": {"ddp": True}}}, "mpi": {"enabled": True}}), "estimator.distribution.smdistributed.modelparallel.parameters.ddp", "cannot both be enabled", "error"),
    ("pytorch_distribution_is_supported", pt_base, _dist({"smdistributed": {"modelparallel": {"enabled": True, "parameters": {"ddp_port": 80}}}, "mpi": {"enabled": True}}), _dist({"smdistributed": {"modelparallel": {"enabled": True, "parameters": {"ddp_port": 80, "ddp": True}}}, "mpi": {"enabled": True}}), "estimator.distribution.smdistributed.modelparallel.parameters.ddp_port", "needs ddp", "error"),
    ("pytorch_instance_not_deprecated", pt_base, _set("estimator.instance_type", "ml.p2.8xlarge"), _all(_set("estimator.instance_type", "ml.p2.8xlarge"), _set("estimator.framework_version", "1.12.1"), _set("estimator.py_version", "py38")), "estimator.instance_type", "P2 instances are deprecated", "error"),
    ("pytorch_serving_is_possible", pt_base, _all(_set("estimator.framework_version", "1.1.0"), _set("estimator.py_version", "py3")), _all(_set("estimator.framework_version", "1.1.0"), _set("estimator.py_version", "py3"), _del("deploy")), "estimator.framework_version", "before PyTorch 1.2", "error"),
    ("pytorch_serving_is_possible", ptm_base, _all(_set("model.framework_version", "1.1.0"), _set("model.py_version", "py3"), _set("model.entry_point", "train.py")), _all(_set("model.framework_version", "1.1.0"), _set("model.py_version", "py3")), "model.framework_version", "before PyTorch 1.2", "error"),
    ("pytorch_serving_is_possible", pt_base, _all(_set("estimator.image_uri", "123456789012.dkr.ecr.us-east-1.amazonaws.com/pt:1"), _del("estimator.framework_version"), _del("estimator.py_version")), _all(_set("estimator.image_uri", "123456789012.dkr.ecr.us-east-1.amazonaws.com/pt:1"), _del("estimator.py_version")), "estimator.framework_version", "needs framework_version even with image_uri", "error"),
    ("pytorch_serving_is_possible", ptm_base, _set("deploy.instance_type", "ml.inf2.xlarge"), _set("deploy.instance_type", "ml.g5.xlarge"), "deploy.instance_type", "Neuron images are training images", "error"),
    ("pytorch_serving_is_possible", ptm_base, _set("deploy.instance_type", "ml.p2.xlarge"), _set("deploy.instance_type", "ml.p3.2xlarge"), "deploy.instance_type", "P2 instances are deprecated", "error"),
    ("pytorch_transform_image_exists", pt_base, _all(_set("estimator.framework_version", "2.8.0"), _set("estimator.py_version", "py312"), _del("deploy"), _set("transformer", {"instance_count": 1, "instance_type": "ml.m5.large"}), _set("transform", {"data": "s3://sagestack-test/in"})), _all(_set("estimator.framework_version", "2.6.0"), _set("estimator.py_version", "py312"), _del("deploy"), _set("transformer", {"instance_count": 1, "instance_type": "ml.m5.large"}), _set("transform", {"data": "s3://sagestack-test/in"})), "estimator.framework_version", "cannot be served", "error"),
]
RULE_CASES = [case[0] for case in CASES]


@pytest.mark.parametrize(("rule", "base", "bad", "good", "path", "fragment", "severity"), CASES, ids=[f"{c[0]}:{c[4]}:{c[5][:24]}" for c in CASES])
def test_rule(tmp_path: Path, rule: str, base: Any, bad: Any, good: Any, path: str, fragment: str, severity: str) -> None:
    assert_rule_case(tmp_path, rule, base, bad, good, path, fragment, severity)


@pytest.mark.parametrize(
    "distribution",
    [TD, {"mpi": {"enabled": True, "processes_per_host": 4}}, {**TD, "smdistributed": {"modelparallel": {"enabled": True}}}, {"smdistributed": {"modelparallel": {"enabled": True}}, "mpi": {"enabled": True}}],
    ids=["torch_distributed", "mpi", "smp-torchrun", "smp-mpi"],
)
def test_distributions_the_sdk_takes_validate(tmp_path: Path, distribution: dict[str, Any]) -> None:
    d = pt_base()
    d["estimator"].update(framework_version="2.2.0", py_version="py310", instance_type="ml.p4d.24xlarge", distribution=distribution)
    assert [i.format() for i in issues_of(d, tmp_path) if i.severity == "error"] == []


def test_other_pairs_of_strategies_are_refused(tmp_path: Path) -> None:
    d = pt_base()
    d["estimator"]["distribution"] = {**TD, "mpi": {"enabled": True}}
    [issue] = find(issues_of(d, tmp_path), "estimator.distribution", "only one distribution strategy")
    assert "torch_distributed" in (issue.allowed or "")


def test_image_checks_follow_the_image_the_class_trains_on(tmp_path: Path) -> None:
    """SMP v2 (torch_distributed + modelparallel) trains on the smdistributed-modelparallel images,
    Trainium on the Neuron ones: their versions and Python versions are what counts."""
    d = pt_base()
    d["estimator"].update(instance_type="ml.p4d.24xlarge", distribution={**TD, "smdistributed": {"modelparallel": {"enabled": True}}})
    assert find(issues_of(d, tmp_path), "estimator.py_version", "training image for this Python version")  # SMP 2.3.0 is py310
    d["estimator"].update(framework_version="2.2.0", py_version="py310")
    assert not [i for i in issues_of(d, tmp_path) if i.severity == "error"]
    trn = pt_base()
    trn.pop("deploy")
    trn["estimator"].update(instance_type="ml.trn1.2xlarge", framework_version="2.3.0", py_version="py311")
    assert find(issues_of(trn, tmp_path), "estimator.framework_version", "no SageMaker PyTorch training image")


def test_pytorch_model_needs_no_entry_point(tmp_path: Path) -> None:
    assert [i.format() for i in issues_of(ptm_base(), tmp_path) if i.severity == "error"] == []
    d = ptm_base()
    del d["model"]["py_version"]
    assert find(issues_of(d, tmp_path), "model.py_version", "required without image_uri")
    del d["model"]["framework_version"]  # the SDK's default, 1.3, applies
    assert not find(issues_of(d, tmp_path), "model.framework_version")


def test_errors_point_at_the_field_line(tmp_path: Path) -> None:
    (tmp_path / "train.py").write_text("print('train')\n")
    text = """name: pt-lines
estimator:
  type: PyTorch
  entry_point: train.py
  framework_version: "2.3"
  py_version: py311
  instance_type: ml.g5.12xlarge
  instance_count: 2
  distribution:
    torch_distributed:
      enabled: true
    pytorchxla:
      enabled: true
fit:
  inputs: s3://sagestack-test/train
"""
    path = tmp_path / "pt.yaml"
    path.write_text(text)
    issues = {i.path: i for i in load_descriptor(path).issues}
    assert issues["estimator.framework_version"].line == 5
    assert "2.3.0" in (issues["estimator.framework_version"].allowed or "")
    assert issues["estimator.distribution.pytorchxla"].line == 12


def test_version_lists_match_the_sdk() -> None:
    from sagemaker import fw_utils
    from sagemaker.estimator import Framework
    from sagemaker.pytorch.model import PyTorchModel

    assert list(pytorch.SMDATAPARALLEL_VERSIONS) == fw_utils.SM_DATAPARALLEL_SUPPORTED_FRAMEWORK_VERSIONS["pytorch"]
    assert list(pytorch.TORCH_DISTRIBUTED_GPU_VERSIONS) == fw_utils.TORCH_DISTRIBUTED_GPU_SUPPORTED_FRAMEWORK_VERSIONS
    assert list(pytorch.TORCH_DISTRIBUTED_TRAINIUM_VERSIONS) == fw_utils.TRAINIUM_SUPPORTED_TORCH_DISTRIBUTED_FRAMEWORK_VERSIONS
    assert pytorch.SM_PARALLELISM_UNSUPPORTED_IMAGES == Framework.UNSUPPORTED_DLC_IMAGE_FOR_SM_PARALLELISM
    assert pytorch.LOWEST_MMS_VERSION == PyTorchModel._LOWEST_MMS_VERSION


@pytest.mark.parametrize(
    ("version", "instance_type", "distribution"),
    [
        ("2.2.0", "ml.p4d.24xlarge", {**TD, "smdistributed": {"modelparallel": {"enabled": True}}}),
        ("2.3.1", "ml.p4d.24xlarge", {**TD, "smdistributed": {"modelparallel": {"enabled": True}}}),
        ("2.0.1", "ml.p4d.24xlarge", {**TD, "smdistributed": {"modelparallel": {"enabled": True}}}),
        ("2.0.1", "ml.p5.48xlarge", {**TD, "smdistributed": {"modelparallel": {"enabled": True}}}),
        ("2.5.1", "ml.p5.48xlarge", {**TD, "smdistributed": {"modelparallel": {"enabled": True}}}),
        ("1.11.0", "ml.trn1.32xlarge", TD),
        ("1.6.0", "ml.p3.16xlarge", SMDDP),
        ("2.2.0", "ml.p3.16xlarge", {"pytorchddp": {"enabled": True}}),
    ],
)
def test_training_images_match_retrieve(version: str, instance_type: str, distribution: dict[str, Any]) -> None:
    """The image arguments of each distribution and instance type give image_uris.get_training_image_uri's URI."""
    from sagemaker import image_uris

    from sagestack.render.images import image_uri

    est = pytorch.PyTorchEstimator.model_validate({"type": "PyTorch", "entry_point": "train.py", "framework_version": version, "py_version": "py3", "instance_type": instance_type, "distribution": distribution})
    py = {"2.2.0": "py310", "2.3.1": "py311", "2.0.1": "py310", "2.5.1": "py311", "1.11.0": "py38", "1.6.0": "py3"}[version]
    est = est.model_copy(update={"py_version": py})
    arguments = est.image_arguments("training")
    ours = image_uri(arguments.pop("framework"), region="us-east-1", instance_type=instance_type, **arguments)
    sdk_distribution = copy.deepcopy(distribution)
    if "pytorchddp" in sdk_distribution:
        sdk_distribution = {"smdistributed": {"dataparallel": sdk_distribution.pop("pytorchddp")}}
    sdk = image_uris.get_training_image_uri("us-east-1", "pytorch", framework_version=version, py_version=py, instance_type=instance_type, distribution=sdk_distribution)
    assert ours == sdk
