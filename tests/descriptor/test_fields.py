"""Single-field validation: botocore limits, types, unknown keys, v1/v2 spellings."""

from __future__ import annotations

import copy

import pytest

from sagestack.descriptor import ModelDescriptor, validate_data
from sagestack.descriptor.api import ApiMember, limits
from sagestack.descriptor.base import V1_NAMES

from ..conftest import CATALOG
from .helpers import find, issues_of, tf_base, tuned_base


def test_instance_types_come_from_botocore() -> None:
    training = limits(ApiMember("CreateTrainingJob", "ResourceConfig.InstanceType"))
    hosting = limits(ApiMember("CreateEndpointConfig", "ProductionVariants[].InstanceType"))
    assert training.shape == "TrainingInstanceType" and "ml.p3.2xlarge" in training.enum
    assert hosting.shape == "ProductionVariantInstanceType" and "ml.t2.medium" in hosting.enum
    assert "ml.t2.medium" not in training.enum  # one list per API, not a shared hand-written one


def test_unknown_instance_type_suggests(tmp_path) -> None:
    d = tf_base()
    d["estimator"]["instance_type"] = "ml.p3.2xlarg"
    [issue] = find(issues_of(d, tmp_path), "estimator.instance_type", "not a value SageMaker accepts")
    assert "did you mean 'ml.p3.2xlarge'" in issue.message
    assert issue.got == "ml.p3.2xlarg" and "TrainingInstanceType" in issue.allowed


def test_hosting_instance_type_checked_against_its_own_api(tmp_path) -> None:
    d = tf_base()
    d["deploy"]["instance_type"] = "ml.t2.medium"  # valid for hosting, not for training
    assert not find(issues_of(d, tmp_path), "deploy.instance_type")
    d["estimator"]["instance_type"] = "ml.t2.medium"
    assert find(issues_of(d, tmp_path), "estimator.instance_type", "not a value SageMaker accepts")


def test_unknown_field_did_you_mean(tmp_path) -> None:
    d = tf_base()
    d["estimator"]["hyperparamters"] = {}
    [issue] = find(issues_of(d, tmp_path), "estimator.hyperparamters", "unknown field")
    assert "did you mean 'hyperparameters'" in issue.message
    assert "hyperparameters" in issue.allowed


def test_unknown_field_in_the_wrong_section(tmp_path) -> None:
    d = tf_base()
    d["fit"]["accelerator_type"] = "ml.eia1.medium"
    [issue] = find(issues_of(d, tmp_path), "fit.accelerator_type", "unknown field")
    assert "belongs to deploy" in issue.message


def test_not_supported_argument_says_why(tmp_path) -> None:
    d = tf_base()
    d["estimator"]["sagemaker_session"] = "x"
    [issue] = find(issues_of(d, tmp_path), "estimator.sagemaker_session", "not supported")
    assert "account and region" in issue.message


@pytest.mark.parametrize("v1", sorted(V1_NAMES))
def test_v1_and_v2_spellings_are_equivalent(tmp_path, v1: str) -> None:
    v2 = V1_NAMES[v1]
    values = {
        "instance_type": "ml.p3.2xlarge",
        "instance_count": 2,
        "volume_size": 50,
        "volume_kms_key": "alias/train",
        "max_run": 7200,
        "max_wait": 9000,
        "use_spot_instances": True,
        "image_uri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/img:1",
        "distribution": {"parameter_server": {"enabled": True}},
    }
    section = "model" if v1 == "image" else "estimator"
    base = tf_base() if section == "estimator" else {
        "name": "m",
        "model": {"type": "Model"},
        "deploy": {"initial_instance_count": 1, "instance_type": "ml.m5.large"},
    }
    with_v1, with_v2 = copy.deepcopy(base), copy.deepcopy(base)
    with_v1[section].pop(v2, None)
    with_v2[section].pop(v2, None)
    with_v1[section][v1] = values[v2]
    with_v2[section][v2] = values[v2]
    (tmp_path / "train.py").write_text("")
    a = validate_data(with_v1, file="t.yaml", source=tmp_path / "t.yaml")
    b = validate_data(with_v2, file="t.yaml", source=tmp_path / "t.yaml")
    strip = lambda issues: [(i.message, i.severity) for i in issues]  # noqa: E731
    assert strip(a.issues) == strip(b.issues)
    assert (a.descriptor is None) == (b.descriptor is None)
    if v1 not in ("train_max_wait", "train_use_spot_instances"):  # these need their partner field
        assert a.descriptor is not None, [i.format() for i in a.issues]
    if a.descriptor is not None:
        assert a.descriptor.model_dump() == b.descriptor.model_dump()
        assert getattr(getattr(a.descriptor, section), v2) == getattr(getattr(b.descriptor, section), v2)


