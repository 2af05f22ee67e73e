"""The ``estimator:`` section — mirrors ``TensorFlow(...)``, ``MXNet(...)``, ``KMeans(...)``,
``PCA(...)``, ``LinearLearner(...)`` and ``Estimator(...)`` of the SageMaker Python SDK.

``type:`` names the SDK class; every other key is that class's constructor argument, in its
SDK v2 name or its v1 spelling. Each field's doc names the CreateTrainingJob member it lands in.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BeforeValidator, Field

from .base import Api, SdkModel, sdk_field, user_error
from .retrieve import ImageUriRetrieve
from .types import CodePath, Environment, LocalPath, PositiveInt, RoleRef, S3Uri, ServingStyle, SourceDir, Tags, VersionStr

__all__ = [
    "EstimatorBase",
    "FrameworkEstimator",
    "BuiltinEstimator",
    "Distribution",
    "MetricDefinition",
    "DebuggerHookConfig",
    "BASE_JOB_NAME_MAX",
    "hp_field",
]

# A run's job name is ``<base>-<execution suffix>``; SageMaker allows 63 characters. The SDK
# appends a 23-character timestamp and silently cuts the base to 39; sagestack refuses a longer
# base instead, so the name you review is the name you get.
BASE_JOB_NAME_MAX = 39

CTJ = "CreateTrainingJob"


def _log_level(value: Any) -> Any:
    names = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "WARN": 30, "ERROR": 40, "CRITICAL": 50}
    if isinstance(value, str) and value.upper() in names:
        return names[value.upper()]
    return value


LogLevel = Annotated[Literal[10, 20, 30, 40, 50], BeforeValidator(_log_level)]


class MetricDefinition(SdkModel):
    """A metric SageMaker scrapes from the training logs (``{'Name': ..., 'Regex': ...}``)."""

    Name: Annotated[str, Api(CTJ, "AlgorithmSpecification.MetricDefinitions[].Name")] = sdk_field(
        doc="Metric name.", lands_in="CreateTrainingJob.AlgorithmSpecification.MetricDefinitions[].Name"
    )
    Regex: Annotated[str, Api(CTJ, "AlgorithmSpecification.MetricDefinitions[].Regex")] = sdk_field(
        doc="Regular expression whose first group is the value.",
        lands_in="CreateTrainingJob.AlgorithmSpecification.MetricDefinitions[].Regex",
    )


class CollectionConfig(SdkModel):
    name: Annotated[str, Api(CTJ, "DebugHookConfig.CollectionConfigurations[].CollectionName")] = sdk_field(
        doc="Tensor collection to save.", lands_in="CreateTrainingJob.DebugHookConfig.CollectionConfigurations[].CollectionName"
    )
    parameters: dict[str, str] = sdk_field(
        default_factory=dict,
        doc="Collection parameters, e.g. save_interval.",
        lands_in="CreateTrainingJob.DebugHookConfig.CollectionConfigurations[].CollectionParameters",
    )


class DebuggerHookConfig(SdkModel):
    """``sagemaker.debugger.DebuggerHookConfig``."""

    s3_output_path: S3Uri | None = sdk_field(
        None, doc="Where tensors are saved (default: the job's output path).", lands_in="CreateTrainingJob.DebugHookConfig.S3OutputPath"
    )
    container_local_output_path: str | None = sdk_field(
        None, doc="Local path in the container.", lands_in="CreateTrainingJob.DebugHookConfig.LocalPath"
    )
    hook_parameters: dict[str, str] = sdk_field(
        default_factory=dict, doc="Hook parameters.", lands_in="CreateTrainingJob.DebugHookConfig.HookParameters"
    )
    collection_configs: tuple[CollectionConfig, ...] = sdk_field(
        (), doc="Tensor collections to save.", lands_in="CreateTrainingJob.DebugHookConfig.CollectionConfigurations"
    )


class EstimatorBase(SdkModel):
    """Constructor arguments every SDK estimator takes (``sagemaker.estimator.EstimatorBase``)."""

    section_title: ClassVar[str] = "estimator"
    #: Descriptor ``type`` values of this class; set by each concrete class.
    type: str
    #: Reads Pipe mode only as RecordIO-protobuf (CSV needs File mode): the AWS docs of the algorithm.
    PIPE_PROTOBUF_ONLY: ClassVar[bool] = False
    #: How a model this estimator trained is served (see :data:`.model.ServingStyle`).
    SERVING: ClassVar[ServingStyle] = "image"
    #: ``create_model`` passes the estimator's network isolation on to the model ``deploy()``
    #: serves (``transformer()`` always passes it on).
    DEPLOY_KEEPS_NETWORK_ISOLATION: ClassVar[bool] = False
    #: The image scope the SDK retrieves the serving image from (``training`` for classes that
    #: call ``image_uris.retrieve`` without one).
    SERVING_SCOPE: ClassVar[str] = "inference"

    def serving(self, deploy: Any) -> ServingStyle:
        """The serving style for this deploy (``deploy`` section or None)."""
        return self.SERVING

    def takes_model_server_workers(self) -> bool:
        """Whether ``create_model``/``transformer`` take ``model_server_workers`` (else the SDK
        raises TypeError): the framework classes whose model server has a worker setting."""
        return False

    role: RoleRef | None = sdk_field(
        None,
        doc="IAM role (name or ARN) the training job runs as. Without it, sagestack generates a least-privilege role.",
        lands_in="CreateTrainingJob.RoleArn",
    )
    instance_count: PositiveInt = sdk_field(
        1, doc="Number of training instances.", lands_in="CreateTrainingJob.ResourceConfig.InstanceCount", v1="train_instance_count"
    )
    instance_type: Annotated[str, Api(CTJ, "ResourceConfig.InstanceType")] = sdk_field(
        doc="Training instance type, e.g. ml.p3.2xlarge.", lands_in="CreateTrainingJob.ResourceConfig.InstanceType", v1="train_instance_type"
    )
    volume_size: Annotated[int, Api(CTJ, "ResourceConfig.VolumeSizeInGB")] = sdk_field(
        30, doc="Size in GB of the EBS volume per instance.", lands_in="CreateTrainingJob.ResourceConfig.VolumeSizeInGB", v1="train_volume_size"
    )
    volume_kms_key: Annotated[str, Api(CTJ, "ResourceConfig.VolumeKmsKeyId")] | None = sdk_field(
        None, doc="KMS key that encrypts the training volume.", lands_in="CreateTrainingJob.ResourceConfig.VolumeKmsKeyId", v1="train_volume_kms_key"
    )
    max_run: Annotated[int, Api(CTJ, "StoppingCondition.MaxRuntimeInSeconds")] = sdk_field(
        86400,
        doc="Timeout in seconds (the v1 README says hours; the SDK always sent seconds).",
        lands_in="CreateTrainingJob.StoppingCondition.MaxRuntimeInSeconds",
        v1="train_max_run",
    )
    max_wait: Annotated[int, Api(CTJ, "StoppingCondition.MaxWaitTimeInSeconds")] | None = sdk_field(
        None,
        doc="Seconds to wait for spot capacity plus training; spot only, at least max_run.",
        lands_in="CreateTrainingJob.StoppingCondition.MaxWaitTimeInSeconds",
        v1="train_max_wait",
    )
    use_spot_instances: bool = sdk_field(
        False, doc="Train on managed spot capacity.", lands_in="CreateTrainingJob.EnableManagedSpotTraining", v1="train_use_spot_instances"
    )
    checkpoint_s3_uri: S3Uri | None = sdk_field(
        None, doc="S3 prefix that checkpoints are synced to.", lands_in="CreateTrainingJob.CheckpointConfig.S3Uri"
    )
    checkpoint_local_path: Annotated[str, Api(CTJ, "CheckpointConfig.LocalPath")] | None = sdk_field(
        None, doc="Local checkpoint directory (SageMaker's default /opt/ml/checkpoints).", lands_in="CreateTrainingJob.CheckpointConfig.LocalPath"
    )
    input_mode: Annotated[str, Api(CTJ, "AlgorithmSpecification.TrainingInputMode")] = sdk_field(
        "File", doc="How data reaches the container: File, Pipe or FastFile.", lands_in="CreateTrainingJob.AlgorithmSpecification.TrainingInputMode"
    )
    output_path: S3Uri | None = sdk_field(
        None, doc="S3 prefix for model artifacts (default: the stack's artifact bucket).", lands_in="CreateTrainingJob.OutputDataConfig.S3OutputPath"
    )
    output_kms_key: Annotated[str, Api(CTJ, "OutputDataConfig.KmsKeyId")] | None = sdk_field(
        None, doc="KMS key that encrypts the output.", lands_in="CreateTrainingJob.OutputDataConfig.KmsKeyId"
    )
    base_job_name: Annotated[str, Api(CTJ, "TrainingJobName"), Field(max_length=BASE_JOB_NAME_MAX)] | None = sdk_field(
        None,
        doc=f"Prefix of training job names (default: the descriptor name); at most {BASE_JOB_NAME_MAX} characters to leave room for the per-run suffix.",
        lands_in="CreateTrainingJob.TrainingJobName",
    )
    tags: Tags = sdk_field((), doc="Tags for the training job.", lands_in="CreateTrainingJob.Tags")
    subnets: Annotated[tuple[Annotated[str, Api(CTJ, "VpcConfig.Subnets[]")], ...], Api(CTJ, "VpcConfig.Subnets")] | None = sdk_field(
        None, doc="VPC subnet IDs (with security_group_ids).", lands_in="CreateTrainingJob.VpcConfig.Subnets"
    )
    security_group_ids: Annotated[
        tuple[Annotated[str, Api(CTJ, "VpcConfig.SecurityGroupIds[]")], ...], Api(CTJ, "VpcConfig.SecurityGroupIds")
    ] | None = sdk_field(None, doc="VPC security group IDs (with subnets).", lands_in="CreateTrainingJob.VpcConfig.SecurityGroupIds")
    enable_network_isolation: bool = sdk_field(
        False, doc="No network access from the training container.", lands_in="CreateTrainingJob.EnableNetworkIsolation"
    )
    encrypt_inter_container_traffic: bool = sdk_field(
        False, doc="Encrypt traffic between training instances.", lands_in="CreateTrainingJob.EnableInterContainerTrafficEncryption"
    )
    metric_definitions: Annotated[tuple[MetricDefinition, ...], Api(CTJ, "AlgorithmSpecification.MetricDefinitions")] = sdk_field(
        (), doc="Metrics scraped from the logs: [{Name, Regex}].", lands_in="CreateTrainingJob.AlgorithmSpecification.MetricDefinitions"
    )
    environment: Environment | None = sdk_field(
        None, doc="Environment variables of the training container.", lands_in="CreateTrainingJob.Environment"
    )
    max_retry_attempts: Annotated[int, Api(CTJ, "RetryStrategy.MaximumRetryAttempts")] | None = sdk_field(
        None, doc="Times SageMaker retries the job on an internal error.", lands_in="CreateTrainingJob.RetryStrategy.MaximumRetryAttempts"
    )
    debugger_hook_config: Literal[False] | DebuggerHookConfig | None = sdk_field(
        None,
        doc="Debugger hook; false switches off the SDK v2 default hook.",
        lands_in="CreateTrainingJob.DebugHookConfig",
    )
    disable_profiler: bool = sdk_field(
        False, doc="Switch off the SDK v2 default profiler.", lands_in="CreateTrainingJob.ProfilerConfig.DisableProfiler"
    )


# --------------------------------------------------------------------------------------------
# Framework estimators
# --------------------------------------------------------------------------------------------


class DistributionOption(SdkModel):
    """One strategy of ``distribution``: it says whether it is on and renders the hyperparameters
    the SDK's ``_distribution_configuration`` sends for it."""

    def is_enabled(self) -> bool:
        return bool(getattr(self, "enabled", False))

    def sdk_hyperparameters(self, est: FrameworkEstimator) -> dict[str, Any]:
        """The hyperparameters (values not yet JSON-encoded) this strategy adds."""
        raise NotImplementedError


