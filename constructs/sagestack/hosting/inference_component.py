"""AWS::SageMaker::InferenceComponent from a rendered CreateInferenceComponent request, and the
Application Auto Scaling of its copies (down to none, and back when a request finds no copy)."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_applicationautoscaling as aas
from aws_cdk import aws_cloudwatch as cloudwatch
from constructs import Construct

from ..descriptor.deploy import Autoscaling
from ..jsii_batch import call
from ..render.inference_component import (
    COMPONENT_SCALING_DIMENSION,
    component_resource_id,
    component_scale_from_zero_configuration,
    component_scale_from_zero_policy_name,
    component_target_tracking_configuration,
    component_target_tracking_policy_name,
    no_capacity_alarm,
)
from ..render.scaling import SCALING_NAMESPACE
from .autoscaling import cfn_alarm

__all__ = ["SageMakerInferenceComponent", "ComponentAutoscaling"]


class SageMakerInferenceComponent(Construct):
    """An inference component with a stable name (clients pass it to ``invoke_endpoint``); a
    changed specification updates it in place.

    Attributes: ``resource`` (CfnResource), ``inference_component_name`` (the stable name).
    """

    def __init__(self, scope: Construct, construct_id: str, *, request: dict[str, Any], endpoint: cdk.CfnResource | None) -> None:
        """
        :param request: a CreateInferenceComponent request with placeholders filled.
        :param endpoint: the endpoint resource when this stack creates it (the component is placed
            once it exists); None when the endpoint is another stack's.
        """
        super().__init__(scope, construct_id)
        self.resource = cdk.CfnResource(self, "Resource", type="AWS::SageMaker::InferenceComponent", properties=dict(request))
        if endpoint is not None:
            call(self.resource, "node", ("addDependency", endpoint))
        self.inference_component_name: str = request["InferenceComponentName"]


class ComponentAutoscaling(Construct):
    """Scales the copies of ``component_name`` between min and max capacity on invocations per
    copy; with min_capacity 0, the step-scaling policy and NoCapacityInvocationFailures alarm that
    start a copy when a request finds none. No role: Application Auto Scaling uses its
    service-linked role for SageMaker.

    Attributes: ``target``, ``policy``, ``scale_from_zero`` and ``no_capacity_alarm`` (or None).
    """

    def __init__(self, scope: Construct, construct_id: str, *, component_name: str, config: Autoscaling, component: cdk.CfnResource) -> None:
        super().__init__(scope, construct_id)
        scheduled = [
            aas.CfnScalableTarget.ScheduledActionProperty(
                scheduled_action_name=a.name, schedule=a.schedule, timezone=a.timezone,
                scalable_target_action=aas.CfnScalableTarget.ScalableTargetActionProperty(min_capacity=a.min_capacity, max_capacity=a.max_capacity),
            )
            for a in config.scheduled_actions
        ]
        self.target = aas.CfnScalableTarget(
            self, "Target", service_namespace=SCALING_NAMESPACE, resource_id=component_resource_id(component_name), scalable_dimension=COMPONENT_SCALING_DIMENSION,
            min_capacity=config.min_capacity, max_capacity=config.max_capacity, scheduled_actions=scheduled or None,
        )
        call(self.target, "node", ("addDependency", component))
        self.policy = aas.CfnScalingPolicy(self, "Policy", policy_name=component_target_tracking_policy_name(component_name), policy_type="TargetTrackingScaling", scaling_target_id=self.target.ref)
        call(self.policy, ("addPropertyOverride", "TargetTrackingScalingPolicyConfiguration", component_target_tracking_configuration(config)))
        self.scale_from_zero: aas.CfnScalingPolicy | None = None
        self.no_capacity_alarm: cloudwatch.CfnAlarm | None = None
        if config.min_capacity == 0:
            self.scale_from_zero = aas.CfnScalingPolicy(self, "ScaleFromZero", policy_name=component_scale_from_zero_policy_name(component_name), policy_type="StepScaling", scaling_target_id=self.target.ref)
            call(self.scale_from_zero, ("addPropertyOverride", "StepScalingPolicyConfiguration", component_scale_from_zero_configuration()))
            self.no_capacity_alarm = cfn_alarm(self, "NoCapacityAlarm", no_capacity_alarm(component_name), self.scale_from_zero)
