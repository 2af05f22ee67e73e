"""CreateTrainingJob, as the SageMaker Python SDK (v2) sends it for the same arguments.

The SDK's rules (``sagemaker.estimator``, ``sagemaker.job``, ``sagemaker.session``):

* Framework estimators (TensorFlow, MXNet): user hyperparameters JSON-encoded; the SDK adds
  ``sagemaker_program``, ``sagemaker_submit_directory``, ``sagemaker_container_log_level``,
  ``sagemaker_job_name``, ``sagemaker_region``, the distribution flags and, for TensorFlow,
  ``model_dir`` (``<output_path>/<job>/model``; ``/opt/ml/model`` with MPI; omitted when false).
* Built-in algorithms: constructor hyperparameters ``str()``'d (lists JSON-encoded) under the
  algorithm's own keys, plus ``feature_dim`` and ``mini_batch_size`` from the RecordSets; KMeans
  adds ``force_dense``. RecordSet channels are ``ShardedByS3Key``.
* ``Estimator`` (your image): hyperparameters ``str()``'d, nothing added.
* Defaults: 30 GB volume, 86400 s, File mode, output ``s3://<default bucket>/``; the Debugger hook
  and the profiler on (output to the output path) unless switched off or unsupported in the region.
* Network isolation: the code travels as an extra ``code`` channel.

SDK v1 legacy TensorFlow (``script_mode: false`` / legacy parameters) follows SDK 1.72: the
``sagemaker-tensorflow`` image, the legacy parameters as hyperparameters
(``checkpoint_path`` defaulting to ``<output_path>/<job>/checkpoints``),
``sagemaker_enable_cloudwatch_metrics: false``, no ``model_dir`` and no profiler. Everything
else renders SDK v2 requests, also when the descriptor uses v1 spellings: SDK v2 accepts those
spellings and sends v2 requests for them.
"""

from __future__ import annotations

import json
import posixpath
from typing import Any

from ..descriptor import ModelDescriptor
from ..descriptor.estimator import BuiltinEstimator, FrameworkEstimator
from ..descriptor.fit import RecordSet, TrainingInput
from ..descriptor.images import processor_for
from .context import RenderContext
from .images import image_uri, resolved_image_uri

__all__ = ["create_training_job", "training_image", "hyperparameters", "output_path", "CODE_CHANNEL_SOURCEDIR"]

# sagemaker.fw_utils: regions without Debugger / profiler support (a test compares with the SDK).
DEBUGGER_UNSUPPORTED_REGIONS = (
    "us-iso-east-1", "us-isob-east-1", "ap-southeast-3", "ap-southeast-4", "eu-south-2",
    "me-central-1", "ap-south-2", "eu-central-2", "us-gov-east-1",
)
PROFILER_UNSUPPORTED_REGIONS = DEBUGGER_UNSUPPORTED_REGIONS
# Framework.CONTAINER_CODE_CHANNEL_SOURCEDIR_PATH
CODE_CHANNEL_SOURCEDIR = "/opt/ml/input/data/code/sourcedir.tar.gz"
TFS_LOG_LEVELS = {10: "debug", 20: "info", 30: "warn", 40: "error", 50: "crit"}  # TensorFlowModel.LOG_LEVEL_MAP


def s3_path_join(*parts: str, with_end_slash: bool = False) -> str:
    """sagemaker.s3.s3_path_join: join with single slashes, keep the s3:// scheme."""
    cleaned = [p for p in parts if p]
    if not cleaned:
        return ""
    head, *rest = cleaned
    scheme = ""
    if head.startswith("s3://"):
        scheme, head = "s3://", head[5:]
    joined = "/".join(x.strip("/") for x in [head, *rest] if x.strip("/"))
    return scheme + joined + ("/" if with_end_slash else "")


def output_path(d: ModelDescriptor, ctx: RenderContext) -> str:
    est = d.estimator
    assert est is not None
    return est.output_path or s3_path_join("s3://", ctx.default_bucket, with_end_slash=True)


