"""Shadow tests: a shadow variant (``ShadowProductionVariants``) gets a copy of the production
variant's requests; its answers are logged, not returned. It has a model of its own (from a
``model:`` section's model data) beside the one production variant of ``deploy.variants``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..rules import Context, Finding, rule
from . import ModelName, Placement, placements_of
from .variants import variant_request

__all__ = ["PLACEMENT", "Shadow"]


class Shadow(Placement):
    name = "shadow variant"
    order = 60
    capacity = False
    fields = ("shadow_variant",)

    def applies(self, dep: Any) -> bool:
        return dep.shadow_variant is not None

    def sized(self, dep: Any) -> list[tuple[tuple[str | int, ...], Any]]:
        return [(("deploy", "shadow_variant"), dep.shadow_variant)]

    def model_variants(self, dep: Any) -> list[Any]:
        return [dep.shadow_variant]

    def summary(self, dep: Any) -> str:
        v = dep.shadow_variant
        return f"shadow {v.variant_name} {v.initial_instance_count} x {v.instance_type}"

    def beside_variants(self, dep: Any, model_name: ModelName) -> dict[str, Any]:
        return {"ShadowProductionVariants": [variant_request(dep.shadow_variant, model_name)]}  # a copy of the production variant's traffic


PLACEMENT = Shadow()


@rule("deploy")
def shadow_variant_fits(d: Any, ctx: Context) -> Iterator[Finding]:
    """CreateEndpointConfig: with ShadowProductionVariants, exactly one production variant and one
    shadow; sagestack gives each its own model from a model: section's model data."""
    dep = d.deploy
    shadow = dep.shadow_variant
    if shadow is None:
        return
    at = ("deploy", "shadow_variant")
    if getattr(d, "model", None) is None and "model" not in ctx.present:
        yield Finding(at, "a shadow variant serves other model data beside the production one: use a model: section", "model + deploy.variants + deploy.shadow_variant", "estimator")
    if dep.variants is None or len(dep.variants) != 1:
        yield Finding(at, "a shadow test has exactly one production variant (deploy.variants with one entry) and one shadow variant (CreateEndpointConfig)", "deploy.variants: [one variant]", f"{len(dep.variants or ())} variants")
    elif dep.variants[0].variant_name == shadow.variant_name:
        yield Finding(at + ("variant_name",), "the shadow variant needs a name of its own", f"not {shadow.variant_name}", shadow.variant_name)
    if any(not (p.instance_backed and p.real_time) for p in placements_of(dep)):
        yield Finding(at, "shadow tests copy real-time traffic between instance-backed variants", "no serverless_inference_config or async_inference_config", "a shadow variant")
