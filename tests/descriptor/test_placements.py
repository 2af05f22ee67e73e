"""The placement registry: which placement a deploy section has, what each sizes and which
variants get a model of their own, as validation, environments, previews and rendering read them."""

from __future__ import annotations

from typing import Any

import pytest

from sagestack.descriptor.deploy import Deploy
from sagestack.descriptor.placements import VARIANT_NAME, capacity_of, model_variants, placements_of, sized_sections

AB = [{"variant_name": "a", "instance_type": "ml.m5.large"}, {"variant_name": "b", "instance_type": "ml.c5.large"}]
SHADOW = {"variant_name": "candidate", "instance_type": "ml.m5.large"}
IC = {"endpoint_type": "inference-component-based", "instance_type": "ml.m5.xlarge", "initial_instance_count": 1, "resources": {"requests": {"memory": 1024}}}


@pytest.mark.parametrize(
    ("deploy", "names", "sized"),
    [
        ({"instance_type": "ml.m5.large", "initial_instance_count": 1}, ["instances"], [("deploy",)]),
        ({"serverless_inference_config": {}}, ["serverless"], []),
        ({"variants": AB}, ["A/B variants"], [("deploy", "variants", 0), ("deploy", "variants", 1)]),
        ({"variants": AB[:1], "shadow_variant": SHADOW}, ["A/B variants", "shadow variant"], [("deploy", "variants", 0), ("deploy", "shadow_variant")]),
        ({"instance_type": "ml.m5.large", "initial_instance_count": 1, "async_inference_config": {}}, ["instances", "asynchronous"], [("deploy",)]),
        (IC, ["inference components"], [("deploy",)]),
        # serverless comes first: with variants too, the section is serverless (and its rule says why not both)
        ({"serverless_inference_config": {}, "variants": AB}, ["serverless"], []),
    ],
)
def test_each_deploy_section_has_one_capacity_placement_and_its_traits(deploy: dict[str, Any], names: list[str], sized: list[tuple[Any, ...]]) -> None:
    dep = Deploy.model_validate(deploy)
    assert [p.name for p in placements_of(dep)] == names
    assert [path for path, _section in sized_sections(dep)] == sized


def test_variants_and_the_shadow_get_models_of_their_own_and_autoscaling_scales_the_production_variants() -> None:
    dep = Deploy.model_validate({"variants": AB[:1], "shadow_variant": SHADOW})
    assert [v.variant_name for v in model_variants(dep)] == ["a", "candidate"]
    assert capacity_of(dep).variant_names(dep) == ["a"]
    single = Deploy.model_validate({"instance_type": "ml.m5.large", "initial_instance_count": 1})
    assert model_variants(single) == [] and capacity_of(single).variant_names(single) == [VARIANT_NAME]


def test_a_component_joining_another_endpoint_is_sized_by_instance_type_only() -> None:
    joins = Deploy.model_validate({**IC, "initial_instance_count": None, "endpoint_name": "shared"})
    owns = Deploy.model_validate(IC)
    assert capacity_of(joins).sized_keys(joins) == ("instance_type",)
    assert capacity_of(owns).sized_keys(owns) == ("instance_type", "initial_instance_count")


def test_a_pipelines_shadow_serves_the_runs_model() -> None:
    """Beside the single-variant fields (a training pipeline's deploy), the shadow gets no model of
    its own: the rendered config names the run's model in both variants, and the pipeline puts the
    live model in production at run time."""
    from sagestack.descriptor import load_descriptor
    from sagestack.render import RenderContext, render_requests

    from ..conftest import CATALOG

    dep = Deploy.model_validate({"instance_type": "ml.m5.large", "initial_instance_count": 1, "shadow_variant": SHADOW})
    assert [p.name for p in placements_of(dep)] == ["instances", "shadow variant"]
    assert model_variants(dep) == [] and [path for path, _ in sized_sections(dep)] == [("deploy",), ("deploy", "shadow_variant")]
    d = load_descriptor(CATALOG / "xgboost-shadow.yaml").descriptor
    assert d is not None
    rendered = render_requests(d, RenderContext(region="us-east-1"))
    assert "CreateModel" in rendered and not any(k.startswith("CreateModel.") for k in rendered)
    config = rendered["CreateEndpointConfig"]
    assert [v["ModelName"] for v in config["ProductionVariants"] + config["ShadowProductionVariants"]] == ["{{ModelName}}", "{{ModelName}}"]
    assert [v["VariantName"] for v in config["ProductionVariants"] + config["ShadowProductionVariants"]] == [VARIANT_NAME, "candidate"]
