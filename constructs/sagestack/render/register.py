"""The model registry's requests, as ``estimator.register(...)`` sends them: CreateModelPackageGroup
(sagestack creates the group as a CloudFormation resource) and CreateModelPackage, whose one
container is the model the run would serve (its image, environment and model data, repacked with
the inference code when the framework needs it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..descriptor import ModelDescriptor
from ..descriptor.estimator import FrameworkEstimator
from .context import RenderContext
from .hosting import _serving, create_model, inference_image

__all__ = ["create_model_package", "create_model_package_group", "model_package_group_name"]


@dataclass(frozen=True)
class _Instance:
    """The instance a framework model's package is built for (the first of inference_instances)."""

    instance_type: str | None
    accelerator_type: None = None


def model_package_group_name(d: ModelDescriptor, ctx: RenderContext) -> str:
    """``register.model_package_group_name``, else the context's (``<name>-<environment>``)."""
    assert d.register is not None
    return d.register.model_package_group_name or ctx.model_package_group_name


def create_model_package_group(d: ModelDescriptor, ctx: RenderContext) -> dict[str, Any]:
    """CreateModelPackageGroup as register() sends it when the group does not exist yet."""
    return {"ModelPackageGroupName": model_package_group_name(d, ctx)}


def _framework(d: ModelDescriptor) -> tuple[str, str | None] | None:
    """(Framework, FrameworkVersion) a framework model's register() puts on its container: the
    framework's name in capitals (a Hugging Face model's base framework) and its version."""
    est = d.estimator
    if not isinstance(est, FrameworkEstimator):
        return None
    base = getattr(est, "base_framework", None)  # Hugging Face: (pytorch|tensorflow, version)
    if base is not None:
        return base[0].upper(), base[1]
    return est.framework.upper(), est.framework_version


def create_model_package(d: ModelDescriptor, ctx: RenderContext) -> dict[str, Any]:
    """CreateModelPackage as ``estimator.register(...)`` sends it (sagemaker.session's
    get_create_model_package_request): the group's next version, with the served container."""
    reg = d.register
    assert reg is not None and d.estimator is not None
    container = dict(create_model(d, ctx)["PrimaryContainer"])
    style, _spec = _serving(d)
    if style not in ("image", "training-image"):  # a framework image is the first inference instance's (CPU or GPU)
        first = reg.inference_instances[0] if reg.inference_instances else None
        container["Image"] = inference_image(d.model_copy(update={"deploy": None, "transformer": None}), ctx, _Instance(first))
    framework = _framework(d)
    if framework is not None:
        container["Framework"] = framework[0]
        if framework[1] is not None:
            container["FrameworkVersion"] = framework[1]
    request: dict[str, Any] = {"ModelPackageGroupName": model_package_group_name(d, ctx)}
    if reg.description is not None:
        request["ModelPackageDescription"] = reg.description
    if reg.customer_metadata_properties is not None:
        request["CustomerMetadataProperties"] = dict(reg.customer_metadata_properties)
    for key, value in (("Domain", reg.domain), ("SamplePayloadUrl", reg.sample_payload_url), ("Task", reg.task)):
        if value is not None:
            request[key] = value
    spec: dict[str, Any] = {"Containers": [container]}
    for key, values in (
        ("SupportedContentTypes", reg.content_types),
        ("SupportedResponseMIMETypes", reg.response_types),
        ("SupportedRealtimeInferenceInstanceTypes", reg.inference_instances),
        ("SupportedTransformInstanceTypes", reg.transform_instances),
    ):
        if values is not None:
            spec[key] = list(values)
    request["InferenceSpecification"] = spec
    request["CertifyForMarketplace"] = reg.marketplace_cert
    request["ModelApprovalStatus"] = reg.approval_status
    request["SkipModelValidation"] = reg.skip_model_validation
    # estimator.register() attaches an empty draft model card once the estimator has model data
    request["ModelCard"] = {"ModelCardStatus": "Draft", "ModelCardContent": "{}"}
    return request
