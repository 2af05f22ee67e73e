"""The quality gate (``deploy.condition``): after training (or tuning) and before the model is
created, each check compares a value of the run with its bound; a check that fails ends the run
with ``QualityGateFailed`` (naming the value, what it is and the bound) before anything is
deployed, and a value the run did not report ends it with ``MetricMissing``.

Where a value comes from is a check's source: a training metric, read from DescribeTrainingJob's
``FinalMetricDataList`` of the run's (or the tuning job's best) training job; the tuner's
objective, read from the tuning job's ``BestTrainingJob``; or a number in a JSON report a
processing step wrote (SageMaker Pipelines' ``PropertyFile`` and ``JsonGet``), read with S3
GetObject from the step's output and parsed with ``States.StringToJson``. A source says how to
read its value, how to tell that it is missing and what to say then; the gate is the same for
every source. A report file that is not there ends the run with ``ReportMissing`` (naming its S3
URI), as does one without a number at the check's ``json_path``.

A check with ``better_than_live`` must also beat the value the live run recorded: the endpoint's
config is named after the run that deployed it, and every run that passes its gate records its
values in its folder (``<run name>/quality-gate.json``) before deploying.

Finding a metric in ``FinalMetricDataList`` by name takes a JSONPath filter; a filter that matches
nothing is an error in local execution (aws-local-stepfunctions) and, uncaught, would end the run
without its failure path. So the gate first lists the names reported (``[*].MetricName``), asks
``States.ArrayContains`` for each metric it needs, and filters only for metrics it knows are there.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from ...descriptor import ModelDescriptor
from ...descriptor.condition import COMPARISONS, Check, Report
from ...render import RenderContext
from ...render.context import stable_sorted, substitute, token_blind
from ...render.processing import output_uri
from .base import NEXT, SDK_TRANSIENT, Allow, Builder, Fragment, GrantContext, PipelineResources, StepContext, _Dynamic, _escape, _retry, allow, to_parameters
from .tuning import TRAINING_JOB_SUFFIX

READ_STATE = "Read metrics"
ANY_STATE = "Any metrics?"
NAMES_STATE = "List metric names"
FIND_STATE = "Find gate metrics"
REPORTED_STATE = "Gate metrics reported?"
PICK_STATE = "Pick gate values"
GATE = "$.gate"
METRICS = "$.metrics"
REPORTS = "$.reports"
# S3's throttling and service errors, as the AWS SDK integration names them (error code + Exception).
S3_TRANSIENT = ["S3.SlowDownException", "S3.InternalErrorException", "S3.ServiceUnavailableException"]
NO_SUCH_KEY = "S3.NoSuchKeyException"
# better_than_live: the live run, its recorded gate values, and this run's record.
LIVE_STATE = "Find live model"
LIVE_MISSING_STATE = "Live model missing?"
LIVE_VALUES_STATE = "Get live gate values"
COLLECT_STATE = "Collect gate values"
RECORD_STATE = "Record gate values"
LIVE = "$.live"
RECORD = "$.gate_record"
RECORD_FILE = "quality-gate.json"
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
    def missing(self, b: Builder, s: StepContext, key: str, label: str) -> list[dict[str, Any]]:
        """Choice rules, in order, each going to the failure it adds when the value is missing or
        unusable (``key``: the check's key in $.gate; ``label``: the check's name in states)."""

    @abstractmethod
    def value(self, key: str) -> str:
        """The JSONPath of the value, once it is known to be there."""


@dataclass(frozen=True)
class TrainingMetric(Source):
    """A metric in DescribeTrainingJob's FinalMetricDataList."""

    name: str
    reads_training_metrics = True

    def missing(self, b: Builder, s: StepContext, key: str, label: str) -> list[dict[str, Any]]:
        cause = f"States.Format('training job {{}} reported no metric {_escape(self.name)} (FinalMetricDataList)', $.training.TrainingJobName)"
        return [{"Variable": f"{GATE}.{key}", "BooleanEquals": False, "Next": b.failure(f"Read {label}", "MetricMissing", cause=cause)}]

    def value(self, key: str) -> str:
        return f"{GATE}.{key}[0]"

    def filter(self) -> str:
        return f"{METRICS}.reported[?(@.MetricName == {_quote(self.name)})].Value"


