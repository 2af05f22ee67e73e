"""The ``processing:`` section — a list of processing jobs, each mirroring a processor class
(``Processor``, ``ScriptProcessor``, ``SKLearnProcessor``, ``FrameworkProcessor``,
``PyTorchProcessor``) under ``processor:`` and its ``processor.run(...)`` under ``run:``.

Each entry has a ``name`` and runs ``when: before_training`` (the default) or
``when: after_training``. An input's ``source`` (and a ``fit.inputs`` channel) may be
``{step: <name>, output: <output_name>}``: another processing step's output, or, for steps after
training, ``{step: training, output: model}``: the trained model artifact.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import Discriminator, Field, Tag

from .base import Api, SdkModel, sdk_field, typed_union
from .estimator import FrameworkEstimator
from .kinds import ESTIMATOR_TYPES, KINDS
from .paths import LocalPathKind
from .retrieve import ImageUriRetrieve, _retrieve_problems
from .rules import Context, Finding, rule
from .types import LocalPath, S3Uri, Tags

ScriptPath = Annotated[str, Field(min_length=1), LocalPathKind("source_dir", s3=True)]
SourceDirPath = Annotated[str, Field(min_length=1), LocalPathKind("descriptor")]

__all__ = [
    "ProcessingStep", "ProcessingRun", "ProcessingInput", "ProcessingOutput", "StepOutput", "NetworkConfig",
    "PROCESSOR_TYPES", "ProcessorSpec", "FrameworkProcessorBase", "TRAINING_STEP", "MODEL_OUTPUT", "CODE_INPUT", "ENTRYPOINT_INPUT",
]

CPJ = "CreateProcessingJob"
IN = "ProcessingInputs[]"
OUT = "ProcessingOutputConfig.Outputs[]"
CLUSTER = "ProcessingResources.ClusterConfig"
#: ``{step: training, output: model}``: the training job's (or the tuner's best job's) artifact.
TRAINING_STEP = "training"
MODEL_OUTPUT = "model"
#: The inputs the SDK adds for a processor's code (ScriptProcessor: code; FrameworkProcessor: code and entrypoint).
CODE_INPUT = "code"
ENTRYPOINT_INPUT = "entrypoint"
STEP_NAME = r"^[a-z0-9](-?[a-z0-9])*$"
STEP_NAME_MAX = 20  # a processing job is named <run name>-<step name>, within SageMaker's 63 characters


class StepOutput(SdkModel):
    """``{step, output}``: what an earlier step wrote (a processing output, or the trained model)."""

    section_title: ClassVar[str] = "a step reference"

    step: str = sdk_field(
        doc=f"The processing step's name, or {TRAINING_STEP} (the trained model).",
        lands_in="the reading S3Uri (CreateProcessingJob.ProcessingInputs[].S3Input.S3Uri or CreateTrainingJob.InputDataConfig[].DataSource.S3DataSource.S3Uri)",
    )
    output: str = sdk_field(
        doc=f"The step's output_name ({MODEL_OUTPUT} for training).",
        lands_in="the reading S3Uri: that output's S3Output.S3Uri (the training job's ModelArtifacts.S3ModelArtifacts for the model)",
    )


def uri_or_reference(uri: Any) -> Any:
    """An S3 URI or a ``{step, output}`` mapping, told apart by their form (one error each, not both)."""
    return Annotated[
        Annotated[uri, Tag("uri")] | Annotated[StepOutput, Tag("reference")],
        Discriminator(lambda v: "reference" if isinstance(v, (dict, StepOutput)) else "uri"),
    ]


#: The framework estimator classes a FrameworkProcessor takes (estimator_cls).
FRAMEWORKS = tuple(name for name, cls in ESTIMATOR_TYPES.items() if issubclass(cls, FrameworkEstimator))
_PYTORCH = next(k.estimator_type for k in KINDS if (k.estimator_sdk or "").startswith("sagemaker.pytorch."))

# Types built from the kind registry at run time; the type checker sees what they hold.
if TYPE_CHECKING:
    InputSource = str | StepOutput
    FrameworkName = str
    PyTorchName = str
else:
    InputSource = uri_or_reference(Annotated[S3Uri, Api(CPJ, f"{IN}.S3Input.S3Uri")])
    FrameworkName = Literal[FRAMEWORKS]
    PyTorchName = Literal[_PYTORCH]


class ProcessingInput(SdkModel):
    """``sagemaker.processing.ProcessingInput``."""

    section_title: ClassVar[str] = "ProcessingInput"

    source: InputSource = sdk_field(
        doc="S3 URI of the data, or {step, output} of an earlier step.", lands_in="CreateProcessingJob.ProcessingInputs[].S3Input.S3Uri"
    )
    destination: Annotated[str, Api(CPJ, f"{IN}.S3Input.LocalPath")] = sdk_field(
        doc="Where the container finds it, e.g. /opt/ml/processing/input.", lands_in="CreateProcessingJob.ProcessingInputs[].S3Input.LocalPath"
    )
    input_name: Annotated[str, Api(CPJ, f"{IN}.InputName")] | None = sdk_field(
        None, doc="Name of the input (the SDK's default: input-<n>).", lands_in="CreateProcessingJob.ProcessingInputs[].InputName"
    )
    s3_data_type: Annotated[str, Api(CPJ, f"{IN}.S3Input.S3DataType")] = sdk_field(
        "S3Prefix", doc="S3Prefix or ManifestFile.", lands_in="CreateProcessingJob.ProcessingInputs[].S3Input.S3DataType"
    )
    s3_input_mode: Annotated[str, Api(CPJ, f"{IN}.S3Input.S3InputMode")] = sdk_field(
        "File", doc="File or Pipe.", lands_in="CreateProcessingJob.ProcessingInputs[].S3Input.S3InputMode"
    )
    s3_data_distribution_type: Annotated[str, Api(CPJ, f"{IN}.S3Input.S3DataDistributionType")] = sdk_field(
        "FullyReplicated", doc="FullyReplicated or ShardedByS3Key.", lands_in="CreateProcessingJob.ProcessingInputs[].S3Input.S3DataDistributionType"
    )
    s3_compression_type: Annotated[str, Api(CPJ, f"{IN}.S3Input.S3CompressionType")] = sdk_field(
        "None", doc="None or Gzip (Gzip only in Pipe mode).", lands_in="CreateProcessingJob.ProcessingInputs[].S3Input.S3CompressionType"
    )


class ProcessingOutput(SdkModel):
    """``sagemaker.processing.ProcessingOutput``."""

    section_title: ClassVar[str] = "ProcessingOutput"

    source: Annotated[str, Api(CPJ, f"{OUT}.S3Output.LocalPath")] = sdk_field(
        doc="Where the container writes, e.g. /opt/ml/processing/train.", lands_in="CreateProcessingJob.ProcessingOutputConfig.Outputs[].S3Output.LocalPath"
    )
    destination: Annotated[S3Uri, Api(CPJ, f"{OUT}.S3Output.S3Uri")] | None = sdk_field(
        None,
        doc="S3 URI it is uploaded to (the SDK's default: s3://<default bucket>/<job name>/output/<output_name>).",
        lands_in="CreateProcessingJob.ProcessingOutputConfig.Outputs[].S3Output.S3Uri",
    )
    output_name: Annotated[str, Api(CPJ, f"{OUT}.OutputName")] | None = sdk_field(
        None, doc="Name of the output (the SDK's default: output-<n>); {step, output} references name it.", lands_in="CreateProcessingJob.ProcessingOutputConfig.Outputs[].OutputName"
    )
    s3_upload_mode: Annotated[str, Api(CPJ, f"{OUT}.S3Output.S3UploadMode")] = sdk_field(
        "EndOfJob", doc="EndOfJob or Continuous.", lands_in="CreateProcessingJob.ProcessingOutputConfig.Outputs[].S3Output.S3UploadMode"
    )


class NetworkConfig(SdkModel):
    """``sagemaker.network.NetworkConfig``."""

    section_title: ClassVar[str] = "network_config"

    enable_network_isolation: bool | None = sdk_field(None, doc="No network access for the container.", lands_in="CreateProcessingJob.NetworkConfig.EnableNetworkIsolation")
    security_group_ids: Annotated[tuple[str, ...], Api(CPJ, "NetworkConfig.VpcConfig.SecurityGroupIds")] | None = sdk_field(
        None, doc="VPC security groups (with subnets).", lands_in="CreateProcessingJob.NetworkConfig.VpcConfig.SecurityGroupIds"
    )
    subnets: Annotated[tuple[str, ...], Api(CPJ, "NetworkConfig.VpcConfig.Subnets")] | None = sdk_field(
        None, doc="VPC subnets (with security_group_ids).", lands_in="CreateProcessingJob.NetworkConfig.VpcConfig.Subnets"
    )
    encrypt_inter_container_traffic: bool | None = sdk_field(
        None, doc="Encrypt traffic between instances.", lands_in="CreateProcessingJob.NetworkConfig.EnableInterContainerTrafficEncryption"
    )


Command = Annotated[tuple[str, ...], Field(min_length=1), Api(CPJ, "AppSpecification.ContainerEntrypoint")]


class _ProcessorBase(SdkModel):
    """What every processor class takes."""

    section_title: ClassVar[str] = "processor"
    #: Whether run() takes code (and source_dir): ScriptProcessor and its subclasses; FrameworkProcessor.
    TAKES_CODE: ClassVar[bool] = True
    TAKES_SOURCE_DIR: ClassVar[bool] = False

    role: str | None = sdk_field(None, doc="IAM role name or ARN the job runs as (default: a role sagestack generates from the step's inputs and outputs).", lands_in="CreateProcessingJob.RoleArn")
    instance_type: Annotated[str, Api(CPJ, f"{CLUSTER}.InstanceType")] = sdk_field(doc="Instance type, e.g. ml.m5.xlarge.", lands_in="CreateProcessingJob.ProcessingResources.ClusterConfig.InstanceType")
    instance_count: Annotated[int, Api(CPJ, f"{CLUSTER}.InstanceCount")] = sdk_field(doc="Number of instances.", lands_in="CreateProcessingJob.ProcessingResources.ClusterConfig.InstanceCount")
    volume_size_in_gb: Annotated[int, Api(CPJ, f"{CLUSTER}.VolumeSizeInGB")] = sdk_field(30, doc="EBS volume size per instance.", lands_in="CreateProcessingJob.ProcessingResources.ClusterConfig.VolumeSizeInGB")
    volume_kms_key: Annotated[str, Api(CPJ, f"{CLUSTER}.VolumeKmsKeyId")] | None = sdk_field(None, doc="KMS key of the volume.", lands_in="CreateProcessingJob.ProcessingResources.ClusterConfig.VolumeKmsKeyId")
    output_kms_key: Annotated[str, Api(CPJ, "ProcessingOutputConfig.KmsKeyId")] | None = sdk_field(None, doc="KMS key of the outputs.", lands_in="CreateProcessingJob.ProcessingOutputConfig.KmsKeyId")
    max_runtime_in_seconds: Annotated[int, Api(CPJ, "StoppingCondition.MaxRuntimeInSeconds")] | None = sdk_field(
        None, doc="Stop the job after this many seconds (SageMaker's default: 24 hours).", lands_in="CreateProcessingJob.StoppingCondition.MaxRuntimeInSeconds"
    )
    base_job_name: str | None = sdk_field(None, doc="Notebook-side job-name prefix; in a pipeline a processing job is named <run name>-<step name> (ignored, with a warning).", lands_in=None)
    env: Annotated[dict[str, str], Api(CPJ, "Environment")] | None = sdk_field(None, doc="Environment variables of the container.", lands_in="CreateProcessingJob.Environment")
    tags: Tags = sdk_field((), doc="Tags on the processing job.", lands_in="CreateProcessingJob.Tags")
    network_config: NetworkConfig | None = sdk_field(None, doc="Network isolation, encryption, VPC.", lands_in="CreateProcessingJob.NetworkConfig")


class Processor(_ProcessorBase):
    """``sagemaker.processing.Processor``: your image and its entrypoint; run() takes no code."""

    TAKES_CODE: ClassVar[bool] = False
    type: Literal["Processor"] = sdk_field(doc="The SDK class.", lands_in=None)
    image_uri: Annotated[str, Api(CPJ, "AppSpecification.ImageUri")] | ImageUriRetrieve = sdk_field(
        doc="The image (a URI, or image_uris.retrieve() arguments).", lands_in="CreateProcessingJob.AppSpecification.ImageUri"
    )
    entrypoint: Command | None = sdk_field(None, doc="The container's entrypoint, as a list.", lands_in="CreateProcessingJob.AppSpecification.ContainerEntrypoint")


class ScriptProcessor(_ProcessorBase):
    """``sagemaker.processing.ScriptProcessor``: your image runs ``command`` + the code."""

    type: Literal["ScriptProcessor"] = sdk_field(doc="The SDK class.", lands_in=None)
    image_uri: Annotated[str, Api(CPJ, "AppSpecification.ImageUri")] | ImageUriRetrieve = sdk_field(
        doc="The image (a URI, or image_uris.retrieve() arguments).", lands_in="CreateProcessingJob.AppSpecification.ImageUri"
    )
    command: Command = sdk_field(doc="The command that runs the code, e.g. [python3].", lands_in="CreateProcessingJob.AppSpecification.ContainerEntrypoint")


class SKLearnProcessor(_ProcessorBase):
    """``sagemaker.sklearn.processing.SKLearnProcessor``: the SDK's scikit-learn image runs the code."""

    type: Literal["SKLearnProcessor"] = sdk_field(doc="The SDK class.", lands_in=None)
    framework_version: str = sdk_field(doc="scikit-learn version of the image, e.g. \"1.2-1\".", lands_in="CreateProcessingJob.AppSpecification.ImageUri")
    command: Command | None = sdk_field(None, doc="The command that runs the code (default [python3]).", lands_in="CreateProcessingJob.AppSpecification.ContainerEntrypoint")