class ParameterServer(DistributionOption):
    enabled: bool = sdk_field(True, doc="Launch a parameter server on each host.", lands_in="CreateTrainingJob.HyperParameters.sagemaker_parameter_server_enabled")

    def sdk_hyperparameters(self, est: FrameworkEstimator) -> dict[str, Any]:
        return {"sagemaker_parameter_server_enabled": self.enabled}


class Mpi(DistributionOption):
    enabled: bool = sdk_field(True, doc="Launch training with mpirun (Horovod).", lands_in="CreateTrainingJob.HyperParameters.sagemaker_mpi_enabled")
    processes_per_host: PositiveInt | None = sdk_field(
        None,
        doc="MPI processes per host; at most the GPUs of a GPU instance.",
        lands_in="CreateTrainingJob.HyperParameters.sagemaker_mpi_num_of_processes_per_host",
    )
    custom_mpi_options: str | None = sdk_field(
        None, doc="Extra mpirun flags.", lands_in="CreateTrainingJob.HyperParameters.sagemaker_mpi_custom_mpi_options"
    )

    def sdk_hyperparameters(self, est: FrameworkEstimator) -> dict[str, Any]:
        out: dict[str, Any] = {"sagemaker_mpi_enabled": self.enabled}
        if self.processes_per_host:
            out["sagemaker_mpi_num_of_processes_per_host"] = self.processes_per_host
        if est.MPI_OPTIONS_ALWAYS or self.processes_per_host:
            out["sagemaker_mpi_custom_mpi_options"] = self.custom_mpi_options or ""
        return out


