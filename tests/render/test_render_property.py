"""Property: every descriptor that validates renders requests valid for botocore (required and
unknown keys, types, enums, lengths, patterns) — over generated descriptors, not only examples."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from packaging.version import Version

from sagestack.descriptor import validate_data
from sagestack.descriptor.images import image_config
from sagestack.render import RenderContext, render_requests, request_problems

from ..conftest import REPO_ROOT

CODE = REPO_ROOT / "tests" / "fidelity" / "code"
TRAIN_CPU, TRAIN_GPU = ["ml.m5.large", "ml.c5.2xlarge"], ["ml.p3.2xlarge", "ml.g4dn.xlarge"]
HOST = ["ml.m5.large", "ml.c5.xlarge", "ml.g4dn.xlarge"]
S3 = st.from_regex(r"s3://sagestack-[a-z]{3,8}/[a-z0-9/_-]{1,30}", fullmatch=True)
NAME = st.from_regex(r"[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)


def _framework_pairs(framework: str, minimum: str) -> list[tuple[str, str]]:
    config = image_config(framework, "training")
    inference = image_config(framework, "inference")
    assert config is not None and inference is not None
    pairs = []
    for version in config.versions:
        if Version(version) >= Version(minimum) and inference.resolve(version):
            pairs += [(version, py) for py in config.py_versions(version) if py != "py2"]
    return pairs


TF_PAIRS = _framework_pairs("tensorflow", "2.0")
MX_PAIRS = _framework_pairs("mxnet", "1.6")
HP_VALUE = st.one_of(st.integers(-1000, 10**6), st.floats(allow_nan=False, allow_infinity=False, width=32), st.booleans(), st.text("abcxyz-_.", max_size=12))


@st.composite
def estimators(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["TensorFlow", "MXNet", "KMeans", "PCA", "LinearLearner", "Estimator"]))
    est: dict[str, Any] = {"type": kind, "instance_count": draw(st.integers(1, 4))}
    if kind in ("TensorFlow", "MXNet"):
        version, py = draw(st.sampled_from(TF_PAIRS if kind == "TensorFlow" else MX_PAIRS))
        est.update(entry_point="train.py", source_dir=".", framework_version=version, py_version=py, instance_type=draw(st.sampled_from(TRAIN_CPU + TRAIN_GPU)))
        est["hyperparameters"] = draw(st.dictionaries(st.from_regex(r"[a-z][a-z_]{0,10}", fullmatch=True), HP_VALUE, max_size=6))
        if est["instance_count"] > 1:
            est["distribution"] = {"parameter_server": {"enabled": True}}
        est["container_log_level"] = draw(st.sampled_from([10, 20, 30, "ERROR"]))
    elif kind == "Estimator":
        est.update(image_uri="123456789012.dkr.ecr.us-east-1.amazonaws.com/algo:1", instance_type=draw(st.sampled_from(TRAIN_CPU)))
        est["hyperparameters"] = draw(st.dictionaries(st.from_regex(r"[a-z][a-z_]{0,10}", fullmatch=True), HP_VALUE, max_size=6))
    else:
        est["instance_type"] = draw(st.sampled_from(TRAIN_CPU))
        est.update({"KMeans": {"k": draw(st.integers(2, 50))}, "PCA": {"num_components": draw(st.integers(1, 20))}, "LinearLearner": {"predictor_type": "regressor"}}[kind])
    if draw(st.booleans()):
        est["volume_size"] = draw(st.integers(1, 500))
        est["max_run"] = draw(st.integers(3600, 432000))
    if draw(st.booleans()):
        est.update(use_spot_instances=True, max_wait=est.get("max_run", 86400) + draw(st.integers(0, 3600)), checkpoint_s3_uri=draw(S3))
    if draw(st.booleans()):
        est.update(subnets=["subnet-0abc1234"], security_group_ids=["sg-0abc1234"], volume_kms_key="alias/train", output_kms_key="alias/out")
    if draw(st.booleans()):
        est.update(enable_network_isolation=True, encrypt_inter_container_traffic=draw(st.booleans()), disable_profiler=draw(st.booleans()))
    if draw(st.booleans()):
        est.update(tags=[{"Key": "team", "Value": draw(NAME)}], environment={"LOG_LEVEL": "info"}, metric_definitions=[{"Name": "loss", "Regex": "loss=([0-9.]+)"}])
    if draw(st.booleans()):
        est["output_path"] = draw(S3)
    return est


@st.composite
def descriptors(draw: st.DrawFn) -> dict[str, Any]:
    est = draw(estimators())
    builtin = est["type"] in ("KMeans", "PCA", "LinearLearner")
    if builtin:
        inputs: Any = [{"s3_data": draw(S3), "num_records": draw(st.integers(1000, 10**6)), "feature_dim": draw(st.integers(1, 500)), "channel": "train"}]
    else:
        inputs = draw(st.dictionaries(st.sampled_from(["train", "validation", "test"]), st.one_of(S3, st.builds(lambda u, c: {"s3_data": u, "content_type": c}, S3, st.sampled_from(["text/csv", "application/x-recordio"]))), min_size=1, max_size=3))
    d: dict[str, Any] = {"name": draw(NAME), "estimator": est, "fit": {"inputs": inputs}}
    if draw(st.booleans()):
        d["deploy"] = {"initial_instance_count": draw(st.integers(1, 3)), "instance_type": draw(st.sampled_from(HOST))}
    elif draw(st.booleans()):
        d["transformer"] = {"instance_type": "ml.m5.large", "instance_count": draw(st.integers(1, 3)), "strategy": draw(st.sampled_from(["MultiRecord", "SingleRecord"]))}
        d["transform"] = {"data": draw(S3), "content_type": "text/csv", "split_type": "Line"}
    return d


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(raw=descriptors(), region=st.sampled_from(["us-east-1", "eu-west-1", "ap-southeast-2"]))
def test_valid_descriptors_render_valid_requests(raw: dict[str, Any], region: str) -> None:
    result = validate_data(raw, file="generated.yaml", source=CODE / "descriptor.yaml")
    assume(result.descriptor is not None)
    for key, request in render_requests(result.descriptor, RenderContext(region=region)).items():
        problems = request_problems(key.split(".", 1)[0], request)
        assert problems == [], (key, problems)
