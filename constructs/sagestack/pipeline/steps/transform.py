"""Transform: CreateTransformJob as ``transformer.transform(...)`` sends it, waiting for the job."""

from __future__ import annotations

from ...descriptor import ModelDescriptor
from ...render.transform import create_transform_job
from .base import NEXT, SAGEMAKER_TRANSIENT, Allow, Builder, Fragment, GrantContext, PipelineResources, StepContext, _retry, allow, sync_rule, to_parameters


class Transform(Fragment):
    name = "transform"

    def applies(self, d: ModelDescriptor, resources: PipelineResources) -> bool:
        return d.transformer is not None

    def states(self, b: Builder, s: StepContext) -> str | None:
        b.add("Transform", {
            "Type": "Task",
            "Comment": "CreateTransformJob as transformer.transform(...) sends it; waits for the job.",
            "Resource": "arn:aws:states:::sagemaker:createTransformJob.sync",
            "Parameters": to_parameters(create_transform_job(s.d, s.ctx), s.runtime, s.static),
            "ResultSelector": {"TransformJobName.$": "$.TransformJobName", "TransformJobStatus.$": "$.TransformJobStatus", "TransformOutput.$": "$.TransformOutput"},
            "ResultPath": "$.transform",
            "Retry": _retry(SAGEMAKER_TRANSIENT, interval=10, attempts=5),
            "Catch": b.catch("Transform", "TransformFailed"),
            "Next": NEXT,
        })
        return "Transform"

    def grants(self, d: ModelDescriptor, g: GrantContext) -> list[Allow]:
        return [
            allow(
                ["sagemaker:CreateTransformJob", "sagemaker:DescribeTransformJob", "sagemaker:StopTransformJob", "sagemaker:AddTags", "sagemaker:ListTags"],
                [g.arn("sagemaker", f"transform-job/{g.runs}"), g.arn("sagemaker", f"model/{g.runs}")],
            ),
            sync_rule("StepFunctionsGetEventsForSageMakerTransformJobsRule", g),
        ]