class MultiWorkerMirroredStrategy(DistributionOption):
    enabled: bool = sdk_field(
        True,
        doc="tf.distribute.MultiWorkerMirroredStrategy (TensorFlow 2.9+).",
        lands_in="CreateTrainingJob.HyperParameters.sagemaker_multi_worker_mirrored_strategy_enabled",
    )

    def sdk_hyperparameters(self, est: FrameworkEstimator) -> dict[str, Any]:
        return {"sagemaker_multi_worker_mirrored_strategy_enabled": self.enabled}


class DataParallel(SdkModel):
    enabled: bool = sdk_field(
        True, doc="SageMaker distributed data parallel (GPU instances only).", lands_in="CreateTrainingJob.HyperParameters.sagemaker_distributed_dataparallel_enabled"
    )
    custom_mpi_options: str | None = sdk_field(
        None, doc="Extra mpirun flags.", lands_in="CreateTrainingJob.HyperParameters.sagemaker_distributed_dataparallel_custom_mpi_options"
    )


class ModelParallel(SdkModel):
    enabled: bool = sdk_field(True, doc="SageMaker model parallel (GPU instances only).", lands_in="CreateTrainingJob.HyperParameters.mp_parameters")
    parameters: dict[str, Any] = sdk_field(
        default_factory=dict, doc="The model parallel library's parameters (partitions, microbatches, ...).", lands_in="CreateTrainingJob.HyperParameters.mp_parameters"
    )