def test_both_spellings_is_an_error(tmp_path) -> None:
    d = tf_base()
    d["estimator"]["train_instance_type"] = "ml.p3.2xlarge"
    [issue] = find(issues_of(d, tmp_path), "estimator.train_instance_type", "both the SDK v1 spelling")
    assert issue.allowed == "'instance_type' or 'train_instance_type'"


def test_errors_cite_the_users_v1_spelling() -> None:
    d = tf_base()
    d["estimator"].pop("instance_type")
    d["estimator"]["train_instance_type"] = "ml.nope"
    result = validate_data(d, file="t.yaml", lines={("estimator", "train_instance_type"): 7})
    [issue] = [i for i in result.issues if i.path == "estimator.train_instance_type"]
    assert issue.line == 7


def test_unquoted_version_is_explained(tmp_path) -> None:
    d = tf_base()
    d["estimator"]["framework_version"] = 2.1
    [issue] = find(issues_of(d, tmp_path), "estimator.framework_version", "quoted")
    assert issue.got == "2.1"


@pytest.mark.parametrize(
    ("uri", "ok"),
    [("s3://my-bucket/prefix", True), ("s3://My_Bucket/x", False), ("https://my-bucket/x", False), ("s3://ab/x", False), ("s3://a..b/x", False), ("s3://192.168.0.1/x", False), ("s3://xn--abc/x", False), ("s3://abc--ol-s3/x", False)],
)
def test_s3_uris(tmp_path, uri: str, ok: bool) -> None:
    d = tf_base()
    d["fit"]["inputs"] = {"train": uri}
    assert (not find(issues_of(d, tmp_path), "fit.inputs.train")) is ok


def test_builtin_required_hyperparameter(tmp_path) -> None:
    d = {"name": "k", "estimator": {"type": "KMeans", "instance_type": "ml.c5.xlarge"}, "fit": {"inputs": {"s3_data": "s3://sagestack-test/x", "num_records": 10, "feature_dim": 2}}}
    assert find(issues_of(d, tmp_path), "estimator.k", "required field is missing")
    d["estimator"]["k"] = 1
    [issue] = find(issues_of(d, tmp_path), "estimator.k", "too small")
    assert issue.allowed == "> 1"


def test_unknown_estimator_type(tmp_path) -> None:
    d = tf_base()
    d["estimator"]["type"] = "Tensorflow"
    issues = issues_of(d, tmp_path)
    assert [(i.path, i.message, i.got) for i in issues] == [("estimator.type", "not an SDK estimator class sagestack knows; did you mean 'TensorFlow'?", "Tensorflow")]
    from sagestack.descriptor.kinds import ESTIMATOR_TYPES

    assert issues[0].allowed == ", ".join(ESTIMATOR_TYPES)  # the registry's kinds, in order


