"""The endpoint: a new config per run → create the endpoint, or update it (deleting a Failed
one first, waiting out a busy one) → wait for InService with this run's config, bounded by
``deploy.wait_timeout_seconds``."""

from __future__ import annotations

from typing import Any

from ...descriptor import ModelDescriptor
from ...render.context import ph, substitute
from ...render.hosting import create_endpoint, create_endpoint_config
from .autoscaling import DEREGISTER, autoscaled, deregister_before_update
from .base import NEXT, POLL_SECONDS, SAGEMAKER_TRANSIENT, SDK_TRANSIENT, Allow, Builder, Fragment, GrantContext, PipelineResources, StepContext, _retry, allow, endpoint_wait, to_parameters


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
        return d.deploy is not None

    def states(self, b: Builder, s: StepContext) -> str | None:
        d, runtime, static = s.d, s.runtime, s.static
        dep = d.deploy
        assert dep is not None and s.resources.endpoint_name is not None
        name = s.resources.endpoint_name
        scaled = autoscaled(d)
        _timeout, polls = endpoint_wait(d)
        waited = f"{polls * POLL_SECONDS} s"

        b.add("Create endpoint config", {
            "Type": "Task",
            "Comment": "A new config per run (configs are immutable), named after the run.",
            "Resource": "arn:aws:states:::sagemaker:createEndpointConfig",
            "Parameters": to_parameters(substitute(create_endpoint_config(d, s.ctx), {"EndpointName": name}), runtime, static),
            "ResultPath": None,
            "Retry": _retry(SAGEMAKER_TRANSIENT),
            "Catch": b.catch("Create endpoint config", "EndpointConfigFailed"),
            "Next": "Find endpoint",
        })
        b.add("Find endpoint", {
            "Type": "Task",
            "Comment": "Does the endpoint exist? DescribeEndpoint answers 'Could not find endpoint' when it does not.",
            "Resource": "arn:aws:states:::aws-sdk:sagemaker:describeEndpoint",
            "Parameters": {"EndpointName": name},
            "ResultSelector": {"EndpointStatus.$": "$.EndpointStatus"},
            "ResultPath": "$.endpoint",
            "Retry": _retry(["SageMaker.ThrottlingException", "ThrottlingException"]),
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.lookup", "Next": "Endpoint missing?"}],
            "Next": "Endpoint exists",
        })
        b.add("Endpoint missing?", {
            "Type": "Choice",
            "Choices": [{"Variable": "$.lookup.Cause", "StringMatches": "*Could not find endpoint*", "Next": "Create endpoint"}],
            "Default": b.failure("Find endpoint", "EndpointLookupFailed", cause_path="$.lookup.Cause"),
        })
        b.add("Endpoint exists", {
            "Type": "Choice",
            "Comment": "InService: update it. Failed: delete it and create it again. Busy (creating, updating, deleting): wait.",
            "Choices": [
                {"Variable": "$.endpoint.EndpointStatus", "StringEquals": "InService", "Next": DEREGISTER if scaled else "Update endpoint"},
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

        create = create_endpoint(d, s.ctx)
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
            deregister_before_update(b, name, then="Update endpoint")
        update: dict[str, Any] = {"EndpointName": name, "EndpointConfigName": ph("EndpointConfigName")}
        if scaled:
            # Keep the instance count the scaler set instead of resetting it to initial_instance_count.
            update["RetainAllVariantProperties"] = True
            update["ExcludeRetainedVariantProperties"] = [{"VariantPropertyType": "DesiredWeight"}, {"VariantPropertyType": "DataCaptureConfig"}]
        if "DeploymentConfig" in create:
            update["DeploymentConfig"] = create["DeploymentConfig"]
        b.add("Update endpoint", {
            "Type": "Task",
            "Comment": "Points the stable endpoint at this run's config; SageMaker shifts traffic and rolls back on failure.",
            "Resource": "arn:aws:states:::sagemaker:updateEndpoint",
            "Parameters": to_parameters(update, runtime, static),
            "ResultPath": None,
            "Retry": _retry(SAGEMAKER_TRANSIENT),
            "Catch": b.catch("Update endpoint", "EndpointUpdateFailed"),
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
        in_service = {"Variable": "$.endpoint.EndpointStatus", "StringEquals": "InService"}
        has_reason = {"Variable": "$.endpoint.FailureReason", "IsPresent": True}
        b.add("Endpoint ready?", {
            "Type": "Choice",
            "Comment": "InService with this run's config: done. InService with another config: the update rolled back (or another update won).",
            "Choices": [
                {"And": [in_service, {"Variable": "$.endpoint.EndpointConfigName", "StringEqualsPath": "$.run.name"}], "Next": NEXT},
                {"And": [in_service, has_reason], "Next": b.failure(
                    "Endpoint rollout", "EndpointUpdateRolledBack",
                    cause=f"States.Format('endpoint {name} rolled back to config {{}}: {{}}', $.endpoint.EndpointConfigName, $.endpoint.FailureReason)",
                )},
                {"And": [in_service, {"Not": has_reason}], "Next": b.failure(
                    "Endpoint takeover", "EndpointTakenOver",
                    cause=f"States.Format('endpoint {name} serves config {{}}, not {{}}: another update replaced it', $.endpoint.EndpointConfigName, $.run.name)",
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
        return "Create endpoint config"

    def grants(self, d: ModelDescriptor, g: GrantContext) -> list[Allow]:
        assert g.endpoint_name is not None  # set whenever the descriptor deploys
        endpoint = g.arn("sagemaker", f"endpoint/{g.endpoint_name.lower()}")
        configs = g.arn("sagemaker", f"endpoint-config/{g.runs}")
        return [
            allow(["sagemaker:CreateEndpointConfig", "sagemaker:AddTags"], [configs]),
            allow(["sagemaker:CreateEndpoint", "sagemaker:UpdateEndpoint", "sagemaker:DescribeEndpoint", "sagemaker:DeleteEndpoint", "sagemaker:AddTags"], [endpoint, configs]),
        ]