class SmDistributed(DistributionOption):
    dataparallel: DataParallel | None = sdk_field(None, doc="The data parallel library.", lands_in="CreateTrainingJob.HyperParameters")
    modelparallel: ModelParallel | None = sdk_field(None, doc="The model parallel library.", lands_in="CreateTrainingJob.HyperParameters.mp_parameters")

    def is_enabled(self) -> bool:
        return bool((self.dataparallel and self.dataparallel.enabled) or (self.modelparallel and self.modelparallel.enabled))

    def sdk_hyperparameters(self, est: FrameworkEstimator) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.modelparallel is not None and self.modelparallel.enabled and self.modelparallel.parameters:
            out["mp_parameters"] = dict(self.modelparallel.parameters)  # fw_utils.get_mp_parameters
        enabled = bool(self.dataparallel and self.dataparallel.enabled)
        out["sagemaker_distributed_dataparallel_enabled"] = enabled
        out["sagemaker_instance_type"] = est.instance_type
        if enabled and self.dataparallel is not None:
            out["sagemaker_distributed_dataparallel_custom_mpi_options"] = self.dataparallel.custom_mpi_options or ""
        return out


class TorchDistributed(DistributionOption):
    enabled: bool = sdk_field(True, doc="Launch with torchrun (PyTorch's torch.distributed).", lands_in="CreateTrainingJob.HyperParameters.sagemaker_torch_distributed_enabled")

    def sdk_hyperparameters(self, est: FrameworkEstimator) -> dict[str, Any]:
        return {"sagemaker_torch_distributed_enabled": self.enabled, "sagemaker_instance_type": est.instance_type}


