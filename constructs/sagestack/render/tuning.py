"""CreateHyperParameterTuningJob as ``HyperparameterTuner(estimator, ...).fit(inputs)`` sends it
(SDK 2.x: ``_TuningJob._prepare_training_config`` and ``Session._map_training_config``).

The TrainingJobDefinition is the estimator's CreateTrainingJob request reshaped: the tuner sends
the same image, role, channels, output and stopping condition, minus what a training job alone
gets (debugger, profiler, tags, the estimator's metric definitions).
"""

from __future__ import annotations

import json
from typing import Any

from ..descriptor import ModelDescriptor
from ..descriptor.estimator import FrameworkEstimator
from ..descriptor.kinds import KINDS
from ..descriptor.tuner import RANGE_KEYS, ParameterRange
from .context import RenderContext
from .training import create_training_job

__all__ = ["create_hyper_parameter_tuning_job", "parameter_ranges", "static_hyperparameters"]

# What a tuning job's training definition takes over from CreateTrainingJob unchanged.
_SHARED = ("RoleArn", "OutputDataConfig", "StoppingCondition", "InputDataConfig", "VpcConfig", "EnableNetworkIsolation",
           "EnableInterContainerTrafficEncryption", "EnableManagedSpotTraining", "RetryStrategy", "Environment")


def _to_string(value: Any) -> str:
    return str(value)  # sagemaker.utils.to_string


def _estimator_module(est: FrameworkEstimator) -> str:
    """The framework class's module (``sagemaker.pytorch.estimator``), which the SDK records so
    that ``attach()`` finds the class again."""
    sdk = next(k.estimator_sdk for k in KINDS if k.estimator_type == est.type and k.estimator_sdk)
    return sdk.rsplit(".", 1)[0] + ".estimator"


def static_hyperparameters(d: ModelDescriptor, training: dict[str, Any]) -> dict[str, str]:
    """The estimator's hyperparameters, encoded as its training job has them, without the ranged
    ones (``_prepare_static_hyperparameters``); framework classes also name their class."""
    assert d.tuner is not None and d.estimator is not None
    out = {k: v for k, v in training.get("HyperParameters", {}).items() if k not in d.tuner.hyperparameter_ranges}
    if isinstance(d.estimator, FrameworkEstimator):
        out["sagemaker_estimator_class_name"] = json.dumps(d.estimator.type)
        out["sagemaker_estimator_module"] = json.dumps(_estimator_module(d.estimator))
    return out


def _range(name: str, r: ParameterRange, framework: bool) -> dict[str, Any]:
    if r.type == "CategoricalParameter":
        values = [_to_string(v) for v in r.values or ()]
        # framework images read JSON-encoded hyperparameters (CategoricalParameter.as_json_range)
        return {"Name": name, "Values": [json.dumps(v) for v in values] if framework else values}
    return {"Name": name, "MinValue": _to_string(r.min_value), "MaxValue": _to_string(r.max_value), "ScalingType": r.scaling_type}


def parameter_ranges(d: ModelDescriptor) -> dict[str, list[dict[str, Any]]]:
    """ParameterRanges: every list present, empty ones too, as the SDK sends them."""
    assert d.tuner is not None
    framework = isinstance(d.estimator, FrameworkEstimator)
    out: dict[str, list[dict[str, Any]]] = {key: [] for key in ("ContinuousParameterRanges", "CategoricalParameterRanges", "IntegerParameterRanges")}
    for name, r in d.tuner.hyperparameter_ranges.items():
        out[RANGE_KEYS[r.type]].append(_range(name, r, framework))
    return out


