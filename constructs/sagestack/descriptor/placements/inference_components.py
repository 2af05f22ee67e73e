"""Inference components: ``model.deploy(endpoint_type=EndpointType.INFERENCE_COMPONENT_BASED,
resources=ResourceRequirements(...), managed_instance_scaling={...})``.

The endpoint holds instances and no model; each model is an inference component on it that
reserves CPUs, accelerators and memory per copy, so several models share the instances. With
``managed_instance_scaling`` SageMaker adds and removes instances as copies need them, down to
none when ``MinInstanceCount`` is 0 and autoscaling takes the copies to 0.

One descriptor owns the endpoint (``instance_type`` and ``initial_instance_count``); another
joins it by naming it (``endpoint_name``) with its ``instance_type`` (which picks the image) and
no ``initial_instance_count``, as ``model.deploy(endpoint_name=existing, endpoint_type=...)``
adds a component to an endpoint that is in service and leaves the endpoint as it is.

This module declares the sections, the rules, the endpoint config and the preview sizing of this
placement; the inference component itself and the autoscaling of its copies are rendered by
``render/inference_component.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import Field

from ..base import Api, SdkModel, sdk_field
from ..images import is_burstable
from ..rules import Context, Finding, rule
from . import VARIANT_NAME, Placement, Served, variant_settings

__all__ = ["PLACEMENT", "InferenceComponents", "ResourceRequests", "ResourceLimits", "ResourceRequirements", "ManagedInstanceScaling", "RoutingConfig", "INFERENCE_COMPONENT_BASED", "is_inference_component_based", "joins_endpoint", "PREVIEW_INVOCATIONS_PER_COPY"]

INFERENCE_COMPONENT_BASED = "inference-component-based"
CIC = "CreateInferenceComponent"
CRR = "Specification.ComputeResourceRequirements"
PVS = "ProductionVariants[]"


class ResourceRequests(SdkModel):
    """``ResourceRequirements(requests={...})``: what each copy of the model reserves."""

    memory: Annotated[int, Api(CIC, f"{CRR}.MinMemoryRequiredInMb")] = sdk_field(
        doc="Memory reserved per copy, in MiB (required: SageMaker places copies by it).", lands_in=f"{CIC}.{CRR}.MinMemoryRequiredInMb"
    )
    num_cpus: Annotated[float, Field(ge=0)] | None = sdk_field(
        None, doc="CPU cores per copy (0.25 or more; 0 sends none, as the SDK does).", lands_in=f"{CIC}.{CRR}.NumberOfCpuCoresRequired"
    )
    num_accelerators: Annotated[int, Api(CIC, f"{CRR}.NumberOfAcceleratorDevicesRequired")] | None = sdk_field(
        None, doc="GPUs or Neuron devices per copy.", lands_in=f"{CIC}.{CRR}.NumberOfAcceleratorDevicesRequired"
    )
    copies: Annotated[int, Api(CIC, "RuntimeConfig.CopyCount")] = sdk_field(1, doc="Copies of the model started at first.", lands_in=f"{CIC}.RuntimeConfig.CopyCount")


class ResourceLimits(SdkModel):
    """``ResourceRequirements(limits={...})``."""

    memory: Annotated[int, Api(CIC, f"{CRR}.MaxMemoryRequiredInMb")] | None = sdk_field(
        None, doc="Most memory a copy may use, in MiB.", lands_in=f"{CIC}.{CRR}.MaxMemoryRequiredInMb"
    )


class ResourceRequirements(SdkModel):
    """``sagemaker.compute_resource_requirements.ResourceRequirements``."""

    requests: ResourceRequests = sdk_field(doc="What each copy reserves (memory is required).", lands_in=f"{CIC}.{CRR}")
    limits: ResourceLimits | None = sdk_field(None, doc="Upper bounds per copy.", lands_in=f"{CIC}.{CRR}.MaxMemoryRequiredInMb")


class ManagedInstanceScaling(SdkModel):
    """``model.deploy(managed_instance_scaling={...})``: the API's keys, as the SDK takes them."""

    MinInstanceCount: Annotated[int, Api("CreateEndpointConfig", f"{PVS}.ManagedInstanceScaling.MinInstanceCount")] | None = sdk_field(
        None, doc="Fewest instances; 0 lets an idle endpoint run none (default: initial_instance_count, as the SDK sends).",
        lands_in="CreateEndpointConfig.ProductionVariants[].ManagedInstanceScaling.MinInstanceCount",
    )
    MaxInstanceCount: Annotated[int, Api("CreateEndpointConfig", f"{PVS}.ManagedInstanceScaling.MaxInstanceCount")] | None = sdk_field(
        None, doc="Most instances SageMaker starts for the copies.", lands_in="CreateEndpointConfig.ProductionVariants[].ManagedInstanceScaling.MaxInstanceCount"
    )
    Status: Literal["ENABLED"] = sdk_field(
        "ENABLED", doc="The SDK always sends ENABLED when managed_instance_scaling is given.", lands_in="CreateEndpointConfig.ProductionVariants[].ManagedInstanceScaling.Status"
    )