class FrameworkProcessorBase(_ProcessorBase):
    """What ``FrameworkProcessor`` and its framework subclasses take: a framework's training
    image runs the code from a source_dir archive (through the SDK's runproc.sh)."""

    TAKES_SOURCE_DIR: ClassVar[bool] = True
    framework_version: str = sdk_field(doc="Framework version of the image.", lands_in="CreateProcessingJob.AppSpecification.ImageUri")
    py_version: str = sdk_field("py3", doc="Python version of the image.", lands_in="CreateProcessingJob.AppSpecification.ImageUri")
    image_uri: Annotated[str, Api(CPJ, "AppSpecification.ImageUri")] | ImageUriRetrieve | None = sdk_field(
        None, doc="Another image instead of the framework's.", lands_in="CreateProcessingJob.AppSpecification.ImageUri"
    )
    command: Command | None = sdk_field(None, doc="The command runproc.sh runs the code with (default [python]).", lands_in="CreateProcessingJob.AppSpecification.ContainerEntrypoint")
    code_location: S3Uri | None = sdk_field(None, doc="Notebook-side upload location; sagestack uploads the code as a deploy-time asset (ignored, with a warning).", lands_in=None)


class FrameworkProcessor(FrameworkProcessorBase):
    """``sagemaker.processing.FrameworkProcessor(estimator_cls, ...)``."""

    type: Literal["FrameworkProcessor"] = sdk_field(doc="The SDK class.", lands_in=None)
    estimator_cls: FrameworkName = sdk_field(doc="The framework estimator class whose image runs the code (its name).", lands_in="CreateProcessingJob.AppSpecification.ImageUri")