class PyTorchDDP(DistributionOption):
    enabled: bool = sdk_field(True, doc="PyTorch DistributedDataParallel, launched by mpirun.", lands_in="CreateTrainingJob.HyperParameters.sagemaker_pytorch_ddp_enabled")

    def sdk_hyperparameters(self, est: FrameworkEstimator) -> dict[str, Any]:
        return {"sagemaker_pytorch_ddp_enabled": self.enabled, "sagemaker_instance_type": est.instance_type}


class PyTorchXLA(DistributionOption):
    enabled: bool = sdk_field(True, doc="PyTorch/XLA multi-worker training.", lands_in="CreateTrainingJob.HyperParameters.sagemaker_pytorch_xla_multi_worker_enabled")

    def sdk_hyperparameters(self, est: FrameworkEstimator) -> dict[str, Any]:
        return {"sagemaker_pytorch_xla_multi_worker_enabled": self.enabled}


# A kind whose class takes other strategies subclasses Distribution with fields of its own (each
# a DistributionOption) and gives its estimator a ``distribution`` field of that type; which
# strategies a class takes, from which version, is its DISTRIBUTIONS.
class Distribution(SdkModel):
    """The SDK's ``distribution`` (v1: ``distributions``) dict: one strategy."""

    #: Sets of strategies the class's SDK code runs together (any other pair is refused).
    ALLOWED_TOGETHER: ClassVar[tuple[frozenset[str], ...]] = ()

    parameter_server: ParameterServer | None = sdk_field(None, doc="Parameter servers.", lands_in="CreateTrainingJob.HyperParameters")
    mpi: Mpi | None = sdk_field(None, doc="MPI / Horovod.", lands_in="CreateTrainingJob.HyperParameters")
    multi_worker_mirrored_strategy: MultiWorkerMirroredStrategy | None = sdk_field(
        None, doc="TensorFlow MultiWorkerMirroredStrategy.", lands_in="CreateTrainingJob.HyperParameters"
    )
    smdistributed: SmDistributed | None = sdk_field(None, doc="SageMaker distributed data parallel.", lands_in="CreateTrainingJob.HyperParameters")

    def options(self) -> dict[str, DistributionOption]:
        """The strategies given (switched on or not), in the order the SDK renders them."""
        given = {name: getattr(self, name) for name in type(self).model_fields}
        return {name: value for name, value in given.items() if isinstance(value, DistributionOption)}

    def enabled(self) -> list[str]:
        """Names of the strategies switched on."""
        return [name for name, option in self.options().items() if option.is_enabled()]

    def sdk_hyperparameters(self, est: FrameworkEstimator) -> dict[str, Any]:
        """``Framework._distribution_configuration``: the hyperparameters of every strategy given."""
        out: dict[str, Any] = {}
        for option in self.options().values():
            out.update(option.sdk_hyperparameters(est))
        return out


def _json_encodable(value: Any) -> Any:
    """Framework hyperparameters are sent as ``json.dumps(value)`` (the SDK's
    ``_json_encode_hyperparameters``); a value JSON has no form for fails there, so here."""

    def refuse(item: Any) -> Any:
        hint = f": quote it (\"{item}\") to send it as text" if isinstance(item, (date, datetime)) else ""
        raise user_error("not_json", f"a {type(item).__name__} has no JSON form, and framework hyperparameters are JSON-encoded{hint}", allowed="strings, numbers, true/false, null, and lists and mappings of them", got=str(item))

    json.dumps(value, default=refuse)
    return value


FrameworkHyperparameter = Annotated[Any, AfterValidator(_json_encodable)]


