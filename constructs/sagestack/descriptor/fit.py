"""The ``fit:`` section — mirrors ``estimator.fit(inputs=..., job_name=..., mini_batch_size=...)``.

``inputs`` takes every form the SDK's ``fit`` takes:

* an S3 URI string — one channel named ``training``;
* a mapping of channel name → S3 URI or ``TrainingInput`` fields (v1 ``s3_input``);
* ``TrainingInput`` fields alone — one channel named ``training``;
* ``RecordSet`` fields, or a list of them (built-in algorithms): ``s3_data``, ``num_records``,
  ``feature_dim``, ``s3_data_type``, ``channel``; or a mapping of channel name → RecordSet fields.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BeforeValidator, Field, field_serializer

from .base import Api, SdkModel, sdk_field, user_error
from .processing import StepOutput, uri_or_reference
from .types import PositiveInt, S3Uri

__all__ = ["Fit", "TrainingInput", "RecordSet", "ShuffleConfig", "DEFAULT_CHANNEL"]

CTJ = "CreateTrainingJob"
CH = "InputDataConfig[]"
DEFAULT_CHANNEL = "training"  # the SDK's channel name for a bare S3 URI or TrainingInput

ChannelName = Annotated[str, Api(CTJ, f"{CH}.ChannelName")]
if TYPE_CHECKING:  # the type checker sees what the discriminated union holds
    ChannelData = str | StepOutput
else:
    ChannelData = uri_or_reference(Annotated[S3Uri, Api(CTJ, f"{CH}.DataSource.S3DataSource.S3Uri")])


class ShuffleConfig(SdkModel):
    seed: int = sdk_field(doc="Shuffle seed.", lands_in="CreateTrainingJob.InputDataConfig[].ShuffleConfig.Seed")


class TrainingInput(SdkModel):
    """``sagemaker.inputs.TrainingInput`` (v1 ``sagemaker.session.s3_input``)."""

    s3_data: ChannelData = sdk_field(
        doc="S3 prefix or manifest of the channel's data, or {step, output}: a processing step's output.", lands_in="CreateTrainingJob.InputDataConfig[].DataSource.S3DataSource.S3Uri"
    )
    distribution: Annotated[str, Api(CTJ, f"{CH}.DataSource.S3DataSource.S3DataDistributionType")] = sdk_field(
        "FullyReplicated",
        doc="FullyReplicated or ShardedByS3Key.",
        lands_in="CreateTrainingJob.InputDataConfig[].DataSource.S3DataSource.S3DataDistributionType",
    )
    compression: Annotated[str, Api(CTJ, f"{CH}.CompressionType")] | None = sdk_field(
        None, doc="None or Gzip.", lands_in="CreateTrainingJob.InputDataConfig[].CompressionType"
    )
    content_type: Annotated[str, Api(CTJ, f"{CH}.ContentType")] | None = sdk_field(
        None, doc="MIME type of the data, e.g. text/csv.", lands_in="CreateTrainingJob.InputDataConfig[].ContentType"
    )
    record_wrapping: Annotated[str, Api(CTJ, f"{CH}.RecordWrapperType")] | None = sdk_field(
        None, doc="None or RecordIO.", lands_in="CreateTrainingJob.InputDataConfig[].RecordWrapperType"
    )
    s3_data_type: Annotated[str, Api(CTJ, f"{CH}.DataSource.S3DataSource.S3DataType")] = sdk_field(
        "S3Prefix",
        doc="S3Prefix, ManifestFile or AugmentedManifestFile.",
        lands_in="CreateTrainingJob.InputDataConfig[].DataSource.S3DataSource.S3DataType",
    )
    input_mode: Annotated[str, Api(CTJ, f"{CH}.InputMode")] | None = sdk_field(
        None, doc="Per-channel File, Pipe or FastFile (default: the estimator's).", lands_in="CreateTrainingJob.InputDataConfig[].InputMode"
    )
    attribute_names: Annotated[tuple[str, ...], Api(CTJ, f"{CH}.DataSource.S3DataSource.AttributeNames")] | None = sdk_field(
        None, doc="Attributes of an augmented manifest.", lands_in="CreateTrainingJob.InputDataConfig[].DataSource.S3DataSource.AttributeNames"
    )
    shuffle_config: ShuffleConfig | None = sdk_field(None, doc="Shuffle with this seed.", lands_in="CreateTrainingJob.InputDataConfig[].ShuffleConfig")


class RecordSet(SdkModel):
    """``sagemaker.amazon.amazon_estimator.RecordSet``: RecordIO-protobuf data for a built-in algorithm."""

    s3_data: Annotated[S3Uri, Api(CTJ, f"{CH}.DataSource.S3DataSource.S3Uri")] = sdk_field(
        doc="Manifest file or S3 prefix.", lands_in="CreateTrainingJob.InputDataConfig[].DataSource.S3DataSource.S3Uri"
    )
    num_records: PositiveInt = sdk_field(doc="Number of records (caps the default mini_batch_size).", lands_in="CreateTrainingJob.HyperParameters.mini_batch_size")
    feature_dim: PositiveInt = sdk_field(doc="Features per record.", lands_in="CreateTrainingJob.HyperParameters.feature_dim")
    s3_data_type: Annotated[str, Api(CTJ, f"{CH}.DataSource.S3DataSource.S3DataType")] = sdk_field(
        "ManifestFile", doc="ManifestFile (what record_set() writes) or S3Prefix.", lands_in="CreateTrainingJob.InputDataConfig[].DataSource.S3DataSource.S3DataType"
    )
    channel: ChannelName = sdk_field("train", doc="Channel name: train, validation or test.", lands_in="CreateTrainingJob.InputDataConfig[].ChannelName")

    RECORD_KEYS: ClassVar[frozenset[str]] = frozenset({"num_records", "feature_dim", "channel"})


def _is_reference(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"step", "output"}


def _as_channel(value: Any) -> Any:
    return {"s3_data": value} if isinstance(value, str) or _is_reference(value) else value


Channel = Annotated[TrainingInput, BeforeValidator(_as_channel)]

def _not_empty(value: Any) -> Any:
    # After the items validated: an item's own mistake is not also reported as "no items".
    if not value:
        raise user_error("no_inputs", "fit needs at least one input", allowed="an S3 URI, {channel: URI or TrainingInput}, or RecordSets", got="nothing")
    return value


Channels = Annotated[dict[ChannelName, Channel], Api(CTJ, "InputDataConfig"), AfterValidator(_not_empty)]
Records = Annotated[tuple[RecordSet, ...], AfterValidator(_not_empty)]


def _normalize_inputs(value: Any) -> Any:
    """Every SDK form of ``inputs`` → ``{'channels': {...}}`` or ``{'records': [...]}``."""
    if isinstance(value, str) or _is_reference(value):
        return {"channels": {DEFAULT_CHANNEL: value}}
    if isinstance(value, list):
        return {"records": value}
    if isinstance(value, dict) and "s3_data" in value:
        if RecordSet.RECORD_KEYS & set(value):
            return {"records": [value]}
        return {"channels": {DEFAULT_CHANNEL: value}}
    if isinstance(value, dict) and value and all(isinstance(v, dict) and RecordSet.RECORD_KEYS & set(v) for v in value.values()):
        # {channel: RecordSet fields}: the key names the channel
        return {"records": [{**v, "channel": v.get("channel", k)} for k, v in value.items()]}
    if isinstance(value, dict):
        return {"channels": value}
    return value


class Inputs(SdkModel):
    """Normalized ``fit`` inputs: channels (frameworks, Estimator) or record sets (built-ins)."""

    channels: Channels | None = sdk_field(None, doc="Channel name → data.", lands_in="CreateTrainingJob.InputDataConfig")
    records: Records | None = sdk_field(None, doc="RecordSets, one per channel.", lands_in="CreateTrainingJob.InputDataConfig")


class Fit(SdkModel):
    """``estimator.fit(...)``."""

    section_title: ClassVar[str] = "fit"

    inputs: Annotated[Inputs, BeforeValidator(_normalize_inputs)] = sdk_field(
        doc="Training data: S3 URI, {channel: URI or TrainingInput}, TrainingInput, RecordSet or [RecordSet].",
        lands_in="CreateTrainingJob.InputDataConfig",
    )
    job_name: Annotated[str, Api(CTJ, "TrainingJobName"), Field(max_length=39)] | None = sdk_field(
        None,
        doc="Prefix of each run's job name (a run suffix keeps names unique); same role as base_job_name.",
        lands_in="CreateTrainingJob.TrainingJobName",
    )
    mini_batch_size: PositiveInt | None = sdk_field(
        None, doc="Built-in algorithms: records per mini-batch (SDK default from num_records).", lands_in="CreateTrainingJob.HyperParameters.mini_batch_size"
    )
    wait: bool | None = sdk_field(None, doc="Notebook-side; a pipeline always waits for the job (ignored, with a warning).", lands_in=None)
    logs: bool | Literal["All", "None", "Rules"] | None = sdk_field(
        None, doc="Notebook-side; logs go to CloudWatch Logs (ignored, with a warning).", lands_in=None
    )
    run_tensorboard_locally: bool | None = sdk_field(None, doc="Notebook-side (ignored, with a warning).", lands_in=None)

    @field_serializer("inputs")
    def _inputs_as_written(self, inputs: Inputs, info: Any) -> Any:
        """Dump inputs in a form the SDK's fit() takes (channels mapping or RecordSet list), so a
        dumped descriptor validates again (Python descriptors built from ModelDescriptor rely on it)."""
        if inputs.records is not None:
            return [r.model_dump(mode=info.mode, exclude_unset=info.exclude_unset) for r in inputs.records]
        return {name: ch.model_dump(mode=info.mode, exclude_unset=info.exclude_unset) for name, ch in (inputs.channels or {}).items()}
