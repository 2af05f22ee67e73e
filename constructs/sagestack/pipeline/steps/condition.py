"""The quality gate (``deploy.condition``): after training (or tuning) and before the model is
created, each check compares a value of the run with its bound; a check that fails ends the run
with ``QualityGateFailed`` (naming the metric, its value and the bound) before anything is
deployed, and a value the run did not report ends it with ``MetricMissing``.

Where a value comes from is a check's source: a training metric, read from DescribeTrainingJob's
``FinalMetricDataList`` of the run's (or the tuning job's best) training job, or the tuner's
objective, read from the tuning job's ``BestTrainingJob``. A source says how to read its value,
how to tell that it is missing and what to say then; the gate is the same for every source.

Finding a metric in ``FinalMetricDataList`` by name takes a JSONPath filter; a filter that matches
nothing is an error in local execution (aws-local-stepfunctions) and, uncaught, would end the run
without its failure path. So the gate first lists the names reported (``[*].MetricName``), asks
``States.ArrayContains`` for each metric it needs, and filters only for metrics it knows are there.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from ...descriptor import ModelDescriptor
from ...descriptor.condition import COMPARISONS, Check
from .base import NEXT, SDK_TRANSIENT, Allow, Builder, Fragment, GrantContext, PipelineResources, StepContext, _escape, _retry, allow
from .tuning import TRAINING_JOB_SUFFIX

READ_STATE = "Read metrics"
ANY_STATE = "Any metrics?"
NAMES_STATE = "List metric names"
FIND_STATE = "Find gate metrics"
REPORTED_STATE = "Gate metrics reported?"
PICK_STATE = "Pick gate values"
GATE = "$.gate"
METRICS = "$.metrics"
LABEL_MAX = 50  # state names take 80 characters; a label is put in "Quality gate <label> failed"


def _number(bound: int | float) -> str:
    """A bound as the run prints values (States.Format writes 1.0 as 1)."""
    return repr(int(bound)) if isinstance(bound, float) and bound.is_integer() else repr(bound)


def _quote(text: str) -> str:
    """A string literal inside a JSONPath filter (single quotes, backslash-escaped)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


class Source(ABC):
    """Where a check's value comes from."""

    #: Whether the value is read from the training job's FinalMetricDataList.
    reads_training_metrics: bool = False

    @abstractmethod
    def missing(self, key: str) -> dict[str, Any]:
        """A Choice rule that holds when the value is missing (``key``: the check's key in $.gate)."""

    @abstractmethod
    def value(self, key: str) -> str:
        """The JSONPath of the value, once it is known to be there."""

    @abstractmethod
    def missing_cause(self) -> str:
        """An intrinsic function: why the value is missing."""


@dataclass(frozen=True)
class TrainingMetric(Source):
    """A metric in DescribeTrainingJob's FinalMetricDataList."""

    name: str
    reads_training_metrics = True

    def missing(self, key: str) -> dict[str, Any]:
        return {"Variable": f"{GATE}.{key}", "BooleanEquals": False}

    def value(self, key: str) -> str:
        return f"{GATE}.{key}[0]"

    def filter(self) -> str:
        return f"{METRICS}.reported[?(@.MetricName == {_quote(self.name)})].Value"

    def missing_cause(self) -> str:
        return f"States.Format('training job {{}} reported no metric {_escape(self.name)} (FinalMetricDataList)', $.training.TrainingJobName)"


@dataclass(frozen=True)
class TunerObjective(Source):
    """The tuner's objective metric of the best training job."""

    name: str
    PATH = "$.tuning.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value"

    def missing(self, key: str) -> dict[str, Any]:
        return {"Not": {"Variable": self.PATH, "IsPresent": True}}

    def value(self, key: str) -> str:
        return self.PATH

    def missing_cause(self) -> str:
        return f"States.Format('the tuning job reported no objective metric {_escape(self.name)} for its best training job {{}}', $.training.TrainingJobName)"


def source(d: ModelDescriptor, check: Check) -> Source:
    """The source of ``check``'s value."""
    if d.tuner is not None and check.metric == d.tuner.objective_metric_name:
        return TunerObjective(check.metric)
    return TrainingMetric(check.metric)


def _labels(checks: tuple[Check, ...]) -> list[str]:
    """A short name per check: its metric, numbered when two checks share it."""
    metrics = [c.metric for c in checks]
    out = []
    for index, metric in enumerate(metrics):
        label = metric if len(metric) <= LABEL_MAX else metric[: LABEL_MAX - 3] + "..."
        out.append(f"{label}, check {index + 1}" if metrics.count(metric) > 1 else label)
    return out