class FrameworkEstimator(EstimatorBase):
    """Arguments of ``sagemaker.estimator.Framework`` (TensorFlow, MXNet)."""

    #: The SDK's framework key for image data (``tensorflow``, ``mxnet``).
    framework: ClassVar[str]
    SERVING: ClassVar[ServingStyle] = "framework"
    #: The distribution strategies the class takes, each with the lowest framework version that
    #: has it (None: every version).
    DISTRIBUTIONS: ClassVar[dict[str, str | None]] = {}
    #: The lowest framework version with a PipeModeDataset; None: the script reads the FIFO itself.
    PIPE_DATASET_FROM: ClassVar[str | None] = None
    #: The SDK sends sagemaker_mpi_custom_mpi_options even without processes_per_host.
    MPI_OPTIONS_ALWAYS: ClassVar[bool] = False
    #: The lowest framework version for which the SDK turns time-series metrics on by default.
    METRICS_FROM: ClassVar[str | None] = None
    #: The class checks its image arguments (versions, Python, processors) in rules of its own
    #: module (its image data is shaped differently); the generic image rules skip it.
    OWN_IMAGE_RULES: ClassVar[bool] = False

    entry_point: CodePath = sdk_field(
        doc="Training script, relative to source_dir (or to this file without source_dir).",
        lands_in="CreateTrainingJob.HyperParameters.sagemaker_program",
    )
    source_dir: SourceDir | None = sdk_field(
        None,
        doc="Directory (relative to this file) packed as sourcedir.tar.gz, or an s3:// URI of such an archive.",
        lands_in="CreateTrainingJob.HyperParameters.sagemaker_submit_directory",
    )
    dependencies: tuple[LocalPath, ...] = sdk_field(
        (), doc="Extra directories copied next to the code (relative to this file).", lands_in="CreateTrainingJob.HyperParameters.sagemaker_submit_directory"
    )
    hyperparameters: dict[str, FrameworkHyperparameter] = sdk_field(
        default_factory=dict,
        doc="Hyperparameters; each value is JSON-encoded as the SDK does (10 → \"10\").",
        lands_in="CreateTrainingJob.HyperParameters",
    )
    framework_version: VersionStr | None = sdk_field(
        None, doc="Framework version with a SageMaker image (quoted).", lands_in="CreateTrainingJob.AlgorithmSpecification.TrainingImage"
    )
    py_version: str | None = sdk_field(
        None, doc="Python version of the image, e.g. py39.", lands_in="CreateTrainingJob.AlgorithmSpecification.TrainingImage"
    )
    image_uri: Annotated[str, Api(CTJ, "AlgorithmSpecification.TrainingImage")] | ImageUriRetrieve | None = sdk_field(
        None, doc="Image to train with instead of the SDK's framework image (a URI, or image_uris.retrieve() arguments).", lands_in="CreateTrainingJob.AlgorithmSpecification.TrainingImage", v1="image_name"
    )
    container_log_level: LogLevel = sdk_field(
        20, doc="Python log level in the container: 10-50 or DEBUG/INFO/WARNING/ERROR/CRITICAL.", lands_in="CreateTrainingJob.HyperParameters.sagemaker_container_log_level"
    )
    code_location: S3Uri | None = sdk_field(
        None, doc="S3 prefix for the source archive (default: the CDK asset bucket).", lands_in="CreateTrainingJob.HyperParameters.sagemaker_submit_directory"
    )
    distribution: Distribution | None = sdk_field(
        None, doc="Distributed training strategy.", lands_in="CreateTrainingJob.HyperParameters", v1="distributions"
    )
    enable_cloudwatch_metrics: bool | None = sdk_field(
        None,
        doc="SDK v1 argument, deprecated there (SDK 1.72 always sent false) and removed in v2: accepted with a warning, no effect; use metric_definitions.",
        lands_in=None,
    )
    enable_sagemaker_metrics: bool | None = sdk_field(
        None,
        doc="Time-series metrics (the SDK turns it on for TensorFlow >= 1.15 and MXNet >= 1.6).",
        lands_in="CreateTrainingJob.AlgorithmSpecification.EnableSageMakerMetricsTimeSeries",
    )

    @property
    def legacy_mode(self) -> bool:
        """SDK v1's legacy mode (a kind that had one says when it applies)."""
        return False

    def takes_model_server_workers(self) -> bool:
        return True

    def image_arguments(self, scope: str) -> dict[str, Any]:
        """The ``sagemaker.image_uris.retrieve`` arguments of this class's image for a scope
        (``training`` or ``inference``), without region and instance type (the caller's)."""
        arguments: dict[str, Any] = {"framework": self.framework, "version": self.framework_version, "py_version": self.py_version}
        if scope == "training" and self.distribution is not None:
            arguments["distribution"] = self.distribution.model_dump(exclude_none=True)
        return arguments

    def sdk_hyperparameters(self, user: dict[str, Any], distribution: dict[str, Any], job_path: Callable[..., str]) -> dict[str, Any]:
        """What the class's ``hyperparameters()`` sends before the code keys (sagemaker_program
        ...): the user's values, then the distribution's. ``job_path(*parts)`` is an S3 path under
        the job's folder of the output path."""
        return {**user, **distribution}

    def warns_without_distribution(self) -> bool:
        """Whether several instances without a distribution strategy deserve a warning (each
        instance would run the script on its own)."""
        return False

    def sdk_counts_as_distributed(self) -> bool:
        """Whether the SDK's ``Framework._validate_and_set_debugger_configs`` counts the job as
        distributed (and so turns the Debugger hook off when checkpointing): more than one
        instance, or a ``distribution`` attribute that is not None — which MXNet never sets."""
        return self.instance_count > 1

    def sdk_debugger_off(self) -> bool:
        """Whether this class's SDK code turns the Debugger hook off whatever the user asked."""
        return bool(self.checkpoint_s3_uri and self.checkpoint_local_path and self.sdk_counts_as_distributed())


