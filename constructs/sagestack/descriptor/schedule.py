"""The ``schedule:`` section — runs of the model's pipeline that start by themselves.

The SDK has no call for this (a notebook is run by hand); sagestack starts the pipeline's state
machine with EventBridge: ``expression`` on a cron or rate schedule (an EventBridge Scheduler
schedule), ``on_new_data`` when objects land under an S3 prefix (an EventBridge rule on the
bucket's events, debounced so that a burst of objects starts one run).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, Field, model_validator

from .base import SdkModel, sdk_field, user_error
from .types import S3Uri

__all__ = ["Schedule", "expression_problem", "RunInput"]

# docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html: six fields; one of
# day-of-month and day-of-week is '?'.
_MONTHS = "JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC"
_DAYS = "SUN|MON|TUE|WED|THU|FRI|SAT"
_CRON_FIELDS: tuple[tuple[str, int, int, str], ...] = (
    # (name, lowest, highest, the special characters it takes besides , - * /)
    ("minutes", 0, 59, ""),
    ("hours", 0, 23, ""),
    ("day-of-month", 1, 31, "?LW"),
    ("month", 1, 12, ""),
    ("day-of-week", 1, 7, "?L#"),
    ("year", 1970, 2199, ""),
)
_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")


def _cron_field_problem(name: str, low: int, high: int, extra: str, text: str) -> str | None:
    names = _MONTHS.split("|") if name == "month" else _DAYS.split("|") if name == "day-of-week" else []
    if text == "*" or (text == "?" and "?" in extra):
        return None
    if name == "day-of-month" and (text in ("L", "LW") or re.fullmatch(r"\d{1,2}W", text)):
        day = text.rstrip("W") or "1"
        return None if text in ("L", "LW") or low <= int(day) <= high else f"{name} {text}: days are {low}-{high}"
    if name == "day-of-week" and (re.fullmatch(r"[1-7]L|[1-7]#[1-5]", text) or re.fullmatch(rf"({_DAYS})(L|#[1-5])", text) or text == "L"):
        return None

    def value(token: str) -> int | None:
        if token.isdigit():
            return int(token)
        if token in names:
            return names.index(token) + 1
        return None

    for part in text.split(","):
        base, _, step = part.partition("/")
        if step and not (step.isdigit() and int(step) > 0):
            return f"{name} {text}: the increment after '/' is a positive number"
        if base == "*" and step:
            continue
        first, _, last = base.partition("-")
        for token in (first, last) if last else (first,):
            number = value(token)
            if number is None:
                shown = f"{low}-{high}" + (f" or {names[0]}-{names[-1]}" if names else "")
                return f"{name} {text}: '{token}' is not a value ({shown}, with , - * /{' ?' if '?' in extra else ''})"
            if not low <= number <= high:
                return f"{name} {text}: {number} is outside {low}-{high}"
    return None


def expression_problem(expression: str) -> str | None:
    """Why EventBridge Scheduler would refuse ``expression`` (``cron(...)`` / ``rate(...)``), or None."""
    if expression.startswith("rate("):
        match = _RATE.match(expression)
        if match is None:
            return "a rate is rate(<number> <minute|minutes|hour|hours|day|days>)"
        count, unit = int(match.group(1)), match.group(2)
        if count == 0:
            return "a rate is at least 1"
        if (count == 1) != (not unit.endswith("s")):
            return f"EventBridge wants '{unit.rstrip('s') if count == 1 else unit + 's'}' with {count}"
        return None
    if expression.startswith("cron(") and expression.endswith(")"):
        fields = expression[5:-1].split()
        if len(fields) != 6:
            return f"a cron expression has six fields (minutes hours day-of-month month day-of-week year), not {len(fields)}"
        for (name, low, high, extra), text in zip(_CRON_FIELDS, fields, strict=True):
            problem = _cron_field_problem(name, low, high, extra, text.upper())
            if problem is not None:
                return problem
        if (fields[2] == "?") == (fields[4] == "?"):
            return "one of day-of-month and day-of-week must be '?' (EventBridge takes one of them, not both)"
        return None
    return "an EventBridge schedule is cron(...) or rate(...)"


def _check_expression(value: str) -> str:
    problem = expression_problem(value)
    if problem is not None:
        raise user_error("schedule_expression", problem, allowed="cron(0 3 ? * MON-FRI *), rate(7 days), ...", got=value)
    return value


@cache
def _timezones() -> frozenset[str]:
    import zoneinfo

    return frozenset(zoneinfo.available_timezones())


def _check_timezone(value: str) -> str:
    if value not in _timezones():
        raise user_error("timezone", "not a time zone of the IANA database", allowed="e.g. UTC, Europe/Berlin, America/New_York", got=value)
    return value


Expression = Annotated[str, AfterValidator(_check_expression)]
TimeZone = Annotated[str, AfterValidator(_check_timezone)]


class TunerRunInput(SdkModel):
    """A tuned model's limits, for one run."""

    max_jobs: Annotated[int, Field(ge=1)] | None = sdk_field(
        None, doc="Training jobs in all, for this run.", lands_in="CreateHyperParameterTuningJob.HyperParameterTuningJobConfig.ResourceLimits.MaxNumberOfTrainingJobs"
    )
    max_parallel_jobs: Annotated[int, Field(ge=1)] | None = sdk_field(
        None, doc="Training jobs at once, for this run.", lands_in="CreateHyperParameterTuningJob.HyperParameterTuningJobConfig.ResourceLimits.MaxParallelTrainingJobs"
    )