@dataclass(frozen=True)
class TunerObjective(Source):
    """The tuner's objective metric of the best training job."""

    name: str
    PATH = "$.tuning.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value"

    def missing(self, b: Builder, s: StepContext, key: str, label: str) -> list[dict[str, Any]]:
        cause = f"States.Format('the tuning job reported no objective metric {_escape(self.name)} for its best training job {{}}', $.training.TrainingJobName)"
        return [{"Not": {"Variable": self.PATH, "IsPresent": True}, "Next": b.failure(f"Read {label}", "MetricMissing", cause=cause)}]

    def value(self, key: str) -> str:
        return self.PATH


@dataclass(frozen=True)
class ReportFile:
    """A JSON file a processing step wrote: where the gate reads it, and where the run keeps it."""

    step: str
    output: str
    path: str
    index: int  # its place among the gate's report files: the run keeps it at $.reports.r<index>

    def location(self, d: ModelDescriptor, ctx: RenderContext) -> tuple[str, str]:
        """(bucket, key) of the file, with the render's placeholders: the step's output URI (its
        destination, or the SDK's default under the job's folder) and the path inside it."""
        step = next(s for s in d.processing or () if s.name == self.step)
        bucket, _, prefix = output_uri(d, step, self.output, ctx).removeprefix("s3://").partition("/")
        return bucket, f"{prefix.rstrip('/')}/{self.path}" if prefix.strip("/") else self.path

    def uri(self, d: ModelDescriptor, ctx: RenderContext) -> str:
        bucket, key = self.location(d, ctx)
        return f"s3://{bucket}/{key}"

    @property
    def held(self) -> str:
        return f"{REPORTS}.r{self.index}.report"


@dataclass(frozen=True)
class ReportValue(Source):
    """A number at ``json_path`` in a report file (SageMaker Pipelines' JsonGet on a PropertyFile)."""

    file: ReportFile
    json_path: str

    def missing(self, b: Builder, s: StepContext, key: str, label: str) -> list[dict[str, Any]]:
        path = self.value(key)
        where = f"{self.json_path} in the report {self.file.uri(s.d, s.ctx)}"
        return [
            {"Not": {"Variable": path, "IsPresent": True}, "Next": report_failure(b, s, f"Read {label}", f"no {where}")},
            {"Not": {"Variable": path, "IsNumeric": True}, "Next": report_failure(b, s, f"Read {label} as a number", f"{where} is not a number")},
        ]

    def value(self, key: str) -> str:
        return self.file.held + ("" if self.json_path.startswith("[") else ".") + self.json_path


def report_failure(b: Builder, s: StepContext, label: str, text: str) -> str:
    """A ReportMissing failure whose cause is ``text`` with this run's names (the render's
    placeholders in the file's URI) filled in."""
    cause = to_parameters(text, s.runtime, s.static)
    if isinstance(cause, _Dynamic):
        return b.failure(label, "ReportMissing", cause=cause.expression)
    return b.failure(label, "ReportMissing", cause_text=cause)


def report_files(d: ModelDescriptor) -> list[ReportFile]:
    """The gate's report files, one per (step, output, path), in the order the checks name them."""
    seen: list[tuple[str, str, str]] = []
    for check in d.deploy.condition or () if d.deploy is not None else ():
        if check.report is not None and (check.report.step, check.report.output, check.report.path) not in seen:
            seen.append((check.report.step, check.report.output, check.report.path))
    return [ReportFile(*where, index=index + 1) for index, where in enumerate(seen)]


def _file_of(files: list[ReportFile], report: Report) -> ReportFile:
    return next(f for f in files if (f.step, f.output, f.path) == (report.step, report.output, report.path))


def source(d: ModelDescriptor, check: Check) -> Source:
    """The source of ``check``'s value."""
    if check.report is not None:
        return ReportValue(_file_of(report_files(d), check.report), check.report.json_path)
    assert check.metric is not None
    if d.tuner is not None and check.metric == d.tuner.objective_metric_name:
        return TunerObjective(check.metric)
    return TrainingMetric(check.metric)


