"""Autoscaling, once the endpoint is InService: register the variant's scalable target, put the
target-tracking policy (and, for an asynchronous endpoint scaling from zero, the step policy and
its backlog alarm), then the scheduled actions. Also the deregistration before an update, which
the endpoint fragment places ahead of UpdateEndpoint."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from ...descriptor import ModelDescriptor
from ...render.hosting import VARIANT_NAME
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


def autoscaled(d: ModelDescriptor) -> bool:
    return d.deploy is not None and d.deploy.autoscaling is not None


def deregister_before_update(b: Builder, endpoint_name: str, *, then: str) -> str:
    """An autoscaled variant cannot be updated while its target is registered: deregister it
    (nothing registered is fine), then ``then``. Returns the state's name."""
    return b.add(DEREGISTER, {
        "Type": "Task",
        "Comment": "An autoscaled variant cannot be updated while its target is registered (aws/aws-cdk#29626); it is registered again after.",
        "Resource": "arn:aws:states:::aws-sdk:applicationautoscaling:deregisterScalableTarget",
        "Parameters": {"ServiceNamespace": SCALING_NAMESPACE, "ResourceId": f"endpoint/{endpoint_name}/variant/{VARIANT_NAME}", "ScalableDimension": SCALING_DIMENSION},
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
        name = s.resources.endpoint_name
        target_id = resource_id(name, VARIANT_NAME)
        chain = [REGISTER, "Put scaling policy"]
        b.add(REGISTER, {
            "Type": "Task",
            "Comment": "Registered once the endpoint is InService: the variant must exist, and a registered variant cannot be updated (aws/aws-cdk#29626).",
            "Resource": "arn:aws:states:::aws-sdk:applicationautoscaling:registerScalableTarget",
            "Parameters": {"ServiceNamespace": SCALING_NAMESPACE, "ResourceId": target_id, "ScalableDimension": SCALING_DIMENSION, "MinCapacity": scaling.min_capacity, "MaxCapacity": scaling.max_capacity},
            "ResultPath": None,
            "Retry": _retry(SDK_TRANSIENT),
            "Catch": b.catch(REGISTER, "ScalingFailed"),
        })
        b.add("Put scaling policy", {
            "Type": "Task",
            "Resource": "arn:aws:states:::aws-sdk:applicationautoscaling:putScalingPolicy",
            "Parameters": scaling_policy_request(scaling, name),
            "ResultPath": None,
            "Retry": _retry(SDK_TRANSIENT),
            "Catch": b.catch("Put scaling policy", "ScalingFailed"),
        })
        if scales_from_zero(d.deploy):
            # What AWS documents for an asynchronous endpoint at zero instances: a step-scaling policy
            # adding one, started by an alarm on HasBacklogWithoutCapacity (the policy's ARN is known
            # once it is put, so the alarm follows it).
            b.add("Put scale-from-zero policy", {
                "Type": "Task",
                "Resource": "arn:aws:states:::aws-sdk:applicationautoscaling:putScalingPolicy",
                "Parameters": {
                    "PolicyName": scale_from_zero_policy_name(name, VARIANT_NAME), "ServiceNamespace": SCALING_NAMESPACE, "ResourceId": target_id,
                    "ScalableDimension": SCALING_DIMENSION, "PolicyType": "StepScaling", "StepScalingPolicyConfiguration": scale_from_zero_configuration(scaling),
                },
                "ResultSelector": {"PolicyARN.$": "$.PolicyARN"},
                "ResultPath": "$.scaling",
                "Retry": _retry(SDK_TRANSIENT),
                "Catch": b.catch("Put scale-from-zero policy", "ScalingFailed"),
            })
            b.add("Put backlog alarm", {
                "Type": "Task",
                "Resource": "arn:aws:states:::aws-sdk:cloudwatch:putMetricAlarm",
                "Parameters": {**backlog_alarm(name, VARIANT_NAME), "AlarmActions.$": "States.Array($.scaling.PolicyARN)"},
                "ResultPath": None,
                "Retry": _retry(SDK_TRANSIENT),
                "Catch": b.catch("Put backlog alarm", "ScalingFailed"),
            })
            chain += ["Put scale-from-zero policy", "Put backlog alarm"]
        for action in scaling.scheduled_actions:
            state = f"Schedule {action.name}"
            request: dict[str, Any] = {
                "ServiceNamespace": SCALING_NAMESPACE, "ResourceId": target_id, "ScalableDimension": SCALING_DIMENSION,
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
        endpoint = g.arn("sagemaker", f"endpoint/{g.endpoint_name.lower()}")
        configs = g.arn("sagemaker", f"endpoint-config/{g.runs}")
        alarms = [g.arn("cloudwatch", f"alarm:TargetTracking-endpoint/{g.endpoint_name}/variant/*")]
        if scales_from_zero(d.deploy):  # the run puts the alarm that scales up from zero
            alarms.append(g.arn("cloudwatch", f"alarm:{backlog_alarm(g.endpoint_name, VARIANT_NAME)['AlarmName']}"))
        return [
            # Application Auto Scaling takes no resource ARN before a target exists (and its ARNs
            # carry a random id): the conditions keep it to SageMaker variant instance counts.
            allow(
                ["application-autoscaling:RegisterScalableTarget", "application-autoscaling:DeregisterScalableTarget", "application-autoscaling:PutScalingPolicy", "application-autoscaling:PutScheduledAction"],
                ["*"],
                {"StringEquals": {"application-autoscaling:service-namespace": SCALING_NAMESPACE, "application-autoscaling:scalable-dimension": SCALING_DIMENSION}},
            ),
            # What registering a SageMaker variant checks with the caller's permissions.
            allow(["sagemaker:DescribeEndpointConfig"], [configs]),
            allow(["sagemaker:UpdateEndpointWeightsAndCapacities"], [endpoint]),
            # Target tracking creates and deletes its alarms with the caller's permissions.
            allow(["cloudwatch:PutMetricAlarm", "cloudwatch:DescribeAlarms", "cloudwatch:DeleteAlarms"], alarms),
            allow(
                ["iam:CreateServiceLinkedRole"],
                [f"arn:{g.partition}:iam::{g.account}:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint"],
                {"StringLike": {"iam:AWSServiceName": "sagemaker.application-autoscaling.amazonaws.com"}},
            ),
        ]
