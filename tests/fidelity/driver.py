"""Run one descriptor through the real SageMaker Python SDK: the descriptor's keys are the SDK's
keyword arguments, so the driver only turns nested dicts into the SDK's objects."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from .recorder import ROLE, recording

JOB_NAME = "fidelity-job"
ENDPOINT_NAME = "fidelity-endpoint"
TRANSFORM_JOB_NAME = "fidelity-transform"
MODEL_NAME = "fidelity-model"


# The SDK class of each type: from the kind registry where sagestack is importable (SDK v2's
# venv); SDK v1's venv cannot import sagestack and knows only the kinds SDK v1 had.
_V1_CLASSES = {
    "TensorFlow": "sagemaker.tensorflow.TensorFlow",
    "MXNet": "sagemaker.mxnet.MXNet",
    "KMeans": "sagemaker.KMeans",
    "PCA": "sagemaker.PCA",
    "LinearLearner": "sagemaker.LinearLearner",
    "Estimator": "sagemaker.estimator.Estimator",
    "TensorFlowModel": "sagemaker.tensorflow.TensorFlowModel",
    "MXNetModel": "sagemaker.mxnet.MXNetModel",
    "Model": "sagemaker.model.Model",
}


def _sdk_classes() -> dict[str, str]:
    try:
        from sagestack.descriptor.kinds import KINDS
    except ImportError:
        return _V1_CLASSES
    out: dict[str, str] = {}
    for kind in KINDS:
        if kind.estimator_type and kind.estimator_sdk:
            out[kind.estimator_type] = kind.estimator_sdk
        if kind.model_type and kind.model_sdk:
            out[kind.model_type] = kind.model_sdk
    return out


def _sdk_class(name: str) -> Any:
    """The SDK class a ``type:`` names (its dotted path, imported)."""
    import importlib

    path = _sdk_classes()[name]
    module, _, attribute = path.rpartition(".")
    try:
        return getattr(importlib.import_module(module), attribute)
    except (ImportError, AttributeError):  # e.g. sagemaker.KMeans: an attribute of the package
        parent, _, inner = module.rpartition(".")
        return getattr(getattr(importlib.import_module(parent), inner), attribute)


def _estimator_class(name: str) -> Any:
    return _sdk_class(name)


def _model_class(name: str) -> Any:
    return _sdk_class(name)


def _inputs(fit: dict[str, Any]) -> Any:
    from sagemaker.amazon.amazon_estimator import RecordSet

    def record(d: dict[str, Any]) -> Any:
        return RecordSet(d["s3_data"], num_records=d["num_records"], feature_dim=d["feature_dim"], s3_data_type=d.get("s3_data_type", "ManifestFile"), channel=d.get("channel", "train"))

    inputs = fit["inputs"]
    if isinstance(inputs, str):
        return inputs
    try:
        from sagemaker.inputs import TrainingInput
    except ImportError:  # SDK v1
        from sagemaker.session import s3_input as TrainingInput

    if isinstance(inputs, list):
        return [record(d) for d in inputs]
    if "s3_data" in inputs:
        return record(inputs) if "num_records" in inputs else TrainingInput(**inputs)
    def channel(value: Any) -> Any:
        if isinstance(value, str):
            return value
        value = dict(value)
        if "shuffle_config" in value:
            from sagemaker.inputs import ShuffleConfig

            value["shuffle_config"] = ShuffleConfig(value["shuffle_config"]["seed"])
        return TrainingInput(**value)

    return {name: channel(value) for name, value in inputs.items()}


def _tuner(estimator: Any, kwargs: dict[str, Any]) -> Any:
    """``HyperparameterTuner(estimator, ...)`` with each range's ``type`` its parameter class."""
    from sagemaker import tuner as sdk_tuner

    kwargs = dict(kwargs)
    ranges = {}
    for name, spec in kwargs.pop("hyperparameter_ranges").items():
        spec = dict(spec)
        cls = getattr(sdk_tuner, spec.pop("type"))
        ranges[name] = cls(spec.pop("values")) if "values" in spec else cls(**spec)
    if "strategy_config" in kwargs:
        hyperband = sdk_tuner.HyperbandStrategyConfig(**kwargs.pop("strategy_config")["hyperband_strategy_config"])
        kwargs["strategy_config"] = sdk_tuner.StrategyConfig(hyperband_strategy_config=hyperband)
    if "warm_start_config" in kwargs:
        ws = kwargs.pop("warm_start_config")
        kwargs["warm_start_config"] = sdk_tuner.WarmStartConfig(sdk_tuner.WarmStartTypes(ws["warm_start_type"]), parents=ws["parents"])
    if "completion_criteria_config" in kwargs:
        kwargs["completion_criteria_config"] = sdk_tuner.TuningJobCompletionCriteriaConfig(**kwargs.pop("completion_criteria_config"))
    return sdk_tuner.HyperparameterTuner(estimator, hyperparameter_ranges=ranges, **kwargs)


