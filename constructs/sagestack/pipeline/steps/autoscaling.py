"""Autoscaling, once the endpoint (or its inference component) is InService: register the
scalable target, put the target-tracking policy (and, for what scales from zero, the step policy
and the alarm that starts it), then the scheduled actions. Also the deregistration before an
update, which the endpoint (or inference component) fragment places ahead of its update.

What is scaled: the variant's instances, or an inference component's copies; the requests come
from ``render.scaling`` and ``render.inference_component``, the same the hosting constructs declare."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from ...descriptor import ModelDescriptor
from ...descriptor.placements import capacity_of
from ...render.hosting import VARIANT_NAME
from ...render.inference_component import (
    COMPONENT_SCALING_DIMENSION,
    component_resource_id,
    component_scale_from_zero_configuration,
    component_scale_from_zero_policy_name,
    component_scales_from_zero,
    component_target_tracking_configuration,
    component_target_tracking_policy_name,
    no_capacity_alarm,
)
from ...render.scaling import (
    SCALING_DIMENSION,
    SCALING_NAMESPACE,
    backlog_alarm,
    resource_id,
    scale_from_zero_configuration,
    scale_from_zero_policy_name,
    scales_from_zero,
    target_tracking_configuration,
    target_tracking_policy_name,
)
from .base import NEXT, SDK_TRANSIENT, Allow, Builder, Fragment, GrantContext, PipelineResources, StepContext, _retry, allow

DEREGISTER = "Deregister scaling target"
REGISTER = "Register scaling target"


def scaling_policy_request(scaling: Any, endpoint_name: str) -> dict[str, Any]:
    """PutScalingPolicy for the variant: the same target tracking as the hosting construct's
    AWS::ApplicationAutoScaling::ScalingPolicy (both from render.scaling)."""
    return {
        "PolicyName": target_tracking_policy_name(endpoint_name, VARIANT_NAME),
        "ServiceNamespace": SCALING_NAMESPACE,
        "ResourceId": resource_id(endpoint_name, VARIANT_NAME),
        "ScalableDimension": SCALING_DIMENSION,
        "PolicyType": "TargetTrackingScaling",
        "TargetTrackingScalingPolicyConfiguration": target_tracking_configuration(scaling, endpoint_name, VARIANT_NAME),
    }


@dataclass(frozen=True)
class ScalingTarget:
    """What a run scales and the requests that scale it."""

    resource_id: str
    dimension: str
    policy_name: str
    tracking: dict[str, Any]
    #: (step policy name, its configuration, the alarm that starts it, the alarm's state), or None
    from_zero: tuple[str, dict[str, Any], dict[str, Any], str] | None
    #: the names of the alarms target tracking makes for it (an IAM pattern)
    alarm_prefix: str


def autoscaled(d: ModelDescriptor) -> bool:
    return d.deploy is not None and d.deploy.autoscaling is not None


def copies_autoscaled(d: ModelDescriptor) -> bool:
    """Autoscaling scales an inference component's copies."""
    return autoscaled(d) and capacity_of(d.deploy).scales == "copies"


def variant_autoscaled(d: ModelDescriptor) -> bool:
    """Autoscaling scales the endpoint variant's instances."""
    return autoscaled(d) and not copies_autoscaled(d)


def scaling_target(d: ModelDescriptor, endpoint_name: str, component_name: str | None) -> ScalingTarget:
    dep = d.deploy
    assert dep is not None and dep.autoscaling is not None
    scaling = dep.autoscaling
    if copies_autoscaled(d):
        assert component_name is not None
        return ScalingTarget(
            component_resource_id(component_name), COMPONENT_SCALING_DIMENSION, component_target_tracking_policy_name(component_name), component_target_tracking_configuration(scaling),
            (component_scale_from_zero_policy_name(component_name), component_scale_from_zero_configuration(), no_capacity_alarm(component_name), "Put no-capacity alarm") if component_scales_from_zero(dep) else None,
            f"TargetTracking-inference-component/{component_name}-*",
        )
    return ScalingTarget(
        resource_id(endpoint_name, VARIANT_NAME), SCALING_DIMENSION, target_tracking_policy_name(endpoint_name, VARIANT_NAME), target_tracking_configuration(scaling, endpoint_name, VARIANT_NAME),
        (scale_from_zero_policy_name(endpoint_name, VARIANT_NAME), scale_from_zero_configuration(scaling), backlog_alarm(endpoint_name, VARIANT_NAME), "Put backlog alarm") if scales_from_zero(dep) else None,
        f"TargetTracking-endpoint/{endpoint_name}/variant/*",
    )


