"""CreateModel, CreateEndpointConfig and CreateEndpoint, as the SDK sends them for
``estimator.deploy(...)`` / ``model.deploy(...)`` (and the model of ``transformer(...)``).

The SDK's rules (``sagemaker.model``, ``sagemaker.tensorflow.model``, ``sagemaker.mxnet.model``,
``sagemaker.session.production_variant``):

* TensorFlow Serving (TensorFlowModel, or a TensorFlow estimator's model): the inference image
  without a Python version; ``SAGEMAKER_TFS_NGINX_LOGLEVEL`` from the container log level; with an
  inference ``entry_point`` the model is repacked with ``code/<entry_point>``.
* Legacy-mode TensorFlow (SDK 1.72): the legacy container serves the training script's serving
  functions from the training code archive (no repack), unless ``deploy.endpoint_type`` is
  ``tensorflow-serving``.
* MXNet: the inference image, repacked with the entry point (the estimator's training script by
  default), ``SAGEMAKER_PROGRAM``, ``SAGEMAKER_SUBMIT_DIRECTORY=/opt/ml/model/code``,
  ``SAGEMAKER_CONTAINER_LOG_LEVEL``, ``SAGEMAKER_REGION``.
* Built-in algorithms: the training image, the training job's artifacts, empty environment.
* One production variant ``AllTraffic`` with weight 1, or what the deploy section's placements
  render (``sagestack.descriptor.placements``: serverless, A/B variants, a shadow variant,
  asynchronous inference, inference components).
"""

from __future__ import annotations

import posixpath
from typing import Any

from ..descriptor import ModelDescriptor
from ..descriptor.placements import VARIANT_NAME, Served, capacity_of, placements_of
from ..descriptor.placements.asynchronous import output_paths
from ..descriptor.types import ServingStyle
from . import inference_component
from .context import RenderContext, ph
from .images import image_uri, resolved_image_uri
from .training import TFS_LOG_LEVELS, legacy_tensorflow_image, role_arn, training_image
from .transform import transformer_tags

__all__ = ["create_model", "create_endpoint_config", "create_endpoint", "create_inference_component", "needs_repack", "needs_code_archive", "network_isolated", "inference_image", "production_variants", "variant_names", "VARIANT_NAME"]

MODEL_CODE_DIR = "/opt/ml/model/code"


def served_descriptor(d: ModelDescriptor) -> ModelDescriptor:
    """The descriptor whose model is what the container serves: a MultiDataModel's model (or your
    image), else ``d`` itself."""
    spec = d.model
    if spec is not None and spec.serving(d.deploy) == "multi-model":
        return d.model_copy(update={"model": spec.served()})
    return d


def _serving(d: ModelDescriptor) -> tuple[ServingStyle, Any]:
    """(style, spec): how what is deployed is served (each class declares it) and its section."""
    spec = d.model if d.model is not None else d.estimator
    assert spec is not None
    return spec.serving(d.deploy), spec


def _instance_type(d: ModelDescriptor, variant: Any = None) -> str | None:
    if variant is not None:
        instance_type: str | None = variant.instance_type
        return instance_type
    if d.deploy is not None:
        return d.deploy.instance_type
    if d.transformer is not None:
        return d.transformer.instance_type
    return None


def _entry_point(d: ModelDescriptor) -> tuple[str | None, str | None]:
    """(entry_point, source_dir) of the inference code, as create_model receives them."""
    style, spec = _serving(d)
    dep_entry = d.deploy.entry_point if d.deploy is not None else None
    dep_source = d.deploy.source_dir if d.deploy is not None else None
    tr_entry = d.transformer.entry_point if d.transformer is not None else None
    if d.model is not None:
        return getattr(spec, "entry_point", None), getattr(spec, "source_dir", None)
    if style == "framework":
        # Framework.create_model: the training script serves unless another is given.
        return dep_entry or tr_entry or spec.entry_point, dep_source or spec.source_dir
    if style == "tfs":
        return dep_entry or tr_entry, dep_source
    if style == "default-handler":  # create_model: source_dir defaults to the training code
        entry = dep_entry or tr_entry
        return entry, (dep_source or spec.source_dir) if entry else None
    if style == "code-archive":  # create_model: the training script from the training code archive
        return dep_entry or tr_entry or spec.entry_point, spec.source_dir
    return None, None