# The SDK class of each processor type (processing: entries).
_PROCESSORS = {
    "Processor": "sagemaker.processing.Processor",
    "ScriptProcessor": "sagemaker.processing.ScriptProcessor",
    "FrameworkProcessor": "sagemaker.processing.FrameworkProcessor",
    "SKLearnProcessor": "sagemaker.sklearn.processing.SKLearnProcessor",
    "PyTorchProcessor": "sagemaker.pytorch.processing.PyTorchProcessor",
}


def _resolve(value: Any, outputs: dict[tuple[str, str], str]) -> Any:
    """A ``{step, output}`` reference → the S3 URI the SDK gave that output (or the model)."""
    if isinstance(value, dict) and set(value) == {"step", "output"}:
        return outputs[(value["step"], value["output"])]
    return value


def _run_processing(step: dict[str, Any], session: Any, base: Path, outputs: dict[tuple[str, str], str]) -> None:
    """``processor.run(...)`` of one processing: entry; records its outputs' S3 URIs."""
    import importlib

    from sagemaker.network import NetworkConfig
    from sagemaker.processing import ProcessingInput, ProcessingOutput

    kwargs = dict(step["processor"])
    module, _, name = _PROCESSORS[kwargs.pop("type")].rpartition(".")
    cls = getattr(importlib.import_module(module), name)
    kwargs.setdefault("role", ROLE)
    _retrieve(kwargs)
    if "estimator_cls" in kwargs:
        kwargs["estimator_cls"] = _estimator_class(kwargs["estimator_cls"])
    if "network_config" in kwargs:
        kwargs["network_config"] = NetworkConfig(**kwargs["network_config"])
    processor = cls(sagemaker_session=session, **kwargs)
    run = dict(step.get("run", {}))
    inputs = [ProcessingInput(**{**i, "source": _resolve(i["source"], outputs)}) for i in run.pop("inputs", [])]
    outs = [ProcessingOutput(**o) for o in run.pop("outputs", [])]
    if run.get("source_dir"):
        run["source_dir"] = str(base / run["source_dir"])
    elif run.get("code") and not run["code"].startswith("s3://"):
        run["code"] = str(base / run["code"])
    processor.run(inputs=inputs or None, outputs=outs or None, job_name=f"{JOB_NAME}-{step['name']}", wait=False, logs=False, **run)
    for output in processor.latest_job.outputs:
        outputs[(step["name"], output.output_name)] = output.destination


def _absolute(kwargs: dict[str, Any], base: Path) -> None:
    for key in ("source_dir",):
        if kwargs.get(key) and not str(kwargs[key]).startswith("s3://"):
            kwargs[key] = str(base / kwargs[key])
    if kwargs.get("entry_point") and not kwargs.get("source_dir"):
        kwargs["entry_point"] = str(base / kwargs["entry_point"])
    if kwargs.get("dependencies"):
        kwargs["dependencies"] = [str(base / d) for d in kwargs["dependencies"]]