# --------------------------------------------------------------------------------------------
# Built-in algorithms: hyperparameters are constructor arguments
# --------------------------------------------------------------------------------------------


def hp_field(hp_name: str, default: Any = None, *, doc: str, **constraints: Any) -> Any:
    """A built-in algorithm hyperparameter; ``hp_name`` is the key the SDK sends."""
    return sdk_field(default, doc=doc, lands_in=f"CreateTrainingJob.HyperParameters.{hp_name}", **constraints)


class BuiltinEstimator(EstimatorBase):
    """``sagemaker.amazon.AmazonAlgorithmEstimatorBase``: an AWS algorithm image, RecordSet inputs."""

    algorithm: ClassVar[str]
    SERVING: ClassVar[ServingStyle] = "training-image"
    #: Hyperparameters the SDK class always sends, whatever the arguments.
    EXTRA_HYPERPARAMETERS: ClassVar[dict[str, str]] = {}
    #: The class's DEFAULT_MINI_BATCH_SIZE: fit() without mini_batch_size sends at most this (and
    #: at most the records per instance); None: nothing is sent, the algorithm's default applies.
    DEFAULT_MINI_BATCH_SIZE: ClassVar[int | None] = None
    #: SDK attribute name → hyperparameter key sent (they differ, e.g. max_iterations → local_lloyd_max_iter).
    HYPERPARAMETER_KEYS: ClassVar[dict[str, str]] = {}
    #: The class's repo_version: the image version ``image_uris.retrieve`` is asked for.
    IMAGE_VERSION: ClassVar[str] = "1"

    def sdk_mini_batch_size(self, given: int | None, num_records: int) -> int | None:
        """The mini_batch_size the class's ``_prepare_for_training`` sends for fit's value (None:
        nothing is sent). By default the value given, else at most DEFAULT_MINI_BATCH_SIZE and
        at most the records per instance."""
        if given is None and self.DEFAULT_MINI_BATCH_SIZE is not None:
            return min(self.DEFAULT_MINI_BATCH_SIZE, max(1, int(num_records / self.instance_count)))
        return given

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        keys = {}
        for name, info in cls.model_fields.items():
            lands = (info.json_schema_extra or {}).get("x-lands-in", "") if isinstance(info.json_schema_extra, dict) else ""
            if str(lands).startswith("CreateTrainingJob.HyperParameters."):
                keys[name] = str(lands).rsplit(".", 1)[1]
        cls.HYPERPARAMETER_KEYS = keys
