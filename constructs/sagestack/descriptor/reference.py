"""The descriptor reference as Markdown: one table per section, generated from the models so
that docs/reference.md cannot drift from the code (a test compares them)."""

from __future__ import annotations

from typing import Any, get_args

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from . import add_model, condition, deploy, estimator, fit, model, processing, register, transform, tuner
from .descriptor import ModelDescriptor
from .kinds import KINDS
from .placements import inference_components as inference_component


def _types(base: type[BaseModel], attribute: str) -> str:
    """The registry's ``type:`` values whose class derives from ``base``."""
    return ", ".join(t for k in KINDS if (cls := getattr(k, attribute)) is not None and issubclass(cls, base) for t in [getattr(k, f"{attribute}_type")])


def _distributions() -> list[tuple[str, type[BaseModel], str]]:
    """A section per kind whose class takes strategies of its own (its Distribution subclass)."""
    out: list[tuple[str, type[BaseModel], str]] = []
    for k in KINDS:
        field = k.estimator.model_fields.get("distribution") if k.estimator is not None else None
        own = [a for a in get_args(field.annotation) if isinstance(a, type) and issubclass(a, estimator.Distribution)] if field else []
        if own and own[0] is not estimator.Distribution:
            out.append((f"estimator.distribution: type {k.estimator_type}", own[0], f"the `distribution` dict of `{k.estimator_sdk}`"))
    return out


# (heading, class, what it mirrors) in reading order; a row per kind from the registry.
SECTIONS: list[tuple[str, type[BaseModel], str]] = [
    ("Top level", ModelDescriptor, "one model per file"),
    ("estimator: common to every type", estimator.EstimatorBase, "`sagemaker.estimator.EstimatorBase`"),
    (f"estimator: framework classes ({_types(estimator.FrameworkEstimator, 'estimator')})", estimator.FrameworkEstimator, "`sagemaker.estimator.Framework`"),
    *((f"estimator: type {k.estimator_type}", k.estimator, f"`{k.estimator_sdk}`" + (f" ({k.note})" if k.note else "")) for k in KINDS if k.estimator is not None),
    ("estimator.distribution", estimator.Distribution, "the SDK's `distribution` dict"),
    *_distributions(),
    ("estimator.distribution.mpi", estimator.Mpi, "`{'mpi': {...}}`"),
    ("estimator.debugger_hook_config", estimator.DebuggerHookConfig, "`sagemaker.debugger.DebuggerHookConfig`"),
    ("fit", fit.Fit, "`estimator.fit(...)`"),
    ("fit.inputs channel (TrainingInput)", fit.TrainingInput, "`sagemaker.inputs.TrainingInput` (v1 `s3_input`)"),
    ("fit.inputs RecordSet", fit.RecordSet, "`sagemaker.amazon.amazon_estimator.RecordSet`"),
    ("tuner", tuner.Tuner, "`HyperparameterTuner(estimator, ...)`, then `tuner.fit(...)`"),
    ("tuner.hyperparameter_ranges", tuner.ParameterRange, "`ContinuousParameter` / `IntegerParameter` / `CategoricalParameter`"),
    ("tuner.strategy_config", tuner.StrategyConfig, "`sagemaker.tuner.StrategyConfig`"),
    ("tuner.strategy_config.hyperband_strategy_config", tuner.HyperbandStrategyConfig, "`sagemaker.tuner.HyperbandStrategyConfig`"),
    ("processing[]", processing.ProcessingStep, "one processing job: a processor class, then `processor.run(...)`"),
    ("processing[].processor: common to every type", processing._ProcessorBase, "`sagemaker.processing.Processor`'s constructor"),
    ("processing[].processor: framework processors (FrameworkProcessor, PyTorchProcessor)", processing.FrameworkProcessorBase, "`sagemaker.processing.FrameworkProcessor`"),
    *((f"processing[].processor: type {name}", cls, f"`{name}(...)`") for name, cls in processing.PROCESSOR_TYPES.items()),
    ("processing[].processor.network_config", processing.NetworkConfig, "`sagemaker.network.NetworkConfig`"),
    ("processing[].run", processing.ProcessingRun, "`processor.run(...)`"),
    ("processing[].run.inputs[]", processing.ProcessingInput, "`sagemaker.processing.ProcessingInput`"),
    ("processing[].run.outputs[]", processing.ProcessingOutput, "`sagemaker.processing.ProcessingOutput`"),
    ("{step, output}", processing.StepOutput, "a processing step's output, or the trained model (`{step: training, output: model}`)"),
    ("deploy", deploy.Deploy, "`estimator.deploy(...)` / `model.deploy(...)`"),
    ("deploy.variants[]", deploy.ProductionVariant, "`sagemaker.session.production_variant(...)` (A/B traffic)"),
    ("deploy.condition[]", condition.Check, "sagestack: a check of the quality gate (as SageMaker Pipelines' `ConditionGreaterThanOrEqualTo` and its siblings)"),
    ("deploy.condition[].report", condition.Report, "a number in a processing step's JSON report (SageMaker Pipelines' `PropertyFile` read with `JsonGet`)"),
    ("deploy.autoscaling", deploy.Autoscaling, "sagestack: Application Auto Scaling"),
    ("deploy.autoscaling.scheduled_actions[]", deploy.ScheduledAction, "sagestack"),
    ("deploy.autoscaling.custom_metric", deploy.CustomMetric, "sagestack"),
    ("deploy.deployment_config", deploy.DeploymentConfig, "sagestack: blue/green updates (the API's DeploymentConfig)"),
    ("deploy.deployment_config.traffic_routing", deploy.TrafficRouting, "sagestack"),
    ("deploy.deployment_config.traffic_routing.canary_size / linear_step_size", deploy.CapacitySize, "sagestack"),
    ("deploy.data_capture_config", deploy.DataCaptureConfig, "`sagemaker.model_monitor.DataCaptureConfig`"),
    ("deploy.serverless_inference_config", deploy.ServerlessInferenceConfig, "`sagemaker.serverless.ServerlessInferenceConfig`"),
    ("deploy.resources", inference_component.ResourceRequirements, "`sagemaker.compute_resource_requirements.ResourceRequirements` (inference components)"),
    ("deploy.resources.requests", inference_component.ResourceRequests, "`ResourceRequirements(requests={...})`"),
    ("deploy.resources.limits", inference_component.ResourceLimits, "`ResourceRequirements(limits={...})`"),
    ("deploy.managed_instance_scaling", inference_component.ManagedInstanceScaling, "`model.deploy(managed_instance_scaling={...})`"),
    ("deploy.routing_config", inference_component.RoutingConfig, "`model.deploy(routing_config={...})`"),
    ("register", register.Register, "`estimator.register(...)` (`tuner.best_estimator().register(...)` with a tuner)"),
    ("add_model", add_model.AddModel, "`MultiDataModel.add_model(model_data_source, model_data_path)` after each run (a new key per run)"),
    ("transformer", transform.Transformer, "`estimator.transformer(...)` / `model.transformer(...)`"),
    ("transform", transform.Transform, "`transformer.transform(...)`"),
    ("model: common to every type", model.ModelBase, "`sagemaker.model.Model`"),
    (f"model: framework classes ({_types(model.FrameworkModelBase, 'model')})", model.FrameworkModelBase, "`sagemaker.model.FrameworkModel`"),
    *((f"model: type {k.model_type}", k.model, f"`{k.model_sdk}`" + (f" ({k.note})" if k.note else "")) for k in KINDS if k.model is not None),
]


