"""The inference component, once its endpoint is InService: create it with this run's model (the
first run), or update the existing one to this run's model (later runs; a Failed one is deleted
and created again, a busy one waited out), then wait for InService on this run's model, bounded
by ``deploy.wait_timeout_seconds``.

The component has a stable name (``deploy.inference_component_name``, else ``<model
name>-<environment>``: what clients pass to ``invoke_endpoint``), so every run finds the one
before it. An update keeps the copies autoscaling has set (no RuntimeConfig); its scalable
target is deregistered before the update and registered again after (:mod:`.autoscaling`), as
for a variant."""

from __future__ import annotations

from ...descriptor import ModelDescriptor
from ...render import RenderContext
from ...render.hosting import create_inference_component
from ...render.inference_component import update_inference_component
from .autoscaling import DEREGISTER, copies_autoscaled, deregister_before_update, scaling_target
from .base import NEXT, POLL_SECONDS, SDK_TRANSIENT, Allow, Builder, Fragment, GrantContext, PipelineResources, StepContext, _retry, allow, endpoint_wait, to_parameters
from .endpoint import _count_and_bound, find

FIND = "Find inference component"
UPDATE = "Update inference component"
WAIT = "Wait for inference component"
_GRANT_CTX = RenderContext(region="")  # whether the request has tags does not depend on the region


