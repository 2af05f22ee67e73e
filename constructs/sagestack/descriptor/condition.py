"""``deploy.condition`` — the quality gate: checks a run's training metrics must pass before the
run creates a model and deploys it, as a SageMaker Pipelines ``ConditionStep`` with
``ConditionGreaterThanOrEqualTo`` (and its siblings) guards a model step.

A check names where its value comes from (``metric:``, a metric the training job reports in
DescribeTrainingJob's ``FinalMetricDataList``, or the tuner's objective, read from the tuning job's
best training job) and exactly one comparison with a bound.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import BeforeValidator

from .base import SdkModel, sdk_field, user_error

__all__ = ["Check", "COMPARISONS"]

#: Each comparison field → (the SageMaker Pipelines condition it mirrors, its symbol in messages,
#: the Step Functions Choice operator that passes the check).
COMPARISONS: dict[str, tuple[str, str, str]] = {
    "greater_than": ("ConditionGreaterThan", ">", "NumericGreaterThan"),
    "greater_than_or_equal_to": ("ConditionGreaterThanOrEqualTo", ">=", "NumericGreaterThanEquals"),
    "less_than": ("ConditionLessThan", "<", "NumericLessThan"),
    "less_than_or_equal_to": ("ConditionLessThanOrEqualTo", "<=", "NumericLessThanEquals"),
    "equal_to": ("ConditionEquals", "==", "NumericEquals"),
}

_GATE = "the pipeline's quality gate (a Step Functions Choice state)"


def _not_a_boolean(value: Any) -> Any:
    # YAML reads yes/true as a boolean, which would otherwise pass as the number 1
    if isinstance(value, bool):
        raise user_error("bound_not_a_number", "a bound is a number", allowed="a number, e.g. 0.8", got=str(value).lower())
    return value


Bound = Annotated[int | float, BeforeValidator(_not_a_boolean)]


class Check(SdkModel):
    """One check: a training metric and one comparison with a bound."""

    section_title: ClassVar[str] = "deploy.condition"

    metric: str = sdk_field(
        doc="A metric the training job reports: one of metric_definitions (tuner.metric_definitions with a tuner), one a built-in algorithm emits (e.g. XGBoost's validation:auc), or the tuner's objective_metric_name (the best training job's objective).",
        lands_in="DescribeTrainingJob.FinalMetricDataList[].MetricName (the tuner's objective: DescribeHyperParameterTuningJob.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric)",
    )
    greater_than: Bound | None = sdk_field(None, doc="Passes when the value is above this bound.", lands_in=_GATE)
    greater_than_or_equal_to: Bound | None = sdk_field(None, doc="Passes when the value is at least this bound.", lands_in=_GATE)
    less_than: Bound | None = sdk_field(None, doc="Passes when the value is below this bound.", lands_in=_GATE)
    less_than_or_equal_to: Bound | None = sdk_field(None, doc="Passes when the value is at most this bound.", lands_in=_GATE)
    equal_to: Bound | None = sdk_field(None, doc="Passes when the value equals this bound.", lands_in=_GATE)

    def comparisons(self) -> list[str]:
        """The comparison fields given (a valid check has exactly one)."""
        return [name for name in COMPARISONS if getattr(self, name) is not None]

    def comparison(self) -> tuple[str, int | float]:
        """(comparison field, bound) of a valid check."""
        [name] = self.comparisons()
        bound = getattr(self, name)
        assert bound is not None
        return name, bound
