"""``deploy.condition`` — the quality gate: checks a run's training metrics must pass before the
run creates a model and deploys it, as a SageMaker Pipelines ``ConditionStep`` with
``ConditionGreaterThanOrEqualTo`` (and its siblings) guards a model step.

A check names where its value comes from and exactly one comparison with a bound. The value is
``metric:``, a metric the training job reports in DescribeTrainingJob's ``FinalMetricDataList``
(or the tuner's objective, read from the tuning job's best training job), or ``report:``, a number
in a JSON file a processing step wrote, as SageMaker Pipelines' ``PropertyFile(name, output_name,
path)`` read with ``JsonGet(step_name, property_file, json_path)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BeforeValidator, Field

from .base import SdkModel, sdk_field, user_error
from .rules import Context, Finding, rule

__all__ = ["Check", "Report", "COMPARISONS", "JSON_PATH"]

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

# What a Step Functions reference path names statically: object keys in dot notation and array
# indexes (no wildcards, filters, slices or quoted keys), so the gate's Choice state can read it.
_KEY = r"[A-Za-z_][A-Za-z0-9_]*"
JSON_PATH = re.compile(rf"^(?:{_KEY}|\[[0-9]+\])(?:\.{_KEY}|\[[0-9]+\])*$")
_JSON_PATH_ALLOWED = "keys joined by dots and [index], without a leading $ (e.g. metrics.accuracy.value, scores[0])"


def _json_path(value: str) -> str:
    if not JSON_PATH.match(value):
        raise user_error("json_path_not_static", "the gate reads one value at a fixed place in the report", allowed=_JSON_PATH_ALLOWED, got=value)
    return value


def _file_in_output(value: str) -> str:
    parts = value.split("/")
    if value.startswith("/") or value.endswith("/") or any(p in ("", ".", "..") for p in parts):
        raise user_error("report_path", "a file inside the output's folder", allowed="a relative file name, e.g. evaluation.json or reports/evaluation.json", got=value)
    return value


class Report(SdkModel):
    """``report: {step, output, path, json_path}``: a number in a JSON file a processing step wrote
    (SageMaker Pipelines' ``PropertyFile`` and ``JsonGet``)."""

    section_title: ClassVar[str] = "a report check"

    step: str = sdk_field(
        doc="The processing step that writes the report (its name; JsonGet's step_name).",
        lands_in="the gate's S3 GetObject of that step's output (Step Functions aws-sdk:s3:getObject)",
    )
    output: str = sdk_field(
        doc="The step's ProcessingOutput holding the file (its output_name; PropertyFile's output_name).",
        lands_in="the GetObject's Bucket and Key: that output's CreateProcessingJob.ProcessingOutputConfig.Outputs[].S3Output.S3Uri",
    )
    path: Annotated[str, Field(min_length=1, max_length=512), AfterValidator(_file_in_output)] = sdk_field(
        doc="The JSON file within the output, e.g. evaluation.json (PropertyFile's path).",
        lands_in="the GetObject's Key: <output S3Uri>/<path>",
    )
    json_path: Annotated[str, Field(min_length=1, max_length=256), AfterValidator(_json_path)] = sdk_field(
        doc="Where the number is in the file, e.g. metrics.accuracy.value (JsonGet's json_path): keys joined by dots and [index].",
        lands_in="the gate's Choice state, reading the parsed report (States.StringToJson)",
    )



class Check(SdkModel):
    """One check: a value (a training metric or a report's number) and one comparison with a bound."""

    section_title: ClassVar[str] = "deploy.condition"

    metric: str | None = sdk_field(
        None,
        doc="A metric the training job reports: one of metric_definitions (tuner.metric_definitions with a tuner), one a built-in algorithm emits (e.g. XGBoost's validation:auc), or the tuner's objective_metric_name (the best training job's objective).",
        lands_in="DescribeTrainingJob.FinalMetricDataList[].MetricName (the tuner's objective: DescribeHyperParameterTuningJob.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric)",
    )
    report: Report | None = sdk_field(
        None,
        doc="A number in a JSON file a processing step wrote: {step, output, path, json_path} (SageMaker Pipelines' PropertyFile and JsonGet). A check has metric or report.",
        lands_in="the gate's S3 GetObject of the step's output and its Choice state",
    )
    better_than_live: bool | None = sdk_field(
        None,
        doc="sagestack: also pass only when the value beats the one recorded for the model the endpoint serves now (greater_*: above it, less_*: below it); "
        "the first deployment, or a live model with no value recorded for this check, passes. Each run that passes its gate records its values.",
        lands_in="the gate's Choice against the live value: DescribeEndpoint's EndpointConfigName (the live run), then S3 GetObject of <that run>/quality-gate.json in the artifact bucket",
    )
    greater_than: Bound | None = sdk_field(None, doc="Passes when the value is above this bound.", lands_in=_GATE)
    greater_than_or_equal_to: Bound | None = sdk_field(None, doc="Passes when the value is at least this bound.", lands_in=_GATE)
    less_than: Bound | None = sdk_field(None, doc="Passes when the value is below this bound.", lands_in=_GATE)
    less_than_or_equal_to: Bound | None = sdk_field(None, doc="Passes when the value is at most this bound.", lands_in=_GATE)
    equal_to: Bound | None = sdk_field(None, doc="Passes when the value equals this bound.", lands_in=_GATE)

    def value_name(self) -> str:
        """What the check reads, as messages name it: the metric, or the report's json_path."""
        if self.report is not None:
            return self.report.json_path
        return self.metric or ""

    def identity(self) -> str:
        """What the check reads, as the run records it for later runs (stable when checks are reordered)."""
        if self.report is not None:
            r = self.report
            return f"report:{r.step}/{r.output}/{r.path}#{r.json_path}"
        return f"metric:{self.metric}"

    def comparisons(self) -> list[str]:
        """The comparison fields given (a valid check has exactly one)."""
        return [name for name in COMPARISONS if getattr(self, name) is not None]

    def comparison(self) -> tuple[str, int | float]:
        """(comparison field, bound) of a valid check."""
        [name] = self.comparisons()
        bound = getattr(self, name)
        assert bound is not None
        return name, bound


@rule("deploy")
def quality_gate_values_are_there(d: Any, ctx: Context) -> Iterator[Finding]:
    """A check reads one value, a metric or a report; a report is an output of a processing step.

    A report may come from a step before training as well as after it: as a SageMaker Pipelines
    ConditionStep may read any earlier ProcessingStep's PropertyFile, a data-quality report (rows,
    drift) may keep a model trained on bad data from deploying; the gate runs after every
    processing step, so the file is there by then."""
    processing = getattr(d, "processing", None)
    steps = {s.name: s for s in processing or ()}
    checkable = processing is not None or "processing" not in ctx.present  # else the section failed its own validation, which says why
    for index, check in enumerate(d.deploy.condition or ()):
        at: tuple[str | int, ...] = ("deploy", "condition", index)
        if (check.metric is None) == (check.report is None):
            yield Finding(at, "a check reads one value: a training metric or a number in a report", "metric: <name>, or report: {step, output, path, json_path}", "metric and report" if check.metric else "neither")
            continue
        if check.better_than_live:
            given = check.comparisons()
            if given == ["equal_to"]:
                yield Finding(at + ("better_than_live",), "equal_to has no direction to beat the live model's value in", "a greater_* or less_* comparison, or no better_than_live", "equal_to")
            if d.deploy.inference_component_based():
                yield Finding(at + ("better_than_live",), "the live model is found through the endpoint's config, which an inference-component-based endpoint does not change per run", "a model-based endpoint, or no better_than_live", "inference-component-based")
        report = check.report
        if report is None or not checkable:
            continue
        if report.step not in steps:
            yield Finding(at + ("report", "step"), "no processing step has this name: a report is a file a processing step writes", ", ".join(sorted(steps)) or "a step of processing:", report.step)
            continue
        outputs = steps[report.step].output_names()
        if report.output not in outputs:
            yield Finding(at + ("report", "output"), f"step '{report.step}' has no output of this name", ", ".join(outputs) or "an output_name of its run.outputs", report.output)
