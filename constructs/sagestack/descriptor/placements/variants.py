"""A/B variants: several production variants (``sagemaker.session.production_variant(...)`` each,
then ``session.endpoint_from_production_variants``), each with a model of its own and a share of the
traffic; ``model:`` descriptors only (a training pipeline deploys one variant)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from ..base import Api, SdkModel, sdk_field
from ..rules import Context, Finding, rule
from ..types import PositiveInt, S3Uri
from . import ModelName, Placement, capacity_of, variant_settings

__all__ = ["PLACEMENT", "Variants", "ProductionVariant", "variant_request"]

CEC = "CreateEndpointConfig"
PV = "ProductionVariants[]"


class ProductionVariant(SdkModel):
    """One production variant, as ``sagemaker.session.production_variant(...)`` takes it (for A/B
    traffic); ``model_data`` (sagestack) serves another artifact in this variant."""

    variant_name: Annotated[str, Api(CEC, f"{PV}.VariantName")] = sdk_field(doc="Variant name (required).", lands_in="CreateEndpointConfig.ProductionVariants[].VariantName")
    initial_weight: Annotated[float, Api(CEC, f"{PV}.InitialVariantWeight")] = sdk_field(
        1, doc="Share of traffic, relative to the other variants' weights.", lands_in="CreateEndpointConfig.ProductionVariants[].InitialVariantWeight"
    )
    initial_instance_count: PositiveInt = sdk_field(1, doc="Instances of this variant.", lands_in="CreateEndpointConfig.ProductionVariants[].InitialInstanceCount")
    instance_type: Annotated[str, Api(CEC, f"{PV}.InstanceType")] = sdk_field(doc="Instance type (required).", lands_in="CreateEndpointConfig.ProductionVariants[].InstanceType")
    accelerator_type: Annotated[str, Api(CEC, f"{PV}.AcceleratorType")] | None = sdk_field(
        None, doc="Elastic Inference accelerator (end of life: validation warns).", lands_in="CreateEndpointConfig.ProductionVariants[].AcceleratorType"
    )
    volume_size: Annotated[int, Api(CEC, f"{PV}.VolumeSizeInGB")] | None = sdk_field(None, doc="Storage volume in GB.", lands_in="CreateEndpointConfig.ProductionVariants[].VolumeSizeInGB")
    model_data_download_timeout: Annotated[int, Api(CEC, f"{PV}.ModelDataDownloadTimeoutInSeconds")] | None = sdk_field(
        None, doc="Seconds allowed to download model data.", lands_in="CreateEndpointConfig.ProductionVariants[].ModelDataDownloadTimeoutInSeconds"
    )
    container_startup_health_check_timeout: Annotated[int, Api(CEC, f"{PV}.ContainerStartupHealthCheckTimeoutInSeconds")] | None = sdk_field(
        None, doc="Seconds allowed for the first health check.", lands_in="CreateEndpointConfig.ProductionVariants[].ContainerStartupHealthCheckTimeoutInSeconds"
    )
    model_data: S3Uri | None = sdk_field(
        None, doc="Serve this artifact in this variant (default: model.model_data); the variant gets its own model.", lands_in="CreateModel.PrimaryContainer.ModelDataUrl"
    )
def variant_request(v: Any, model_name: ModelName) -> dict[str, Any]:
    """A variant of ``deploy.variants`` (or the shadow variant), with a model of its own."""
    variant: dict[str, Any] = {"VariantName": v.variant_name, "ModelName": model_name(v.variant_name), "InitialVariantWeight": v.initial_weight}
    if v.accelerator_type:
        variant["AcceleratorType"] = v.accelerator_type
    variant["InitialInstanceCount"] = v.initial_instance_count
    variant["InstanceType"] = v.instance_type
    variant.update(variant_settings(v))
    return variant


class Variants(Placement):
    name = "A/B variants"
    order = 20
    fields = ("variants",)

    def applies(self, dep: Any) -> bool:
        return dep.variants is not None

    def sized(self, dep: Any) -> list[tuple[tuple[str | int, ...], Any]]:
        return [(("deploy", "variants", i), v) for i, v in enumerate(dep.variants)]

    def model_variants(self, dep: Any) -> list[Any]:
        return list(dep.variants)

    def variant_names(self, dep: Any) -> list[str]:
        return [v.variant_name for v in dep.variants]

    def summary(self, dep: Any) -> str:
        return ", ".join(f"{v.variant_name} {v.initial_instance_count} x {v.instance_type} (weight {v.initial_weight:g})" for v in dep.variants)

    def production_variants(self, dep: Any, model_name: ModelName) -> list[dict[str, Any]]:
        return [variant_request(v, model_name) for v in dep.variants]


PLACEMENT = Variants()


@rule("deploy")
def variants_fit(d: Any, ctx: Context) -> Iterator[Finding]:
    """Each variant carries its own instance settings and name; A/B serves existing model data;
    routing_config is the single variant's."""
    dep = d.deploy
    if not PLACEMENT.applies(dep):
        return
    if capacity_of(dep) is PLACEMENT:
        for name in ("instance_type", "initial_instance_count", "accelerator_type", "volume_size", "model_data_download_timeout", "container_startup_health_check_timeout"):
            if getattr(dep, name) is not None:
                yield Finding(("deploy", name), "with variants, each variant carries its own instance settings", "variants or the single-variant fields", name)
        seen: set[str] = set()
        for index, variant in enumerate(dep.variants):
            if variant.variant_name in seen:
                yield Finding(("deploy", "variants", index, "variant_name"), "variant names must be unique", "a new name", variant.variant_name)
            seen.add(variant.variant_name)
        if getattr(d, "model", None) is None and "model" not in ctx.present:
            yield Finding(("deploy", "variants"), "A/B variants serve existing model data: use a model: section (a training pipeline deploys one variant)", "model + deploy.variants", "estimator")
    if dep.routing_config is not None:
        yield Finding(("deploy", "routing_config"), "routing_config applies to the single variant of model.deploy", "no routing_config with variants", "variants")