class RoutingConfig(SdkModel):
    """``model.deploy(routing_config={...})``: how the endpoint picks an instance per request."""

    RoutingStrategy: Literal["LEAST_OUTSTANDING_REQUESTS", "RANDOM"] = sdk_field(
        doc="LEAST_OUTSTANDING_REQUESTS or RANDOM (the two sagemaker.enums.RoutingStrategy values).", lands_in="CreateEndpointConfig.ProductionVariants[].RoutingConfig.RoutingStrategy"
    )


def is_inference_component_based(deploy: Any) -> bool:
    return deploy is not None and getattr(deploy, "endpoint_type", None) == INFERENCE_COMPONENT_BASED


def joins_endpoint(deploy: Any) -> bool:
    """A descriptor that adds its inference component to an endpoint it does not create: it names
    the endpoint and gives no instance count."""
    return is_inference_component_based(deploy) and deploy.endpoint_name is not None and deploy.initial_instance_count is None


#: deploy fields an inference-component-based endpoint cannot carry, and why.
_NOT_WITH_COMPONENTS = {
    "serverless_inference_config": "serverless endpoints hold no inference components (the SDK would ignore it)",
    "async_inference_config": "asynchronous endpoints hold no inference components (the SDK would ignore it)",
    "variants": "an inference-component-based endpoint here has one variant, AllTraffic (model.deploy)",
    "shadow_variant": "shadow variants copy traffic between model-based variants",
    "accelerator_type": "Elastic Inference has no inference components (and reached end of life in April 2024): reserve accelerators with resources.requests.num_accelerators on a GPU instance",
    "data_capture_config": "model.deploy sends no data capture for an inference-component-based endpoint",
}

#: Fields of the endpoint itself that a descriptor joining another's endpoint cannot set.
_ENDPOINT_FIELDS = ("managed_instance_scaling", "routing_config", "volume_size", "kms_key", "deployment_config")


