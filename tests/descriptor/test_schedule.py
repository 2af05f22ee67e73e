"""The schedule section: EventBridge expressions checked as EventBridge Scheduler reads them,
time zones, what a schedule needs, and its run input checked against the descriptor."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from sagestack.descriptor.schedule import expression_problem

from .helpers import errors, find, issues_of, kmeans_base, model_base, tf_base

VALID = [
    "cron(0 3 ? * MON-FRI *)", "cron(0/15 * * * ? *)", "cron(0 18 ? * 6L 2026-2030)", "cron(0 10 ? * 2#3 *)",
    "cron(0 10 L * ? *)", "cron(0 10 15W * ? *)", "cron(0 8 1 JAN,JUL ? *)", "cron(30 2 1-7 * ? *)",
    "rate(1 day)", "rate(5 minutes)", "rate(1 hour)", "rate(12 hours)",
]
INVALID = [
    ("cron(0 3 * * * *)", "one of day-of-month and day-of-week must be '?'"),
    ("cron(0 3 ? * ? *)", "one of day-of-month and day-of-week must be '?'"),
    ("cron(0 25 ? * * *)", "hours 25: 25 is outside 0-23"),
    ("cron(60 3 ? * * *)", "minutes 60"),
    ("cron(0 3 ? * MON)", "six fields"),
    ("cron(0 8 1 FOO ? *)", "'FOO' is not a value"),
    ("cron(0/0 * * * ? *)", "increment"),
    ("rate(1 days)", "'day' with 1"),
    ("rate(2 day)", "'days' with 2"),
    ("rate(0 hours)", "at least 1"),
    ("rate(5 weeks)", "rate(<number>"),
    ("every day", "cron(...) or rate(...)"),
]


@pytest.mark.parametrize("expression", VALID)
def test_valid_expressions(expression: str) -> None:
    assert expression_problem(expression) is None


@pytest.mark.parametrize(("expression", "problem"), INVALID)
def test_invalid_expressions(expression: str, problem: str) -> None:
    assert problem in (expression_problem(expression) or "")


def _with(base: dict[str, Any], schedule: Any) -> dict[str, Any]:
    raw = copy.deepcopy(base)
    raw["schedule"] = schedule
    return raw


def test_a_valid_schedule(tmp_path: Path) -> None:
    raw = _with(tf_base(), {"expression": "cron(0 3 ? * MON *)", "timezone": "Europe/Berlin", "on_new_data": "s3://sagestack-test/train/new/", "input": {"hyperparameters": {"epochs": 20}, "inputs": {"train": "s3://sagestack-test/other"}}})
    assert errors(issues_of(raw, tmp_path)) == []


@pytest.mark.parametrize(("schedule", "path", "fragment"), [
    ({"expression": "cron(0 3 * * * *)"}, "schedule.expression", "day-of-week must be '?'"),
    ({"expression": "rate(7 days)", "timezone": "Mars/Olympus"}, "schedule.timezone", "IANA"),
    ({"timezone": "UTC"}, "schedule", "on an expression, on new data, or both"),
    ({"on_new_data": "s3://sagestack-test/new/", "quiet_minutes": 30, "max_delay_minutes": 10}, "schedule", "max_delay_minutes is shorter"),
    ({"on_new_data": "s3://Bad_Bucket/new/"}, "schedule.on_new_data", "bucket name"),
    ({"expression": "rate(7 days)", "when": "daily"}, "schedule.when", ""),
])
def test_schedule_problems_are_at_their_field(tmp_path: Path, schedule: dict[str, Any], path: str, fragment: str) -> None:
    found = issues_of(_with(tf_base(), schedule), tmp_path)
    assert find(errors(found), path, fragment), found


def test_an_empty_schedule_section_is_an_error(tmp_path: Path) -> None:
    assert find(issues_of(_with(tf_base(), None), tmp_path), "schedule", "empty")


def test_cloudformation_hosting_has_no_runs_to_schedule() -> None:
    raw = _with(model_base(), {"expression": "rate(1 day)"})
    assert find(errors(issues_of(raw)), "schedule", "only a pipeline runs on a schedule")


def test_the_run_input_names_what_the_descriptor_has(tmp_path: Path) -> None:
    raw = _with(tf_base(), {"expression": "rate(1 day)", "input": {"inputs": {"validation": "s3://sagestack-test/v"}, "hyperparameters": {"batch_size": 64, "epochs": 3}}})
    found = errors(issues_of(raw, tmp_path))
    assert find(found, "schedule.input.inputs.validation", "names no channel")
    assert find(found, "schedule.input.hyperparameters.batch_size", "only hyperparameters the descriptor sets")
    assert not find(found, "schedule.input.hyperparameters.epochs")


def test_a_builtin_algorithm_overrides_its_arguments() -> None:
    raw = _with(kmeans_base(), {"expression": "rate(1 day)", "input": {"hyperparameters": {"k": 12, "mini_batch_size": 500, "epochs": 2}}})
    found = errors(issues_of(raw))
    assert [i.path for i in found] == ["schedule.input.hyperparameters.epochs"], found


def test_new_data_outside_every_channel_is_a_warning(tmp_path: Path) -> None:
    raw = _with(tf_base(), {"on_new_data": "s3://sagestack-test/elsewhere/"})
    found = issues_of(raw, tmp_path)
    assert find(found, "schedule.on_new_data", "not under any fit channel", severity="warning")
    inside = _with(tf_base(), {"on_new_data": "s3://sagestack-test/train/2026/"})
    assert not find(issues_of(inside, tmp_path), "schedule.on_new_data")


def test_a_transform_only_pipeline_takes_no_run_input() -> None:
    raw = copy.deepcopy(model_base())
    raw.pop("deploy")
    raw["transformer"] = {"instance_count": 1, "instance_type": "ml.m5.large"}
    raw["transform"] = {"data": "s3://sagestack-test/in"}
    raw["schedule"] = {"expression": "rate(1 day)", "input": {"output_path": "s3://sagestack-test/out"}}
    assert find(errors(issues_of(raw)), "schedule.input", "only transforms")
    raw["schedule"] = {"expression": "rate(1 day)"}
    assert errors(issues_of(raw)) == []


def test_the_line_of_a_schedule_problem(tmp_path: Path) -> None:
    from sagestack.descriptor import load_descriptor

    (tmp_path / "train.py").write_text("")
    (tmp_path / "cdk.json").write_text("{}")
    path = tmp_path / "m.yaml"
    path.write_text(
        "name: m\nestimator:\n  type: Estimator\n  image_uri: 123456789012.dkr.ecr.us-east-1.amazonaws.com/a:1\n  instance_type: ml.m5.large\n"
        "fit:\n  inputs: s3://sagestack-test/train\nschedule:\n  timezone: UTC\n  expression: rate(2 hour)\n"
    )
    [issue] = load_descriptor(path).issues
    assert (issue.line, issue.path) == (10, "schedule.expression"), issue
