"""CreateTransformJob, as the SDK sends it for ``transformer(...).transform(...)``."""

from __future__ import annotations

from typing import Any

from ..descriptor import ModelDescriptor
from ..descriptor.estimator import FrameworkEstimator
from .context import RenderContext

__all__ = ["create_transform_job", "transformer_tags"]


def create_transform_job(d: ModelDescriptor, ctx: RenderContext) -> dict[str, Any]:
    tr, t = d.transformer, d.transform
    assert tr is not None and t is not None
    source: dict[str, Any] = {"S3DataType": t.data_type, "S3Uri": t.data}
    transform_input: dict[str, Any] = {"DataSource": {"S3DataSource": source}}
    if t.content_type is not None:
        transform_input["ContentType"] = t.content_type
    if t.compression_type is not None:
        transform_input["CompressionType"] = t.compression_type
    if t.split_type is not None:
        transform_input["SplitType"] = t.split_type
    output: dict[str, Any] = {"S3OutputPath": tr.output_path or f"s3://{ctx.default_bucket}/{ctx.transform_job_name}"}
    if tr.accept is not None:
        output["Accept"] = tr.accept
    if tr.assemble_with is not None:
        output["AssembleWith"] = tr.assemble_with
    if tr.output_kms_key is not None:
        output["KmsKeyId"] = tr.output_kms_key
    resources: dict[str, Any] = {"InstanceCount": tr.instance_count, "InstanceType": tr.instance_type}
    if tr.volume_kms_key is not None:
        resources["VolumeKmsKeyId"] = tr.volume_kms_key
    request: dict[str, Any] = {
        "TransformJobName": ctx.transform_job_name,
        "ModelName": ctx.model_name,
        "TransformInput": transform_input,
        "TransformOutput": output,
        "TransformResources": resources,
    }
    if tr.strategy is not None:
        request["BatchStrategy"] = tr.strategy
    if tr.max_concurrent_transforms is not None:
        request["MaxConcurrentTransforms"] = tr.max_concurrent_transforms
    if tr.max_payload is not None:
        request["MaxPayloadInMB"] = tr.max_payload
    if tr.env is not None or _sends_model_env(d):
        request["Environment"] = dict(tr.env or {})
    tags = [x.model_dump() for x in (*d.tags, *transformer_tags(d))]
    if tags or _tags_given(d):  # tags=[] is sent as given
        request["Tags"] = tags
    processing = {k: v for k, v in (("InputFilter", t.input_filter), ("OutputFilter", t.output_filter), ("JoinSource", t.join_source)) if v is not None}
    if processing:
        request["DataProcessing"] = processing
    if t.model_client_config is not None:
        mcc = {k: v for k, v in (("InvocationsTimeoutInSeconds", t.model_client_config.invocations_timeout_in_seconds), ("InvocationsMaxRetries", t.model_client_config.invocations_max_retries)) if v is not None}
        request["ModelClientConfig"] = mcc
    if t.batch_data_capture_config is not None:
        bdc = t.batch_data_capture_config
        capture: dict[str, Any] = {"DestinationS3Uri": bdc.destination_s3_uri}
        if bdc.kms_key_id is not None:
            capture["KmsKeyId"] = bdc.kms_key_id
        if bdc.generate_inference_id is not None:
            capture["GenerateInferenceId"] = bdc.generate_inference_id
        request["DataCaptureConfig"] = capture
    return request


def through_model(d: ModelDescriptor) -> bool:
    """Whether the transform goes through Model.transformer(): a model: section, or an estimator
    whose transformer() builds its model first and calls that (TensorFlow Serving)."""
    return d.model is not None or (d.estimator is not None and d.estimator.serving(d.deploy) in ("tfs", "legacy-container"))


def transformer_tags(d: ModelDescriptor) -> tuple[Any, ...]:
    """The transformer's tags (for the transform job and the model it creates); the estimators'
    own transformer() falls back to the training job's tags."""
    tr = d.transformer
    assert tr is not None
    if not tr.tags and not through_model(d) and d.estimator is not None:
        return tuple(d.estimator.tags)
    return tuple(tr.tags)


def _tags_given(d: ModelDescriptor) -> bool:
    """Whether the transform job's tags were given, if empty: an estimator's transformer() takes
    ``tags or self.tags`` (the estimator's as given), Model.transformer() the transformer's."""
    tr = d.transformer
    assert tr is not None
    if not through_model(d) and d.estimator is not None:
        return bool(tr.tags) or "tags" in d.estimator.model_fields_set
    return "tags" in tr.model_fields_set


def _sends_model_env(d: ModelDescriptor) -> bool:
    """Framework.transformer always sends the model's environment (empty for a trained model) with
    the transformer's env added; TensorFlow's own transformer (TensorFlow Serving, legacy) and the
    other classes send env only when given."""
    est = d.estimator
    return d.model is None and isinstance(est, FrameworkEstimator) and est.serving(d.deploy) not in ("tfs", "legacy-container")