class ProcessingRunInput(SdkModel):
    """A processing step's values for one run."""

    arguments: Annotated[tuple[str, ...], Field(min_length=1)] = sdk_field(
        doc="The step's arguments for this run, replacing its run.arguments.", lands_in="CreateProcessingJob.AppSpecification.ContainerArguments"
    )


class RunInput(SdkModel):
    """What a run may override (the pipeline's run input): the same keys a manual start takes."""

    hyperparameters: dict[str, str | int | float | bool] | None = sdk_field(
        None, doc="Hyperparameters the descriptor sets, with other values for this run.", lands_in="Step Functions StartExecution input"
    )
    inputs: dict[str, S3Uri] | None = sdk_field(None, doc="Channel name → S3 URI of its data, for this run.", lands_in="Step Functions StartExecution input")
    output_path: S3Uri | None = sdk_field(None, doc="Where this run's model artifacts go.", lands_in="Step Functions StartExecution input")
    tuner: TunerRunInput | None = sdk_field(None, doc="A tuned model's max_jobs and max_parallel_jobs, for this run.", lands_in="Step Functions StartExecution input")
    processing: dict[str, ProcessingRunInput] | None = sdk_field(
        None, doc="Processing step name → its arguments for this run (steps whose run.arguments the descriptor sets).", lands_in="Step Functions StartExecution input"
    )


class Schedule(SdkModel):
    """Runs that start by themselves: on a schedule, when new data lands, or both."""

    section_title: ClassVar[str] = "schedule"

    expression: Expression | None = sdk_field(
        None,
        doc="When runs start: cron(minutes hours day-of-month month day-of-week year) or rate(<n> minutes|hours|days), as EventBridge Scheduler reads it.",
        lands_in="AWS::Scheduler::Schedule ScheduleExpression",
    )
    timezone: TimeZone = sdk_field("UTC", doc="Time zone of a cron expression (IANA name).", lands_in="AWS::Scheduler::Schedule ScheduleExpressionTimezone")
    on_new_data: S3Uri | None = sdk_field(
        None,
        doc="s3://bucket/prefix/: a run starts when objects are created under it. The bucket must send its events to EventBridge (a bucket setting; sagestack does not change buckets it does not create).",
        lands_in="AWS::Events::Rule EventPattern",
    )
    quiet_minutes: Annotated[int, Field(ge=1, le=1440)] = sdk_field(
        10,
        doc="With on_new_data: a run starts once no new object has arrived for this long, so a burst of uploads starts one run.",
        lands_in="the one-time AWS::Scheduler::Schedule the new-data function sets",
    )
    max_delay_minutes: Annotated[int, Field(ge=1, le=10080)] = sdk_field(
        60,
        doc="With on_new_data: a run starts at the latest this long after the first new object, even while objects keep arriving.",
        lands_in="the one-time AWS::Scheduler::Schedule the new-data function sets",
    )
    input: RunInput | None = sdk_field(None, doc="The run input of every run these start (default: the descriptor's values).", lands_in="Step Functions StartExecution input")

    @model_validator(mode="after")
    def _something_starts_runs(self) -> Schedule:
        if self.expression is None and self.on_new_data is None:
            raise user_error("schedule_empty", "a schedule starts runs on an expression, on new data, or both", allowed="expression: cron(...)/rate(...), on_new_data: s3://...", got="neither")
        if self.max_delay_minutes < self.quiet_minutes:
            raise user_error(
                "schedule_delays", "max_delay_minutes is shorter than quiet_minutes, so the quiet period would never end a burst",
                allowed=f"max_delay_minutes >= {self.quiet_minutes}", got=str(self.max_delay_minutes),
            )
        return self

    def run_input(self) -> dict[str, Any]:
        """The execution input of the runs this starts."""
        return self.input.model_dump(exclude_none=True) if self.input is not None else {}
