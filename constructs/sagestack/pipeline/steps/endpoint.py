"""The endpoint: a new config per run → create the endpoint, or update it (deleting a Failed
one first, waiting out a busy one) → wait for InService with this run's config, bounded by
``deploy.wait_timeout_seconds``.

An endpoint of inference components holds no model: its config is named after its content, so a
later run with the same endpoint settings finds the endpoint on it and leaves it as it is (the
model changes in the inference component, :mod:`.inference_component`); changed settings
(instances, managed instance scaling, routing) make a new config, and the endpoint is updated.

With a shadow variant the run looks first and configures after: an endpoint that does not exist
yet gets a config with the run's model in production and no shadow (nothing to compare with); an
InService one keeps its live model in production (read from its current config) and gets the
run's model as the shadow, which replaces any earlier shadow. A promotion run
(:mod:`.shadow_promotion`) joins this fragment at the update."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ...descriptor import ModelDescriptor
from ...descriptor.placements.shadow import PLACEMENT as SHADOW_PLACEMENT
from ...render.context import ph, substitute
from ...render.hosting import create_endpoint, create_endpoint_config
from ...render.inference_component import creates_endpoint
from .autoscaling import DEREGISTER, deregister_before_update, variant_autoscaled
from .base import NEXT, POLL_SECONDS, SAGEMAKER_TRANSIENT, SDK_TRANSIENT, Allow, Builder, Fragment, GrantContext, PipelineResources, StepContext, _Dynamic, _retry, allow, endpoint_wait, to_parameters

UPDATE_STATE = "Update endpoint"
SHADOW = "ShadowProductionVariants"
#: Where a run with a shadow variant keeps the live production model (DescribeEndpointConfig).
LIVE_MODEL = "$.live_model"


def has_shadow(d: ModelDescriptor) -> bool:
    """The pipeline's endpoint has a shadow variant: each run's model is the shadow's."""
    return d.deploy is not None and SHADOW_PLACEMENT.applies(d.deploy)


def shadow_configs(d: ModelDescriptor, config_request: dict[str, Any], production_model: str | None) -> dict[str, Any]:
    """A config of a pipeline with a shadow variant, from the rendered one (the run's model in both
    variants): with ``production_model`` (a JSONPath), that model in production and the run's in
    the shadow; without, the run's model in production and no shadow."""
    assert has_shadow(d) and SHADOW in config_request
    out = {**config_request, "ProductionVariants": [dict(v) for v in config_request["ProductionVariants"]]}
    if production_model is None:
        del out[SHADOW]
    else:
        out["ProductionVariants"][0]["ModelName"] = _Dynamic(production_model)
    return out


def component_config_name(s: StepContext) -> str | None:
    """The content-derived config name of an endpoint of inference components,
    ``<prefix>-<12 hex>`` (the run names' shape, which IAM and teardown match), or None for an
    endpoint whose config names the run's model."""
    d = s.d
    if d.deploy is None or not d.deploy.inference_component_based():
        return None
    config = {k: v for k, v in create_endpoint_config(d, s.ctx).items() if k != "EndpointConfigName"}
    digest = hashlib.sha256(json.dumps([s.resources.endpoint_name, config], sort_keys=True).encode()).hexdigest()
    return f"{s.prefix}-{digest[:12]}"


def endpoint_config_summary(s: StepContext) -> dict[str, str]:
    """The execution output's endpoint config: the run's, or the content-named one."""
    name = component_config_name(s)
    return {"endpoint_config_name.$": "$.run.name"} if name is None else {"endpoint_config_name": name}


def find(
    b: Builder, state: str, *, comment: str, action: str, parameters: dict[str, Any], found: dict[str, Any], missing: str, not_found: str, create: str, error: str,
) -> None:
    """A lookup: ``state`` describes what may not exist yet (``found``: its Next, ResultSelector
    and ResultPath), and its catch goes to the Choice ``missing``, which goes on to ``create`` when
    SageMaker's answer says ``not_found``, else fails the run with ``error``."""
    b.add(state, {
        "Type": "Task",
        "Comment": comment,
        "Resource": f"arn:aws:states:::aws-sdk:sagemaker:{action}",
        "Parameters": parameters,
        **{k: v for k, v in found.items() if k != "Next"},
        "Retry": _retry(["SageMaker.ThrottlingException", "ThrottlingException"]),
        "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.lookup", "Next": missing}],
        "Next": found["Next"],
    })
    b.add(missing, {
        "Type": "Choice",
        "Choices": [{"Variable": "$.lookup.Cause", "StringMatches": f"*{not_found}*", "Next": create}],
        "Default": b.failure(state, error, cause_path="$.lookup.Cause"),
    })


