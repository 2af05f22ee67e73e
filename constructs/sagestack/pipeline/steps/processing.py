"""Process <step>: one CreateProcessingJob per ``processing:`` entry, as ``processor.run()`` sends
it, waiting for the job (``.sync``); the entries marked ``before_training`` run before Train (or
Tune), in their order, the ``after_training`` ones after it. A job is named ``<run name>-<step>``,
so a retry keeps its name and IAM stays on this model's runs; ``{step, output}`` references are
the producing job's output URI under that name (or the trained model's artifact)."""

from __future__ import annotations

import dataclasses
from typing import Any

from ...descriptor import ModelDescriptor
from ...descriptor.api import ApiMember, limits
from ...descriptor.processing import ProcessingStep
from ...render.context import ph
from ...render.processing import create_processing_job
from .base import (
    NEXT,
    RUN_SUFFIX_LENGTH,
    SAGEMAKER_TRANSIENT,
    Allow,
    Builder,
    Fragment,
    GrantContext,
    PipelineResources,
    StepContext,
    _Dynamic,
    _retry,
    allow,
    pass_role,
    sync_rule,
    to_parameters,
)

PROCESSING_JOB_NAME_MAX = 63  # botocore's ProcessingJobName


def state_name(step: ProcessingStep) -> str:
    return f"Process {step.name}"


def arguments_key(name: str) -> str:
    """A step's key among a run's processing arguments (hyphens as underscores, which
    JSONPath's dot notation takes; step names have no underscores of their own)."""
    return name.replace("-", "_")


def overridable_arguments(d: ModelDescriptor) -> dict[str, list[str]]:
    """Step name → the arguments a run's input may replace: those of the steps that have
    arguments (ContainerArguments takes at least one, so a step without them has none to replace)."""
    return {step.name: list(step.run.arguments) for step in d.processing or () if step.run.arguments}


#: Where the run-input check puts each step's arguments for this run.
ARGUMENTS = "$.config.request.ProcessingArguments"


def arguments_contract(d: ModelDescriptor) -> dict[str, Any] | None:
    """What the run-input check needs to replace processing arguments: each step's key and
    botocore's limits on ContainerArguments (None: no step has arguments)."""
    arguments = overridable_arguments(d)
    if not arguments:
        return None
    items = limits(ApiMember("CreateProcessingJob", "AppSpecification.ContainerArguments"))
    item = limits(ApiMember("CreateProcessingJob", "AppSpecification.ContainerArguments[]"))
    return {
        "steps": {name: arguments_key(name) for name in arguments},
        "max_arguments": int(items.max or 100),
        "argument_length": int(item.max or 256),
        "argument_pattern": item.pattern or ".*",
    }


def result_path(step: ProcessingStep) -> str:
    """Where a run keeps the finished job's description: ``$.processing.<step>`` (hyphens as
    underscores, which JSONPath's dot notation takes)."""
    return "$.processing." + step.name.replace("-", "_")


class Processing(Fragment):
    """The processing steps that run before training (data preparation); the after-training ones
    are :class:`.processing_after.ProcessingAfterTraining`."""

    name = "processing before training"
    when = "before_training"

    def _steps(self, d: ModelDescriptor) -> list[ProcessingStep]:
        return [s for s in d.processing or () if s.when == self.when]

    def applies(self, d: ModelDescriptor, resources: PipelineResources) -> bool:
        return bool(self._steps(d))

    def states(self, b: Builder, s: StepContext) -> str | None:
        steps = self._steps(s.d)
        ctx = dataclasses.replace(s.ctx, role_arn=ph("ProcessingRoleArn"))  # a processor without a role runs as the generated processing role
        for index, step in enumerate(steps):
            if len(s.prefix) + RUN_SUFFIX_LENGTH + 1 + len(step.name) > PROCESSING_JOB_NAME_MAX:
                raise ValueError(f"processing job names {s.prefix}-<12 hex>-{step.name} are too long ({PROCESSING_JOB_NAME_MAX} characters): shorten the step's name, the model's or the environment's")
            following = state_name(steps[index + 1]) if index + 1 < len(steps) else NEXT
            request = create_processing_job(s.d, step, ctx)
            if s.d.estimator is not None and step.run.arguments:  # a training pipeline's run input may replace them
                request["AppSpecification"]["ContainerArguments"] = _Dynamic(f"{ARGUMENTS}.{arguments_key(step.name)}")
            b.add(state_name(step), {
                "Type": "Task",
                "Comment": f"CreateProcessingJob as the SageMaker Python SDK sends it ({step.processor.type}.run); waits for the job.",
                "Resource": "arn:aws:states:::sagemaker:createProcessingJob.sync",
                "Parameters": to_parameters(request, s.runtime, s.static),
                "ResultSelector": {"ProcessingJobName.$": "$.ProcessingJobName", "ProcessingJobStatus.$": "$.ProcessingJobStatus", "ProcessingOutputConfig.$": "$.ProcessingOutputConfig"},
                "ResultPath": result_path(step),
                "Retry": _retry(SAGEMAKER_TRANSIENT, interval=10, attempts=5),
                "Catch": b.catch(f"Processing {step.name}", "ProcessingFailed"),
                "Next": following,
            })
        return state_name(steps[0])

    def grants(self, d: ModelDescriptor, g: GrantContext) -> list[Allow]:
        jobs = [g.arn("sagemaker", f"processing-job/{g.runs}-{step.name}") for step in self._steps(d)]
        return [
            # Describe/Stop/ListTags: the .sync integration polls the job, stops it when the run is
            # stopped and reads its tags (AWS's documented policy for it).
            allow(["sagemaker:CreateProcessingJob", "sagemaker:DescribeProcessingJob", "sagemaker:StopProcessingJob", "sagemaker:AddTags", "sagemaker:ListTags"], jobs),
            sync_rule("StepFunctionsGetEventsForSageMakerProcessingJobsRule", g),
            *pass_role(list(g.processing_role_arns)),
        ]