@rule("deploy")
def inference_components_fit(d: Any, ctx: Context) -> Iterator[Finding]:
    """What SageMaker and model.deploy take for an inference-component-based endpoint: resources
    with memory; instances that host components (not burstable ml.t2); no serverless, asynchronous,
    A/B or shadow variants, no Elastic Inference; a joining descriptor sets only its component."""
    dep = d.deploy
    ic = is_inference_component_based(dep)
    for name in ("resources", "managed_instance_scaling", "inference_component_name"):
        if not ic and getattr(dep, name) is not None:
            yield Finding(("deploy", name), "belongs to an inference-component-based endpoint", f"endpoint_type: {INFERENCE_COMPONENT_BASED}", name)
    if not ic and dep.autoscaling is not None and dep.autoscaling.target_invocations_per_copy is not None:
        yield Finding(("deploy", "autoscaling", "target_invocations_per_copy"), "copies exist only on an inference-component-based endpoint", f"target_invocations_per_instance, or endpoint_type: {INFERENCE_COMPONENT_BASED}", dep.autoscaling.target_invocations_per_copy)
    if not ic:
        return
    if dep.resources is None:
        yield Finding(("deploy", "endpoint_type"), "an inference component needs the resources each copy reserves (model.deploy(resources=ResourceRequirements(...)))", "resources: {requests: {memory: 1024, num_cpus: 1}}", "no resources")
    else:
        requests = dep.resources.requests
        if requests.num_cpus is not None and 0 < requests.num_cpus < 0.25:
            yield Finding(("deploy", "resources", "requests", "num_cpus"), "CreateInferenceComponent reserves at least a quarter of a core (NumberOfCpuCoresRequired)", "0 or >= 0.25", requests.num_cpus)
        limit = dep.resources.limits.memory if dep.resources.limits is not None else None
        if limit is not None and limit < requests.memory:
            yield Finding(("deploy", "resources", "limits", "memory"), "the memory limit is below the memory each copy reserves", f">= {requests.memory}", limit)
    for name, why in _NOT_WITH_COMPONENTS.items():
        if getattr(dep, name) is not None:
            yield Finding(("deploy", name), why, f"no {name} with endpoint_type {INFERENCE_COMPONENT_BASED}", name)
    model = getattr(d, "model", None)
    if model is not None and model.SERVING == "multi-model":
        yield Finding(("model", "type"), "a multi-model endpoint serves its archives from one model-based variant, not as inference components", "endpoint_type: model-based", model.type)
    if dep.instance_type is not None and is_burstable(dep.instance_type):
        yield Finding(("deploy", "instance_type"), "burstable instances (ml.t*) do not host inference components", "e.g. ml.m5.xlarge, ml.c5.xlarge or a GPU type such as ml.g5.xlarge", dep.instance_type)
    if joins_endpoint(dep):
        for name in _ENDPOINT_FIELDS:
            if getattr(dep, name) is not None:
                yield Finding(("deploy", name), "this descriptor adds its inference component to the endpoint another creates (no initial_instance_count): the endpoint's settings belong to that descriptor", "initial_instance_count to create the endpoint here", name)
    for name in ("instance_type", "initial_instance_count"):
        if getattr(dep, name) is None and (name == "instance_type" or not joins_endpoint(dep)):
            yield Finding(("deploy", name), "required for an inference-component-based endpoint (to add this model to an endpoint another descriptor creates: endpoint_name and instance_type, no initial_instance_count)", "a value", "nothing")
    scaling = dep.managed_instance_scaling
    if scaling is not None:
        low = scaling.MinInstanceCount if scaling.MinInstanceCount is not None else dep.initial_instance_count
        high = scaling.MaxInstanceCount
        if high is not None and low is not None and low > high:
            yield Finding(("deploy", "managed_instance_scaling", "MinInstanceCount"), "MinInstanceCount above MaxInstanceCount", f"<= {high}", low)
        if high is not None and dep.initial_instance_count is not None and dep.initial_instance_count > high:
            yield Finding(("deploy", "initial_instance_count"), "more instances at first than managed instance scaling allows", f"<= {high}", dep.initial_instance_count)
    yield from _copy_autoscaling(dep)


def _copy_autoscaling(dep: Any) -> Iterator[Finding]:
    """Autoscaling of an inference component scales its copies, on invocations per copy; 0
    copies is allowed (the instances go when managed instance scaling may go to 0)."""
    auto = dep.autoscaling
    if auto is None:
        return
    at = ("deploy", "autoscaling")
    if auto.min_capacity > auto.max_capacity:
        yield Finding(at + ("min_capacity",), "min_capacity above max_capacity", f"<= {auto.max_capacity}", auto.min_capacity)
    others = [t for t in auto.targets() if t != "target_invocations_per_copy"]
    for name in others:
        yield Finding(at + (name,), "an inference component scales its copies on invocations per copy", "target_invocations_per_copy", name)
    if auto.target_invocations_per_copy is None and not others:
        yield Finding(at, "choose what to track", "target_invocations_per_copy (e.g. 4)", "none")
    if dep.resources is not None and not auto.min_capacity <= dep.resources.requests.copies <= auto.max_capacity:
        yield Finding(("deploy", "resources", "requests", "copies"), "copies outside the autoscaling bounds", f"{auto.min_capacity}..{auto.max_capacity}", dep.resources.requests.copies)
    if auto.min_capacity == 0 and dep.managed_instance_scaling is not None and dep.managed_instance_scaling.MinInstanceCount not in (None, 0):
        yield Finding(("deploy", "managed_instance_scaling", "MinInstanceCount"), "copies scale to 0 but the instances never do: an idle endpoint keeps billing", "0", dep.managed_instance_scaling.MinInstanceCount, "warning")
    for index, action in enumerate(auto.scheduled_actions):
        if action.min_capacity is None and action.max_capacity is None:
            yield Finding(at + ("scheduled_actions", index), "a scheduled action changes min_capacity, max_capacity or both", "min_capacity and/or max_capacity", "neither")


