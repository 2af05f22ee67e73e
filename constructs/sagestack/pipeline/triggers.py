"""Runs that start by themselves (the descriptor's ``schedule:``), for a ``TrainingPipeline``.

* ``schedule.expression``: an EventBridge Scheduler schedule (``AWS::Scheduler::Schedule``) that
  starts the state machine with the schedule's run input.
* ``schedule.on_new_data``: an EventBridge rule on the bucket's "Object Created" events under the
  prefix, whose target is the new-data function (``new_data/index.py``): it keeps one one-time
  schedule per model, in a schedule group of the stack's own, and moves it on every object, so a
  burst of uploads starts one run.

The schedules start executions as a role that may only start this state machine. Disabled
triggers (previews) are still synthesized, with the schedule and the rule ``DISABLED``, so a
review shows them and a preview never trains by itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler

from ..descriptor.schedule import Schedule
from ..hosting._tokens import s3_bucket_and_key
from ..iam import read, stack_env, stack_of, statement
from ..jsii_batch import call
from ..nag import checkov_skip

if TYPE_CHECKING:
    from .construct import TrainingPipeline

__all__ = ["RunTriggers", "add_triggers", "NEW_DATA_HANDLER"]

NEW_DATA_HANDLER = Path(__file__).parent / "new_data"

# Made once: each Duration made is a jsii round trip, and a Duration holds nothing of a stack.
NEW_DATA_TIMEOUT = cdk.Duration.seconds(30)
#: How long EventBridge keeps retrying the delivery of an event to a target.
DELIVERY_MAX_AGE = cdk.Duration.hours(2)

#: checkov findings on the new-data function, with their reasons.
NEW_DATA_CHECKS = (
    ("CKV_AWS_115", "Invoked once per created object and only moves one schedule: no concurrency to bound, and reserved concurrency "
                    "would take from the account's unreserved pool (impossible on accounts at the default minimum)."),
    ("CKV_AWS_116", "EventBridge retries delivery (8 attempts within 2 hours); an event that still fails only means the run starts "
                    "with the next object or the recurring schedule, so there is nothing a dead-letter queue would keep."),
    ("CKV_AWS_117", "Calls only the EventBridge Scheduler API, no private endpoint; a VPC would need subnets with NAT or VPC endpoints."),
    ("CKV_AWS_173", "Its environment holds names and ARNs, no secrets; Lambda encrypts it at rest with its service key."),
)


@dataclass
class RunTriggers:
    """What starts runs: the role schedules start them as, the recurring schedule, the new-data
    rule and function (each None when the descriptor does not ask for it)."""

    role: iam.Role
    schedule: scheduler.CfnSchedule | None
    rule: events.Rule | None
    function: lambda_.Function | None
    new_data_schedule_group: scheduler.CfnScheduleGroup | None
    new_data_schedule_name: str | None


def add_triggers(pipeline: TrainingPipeline, schedule: Schedule, *, enabled: bool) -> RunTriggers:
    """The triggers of ``schedule`` for ``pipeline``'s state machine (``enabled=False``: synthesized
    but switched off)."""
    stack = stack_of(pipeline)
    state_machine = pipeline.state_machine
    state_machine_arn: str = read(state_machine, "state_machine_arn")
    run_input = json.dumps(schedule.run_input(), sort_keys=True)
    role = iam.Role(
        pipeline, "ScheduleRole",
        assumed_by=iam.ServicePrincipal("scheduler.amazonaws.com", conditions={"StringEquals": {"aws:SourceAccount": stack_env(stack).account}}),
        description="Starts runs of this model's pipeline on its schedule (sagestack)",
        inline_policies={"sagestack": iam.PolicyDocument(statements=[iam.PolicyStatement(actions=["states:StartExecution"], resources=[state_machine_arn])])},
    )
    recurring = None
    if schedule.expression is not None:
        recurring = scheduler.CfnSchedule(
            pipeline, "Schedule",
            description=f"Starts a run of {pipeline.prefix} (sagestack)",
            schedule_expression=schedule.expression,
            schedule_expression_timezone=schedule.timezone,
            flexible_time_window=scheduler.CfnSchedule.FlexibleTimeWindowProperty(mode="OFF"),
            state="ENABLED" if enabled else "DISABLED",
            target=scheduler.CfnSchedule.TargetProperty(arn=state_machine_arn, role_arn=read(role, "role_arn"), input=run_input),
        )
    rule = function = name = group = None
    if schedule.on_new_data is not None:
        name = f"{pipeline.prefix}-new-data"
        bucket, key = s3_bucket_and_key(schedule.on_new_data)
        # The one-time schedule lives in a group of the stack's own: deleting the stack deletes the
        # group, and EventBridge Scheduler deletes a pending schedule with it.
        group = scheduler.CfnScheduleGroup(pipeline, "NewDataScheduleGroup", name=name)
        schedule_arn = f"arn:{stack_env(stack).partition}:scheduler:{stack_env(stack).region}:{stack_env(stack).account}:schedule/{name}/{name}"
        function = pipeline._function(
            "NewData", NEW_DATA_HANDLER, "index.handler", "Starts one run of this model's pipeline after new data stops arriving (sagestack)",
            timeout=NEW_DATA_TIMEOUT, memory=128,
            grants=[
                statement(actions=["scheduler:GetSchedule", "scheduler:CreateSchedule", "scheduler:UpdateSchedule"], resources=[schedule_arn]),
                statement(actions=["iam:PassRole"], resources=[read(role, "role_arn")], conditions={"StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}}),
            ],
        )
        checkov_skip(function, NEW_DATA_CHECKS)
        for variable, value in {
            "SCHEDULE_NAME": name, "SCHEDULE_GROUP": group.ref, "STATE_MACHINE_ARN": state_machine_arn, "SCHEDULER_ROLE_ARN": read(role, "role_arn"),
            "RUN_INPUT": run_input, "QUIET_SECONDS": str(schedule.quiet_minutes * 60), "MAX_DELAY_SECONDS": str(schedule.max_delay_minutes * 60),
        }.items():
            call(function, ("addEnvironment", variable, value))
        detail: dict[str, object] = {"bucket": {"name": [bucket]}}
        if key:
            detail["object"] = {"key": [{"prefix": key}]}
        rule = events.Rule(
            pipeline, "NewDataRule",
            description=f"Objects created under {schedule.on_new_data} start a run of {pipeline.prefix} (sagestack)",
            enabled=enabled,
            event_pattern=events.EventPattern(source=["aws.s3"], detail_type=["Object Created"], detail=detail),
            targets=[targets.LambdaFunction(function, retry_attempts=8, max_event_age=DELIVERY_MAX_AGE)],
        )
    return RunTriggers(role, recurring, rule, function, group, name)
