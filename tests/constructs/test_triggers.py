"""A descriptor's schedule as resources: the recurring EventBridge Scheduler schedule, the
new-data rule and function, and a role that may only start this state machine; switched off
(synthesized, DISABLED) when triggers are disabled, as in previews."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import assertions

from sagestack.descriptor import load_catalog
from sagestack.pipeline.construct import TrainingPipeline

from ..conftest import CATALOG

[SCHEDULED] = [d for d in load_catalog([CATALOG]).descriptors if d.name == "byo-estimator"]


def _template(enabled: bool) -> dict[str, Any]:
    app = cdk.App()
    stack = cdk.Stack(app, "t", env=cdk.Environment(region="us-east-1"))
    TrainingPipeline(stack, "Training", descriptor=SCHEDULED, triggers_enabled=enabled)
    return assertions.Template.from_stack(stack).to_json()["Resources"]


@pytest.fixture(scope="module")
def templates() -> dict[bool, dict[str, Any]]:
    return {True: _template(True), False: _template(False)}


def _of(resources: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [r for r in resources.values() if r["Type"] == kind]


def test_the_schedule_starts_the_state_machine_with_the_run_input(templates: dict[bool, dict[str, Any]]) -> None:
    [schedule] = _of(templates[True], "AWS::Scheduler::Schedule")
    props = schedule["Properties"]
    assert (props["ScheduleExpression"], props["ScheduleExpressionTimezone"], props["State"]) == ("cron(0 3 ? * MON *)", "Europe/Berlin", "ENABLED")
    [machine] = [k for k, r in templates[True].items() if r["Type"] == "AWS::StepFunctions::StateMachine"]
    assert props["Target"]["Arn"] == {"Ref": machine}
    assert props["Target"]["Input"] == '{"hyperparameters": {"num_round": 300}}'


def test_the_schedule_role_may_only_start_this_state_machine(templates: dict[bool, dict[str, Any]]) -> None:
    roles = [r for r in _of(templates[True], "AWS::IAM::Role") if r["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "scheduler.amazonaws.com"}]
    [role] = roles
    [policy] = role["Properties"]["Policies"]
    [machine] = [k for k, r in templates[True].items() if r["Type"] == "AWS::StepFunctions::StateMachine"]
    assert policy["PolicyDocument"]["Statement"] == [{"Action": "states:StartExecution", "Effect": "Allow", "Resource": {"Ref": machine}}]
    assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Condition"] == {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}


def test_new_data_under_the_prefix_reaches_the_function(templates: dict[bool, dict[str, Any]]) -> None:
    [rule] = _of(templates[True], "AWS::Events::Rule")
    pattern = rule["Properties"]["EventPattern"]
    assert pattern == {"source": ["aws.s3"], "detail-type": ["Object Created"], "detail": {"bucket": {"name": ["sagestack-examples-data"]}, "object": {"key": [{"prefix": "house-prices/train/"}]}}}
    functions = [f for f in _of(templates[True], "AWS::Lambda::Function") if "QUIET_SECONDS" in f["Properties"].get("Environment", {}).get("Variables", {})]
    [function] = functions
    variables = function["Properties"]["Environment"]["Variables"]
    assert (variables["QUIET_SECONDS"], variables["MAX_DELAY_SECONDS"], variables["SCHEDULE_NAME"]) == ("900", "7200", "house-prices-byo-new-data")


def test_the_function_may_only_keep_its_own_schedule(templates: dict[bool, dict[str, Any]]) -> None:
    roles = [r for r in _of(templates[True], "AWS::IAM::Role") if "new data" in r["Properties"].get("Description", "")]
    [role] = roles
    statements = role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    assert statements[0]["Action"] == ["scheduler:GetSchedule", "scheduler:CreateSchedule", "scheduler:UpdateSchedule"]
    assert statements[0]["Resource"]["Fn::Join"][1][-1] == ":schedule/house-prices-byo-new-data/house-prices-byo-new-data"
    assert statements[1]["Action"] == "iam:PassRole" and statements[1]["Condition"] == {"StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}}
    assert len(statements) == 2


def test_the_pending_schedule_goes_with_the_stack(templates: dict[bool, dict[str, Any]]) -> None:
    """The one-time schedule is kept in a schedule group of the stack's own: deleting the stack
    deletes the group, and EventBridge Scheduler deletes a pending schedule with it."""
    groups = {k: r for k, r in templates[True].items() if r["Type"] == "AWS::Scheduler::ScheduleGroup"}
    [(group_id, group)] = groups.items()
    assert group["Properties"]["Name"] == "house-prices-byo-new-data"
    [function] = [f for f in _of(templates[True], "AWS::Lambda::Function") if "QUIET_SECONDS" in f["Properties"].get("Environment", {}).get("Variables", {})]
    assert function["Properties"]["Environment"]["Variables"]["SCHEDULE_GROUP"] == {"Ref": group_id}


def test_disabled_triggers_are_synthesized_switched_off(templates: dict[bool, dict[str, Any]]) -> None:
    [schedule] = _of(templates[False], "AWS::Scheduler::Schedule")
    [rule] = _of(templates[False], "AWS::Events::Rule")
    assert schedule["Properties"]["State"] == "DISABLED" and rule["Properties"]["State"] == "DISABLED"
