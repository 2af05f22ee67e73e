"""One mistake, one line, in the user's own path and words — and values the SDK takes are taken.

Each case is a descriptor with one mistake; its problems are exactly the expected lines (path,
message fragment), so a new duplicate, an internal path segment or a lost problem fails."""

from __future__ import annotations

import copy
import datetime
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sagestack.descriptor import descriptor_from_dict, validate_data
from sagestack.render import RenderContext, render_requests

from .helpers import kmeans_base, model_base, tf_base

GENERIC = {
    "name": "byo",
    "estimator": {"type": "Estimator", "image_uri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1", "instance_type": "ml.m5.large", "instance_count": 1},
    "fit": {"inputs": "s3://sagestack-test/x"},
}


def _problems(raw: dict[str, Any], tmp: Path) -> list[tuple[str, str]]:
    (tmp / "train.py").write_text("")
    result = validate_data(copy.deepcopy(raw), file="t.yaml", source=tmp / "t.yaml")
    return [(i.path, i.message) for i in result.issues if i.severity == "error"]


def _with(base: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(base)
    *parents, last = path.split(".")
    node = doc
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value
    return doc


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        # a union of forms: one line at the user's path, the forms as what is allowed
        (_with(tf_base(), "estimator.debugger_hook_config", 3), [("estimator.debugger_hook_config", "not one of the forms")]),
        # the form whose shape the value has reports its own mistake
        (_with(tf_base(), "estimator.debugger_hook_config", {"s3_output_path": "nope"}), [("estimator.debugger_hook_config.s3_output_path", "not an S3 URI")]),
        # a misspelt required key is said once, by its "did you mean"
        ({**GENERIC, "estimator": {**{k: v for k, v in GENERIC["estimator"].items() if k != "instance_type"}, "instance_typ": "ml.m5.large"}}, None),
        # a bad field inside one RecordSet is that field's problem alone
        (_with(kmeans_base(), "fit.inputs", [{"s3_data": "s3://sagestack-test/k", "num_records": 0, "feature_dim": 3}]), [("fit.inputs[0].num_records", "too small")]),
        # map keys: the user's key, no internal segment; braces as written
        (_with(tf_base(), "estimator.environment", {"{weird}": "x"}), [('estimator.environment["{weird}"]', "does not match the pattern of CreateTrainingJob Environment key")]),
        # a date has no JSON form: framework hyperparameters are JSON-encoded by the SDK
        (_with(tf_base(), "estimator.hyperparameters", {"day": datetime.date(2026, 12, 2)}), [("estimator.hyperparameters.day", "quote it")]),
        (_with(tf_base(), "estimator.hyperparameters", {"nested": {"when": [datetime.date(2026, 12, 2)]}}), [("estimator.hyperparameters.nested", "has no JSON form")]),
        # limits and rules that SageMaker enforces
        (_with(GENERIC, "estimator.max_run", 29 * 86400), [("estimator.max_run", "above the maximum of CreateTrainingJob StoppingCondition.MaxRuntimeInSeconds")]),
        (_with(GENERIC, "estimator.checkpoint_local_path", "/opt/ml/checkpoints"), [("estimator.checkpoint_local_path", "checkpoint_s3_uri")]),
        (_with(GENERIC, "fit.inputs", "s3://10.0.0.1/x"), [("fit.inputs", "formatted as an IP address")]),
        (_with(GENERIC, "fit.inputs", "s3://xn--bucket/x"), [("fit.inputs", "the prefix 'xn--' is reserved")]),
        (_with(GENERIC, "fit.inputs", "s3://data-s3alias/x"), [("fit.inputs", "the suffix '-s3alias' is reserved")]),
        ({**copy.deepcopy(GENERIC), "estimator": None}, [("estimator", "the estimator section is empty")]),
    ],
    ids=["union-scalar", "union-shape", "misspelt-required", "recordset-field", "map-key", "date", "nested-date", "max-run", "checkpoint", "ip-bucket", "xn-bucket", "alias-bucket", "empty-section"],
)
def test_one_mistake_one_line(tmp_path: Path, doc: dict[str, Any], expected: list[tuple[str, str]] | None) -> None:
    problems = _problems(doc, tmp_path)
    if expected is None:  # the misspelt-required case
        assert len(problems) == 1 and problems[0][0] == "estimator.instance_typ" and "did you mean 'instance_type'" in problems[0][1], problems
        return
    assert len(problems) == len(expected), problems
    for (path, message), (want_path, fragment) in zip(sorted(problems), sorted(expected), strict=True):
        assert path == want_path and fragment in message, problems