class Condition(Fragment):
    name = "condition"

    def applies(self, d: ModelDescriptor, resources: PipelineResources) -> bool:
        return d.estimator is not None and d.deploy is not None and bool(d.deploy.condition)

    def states(self, b: Builder, s: StepContext) -> str | None:
        d = s.d
        assert d.deploy is not None and d.deploy.condition
        checks = d.deploy.condition
        labels = _labels(checks)
        keys = [f"c{index + 1}" for index in range(len(checks))]
        sources = [source(d, c) for c in checks]
        missing = [b.failure(f"Read {label}", "MetricMissing", cause=src.missing_cause()) for label, src in zip(labels, sources, strict=True)]
        gates = [f"Gate: {label}" for label in labels]
        metric_keys = [(key, src) for key, src in zip(keys, sources, strict=True) if isinstance(src, TrainingMetric)]
        entry = REPORTED_STATE
        if metric_keys:
            first_missing = missing[keys.index(metric_keys[0][0])]
            b.add(READ_STATE, {
                "Type": "Task",
                "Comment": "The metrics the training job reported (FinalMetricDataList).",
                "Resource": "arn:aws:states:::aws-sdk:sagemaker:describeTrainingJob",
                "Parameters": {"TrainingJobName.$": "$.training.TrainingJobName"},
                # the whole answer: FinalMetricDataList is absent when the job reported no metric,
                # and a ResultSelector naming it would fail the run without its failure path
                "ResultPath": METRICS,
                "Retry": _retry(SDK_TRANSIENT),
                "Catch": b.catch(READ_STATE, "MetricsUnreadable"),
                "Next": ANY_STATE,
            })
            b.add(ANY_STATE, {
                "Type": "Choice",
                "Choices": [{"Variable": f"{METRICS}.FinalMetricDataList[0]", "IsPresent": True, "Next": NAMES_STATE}],
                "Default": first_missing,
            })
            b.add(NAMES_STATE, {
                "Type": "Pass",
                "Comment": "Keeps the reported metrics and their names (the rest of the description is dropped).",
                "Parameters": {"names.$": f"{METRICS}.FinalMetricDataList[*].MetricName", "reported.$": f"{METRICS}.FinalMetricDataList"},
                "ResultPath": METRICS,
                "Next": FIND_STATE,
            })
            b.add(FIND_STATE, {
                "Type": "Pass",
                "Comment": "Which of the metrics the gate checks were reported.",
                "Parameters": {f"{key}.$": f"States.ArrayContains({METRICS}.names, {_quote(src.name)})" for key, src in metric_keys},
                "ResultPath": GATE,
                "Next": REPORTED_STATE,
            })
            entry = READ_STATE
        b.add(REPORTED_STATE, {
            "Type": "Choice",
            "Comment": "A value the run did not report fails the run with MetricMissing.",
            "Choices": [{**src.missing(key), "Next": state} for key, src, state in zip(keys, sources, missing, strict=True)],
            "Default": PICK_STATE if metric_keys else gates[0],
        })
        if metric_keys:
            b.add(PICK_STATE, {
                "Type": "Pass",
                "Comment": "Each checked metric's value (a one-item list: the filter's answer).",
                "Parameters": {f"{key}.$": src.filter() for key, src in metric_keys},
                "ResultPath": GATE,
                "Next": gates[0],
            })
        for index, (check, label, key, src) in enumerate(zip(checks, labels, keys, sources, strict=True)):
            comparison, bound = check.comparison()
            _condition, symbol, operator = COMPARISONS[comparison]
            failed = b.failure(
                f"Quality gate {label}", "QualityGateFailed",
                cause=f"States.Format('{_escape(check.metric)} = {{}} is not {symbol} {_number(bound)}', {src.value(key)})",
            )
            b.add(gates[index], {
                "Type": "Choice",
                "Comment": f"Passes when {check.metric} {symbol} {_number(bound)}.",
                "Choices": [{"Variable": src.value(key), operator: bound, "Next": gates[index + 1] if index + 1 < len(gates) else NEXT}],
                "Default": failed,
            })
        return entry

    def grants(self, d: ModelDescriptor, g: GrantContext) -> list[Allow]:
        assert d.deploy is not None and d.deploy.condition
        if not any(source(d, c).reads_training_metrics for c in d.deploy.condition):
            return []
        jobs = f"training-job/{g.runs}{TRAINING_JOB_SUFFIX if d.tuner is not None else ''}"  # the run's, or the tuning job's best
        return [allow(["sagemaker:DescribeTrainingJob"], [g.arn("sagemaker", jobs)])]
