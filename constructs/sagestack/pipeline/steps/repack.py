"""Repack model: the SDK's ``repack_model`` (inference code under code/ in model.tar.gz), for
serving whose framework loads the code from the model archive."""

from __future__ import annotations

from typing import Any

from ...descriptor import ModelDescriptor
from ...render.hosting import needs_repack
from .base import LAMBDA_TRANSIENT, NEXT, Allow, Builder, Fragment, GrantContext, PipelineResources, StepContext, _escape, _retry, allow


class Repack(Fragment):
    name = "repack"

    def applies(self, d: ModelDescriptor, resources: PipelineResources) -> bool:
        return (d.deploy is not None or d.transformer is not None) and needs_repack(d)

    def states(self, b: Builder, s: StepContext) -> str | None:
        d = s.d
        repack = s.resources.repack
        assert repack is not None, f"{d.name} serves code that must be repacked into model.tar.gz: give a RepackStep"
        model_data: dict[str, Any]
        if d.estimator is not None:
            model_data = {"ModelData.$": s.runtime["ModelDataUrl"]}
        else:
            assert d.model is not None  # without an estimator, the descriptor names its model data
            model_data = {"ModelData": d.model.model_data}
        b.add("Repack model", {
            "Type": "Task",
            "Comment": "Adds the inference code under code/ in model.tar.gz, as the SDK's repack_model does.",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {
                "FunctionName": repack.function_arn,
                "Payload": {
                    **model_data,
                    "CodeBucket": repack.code_bucket,
                    "CodeKey": repack.code_key,
                    "TargetBucket": repack.target_bucket,
                    "TargetPrefix.$": f"States.Format('{_escape(repack.target_prefix)}/{{}}', $.run.name)",
                },
            },
            "ResultSelector": {"ModelDataUrl.$": "$.Payload.ModelDataUrl"},
            "ResultPath": "$.repack",
            "Retry": _retry(LAMBDA_TRANSIENT, interval=2),
            "Catch": b.catch("Repack", "RepackFailed"),
            "Next": NEXT,
        })
        return "Repack model"

    def grants(self, d: ModelDescriptor, g: GrantContext) -> list[Allow]:
        assert g.repack_function is not None
        return [allow(["lambda:InvokeFunction"], [g.repack_function])]
