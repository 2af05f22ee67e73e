"""Application Auto Scaling for an endpoint variant: a scalable target, one target-tracking
policy, scheduled actions."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_applicationautoscaling as aas
from constructs import Construct

from ..descriptor.deploy import Autoscaling

__all__ = ["VariantAutoscaling", "ENDPOINT_METRICS_NAMESPACE"]

ENDPOINT_METRICS_NAMESPACE = "/aws/sagemaker/Endpoints"  # where SageMaker publishes CPU/GPU utilization


class VariantAutoscaling(Construct):
    """Scales ``variant`` of ``endpoint_name`` between min and max capacity.

    No role is created: without RoleARN, Application Auto Scaling uses its service-linked role for
    SageMaker endpoints (AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint).

    Attributes: ``target`` (CfnScalableTarget), ``policy`` (CfnScalingPolicy).
    """

    def __init__(self, scope: Construct, construct_id: str, *, endpoint_name: str, variant: str, config: Autoscaling, endpoint: cdk.CfnResource) -> None:
        """
        :param endpoint_name: the stable endpoint name.
        :param variant: the production variant (AllTraffic).
        :param config: the descriptor's autoscaling block.
        :param endpoint: the endpoint resource; the target is registered after it exists.
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
            service_namespace="sagemaker",
            resource_id=f"endpoint/{endpoint_name}/variant/{variant}",
            scalable_dimension="sagemaker:variant:DesiredInstanceCount",
            min_capacity=config.min_capacity,
            max_capacity=config.max_capacity,
            scheduled_actions=scheduled or None,
        )
        self.target.node.add_dependency(endpoint)
        tracking = aas.CfnScalingPolicy.TargetTrackingScalingPolicyConfigurationProperty(
            target_value=self._target_value(config),
            scale_in_cooldown=config.scale_in_cooldown,
            scale_out_cooldown=config.scale_out_cooldown,
            disable_scale_in=config.disable_scale_in,
            predefined_metric_specification=(
                aas.CfnScalingPolicy.PredefinedMetricSpecificationProperty(predefined_metric_type="SageMakerVariantInvocationsPerInstance")
                if config.target_invocations_per_instance is not None
                else None
            ),
            customized_metric_specification=self._custom_metric(config, endpoint_name, variant),
        )
        self.policy = aas.CfnScalingPolicy(
            self,
            "Policy",
            policy_name=f"{endpoint_name}-{variant}-target-tracking",
            policy_type="TargetTrackingScaling",
            scaling_target_id=self.target.ref,
            target_tracking_scaling_policy_configuration=tracking,
        )

    @staticmethod
    def _target_value(config: Autoscaling) -> float:
        if config.custom_metric is not None:
            return config.custom_metric.target_value
        value = config.target_invocations_per_instance or config.target_gpu_utilization or config.target_cpu_utilization
        assert value is not None, "validation guarantees one target"
        return value

    @staticmethod
    def _custom_metric(config: Autoscaling, endpoint_name: str, variant: str) -> aas.CfnScalingPolicy.CustomizedMetricSpecificationProperty | None:
        dims = [aas.CfnScalingPolicy.MetricDimensionProperty(name="EndpointName", value=endpoint_name), aas.CfnScalingPolicy.MetricDimensionProperty(name="VariantName", value=variant)]
        if config.target_gpu_utilization is not None or config.target_cpu_utilization is not None:
            name = "GPUUtilization" if config.target_gpu_utilization is not None else "CPUUtilization"
            return aas.CfnScalingPolicy.CustomizedMetricSpecificationProperty(metric_name=name, namespace=ENDPOINT_METRICS_NAMESPACE, statistic="Average", dimensions=dims, unit="Percent")
        if config.custom_metric is not None:
            m = config.custom_metric
            extra = [aas.CfnScalingPolicy.MetricDimensionProperty(name=k, value=v) for k, v in sorted(m.dimensions.items())]
            return aas.CfnScalingPolicy.CustomizedMetricSpecificationProperty(metric_name=m.metric_name, namespace=m.namespace, statistic=m.statistic, dimensions=dims + extra, unit=m.unit)
        return None