def network_isolated(d: ModelDescriptor) -> bool:
    """Whether the served model runs network-isolated: the model's own setting; a trained model's
    from its estimator where create_model passes it on, or from ``transformer`` for a transform."""
    source = d.model if d.model is not None else d.estimator
    isolation = bool(getattr(source, "enable_network_isolation", False))
    if d.model is None and d.estimator is not None and d.deploy is not None and not d.estimator.DEPLOY_KEEPS_NETWORK_ISOLATION:
        isolation = False
    if d.transformer is not None and d.transformer.enable_network_isolation is not None and d.deploy is None:
        isolation = d.transformer.enable_network_isolation
    return isolation


def needs_repack(d: ModelDescriptor) -> bool:
    """Whether model.tar.gz gets the inference code added under code/ (a pipeline/deploy step);
    a model served from its code archive is repacked only when network-isolated (it cannot reach S3);
    a multi-model endpoint's archives never are."""
    style, _spec = _serving(d)
    if style == "multi-model":
        return False
    entry, _source = _entry_point(d)
    if style == "code-archive":
        return entry is not None and network_isolated(d)
    return style in ("tfs", "framework", "default-handler") and entry is not None


def needs_code_archive(d: ModelDescriptor) -> bool:
    """Whether a ``model:``'s inference code is uploaded as its own sourcedir.tar.gz beside the
    model (``{{SourceArchive}}``; a trained model's is the training archive)."""
    d = served_descriptor(d)
    style, spec = _serving(d)
    return d.model is not None and style == "code-archive" and spec.entry_point is not None and not needs_repack(d) and not (spec.source_dir or "").startswith("s3://")


def inference_image(d: ModelDescriptor, ctx: RenderContext, variant: Any = None) -> str:
    style, spec = _serving(d)
    dep = d.deploy
    accelerator = variant.accelerator_type if variant is not None else (dep.accelerator_type if dep is not None else None)
    serverless = dep is not None and not capacity_of(dep).instance_backed  # serverless images where the SDK has them
    if style == "training-image":
        return training_image(d, ctx)
    if style == "legacy-container":  # the legacy container trains and serves
        return legacy_tensorflow_image(spec.framework_version or "", _instance_type(d, variant) or spec.instance_type, ctx.region)
    if getattr(spec, "image_uri", None):  # each framework's create_model passes the estimator's image_uri on
        return resolved_image_uri(spec.image_uri, ctx.region)
    if style == "image":
        return training_image(d, ctx)
    arguments = spec.image_arguments("inference")
    scope = spec.SERVING_SCOPE
    if style == "tfs":
        arguments["py_version"] = None  # TensorFlow Serving images have none
    return image_uri(
        arguments.pop("framework"),
        region=ctx.region,
        instance_type=_instance_type(d, variant),
        **arguments,
        scope=scope,
        accelerator_type=accelerator,
        serverless=serverless,
    )