def _labels(checks: tuple[Check, ...]) -> list[str]:
    """A short name per check: its metric (a report's json_path), numbered when two checks share it."""
    metrics = [c.value_name() for c in checks]
    out = []
    for index, metric in enumerate(metrics):
        label = metric if len(metric) <= LABEL_MAX else metric[: LABEL_MAX - 3] + "..."
        out.append(f"{label}, check {index + 1}" if metrics.count(metric) > 1 else label)
    return out


def record_key(check: Check) -> str:
    """A check's key in the recorded values: a digest of what it reads (:meth:`Check.identity`), so
    a JSONPath names it in dot notation whatever the metric's name, and reordering the checks
    keeps it."""
    return "v" + hashlib.sha256(check.identity().encode()).hexdigest()[:16]


def _against_live(b: Builder, s: StepContext, checks: tuple[Check, ...], labels: list[str], values: list[str]) -> None:
    """The checks marked better_than_live against the values recorded by the run the endpoint
    serves (its config is named after that run), then this run's values recorded for the next.

    Nothing to beat passes: no endpoint yet (the first deployment), no record under the live run
    (deployed before its gate recorded values), or no value recorded for this check."""
    name = s.resources.endpoint_name
    assert name is not None
    bucket = s.static["ArtifactBucket"]
    beats = [index for index, check in enumerate(checks) if check.better_than_live]
    first_beat = f"Beat live: {labels[beats[0]]}"
    b.add(LIVE_STATE, {
        "Type": "Task",
        "Comment": "The run the endpoint serves now: its config is named after that run. DescribeEndpoint answers 'Could not find endpoint' before the first deployment.",
        "Resource": "arn:aws:states:::aws-sdk:sagemaker:describeEndpoint",
        "Parameters": {"EndpointName": name},
        "ResultSelector": {"EndpointConfigName.$": "$.EndpointConfigName"},
        "ResultPath": LIVE,
        "Retry": _retry(["SageMaker.ThrottlingException", "ThrottlingException"]),
        "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": LIVE, "Next": LIVE_MISSING_STATE}],
        "Next": LIVE_VALUES_STATE,
    })
    b.add(LIVE_MISSING_STATE, {
        "Type": "Choice",
        "Comment": "No endpoint yet: nothing to beat.",
        "Choices": [{"Variable": f"{LIVE}.Cause", "StringMatches": "*Could not find endpoint*", "Next": COLLECT_STATE}],
        "Default": b.failure(LIVE_STATE, "LiveModelUnknown", cause_path=f"{LIVE}.Cause"),
    })
    b.add(LIVE_VALUES_STATE, {
        "Type": "Task",
        "Comment": "The gate values the live run recorded.",
        "Resource": "arn:aws:states:::aws-sdk:s3:getObject",
        "Parameters": {"Bucket": bucket, "Key.$": f"States.Format('{{}}/{RECORD_FILE}', {LIVE}.EndpointConfigName)"},
        "ResultSelector": {"file.$": "States.StringToJson($.Body)"},
        "ResultPath": f"{LIVE}.recorded",
        "Retry": _retry(S3_TRANSIENT),
        "Catch": [
            {"ErrorEquals": [NO_SUCH_KEY], "ResultPath": f"{LIVE}.error", "Next": COLLECT_STATE},  # nothing recorded: nothing to beat
            *b.catch(LIVE_VALUES_STATE, "LiveValuesUnreadable"),
        ],
        "Next": first_beat,
    })
    for position, index in enumerate(beats):
        check, label, value = checks[index], labels[index], values[index]
        comparison, _bound = check.comparison()
        greater = comparison.startswith("greater")
        recorded = f"{LIVE}.recorded.file.values.{record_key(check)}.value"
        following = f"Beat live: {labels[beats[position + 1]]}" if position + 1 < len(beats) else COLLECT_STATE
        failed = b.failure(
            f"Quality gate {label} against live", "QualityGateFailed",
            cause=f"States.Format('{_escape(check.value_name())} = {{}} is not {'>' if greater else '<'} {{}}, the value of the live run {{}}', {value}, {recorded}, {LIVE}.EndpointConfigName)",
        )
        b.add(f"Beat live: {label}", {
            "Type": "Choice",
            "Comment": f"Passes when {check.value_name()} is {'above' if greater else 'below'} the live model's, or the live run recorded none.",
            "Choices": [
                {"Not": {"Variable": recorded, "IsPresent": True}, "Next": following},
                {"Not": {"Variable": recorded, "IsNumeric": True}, "Next": following},
                {"Variable": value, "NumericGreaterThanPath" if greater else "NumericLessThanPath": recorded, "Next": following},
            ],
            "Default": failed,
        })
    b.add(COLLECT_STATE, {
        "Type": "Pass",
        "Comment": "This run's gate values, for the runs after it to beat.",
        "Parameters": {
            "model": s.d.name, "run.$": "$.run.name",
            "values": {record_key(check): {"check": check.value_name(), "value.$": value} for check, value in zip(checks, values, strict=True)},
        },
        "ResultPath": RECORD,
        "Next": RECORD_STATE,
    })
    b.add(RECORD_STATE, {
        "Type": "Task",
        "Comment": f"Written before deploying: a run is compared with the run its endpoint serves, whose config names it ({RECORD_FILE} in that run's folder).",
        "Resource": "arn:aws:states:::aws-sdk:s3:putObject",
        "Parameters": {"Bucket": bucket, "Key.$": f"States.Format('{{}}/{RECORD_FILE}', $.run.name)", "Body.$": f"States.JsonToString({RECORD})", "ContentType": "application/json"},
        "ResultPath": None,
        "Retry": _retry(S3_TRANSIENT),
        "Catch": b.catch(RECORD_STATE, "GateRecordFailed"),
        "Next": NEXT,
    })