def test_environment_limits_are_per_operation(tmp_path: Path) -> None:
    long = "x" * 1000  # over CreateTrainingJob's 512, under CreateModel's 1,024
    assert _problems(_with(model_base(), "model.env", {"A": long}), tmp_path) == []
    assert [p for p, _m in _problems(_with(tf_base(), "estimator.environment", {"A": long}), tmp_path)] == ["estimator.environment.A"]
    assert [p for p, _m in _problems(_with(model_base(), "model.env", {"A": "x" * 1025}), tmp_path)] == ["model.env.A"]


def test_estimator_hyperparameters_take_what_the_sdk_takes(tmp_path: Path) -> None:
    """The SDK's Estimator sends str(value) for every hyperparameter (sagemaker.utils.to_string)."""
    values = {"sizes": [1, 2], "opts": {"a": 1}, "day": datetime.date(2026, 12, 2), "none": None, "flag": True, "rate": 0.1}
    d = descriptor_from_dict(_with(GENERIC, "estimator.hyperparameters", values), base_dir=tmp_path)
    sent = render_requests(d, RenderContext(region="us-east-1"))["CreateTrainingJob"]["HyperParameters"]
    assert sent == {"sizes": "[1, 2]", "opts": "{'a': 1}", "day": "2026-12-02", "none": "None", "flag": "True", "rate": "0.1"}


def test_record_sets_as_a_channel_mapping(tmp_path: Path) -> None:
    doc = _with(kmeans_base(), "fit.inputs", {"train": {"s3_data": "s3://sagestack-test/tr", "num_records": 100, "feature_dim": 50}, "test": {"s3_data": "s3://sagestack-test/te", "num_records": 10, "feature_dim": 50}})
    d = descriptor_from_dict(doc, base_dir=tmp_path)
    channels = render_requests(d, RenderContext(region="us-east-1"))["CreateTrainingJob"]["InputDataConfig"]
    assert [c["ChannelName"] for c in channels] == ["train", "test"]
    bad = _with(doc, "fit.inputs.test.feature_dim", 0)
    assert [p for p, _m in _problems(bad, tmp_path)] == ["fit.inputs.test.feature_dim"]  # the user's key, not records[1]


def test_transform_job_name_prefixes_the_run(tmp_path: Path) -> None:
    from sagestack.pipeline.definition import run_prefix

    doc = {**model_base(), "transformer": {"instance_type": "ml.m5.large"}, "transform": {"data": "s3://sagestack-test/in", "job_name": "nightly-scores"}}
    doc.pop("deploy")
    assert run_prefix(descriptor_from_dict(doc, base_dir=tmp_path)) == "nightly-scores"


def test_user_text_is_printed_literally(tmp_path: Path) -> None:
    """No markup or emoji codes: file:100: stays as written, and so does a value ':rocket:'."""
    path = tmp_path / "emoji.yaml"
    path.write_text("name: emoji\n" + "\n" * 98 + "model: {type: ':rocket:', image_uri: '[red]x[/red]'}\n")
    proc = subprocess.run([sys.executable, "-m", "sagestack.cli", "validate", "--no-environments", str(path)], capture_output=True, text=True, cwd=tmp_path)
    assert "emoji.yaml:100: model.type:" in proc.stdout and "got: :rocket:)" in proc.stdout, proc.stdout
    assert "🚀" not in proc.stdout and "💯" not in proc.stdout
    as_json = subprocess.run([sys.executable, "-m", "sagestack.cli", "validate", "--no-environments", "--format", "json", str(path)], capture_output=True, text=True, cwd=tmp_path)
    assert any(i["got"] == ":rocket:" for i in json.loads(as_json.stdout)["issues"])