class PyTorchProcessor(FrameworkProcessorBase):
    """``sagemaker.pytorch.processing.PyTorchProcessor``: FrameworkProcessor with PyTorch."""

    type: Literal["PyTorchProcessor"] = sdk_field(doc="The SDK class.", lands_in=None)
    estimator_cls: PyTorchName = sdk_field(_PYTORCH, doc="Always PyTorch.", lands_in="CreateProcessingJob.AppSpecification.ImageUri")


PROCESSOR_TYPES: dict[str, type[_ProcessorBase]] = {
    "Processor": Processor,
    "ScriptProcessor": ScriptProcessor,
    "SKLearnProcessor": SKLearnProcessor,
    "FrameworkProcessor": FrameworkProcessor,
    "PyTorchProcessor": PyTorchProcessor,
}
if TYPE_CHECKING:
    ProcessorSpec = Processor | ScriptProcessor | SKLearnProcessor | FrameworkProcessor | PyTorchProcessor
else:
    ProcessorSpec = typed_union(PROCESSOR_TYPES, "processor")


class ProcessingRun(SdkModel):
    """``processor.run(...)`` arguments."""

    section_title: ClassVar[str] = "run"

    code: ScriptPath | None = sdk_field(
        None,
        doc="The script: a local file (relative to the descriptor; inside source_dir for framework processors) or an S3 URI. ScriptProcessor and its subclasses need it; Processor takes none.",
        lands_in="CreateProcessingJob.ProcessingInputs[code] and AppSpecification.ContainerEntrypoint",
    )
    source_dir: SourceDirPath | None = sdk_field(None, doc="Framework processors: the directory (relative to the descriptor) packed with the code (sourcedir.tar.gz).", lands_in="CreateProcessingJob.ProcessingInputs[code]")
    dependencies: tuple[LocalPath, ...] = sdk_field((), doc="Framework processors: more directories packed beside source_dir.", lands_in="CreateProcessingJob.ProcessingInputs[code]")
    inputs: tuple[ProcessingInput, ...] = sdk_field((), doc="ProcessingInput fields, one per input.", lands_in="CreateProcessingJob.ProcessingInputs")
    outputs: tuple[ProcessingOutput, ...] = sdk_field((), doc="ProcessingOutput fields, one per output.", lands_in="CreateProcessingJob.ProcessingOutputConfig.Outputs")
    arguments: Annotated[tuple[str, ...], Api(CPJ, "AppSpecification.ContainerArguments")] | None = sdk_field(
        None, doc="Arguments passed to the code.", lands_in="CreateProcessingJob.AppSpecification.ContainerArguments"
    )
    job_name: str | None = sdk_field(None, doc="Notebook-side job name; in a pipeline a processing job is named <run name>-<step name> (ignored, with a warning).", lands_in=None)
    wait: bool | None = sdk_field(None, doc="Notebook-side; a pipeline always waits for the job (ignored, with a warning).", lands_in=None)
    logs: bool | None = sdk_field(None, doc="Notebook-side; logs go to CloudWatch Logs (ignored, with a warning).", lands_in=None)


