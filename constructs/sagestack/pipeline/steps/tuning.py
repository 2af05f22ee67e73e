"""Tune → Best job? → Describe best job: CreateHyperParameterTuningJob as the SageMaker Python SDK
sends it (``tuner.fit``), waiting for the job (``.sync``); then the best training job's
description, whose artifact the model step serves (as ``tuner.deploy()`` does). Replaces the
training step when the descriptor has a ``tuner:``."""

from __future__ import annotations

from ...descriptor import ModelDescriptor
from ...render.tuning import create_hyper_parameter_tuning_job
from .base import NEXT, RUN_SUFFIX_LENGTH, SAGEMAKER_TRANSIENT, Allow, Builder, Fragment, GrantContext, PipelineResources, StepContext, _Dynamic, _retry, allow, pass_role, sync_rule, to_parameters

TUNE_STATE = "Tune"
BEST_STATE = "Best job?"
DESCRIBE_STATE = "Describe best job"
#: SageMaker names a tuning job's training jobs <tuning job>-<3 digits>-<8 hex>.
TRAINING_JOB_SUFFIX = "-???-????????"
TUNING_JOB_NAME_MAX = 32  # botocore's HyperParameterTuningJobName


class Tuning(Fragment):
    name = "tuning"

    def applies(self, d: ModelDescriptor, resources: PipelineResources) -> bool:
        return d.estimator is not None and d.tuner is not None

    def states(self, b: Builder, s: StepContext) -> str | None:
        if len(s.prefix) + RUN_SUFFIX_LENGTH > TUNING_JOB_NAME_MAX:  # an environment's name made it too long
            raise ValueError(f"run names {s.prefix}-<12 hex> are too long for a tuning job ({TUNING_JOB_NAME_MAX} characters): shorten the model's name or the environment's")
        request = create_hyper_parameter_tuning_job(s.d, s.ctx)
        definition = dict(request["TrainingJobDefinition"])
        # The run input's overrides (run_input.overridden_parts): static hyperparameters, channels, output, limits.
        definition["StaticHyperParameters"] = _Dynamic("$.config.request.HyperParameters")
        definition["InputDataConfig"] = _Dynamic("$.config.request.InputDataConfig")
        definition["OutputDataConfig"] = _Dynamic("$.config.request.OutputDataConfig")
        config = {**request["HyperParameterTuningJobConfig"], "ResourceLimits": _Dynamic("$.config.request.ResourceLimits")}
        tune_request = {**request, "HyperParameterTuningJobConfig": config, "TrainingJobDefinition": definition}
        b.add(TUNE_STATE, {
            "Type": "Task",
            "Comment": "CreateHyperParameterTuningJob as the SageMaker Python SDK sends it (tuner.fit); waits for the job.",
            "Resource": "arn:aws:states:::sagemaker:createHyperParameterTuningJob.sync",
            "Parameters": to_parameters(tune_request, s.runtime, s.static),
            # the whole description: BestTrainingJob is absent when no training job completed,
            # and a ResultSelector naming it would fail the state instead of saying so
            "ResultPath": "$.tuning",
            "Retry": _retry(SAGEMAKER_TRANSIENT, interval=10, attempts=5),
            "Catch": b.catch("Tuning", "TuningFailed"),
            "Next": BEST_STATE,
        })
        b.add(BEST_STATE, {
            "Type": "Choice",
            "Choices": [{"Variable": "$.tuning.BestTrainingJob.TrainingJobName", "IsPresent": True, "Next": DESCRIBE_STATE}],
            "Default": b.failure("Best training job", "NoCompletedTrainingJob", cause_text="the tuning job ended without a completed training job, so there is no best model to serve"),
        })
        b.add(DESCRIBE_STATE, {
            "Type": "Task",
            "Comment": "The best training job's artifact, as tuner.deploy() reads it (best_estimator).",
            "Resource": "arn:aws:states:::aws-sdk:sagemaker:describeTrainingJob",
            "Parameters": {"TrainingJobName.$": "$.tuning.BestTrainingJob.TrainingJobName"},
            "ResultSelector": {"TrainingJobName.$": "$.TrainingJobName", "TrainingJobStatus.$": "$.TrainingJobStatus", "ModelArtifacts.$": "$.ModelArtifacts"},
            "ResultPath": "$.training",
            "Retry": _retry(SAGEMAKER_TRANSIENT),
            "Catch": b.catch(DESCRIBE_STATE, "BestTrainingJobUnreadable"),
            "Next": NEXT,
        })
        return TUNE_STATE

    def grants(self, d: ModelDescriptor, g: GrantContext) -> list[Allow]:
        return [
            allow(
                # Describe/Stop/ListTags: the .sync integration polls the job, stops it when the run
                # is stopped and reads its tags (AWS's documented policy for it).
                ["sagemaker:CreateHyperParameterTuningJob", "sagemaker:DescribeHyperParameterTuningJob", "sagemaker:StopHyperParameterTuningJob", "sagemaker:AddTags", "sagemaker:ListTags"],
                [g.arn("sagemaker", f"hyper-parameter-tuning-job/{g.runs}")],
            ),
            allow(["sagemaker:DescribeTrainingJob"], [g.arn("sagemaker", f"training-job/{g.runs}{TRAINING_JOB_SUFFIX}")]),
            sync_rule("StepFunctionsGetEventsForSageMakerTuningJobsRule", g),
            *pass_role([g.training_role_arn]),
        ]
