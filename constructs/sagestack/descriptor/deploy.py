"""The ``deploy:`` section — mirrors ``estimator.deploy(...)`` / ``model.deploy(...)``, plus
sagestack's ``autoscaling`` block (Application Auto Scaling for the endpoint's variant)."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field

from .base import Api, SdkModel, sdk_field
from .condition import Check
from .placements.asynchronous import AsyncInferenceConfig, AsyncNotificationConfig
from .placements.inference_components import INFERENCE_COMPONENT_BASED, ManagedInstanceScaling, ResourceRequirements, RoutingConfig
from .placements.serverless import ServerlessInferenceConfig
from .placements.variants import ProductionVariant
from .types import CodePath, ModelEnvironment, PositiveInt, S3Uri, SourceDir, Tags

__all__ = ["Deploy", "Autoscaling", "AsyncInferenceConfig", "AsyncNotificationConfig", "DataCaptureConfig", "ServerlessInferenceConfig", "ScheduledAction", "CustomMetric", "DeploymentConfig", "TrafficRouting", "CapacitySize", "ProductionVariant"]

CEC = "CreateEndpointConfig"
PV = "ProductionVariants[]"
SCALING = "AWS::ApplicationAutoScaling::ScalingPolicy.TargetTrackingScalingPolicyConfiguration"


class DataCaptureConfig(SdkModel):
    """``sagemaker.model_monitor.DataCaptureConfig``."""

    enable_capture: bool = sdk_field(True, doc="Capture requests and responses.", lands_in="CreateEndpointConfig.DataCaptureConfig.EnableCapture")
    sampling_percentage: Annotated[int, Api(CEC, "DataCaptureConfig.InitialSamplingPercentage")] = sdk_field(
        20, doc="Percentage of traffic captured.", lands_in="CreateEndpointConfig.DataCaptureConfig.InitialSamplingPercentage"
    )
    destination_s3_uri: Annotated[S3Uri, Api(CEC, "DataCaptureConfig.DestinationS3Uri")] | None = sdk_field(
        None, doc="Where captures go (default: the artifact bucket).", lands_in="CreateEndpointConfig.DataCaptureConfig.DestinationS3Uri"
    )
    kms_key_id: Annotated[str, Api(CEC, "DataCaptureConfig.KmsKeyId")] | None = sdk_field(
        None, doc="KMS key for captured data.", lands_in="CreateEndpointConfig.DataCaptureConfig.KmsKeyId"
    )
    capture_options: tuple[Literal["REQUEST", "RESPONSE"], ...] = sdk_field(
        ("REQUEST", "RESPONSE"), doc="What is captured.", lands_in="CreateEndpointConfig.DataCaptureConfig.CaptureOptions"
    )
    csv_content_types: Annotated[tuple[str, ...], Api(CEC, "DataCaptureConfig.CaptureContentTypeHeader.CsvContentTypes")] = sdk_field(
        ("text/csv",), doc="Content types captured as CSV.", lands_in="CreateEndpointConfig.DataCaptureConfig.CaptureContentTypeHeader.CsvContentTypes"
    )
    json_content_types: Annotated[tuple[str, ...], Api(CEC, "DataCaptureConfig.CaptureContentTypeHeader.JsonContentTypes")] = sdk_field(
        ("application/json",), doc="Content types captured as JSON.", lands_in="CreateEndpointConfig.DataCaptureConfig.CaptureContentTypeHeader.JsonContentTypes"
    )


class CustomMetric(SdkModel):
    """A CloudWatch metric to track instead of invocations per instance."""

    namespace: str = sdk_field(doc="CloudWatch namespace.", lands_in=f"{SCALING}.CustomizedMetricSpecification.Namespace")
    metric_name: str = sdk_field(doc="Metric name.", lands_in=f"{SCALING}.CustomizedMetricSpecification.MetricName")
    statistic: Literal["Average", "Minimum", "Maximum", "SampleCount", "Sum"] = sdk_field(
        "Average", doc="Statistic tracked.", lands_in=f"{SCALING}.CustomizedMetricSpecification.Statistic"
    )
    dimensions: dict[str, str] = sdk_field(
        default_factory=dict, doc="Extra dimensions (EndpointName and VariantName are added).", lands_in=f"{SCALING}.CustomizedMetricSpecification.Dimensions"
    )
    unit: str | None = sdk_field(None, doc="Metric unit.", lands_in=f"{SCALING}.CustomizedMetricSpecification.Unit")
    target_value: Annotated[float, Field(gt=0)] = sdk_field(doc="Value to hold the metric at.", lands_in=f"{SCALING}.TargetValue")


class ScheduledAction(SdkModel):
    """A capacity change at known times (e.g. business hours)."""

    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9._\-]{1,256}$")] = sdk_field(
        doc="Action name.", lands_in="AWS::ApplicationAutoScaling::ScalableTarget.ScheduledActions[].ScheduledActionName"
    )
    schedule: Annotated[str, Field(pattern=r"^(cron\(.+\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\)|at\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\))$")] = sdk_field(
        doc="cron(...), rate(...) or at(...).", lands_in="AWS::ApplicationAutoScaling::ScalableTarget.ScheduledActions[].Schedule"
    )
    timezone: str | None = sdk_field(None, doc="IANA time zone of the schedule (default UTC).", lands_in="AWS::ApplicationAutoScaling::ScalableTarget.ScheduledActions[].Timezone")
    min_capacity: Annotated[int, Field(ge=1)] | None = sdk_field(
        None, doc="New minimum.", lands_in="AWS::ApplicationAutoScaling::ScalableTarget.ScheduledActions[].ScalableTargetAction.MinCapacity"
    )
    max_capacity: Annotated[int, Field(ge=1)] | None = sdk_field(
        None, doc="New maximum.", lands_in="AWS::ApplicationAutoScaling::ScalableTarget.ScheduledActions[].ScalableTargetAction.MaxCapacity"
    )


class Autoscaling(SdkModel):
    """sagestack's autoscaling block: a scalable target and one target-tracking policy."""

    min_capacity: Annotated[int, Field(ge=0)] = sdk_field(
        1, doc="Fewest instances (copies, for an inference component); 0 for an asynchronous endpoint or an inference component, which then scale up from nothing when requests come.", lands_in="AWS::ApplicationAutoScaling::ScalableTarget.MinCapacity"
    )
    max_capacity: PositiveInt = sdk_field(doc="Most instances (copies, for an inference component; required).", lands_in="AWS::ApplicationAutoScaling::ScalableTarget.MaxCapacity")
    target_invocations_per_instance: Annotated[float, Field(gt=0)] | None = sdk_field(
        None, doc="Track SageMakerVariantInvocationsPerInstance (per minute) at this value.", lands_in=f"{SCALING}.TargetValue"
    )
    target_gpu_utilization: Annotated[float, Field(gt=0, le=100)] | None = sdk_field(
        None, doc="Track the variant's GPUUtilization (percent); GPU instances only.", lands_in=f"{SCALING}.TargetValue"
    )
    target_cpu_utilization: Annotated[float, Field(gt=0)] | None = sdk_field(
        None, doc="Track the variant's CPUUtilization (percent, summed over cores).", lands_in=f"{SCALING}.TargetValue"
    )
    target_backlog_per_instance: Annotated[float, Field(gt=0)] | None = sdk_field(
        None, doc="Asynchronous endpoints: track ApproximateBacklogSizePerInstance (queued requests per instance) at this value.", lands_in=f"{SCALING}.TargetValue"
    )
    target_invocations_per_copy: Annotated[float, Field(gt=0)] | None = sdk_field(
        None, doc="Inference components: track SageMakerInferenceComponentInvocationsPerCopy (per minute) at this value; min_capacity and max_capacity count copies.", lands_in=f"{SCALING}.TargetValue"
    )
    custom_metric: CustomMetric | None = sdk_field(None, doc="Track a CloudWatch metric of your own.", lands_in=f"{SCALING}.CustomizedMetricSpecification")
    scale_in_cooldown: Annotated[int, Field(ge=0)] = sdk_field(300, doc="Seconds after a scale-in before another.", lands_in=f"{SCALING}.ScaleInCooldown")
    scale_out_cooldown: Annotated[int, Field(ge=0)] = sdk_field(300, doc="Seconds after a scale-out before another.", lands_in=f"{SCALING}.ScaleOutCooldown")
    disable_scale_in: bool = sdk_field(False, doc="Never scale in.", lands_in=f"{SCALING}.DisableScaleIn")
    scheduled_actions: tuple[ScheduledAction, ...] = sdk_field(
        (), doc="Capacity changes at known times.", lands_in="AWS::ApplicationAutoScaling::ScalableTarget.ScheduledActions"
    )

    TARGETS: ClassVar[tuple[str, ...]] = ("target_invocations_per_instance", "target_gpu_utilization", "target_cpu_utilization", "target_backlog_per_instance", "target_invocations_per_copy", "custom_metric")

    def targets(self) -> list[str]:
        return [name for name in self.TARGETS if getattr(self, name) is not None]