class ProcessingStep(SdkModel):
    """One processing job of the pipeline: ``processor`` then ``processor.run(...)``."""

    section_title: ClassVar[str] = "processing"

    name: Annotated[str, Field(pattern=STEP_NAME, max_length=STEP_NAME_MAX)] = sdk_field(
        doc=f"The step's name: lowercase letters, digits and single hyphens, at most {STEP_NAME_MAX} characters; the job is named <run name>-<name>.",
        lands_in="CreateProcessingJob.ProcessingJobName",
    )
    when: Literal["before_training", "after_training"] = sdk_field(
        "before_training", doc="Run before training (data preparation) or after it (evaluation).", lands_in="the order of the pipeline's Process <name> tasks (Step Functions)"
    )
    processor: ProcessorSpec = sdk_field(doc="The processor class's constructor arguments (type: names the class).", lands_in="CreateProcessingJob")
    run: ProcessingRun = sdk_field(default_factory=ProcessingRun, doc="processor.run(...) arguments.", lands_in="CreateProcessingJob")

    def output_names(self) -> list[str]:
        """The outputs' names, the SDK's default ``output-<n>`` for an unnamed one."""
        return [o.output_name or f"output-{n}" for n, o in enumerate(self.run.outputs, 1)]

    def input_names(self) -> list[str]:
        return [i.input_name or f"input-{n}" for n, i in enumerate(self.run.inputs, 1)]


