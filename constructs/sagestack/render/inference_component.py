"""Inference components, as ``model.deploy(endpoint_type=EndpointType.INFERENCE_COMPONENT_BASED,
...)`` sends them (SDK 2.257.7, ``sagemaker.model.Model.deploy``):

* Unless the endpoint is in service already, ``session.endpoint_from_production_variants``:
  CreateEndpointConfig with one ``AllTraffic`` variant that names no model (so the config
  carries ``ExecutionRoleArn``, and the model's ``EnableNetworkIsolation`` and ``VpcConfig``),
  ``ManagedInstanceScaling`` (``Status: ENABLED``, ``MinInstanceCount`` defaulting to the initial
  instance count), ``RoutingConfig``; then CreateEndpoint.
* CreateModel as for a model-based endpoint.
* CreateInferenceComponent on variant ``AllTraffic``: ``Specification`` (the model's name, the
  startup timeouts, ``ResourceRequirements.get_compute_resource_requirements()``) and
  ``RuntimeConfig.CopyCount`` (``requests.copies``, default 1).

A descriptor that joins an endpoint another creates renders only CreateModel and
CreateInferenceComponent, as the SDK does for an endpoint in service. Autoscaling of the copies:
:mod:`.scaling` (``component_*``).
"""

from __future__ import annotations

from typing import Any

from ..descriptor import ModelDescriptor
from ..descriptor.placements import VARIANT_NAME, Served
from ..descriptor.placements.inference_components import PLACEMENT, joins_endpoint
from .context import RenderContext

__all__ = [
    "create_inference_component", "create_endpoint_config", "creates_endpoint", "compute_resource_requirements", "VARIANT_NAME",
    "COMPONENT_SCALING_DIMENSION", "component_resource_id", "component_target_tracking_configuration", "component_scales_from_zero",
    "component_scale_from_zero_configuration", "no_capacity_alarm", "update_inference_component",
    "component_target_tracking_policy_name", "component_scale_from_zero_policy_name",
]



def creates_endpoint(d: ModelDescriptor) -> bool:
    """Whether this descriptor creates its endpoint (else its component joins another's)."""
    return not joins_endpoint(d.deploy)


def compute_resource_requirements(resources: Any) -> dict[str, Any]:
    """ResourceRequirements.get_compute_resource_requirements: memory always, the rest when set
    (0 CPUs and 0 accelerators are not sent)."""
    requests = resources.requests
    out: dict[str, Any] = {"MinMemoryRequiredInMb": requests.memory}
    if resources.limits is not None and resources.limits.memory:
        out["MaxMemoryRequiredInMb"] = resources.limits.memory
    if requests.num_cpus:
        out["NumberOfCpuCoresRequired"] = requests.num_cpus
    if requests.num_accelerators:
        out["NumberOfAcceleratorDevicesRequired"] = requests.num_accelerators
    return out


def create_endpoint_config(d: ModelDescriptor, ctx: RenderContext, *, role_arn: str, tags: list[dict[str, str]], network_isolation: bool, vpc_config: dict[str, Any] | None) -> dict[str, Any]:
    """session.endpoint_from_production_variants for an endpoint of inference components (rendered
    by the placement, :mod:`sagestack.descriptor.placements.inference_components`)."""
    request = PLACEMENT.endpoint_config(d, ctx, Served(role_arn=role_arn, tags=tags, network_isolation=network_isolation, vpc_config=vpc_config))
    assert request is not None
    return request