CE = "CreateEndpoint"
BG = "DeploymentConfig.BlueGreenUpdatePolicy"
TR = f"{BG}.TrafficRoutingConfiguration"


class CapacitySize(SdkModel):
    """A step of traffic: a number of instances or a percentage of capacity."""

    type: Annotated[str, Api(CE, f"{TR}.CanarySize.Type")] = sdk_field(
        "CAPACITY_PERCENT", doc="INSTANCE_COUNT or CAPACITY_PERCENT.", lands_in="CreateEndpoint.DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration.CanarySize.Type"
    )
    value: Annotated[int, Api(CE, f"{TR}.CanarySize.Value")] = sdk_field(
        doc="Instances or percent.", lands_in="CreateEndpoint.DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration.CanarySize.Value"
    )


class TrafficRouting(SdkModel):
    """How traffic moves to the new fleet during an update."""

    type: Annotated[str, Api(CE, f"{TR}.Type")] = sdk_field(
        "ALL_AT_ONCE", doc="ALL_AT_ONCE, CANARY or LINEAR.", lands_in="CreateEndpoint.DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration.Type"
    )
    wait_interval_seconds: Annotated[int, Api(CE, f"{TR}.WaitIntervalInSeconds")] = sdk_field(
        300, doc="Baking time between steps (and after the last), seconds.", lands_in="CreateEndpoint.DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration.WaitIntervalInSeconds"
    )
    canary_size: CapacitySize | None = sdk_field(
        None, doc="CANARY: the first step (at most 50% of capacity).", lands_in="CreateEndpoint.DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration.CanarySize"
    )
    linear_step_size: CapacitySize | None = sdk_field(
        None, doc="LINEAR: each step (10-50% of capacity).", lands_in="CreateEndpoint.DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration.LinearStepSize"
    )


