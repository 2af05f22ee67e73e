"""Shadow tests: a shadow variant (``ShadowProductionVariants``) gets a copy of the production
variant's requests; its answers are logged, not returned.

Two forms. A ``model:`` descriptor names the one production variant in ``deploy.variants`` and
gives the shadow a model of its own (its ``model_data``). A training pipeline's production variant
is the single-variant fields (``AllTraffic``) and the shadow serves each run's newly trained
model: the rendered config holds the run's model in both, and the pipeline's endpoint step puts
the live model in production at run time (:mod:`sagestack.pipeline.steps.endpoint`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..rules import Context, Finding, rule
from . import VARIANT_NAME, ModelName, Placement, placements_of
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
        return [dep.shadow_variant] if dep.variants is not None else []  # a pipeline's shadow serves the run's model

    def _model(self, dep: Any) -> str | None:
        return dep.shadow_variant.variant_name if dep.variants is not None else None

    def summary(self, dep: Any) -> str:
        v = dep.shadow_variant
        return f"shadow {v.variant_name} {v.initial_instance_count} x {v.instance_type}"

    def beside_variants(self, dep: Any, model_name: ModelName) -> dict[str, Any]:
        return {"ShadowProductionVariants": [variant_request(dep.shadow_variant, lambda _v: model_name(self._model(dep)))]}  # a copy of the production variant's traffic


PLACEMENT = Shadow()


def in_pipeline(d: Any, ctx: Context) -> bool:
    """The descriptor trains: its shadow serves each run's model."""
    return getattr(d, "estimator", None) is not None or "estimator" in ctx.present


@rule("deploy")
def shadow_variant_fits(d: Any, ctx: Context) -> Iterator[Finding]:
    """CreateEndpointConfig: with ShadowProductionVariants, exactly one production variant and one
    shadow. A model: descriptor gives each its own model (deploy.variants with one entry, the
    shadow's model_data); a training pipeline's production variant is the single-variant fields and
    its shadow serves the run's model."""
    dep = d.deploy
    shadow = dep.shadow_variant
    if shadow is None:
        return
    at = ("deploy", "shadow_variant")
    if in_pipeline(d, ctx):
        yield from _pipeline_shadow(d, at)
    elif getattr(d, "model", None) is None and "model" not in ctx.present:
        yield Finding(at, "a shadow variant serves other model data beside the production one: use a model: section (or an estimator, whose runs' models it serves)", "model + deploy.variants + deploy.shadow_variant", "neither")
    elif dep.variants is None or len(dep.variants) != 1:
        yield Finding(at, "a shadow test has exactly one production variant (deploy.variants with one entry) and one shadow variant (CreateEndpointConfig)", "deploy.variants: [one variant]", f"{len(dep.variants or ())} variants")
    elif dep.variants[0].variant_name == shadow.variant_name:
        yield Finding(at + ("variant_name",), "the shadow variant needs a name of its own", f"not {shadow.variant_name}", shadow.variant_name)
    if any(not (p.instance_backed and p.real_time) for p in placements_of(dep)):
        yield Finding(at, "shadow tests copy real-time traffic between instance-backed variants", "no serverless_inference_config or async_inference_config", "a shadow variant")


def _pipeline_shadow(d: Any, at: tuple[str, ...]) -> Iterator[Finding]:
    dep = d.deploy
    shadow = dep.shadow_variant
    if shadow.model_data is not None:
        yield Finding(at + ("model_data",), "a training pipeline's shadow serves each run's newly trained model (the production variant keeps the live one)", "no model_data", shadow.model_data)
    if shadow.variant_name == VARIANT_NAME:
        yield Finding(at + ("variant_name",), f"the production variant of a pipeline's endpoint is {VARIANT_NAME}: the shadow variant needs a name of its own", f"not {VARIANT_NAME}", shadow.variant_name)
    for index, check in enumerate(dep.condition or ()):
        if check.better_than_live:
            yield Finding(
                ("deploy", "condition", index, "better_than_live"),
                "with a shadow variant the run's model is compared with the live one on live traffic, and a promotion run decides; the gate cannot find the live model's values through the endpoint's config",
                "absolute bounds only, or no shadow_variant", "better_than_live: true",
            )