def training_image(d: ModelDescriptor, ctx: RenderContext) -> str:
    est = d.estimator
    assert est is not None
    image = getattr(est, "image_uri", None)  # only some estimator classes take one
    if image:
        return resolved_image_uri(image, ctx.region)
    if isinstance(est, BuiltinEstimator):
        return image_uri(est.algorithm, region=ctx.region, version=est.IMAGE_VERSION, scope="training")
    assert isinstance(est, FrameworkEstimator)
    if est.legacy_mode:
        return legacy_tensorflow_image(est.framework_version or "", est.instance_type, ctx.region)
    arguments = est.image_arguments("training")
    return image_uri(arguments.pop("framework"), region=ctx.region, instance_type=est.instance_type, **arguments)


def legacy_tensorflow_image(version: str, instance_type: str, region: str) -> str:
    """SDK 1.72 legacy mode: ``sagemaker-tensorflow:<version>-<cpu|gpu>-py2`` in the legacy
    registry accounts (the SDK's data lists them for the legacy-only versions, up to 1.10)."""
    from ..descriptor.images import image_config
    from .images import ecr_hostname

    config = image_config("tensorflow", "training")
    assert config is not None
    registry = config.config["versions"]["1.10.0"]["registries"][region]
    processor = "gpu" if processor_for(instance_type) == "gpu" else "cpu"
    return f"{registry}.dkr.{ecr_hostname(region)}/sagemaker-tensorflow:{version}-{processor}-py2"


def _json(value: Any) -> str:
    return json.dumps(value)


def _distribution_hyperparameters(est: FrameworkEstimator) -> dict[str, Any]:
    """Framework._distribution_configuration: each strategy renders its own keys."""
    return est.distribution.sdk_hyperparameters(est) if est.distribution is not None else {}


def _script_name(est: FrameworkEstimator) -> str:
    """fw_utils.tar_and_upload_dir: the entry point relative to source_dir, or its base name."""
    return est.entry_point if est.source_dir else posixpath.basename(est.entry_point)


def _record_sets(d: ModelDescriptor) -> tuple[RecordSet, ...]:
    assert d.fit is not None and d.fit.inputs.records is not None
    return d.fit.inputs.records


def hyperparameters(d: ModelDescriptor, ctx: RenderContext) -> dict[str, str]:
    """HyperParameters exactly as the SDK encodes them."""
    est = d.estimator
    assert est is not None and d.fit is not None
    if not isinstance(est, (BuiltinEstimator, FrameworkEstimator)):  # your own image: str() each
        return {str(k): str(v) for k, v in est.hyperparameters.items()}
    if isinstance(est, BuiltinEstimator):
        hps: dict[str, str] = dict(est.EXTRA_HYPERPARAMETERS)
        for name, key in est.HYPERPARAMETER_KEYS.items():
            value = getattr(est, name)
            if value is None:
                continue
            hps[key] = json.dumps(list(value)) if isinstance(value, tuple) else str(value)
        records = _record_sets(d)
        train = next(r for r in records if r.channel == "train")
        hps["feature_dim"] = str(train.feature_dim)
        mini_batch = est.sdk_mini_batch_size(d.fit.mini_batch_size, train.num_records)
        if mini_batch is not None:  # otherwise fit() passes None on, so the algorithm's default applies
            hps["mini_batch_size"] = str(mini_batch)
        return hps
    assert isinstance(est, FrameworkEstimator)
    out = output_path(d, ctx)
    values: dict[str, Any] = est.sdk_hyperparameters(dict(est.hyperparameters), _distribution_hyperparameters(est), lambda *parts: s3_path_join(out, ctx.job_name, *parts))
    isolated = est.enable_network_isolation
    values["sagemaker_submit_directory"] = CODE_CHANNEL_SOURCEDIR if isolated else (est.source_dir if (est.source_dir or "").startswith("s3://") else ctx.source_archive)
    values["sagemaker_program"] = _script_name(est)
    if est.legacy_mode:
        # SDK 1.72 always sent this (its enable_cloudwatch_metrics argument was deprecated and ignored).
        values["sagemaker_enable_cloudwatch_metrics"] = False
    values["sagemaker_container_log_level"] = est.container_log_level
    values["sagemaker_job_name"] = ctx.job_name
    values["sagemaker_region"] = ctx.region
    return {str(k): _json(v) for k, v in values.items()}