def _environment(d: ModelDescriptor, ctx: RenderContext) -> dict[str, str]:
    style, spec = _serving(d)
    env: dict[str, str] = {}
    entry, source = _entry_point(d)
    if style == "tfs":
        level = spec.container_log_level
        if level is not None:
            env["SAGEMAKER_TFS_NGINX_LOGLEVEL"] = TFS_LOG_LEVELS[level]
    elif style == "legacy-container":
        # SDK 1.72's legacy TensorFlowModel: the training script's serving functions, from the
        # training code archive (no repack), with the legacy container's variables.
        level = spec.container_log_level if spec.container_log_level is not None else 20
        env.update(
            {
                "SAGEMAKER_PROGRAM": spec.entry_point if spec.source_dir else posixpath.basename(spec.entry_point),
                "SAGEMAKER_SUBMIT_DIRECTORY": spec.source_dir if (spec.source_dir or "").startswith("s3://") else ctx.source_archive,
                "SAGEMAKER_ENABLE_CLOUDWATCH_METRICS": "true" if spec.enable_cloudwatch_metrics else "false",
                "SAGEMAKER_CONTAINER_LOG_LEVEL": str(level),
                "SAGEMAKER_REGION": ctx.region,
            }
        )
        if spec.requirements_file:
            env["SAGEMAKER_REQUIREMENTS"] = spec.requirements_file
    elif style == "framework":
        level = spec.container_log_level if spec.container_log_level is not None else 20
        # Model._script_mode_env_vars: without an inference script both are empty (nothing repacked)
        script = (entry if source else posixpath.basename(entry)) if entry is not None else ""
        env.update(
            {
                "SAGEMAKER_PROGRAM": script,
                "SAGEMAKER_SUBMIT_DIRECTORY": MODEL_CODE_DIR if entry is not None else "",
                "SAGEMAKER_CONTAINER_LOG_LEVEL": str(level),
                "SAGEMAKER_REGION": ctx.region,
            }
        )
    elif style == "code-archive":
        # Model._script_mode_env_vars after _upload_code: the archive's S3 URI (the training
        # archive for a trained model), or the model's code directory when repacked
        level = spec.container_log_level if spec.container_log_level is not None else 20
        if entry is None:
            directory = ""
        elif needs_repack(d):
            directory = MODEL_CODE_DIR
        elif source is not None and source.startswith("s3://"):
            directory = source
        else:  # the model's own archive, or the training archive
            directory = ctx.source_archive
        if entry is None:
            script = ""
        elif d.model is None and (d.deploy is not None and d.deploy.entry_point or d.transformer is not None and d.transformer.entry_point):
            script = entry  # tar_and_upload_dir with an S3 directory keeps the script as given
        else:
            script = entry if source else posixpath.basename(entry)
        env.update({"SAGEMAKER_PROGRAM": script, "SAGEMAKER_SUBMIT_DIRECTORY": directory, "SAGEMAKER_CONTAINER_LOG_LEVEL": str(level), "SAGEMAKER_REGION": ctx.region})
    elif style == "default-handler":
        # Model._script_mode_env_vars: empty program and directory without an inference script
        level = spec.container_log_level if spec.container_log_level is not None else 20
        env.update(
            {
                "SAGEMAKER_PROGRAM": (entry if source else posixpath.basename(entry)) if entry else "",
                "SAGEMAKER_SUBMIT_DIRECTORY": MODEL_CODE_DIR if entry else "",
                "SAGEMAKER_CONTAINER_LOG_LEVEL": str(level),
                "SAGEMAKER_REGION": ctx.region,
            }
        )
    workers = getattr(spec, "model_server_workers", None)
    if d.deploy is not None and d.deploy.model_server_workers is not None:
        workers = d.deploy.model_server_workers
    if workers is not None and style in ("tfs", "legacy-container", "framework", "default-handler", "code-archive"):
        env["SAGEMAKER_MODEL_SERVER_WORKERS"] = str(workers)
    if d.model is not None and d.model.env:
        env.update(d.model.env)
    if d.deploy is not None and d.deploy.env:
        env.update(d.deploy.env)
    return env


def _role(d: ModelDescriptor, ctx: RenderContext) -> str:
    if d.model is not None:
        return role_arn(d.model.role, ctx)
    if d.transformer is not None and d.transformer.role is not None and d.deploy is None:
        return role_arn(d.transformer.role, ctx)
    assert d.estimator is not None
    return role_arn(d.estimator.role, ctx)


