"""The ``transformer:`` and ``transform:`` sections — mirror ``estimator.transformer(...)`` /
``model.transformer(...)`` and ``transformer.transform(...)`` (batch transform)."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field

from .base import Api, SdkModel, sdk_field
from .types import CodePath, PositiveInt, RoleRef, S3Uri, Tags, TransformEnvironment

__all__ = ["Transformer", "Transform", "ModelClientConfig", "BatchDataCaptureConfig"]

CTJ = "CreateTransformJob"


class Transformer(SdkModel):
    """``estimator.transformer(...)`` / ``model.transformer(...)``."""

    section_title: ClassVar[str] = "transformer"

    instance_count: Annotated[int, Api(CTJ, "TransformResources.InstanceCount")] = sdk_field(
        1, doc="Transform instances.", lands_in="CreateTransformJob.TransformResources.InstanceCount"
    )
    instance_type: Annotated[str, Api(CTJ, "TransformResources.InstanceType")] = sdk_field(
        doc="Transform instance type (required).", lands_in="CreateTransformJob.TransformResources.InstanceType"
    )
    strategy: Annotated[str, Api(CTJ, "BatchStrategy")] | None = sdk_field(
        None, doc="MultiRecord or SingleRecord.", lands_in="CreateTransformJob.BatchStrategy"
    )
    assemble_with: Annotated[str, Api(CTJ, "TransformOutput.AssembleWith")] | None = sdk_field(
        None, doc="Line or None.", lands_in="CreateTransformJob.TransformOutput.AssembleWith"
    )
    output_path: Annotated[S3Uri, Api(CTJ, "TransformOutput.S3OutputPath")] | None = sdk_field(
        None, doc="S3 prefix for results (default: the artifact bucket).", lands_in="CreateTransformJob.TransformOutput.S3OutputPath"
    )
    output_kms_key: Annotated[str, Api(CTJ, "TransformOutput.KmsKeyId")] | None = sdk_field(
        None, doc="KMS key for results.", lands_in="CreateTransformJob.TransformOutput.KmsKeyId"
    )
    accept: Annotated[str, Api(CTJ, "TransformOutput.Accept")] | None = sdk_field(
        None, doc="MIME type of the results.", lands_in="CreateTransformJob.TransformOutput.Accept"
    )
    env: TransformEnvironment | None = sdk_field(None, doc="Environment of the transform container.", lands_in="CreateTransformJob.Environment")
    max_concurrent_transforms: Annotated[int, Api(CTJ, "MaxConcurrentTransforms")] | None = sdk_field(
        None, doc="Parallel requests per instance.", lands_in="CreateTransformJob.MaxConcurrentTransforms"
    )
    max_payload: Annotated[int, Api(CTJ, "MaxPayloadInMB")] | None = sdk_field(
        None, doc="Largest request payload in MB.", lands_in="CreateTransformJob.MaxPayloadInMB"
    )
    tags: Tags = sdk_field((), doc="Tags for the transform job.", lands_in="CreateTransformJob.Tags")
    role: RoleRef | None = sdk_field(None, doc="Role of the model the estimator creates.", lands_in="CreateModel.ExecutionRoleArn")
    volume_kms_key: Annotated[str, Api(CTJ, "TransformResources.VolumeKmsKeyId")] | None = sdk_field(
        None, doc="KMS key for the instance volumes.", lands_in="CreateTransformJob.TransformResources.VolumeKmsKeyId"
    )
    model_server_workers: PositiveInt | None = sdk_field(
        None, doc="Model server workers per instance.", lands_in="CreateModel.PrimaryContainer.Environment.SAGEMAKER_MODEL_SERVER_WORKERS"
    )
    entry_point: CodePath | None = sdk_field(
        None, doc="Inference script for the model (framework estimators).", lands_in="CreateModel.PrimaryContainer.Environment.SAGEMAKER_PROGRAM"
    )
    enable_network_isolation: bool | None = sdk_field(
        None, doc="No network for the model container (default: the estimator's).", lands_in="CreateModel.EnableNetworkIsolation"
    )


class ModelClientConfig(SdkModel):
    invocations_timeout_in_seconds: Annotated[int, Api(CTJ, "ModelClientConfig.InvocationsTimeoutInSeconds")] | None = sdk_field(
        None, doc="Timeout of each invocation.", lands_in="CreateTransformJob.ModelClientConfig.InvocationsTimeoutInSeconds"
    )
    invocations_max_retries: Annotated[int, Api(CTJ, "ModelClientConfig.InvocationsMaxRetries")] | None = sdk_field(
        None, doc="Retries of each invocation.", lands_in="CreateTransformJob.ModelClientConfig.InvocationsMaxRetries"
    )


class BatchDataCaptureConfig(SdkModel):
    destination_s3_uri: Annotated[S3Uri, Api(CTJ, "DataCaptureConfig.DestinationS3Uri")] = sdk_field(
        doc="Where captures go.", lands_in="CreateTransformJob.DataCaptureConfig.DestinationS3Uri"
    )
    kms_key_id: Annotated[str, Api(CTJ, "DataCaptureConfig.KmsKeyId")] | None = sdk_field(
        None, doc="KMS key.", lands_in="CreateTransformJob.DataCaptureConfig.KmsKeyId"
    )
    generate_inference_id: bool | None = sdk_field(
        None, doc="Add an inference ID to each record.", lands_in="CreateTransformJob.DataCaptureConfig.GenerateInferenceId"
    )


class Transform(SdkModel):
    """``transformer.transform(...)``."""

    section_title: ClassVar[str] = "transform"

    data: Annotated[S3Uri, Api(CTJ, "TransformInput.DataSource.S3DataSource.S3Uri")] = sdk_field(
        doc="S3 prefix or manifest to transform (required).", lands_in="CreateTransformJob.TransformInput.DataSource.S3DataSource.S3Uri"
    )
    data_type: Annotated[str, Api(CTJ, "TransformInput.DataSource.S3DataSource.S3DataType")] = sdk_field(
        "S3Prefix", doc="S3Prefix, ManifestFile or AugmentedManifestFile.", lands_in="CreateTransformJob.TransformInput.DataSource.S3DataSource.S3DataType"
    )
    content_type: Annotated[str, Api(CTJ, "TransformInput.ContentType")] | None = sdk_field(
        None, doc="MIME type of the input.", lands_in="CreateTransformJob.TransformInput.ContentType"
    )
    compression_type: Annotated[str, Api(CTJ, "TransformInput.CompressionType")] | None = sdk_field(
        None, doc="None or Gzip.", lands_in="CreateTransformJob.TransformInput.CompressionType"
    )
    split_type: Annotated[str, Api(CTJ, "TransformInput.SplitType")] | None = sdk_field(
        None, doc="None, Line, RecordIO or TFRecord.", lands_in="CreateTransformJob.TransformInput.SplitType"
    )
    job_name: Annotated[str, Api(CTJ, "TransformJobName"), Field(max_length=39)] | None = sdk_field(
        None, doc="Prefix of each run's transform job name (a run suffix keeps names unique); with an estimator the run's jobs share the training prefix, so use estimator.base_job_name there.", lands_in="CreateTransformJob.TransformJobName"
    )
    input_filter: Annotated[str, Api(CTJ, "DataProcessing.InputFilter")] | None = sdk_field(
        None, doc="JSONPath selecting the input sent to the model.", lands_in="CreateTransformJob.DataProcessing.InputFilter"
    )
    output_filter: Annotated[str, Api(CTJ, "DataProcessing.OutputFilter")] | None = sdk_field(
        None, doc="JSONPath selecting what is written.", lands_in="CreateTransformJob.DataProcessing.OutputFilter"
    )
    join_source: Annotated[str, Api(CTJ, "DataProcessing.JoinSource")] | None = sdk_field(
        None, doc="Input or None: join input records to results.", lands_in="CreateTransformJob.DataProcessing.JoinSource"
    )
    model_client_config: ModelClientConfig | None = sdk_field(None, doc="Invocation timeout and retries.", lands_in="CreateTransformJob.ModelClientConfig")
    batch_data_capture_config: BatchDataCaptureConfig | None = sdk_field(None, doc="Capture inputs and outputs.", lands_in="CreateTransformJob.DataCaptureConfig")
    wait: bool | None = sdk_field(None, doc="Notebook-side; a pipeline always waits (ignored, with a warning).", lands_in=None)
    logs: bool | None = sdk_field(None, doc="Notebook-side (ignored, with a warning).", lands_in=None)
