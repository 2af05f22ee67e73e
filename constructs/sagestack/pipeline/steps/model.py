"""Create model: CreateModel as ``model.deploy``/``transformer`` send it, named after the run."""

from __future__ import annotations

from ...descriptor import ModelDescriptor
from ...render.hosting import create_model
from .base import NEXT, SAGEMAKER_TRANSIENT, Allow, Builder, Fragment, GrantContext, PipelineResources, StepContext, _Dynamic, _retry, allow, pass_role, to_parameters
from .register import CONTAINER_KEYS, PACKAGE_CONTAINER


class Model(Fragment):
    name = "model"

    def applies(self, d: ModelDescriptor, resources: PipelineResources) -> bool:
        return d.deploy is not None or d.transformer is not None

    def states(self, b: Builder, s: StepContext) -> str | None:
        model_request = create_model(s.d, s.ctx)
        if s.resources.model_role_arn is not None:
            model_request["ExecutionRoleArn"] = s.resources.model_role_arn
        if s.d.register is not None:  # the registered (or approved) package's container
            model_request["PrimaryContainer"] = {**model_request["PrimaryContainer"], **{k: _Dynamic(f"{PACKAGE_CONTAINER}.{k}") for k in CONTAINER_KEYS}}
        b.add("Create model", {
            "Type": "Task",
            "Resource": "arn:aws:states:::sagemaker:createModel",
            "Parameters": to_parameters(model_request, s.runtime, s.static),
            "ResultPath": None,
            "Retry": _retry(SAGEMAKER_TRANSIENT),
            "Catch": b.catch("Model", "ModelFailed"),
            "Next": NEXT,
        })
        return "Create model"

    def grants(self, d: ModelDescriptor, g: GrantContext) -> list[Allow]:
        return [allow(["sagemaker:CreateModel", "sagemaker:AddTags"], [g.arn("sagemaker", f"model/{g.runs}")]), *pass_role([g.model_role_arn])]