def variant_model_data(d: ModelDescriptor, variant: Any) -> str | None:
    """The artifact a variant serves: its own model_data, else the model's."""
    assert d.model is not None
    model_data: str | None = variant.model_data or d.model.model_data
    return model_data


def create_model(d: ModelDescriptor, ctx: RenderContext, variant: Any = None) -> dict[str, Any]:
    """CreateModel for what ``deploy``/``transformer`` serve (for one of ``deploy.variants``: its
    image for its instance type, its model data; repacked data is ``{{RepackedModelData.<variant>}}``)."""
    style, spec = _serving(d)
    if style == "multi-model":
        # MultiDataModel.prepare_container_def: the served model's image and environment, the
        # archives' prefix, MultiModel mode; the served model's role, VPC and isolation.
        served = create_model(served_descriptor(d), ctx, variant)
        served_container = dict(served["PrimaryContainer"])
        served_container.pop("ModelDataUrl", None)
        served["PrimaryContainer"] = {**served_container, "ModelDataUrl": spec.model_data_prefix, "Mode": "MultiModel"}
        return served
    if variant is not None:
        model_data = variant_model_data(d, variant)
    elif d.model is not None:
        model_data = d.model.model_data
    else:
        model_data = ctx.model_data
    if needs_repack(d):
        model_data = ph("RepackedModelData", variant.variant_name) if variant is not None else ctx.repacked_model_data
    container: dict[str, Any] = {"Image": inference_image(d, ctx, variant), "Environment": _environment(d, ctx)}
    if model_data is not None:
        container["ModelDataUrl"] = model_data
    name = ph("ModelName", variant.variant_name) if variant is not None else ctx.model_name
    request: dict[str, Any] = {"ModelName": name, "ExecutionRoleArn": _role(d, ctx), "PrimaryContainer": container}
    vpc = _vpc_config(d)
    if vpc is not None:
        request["VpcConfig"] = vpc
    if network_isolated(d):
        request["EnableNetworkIsolation"] = True
    tags = _tags(d)
    if tags:
        request["Tags"] = tags
    return request


def _vpc_config(d: ModelDescriptor) -> dict[str, Any] | None:
    vpc_source = d.model if d.model is not None else d.estimator
    subnets = getattr(vpc_source, "subnets", None)
    groups = getattr(vpc_source, "security_group_ids", None)
    return {"Subnets": list(subnets), "SecurityGroupIds": list(groups)} if subnets and groups else None


def create_inference_component(d: ModelDescriptor, ctx: RenderContext) -> dict[str, Any]:
    """CreateInferenceComponent of an inference-component-based deploy (its model: ``ctx.model_name``)."""
    return inference_component.create_inference_component(d, ctx, tags=_tags(d))


def _tags(d: ModelDescriptor) -> list[dict[str, str]]:
    """Descriptor tags, then deploy's; estimator.deploy() falls back to the estimator's tags."""
    own = d.deploy.tags if d.deploy is not None else ()
    if not own and d.estimator is not None and d.deploy is not None:
        own = d.estimator.tags
    if d.deploy is None and d.transformer is not None:  # the model transformer() creates
        own = transformer_tags(d)
    return [t.model_dump() for t in (*d.tags, *own)]


def _model_name(ctx: RenderContext) -> Any:
    """A variant's model name: the endpoint's only model, or the variant's own."""
    return lambda variant: ph("ModelName", variant) if variant is not None else ctx.model_name


def production_variants(d: ModelDescriptor, ctx: RenderContext) -> list[dict[str, Any]]:
    """The endpoint's production variants, as its capacity placement renders them
    (sagemaker.session.production_variant)."""
    assert d.deploy is not None
    return capacity_of(d.deploy).production_variants(d.deploy, _model_name(ctx))


def variant_names(d: ModelDescriptor) -> list[str]:
    assert d.deploy is not None
    return capacity_of(d.deploy).variant_names(d.deploy)