def training_job_definition(d: ModelDescriptor, ctx: RenderContext) -> dict[str, Any]:
    tuner = d.tuner
    assert tuner is not None
    training = create_training_job(d, ctx)
    algorithm: dict[str, Any] = {"TrainingInputMode": training["AlgorithmSpecification"]["TrainingInputMode"]}
    if tuner.metric_definitions is not None:
        algorithm["MetricDefinitions"] = [m.model_dump() for m in tuner.metric_definitions]
    algorithm["TrainingImage"] = training["AlgorithmSpecification"]["TrainingImage"]
    resources = dict(training["ResourceConfig"])
    definition: dict[str, Any] = {
        "StaticHyperParameters": static_hyperparameters(d, training),
        "HyperParameterTuningResourceConfig": resources,
        "AlgorithmSpecification": algorithm,
    }
    definition.update({key: training[key] for key in _SHARED if key in training})
    checkpoint = training.get("CheckpointConfig")
    if checkpoint and "S3Uri" in checkpoint:  # the tuner sends a local path only beside an S3 URI
        definition["CheckpointConfig"] = checkpoint
    return definition


def _completion_criteria(tuner: Any) -> dict[str, Any]:
    """TuningJobCompletionCriteriaConfig.to_input_req: only the criteria given."""
    c = tuner.completion_criteria_config
    out: dict[str, Any] = {}
    if c.max_number_of_training_jobs_not_improving is not None:
        out["BestObjectiveNotImproving"] = {"MaxNumberOfTrainingJobsNotImproving": c.max_number_of_training_jobs_not_improving}
    if c.target_objective_metric_value is not None:
        out["TargetObjectiveMetricValue"] = c.target_objective_metric_value
    if c.complete_on_convergence is not None:
        out["ConvergenceDetected"] = {"CompleteOnConvergence": "Enabled" if c.complete_on_convergence else "Disabled"}
    return out


def create_hyper_parameter_tuning_job(d: ModelDescriptor, ctx: RenderContext) -> dict[str, Any]:
    """The CreateHyperParameterTuningJob request for ``estimator`` + ``tuner`` + ``fit``
    (``ctx.job_name`` names the tuning job)."""
    tuner = d.tuner
    assert tuner is not None and d.estimator is not None
    # the SDK's default is 1 job (validation asks Grid searches for their count)
    limits: dict[str, Any] = {"MaxNumberOfTrainingJobs": tuner.max_jobs if tuner.max_jobs is not None else 1, "MaxParallelTrainingJobs": tuner.max_parallel_jobs}
    if tuner.max_runtime_in_seconds is not None:
        limits["MaxRuntimeInSeconds"] = tuner.max_runtime_in_seconds
    config: dict[str, Any] = {"Strategy": tuner.strategy, "ResourceLimits": limits, "TrainingJobEarlyStoppingType": tuner.early_stopping_type}
    if tuner.random_seed is not None:
        config["RandomSeed"] = tuner.random_seed
    config["HyperParameterTuningJobObjective"] = {"Type": tuner.objective_type, "MetricName": tuner.objective_metric_name}
    config["ParameterRanges"] = parameter_ranges(d)
    if tuner.strategy_config is not None:
        hb = tuner.strategy_config.hyperband_strategy_config
        hyperband = {k: v for k, v in (("MinResource", hb.min_resource), ("MaxResource", hb.max_resource)) if v is not None}
        config["StrategyConfig"] = {"HyperbandStrategyConfig": hyperband}
    if tuner.completion_criteria_config is not None:
        config["TuningJobCompletionCriteria"] = _completion_criteria(tuner)
    request: dict[str, Any] = {
        "HyperParameterTuningJobName": ctx.job_name,
        "HyperParameterTuningJobConfig": config,
        "TrainingJobDefinition": training_job_definition(d, ctx),
    }
    if tuner.warm_start_config is not None:
        ws = tuner.warm_start_config
        # the SDK keeps the parents as a set; a name given twice is sent once, in the order given
        request["WarmStartConfig"] = {
            "WarmStartType": ws.warm_start_type,
            "ParentHyperParameterTuningJobs": [{"HyperParameterTuningJobName": p} for p in dict.fromkeys(ws.parents)],
        }
    # the tuner's tags, then the estimator's it lacks (HyperparameterTuner._prepare_tags_for_tuning)
    tags: list[dict[str, str]] = []
    for t in (*tuner.tags, *d.tags, *d.estimator.tags):
        if t.model_dump() not in tags:
            tags.append(t.model_dump())
    if tags:
        request["Tags"] = tags
    return request