ProcessingSteps = Annotated[tuple[ProcessingStep, ...], Field(min_length=1)]


# -- rules -------------------------------------------------------------------------------------


def _references(d: Any) -> Iterator[tuple[tuple[str | int, ...], StepOutput, int | None]]:
    """Every {step, output}: (path, reference, index of the step holding it; None for fit)."""
    for index, step in enumerate(d.processing or ()):
        for n, inp in enumerate(step.run.inputs):
            if isinstance(inp.source, StepOutput):
                yield ("processing", index, "run", "inputs", n, "source"), inp.source, index
    fit = getattr(d, "fit", None)
    if fit is not None and fit.inputs.channels:
        for channel, spec in fit.inputs.channels.items():
            if isinstance(spec.s3_data, StepOutput):
                yield ("fit", "inputs", channel), spec.s3_data, None


@rule("processing")
def processing_steps_fit_together(d: Any, ctx: Context) -> Iterator[Finding]:
    """Unique step names; references name an earlier step's output (training's model only after
    training); code where the class takes it."""
    steps = list(d.processing)
    names: dict[str, int] = {}
    for index, step in enumerate(steps):
        if step.name == TRAINING_STEP:
            yield Finding(("processing", index, "name"), f"'{TRAINING_STEP}' names the training step in {{step, output}} references", "another name", step.name)
        elif step.name in names:
            yield Finding(("processing", index, "name"), f"two processing steps are named '{step.name}' (the first is entry {names[step.name] + 1})", "a name of its own", step.name)
        names.setdefault(step.name, index)
        if step.when == "after_training" and getattr(d, "estimator", None) is None:
            yield Finding(("processing", index, "when"), "after_training needs a training step: add an estimator (with fit), or run it before_training", "before_training", step.when)
        cls = type(step.processor)
        if cls.TAKES_CODE and step.run.code is None:
            yield Finding(("processing", index, "run"), f"{step.processor.type}.run() needs code: the script to run", "run: {code: preprocess.py}", "no code")
        if not cls.TAKES_CODE and step.run.code is not None:
            yield Finding(("processing", index, "run", "code"), "Processor.run() takes no code: its image's entrypoint runs; use ScriptProcessor to run a script", "no code, or type: ScriptProcessor", step.run.code)
        if not cls.TAKES_SOURCE_DIR:
            for key in ("source_dir", "dependencies"):
                if getattr(step.run, key):
                    yield Finding(("processing", index, "run", key), f"{step.processor.type}.run() takes no {key} (FrameworkProcessor and its subclasses do)", "code alone", str(getattr(step.run, key)))
        if cls.TAKES_CODE:
            yield from _code_exists(("processing", index, "run"), step.run, ctx)
        reserved = {CODE_INPUT, ENTRYPOINT_INPUT} if cls.TAKES_SOURCE_DIR else {CODE_INPUT} if cls.TAKES_CODE else set()
        for kind, found in (("input", step.input_names()), ("output", step.output_names())):
            seen: set[str] = set()
            for n, name in enumerate(found):
                key = "inputs" if kind == "input" else "outputs"
                if name in seen:
                    yield Finding(("processing", index, "run", key, n), f"two {kind}s of this step are named '{name}'", f"{kind}_name of its own", name)
                seen.add(name)
                if kind == "input" and name in reserved:
                    yield Finding(("processing", index, "run", key, n), f"the SDK names its code input '{name}'", "another input_name", name)
        for n, inp in enumerate(step.run.inputs):
            if inp.s3_compression_type == "Gzip" and inp.s3_input_mode != "Pipe":
                yield Finding(("processing", index, "run", "inputs", n, "s3_compression_type"), "Data can only be gzipped when the input mode is Pipe (the SDK's check)", "None, or s3_input_mode: Pipe", "Gzip")
        net = step.processor.network_config
        if net is not None and (net.subnets is None) != (net.security_group_ids is None):
            yield Finding(("processing", index, "processor", "network_config"), "a VPC needs both subnets and security_group_ids", "both, or neither", "one of them")
        image = getattr(step.processor, "image_uri", None)
        if isinstance(image, ImageUriRetrieve):
            yield from _retrieve_problems(("processing", index, "processor", "image_uri"), image)
        for key in ("base_job_name", "code_location"):
            if getattr(step.processor, key, None) is not None:
                yield Finding(("processing", index, "processor", key), f"ignored: {_IGNORED[key]}", None, getattr(step.processor, key), severity="warning")
        if step.run.job_name is not None:
            yield Finding(("processing", index, "run", "job_name"), f"ignored: {_IGNORED['base_job_name']}", None, step.run.job_name, severity="warning")
        for key in ("wait", "logs"):
            if getattr(step.run, key) is not None:
                yield Finding(("processing", index, "run", key), "ignored: a pipeline always waits for the job and its logs go to CloudWatch Logs", None, str(getattr(step.run, key)), severity="warning")
    for path, ref, holder in _references(d):
        if ref.step == TRAINING_STEP:
            if ref.output != MODEL_OUTPUT:
                yield Finding(path + ("output",), "the training step's output is its model", MODEL_OUTPUT, ref.output)
            elif holder is None:
                yield Finding(path, "a training channel cannot read the model it trains", "a processing step's output", f"{TRAINING_STEP}.{MODEL_OUTPUT}")
            elif steps[holder].when != "after_training":
                yield Finding(path, "the trained model exists only after training: this step runs before it", f"when: after_training on step '{steps[holder].name}'", f"{TRAINING_STEP}.{MODEL_OUTPUT}")
            continue
        if ref.step not in names:
            yield Finding(path + ("step",), "no processing step has this name", ", ".join(sorted(names)) or "a step of processing:", ref.step)
            continue
        target = steps[names[ref.step]]
        if ref.output not in target.output_names():
            yield Finding(path + ("output",), f"step '{ref.step}' has no output of this name", ", ".join(target.output_names()) or "an output_name of its run.outputs", ref.output)
        if holder is None:
            if target.when != "before_training":
                yield Finding(path + ("step",), f"step '{ref.step}' runs after training: a training channel reads only steps before it", "a before_training step", ref.step)
        elif _order(steps, names[ref.step]) >= _order(steps, holder):
            yield Finding(path + ("step",), f"step '{ref.step}' runs at or after this step: a step reads only earlier steps' outputs", "an earlier step", ref.step)