def _channel(name: str, channel: TrainingInput, d: ModelDescriptor, ctx: RenderContext) -> dict[str, Any]:
    from .processing import reference_uri  # a processing step's output, for {step, output}

    source: dict[str, Any] = {
        "S3DataType": channel.s3_data_type,
        "S3Uri": reference_uri(d, channel.s3_data, ctx),
        "S3DataDistributionType": channel.distribution,
    }
    if channel.attribute_names is not None:
        source["AttributeNames"] = list(channel.attribute_names)
    out: dict[str, Any] = {"DataSource": {"S3DataSource": source}}
    if channel.compression is not None:
        out["CompressionType"] = channel.compression
    if channel.content_type is not None:
        out["ContentType"] = channel.content_type
    if channel.record_wrapping is not None:
        out["RecordWrapperType"] = channel.record_wrapping
    if channel.input_mode is not None:
        out["InputMode"] = channel.input_mode
    if channel.shuffle_config is not None:
        out["ShuffleConfig"] = {"Seed": channel.shuffle_config.seed}
    out["ChannelName"] = name
    return out


def _record_channel(record: RecordSet) -> dict[str, Any]:
    """RecordSet.records_s3_input(): ShardedByS3Key."""
    return {
        "DataSource": {"S3DataSource": {"S3DataType": record.s3_data_type, "S3Uri": record.s3_data, "S3DataDistributionType": "ShardedByS3Key"}},
        "ChannelName": record.channel,
    }


def input_data_config(d: ModelDescriptor, ctx: RenderContext) -> list[dict[str, Any]]:
    est, fit = d.estimator, d.fit
    assert est is not None and fit is not None
    if fit.inputs.records is not None:
        channels = [_record_channel(r) for r in fit.inputs.records]
    else:
        channels = [_channel(name, ch, d, ctx) for name, ch in (fit.inputs.channels or {}).items()]
    if isinstance(est, FrameworkEstimator) and est.enable_network_isolation:
        code_uri = est.source_dir if (est.source_dir or "").startswith("s3://") else ctx.source_archive
        channels.append({"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": code_uri, "S3DataDistributionType": "FullyReplicated"}}, "ChannelName": "code"})
    return channels


def _debugger_on(d: ModelDescriptor, ctx: RenderContext) -> bool:
    est = d.estimator
    assert est is not None
    if est.debugger_hook_config is False or ctx.region in DEBUGGER_UNSUPPORTED_REGIONS:
        return False
    if isinstance(est, FrameworkEstimator) and est.sdk_debugger_off():
        return False  # each framework class's _validate_and_set_debugger_configs
    return True