@pytest.mark.parametrize("section", ["estimator", "model"])
def test_a_missing_or_unknown_type_is_one_problem_at_the_type_line(tmp_path, section: str) -> None:
    from sagestack.descriptor.loader import load_descriptor

    for text, line, words in ((f"name: x\n{section}:\n  role: r\n  type: Nope\n", 4, "not an SDK"), (f"name: x\n{section}:\n  role: r\n", 2, "'type' is missing"), (f"name: x\n{section}:\n  type: [1]\n", 3, "not an SDK")):
        path = tmp_path / "d.yaml"
        path.write_text(text)
        mine = [i for i in load_descriptor(path).issues if i.path.startswith(section) and ("type" in i.message or "class" in i.message)]
        assert [(i.line, i.path) for i in mine] == [(line, f"{section}.type")] and words in mine[0].message, mine


def test_python_api_builds_the_same_descriptor(tmp_path) -> None:
    raw = tf_base()
    (tmp_path / "train.py").write_text("")
    from_data = validate_data(raw, file="t.yaml", source=tmp_path / "t.yaml").descriptor
    assert from_data is not None
    direct = ModelDescriptor.model_validate(raw)
    assert direct.model_dump() == from_data.model_dump()  # private source positions differ
    assert direct.estimator.instance_type == "ml.p3.2xlarge"


def test_fit_inputs_forms(tmp_path) -> None:
    (tmp_path / "train.py").write_text("")
    for inputs, channels in [
        ("s3://sagestack-test/x", ["training"]),
        ({"s3_data": "s3://sagestack-test/x", "content_type": "text/csv"}, ["training"]),
        ({"train": "s3://sagestack-test/a", "eval": {"s3_data": "s3://sagestack-test/b"}}, ["train", "eval"]),
    ]:
        d = tf_base()
        d["fit"]["inputs"] = inputs
        result = validate_data(d, file="t.yaml", source=tmp_path / "t.yaml")
        assert result.descriptor is not None, result.issues
        assert list(result.descriptor.fit.inputs.channels) == channels


def test_scripts_beside_descriptors_are_not_descriptors(tmp_path) -> None:
    from sagestack.descriptor import load_catalog

    (tmp_path / "train.py").write_text("raise SystemExit('a training script must not run during validation')\n")
    (tmp_path / "model.yaml").write_text(
        "name: beside\nestimator: {type: TensorFlow, entry_point: train.py, framework_version: '2.11', py_version: py39, instance_type: ml.m5.large}\n"
        "fit: {inputs: 's3://sagestack-test/x'}\n"
    )
    (tmp_path / "py-model.py").write_text(
        "descriptor = {'name': 'py-model', 'model': {'type': 'Model', 'image_uri': 'img:1'}, 'deploy': {'initial_instance_count': 1, 'instance_type': 'ml.m5.large'}}\n"
    )
    catalog = load_catalog([tmp_path])
    assert catalog.ok(), [i.format() for i in catalog.issues]
    assert sorted(d.name for d in catalog.descriptors) == ["beside", "py-model"]


def test_dumped_descriptors_validate_again(tmp_path) -> None:
    """model_dump round-trips (a Python descriptor may assign a ModelDescriptor)."""
    from sagestack.descriptor import load_catalog

    for d in load_catalog([CATALOG]).descriptors:
        again = validate_data(d.model_dump(mode="json", exclude_unset=True), file="again.yaml", source=d.source)
        assert again.descriptor is not None, (d.name, [i.format() for i in again.issues])
        assert again.descriptor.model_dump() == d.model_dump()


def test_a_quality_gate_bound_is_a_number_not_a_boolean(tmp_path) -> None:
    """YAML reads `yes` as true, which pydantic would take as the number 1."""
    d = tuned_base()
    d["deploy"]["condition"] = [{"metric": "validation:auc", "greater_than_or_equal_to": True}]
    [issue] = find(issues_of(d, tmp_path), "deploy.condition[0].greater_than_or_equal_to", "a bound is a number")
    assert issue.got == "true"
    d["deploy"]["condition"] = [{"metric": "validation:auc", "greater_than_or_equal_to": 0.8}]
    assert issues_of(d, tmp_path) == []