class DeploymentConfig(SdkModel):
    """sagestack: blue/green updates with traffic shifting and alarm rollback (UpdateEndpoint's
    DeploymentConfig, set on the CloudFormation endpoint)."""

    traffic_routing: TrafficRouting = sdk_field(
        default_factory=TrafficRouting, doc="Traffic shifting.", lands_in="CreateEndpoint.DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration"
    )
    termination_wait_seconds: Annotated[int, Api(CE, f"{BG}.TerminationWaitInSeconds")] | None = sdk_field(
        None, doc="Keep the old fleet this long after the shift (instant rollback window).", lands_in="CreateEndpoint.DeploymentConfig.BlueGreenUpdatePolicy.TerminationWaitInSeconds"
    )
    maximum_execution_timeout_seconds: Annotated[int, Api(CE, f"{BG}.MaximumExecutionTimeoutInSeconds")] | None = sdk_field(
        None, doc="Longest the deployment may take (600-28800 s).", lands_in="CreateEndpoint.DeploymentConfig.BlueGreenUpdatePolicy.MaximumExecutionTimeoutInSeconds"
    )
    rollback_alarms: Annotated[tuple[Annotated[str, Api(CE, "DeploymentConfig.AutoRollbackConfiguration.Alarms[].AlarmName")], ...], Api(CE, "DeploymentConfig.AutoRollbackConfiguration.Alarms")] | None = sdk_field(
        None, doc="CloudWatch alarms that roll the deployment back when they fire.", lands_in="CreateEndpoint.DeploymentConfig.AutoRollbackConfiguration.Alarms"
    )


