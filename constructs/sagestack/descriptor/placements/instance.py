"""One real-time variant on instances: ``model.deploy(initial_instance_count=..., instance_type=...)``,
the placement of a ``deploy`` section that chooses no other (the last capacity placement).

The variant is ``AllTraffic`` with weight 1 and the model's name (``sagemaker.session.production_variant``);
``routing_config`` applies to it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..rules import Context, Finding, rule
from . import VARIANT_NAME, ModelName, Placement, capacity_of, variant_settings

__all__ = ["PLACEMENT", "Instance"]


class Instance(Placement):
    name = "instances"
    order = 90
    fields = ()  # instance_type and initial_instance_count are every instance-backed placement's

    def applies(self, dep: Any) -> bool:
        return True

    def sized(self, dep: Any) -> list[tuple[tuple[str | int, ...], Any]]:
        return [(("deploy",), dep)]

    def production_variants(self, dep: Any, model_name: ModelName) -> list[dict[str, Any]]:
        variant: dict[str, Any] = {"VariantName": VARIANT_NAME, "ModelName": model_name(None), "InitialVariantWeight": 1}
        if dep.accelerator_type:
            variant["AcceleratorType"] = dep.accelerator_type
        variant["InitialInstanceCount"] = dep.initial_instance_count
        variant["InstanceType"] = dep.instance_type
        variant.update(variant_settings(dep))
        if dep.routing_config is not None:
            variant["RoutingConfig"] = {"RoutingStrategy": dep.routing_config.RoutingStrategy}
        return [variant]

    def preview(self, deploy: dict[str, Any], scaling: dict[str, Any] | None, preview_id: str) -> None:
        return None


PLACEMENT = Instance()


@rule("deploy")
def instance_fits(d: Any, ctx: Context) -> Iterator[Finding]:
    """An instance-backed endpoint names its instances."""
    dep = d.deploy
    if capacity_of(dep) is not PLACEMENT:
        return
    for name in ("instance_type", "initial_instance_count"):
        if getattr(dep, name) is None:
            yield Finding(("deploy", name), "required for an instance-backed endpoint (or give serverless_inference_config or variants)", "a value", "nothing")