def _count_and_bound(b: Builder, *, counter: str, count_state: str, bound_state: str, then: str, polls: int, comment: str, failure: str) -> None:
    """A bounded wait loop's bookkeeping: add one to ``$.waits.<counter>``, then fail once it
    reaches ``polls``, else go on to ``then`` (a Wait state that loops back)."""
    others = {name: f"$.waits.{name}" for name in ("busy", "ready") if name != counter}
    b.add(count_state, {
        "Type": "Pass",
        "Comment": comment,
        "Parameters": {f"{counter}.$": f"States.MathAdd($.waits.{counter}, 1)", **{f"{k}.$": v for k, v in others.items()}},
        "ResultPath": "$.waits",
        "Next": bound_state,
    })
    b.add(bound_state, {
        "Type": "Choice",
        "Choices": [{"Variable": f"$.waits.{counter}", "NumericGreaterThanEquals": polls, "Next": failure}],
        "Default": then,
    })


class Endpoint(Fragment):
    name = "endpoint"

    def applies(self, d: ModelDescriptor, resources: PipelineResources) -> bool:
        return d.deploy is not None and creates_endpoint(d)  # not when a component joins another's endpoint

    def states(self, b: Builder, s: StepContext) -> str | None:
        d, runtime, static = s.d, s.runtime, s.static
        dep = d.deploy
        assert dep is not None and s.resources.endpoint_name is not None
        name = s.resources.endpoint_name
        scaled = variant_autoscaled(d)
        _timeout, polls = endpoint_wait(d)
        waited = f"{polls * POLL_SECONDS} s"
        content_named = component_config_name(s)
        named = {"EndpointName": name, **({"EndpointConfigName": content_named} if content_named else {})}
        config_request = substitute(create_endpoint_config(d, s.ctx), named)
        if content_named is not None:
            self._find_config(b, content_named)
            if s.resources.model_role_arn is not None:  # the config names the model's role (the variant names no model)
                config_request["ExecutionRoleArn"] = s.resources.model_role_arn

        shadow = has_shadow(d)
        then_update = DEREGISTER if scaled else UPDATE_STATE
        b.add("Create endpoint config", {
            "Type": "Task",
            "Comment": "A new config per run (configs are immutable), named after the run." if content_named is None and not shadow
            else "The endpoint's first config, named after the run: its model in production, no shadow (nothing to compare with yet)." if shadow
            else "The endpoint's settings (no model), named after their content.",
            "Resource": "arn:aws:states:::sagemaker:createEndpointConfig",
            "Parameters": to_parameters(shadow_configs(d, config_request, None) if shadow else config_request, runtime, static),
            "ResultPath": None,
            "Retry": _retry(SAGEMAKER_TRANSIENT),
            "Catch": b.catch("Create endpoint config", "EndpointConfigFailed"),
            "Next": "Create endpoint" if shadow else "Find endpoint",
        })
        if shadow:
            self._shadow_config(b, s, config_request, then=then_update)
        find(
            b, "Find endpoint", comment="Does the endpoint exist? DescribeEndpoint answers 'Could not find endpoint' when it does not.",
            action="describeEndpoint", parameters={"EndpointName": name},
            found={
                "ResultSelector": {"EndpointStatus.$": "$.EndpointStatus", **({"EndpointConfigName.$": "$.EndpointConfigName"} if content_named or shadow else {})},
                "ResultPath": "$.endpoint", "Next": "Endpoint exists",
            },
            missing="Endpoint missing?", not_found="Could not find endpoint", create="Create endpoint config" if shadow else "Create endpoint", error="EndpointLookupFailed",
        )
        in_service = {"Variable": "$.endpoint.EndpointStatus", "StringEquals": "InService"}
        unchanged = [{"And": [in_service, {"Variable": "$.endpoint.EndpointConfigName", "StringEquals": content_named}], "Next": NEXT}] if content_named else []
        b.add("Endpoint exists", {
            "Type": "Choice",
            "Comment": "InService: update it. Failed: delete it and create it again. Busy (creating, updating, deleting): wait."
            + (" InService on these settings already: leave it as it is." if content_named else "")
            + (" InService: first read its live model, which stays in production." if shadow else ""),
            "Choices": [
                *unchanged,
                {"Variable": "$.endpoint.EndpointStatus", "StringEquals": "InService", "Next": "Read live config" if shadow else then_update},
                {"Variable": "$.endpoint.EndpointStatus", "StringEquals": "Failed", "Next": "Delete failed endpoint"},
            ],
            "Default": "Count busy wait",
        })
        b.add("Delete failed endpoint", {
            "Type": "Task",
            "Comment": "A Failed endpoint cannot be updated and serves nothing: it is deleted and created again.",
            "Resource": "arn:aws:states:::aws-sdk:sagemaker:deleteEndpoint",
            "Parameters": {"EndpointName": name},
            "ResultPath": None,
            "Retry": _retry(SDK_TRANSIENT),
            "Catch": b.catch("Delete failed endpoint", "EndpointDeleteFailed"),
            "Next": "Count busy wait",
        })
        _count_and_bound(
            b, counter="busy", count_state="Count busy wait", bound_state="Busy too long?", then="Wait for endpoint to settle", polls=polls,
            comment="Counts the waits for a busy endpoint, so one that stays busy ends the run.",
            failure=b.failure(
                "Wait for endpoint to settle", "EndpointBusy",
                cause=f"States.Format('endpoint {name} stayed {{}} for {waited}: another run or an update holds it', $.endpoint.EndpointStatus)",
            ),
        )
        b.add("Wait for endpoint to settle", {"Type": "Wait", "Seconds": POLL_SECONDS, "Next": "Find endpoint"})

        create = substitute(create_endpoint(d, s.ctx), named)
        create["EndpointName"] = name
        b.add("Create endpoint", {
            "Type": "Task",
            "Resource": "arn:aws:states:::sagemaker:createEndpoint",
            "Parameters": to_parameters(create, runtime, static),
            "ResultPath": None,
            "Retry": _retry(SAGEMAKER_TRANSIENT),
            "Catch": b.catch("Create endpoint", "EndpointFailed"),
            "Next": "Wait for endpoint",
        })
        if scaled:
            deregister_before_update(b, name, then=UPDATE_STATE)
        update: dict[str, Any] = {"EndpointName": name, "EndpointConfigName": content_named or ph("EndpointConfigName")}
        if scaled:
            # Keep the instance count the scaler set instead of resetting it to initial_instance_count.
            update["RetainAllVariantProperties"] = True
            update["ExcludeRetainedVariantProperties"] = [{"VariantPropertyType": "DesiredWeight"}, {"VariantPropertyType": "DataCaptureConfig"}]
        if "DeploymentConfig" in create:
            update["DeploymentConfig"] = create["DeploymentConfig"]
        b.add(UPDATE_STATE, {
            "Type": "Task",
            "Comment": "Points the stable endpoint at this run's config; SageMaker shifts traffic and rolls back on failure.",
            "Resource": "arn:aws:states:::sagemaker:updateEndpoint",
            "Parameters": to_parameters(update, runtime, static),
            "ResultPath": None,
            "Retry": _retry(SAGEMAKER_TRANSIENT),
            "Catch": b.catch(UPDATE_STATE, "EndpointUpdateFailed"),
            "Next": "Wait for endpoint",
        })
        b.add("Wait for endpoint", {"Type": "Wait", "Seconds": POLL_SECONDS, "Next": "Check endpoint"})
        b.add("Check endpoint", {
            "Type": "Task",
            "Comment": "The whole answer is kept: FailureReason is present only when something failed.",
            "Resource": "arn:aws:states:::aws-sdk:sagemaker:describeEndpoint",
            "Parameters": {"EndpointName": name},
            "ResultPath": "$.endpoint",
            "Retry": _retry(SDK_TRANSIENT),
            "Catch": b.catch("Check endpoint", "EndpointCheckFailed"),
            "Next": "Endpoint ready?",
        })
        has_reason = {"Variable": "$.endpoint.FailureReason", "IsPresent": True}
        this_config = {"Variable": "$.endpoint.EndpointConfigName", **({"StringEquals": content_named} if content_named else {"StringEqualsPath": "$.run.name"})}
        wanted = ("{}", "$.run.name") if content_named is None else (content_named, None)
        b.add("Endpoint ready?", {
            "Type": "Choice",
            "Comment": "InService with this run's config: done. InService with another config: the update rolled back (or another update won).",
            "Choices": [
                {"And": [in_service, this_config], "Next": NEXT},
                {"And": [in_service, has_reason], "Next": b.failure(
                    "Endpoint rollout", "EndpointUpdateRolledBack",
                    cause=f"States.Format('endpoint {name} rolled back to config {{}}: {{}}', $.endpoint.EndpointConfigName, $.endpoint.FailureReason)",
                )},
                {"And": [in_service, {"Not": has_reason}], "Next": b.failure(
                    "Endpoint takeover", "EndpointTakenOver",
                    cause=f"States.Format('endpoint {name} serves config {{}}, not {wanted[0]}: another update replaced it', " + ", ".join(p for p in ("$.endpoint.EndpointConfigName", wanted[1]) if p) + ")",
                )},
                {"And": [{"Variable": "$.endpoint.EndpointStatus", "StringEquals": "Failed"}, has_reason], "Next": b.failure("Endpoint", "EndpointFailed", cause_path="$.endpoint.FailureReason")},
                {"Variable": "$.endpoint.EndpointStatus", "StringEquals": "Failed", "Next": b.failure("Endpoint without reason", "EndpointFailed", cause_text=f"endpoint {name} is Failed; SageMaker gave no reason")},
            ],
            "Default": "Count wait",
        })
        _count_and_bound(
            b, counter="ready", count_state="Count wait", bound_state="Waited too long?", then="Wait for endpoint", polls=polls,
            comment="Counts the polls for InService, so the wait ends at deploy.wait_timeout_seconds.",
            failure=b.failure(
                "Wait for endpoint", "EndpointTimeout",
                cause=f"States.Format('endpoint {name} was still {{}} after {waited} (deploy.wait_timeout_seconds); it keeps going: see it in the SageMaker console', $.endpoint.EndpointStatus)",
            ),
        )
        return "Find endpoint" if shadow else "Create endpoint config" if content_named is None else "Find endpoint config"

    @staticmethod
    def _shadow_config(b: Builder, s: StepContext, config_request: dict[str, Any], *, then: str) -> None:
        """Read live config → Create shadow config: the live production model stays, the run's
        model becomes the shadow (an earlier shadow is not carried over)."""
        b.add("Read live config", {
            "Type": "Task",
            "Comment": "The endpoint's current config names the live model: its production variant's.",
            "Resource": "arn:aws:states:::aws-sdk:sagemaker:describeEndpointConfig",
            "Parameters": {"EndpointConfigName.$": "$.endpoint.EndpointConfigName"},
            "ResultSelector": {"ModelName.$": "$.ProductionVariants[0].ModelName"},
            "ResultPath": LIVE_MODEL,
            "Retry": _retry(SDK_TRANSIENT),
            "Catch": b.catch("Read live config", "LiveConfigUnreadable"),
            "Next": "Create shadow config",
        })
        b.add("Create shadow config", {
            "Type": "Task",
            "Comment": "This run's config: the live model in production, this run's model in the shadow variant (a copy of the production requests).",
            "Resource": "arn:aws:states:::sagemaker:createEndpointConfig",
            "Parameters": to_parameters(shadow_configs(s.d, config_request, f"{LIVE_MODEL}.ModelName"), s.runtime, s.static),
            "ResultPath": None,
            "Retry": _retry(SAGEMAKER_TRANSIENT),
            "Catch": b.catch("Create shadow config", "EndpointConfigFailed"),
            "Next": then,
        })

    @staticmethod
    def _find_config(b: Builder, config_name: str) -> None:
        """Whether the content-named config exists already (an earlier run with these settings)."""
        find(
            b, "Find endpoint config", comment="Created by an earlier run with the same endpoint settings? DescribeEndpointConfig answers 'Could not find endpoint configuration' when not.",
            action="describeEndpointConfig", parameters={"EndpointConfigName": config_name}, found={"ResultPath": None, "Next": "Find endpoint"},
            missing="Endpoint config missing?", not_found="Could not find endpoint configuration", create="Create endpoint config", error="EndpointConfigLookupFailed",
        )

    def grants(self, d: ModelDescriptor, g: GrantContext) -> list[Allow]:
        assert g.endpoint_name is not None  # set whenever the descriptor deploys
        endpoint = g.arn("sagemaker", f"endpoint/{g.endpoint_name.lower()}")
        configs = g.arn("sagemaker", f"endpoint-config/{g.runs}")
        # the content-named config (is it there?), or the live config (its models) with a shadow variant
        content_named = [allow(["sagemaker:DescribeEndpointConfig"], [configs])] if d.deploy is not None and (d.deploy.inference_component_based() or has_shadow(d)) else []
        return [
            allow(["sagemaker:CreateEndpointConfig", "sagemaker:AddTags"], [configs]),
            allow(["sagemaker:CreateEndpoint", "sagemaker:UpdateEndpoint", "sagemaker:DescribeEndpoint", "sagemaker:DeleteEndpoint", "sagemaker:AddTags"], [endpoint, configs]),
            *content_named,
        ]
