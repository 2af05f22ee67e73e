"""Promote shadow? → Find live endpoint → Read config to promote → Shadow to promote? → Create
promoted config → the endpoint's update: a run started with ``{"promote_shadow": true}`` (a
run-input key of pipelines whose endpoint has a shadow variant, checked with the others) trains
nothing and passes no gate. It reads the endpoint's current config and makes this run's config
(named after the run, as a training run's) with the shadow's model in production, on the deploy
section's production settings, and no shadow; then the endpoint fragment updates the endpoint
(deregistering and registering the production variant's autoscaling around it) and waits.

An endpoint that is missing, or whose config has no shadow, fails the run with
``NoShadowToPromote``; one that is not InService (another run updates it) with ``EndpointBusy``."""

from __future__ import annotations

from ...descriptor import ModelDescriptor
from ...render.context import substitute
from ...render.hosting import create_endpoint_config
from .autoscaling import DEREGISTER, variant_autoscaled
from .base import NEXT, SAGEMAKER_TRANSIENT, SDK_TRANSIENT, Allow, Builder, Fragment, GrantContext, PipelineResources, StepContext, _retry, allow, to_parameters
from .endpoint import UPDATE_STATE, find, has_shadow, shadow_configs

PROMOTE_INPUT = "promote_shadow"
PROMOTE_STATE = "Promote shadow?"
#: The endpoint's config when the promotion run read it (DescribeEndpointConfig's whole answer:
#: ShadowProductionVariants is absent when there is no shadow).
LIVE_CONFIG = "$.live_config"
SHADOW_MODEL = f"{LIVE_CONFIG}.ShadowProductionVariants[0].ModelName"


def promoting(then: str) -> dict[str, object]:
    """The Choice rule of a run started with ``{"promote_shadow": true}`` (the key may be absent), going to ``then``."""
    promote = f"$.input.{PROMOTE_INPUT}"
    return {"And": [{"Variable": promote, "IsPresent": True}, {"Variable": promote, "BooleanEquals": True}], "Next": then}


def promotes(d: ModelDescriptor) -> bool:
    return d.estimator is not None and has_shadow(d)


class ShadowPromotion(Fragment):
    name = "shadow promotion"

    def applies(self, d: ModelDescriptor, resources: PipelineResources) -> bool:
        return promotes(d)

    def states(self, b: Builder, s: StepContext) -> str | None:
        d = s.d
        name = s.resources.endpoint_name
        assert name is not None
        b.add(PROMOTE_STATE, {
            "Type": "Choice",
            "Comment": f"Started with {{\"{PROMOTE_INPUT}\": true}}: the shadow's model goes to production, nothing is trained; else train.",
            "Choices": [promoting("Find live endpoint")],
            "Default": NEXT,
        })
        nothing = b.failure("Shadow", "NoShadowToPromote", cause=f"States.Format('endpoint {name} serves config {{}}, which has no shadow variant: nothing to promote', $.endpoint.EndpointConfigName)")
        no_endpoint = b.failure("Live endpoint", "NoShadowToPromote", cause_text=f"endpoint {name} does not exist: nothing to promote (a first run creates it)")
        find(
            b, "Find live endpoint", comment="The endpoint whose shadow is promoted, and its current config.",
            action="describeEndpoint", parameters={"EndpointName": name},
            found={"ResultSelector": {"EndpointStatus.$": "$.EndpointStatus", "EndpointConfigName.$": "$.EndpointConfigName"}, "ResultPath": "$.endpoint", "Next": "Live endpoint in service?"},
            missing="Live endpoint missing?", not_found="Could not find endpoint", create=no_endpoint, error="EndpointLookupFailed",
        )
        b.add("Live endpoint in service?", {
            "Type": "Choice",
            "Comment": "An endpoint being created or updated (another run) is not promoted: start the promotion again once it is InService.",
            "Choices": [{"Variable": "$.endpoint.EndpointStatus", "StringEquals": "InService", "Next": "Read config to promote"}],
            "Default": b.failure("Promotion", "EndpointBusy", cause=f"States.Format('endpoint {name} is {{}}: promote its shadow once it is InService', $.endpoint.EndpointStatus)"),
        })
        b.add("Read config to promote", {
            "Type": "Task",
            "Resource": "arn:aws:states:::aws-sdk:sagemaker:describeEndpointConfig",
            "Parameters": {"EndpointConfigName.$": "$.endpoint.EndpointConfigName"},
            "ResultPath": LIVE_CONFIG,
            "Retry": _retry(SDK_TRANSIENT),
            "Catch": b.catch("Read config to promote", "LiveConfigUnreadable"),
            "Next": "Shadow to promote?",
        })
        b.add("Shadow to promote?", {
            "Type": "Choice",
            "Choices": [{"Variable": SHADOW_MODEL, "IsPresent": True, "Next": "Create promoted config"}],
            "Default": nothing,
        })
        named = {"EndpointName": name}
        config = shadow_configs(d, substitute(create_endpoint_config(d, s.ctx), named), SHADOW_MODEL)
        del config["ShadowProductionVariants"]
        b.add("Create promoted config", {
            "Type": "Task",
            "Comment": "This run's config: the shadow's model in production (the deploy section's instance settings), no shadow.",
            "Resource": "arn:aws:states:::sagemaker:createEndpointConfig",
            "Parameters": to_parameters(config, s.runtime, s.static),
            "ResultPath": None,
            "Retry": _retry(SAGEMAKER_TRANSIENT),
            "Catch": b.catch("Create promoted config", "EndpointConfigFailed"),
            "Next": DEREGISTER if variant_autoscaled(d) else UPDATE_STATE,  # the endpoint fragment's update and wait
        })
        return PROMOTE_STATE

    def grants(self, d: ModelDescriptor, g: GrantContext) -> list[Allow]:
        # the endpoint fragment grants describing the endpoint, creating configs and updating it
        return [allow(["sagemaker:DescribeEndpointConfig"], [g.arn("sagemaker", f"endpoint-config/{g.runs}")])]
