"""Train: CreateTrainingJob as the SageMaker Python SDK sends it, with the run input's overrides,
waiting for the job (``.sync``)."""

from __future__ import annotations

from ...descriptor import ModelDescriptor
from ...render.training import create_training_job
from .base import NEXT, SAGEMAKER_TRANSIENT, TRAIN_STATE, Allow, Builder, Fragment, GrantContext, PipelineResources, StepContext, _Dynamic, _retry, allow, pass_role, sync_rule, to_parameters
from .run_input import overridden


class Training(Fragment):
    name = "training"

    def applies(self, d: ModelDescriptor, resources: PipelineResources) -> bool:
        return d.estimator is not None and d.tuner is None  # a tuner's jobs train instead (tuning.py)

    def states(self, b: Builder, s: StepContext) -> str | None:
        request = create_training_job(s.d, s.ctx)
        train_request = dict(request)
        for key in overridden(request):
            train_request[key] = _Dynamic(f"$.config.request.{key}")
        b.add(TRAIN_STATE, {
            "Type": "Task",
            "Comment": "CreateTrainingJob as the SageMaker Python SDK sends it; waits for the job.",
            "Resource": "arn:aws:states:::sagemaker:createTrainingJob.sync",
            "Parameters": to_parameters(train_request, s.runtime, s.static),
            "ResultSelector": {"TrainingJobName.$": "$.TrainingJobName", "TrainingJobStatus.$": "$.TrainingJobStatus", "ModelArtifacts.$": "$.ModelArtifacts"},
            "ResultPath": "$.training",
            "Retry": _retry(SAGEMAKER_TRANSIENT, interval=10, attempts=5),
            "Catch": b.catch("Training", "TrainingFailed"),
            "Next": NEXT,
        })
        return TRAIN_STATE

    def grants(self, d: ModelDescriptor, g: GrantContext) -> list[Allow]:
        return [
            allow(
                # ListTags: the .sync integration reads the job's tags while it waits (AWS's documented
                # policy for it); ListTags takes the job's ARN, so it stays on this model's runs.
                ["sagemaker:CreateTrainingJob", "sagemaker:DescribeTrainingJob", "sagemaker:StopTrainingJob", "sagemaker:AddTags", "sagemaker:ListTags"],
                [g.arn("sagemaker", f"training-job/{g.runs}")],
            ),
            sync_rule("StepFunctionsGetEventsForSageMakerTrainingJobsRule", g),
            *pass_role([g.training_role_arn]),
        ]