def _own_fields(cls: type[BaseModel]) -> list[str]:
    parent_fields: set[str] = set()
    for base in cls.__mro__[1:]:
        if isinstance(base, type) and issubclass(base, BaseModel) and base is not BaseModel:
            parent_fields |= set(base.model_fields)
    return [name for name in cls.model_fields if name not in parent_fields or (name == "type" and "type" in cls.__dict__.get("__annotations__", {}))]


def _default(info: Any) -> str:
    if info.default_factory is not None:
        value = info.default_factory()
    elif info.default is PydanticUndefined:
        return "**required**"
    else:
        value = info.default
    if value is None or value == () or value == {}:
        return "-"
    if value is False:
        return "false"
    if value is True:
        return "true"
    if isinstance(value, tuple):
        return ", ".join(map(str, value))
    return f"`{value}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def kinds_table() -> list[str]:
    """The kinds of the registry: estimator and model ``type:``, their SDK classes, image family
    and how each is served (Markdown lines)."""
    lines = ["## Kinds", "", "| estimator `type` | model `type` | SDK classes | image family | serving |", "|---|---|---|---|---|"]
    for k in KINDS:
        classes = ", ".join(f"`{c}`" for c in (k.estimator_sdk, k.model_sdk) if c)
        lines.append(f"| {k.estimator_type or '-'} | {k.model_type or '-'} | {classes} | {k.image_family} | {_cell(k.serving)} |")
    return [*lines, ""]


def markdown_reference() -> str:
    lines = [
        "<!-- generated by `sagestack reference` (make docs); tests/descriptor/test_docs_in_sync.py keeps it in sync -->",
        "",
        *kinds_table(),
    ]
    for heading, cls, mirrors in SECTIONS:
        lines.append(f"## {heading}")
        lines.append("")
        lines.append(f"Mirrors {mirrors}.")
        lines.append("")
        lines.append("| field | meaning | default | SDK v1 name | lands in |")
        lines.append("|---|---|---|---|---|")
        for name in _own_fields(cls):
            info = cls.model_fields[name]
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            description = info.description or ""
            lands = str(extra.get("x-lands-in", "") or "")
            if lands and description.endswith(f" Lands in {lands}."):
                description = description[: -len(f" Lands in {lands}.")]
            if name == "type":
                if info.annotation is str:  # a base class: each concrete class names its own
                    continue
                literal = getattr(info.annotation, "__args__", ("",))[0]
                description = f"`{literal}`: the SDK class"
            v1 = f"`{extra['x-sdk-v1']}`" if extra.get("x-sdk-v1") else "-"
            lines.append(f"| `{name}` | {_cell(description)} | {_cell(_default(info))} | {v1} | {_cell(lands) or '-'} |")
        lines.append("")
    return "\n".join(lines)
