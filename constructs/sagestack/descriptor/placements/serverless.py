"""Serverless endpoints: ``model.deploy(serverless_inference_config=ServerlessInferenceConfig(...))``.

No instances: the variant carries ``ServerlessConfig`` (memory, concurrency, provisioned
concurrency) instead of an instance type and count, and nothing of it is sized by environments or
previews."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from ..base import Api, SdkModel, sdk_field
from ..rules import Context, Finding, rule
from . import VARIANT_NAME, ModelName, Placement, variant_settings

__all__ = ["PLACEMENT", "Serverless", "ServerlessInferenceConfig"]

CEC = "CreateEndpointConfig"
PV = "ProductionVariants[]"


class ServerlessInferenceConfig(SdkModel):
    """``sagemaker.serverless.ServerlessInferenceConfig`` (SDK v2)."""

    memory_size_in_mb: Annotated[int, Api(CEC, f"{PV}.ServerlessConfig.MemorySizeInMB")] = sdk_field(
        2048, doc="Memory, 1024-6144 MB in 1024 MB steps.", lands_in="CreateEndpointConfig.ProductionVariants[].ServerlessConfig.MemorySizeInMB"
    )
    max_concurrency: Annotated[int, Api(CEC, f"{PV}.ServerlessConfig.MaxConcurrency")] = sdk_field(
        5, doc="Concurrent invocations.", lands_in="CreateEndpointConfig.ProductionVariants[].ServerlessConfig.MaxConcurrency"
    )
    provisioned_concurrency: Annotated[int, Api(CEC, f"{PV}.ServerlessConfig.ProvisionedConcurrency")] | None = sdk_field(
        None, doc="Warm capacity (at most max_concurrency).", lands_in="CreateEndpointConfig.ProductionVariants[].ServerlessConfig.ProvisionedConcurrency"
    )


class Serverless(Placement):
    name = "serverless"
    order = 10
    fields = ("serverless_inference_config",)
    instance_backed = False

    def applies(self, dep: Any) -> bool:
        return dep.serverless_inference_config is not None

    def production_variants(self, dep: Any, model_name: ModelName) -> list[dict[str, Any]]:
        sc = dep.serverless_inference_config
        serverless: dict[str, Any] = {"MemorySizeInMB": sc.memory_size_in_mb, "MaxConcurrency": sc.max_concurrency}
        if sc.provisioned_concurrency is not None:
            serverless["ProvisionedConcurrency"] = sc.provisioned_concurrency
        variant: dict[str, Any] = {"VariantName": VARIANT_NAME, "ModelName": model_name(None), "InitialVariantWeight": 1, "ServerlessConfig": serverless}
        variant.update(variant_settings(dep))
        return [variant]

    def summary(self, dep: Any) -> str:
        return f"serverless {dep.serverless_inference_config.memory_size_in_mb} MB"


PLACEMENT = Serverless()


@rule("deploy")
def serverless_fits(d: Any, ctx: Context) -> Iterator[Finding]:
    """Serverless, not instances; memory in 1 GB steps; provisioned within max concurrency; no
    volume, instance timeouts or routing (the SDK leaves them out of the serverless variant)."""
    dep = d.deploy
    if not PLACEMENT.applies(dep):
        return
    for name in ("instance_type", "initial_instance_count", "accelerator_type", "autoscaling", "variants"):
        if getattr(dep, name) is not None:
            yield Finding(("deploy", name), "serverless endpoints have no instances; remove it or serverless_inference_config", "serverless_inference_config or instances", name)
    sc = dep.serverless_inference_config
    if sc.memory_size_in_mb % 1024:
        yield Finding(("deploy", "serverless_inference_config", "memory_size_in_mb"), "memory comes in 1024 MB steps", "1024, 2048, 3072, 4096, 5120, 6144", sc.memory_size_in_mb)
    if sc.provisioned_concurrency is not None and sc.provisioned_concurrency > sc.max_concurrency:
        yield Finding(("deploy", "serverless_inference_config", "provisioned_concurrency"), "provisioned concurrency above max_concurrency", f"<= {sc.max_concurrency}", sc.provisioned_concurrency)
    for name in ("volume_size", "model_data_download_timeout", "container_startup_health_check_timeout"):
        if getattr(dep, name) is not None:
            yield Finding(("deploy", name), "serverless endpoints take no volume or instance timeouts (the SDK leaves them out of the serverless variant)", "remove it, or deploy to instances", name)
    if dep.routing_config is not None:
        yield Finding(("deploy", "routing_config"), "serverless endpoints route requests themselves (the SDK drops routing_config)", "no routing_config", "serverless_inference_config")