def deregister_before_update(b: Builder, target: ScalingTarget | str, *, then: str) -> str:
    """An autoscaled variant (or component) cannot be updated while its target is registered:
    deregister it (nothing registered is fine), then ``then``. ``target``: the scaling target, or
    the name of the endpoint whose variant is scaled. Returns the state's name."""
    resource, dimension = (f"endpoint/{target}/variant/{VARIANT_NAME}", SCALING_DIMENSION) if isinstance(target, str) else (target.resource_id, target.dimension)
    return b.add(DEREGISTER, {
        "Type": "Task",
        "Comment": "An autoscaled variant cannot be updated while its target is registered (aws/aws-cdk#29626); it is registered again after."
        if dimension == SCALING_DIMENSION else "The component's copies are deregistered before its update, as a variant's instances are; they are registered again after.",
        "Resource": "arn:aws:states:::aws-sdk:applicationautoscaling:deregisterScalableTarget",
        "Parameters": {"ServiceNamespace": SCALING_NAMESPACE, "ResourceId": resource, "ScalableDimension": dimension},
        "ResultPath": None,
        "Retry": _retry(SDK_TRANSIENT),
        "Catch": [
            {"ErrorEquals": ["ApplicationAutoScaling.ObjectNotFoundException"], "ResultPath": None, "Next": then},
            *b.catch(DEREGISTER, "ScalingFailed"),
        ],
        "Next": then,
    })


