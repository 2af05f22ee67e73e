"""The ``tuner:`` section — mirrors ``HyperparameterTuner(estimator, objective_metric_name,
hyperparameter_ranges, ...)`` followed by ``tuner.fit(inputs)``.

With a tuner, the descriptor's ``fit:`` is ``tuner.fit(...)`` and ``deploy:`` serves the best
training job (as ``tuner.deploy()`` does). A range is ``{type: ContinuousParameter |
IntegerParameter, min_value, max_value, scaling_type}`` or ``{type: CategoricalParameter, values:
[...]}``, the SDK's parameter classes.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field

from .base import Api, SdkModel, sdk_field
from .estimator import MetricDefinition
from .types import Tags

__all__ = ["Tuner", "ParameterRange", "StrategyConfig", "HyperbandStrategyConfig", "WarmStartConfig", "TuningJobCompletionCriteriaConfig", "RANGE_KEYS"]

HPT = "CreateHyperParameterTuningJob"
CONFIG = "HyperParameterTuningJobConfig"
RANGES = f"{CONFIG}.ParameterRanges"

#: The ParameterRanges list each range type lands in (the SDK sends all three, empty ones too).
RANGE_KEYS = {
    "ContinuousParameter": "ContinuousParameterRanges",
    "IntegerParameter": "IntegerParameterRanges",
    "CategoricalParameter": "CategoricalParameterRanges",
}

RangeName = Annotated[str, Api(HPT, f"{RANGES}.ContinuousParameterRanges[].Name")]


class ParameterRange(SdkModel):
    """``ContinuousParameter(min_value, max_value, scaling_type)``, ``IntegerParameter(...)`` or
    ``CategoricalParameter(values)``."""

    type: Literal["ContinuousParameter", "IntegerParameter", "CategoricalParameter"] = sdk_field(
        doc="The SDK's parameter class.", lands_in="CreateHyperParameterTuningJob.HyperParameterTuningJobConfig.ParameterRanges"
    )
    min_value: int | float | None = sdk_field(
        None, doc="Lower bound (Continuous and Integer ranges).", lands_in="CreateHyperParameterTuningJob.HyperParameterTuningJobConfig.ParameterRanges.*ParameterRanges[].MinValue"
    )
    max_value: int | float | None = sdk_field(
        None, doc="Upper bound (Continuous and Integer ranges).", lands_in="CreateHyperParameterTuningJob.HyperParameterTuningJobConfig.ParameterRanges.*ParameterRanges[].MaxValue"
    )
    scaling_type: Annotated[str, Api(HPT, f"{RANGES}.ContinuousParameterRanges[].ScalingType")] = sdk_field(
        "Auto",
        doc="Auto, Linear, Logarithmic or ReverseLogarithmic (Continuous ranges only).",
        lands_in="CreateHyperParameterTuningJob.HyperParameterTuningJobConfig.ParameterRanges.*ParameterRanges[].ScalingType",
    )
    values: Annotated[tuple[str | int | float | bool, ...], Field(min_length=1)] | None = sdk_field(
        None,
        doc="The values to choose from (Categorical ranges; JSON-encoded for framework estimators, as their hyperparameters are).",
        lands_in="CreateHyperParameterTuningJob.HyperParameterTuningJobConfig.ParameterRanges.CategoricalParameterRanges[].Values",
    )


class HyperbandStrategyConfig(SdkModel):
    """``HyperbandStrategyConfig(min_resource, max_resource)``: the epochs (or other resource)
    each training job gets."""

    min_resource: Annotated[int, Api(HPT, f"{CONFIG}.StrategyConfig.HyperbandStrategyConfig.MinResource")] | None = sdk_field(
        None, doc="Least resource a job runs with before it may be stopped.", lands_in="CreateHyperParameterTuningJob.HyperParameterTuningJobConfig.StrategyConfig.HyperbandStrategyConfig.MinResource"
    )
    max_resource: Annotated[int, Api(HPT, f"{CONFIG}.StrategyConfig.HyperbandStrategyConfig.MaxResource")] | None = sdk_field(
        None, doc="Most resource a job runs with.", lands_in="CreateHyperParameterTuningJob.HyperParameterTuningJobConfig.StrategyConfig.HyperbandStrategyConfig.MaxResource"
    )


class StrategyConfig(SdkModel):
    """``StrategyConfig(hyperband_strategy_config=...)``."""

    hyperband_strategy_config: HyperbandStrategyConfig = sdk_field(
        doc="Hyperband's resource bounds.", lands_in="CreateHyperParameterTuningJob.HyperParameterTuningJobConfig.StrategyConfig.HyperbandStrategyConfig"
    )


class WarmStartConfig(SdkModel):
    """``WarmStartConfig(warm_start_type, parents)``: start from what earlier tuning jobs learned."""

    warm_start_type: Annotated[str, Api(HPT, "WarmStartConfig.WarmStartType")] = sdk_field(
        doc="IdenticalDataAndAlgorithm (same data and image, ranges may change) or TransferLearning (data, image or static hyperparameters may change too).",
        lands_in="CreateHyperParameterTuningJob.WarmStartConfig.WarmStartType",
    )
    parents: Annotated[
        tuple[Annotated[str, Api(HPT, "WarmStartConfig.ParentHyperParameterTuningJobs[].HyperParameterTuningJobName")], ...],
        Api(HPT, "WarmStartConfig.ParentHyperParameterTuningJobs"),
        Field(min_length=1),  # WarmStartConfig raises ValueError on no parents
    ] = sdk_field(
        doc="Names of the finished tuning jobs to start from (a set: a name given twice is sent once).",
        lands_in="CreateHyperParameterTuningJob.WarmStartConfig.ParentHyperParameterTuningJobs[].HyperParameterTuningJobName",
    )


class TuningJobCompletionCriteriaConfig(SdkModel):
    """``TuningJobCompletionCriteriaConfig(...)``: when the tuning job may stop before max_jobs."""

    max_number_of_training_jobs_not_improving: Annotated[
        int, Api(HPT, f"{CONFIG}.TuningJobCompletionCriteria.BestObjectiveNotImproving.MaxNumberOfTrainingJobsNotImproving")
    ] | None = sdk_field(
        None,
        doc="Stop after this many training jobs in a row do not improve the best objective.",
        lands_in="CreateHyperParameterTuningJob.HyperParameterTuningJobConfig.TuningJobCompletionCriteria.BestObjectiveNotImproving.MaxNumberOfTrainingJobsNotImproving",
    )
    complete_on_convergence: bool | None = sdk_field(
        None,
        doc="Stop when SageMaker detects that the objective has converged (sent as Enabled or Disabled).",
        lands_in="CreateHyperParameterTuningJob.HyperParameterTuningJobConfig.TuningJobCompletionCriteria.ConvergenceDetected.CompleteOnConvergence",
    )
    target_objective_metric_value: Annotated[float, Api(HPT, f"{CONFIG}.TuningJobCompletionCriteria.TargetObjectiveMetricValue")] | None = sdk_field(
        None,
        doc="Stop once a training job reaches this objective value.",
        lands_in="CreateHyperParameterTuningJob.HyperParameterTuningJobConfig.TuningJobCompletionCriteria.TargetObjectiveMetricValue",
    )


class Tuner(SdkModel):
    """``HyperparameterTuner(estimator, ...)``; the estimator is the descriptor's."""

    section_title: ClassVar[str] = "tuner"

    objective_metric_name: Annotated[str, Api(HPT, f"{CONFIG}.HyperParameterTuningJobObjective.MetricName")] = sdk_field(
        doc="Metric the tuning optimizes: one the algorithm emits, or one of metric_definitions.",
        lands_in="CreateHyperParameterTuningJob.HyperParameterTuningJobConfig.HyperParameterTuningJobObjective.MetricName",
    )
    hyperparameter_ranges: Annotated[dict[RangeName, ParameterRange], Field(min_length=1)] = sdk_field(
        doc="Hyperparameter name → range; the estimator's other hyperparameters stay static.",
        lands_in="CreateHyperParameterTuningJob.HyperParameterTuningJobConfig.ParameterRanges",
    )
    metric_definitions: Annotated[tuple[MetricDefinition, ...], Api(HPT, "TrainingJobDefinition.AlgorithmSpecification.MetricDefinitions")] | None = sdk_field(
        None,
        doc="Metrics scraped from the training logs: [{Name, Regex}] (the tuner's own; the estimator's are not sent).",
        lands_in="CreateHyperParameterTuningJob.TrainingJobDefinition.AlgorithmSpecification.MetricDefinitions",
    )
    strategy: Annotated[str, Api(HPT, f"{CONFIG}.Strategy")] = sdk_field(
        "Bayesian", doc="Bayesian, Random, Hyperband or Grid.", lands_in="CreateHyperParameterTuningJob.HyperParameterTuningJobConfig.Strategy"
    )
    strategy_config: StrategyConfig | None = sdk_field(
        None, doc="Hyperband's configuration.", lands_in="CreateHyperParameterTuningJob.HyperParameterTuningJobConfig.StrategyConfig"
    )
    objective_type: Annotated[str, Api(HPT, f"{CONFIG}.HyperParameterTuningJobObjective.Type")] = sdk_field(
        "Maximize", doc="Maximize or Minimize.", lands_in="CreateHyperParameterTuningJob.HyperParameterTuningJobConfig.HyperParameterTuningJobObjective.Type"
    )
    max_jobs: Annotated[int, Api(HPT, f"{CONFIG}.ResourceLimits.MaxNumberOfTrainingJobs")] | None = sdk_field(
        None,
        doc="Training jobs in all (the SDK's default: 1; Grid searches give it: at most their number of combinations).",
        lands_in="CreateHyperParameterTuningJob.HyperParameterTuningJobConfig.ResourceLimits.MaxNumberOfTrainingJobs",
    )
    max_parallel_jobs: Annotated[int, Api(HPT, f"{CONFIG}.ResourceLimits.MaxParallelTrainingJobs")] = sdk_field(
        1, doc="Training jobs at once.", lands_in="CreateHyperParameterTuningJob.HyperParameterTuningJobConfig.ResourceLimits.MaxParallelTrainingJobs"
    )
    max_runtime_in_seconds: Annotated[int, Api(HPT, f"{CONFIG}.ResourceLimits.MaxRuntimeInSeconds")] | None = sdk_field(
        None, doc="Longest the whole tuning job may run.", lands_in="CreateHyperParameterTuningJob.HyperParameterTuningJobConfig.ResourceLimits.MaxRuntimeInSeconds"
    )
    early_stopping_type: Annotated[str, Api(HPT, f"{CONFIG}.TrainingJobEarlyStoppingType")] = sdk_field(
        "Off", doc="Off or Auto (stop training jobs unlikely to beat the best).", lands_in="CreateHyperParameterTuningJob.HyperParameterTuningJobConfig.TrainingJobEarlyStoppingType"
    )
    random_seed: Annotated[int, Api(HPT, f"{CONFIG}.RandomSeed")] | None = sdk_field(
        None, doc="Seed of the hyperparameter choices.", lands_in="CreateHyperParameterTuningJob.HyperParameterTuningJobConfig.RandomSeed"
    )
    warm_start_config: WarmStartConfig | None = sdk_field(
        None, doc="Start from earlier tuning jobs (WarmStartConfig).", lands_in="CreateHyperParameterTuningJob.WarmStartConfig"
    )
    completion_criteria_config: TuningJobCompletionCriteriaConfig | None = sdk_field(
        None,
        doc="When the tuning job may complete early (TuningJobCompletionCriteriaConfig).",
        lands_in="CreateHyperParameterTuningJob.HyperParameterTuningJobConfig.TuningJobCompletionCriteria",
    )
    tags: Tags = sdk_field((), doc="Tags for the tuning job (the estimator's are added, as the SDK adds them).", lands_in="CreateHyperParameterTuningJob.Tags")