def create_training_job(d: ModelDescriptor, ctx: RenderContext) -> dict[str, Any]:
    """The CreateTrainingJob request the SDK sends for ``estimator`` + ``fit``."""
    est, fit = d.estimator, d.fit
    assert est is not None and fit is not None
    out_path = output_path(d, ctx)
    algorithm: dict[str, Any] = {"TrainingInputMode": est.input_mode, "TrainingImage": training_image(d, ctx)}
    if est.metric_definitions:
        algorithm["MetricDefinitions"] = [m.model_dump() for m in est.metric_definitions]
    metrics = getattr(est, "enable_sagemaker_metrics", None)
    if metrics is None and isinstance(est, FrameworkEstimator) and est.framework_version and not est.legacy_mode:
        from packaging.version import Version

        threshold = est.METRICS_FROM
        if threshold is not None and Version(est.framework_version) >= Version(threshold):
            metrics = True
    if metrics is not None:
        algorithm["EnableSageMakerMetricsTimeSeries"] = metrics
    output: dict[str, Any] = {"S3OutputPath": out_path}
    if est.output_kms_key:
        output["KmsKeyId"] = est.output_kms_key
    stopping: dict[str, Any] = {"MaxRuntimeInSeconds": est.max_run}
    if est.max_wait is not None:
        stopping["MaxWaitTimeInSeconds"] = est.max_wait
    resources: dict[str, Any] = {"VolumeSizeInGB": est.volume_size, "InstanceCount": est.instance_count, "InstanceType": est.instance_type}
    if est.volume_kms_key:
        resources["VolumeKmsKeyId"] = est.volume_kms_key
    request: dict[str, Any] = {
        "AlgorithmSpecification": algorithm,
        "OutputDataConfig": output,
        "TrainingJobName": ctx.job_name,
        "StoppingCondition": stopping,
        "ResourceConfig": resources,
        "RoleArn": role_arn(est.role, ctx),
        "InputDataConfig": input_data_config(d, ctx),
    }
    hps = hyperparameters(d, ctx)
    if hps:  # the SDK leaves an empty mapping out
        request["HyperParameters"] = hps
    if est.environment is not None:  # given, even empty, the SDK sends it
        request["Environment"] = dict(est.environment)
    tags = [t.model_dump() for t in (*d.tags, *est.tags)]
    if tags or "tags" in est.model_fields_set:  # tags=[] is sent as given
        request["Tags"] = tags
    if est.subnets and est.security_group_ids:
        request["VpcConfig"] = {"Subnets": list(est.subnets), "SecurityGroupIds": list(est.security_group_ids)}
    if est.enable_network_isolation:
        request["EnableNetworkIsolation"] = True
    if est.encrypt_inter_container_traffic:
        request["EnableInterContainerTrafficEncryption"] = True
    if est.use_spot_instances:
        request["EnableManagedSpotTraining"] = True
    checkpoint: dict[str, Any] = {}
    if est.checkpoint_s3_uri:
        checkpoint["S3Uri"] = est.checkpoint_s3_uri
    if est.checkpoint_local_path:
        checkpoint["LocalPath"] = est.checkpoint_local_path
    if checkpoint:
        request["CheckpointConfig"] = checkpoint
    if est.max_retry_attempts is not None:
        request["RetryStrategy"] = {"MaximumRetryAttempts": est.max_retry_attempts}
    if _debugger_on(d, ctx):
        hook = est.debugger_hook_config if est.debugger_hook_config else None
        debug: dict[str, Any] = {"S3OutputPath": (hook.s3_output_path if hook and hook.s3_output_path else out_path)}
        if hook and hook.container_local_output_path:
            debug["LocalPath"] = hook.container_local_output_path
        if hook and hook.hook_parameters:
            debug["HookParameters"] = dict(hook.hook_parameters)
        collections = []
        for c in (hook.collection_configs if hook else ()):
            entry: dict[str, Any] = {"CollectionName": c.name}
            if c.parameters:
                entry["CollectionParameters"] = dict(c.parameters)
            collections.append(entry)
        debug["CollectionConfigurations"] = collections
        request["DebugHookConfig"] = debug
    if isinstance(est, FrameworkEstimator) and est.legacy_mode:
        pass  # SDK 1.72 had no profiler
    elif est.disable_profiler or ctx.region in PROFILER_UNSUPPORTED_REGIONS or processor_for(est.instance_type) == "trn":  # EstimatorBase.__init__: none on Trainium
        request["ProfilerConfig"] = {"DisableProfiler": True}
    else:
        request["ProfilerConfig"] = {"S3OutputPath": out_path, "DisableProfiler": False}
    return request


def role_arn(role: str | None, ctx: RenderContext) -> str:
    """The descriptor's role as an ARN: as given, a name in the stack's account (the SDK's
    ``expand_role`` asks IAM for the same ARN), or the generated role."""
    if role is None:
        return ctx.role_arn
    if role.startswith("arn:"):
        return role
    return f"arn:{{{{Partition}}}}:iam::{{{{AccountId}}}}:role/{role}"