class InferenceComponent(Fragment):
    name = "inference component"

    def applies(self, d: ModelDescriptor, resources: PipelineResources) -> bool:
        return d.deploy is not None and d.deploy.inference_component_based()

    def states(self, b: Builder, s: StepContext) -> str | None:
        d = s.d
        assert d.deploy is not None and s.resources.endpoint_name is not None and s.resources.inference_component_name is not None
        name = s.resources.inference_component_name
        # the endpoint named here: this pipeline's, or (a component joining it) another descriptor's
        create = create_inference_component(d, s.ctx)
        create.update({"InferenceComponentName": name, "EndpointName": s.resources.endpoint_name})
        scaled = copies_autoscaled(d)
        _timeout, polls = endpoint_wait(d)
        waited = f"{polls * POLL_SECONDS} s"

        b.add("Start inference component wait", {
            "Type": "Pass",
            "Comment": "The component's waits are counted from zero (the endpoint's were its own).",
            "Result": {"busy": 0, "ready": 0},
            "ResultPath": "$.waits",
            "Next": FIND,
        })
        find(
            b, FIND, comment="Does the component exist (an earlier run's)? DescribeInferenceComponent answers 'Could not find inference component' when it does not.",
            action="describeInferenceComponent", parameters={"InferenceComponentName": name},
            found={"ResultSelector": {"InferenceComponentStatus.$": "$.InferenceComponentStatus"}, "ResultPath": "$.component", "Next": "Inference component exists"},
            missing="Inference component missing?", not_found="Could not find inference component", create="Create inference component", error="InferenceComponentLookupFailed",
        )
        status = "$.component.InferenceComponentStatus"
        b.add("Inference component exists", {
            "Type": "Choice",
            "Comment": "InService: update it to this run's model. Failed: delete it and create it again. Busy (creating, updating, deleting): wait.",
            "Choices": [
                {"Variable": status, "StringEquals": "InService", "Next": DEREGISTER if scaled else UPDATE},
                {"Variable": status, "StringEquals": "Failed", "Next": "Delete failed inference component"},
            ],
            "Default": "Count inference component busy wait",
        })
        b.add("Delete failed inference component", {
            "Type": "Task",
            "Comment": "A Failed component cannot be updated and serves nothing: it is deleted and created again.",
            "Resource": "arn:aws:states:::aws-sdk:sagemaker:deleteInferenceComponent",
            "Parameters": {"InferenceComponentName": name},
            "ResultPath": None,
            "Retry": _retry(SDK_TRANSIENT),
            "Catch": b.catch("Delete failed inference component", "InferenceComponentDeleteFailed"),
            "Next": "Count inference component busy wait",
        })
        _count_and_bound(
            b, counter="busy", count_state="Count inference component busy wait", bound_state="Inference component busy too long?",
            then="Wait for inference component to settle", polls=polls,
            comment="Counts the waits for a busy component, so one that stays busy ends the run.",
            failure=b.failure(
                "Wait for inference component to settle", "InferenceComponentBusy",
                cause=f"States.Format('inference component {name} stayed {{}} for {waited}: another run or an update holds it', {status})",
            ),
        )
        b.add("Wait for inference component to settle", {"Type": "Wait", "Seconds": POLL_SECONDS, "Next": FIND})

        b.add("Create inference component", {
            "Type": "Task",
            "Comment": "CreateInferenceComponent as model.deploy sends it: this run's model, the resources each copy reserves.",
            "Resource": "arn:aws:states:::aws-sdk:sagemaker:createInferenceComponent",
            "Parameters": to_parameters(create, s.runtime, s.static),
            "ResultPath": None,
            "Retry": _retry(SDK_TRANSIENT),
            "Catch": b.catch("Create inference component", "InferenceComponentFailed"),
            "Next": WAIT,
        })
        if scaled:
            deregister_before_update(b, scaling_target(d, s.resources.endpoint_name, name), then=UPDATE)
        b.add(UPDATE, {
            "Type": "Task",
            "Comment": "Points the stable component at this run's model; SageMaker replaces its copies and rolls back on failure."
            + (" No RuntimeConfig: the copies autoscaling set stay." if scaled else ""),
            "Resource": "arn:aws:states:::aws-sdk:sagemaker:updateInferenceComponent",
            "Parameters": to_parameters(update_inference_component(create, keep_copies=scaled), s.runtime, s.static),
            "ResultPath": None,
            "Retry": _retry(SDK_TRANSIENT),
            "Catch": b.catch(UPDATE, "InferenceComponentUpdateFailed"),
            "Next": WAIT,
        })
        b.add(WAIT, {"Type": "Wait", "Seconds": POLL_SECONDS, "Next": "Check inference component"})
        b.add("Check inference component", {
            "Type": "Task",
            "Comment": "The whole answer is kept: FailureReason is present only when something failed.",
            "Resource": "arn:aws:states:::aws-sdk:sagemaker:describeInferenceComponent",
            "Parameters": {"InferenceComponentName": name},
            "ResultPath": "$.component",
            "Retry": _retry(SDK_TRANSIENT),
            "Catch": b.catch("Check inference component", "InferenceComponentCheckFailed"),
            "Next": "Inference component ready?",
        })
        in_service = {"Variable": status, "StringEquals": "InService"}
        has_reason = {"Variable": "$.component.FailureReason", "IsPresent": True}
        model = "$.component.Specification.ModelName"
        failed = {"Variable": status, "StringEquals": "Failed"}
        b.add("Inference component ready?", {
            "Type": "Choice",
            "Comment": "InService with this run's model: done. InService with another model: the update rolled back (or another run's won).",
            "Choices": [
                {"And": [in_service, {"Variable": model, "StringEqualsPath": "$.run.name"}], "Next": NEXT},
                {"And": [in_service, has_reason], "Next": b.failure(
                    "Inference component rollout", "InferenceComponentUpdateRolledBack",
                    cause=f"States.Format('inference component {name} rolled back to model {{}}: {{}}', {model}, $.component.FailureReason)",
                )},
                {"And": [in_service, {"Not": has_reason}], "Next": b.failure(
                    "Inference component takeover", "InferenceComponentTakenOver",
                    cause=f"States.Format('inference component {name} serves model {{}}, not {{}}: another update replaced it', {model}, $.run.name)",
                )},
                {"And": [failed, has_reason], "Next": b.failure("Inference component", "InferenceComponentFailed", cause_path="$.component.FailureReason")},
                {**failed, "Next": b.failure("Inference component without reason", "InferenceComponentFailed", cause_text=f"inference component {name} is Failed; SageMaker gave no reason")},
            ],
            "Default": "Count inference component wait",
        })
        _count_and_bound(
            b, counter="ready", count_state="Count inference component wait", bound_state="Inference component waited too long?", then=WAIT, polls=polls,
            comment="Counts the polls for InService, so the wait ends at deploy.wait_timeout_seconds.",
            failure=b.failure(
                WAIT, "InferenceComponentTimeout",
                cause=f"States.Format('inference component {name} was still {{}} after {waited} (deploy.wait_timeout_seconds); it keeps going: see it in the SageMaker console', {status})",
            ),
        )
        return "Start inference component wait"

    def grants(self, d: ModelDescriptor, g: GrantContext) -> list[Allow]:
        assert g.inference_component_name is not None  # set whenever the deploy section is inference-component-based
        component = g.arn("sagemaker", f"inference-component/{g.inference_component_name.lower()}")
        assert g.endpoint_name is not None
        actions = ["sagemaker:UpdateInferenceComponent", "sagemaker:DescribeInferenceComponent", "sagemaker:DeleteInferenceComponent"]
        if create_inference_component(d, _GRANT_CTX).get("Tags"):
            actions.append("sagemaker:AddTags")
        return [
            # authorized on the component and on the endpoint it places the component on
            allow(["sagemaker:CreateInferenceComponent"], [component, g.arn("sagemaker", f"endpoint/{g.endpoint_name.lower()}")]),
            allow(actions, [component]),
        ]