#: Invocations per copy a preview's inference component tracks when its descriptor tracks none.
PREVIEW_INVOCATIONS_PER_COPY = 20


def _production_variant(dep: Any) -> dict[str, Any]:
    """sagemaker.session.production_variant without a model name."""
    variant: dict[str, Any] = {"VariantName": VARIANT_NAME}
    scaling = dep.managed_instance_scaling
    if scaling is not None:
        managed: dict[str, Any] = {"Status": "ENABLED"}
        if scaling.MaxInstanceCount is not None:
            managed["MaxInstanceCount"] = scaling.MaxInstanceCount
        managed["MinInstanceCount"] = scaling.MinInstanceCount if scaling.MinInstanceCount is not None else dep.initial_instance_count
        variant["ManagedInstanceScaling"] = managed
    variant["InitialInstanceCount"] = dep.initial_instance_count
    variant["InstanceType"] = dep.instance_type
    variant.update(variant_settings(dep))
    if dep.routing_config is not None:
        variant["RoutingConfig"] = {"RoutingStrategy": dep.routing_config.RoutingStrategy}
    return variant


class InferenceComponents(Placement):
    name = "inference components"
    order = 30
    fields = ("resources", "managed_instance_scaling", "inference_component_name")
    scales = "copies"

    def applies(self, dep: Any) -> bool:
        return is_inference_component_based(dep)

    def sized(self, dep: Any) -> list[tuple[tuple[str | int, ...], Any]]:
        return [(("deploy",), dep)]

    def sized_keys(self, dep: Any) -> tuple[str, ...]:
        # a component joining another's endpoint picks its image by instance type and has no instances to count
        return ("instance_type",) if joins_endpoint(dep) else ("instance_type", "initial_instance_count")

    def summary(self, dep: Any) -> str:
        place = f"{dep.initial_instance_count} x {dep.instance_type}" if dep.initial_instance_count else f"endpoint {dep.endpoint_name}"  # joins another's endpoint
        return f"{dep.resources.requests.copies} component copies on {place}"

    def endpoint_config(self, d: Any, ctx: Any, served: Served) -> dict[str, Any] | None:
        """session.endpoint_from_production_variants for an endpoint of inference components: the
        variant names no model, so the config carries the model's role and network."""
        dep = d.deploy
        request: dict[str, Any] = {"EndpointConfigName": ctx.endpoint_config_name, "ProductionVariants": [_production_variant(dep)], "ExecutionRoleArn": served.role_arn}
        if served.tags:
            request["Tags"] = served.tags
        if dep.kms_key:
            request["KmsKeyId"] = dep.kms_key
        if served.vpc_config is not None:
            request["VpcConfig"] = served.vpc_config
        request["EnableNetworkIsolation"] = served.network_isolation  # the model's setting, False included
        return request

    def preview(self, deploy: dict[str, Any], scaling: dict[str, Any] | None, preview_id: str) -> None:
        """An idle preview of inference components costs nothing: one copy at first, between zero and
        one copy on its invocations, the endpoint between zero and one instance; no accelerator (the
        preview instance has none)."""
        joins = bool(deploy.get("endpoint_name")) and deploy.get("initial_instance_count") is None
        requests = deploy.get("resources", {}).get("requests", {})
        requests["copies"] = 1
        requests.pop("num_accelerators", None)
        target = (scaling or {}).get("target_invocations_per_copy") or PREVIEW_INVOCATIONS_PER_COPY
        deploy["autoscaling"] = {"min_capacity": 0, "max_capacity": 1, "target_invocations_per_copy": target}
        if not joins:
            deploy["managed_instance_scaling"] = {"MinInstanceCount": 0, "MaxInstanceCount": 1}
        if deploy.get("inference_component_name"):
            deploy["inference_component_name"] = f"{deploy['inference_component_name']}-{preview_id}"


PLACEMENT = InferenceComponents()