class Deploy(SdkModel):
    """``estimator.deploy(...)`` / ``model.deploy(...)``."""

    section_title: ClassVar[str] = "deploy"

    def inference_component_based(self) -> bool:
        return self.endpoint_type == INFERENCE_COMPONENT_BASED

    initial_instance_count: PositiveInt | None = sdk_field(
        None, doc="Instances behind the endpoint (required unless serverless).", lands_in="CreateEndpointConfig.ProductionVariants[].InitialInstanceCount"
    )
    instance_type: Annotated[str, Api(CEC, f"{PV}.InstanceType")] | None = sdk_field(
        None, doc="Hosting instance type, e.g. ml.g4dn.xlarge (required unless serverless).", lands_in="CreateEndpointConfig.ProductionVariants[].InstanceType"
    )
    accelerator_type: Annotated[str, Api(CEC, f"{PV}.AcceleratorType")] | None = sdk_field(
        None,
        doc="Elastic Inference accelerator, e.g. ml.eia2.medium. End of life since April 2024: validation warns and suggests a GPU instance.",
        lands_in="CreateEndpointConfig.ProductionVariants[].AcceleratorType",
    )
    endpoint_name: Annotated[str, Api("CreateEndpoint", "EndpointName"), Field(max_length=48)] | None = sdk_field(
        None,
        doc="Endpoint name (default: <name>-<environment>); stable across updates; at most 48 characters to leave room for preview suffixes.",
        lands_in="CreateEndpoint.EndpointName",
    )
    serverless_inference_config: ServerlessInferenceConfig | None = sdk_field(
        None, doc="Serverless endpoint instead of instances.", lands_in="CreateEndpointConfig.ProductionVariants[].ServerlessConfig"
    )
    async_inference_config: AsyncInferenceConfig | None = sdk_field(
        None, doc="Asynchronous endpoint: requests queue, responses land in S3; with autoscaling it can scale to zero.", lands_in="CreateEndpointConfig.AsyncInferenceConfig"
    )
    data_capture_config: DataCaptureConfig | None = sdk_field(None, doc="Capture traffic to S3.", lands_in="CreateEndpointConfig.DataCaptureConfig")
    kms_key: Annotated[str, Api(CEC, "KmsKeyId")] | None = sdk_field(
        None, doc="KMS key for the endpoint's storage volume.", lands_in="CreateEndpointConfig.KmsKeyId"
    )
    volume_size: Annotated[int, Api(CEC, f"{PV}.VolumeSizeInGB")] | None = sdk_field(
        None, doc="Storage volume in GB per instance.", lands_in="CreateEndpointConfig.ProductionVariants[].VolumeSizeInGB"
    )
    model_data_download_timeout: Annotated[int, Api(CEC, f"{PV}.ModelDataDownloadTimeoutInSeconds")] | None = sdk_field(
        None, doc="Seconds allowed to download model data.", lands_in="CreateEndpointConfig.ProductionVariants[].ModelDataDownloadTimeoutInSeconds"
    )
    container_startup_health_check_timeout: Annotated[
        int, Api(CEC, f"{PV}.ContainerStartupHealthCheckTimeoutInSeconds")
    ] | None = sdk_field(
        None, doc="Seconds allowed for the container's first health check.", lands_in="CreateEndpointConfig.ProductionVariants[].ContainerStartupHealthCheckTimeoutInSeconds"
    )
    env: ModelEnvironment | None = sdk_field(
        None, doc="Environment of the model container (estimator.deploy passes it to create_model).", lands_in="CreateModel.PrimaryContainer.Environment"
    )
    entry_point: CodePath | None = sdk_field(
        None, doc="Inference script (e.g. inference.py) repacked into model.tar.gz under code/.", lands_in="CreateModel.PrimaryContainer.Environment.SAGEMAKER_PROGRAM"
    )
    source_dir: SourceDir | None = sdk_field(
        None, doc="Directory of the inference code, relative to this file.", lands_in="CreateModel.PrimaryContainer.ModelDataUrl"
    )
    model_server_workers: PositiveInt | None = sdk_field(
        None, doc="Model server workers per instance.", lands_in="CreateModel.PrimaryContainer.Environment.SAGEMAKER_MODEL_SERVER_WORKERS"
    )
    endpoint_type: Literal["model-based", "inference-component-based", "tensorflow-serving"] | None = sdk_field(
        None,
        doc="model.deploy(endpoint_type=EndpointType...): model-based (the default) serves the model in the endpoint's variant; "
        "inference-component-based makes the model an inference component of the endpoint (with resources), so several models share its instances. "
        "SDK v1 TensorFlow.deploy(endpoint_type=tensorflow-serving) serves a legacy-mode model with TensorFlow Serving instead of the legacy Python container.",
        lands_in="CreateInferenceComponent (inference-component-based); CreateModel.PrimaryContainer.Image (tensorflow-serving)",
    )
    resources: ResourceRequirements | None = sdk_field(
        None, doc="Inference components: what each copy reserves (ResourceRequirements: requests {memory, num_cpus, num_accelerators, copies}, limits {memory}).",
        lands_in="CreateInferenceComponent.Specification.ComputeResourceRequirements",
    )
    managed_instance_scaling: ManagedInstanceScaling | None = sdk_field(
        None, doc="Inference components: SageMaker adds and removes instances as copies need them (MinInstanceCount may be 0).",
        lands_in="CreateEndpointConfig.ProductionVariants[].ManagedInstanceScaling",
    )
    routing_config: RoutingConfig | None = sdk_field(
        None, doc="How requests are routed to instances (RoutingStrategy).", lands_in="CreateEndpointConfig.ProductionVariants[].RoutingConfig"
    )
    inference_component_name: Annotated[str, Api("CreateInferenceComponent", "InferenceComponentName"), Field(max_length=52)] | None = sdk_field(
        None, doc="Inference components: the component's name, which clients pass to invoke_endpoint (default: <name>-<environment>); at most 52 characters to leave room for preview suffixes.",
        lands_in="CreateInferenceComponent.InferenceComponentName",
    )
    tags: Tags = sdk_field((), doc="Tags for the model, endpoint config and endpoint.", lands_in="CreateEndpoint.Tags")
    variants: Annotated[tuple[ProductionVariant, ...], Api(CEC, "ProductionVariants"), Field(min_length=1)] | None = sdk_field(
        None,
        doc="Several production variants for A/B traffic (the SDK's production_variant()), instead of instance_type/initial_instance_count; model: descriptors only.",
        lands_in="CreateEndpointConfig.ProductionVariants",
    )
    shadow_variant: ProductionVariant | None = sdk_field(
        None,
        doc="A shadow variant: it gets a copy of the production variant's requests, its answers are logged, not returned; "
        "its initial_weight relative to the production variant's sets the share copied. With a model: section (and one entry in variants) it serves its model_data: "
        "promote it by moving that to the variant. In a training pipeline (no model_data) it serves each later run's model beside the live one; "
        "a run started with {\"promote_shadow\": true} promotes it.",
        lands_in="CreateEndpointConfig.ShadowProductionVariants",
    )
    autoscaling: Autoscaling | None = sdk_field(None, doc="Scale the variant (each variant) with Application Auto Scaling.", lands_in="AWS::ApplicationAutoScaling::ScalableTarget")
    deployment_config: DeploymentConfig | None = sdk_field(
        None, doc="Blue/green updates: traffic shifting and alarm rollback (sagestack).", lands_in="CreateEndpoint.DeploymentConfig"
    )
    condition: tuple[Check, ...] | None = sdk_field(
        None,
        doc="sagestack: the quality gate, checks on the run's training metrics or on numbers in a processing step's JSON report (as a SageMaker Pipelines ConditionStep guards a model step). "
        "A run whose check fails creates no model and leaves the endpoint as it is: it ends with QualityGateFailed, naming the value, what it is and the bound; "
        "a metric the training job did not report ends it with MetricMissing, a report file or number that is not there with ReportMissing.",
        lands_in="the pipeline's quality gate (Step Functions Choice states between training and Create model)",
    )
    wait: bool | None = sdk_field(None, doc="Notebook-side; a pipeline waits for InService (ignored, with a warning).", lands_in=None)
    wait_timeout_seconds: Annotated[int, Field(ge=300, le=86400)] | None = sdk_field(
        None,
        doc="sagestack: how long a pipeline run waits for the endpoint to be InService after creating or updating it, then fails "
        "with EndpointTimeout (the endpoint keeps going). Default 3600 s plus the deployment_config's canary/linear bake "
        "and termination waits. Checked every 30 s, like the SDK's waiter.",
        lands_in="the pipeline's wait loop (Step Functions Wait + DescribeEndpoint, 30 s per poll)",
    )
