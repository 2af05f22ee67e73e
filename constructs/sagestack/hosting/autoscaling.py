"""Application Auto Scaling for an endpoint variant: a scalable target, one target-tracking
policy, scheduled actions; for an asynchronous endpoint that scales to zero, the step-scaling
policy and CloudWatch alarm that bring it back when requests queue."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_applicationautoscaling as aas
from aws_cdk import aws_cloudwatch as cloudwatch
from constructs import Construct

from ..descriptor.deploy import Autoscaling
from ..jsii_batch import call
from ..render.scaling import (
    ENDPOINT_METRICS_NAMESPACE,
    SCALING_DIMENSION,
    SCALING_NAMESPACE,
    backlog_alarm,
    resource_id,
    scale_from_zero_configuration,
    scale_from_zero_policy_name,
    target_tracking_configuration,
    target_tracking_policy_name,
)

__all__ = ["VariantAutoscaling", "ENDPOINT_METRICS_NAMESPACE", "cfn_alarm"]


def cfn_alarm(scope: Construct, construct_id: str, alarm: dict[str, Any], action: aas.CfnScalingPolicy) -> cloudwatch.CfnAlarm:
    """A CloudWatch alarm from a rendered PutMetricAlarm request (the same a pipeline run puts),
    whose action is ``action``, the step-scaling policy it starts."""
    return cloudwatch.CfnAlarm(
        scope, construct_id,
        alarm_name=alarm["AlarmName"], alarm_description=alarm["AlarmDescription"], namespace=alarm["Namespace"], metric_name=alarm["MetricName"],
        dimensions=[cloudwatch.CfnAlarm.DimensionProperty(name=d["Name"], value=d["Value"]) for d in alarm["Dimensions"]],
        statistic=alarm["Statistic"], period=alarm["Period"], evaluation_periods=alarm["EvaluationPeriods"], datapoints_to_alarm=alarm["DatapointsToAlarm"],
        threshold=alarm["Threshold"], comparison_operator=alarm["ComparisonOperator"], treat_missing_data=alarm["TreatMissingData"],
        alarm_actions=[action.ref],  # Ref: the policy's ARN
    )


class VariantAutoscaling(Construct):
    """Scales ``variant`` of ``endpoint_name`` between min and max capacity.

    No role is created: without RoleARN, Application Auto Scaling uses its service-linked role for
    SageMaker endpoints (AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint).

    Attributes: ``target`` (CfnScalableTarget), ``policy`` (CfnScalingPolicy, target tracking),
    ``scale_from_zero`` (CfnScalingPolicy, step scaling, or None) and ``backlog_alarm``
    (CfnAlarm or None): present when ``scales_from_zero``.
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, endpoint_name: str, variant: str, config: Autoscaling, endpoint: cdk.CfnResource, scales_from_zero: bool = False
    ) -> None:
        """
        :param endpoint_name: the stable endpoint name.
        :param variant: the production variant (AllTraffic).
        :param config: the descriptor's autoscaling block.
        :param endpoint: the endpoint resource; the target is registered after it exists.
        :param scales_from_zero: an asynchronous endpoint with min_capacity 0 (default False): add
            the step-scaling policy and the HasBacklogWithoutCapacity alarm that start an instance.
        """
        super().__init__(scope, construct_id)
        scheduled = [
            aas.CfnScalableTarget.ScheduledActionProperty(
                scheduled_action_name=a.name,
                schedule=a.schedule,
                timezone=a.timezone,
                scalable_target_action=aas.CfnScalableTarget.ScalableTargetActionProperty(min_capacity=a.min_capacity, max_capacity=a.max_capacity),
            )
            for a in config.scheduled_actions
        ]
        self.target = aas.CfnScalableTarget(
            self,
            "Target",
            service_namespace=SCALING_NAMESPACE,
            resource_id=resource_id(endpoint_name, variant),
            scalable_dimension=SCALING_DIMENSION,
            min_capacity=config.min_capacity,
            max_capacity=config.max_capacity,
            scheduled_actions=scheduled or None,
        )
        call(self.target, "node", ("addDependency", endpoint))
        self.policy = aas.CfnScalingPolicy(
            self, "Policy", policy_name=target_tracking_policy_name(endpoint_name, variant), policy_type="TargetTrackingScaling", scaling_target_id=self.target.ref,
        )
        # The rendered configuration (the same a pipeline run puts), in the API's shape, which is
        # CloudFormation's.
        call(self.policy, ("addPropertyOverride", "TargetTrackingScalingPolicyConfiguration", target_tracking_configuration(config, endpoint_name, variant)))
        self.scale_from_zero: aas.CfnScalingPolicy | None = None
        self.backlog_alarm: cloudwatch.CfnAlarm | None = None
        if scales_from_zero:
            self.scale_from_zero = aas.CfnScalingPolicy(
                self, "ScaleFromZero", policy_name=scale_from_zero_policy_name(endpoint_name, variant), policy_type="StepScaling", scaling_target_id=self.target.ref,
            )
            call(self.scale_from_zero, ("addPropertyOverride", "StepScalingPolicyConfiguration", scale_from_zero_configuration(config)))
            self.backlog_alarm = cfn_alarm(self, "BacklogAlarm", backlog_alarm(endpoint_name, variant), self.scale_from_zero)
