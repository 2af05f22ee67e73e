"""Summarize: the execution's output (what the run created). A promotion run (a shadow
variant's, :mod:`.shadow_promotion`) created no model: its output names the model it promoted
and the one it replaced."""

from __future__ import annotations

from typing import Any

from ...descriptor import ModelDescriptor
from ...render.inference_component import creates_endpoint
from .add_model import summary as added_model
from .base import NEXT, Builder, Fragment, PipelineResources, StepContext
from .endpoint import endpoint_config_summary
from .shadow_promotion import LIVE_CONFIG, SHADOW_MODEL, promotes, promoting


class Summary(Fragment):
    name = "summary"

    def applies(self, d: ModelDescriptor, resources: PipelineResources) -> bool:
        return True

    def states(self, b: Builder, s: StepContext) -> str | None:
        d = s.d
        summary: dict[str, Any] = {"model": d.name, "run_name.$": "$.run.name"}
        if d.estimator is not None:
            summary.update({"training_job_name.$": "$.training.TrainingJobName", "model_data.$": "$.training.ModelArtifacts.S3ModelArtifacts"})
        if d.register is not None:  # the version this run registered (or the approved one it deployed)
            summary["model_package_arn.$"] = "$.package.ModelPackageArn"
        if d.processing is not None:  # each processing job's name, status and outputs
            summary["processing.$"] = "$.processing"
        if d.deploy is not None or d.transformer is not None:
            summary["model_name.$"] = "$.run.name"
        if d.deploy is not None and creates_endpoint(d):
            summary.update({"endpoint_name": s.resources.endpoint_name, **endpoint_config_summary(s)})
        elif d.deploy is not None:  # a component on another descriptor's endpoint
            summary["endpoint_name"] = s.resources.endpoint_name
        if s.resources.inference_component_name is not None:
            summary["inference_component_name"] = s.resources.inference_component_name
        if d.add_model is not None:  # the copy, and the TargetModel that invokes it
            summary.update(added_model(d, s.resources.multi_model, s.static.get("ArtifactBucket")))
        if d.transformer is not None:
            summary.update({"transform_job_name.$": "$.transform.TransformJobName", "transform_output.$": "$.transform.TransformOutput.S3OutputPath"})
        b.add("Summarize", {"Type": "Pass", "Comment": "The execution's output.", "Parameters": summary, "Next": NEXT})
        if not promotes(d):
            return "Summarize"
        b.add("Promotion run?", {
            "Type": "Choice",
            "Choices": [promoting("Summarize promotion")],
            "Default": "Summarize",
        })
        b.add("Summarize promotion", {
            "Type": "Pass",
            "Comment": "The execution's output: the model promoted from the shadow, and the production model it replaced.",
            "Parameters": {
                "model": d.name, "run_name.$": "$.run.name", "promoted": True, "model_name.$": SHADOW_MODEL,
                "replaced_model_name.$": f"{LIVE_CONFIG}.ProductionVariants[0].ModelName", "endpoint_name": s.resources.endpoint_name, **endpoint_config_summary(s),
            },
            "Next": NEXT,
        })
        return "Promotion run?"