def _retrieve(kwargs: dict[str, Any]) -> None:
    """An ``image_uri`` mapping is the notebook's ``image_uris.retrieve(...)`` call."""
    if isinstance(kwargs.get("image_uri"), dict):
        from sagemaker import image_uris

        from .recorder import REGION

        kwargs["image_uri"] = image_uris.retrieve(region=REGION, **kwargs["image_uri"])


def run_sdk(descriptor: dict[str, Any], base: Path) -> list[tuple[str, dict[str, Any]]]:
    """Every SageMaker request the SDK sends for this descriptor's calls."""
    with recording() as (calls, session):
        run_in(calls, session, descriptor, base)
    return calls


def run_in(calls: list[tuple[str, dict[str, Any]]], session: Any, descriptor: dict[str, Any], base: Path) -> list[tuple[str, dict[str, Any]]]:
    """Like run_sdk, inside an open recording() (one moto set-up for many configurations)."""
    calls.clear()
    from .recorder import _CREATED_CONFIGS, _CREATED_ENDPOINTS, _CREATED_TUNING, IN_SERVICE

    _CREATED_ENDPOINTS.clear()  # each configuration starts with no endpoints
    IN_SERVICE.clear()
    _CREATED_CONFIGS.clear()
    _CREATED_TUNING.clear()
    d = copy.deepcopy(descriptor)
    outputs: dict[tuple[str, str], str] = {}  # (step, output name) → S3 URI
    steps = d.get("processing", [])
    for step in steps:
        if step.get("when", "before_training") == "before_training":
            _run_processing(step, session, base, outputs)
    if "fit" in d and isinstance(d["fit"]["inputs"], dict):
        inputs = d["fit"]["inputs"]
        d["fit"]["inputs"] = _resolve(inputs, outputs) if set(inputs) == {"step", "output"} else {k: _resolve(v, outputs) for k, v in inputs.items()}
    if True:
        deployable: Any = None
        if "estimator" in d:
            kwargs = d["estimator"]
            cls = _estimator_class(kwargs.pop("type"))
            kwargs.setdefault("role", ROLE)
            _absolute(kwargs, base)
            _retrieve(kwargs)
            hook = kwargs.get("debugger_hook_config")
            if isinstance(hook, dict):
                from sagemaker.debugger import CollectionConfig, DebuggerHookConfig

                collections = [CollectionConfig(c["name"], c.get("parameters")) for c in hook.pop("collection_configs", [])]
                kwargs["debugger_hook_config"] = DebuggerHookConfig(collection_configs=collections or None, **hook)
            estimator = cls(sagemaker_session=session, **kwargs)
            fit = d["fit"]
            fit_kwargs = {"job_name": JOB_NAME, "wait": False}
            if "mini_batch_size" in fit:
                fit_kwargs["mini_batch_size"] = fit["mini_batch_size"]
            if "tuner" in d:  # with a tuner, fit is tuner.fit(...) and deploy serves the best job
                tuner = _tuner(estimator, d["tuner"])
                tuner.fit(_inputs(fit), **fit_kwargs)
                deployable = tuner
            else:
                estimator.fit(_inputs(fit), **fit_kwargs)
                deployable = estimator
            outputs[("training", "model")] = deployable.model_data if "tuner" not in d else None
            if "register" in d:  # estimator.register(...), the best job's with a tuner
                registered = tuner.best_estimator() if "tuner" in d else estimator
                # register() names its model from base_job_name, which fit(job_name=...) leaves unset (TypeError)
                registered.base_job_name = registered.base_job_name or JOB_NAME
                registered.register(**d["register"])
        for step in steps:
            if step.get("when") == "after_training":
                _run_processing(step, session, base, outputs)
        if "model" in d:
            kwargs = d["model"]
            cls = _model_class(kwargs.pop("type"))
            if isinstance(kwargs.get("model"), dict):  # a model that serves another (MultiDataModel)
                inner = dict(kwargs["model"])
                inner_cls = _model_class(inner.pop("type"))
                inner.setdefault("role", ROLE)
                inner.setdefault("model_data", None)  # the archives come from the prefix; some classes require the argument
                _absolute(inner, base)
                _retrieve(inner)
                kwargs["model"] = inner_cls(sagemaker_session=session, **inner)
            else:
                kwargs.setdefault("role", ROLE)
            _absolute(kwargs, base)
            _retrieve(kwargs)
            import inspect

            if inspect.signature(cls.__init__).parameters.get("name", inspect.Parameter("name", inspect.Parameter.KEYWORD_ONLY)).default is inspect.Parameter.empty:
                kwargs["name"] = MODEL_NAME  # a class that needs its name (sagestack's are generated)
            if "subnets" in kwargs or "security_group_ids" in kwargs:
                kwargs["vpc_config"] = {"Subnets": kwargs.pop("subnets"), "SecurityGroupIds": kwargs.pop("security_group_ids")}
            model_cls, model_kwargs = cls, kwargs
            deployable = cls(sagemaker_session=session, **kwargs)
        if "deploy" in d and "variants" in d["deploy"]:
            # A/B: one model per variant, then session.endpoint_from_production_variants.
            from sagemaker.session import production_variant

            variants = []
            for v in d["deploy"]["variants"]:
                # named per variant: generated names (image + milliseconds) can collide within a run
                model = model_cls(sagemaker_session=session, **{**model_kwargs, "model_data": v.get("model_data", model_kwargs.get("model_data")), "name": f"{MODEL_NAME}-{v['variant_name']}"})
                model.create(instance_type=v["instance_type"])
                variants.append(production_variant(model.name, v["instance_type"], v.get("initial_instance_count", 1), variant_name=v["variant_name"], initial_weight=v.get("initial_weight", 1)))
            session.endpoint_from_production_variants(ENDPOINT_NAME, variants, wait=False)
        elif "deploy" in d:
            kwargs = d["deploy"]
            kwargs.pop("autoscaling", None)  # sagestack's own block; not an SDK argument
            if "data_capture_config" in kwargs:
                from sagemaker.model_monitor import DataCaptureConfig

                kwargs["data_capture_config"] = DataCaptureConfig(**kwargs["data_capture_config"])
            if "serverless_inference_config" in kwargs:
                from sagemaker.serverless import ServerlessInferenceConfig

                kwargs["serverless_inference_config"] = ServerlessInferenceConfig(**kwargs["serverless_inference_config"])
            if "async_inference_config" in kwargs:
                from sagemaker.async_inference import AsyncInferenceConfig

                config = dict(kwargs["async_inference_config"])
                kwargs["async_inference_config"] = AsyncInferenceConfig(**config)
            endpoint_name = kwargs.pop("endpoint_name", ENDPOINT_NAME)
            if kwargs.get("endpoint_type") is not None:
                from sagemaker.compute_resource_requirements.resource_requirements import ResourceRequirements
                from sagemaker.enums import EndpointType

                kwargs["endpoint_type"] = {"model-based": EndpointType.MODEL_BASED, "inference-component-based": EndpointType.INFERENCE_COMPONENT_BASED}[kwargs["endpoint_type"]]
                if "resources" in kwargs:
                    kwargs["resources"] = ResourceRequirements(**kwargs["resources"])
                if "initial_instance_count" not in kwargs:
                    # a component joining an endpoint in service: the SDK still asks for a count (and ignores it)
                    IN_SERVICE.add(endpoint_name)
                    kwargs["initial_instance_count"] = 1
            _absolute(kwargs, base)
            deployable.deploy(endpoint_name=endpoint_name, wait=False, **kwargs)
        if "transformer" in d:
            kwargs = d["transformer"]
            transformer = deployable.transformer(**kwargs)
            transform = d["transform"]
            transformer.transform(job_name=TRANSFORM_JOB_NAME, wait=False, **transform)
    return list(calls)
