"""The whole descriptor: one model, one file (``infra/models/<name>.yaml`` or ``.py``)."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Annotated, Any, ClassVar

from pydantic import Field, PrivateAttr, ValidationInfo, field_validator

from .add_model import AddModel
from .base import SdkModel, register_field_homes, sdk_field, user_error
from .condition import Check
from .deploy import Autoscaling, DataCaptureConfig, Deploy, ServerlessInferenceConfig
from .fit import Fit, RecordSet, TrainingInput
from .kinds import ESTIMATOR_TYPES, MODEL_TYPES, EstimatorSpec, ModelSpec
from .paths import repository_root
from .processing import PROCESSOR_TYPES, NetworkConfig, ProcessingInput, ProcessingOutput, ProcessingRun, ProcessingStep, ProcessingSteps, StepOutput
from .register import Register
from .schedule import RunInput, Schedule, TunerRunInput
from .transform import Transform, Transformer
from .tuner import HyperbandStrategyConfig, ParameterRange, StrategyConfig, Tuner, TuningJobCompletionCriteriaConfig, WarmStartConfig
from .types import Tags

__all__ = ["ModelDescriptor", "endpoint_name_for", "inference_component_name_for", "SECTIONS", "NAME_MAX", "STACK_DESCRIPTION_MAX_BYTES", "DESCRIPTION_MAX_BYTES"]

# Model names prefix every physical name sagestack derives (stacks, endpoints, job-name prefixes),
# which must fit SageMaker's 63 characters with environment and run suffixes.
NAME_MAX = 32
NAME_PATTERN = r"^[a-z0-9](-?[a-z0-9])*$"
SNS_TOPIC_ARN = r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$"

#: CloudFormation's limit on a template's Description, in bytes (UTF-8).
STACK_DESCRIPTION_MAX_BYTES = 1024


def _kind(estimator: str | None, model: str | None, deploy: bool, transform: bool, tuned: bool = False, processing: bool = False, add_model: bool = False) -> str:
    parts = ["process"] if processing and not estimator else []  # with training, the kind stays as it was
    parts += [f"{'tune' if tuned else 'train'} {estimator}"] if estimator else []
    parts += [model] if model else []
    parts += ["deploy"] if deploy else []
    parts += ["transform"] if transform else []
    parts += ["add to multi-model"] if add_model else []  # excludes deploy and transform, and is no longer than both
    return " + ".join(parts)


def _stack_description(name: str, kind: str, description: str | None) -> str:
    text = f"sagestack model {name}: {kind}"
    return f"{text} - {description}" if description else text


# What a descriptor's own description may take: the stack's limit less the longest text sagestack
# puts before it (a longest name, every section with the longest type names), so that a valid
# descriptor fits in every environment (overrides can only remove sections).
_LONGEST_PREFIX = _stack_description("m" * NAME_MAX, _kind(max(ESTIMATOR_TYPES, key=len), max(MODEL_TYPES, key=len), True, True), "-")[:-1]
DESCRIPTION_MAX_BYTES = STACK_DESCRIPTION_MAX_BYTES - len(_LONGEST_PREFIX.encode("utf-8"))


# The field `register` mirrors estimator.register(...); the name it shadows is ABCMeta.register, a
# class-level method instances never reach.
warnings.filterwarnings("ignore", message=r'Field name "register" in "ModelDescriptor" shadows', category=UserWarning)


class ModelDescriptor(SdkModel):
    """One model: how it is trained (``estimator`` + ``fit``) or where its data is (``model``),
    and how it is served (``deploy``) or batch-scored (``transformer`` + ``transform``)."""

    section_title: ClassVar[str] = "the top level"

    name: Annotated[str, Field(pattern=NAME_PATTERN, max_length=NAME_MAX)] = sdk_field(
        doc=f"Model name: lowercase letters, digits and single hyphens, at most {NAME_MAX} characters; prefixes every resource name.",
        lands_in="AWS::CloudFormation::Stack name and every derived resource name",
    )
    description: str | None = sdk_field(
        None,
        doc=f"What the model is for (shown by sagestack list and in the stack description); at most {DESCRIPTION_MAX_BYTES} bytes of UTF-8, the room CloudFormation's {STACK_DESCRIPTION_MAX_BYTES} leaves after what sagestack puts first.",
        lands_in="AWS::CloudFormation::Stack Description",
    )
    tags: Tags = sdk_field((), doc="Tags on every resource of this model.", lands_in="AWS::CloudFormation::Stack Tags")
    notification_topic: Annotated[str, Field(pattern=SNS_TOPIC_ARN)] | None = sdk_field(
        None,
        doc="SNS topic ARN that each pipeline run notifies when it succeeds or fails (message: the run's output or its error and cause).",
        lands_in="Step Functions sns:publish TopicArn",
    )
    estimator: EstimatorSpec | None = sdk_field(None, doc=f"The SDK estimator (type: {', '.join(ESTIMATOR_TYPES)}).", lands_in="CreateTrainingJob")
    fit: Fit | None = sdk_field(None, doc="estimator.fit(...) arguments (tuner.fit(...) with a tuner).", lands_in="CreateTrainingJob.InputDataConfig")
    tuner: Tuner | None = sdk_field(
        None,
        doc="HyperparameterTuner(estimator, ...) arguments: fit tunes the estimator, and deploy serves the best training job.",
        lands_in="CreateHyperParameterTuningJob",
    )
    processing: ProcessingSteps | None = sdk_field(
        None,
        doc="Processing jobs, each a processor class (processor:) and processor.run(...) (run:), before training (data preparation) or after it (evaluation).",
        lands_in="CreateProcessingJob",
    )
    model: ModelSpec | None = sdk_field(None, doc=f"Existing model data (type: {', '.join(MODEL_TYPES)}).", lands_in="AWS::SageMaker::Model")
    deploy: Deploy | None = sdk_field(None, doc="deploy(...) arguments plus autoscaling.", lands_in="AWS::SageMaker::EndpointConfig and AWS::SageMaker::Endpoint")
    register: Register | None = sdk_field(
        None,
        doc="estimator.register(...) arguments: each run registers its model in a model package group; with PendingManualApproval, approving the package deploys it.",
        lands_in="AWS::SageMaker::ModelPackageGroup and CreateModelPackage",
    )
    add_model: AddModel | None = sdk_field(
        None,
        doc="MultiDataModel.add_model(...) arguments: each run copies its model under a multi-model endpoint's prefix, as a new key the run's output names (instead of deploy).",
        lands_in="S3 CopyObject",
    )
    transformer: Transformer | None = sdk_field(None, doc="transformer(...) arguments.", lands_in="CreateTransformJob")
    transform: Transform | None = sdk_field(None, doc="transformer.transform(...) arguments.", lands_in="CreateTransformJob.TransformInput")
    schedule: Schedule | None = sdk_field(
        None, doc="Runs of the pipeline that start by themselves: on a cron or rate expression, when new data lands, or both.", lands_in="AWS::Scheduler::Schedule and AWS::Events::Rule"
    )

    # Where the descriptor came from: its file and the line of each key path, so that later layers
    # (request rendering, constructs) can still cite file:line.
    _source: Path | None = PrivateAttr(None)
    _root: Path | None = PrivateAttr(None)
    _lines: dict[tuple[str | int, ...], int] = PrivateAttr(default_factory=dict)

    @field_validator("estimator", "fit", "tuner", "processing", "model", "deploy", "register", "add_model", "transformer", "transform", "schedule", mode="before")
    @classmethod
    def _section_not_empty(cls, value: Any, info: ValidationInfo) -> Any:
        # "estimator:" with nothing under it reads as null: a section left empty, not an absent one.
        if value is None:
            raise user_error("empty_section", f"the {info.field_name} section is empty: give its arguments or remove the key", allowed=f"{info.field_name}: {{...}}", got="nothing")
        return value

    @field_validator("description")
    @classmethod
    def _fits_the_stack_description(cls, value: str | None) -> str | None:
        # CloudFormation counts bytes, so one CJK character or emoji takes three or four.
        size = len(value.encode("utf-8")) if value is not None else 0
        if size > DESCRIPTION_MAX_BYTES:
            raise user_error(
                "description_too_long",
                f"too long for the stack description: CloudFormation takes {STACK_DESCRIPTION_MAX_BYTES} bytes and sagestack puts up to "
                f"{STACK_DESCRIPTION_MAX_BYTES - DESCRIPTION_MAX_BYTES} before it ('sagestack model <name>: <what it does> - ')",
                allowed=f"at most {DESCRIPTION_MAX_BYTES} bytes of UTF-8",
                got=f"{size} bytes ({len(value or '')} characters)",
            )
        return value

    @property
    def source(self) -> Path | None:
        return self._source

    @property
    def base_dir(self) -> Path:
        """Directory that relative paths (source_dir, entry_point) are resolved against."""
        return self._source.parent if self._source is not None else Path.cwd()

    @property
    def root(self) -> Path:
        """Repository root that local paths stay inside (given at validation, else found from
        :attr:`base_dir`, see :func:`.paths.repository_root`)."""
        return self._root if self._root is not None else repository_root(self.base_dir)

    def line_of(self, *path: str | int) -> int:
        """Line of the deepest known key on ``path`` (1 when unknown)."""
        for end in range(len(path), 0, -1):
            if tuple(path[:end]) in self._lines:
                return self._lines[tuple(path[:end])]
        return 1

    @property
    def kind(self) -> str:
        """Short description of what the descriptor does (train, deploy, transform)."""
        return _kind(self.estimator.type if self.estimator else None, self.model.type if self.model else None, self.deploy is not None, self.transform is not None, self.tuner is not None, self.processing is not None, self.add_model is not None)

    @property
    def stack_description(self) -> str:
        """The model stack's description: ``sagestack model <name>: <kind> - <description>``
        (fits CloudFormation's limit whenever the descriptor is valid)."""
        return _stack_description(self.name, self.kind, self.description)


SECTIONS = ("estimator", "fit", "tuner", "processing", "model", "deploy", "register", "add_model", "transformer", "transform", "schedule")

register_field_homes(
    ModelDescriptor, Register, AddModel, Fit, TrainingInput, RecordSet, Deploy, Check, Autoscaling, DataCaptureConfig,
    ServerlessInferenceConfig, Transformer, Transform, Schedule, RunInput, TunerRunInput, Tuner, ParameterRange, StrategyConfig, HyperbandStrategyConfig, WarmStartConfig, TuningJobCompletionCriteriaConfig,
    ProcessingStep, ProcessingRun, ProcessingInput, ProcessingOutput, StepOutput, NetworkConfig, *PROCESSOR_TYPES.values(), *ESTIMATOR_TYPES.values(), *MODEL_TYPES.values(),
)


def endpoint_name_for(descriptor: ModelDescriptor, environment: str) -> str:
    """The stable endpoint name: ``deploy.endpoint_name``, else ``<model name>-<environment>``."""
    assert descriptor.deploy is not None
    return descriptor.deploy.endpoint_name or f"{descriptor.name}-{environment}"


def inference_component_name_for(descriptor: ModelDescriptor, environment: str) -> str:
    """The stable inference component name: ``deploy.inference_component_name``, else
    ``<model name>-<environment>``."""
    assert descriptor.deploy is not None
    return descriptor.deploy.inference_component_name or f"{descriptor.name}-{environment}"