class Autoscaling(Fragment):
    name = "autoscaling"

    def applies(self, d: ModelDescriptor, resources: PipelineResources) -> bool:
        return autoscaled(d)

    def states(self, b: Builder, s: StepContext) -> str | None:
        d = s.d
        assert d.deploy is not None and d.deploy.autoscaling is not None and s.resources.endpoint_name is not None
        scaling = d.deploy.autoscaling
        target = scaling_target(d, s.resources.endpoint_name, s.resources.inference_component_name)
        target_id, dimension = target.resource_id, target.dimension
        chain = [REGISTER, "Put scaling policy"]
        b.add(REGISTER, {
            "Type": "Task",
            "Comment": "Registered once the endpoint is InService: the variant must exist, and a registered variant cannot be updated (aws/aws-cdk#29626)."
            if dimension == SCALING_DIMENSION else "Registered once the inference component is InService: its copies are what scales.",
            "Resource": "arn:aws:states:::aws-sdk:applicationautoscaling:registerScalableTarget",
            "Parameters": {"ServiceNamespace": SCALING_NAMESPACE, "ResourceId": target_id, "ScalableDimension": dimension, "MinCapacity": scaling.min_capacity, "MaxCapacity": scaling.max_capacity},
            "ResultPath": None,
            "Retry": _retry(SDK_TRANSIENT),
            "Catch": b.catch(REGISTER, "ScalingFailed"),
        })
        b.add("Put scaling policy", {
            "Type": "Task",
            "Resource": "arn:aws:states:::aws-sdk:applicationautoscaling:putScalingPolicy",
            "Parameters": {
                "PolicyName": target.policy_name, "ServiceNamespace": SCALING_NAMESPACE, "ResourceId": target_id, "ScalableDimension": dimension,
                "PolicyType": "TargetTrackingScaling", "TargetTrackingScalingPolicyConfiguration": target.tracking,
            },
            "ResultPath": None,
            "Retry": _retry(SDK_TRANSIENT),
            "Catch": b.catch("Put scaling policy", "ScalingFailed"),
        })
        if target.from_zero is not None:
            # What AWS documents for an asynchronous endpoint at zero instances (or a component at zero
            # copies): a step-scaling policy adding one, started by an alarm on HasBacklogWithoutCapacity
            # (NoCapacityInvocationFailures); the policy's ARN is known once it is put, so the alarm follows it.
            policy_name, step, alarm, alarm_state = target.from_zero
            b.add("Put scale-from-zero policy", {
                "Type": "Task",
                "Resource": "arn:aws:states:::aws-sdk:applicationautoscaling:putScalingPolicy",
                "Parameters": {
                    "PolicyName": policy_name, "ServiceNamespace": SCALING_NAMESPACE, "ResourceId": target_id,
                    "ScalableDimension": dimension, "PolicyType": "StepScaling", "StepScalingPolicyConfiguration": step,
                },
                "ResultSelector": {"PolicyARN.$": "$.PolicyARN"},
                "ResultPath": "$.scaling",
                "Retry": _retry(SDK_TRANSIENT),
                "Catch": b.catch("Put scale-from-zero policy", "ScalingFailed"),
            })
            b.add(alarm_state, {
                "Type": "Task",
                "Resource": "arn:aws:states:::aws-sdk:cloudwatch:putMetricAlarm",
                "Parameters": {**alarm, "AlarmActions.$": "States.Array($.scaling.PolicyARN)"},
                "ResultPath": None,
                "Retry": _retry(SDK_TRANSIENT),
                "Catch": b.catch(alarm_state, "ScalingFailed"),
            })
            chain += ["Put scale-from-zero policy", alarm_state]
        for action in scaling.scheduled_actions:
            state = f"Schedule {action.name}"
            request: dict[str, Any] = {
                "ServiceNamespace": SCALING_NAMESPACE, "ResourceId": target_id, "ScalableDimension": dimension,
                "ScheduledActionName": action.name, "Schedule": action.schedule,
                "ScalableTargetAction": {k: v for k, v in (("MinCapacity", action.min_capacity), ("MaxCapacity", action.max_capacity)) if v is not None},
            }
            if action.timezone is not None:
                request["Timezone"] = action.timezone
            b.add(state, {
                "Type": "Task",
                "Resource": "arn:aws:states:::aws-sdk:applicationautoscaling:putScheduledAction",
                "Parameters": request,
                "ResultPath": None,
                "Retry": _retry(SDK_TRANSIENT),
                "Catch": b.catch(state, "ScalingFailed"),
            })
            chain.append(state)
        for current, following in pairwise([*chain, NEXT]):
            b.states[current]["Next"] = following
        return REGISTER

    def grants(self, d: ModelDescriptor, g: GrantContext) -> list[Allow]:
        assert g.endpoint_name is not None
        target = scaling_target(d, g.endpoint_name, g.inference_component_name)
        alarms = [g.arn("cloudwatch", f"alarm:{target.alarm_prefix}")]
        if target.from_zero is not None:  # the run puts the alarm that scales up from zero
            alarms.append(g.arn("cloudwatch", f"alarm:{target.from_zero[2]['AlarmName']}"))
        if target.dimension == SCALING_DIMENSION:
            # What registering a SageMaker variant checks with the caller's permissions.
            checked = [
                allow(["sagemaker:DescribeEndpointConfig"], [g.arn("sagemaker", f"endpoint-config/{g.runs}")]),
                allow(["sagemaker:UpdateEndpointWeightsAndCapacities"], [g.arn("sagemaker", f"endpoint/{g.endpoint_name.lower()}")]),
            ]
        else:  # what registering an inference component's copies checks
            assert g.inference_component_name is not None
            checked = [allow(["sagemaker:DescribeInferenceComponent", "sagemaker:UpdateInferenceComponent"], [g.arn("sagemaker", f"inference-component/{g.inference_component_name.lower()}")])]
        return [
            # Application Auto Scaling takes no resource ARN before a target exists (and its ARNs
            # carry a random id): the conditions keep it to SageMaker variant instance counts
            # (or component copy counts).
            allow(
                ["application-autoscaling:RegisterScalableTarget", "application-autoscaling:DeregisterScalableTarget", "application-autoscaling:PutScalingPolicy", "application-autoscaling:PutScheduledAction"],
                ["*"],
                {"StringEquals": {"application-autoscaling:service-namespace": SCALING_NAMESPACE, "application-autoscaling:scalable-dimension": target.dimension}},
            ),
            *checked,
            # Target tracking creates and deletes its alarms with the caller's permissions.
            allow(["cloudwatch:PutMetricAlarm", "cloudwatch:DescribeAlarms", "cloudwatch:DeleteAlarms"], alarms),
            allow(
                ["iam:CreateServiceLinkedRole"],
                [f"arn:{g.partition}:iam::{g.account}:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint"],
                {"StringLike": {"iam:AWSServiceName": "sagemaker.application-autoscaling.amazonaws.com"}},
            ),
        ]