def _file_state(file: ReportFile, files: list[ReportFile]) -> str:
    return "Get report" if len(files) == 1 else f"Get report {file.index}"


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
        missing = [src.missing(b, s, key, label) for key, src, label in zip(keys, sources, labels, strict=True)]
        gates = [f"Gate: {label}" for label in labels]
        metric_keys = [(key, src) for key, src in zip(keys, sources, strict=True) if isinstance(src, TrainingMetric)]
        files = report_files(d)
        # The reading stages, in order: the training job's metrics, then each report file.
        stages = ([READ_STATE] if metric_keys else []) + [_file_state(f, files) for f in files] + [REPORTED_STATE]
        if metric_keys:
            first_missing = missing[keys.index(metric_keys[0][0])][0]["Next"]
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
                "Next": stages[1],
            })
        for f in files:
            state = _file_state(f, files)
            bucket, key = f.location(d, s.ctx)
            uri = f.uri(d, s.ctx)
            suffix = state.removeprefix("Get report")
            not_there = report_failure(b, s, f"Find report{suffix}", f"no report at {uri}: step {f.step} wrote no {f.path} to its output {f.output} (S3 NoSuchKey)")
            b.add(state, {
                "Type": "Task",
                "Comment": f"The report the step {f.step} wrote ({f.path} in its output {f.output}, a PropertyFile), parsed.",
                "Resource": "arn:aws:states:::aws-sdk:s3:getObject",
                "Parameters": to_parameters({"Bucket": bucket, "Key": key}, s.runtime, s.static),
                "ResultSelector": {"report.$": "States.StringToJson($.Body)"},
                "ResultPath": f"{REPORTS}.r{f.index}",
                "Retry": _retry(S3_TRANSIENT),
                # not JSON, or not readable (access, encryption): the catch-all, with S3's or the parser's reason
                "Catch": [{"ErrorEquals": [NO_SUCH_KEY], "ResultPath": "$.error", "Next": not_there}, *b.catch(state, "ReportUnreadable")],
                "Next": stages[stages.index(state) + 1],
            })
        b.add(REPORTED_STATE, {
            "Type": "Choice",
            "Comment": "A value the run did not report fails the run with MetricMissing." if not files else "A value the run did not report fails the run with MetricMissing, a report's with ReportMissing.",
            "Choices": [rule for rules in missing for rule in rules],
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
        live = any(c.better_than_live for c in checks)
        for index, (check, label, key, src) in enumerate(zip(checks, labels, keys, sources, strict=True)):
            comparison, bound = check.comparison()
            _condition, symbol, operator = COMPARISONS[comparison]
            name = check.value_name()
            failed = b.failure(
                f"Quality gate {label}", "QualityGateFailed",
                cause=f"States.Format('{_escape(name)} = {{}} is not {symbol} {_number(bound)}', {src.value(key)})",
            )
            b.add(gates[index], {
                "Type": "Choice",
                "Comment": f"Passes when {name} {symbol} {_number(bound)}.",
                "Choices": [{"Variable": src.value(key), operator: bound, "Next": gates[index + 1] if index + 1 < len(gates) else (LIVE_STATE if live else NEXT)}],
                "Default": failed,
            })
        if live:
            _against_live(b, s, checks, labels, [src.value(key) for key, src in zip(keys, sources, strict=True)])
        return stages[0]

    def grants(self, d: ModelDescriptor, g: GrantContext) -> list[Allow]:
        assert d.deploy is not None and d.deploy.condition
        out = []
        if any(source(d, c).reads_training_metrics for c in d.deploy.condition):
            jobs = f"training-job/{g.runs}{TRAINING_JOB_SUFFIX if d.tuner is not None else ''}"  # the run's, or the tuning job's best
            out.append(allow(["sagemaker:DescribeTrainingJob"], [g.arn("sagemaker", jobs)]))
        files = report_files(d)
        if files:
            names = {"ArtifactBucket": g.artifact_bucket or "", "TrainingJobName": g.run_folders or ""}
            located = [tuple(substitute(part, names) for part in f.location(d, RenderContext(region=g.region))) for f in files]
            assert all(bucket and "{{" not in bucket + key for bucket, key in located), "the artifact bucket and run folders are needed for a report's grant"
            out.append(allow(["s3:GetObject"], list(dict.fromkeys(f"arn:{g.partition}:s3:::{bucket}/{key}" for bucket, key in located))))
            # S3 answers a missing key with NoSuchKey (ReportMissing) only to a caller that may list
            # the bucket, else with AccessDenied; GetObject carries no s3:prefix to narrow it by.
            out.append(allow(["s3:ListBucket"], list(dict.fromkeys(f"arn:{g.partition}:s3:::{bucket}" for bucket, _key in located))))
            steps = {st.name: st for st in d.processing or ()}
            out += kms_decrypt([steps[f.step].processor.output_kms_key for f in files], g)
        if any(c.better_than_live for c in d.deploy.condition):
            assert g.endpoint_name is not None and g.artifact_bucket and g.run_folders, "the endpoint, artifact bucket and run folders are needed for better_than_live"
            records = f"arn:{g.partition}:s3:::{g.artifact_bucket}/{g.run_folders}/{RECORD_FILE}"  # the live run's and this run's
            out += [
                allow(["sagemaker:DescribeEndpoint"], [g.arn("sagemaker", f"endpoint/{g.endpoint_name.lower()}")]),
                allow(["s3:GetObject"], [records]),
                allow(["s3:PutObject"], [records]),
                allow(["s3:ListBucket"], [f"arn:{g.partition}:s3:::{g.artifact_bucket}"]),  # NoSuchKey for a live run with no record
            ]
        return out


def kms_decrypt(keys: list[str | None], g: GrantContext) -> list[Allow]:
    """kms:Decrypt of outputs a processor encrypted with its output_kms_key (an id, key ARN, alias
    or alias ARN). IAM matches the key's ARN, never an alias's: an alias is granted on the
    account's keys that have it (kms:ResourceAliases)."""
    arns: list[str] = []
    aliases: dict[str, list[str]] = {}  # key ARN pattern of the alias's account -> alias names
    for key in dict.fromkeys(k for k in keys if k):
        alias = key.split(":", 5)[5] if key.startswith("arn:") and len(key.split(":", 5)) == 6 else key
        if alias.startswith("alias/"):
            account = key.rsplit(":", 1)[0] + ":key/*" if key.startswith("arn:") else g.arn("kms", "key/*")
            aliases.setdefault(account, []).append(alias)
        else:
            arns.append(key if key.startswith("arn:") else g.arn("kms", f"key/{key}"))
    out = [allow(["kms:Decrypt"], arns)] if arns else []
    out += [allow(["kms:Decrypt"], [account], {"ForAnyValue:StringEquals": {"kms:ResourceAliases": stable_sorted(names)}}) for account, names in sorted(aliases.items(), key=lambda item: token_blind(item[0]))]
    return out