def _code_exists(at: tuple[str | int, ...], run: ProcessingRun, ctx: Context) -> Iterator[Finding]:
    """The code file (inside source_dir when there is one) and the dependencies exist."""
    if run.code is None:
        return
    if run.code.startswith("s3://"):
        if run.source_dir or run.dependencies:
            yield Finding(at + ("code",), "code is an S3 URI: the SDK packs no source_dir or dependencies with it", "a local file (inside source_dir)", run.code)
        return
    base = ctx.base_dir
    if run.source_dir:
        if ctx.outside(run.source_dir):
            return  # reported by local_paths_stay_inside_the_repository
        base = ctx.base_dir / run.source_dir
        if not base.is_dir():
            yield Finding(at + ("source_dir",), "directory not found (paths are relative to the descriptor file)", "an existing directory", run.source_dir)
            return
    if not ctx.outside(run.code, base) and not (base / run.code).is_file():
        where = "source_dir" if run.source_dir else "the descriptor's directory"
        yield Finding(at + ("code",), f"file not found relative to {where}", "an existing file", run.code)
    for n, dep in enumerate(run.dependencies):
        if not ctx.outside(dep) and not (ctx.base_dir / dep).exists():
            yield Finding(at + ("dependencies", n), "path not found (relative to the descriptor file)", "an existing path", dep)


def _order(steps: list[ProcessingStep], index: int) -> tuple[int, int]:
    """Where a step runs: before training in list order, then after training in list order."""
    return (0 if steps[index].when == "before_training" else 1, index)


_IGNORED = {
    "base_job_name": "in a pipeline a processing job is named <run name>-<step name>",
    "code_location": "sagestack uploads the code as a deploy-time asset",
}


def processing_order(steps: tuple[ProcessingStep, ...] | list[ProcessingStep], when: str) -> list[ProcessingStep]:
    return [s for s in steps if s.when == when]


def source_uri(value: Any) -> str | None:
    """A plain S3 URI source, or None for a reference."""
    return value if isinstance(value, str) else None


__all__ += ["processing_order", "source_uri"]