def create_endpoint_config(d: ModelDescriptor, ctx: RenderContext) -> dict[str, Any]:
    dep = d.deploy
    assert dep is not None
    chosen = placements_of(dep)
    own = chosen[0].endpoint_config(d, ctx, Served(role_arn=_role(d, ctx), tags=_tags(d), network_isolation=network_isolated(d), vpc_config=_vpc_config(d)))
    if own is not None:  # a placement whose config differs throughout (inference components)
        return own
    model_name = _model_name(ctx)
    request: dict[str, Any] = {"EndpointConfigName": ctx.endpoint_config_name, "ProductionVariants": chosen[0].production_variants(dep, model_name)}
    for placement in chosen:
        request.update(placement.beside_variants(dep, model_name))
    if dep.data_capture_config is not None:
        dc = dep.data_capture_config
        capture: dict[str, Any] = {
            "EnableCapture": dc.enable_capture,
            "InitialSamplingPercentage": dc.sampling_percentage,
            "DestinationS3Uri": dc.destination_s3_uri or f"s3://{ctx.default_bucket}/model-monitor/data-capture",
            "CaptureOptions": [{"CaptureMode": {"REQUEST": "Input", "RESPONSE": "Output"}[o]} for o in dc.capture_options],
        }
        if dc.kms_key_id:
            capture["KmsKeyId"] = dc.kms_key_id
        header: dict[str, Any] = {}
        if dc.csv_content_types:
            header["CsvContentTypes"] = list(dc.csv_content_types)
        if dc.json_content_types:
            header["JsonContentTypes"] = list(dc.json_content_types)
        if header:
            capture["CaptureContentTypeHeader"] = header
        request["DataCaptureConfig"] = capture
    if dep.kms_key:
        request["KmsKeyId"] = dep.kms_key
    for placement in chosen:
        request.update(placement.endpoint_settings(d, ctx))
    tags = _tags(d)
    if tags:
        request["Tags"] = tags
    return request


def async_output_paths(d: ModelDescriptor, ctx: RenderContext) -> tuple[str, str]:
    """(output path, failure path) of an asynchronous endpoint (see its placement)."""
    assert d.deploy is not None
    return output_paths(d.deploy, ctx)


def create_endpoint(d: ModelDescriptor, ctx: RenderContext) -> dict[str, Any]:
    dep = d.deploy
    assert dep is not None
    request: dict[str, Any] = {
        "EndpointName": dep.endpoint_name or ctx.endpoint_name,
        "EndpointConfigName": ctx.endpoint_config_name,
        "Tags": _tags(d),
    }
    if dep.deployment_config is not None:
        request["DeploymentConfig"] = deployment_config(dep.deployment_config)
    return request


def deployment_config(dc: Any) -> dict[str, Any]:
    """sagestack's deploy.deployment_config in the API's DeploymentConfig shape (not an SDK argument)."""
    tr = dc.traffic_routing
    routing: dict[str, Any] = {"Type": tr.type, "WaitIntervalInSeconds": tr.wait_interval_seconds}
    if tr.canary_size is not None:
        routing["CanarySize"] = {"Type": tr.canary_size.type, "Value": tr.canary_size.value}
    if tr.linear_step_size is not None:
        routing["LinearStepSize"] = {"Type": tr.linear_step_size.type, "Value": tr.linear_step_size.value}
    policy: dict[str, Any] = {"TrafficRoutingConfiguration": routing}
    if dc.termination_wait_seconds is not None:
        policy["TerminationWaitInSeconds"] = dc.termination_wait_seconds
    if dc.maximum_execution_timeout_seconds is not None:
        policy["MaximumExecutionTimeoutInSeconds"] = dc.maximum_execution_timeout_seconds
    out: dict[str, Any] = {"BlueGreenUpdatePolicy": policy}
    if dc.rollback_alarms:
        out["AutoRollbackConfiguration"] = {"Alarms": [{"AlarmName": name} for name in dc.rollback_alarms]}
    return out
