"""The model registry of a ``TrainingPipeline`` (the descriptor's ``register:``): the model package
group (``AWS::SageMaker::ModelPackageGroup``) its runs register in, and, when packages wait for
approval, the EventBridge rule that starts the deployment of an approved package.

Retention. An environment's group is retained when its stack is deleted: its versions are the
record of what was trained and who approved it. A preview's group goes with its stack, and the
pipeline's teardown first deletes the packages its runs registered (CloudFormation cannot delete
a group that still holds versions).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sagemaker as sagemaker

from ..descriptor import ModelDescriptor
from ..iam import read, stack_env, stack_of
from ..jsii_batch import call
from .steps.register import PACKAGE_INPUT, awaits_approval
from .triggers import DELIVERY_MAX_AGE

if TYPE_CHECKING:
    from .construct import TrainingPipeline

__all__ = ["model_package_group_for", "add_registry"]

#: The event SageMaker sends when a model package is created or its approval changes.
STATE_CHANGE = "SageMaker Model Package State Change"


def model_package_group_for(d: ModelDescriptor, environment: str) -> str:
    """The group's name: ``register.model_package_group_name``, else ``<model name>-<environment>``."""
    assert d.register is not None
    return d.register.model_package_group_name or f"{d.name}-{environment}"


def add_registry(pipeline: TrainingPipeline, d: ModelDescriptor, group_name: str, *, retained: bool) -> tuple[sagemaker.CfnModelPackageGroup, events.Rule | None]:
    """The group and (PendingManualApproval with a deploy section) the approval rule, whose target
    role may only start this state machine."""
    group = sagemaker.CfnModelPackageGroup(
        pipeline, "ModelPackageGroup",
        model_package_group_name=group_name,
        model_package_group_description=f"Versions of {d.name} registered by its pipeline runs (sagestack)",
    )
    group.apply_removal_policy(cdk.RemovalPolicy.RETAIN if retained else cdk.RemovalPolicy.DESTROY)
    if not awaits_approval(d):
        return group, None
    state_machine = pipeline.state_machine
    role = iam.Role(
        pipeline, "ApprovalRole",
        assumed_by=iam.ServicePrincipal("events.amazonaws.com", conditions={"StringEquals": {"aws:SourceAccount": stack_env(stack_of(pipeline)).account}}),
        description=f"Starts the deployment of an approved {d.name} model package (sagestack)",
        inline_policies={"sagestack": iam.PolicyDocument(statements=[iam.PolicyStatement(actions=["states:StartExecution"], resources=[read(state_machine, "state_machine_arn")])])},
    )
    rule = events.Rule(
        pipeline, "ApprovalRule",
        description=f"An Approved package of {group_name} starts its deployment (sagestack)",
        event_pattern=events.EventPattern(
            source=["aws.sagemaker"], detail_type=[STATE_CHANGE],
            detail={"ModelPackageGroupName": [group_name], "ModelApprovalStatus": ["Approved"]},
        ),
        targets=[targets.SfnStateMachine(
            state_machine, role=role, retry_attempts=8, max_event_age=DELIVERY_MAX_AGE,
            input=events.RuleTargetInput.from_object({PACKAGE_INPUT: events.EventField.from_path("$.detail.ModelPackageArn")}),
        )],
    )
    call(rule, "node", ("addDependency", group))
    return group, rule
