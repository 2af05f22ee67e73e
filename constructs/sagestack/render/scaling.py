"""Application Auto Scaling and CloudWatch requests for an endpoint variant, from the descriptor's
``deploy.autoscaling`` block: the same policies whether CloudFormation declares them (hosting) or
a pipeline run puts them (endpoints it creates).

* Target tracking on invocations, CPU or GPU utilization, a metric of your own, or (asynchronous
  endpoints) ``ApproximateBacklogSizePerInstance``.
* An asynchronous endpoint that may scale to zero also gets what AWS documents for scaling up from
  nothing: a step-scaling policy that adds one instance, started by an alarm on
  ``HasBacklogWithoutCapacity`` (docs.aws.amazon.com/sagemaker/latest/dg/async-inference-autoscale.html).
"""

from __future__ import annotations

from typing import Any

from ..descriptor.placements.asynchronous import scales_from_zero  # an asynchronous endpoint that may go to zero instances

__all__ = [
    "SCALING_NAMESPACE",
    "SCALING_DIMENSION",
    "ENDPOINT_METRICS_NAMESPACE",
    "resource_id",
    "target_tracking_configuration",
    "target_tracking_policy_name",
    "scales_from_zero",
    "scale_from_zero_configuration",
    "scale_from_zero_policy_name",
    "backlog_alarm",
]

SCALING_NAMESPACE, SCALING_DIMENSION = "sagemaker", "sagemaker:variant:DesiredInstanceCount"
ENDPOINT_METRICS_NAMESPACE = "/aws/sagemaker/Endpoints"  # where SageMaker publishes CPU/GPU utilization
SAGEMAKER_NAMESPACE = "AWS/SageMaker"  # invocations and the asynchronous backlog metrics


def resource_id(endpoint_name: str, variant: str) -> str:
    return f"endpoint/{endpoint_name}/variant/{variant}"


def target_tracking_policy_name(endpoint_name: str, variant: str) -> str:
    return f"{endpoint_name}-{variant}-target-tracking"


def target_tracking_configuration(scaling: Any, endpoint_name: str, variant: str) -> dict[str, Any]:
    """PutScalingPolicy's (and the CloudFormation policy's) TargetTrackingScalingPolicyConfiguration."""
    dims = [{"Name": "EndpointName", "Value": endpoint_name}, {"Name": "VariantName", "Value": variant}]
    config: dict[str, Any] = {}
    if scaling.target_invocations_per_instance is not None:
        config["TargetValue"] = float(scaling.target_invocations_per_instance)
        config["PredefinedMetricSpecification"] = {"PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"}
    elif scaling.target_gpu_utilization is not None or scaling.target_cpu_utilization is not None:
        gpu = scaling.target_gpu_utilization is not None
        config["TargetValue"] = float(scaling.target_gpu_utilization if gpu else scaling.target_cpu_utilization)
        config["CustomizedMetricSpecification"] = {
            "MetricName": "GPUUtilization" if gpu else "CPUUtilization", "Namespace": ENDPOINT_METRICS_NAMESPACE,
            "Dimensions": dims, "Statistic": "Average", "Unit": "Percent",
        }
    elif scaling.target_backlog_per_instance is not None:
        # published per endpoint, not per variant
        config["TargetValue"] = float(scaling.target_backlog_per_instance)
        config["CustomizedMetricSpecification"] = {
            "MetricName": "ApproximateBacklogSizePerInstance", "Namespace": SAGEMAKER_NAMESPACE,
            "Dimensions": [{"Name": "EndpointName", "Value": endpoint_name}], "Statistic": "Average",
        }
    else:
        m = scaling.custom_metric
        config["TargetValue"] = float(m.target_value)
        metric: dict[str, Any] = {"MetricName": m.metric_name, "Namespace": m.namespace, "Dimensions": dims + [{"Name": k, "Value": v} for k, v in sorted(m.dimensions.items())], "Statistic": m.statistic}
        if m.unit is not None:
            metric["Unit"] = m.unit
        config["CustomizedMetricSpecification"] = metric
    config["ScaleInCooldown"] = scaling.scale_in_cooldown
    config["ScaleOutCooldown"] = scaling.scale_out_cooldown
    config["DisableScaleIn"] = scaling.disable_scale_in
    return config


def scale_from_zero_policy_name(endpoint_name: str, variant: str) -> str:
    return f"{endpoint_name}-{variant}-scale-from-zero"


def scale_from_zero_configuration(scaling: Any) -> dict[str, Any]:
    """StepScalingPolicyConfiguration: one instance when the backlog alarm fires."""
    return {
        "AdjustmentType": "ChangeInCapacity",
        "MetricAggregationType": "Average",
        "Cooldown": scaling.scale_out_cooldown,
        "StepAdjustments": [{"MetricIntervalLowerBound": 0.0, "ScalingAdjustment": 1}],
    }


def backlog_alarm(endpoint_name: str, variant: str) -> dict[str, Any]:
    """PutMetricAlarm (and the CloudFormation alarm) on HasBacklogWithoutCapacity, without its
    action (the step-scaling policy's ARN, known once the policy exists)."""
    return {
        "AlarmName": f"{endpoint_name}-{variant}-backlog-without-capacity",
        "AlarmDescription": f"Requests wait for {endpoint_name}, which has no instances: scale up from zero (sagestack)",
        "Namespace": SAGEMAKER_NAMESPACE,
        "MetricName": "HasBacklogWithoutCapacity",
        "Dimensions": [{"Name": "EndpointName", "Value": endpoint_name}],
        "Statistic": "Average",
        "Period": 60,
        "EvaluationPeriods": 2,
        "DatapointsToAlarm": 2,
        "Threshold": 1.0,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "TreatMissingData": "missing",
    }