def create_inference_component(d: ModelDescriptor, ctx: RenderContext, *, tags: list[dict[str, str]]) -> dict[str, Any]:
    """session.create_inference_component as Model.deploy calls it."""
    dep = d.deploy
    assert dep is not None and dep.resources is not None
    startup: dict[str, Any] = {}
    if dep.model_data_download_timeout:
        startup["ModelDataDownloadTimeoutInSeconds"] = dep.model_data_download_timeout
    if dep.container_startup_health_check_timeout:
        startup["ContainerStartupHealthCheckTimeoutInSeconds"] = dep.container_startup_health_check_timeout
    request: dict[str, Any] = {
        "InferenceComponentName": dep.inference_component_name or ctx.inference_component_name,
        "EndpointName": dep.endpoint_name or ctx.endpoint_name,
        "VariantName": VARIANT_NAME,
        "Specification": {"ModelName": ctx.model_name, "StartupParameters": startup, "ComputeResourceRequirements": compute_resource_requirements(dep.resources)},
        "RuntimeConfig": {"CopyCount": dep.resources.requests.copies},
    }
    if tags:
        request["Tags"] = tags
    return request


def update_inference_component(create: dict[str, Any], *, keep_copies: bool) -> dict[str, Any]:
    """session.update_inference_component for a later run: the component's specification (the
    run's model, its resources) from its CreateInferenceComponent ``create``. ``keep_copies``
    (autoscaled copies): no RuntimeConfig, so the copy count the scaler set stays."""
    request: dict[str, Any] = {"InferenceComponentName": create["InferenceComponentName"], "Specification": create["Specification"]}
    if not keep_copies:
        request["RuntimeConfig"] = create["RuntimeConfig"]
    return request


# Autoscaling of the copies (Application Auto Scaling), the same whoever declares it.
COMPONENT_SCALING_DIMENSION = "sagemaker:inference-component:DesiredCopyCount"


def component_resource_id(component_name: str) -> str:
    return f"inference-component/{component_name}"


def component_target_tracking_policy_name(component_name: str) -> str:
    return f"{component_name}-target-tracking"


def component_scale_from_zero_policy_name(component_name: str) -> str:
    return f"{component_name}-scale-from-zero"


def component_target_tracking_configuration(scaling: Any) -> dict[str, Any]:
    """TargetTrackingScalingPolicyConfiguration on invocations per copy (per minute)."""
    return {
        "TargetValue": float(scaling.target_invocations_per_copy),
        "PredefinedMetricSpecification": {"PredefinedMetricType": "SageMakerInferenceComponentInvocationsPerCopy"},
        "ScaleInCooldown": scaling.scale_in_cooldown,
        "ScaleOutCooldown": scaling.scale_out_cooldown,
        "DisableScaleIn": scaling.disable_scale_in,
    }


def component_scales_from_zero(deploy: Any) -> bool:
    """A component whose copies may go to zero: target tracking cannot bring back the first copy
    (no copy, no invocations per copy), so it also gets the step policy and alarm AWS documents
    (docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-zero-instances.html)."""
    return deploy.autoscaling is not None and deploy.autoscaling.min_capacity == 0


def component_scale_from_zero_configuration() -> dict[str, Any]:
    """StepScalingPolicyConfiguration: one copy when the alarm fires (AWS's documented policy)."""
    return {
        "AdjustmentType": "ChangeInCapacity",
        "MetricAggregationType": "Maximum",
        "Cooldown": 60,
        "StepAdjustments": [{"MetricIntervalLowerBound": 0.0, "ScalingAdjustment": 1}],
    }


def no_capacity_alarm(component_name: str) -> dict[str, Any]:
    """PutMetricAlarm on NoCapacityInvocationFailures (requests that found no copy), without its
    action (the step policy's ARN). AWS's example alarms above 1 failure a minute; at or above 1
    wakes the component on the first request instead of the second."""
    return {
        "AlarmName": f"{component_name}-no-capacity",
        "AlarmDescription": f"Requests for {component_name} found no copy: start one (sagestack)",
        "Namespace": "AWS/SageMaker",
        "MetricName": "NoCapacityInvocationFailures",
        "Dimensions": [{"Name": "InferenceComponentName", "Value": component_name}],
        "Statistic": "Sum",
        "Period": 60,
        "EvaluationPeriods": 1,
        "DatapointsToAlarm": 1,
        "Threshold": 1.0,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "TreatMissingData": "missing",
    }
