"""The quality gate (deploy.condition), executed locally: a run whose checks pass deploys; a check
that fails ends the run before any model or endpoint call, saying which value, what it is and the
bound, and notifies; a metric the training job did not report fails the run with MetricMissing,
and a report a processing step did not write (or a number not in it) with ReportMissing."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import yaml

from sagestack.descriptor import ModelDescriptor, validate_data
from sagestack.descriptor.condition import COMPARISONS
from sagestack.pipeline.steps import GrantContext
from sagestack.pipeline.steps.condition import Condition, record_key

from ..conftest import CATALOG
from .golden import TOPIC
from .harness import run
from .test_pipeline_definition import CATALOG_BY_NAME, _failed, assert_requests_valid, definition, endpoint, first_run_tasks, second_run_tasks, tuned_tasks

DEPLOYING = ("Create model", "Create endpoint config", "Find endpoint", "Create endpoint", "Update endpoint")


def described(metrics: dict[str, float] | None) -> dict[str, Any]:
    """DescribeTrainingJob's answer for the run's job with these final metrics (None: no list)."""
    answer: dict[str, Any] = {
        "TrainingJobName": "{{call:Read metrics.TrainingJobName}}",
        "TrainingJobArn": "arn:aws:sagemaker:us-east-1:123456789012:training-job/{{call:Read metrics.TrainingJobName}}",
        "TrainingJobStatus": "Completed",
        "HyperParameters": {"epochs": "1"},
    }
    if metrics is not None:
        answer["FinalMetricDataList"] = [{"MetricName": k, "Value": v, "Timestamp": "2026-12-02T10:00:00Z"} for k, v in metrics.items()]
    return {"result": answer}


def gated(name: str, condition: list[dict[str, Any]]) -> ModelDescriptor:
    """The example ``name`` with ``condition`` as its quality gate."""
    path = CATALOG / f"{name}.yaml"
    data = copy.deepcopy(yaml.safe_load(path.read_text()))
    data["deploy"]["condition"] = condition
    result = validate_data(data, file=f"{name}.yaml", source=path)
    assert result.descriptor is not None, [i.format() for i in result.issues]
    return result.descriptor


def hf_tasks(metrics: dict[str, float] | None) -> dict[str, list[dict[str, Any]]]:
    tasks = first_run_tasks()
    tasks["Read metrics"] = [described(metrics)]
    return tasks


def _nothing_deployed(out: dict[str, Any]) -> None:
    for state in DEPLOYING:
        assert out["calls"].get(state, []) == [], state


def test_a_passing_gate_deploys() -> None:
    defn = definition("hf-finetune")
    out = run(defn, hf_tasks({"train:loss": 0.4, "eval:loss": 0.21, "eval:accuracy": 0.91}))
    assert out["status"] == "SUCCEEDED", out
    train = out["path"].index("Train")
    assert out["path"][train + 1: train + 9] == [
        "Read metrics", "Any metrics?", "List metric names", "Find gate metrics", "Gate metrics reported?", "Pick gate values", "Gate: eval:accuracy", "Gate: eval:loss",
    ]
    assert out["path"][train + 9] == "Create model"
    [read] = out["calls"]["Read metrics"]
    assert read == {"TrainingJobName": out["calls"]["Train"][0]["TrainingJobName"]}
    assert len(out["calls"]["Create endpoint"]) == 1
    assert assert_requests_valid(defn, out) == 8  # Train, Read metrics, Create model, config, Find, Create endpoint, Check x2


def test_a_failing_check_ends_the_run_before_the_model_and_says_why() -> None:
    out = run(definition("hf-finetune"), hf_tasks({"eval:loss": 0.21, "eval:accuracy": 0.61}))
    _failed(out, "QualityGateFailed", "Quality gate eval:accuracy failed")
    assert out["cause"] == "eval:accuracy = 0.61 is not >= 0.85"
    _nothing_deployed(out)
    assert "Gate: eval:loss" not in out["path"]  # the first failing check ends the run


def test_the_second_check_is_checked_too() -> None:
    out = run(definition("hf-finetune"), hf_tasks({"eval:loss": 0.52, "eval:accuracy": 0.91}))
    _failed(out, "QualityGateFailed", "Quality gate eval:loss failed")
    assert out["cause"] == "eval:loss = 0.52 is not < 0.4"
    _nothing_deployed(out)


def test_a_failing_gate_notifies() -> None:
    tasks = hf_tasks({"eval:loss": 0.21, "eval:accuracy": 0.61})
    tasks["Notify failure"] = [{"result": {"MessageId": "1"}}]
    out = run(definition("hf-finetune", topic=True), tasks)
    _failed(out, "QualityGateFailed", "Notify failure")
    [message] = out["calls"]["Notify failure"]
    assert message["TopicArn"] == TOPIC and message["Subject"] == "sagestack: hf-finetune run failed"
    assert message["Message"] == "Quality gate eval:accuracy failed: QualityGateFailed: eval:accuracy = 0.61 is not >= 0.85"
    _nothing_deployed(out)


def test_a_metric_not_reported_fails_the_run_naming_it() -> None:
    out = run(definition("hf-finetune"), hf_tasks({"eval:accuracy": 0.91, "train:loss": 0.3}))
    _failed(out, "MetricMissing", "Read eval:loss failed")
    job = out["calls"]["Train"][0]["TrainingJobName"]
    assert out["cause"] == f"training job {job} reported no metric eval:loss (FinalMetricDataList)"
    assert "Pick gate values" not in out["path"]
    _nothing_deployed(out)


@pytest.mark.parametrize("metrics", [None, {}], ids=["no list", "empty list"])
def test_a_job_without_metrics_fails_with_the_first_metric_missing(metrics: dict[str, float] | None) -> None:
    out = run(definition("hf-finetune"), hf_tasks(metrics))
    _failed(out, "MetricMissing", "Read eval:accuracy failed")
    assert "reported no metric eval:accuracy" in out["cause"]
    _nothing_deployed(out)


def test_metrics_that_cannot_be_read_fail_the_run() -> None:
    tasks = hf_tasks({})
    tasks["Read metrics"] = [{"error": "SageMaker.SageMakerException", "cause": "User is not authorized to perform: sagemaker:DescribeTrainingJob"}]
    out = run(definition("hf-finetune"), tasks)
    _failed(out, "MetricsUnreadable", "Read metrics failed")
    assert "not authorized" in out["cause"]
    _nothing_deployed(out)


# Each comparison at its bound and just above it: (comparison, passes at 0.8, passes at 0.81).
AT_AND_ABOVE = {
    "greater_than": (False, True),
    "greater_than_or_equal_to": (True, True),
    "less_than": (False, False),
    "less_than_or_equal_to": (True, False),
    "equal_to": (True, False),
}


@pytest.mark.parametrize("comparison", sorted(COMPARISONS))
@pytest.mark.parametrize("value", [0.8, 0.81])
def test_each_comparison_passes_and_fails_as_its_name_says(comparison: str, value: float) -> None:
    d = gated("hf-finetune", [{"metric": "eval:accuracy", comparison: 0.8}])
    out = run(definition(d), hf_tasks({"eval:accuracy": value}))
    passes = AT_AND_ABOVE[comparison][value == 0.81]
    if passes:
        assert out["status"] == "SUCCEEDED", out
    else:
        symbol = COMPARISONS[comparison][1]
        _failed(out, "QualityGateFailed", "Quality gate eval:accuracy failed")
        assert out["cause"] == f"eval:accuracy = {value} is not {symbol} 0.8"


def test_two_checks_on_one_metric_are_named_apart() -> None:
    d = gated("hf-finetune", [{"metric": "eval:accuracy", "greater_than": 0.8}, {"metric": "eval:accuracy", "less_than": 0.999}])
    defn = definition(d)
    assert {"Gate: eval:accuracy, check 1", "Gate: eval:accuracy, check 2"} <= set(defn["States"])
    out = run(defn, hf_tasks({"eval:accuracy": 0.9995}))
    _failed(out, "QualityGateFailed", "Quality gate eval:accuracy, check 2 failed")
    assert out["cause"] == "eval:accuracy = 0.9995 is not < 0.999"


# With a tuner: the objective comes from the tuning job's best training job.
def objective_tasks(value: float | None) -> dict[str, list[dict[str, Any]]]:
    tasks = tuned_tasks()
    best = tasks["Tune"][0]["result"]["BestTrainingJob"]
    if value is None:
        del best["FinalHyperParameterTuningJobObjectiveMetric"]
    else:
        best["FinalHyperParameterTuningJobObjectiveMetric"]["Value"] = value
    return tasks


def test_the_tuner_objective_gates_the_best_job_without_describing_it_again() -> None:
    defn = definition("xgboost-tuned")
    assert "Read metrics" not in defn["States"]  # the tuning job's answer has the objective
    out = run(defn, objective_tasks(0.91))
    assert out["status"] == "SUCCEEDED", out
    describe = out["path"].index("Describe best job")
    assert out["path"][describe + 1: describe + 4] == ["Gate metrics reported?", "Gate: validation:auc", "Create model"]


def test_a_tuned_model_below_the_bound_is_not_deployed() -> None:
    out = run(definition("xgboost-tuned"), objective_tasks(0.61))
    _failed(out, "QualityGateFailed", "Quality gate validation:auc failed")
    assert out["cause"] == "validation:auc = 0.61 is not >= 0.8"
    _nothing_deployed(out)


def test_a_tuning_job_without_an_objective_value_fails_with_metric_missing() -> None:
    out = run(definition("xgboost-tuned"), objective_tasks(None))
    _failed(out, "MetricMissing", "Read validation:auc failed")
    best = out["calls"]["Describe best job"][0]["TrainingJobName"]
    assert out["cause"] == f"the tuning job reported no objective metric validation:auc for its best training job {best}"
    _nothing_deployed(out)


def test_another_metric_of_a_tuned_model_is_read_from_the_best_job() -> None:
    d = gated("xgboost-tuned", [{"metric": "validation:auc", "greater_than_or_equal_to": 0.8}, {"metric": "validation:logloss", "less_than": 0.5}])
    tasks = objective_tasks(0.91)
    tasks["Read metrics"] = [described({"validation:auc": 0.91, "validation:logloss": 0.7})]
    out = run(definition(d), tasks)
    _failed(out, "QualityGateFailed", "Quality gate validation:logloss failed")
    assert out["cause"] == "validation:logloss = 0.7 is not < 0.5"
    [read] = out["calls"]["Read metrics"]
    assert read["TrainingJobName"] == out["calls"]["Describe best job"][0]["TrainingJobName"]
    _nothing_deployed(out)


def test_the_gate_reads_only_the_jobs_whose_metrics_it_checks() -> None:
    """DescribeTrainingJob on the run's job, or on the tuning job's training jobs; nothing when the
    tuner's objective is all the gate checks (the tuning job's answer carries it)."""
    g = GrantContext(partition="aws", region="us-east-1", account="123456789012", runs="hf-finetune-????????????")
    [trained] = Condition().grants(gated("hf-finetune", [{"metric": "eval:loss", "less_than": 0.4}]), g)
    assert trained.actions == ("sagemaker:DescribeTrainingJob",)
    assert trained.resources == ("arn:aws:sagemaker:us-east-1:123456789012:training-job/hf-finetune-????????????",)
    tuned = gated("xgboost-tuned", [{"metric": "validation:logloss", "less_than": 0.5}])
    [best] = Condition().grants(tuned, g)
    assert best.resources == ("arn:aws:sagemaker:us-east-1:123456789012:training-job/hf-finetune-????????????-???-????????",)
    assert Condition().grants(gated("xgboost-tuned", [{"metric": "validation:auc", "greater_than": 0.8}]), g) == []


# A report a processing step wrote (the evaluation report of pytorch-pipeline): read with S3
# GetObject from the step's output, parsed, and checked like a metric.
def report_tasks(body: Any) -> dict[str, list[dict[str, Any]]]:
    from .test_processing import example_tasks, report

    tasks = example_tasks()
    tasks["Get report"] = [report(body)]
    return tasks


def _report_key(out: dict[str, Any]) -> str:
    return f"{out['calls']['Train'][0]['TrainingJobName']}-evaluate/output/evaluation/evaluation.json"


ARTIFACTS = "sagestack-artifacts-123456789012-us-east-1"


def test_a_report_that_passes_deploys_and_is_read_from_the_evaluation_output() -> None:
    defn = definition("pytorch-pipeline")
    out = run(defn, report_tasks({"metrics": {"accuracy": {"value": 0.83}}}))
    assert out["status"] == "SUCCEEDED", out
    evaluate = out["path"].index("Process evaluate")
    assert out["path"][evaluate + 1: evaluate + 9] == [
        "Get report", "Gate metrics reported?", "Gate: metrics.accuracy.value",
        "Find live model", "Live model missing?", "Collect gate values", "Record gate values",  # better_than_live: the first deployment beats nothing
        "Repack model",
    ]
    [get] = out["calls"]["Get report"]
    [evaluation] = out["calls"]["Process evaluate"][0]["ProcessingOutputConfig"]["Outputs"]
    assert f"s3://{get['Bucket']}/{get['Key']}" == evaluation["S3Output"]["S3Uri"] + "/evaluation.json"  # the file the job uploaded
    assert get == {"Bucket": ARTIFACTS, "Key": _report_key(out)}
    assert len(out["calls"]["Create endpoint"]) == 1
    assert assert_requests_valid(defn, out) >= 8  # GetObject among them


def test_a_report_below_the_bound_is_not_deployed_and_says_why() -> None:
    out = run(definition("pytorch-pipeline"), report_tasks({"metrics": {"accuracy": {"value": 0.64}}}))
    _failed(out, "QualityGateFailed", "Quality gate metrics.accuracy.value failed")
    assert out["cause"] == "metrics.accuracy.value = 0.64 is not >= 0.7"
    _nothing_deployed(out)


def test_a_report_at_its_bound_passes() -> None:
    out = run(definition("pytorch-pipeline"), report_tasks({"metrics": {"accuracy": {"value": 0.7}}}))
    assert out["status"] == "SUCCEEDED", out


def test_a_missing_report_file_fails_with_report_missing_naming_its_uri() -> None:
    tasks = report_tasks({})
    tasks["Get report"] = [{"error": "S3.NoSuchKeyException", "cause": "The specified key does not exist. (Service: S3, Status Code: 404)"}]
    out = run(definition("pytorch-pipeline"), tasks)
    _failed(out, "ReportMissing", "Find report failed")
    uri = f"s3://{ARTIFACTS}/{_report_key(out)}"
    assert out["cause"] == f"no report at {uri}: step evaluate wrote no evaluation.json to its output evaluation (S3 NoSuchKey)"
    _nothing_deployed(out)


@pytest.mark.parametrize("body", [{"metrics": {"loss": 0.2}}, {"metrics": {"accuracy": {}}}, {}], ids=["other key", "no value", "empty"])
def test_a_report_without_the_key_fails_with_report_missing_naming_the_json_path(body: dict[str, Any]) -> None:
    out = run(definition("pytorch-pipeline"), report_tasks(body))
    _failed(out, "ReportMissing", "Read metrics.accuracy.value failed")
    assert out["cause"] == f"no metrics.accuracy.value in the report s3://{ARTIFACTS}/{_report_key(out)}"
    _nothing_deployed(out)


@pytest.mark.parametrize("value", ["0.83", None, True, {"mean": 0.8}], ids=["string", "null", "boolean", "object"])
def test_a_value_that_is_not_a_number_fails_with_report_missing(value: Any) -> None:
    out = run(definition("pytorch-pipeline"), report_tasks({"metrics": {"accuracy": {"value": value}}}))
    _failed(out, "ReportMissing", "Read metrics.accuracy.value as a number failed")
    assert out["cause"] == f"metrics.accuracy.value in the report s3://{ARTIFACTS}/{_report_key(out)} is not a number"
    _nothing_deployed(out)


def test_a_report_that_cannot_be_read_fails_with_s3s_reason() -> None:
    tasks = report_tasks({})
    tasks["Get report"] = [{"error": "S3.S3Exception", "cause": "Access Denied (Service: S3, Status Code: 403)"}]
    out = run(definition("pytorch-pipeline"), tasks)
    _failed(out, "ReportUnreadable", "Get report failed")
    assert "Access Denied" in out["cause"]
    _nothing_deployed(out)


def test_a_throttled_read_is_retried() -> None:
    tasks = report_tasks({"metrics": {"accuracy": {"value": 0.9}}})
    tasks["Get report"] = [{"error": "S3.SlowDownException", "cause": "Please reduce your request rate."}, tasks["Get report"][0]]
    out = run(definition("pytorch-pipeline"), tasks)
    assert out["status"] == "SUCCEEDED", out
    first, second = out["calls"]["Get report"]
    assert first == second


def test_a_report_that_is_not_json_fails_the_run_before_deploying() -> None:
    out = run(definition("pytorch-pipeline"), report_tasks("accuracy: 0.9"))
    _failed(out, "ReportUnreadable", "Get report failed")
    assert "not valid JSON" in out["cause"]
    _nothing_deployed(out)


EVALUATION = {"step": "evaluate", "output": "evaluation", "path": "evaluation.json"}


def test_checks_on_one_report_read_it_once_and_each_is_checked() -> None:
    d = gated("pytorch-pipeline", [
        {"report": {**EVALUATION, "json_path": "metrics.accuracy.value"}, "greater_than_or_equal_to": 0.7},
        {"report": {**EVALUATION, "json_path": "metrics.auc[0]"}, "greater_than": 0.8},
    ])
    defn = definition(d)
    assert [name for name, state in defn["States"].items() if state.get("Resource", "").endswith("s3:getObject")] == ["Get report"]
    out = run(defn, report_tasks({"metrics": {"accuracy": {"value": 0.9}, "auc": [0.75, 0.9]}}))
    _failed(out, "QualityGateFailed", "Quality gate metrics.auc[0] failed")
    assert out["cause"] == "metrics.auc[0] = 0.75 is not > 0.8"
    assert len(out["calls"]["Get report"]) == 1


def test_a_metric_and_a_report_gate_the_same_run() -> None:
    path = CATALOG / "pytorch-pipeline.yaml"
    data = yaml.safe_load(path.read_text())
    data["estimator"]["metric_definitions"] = [{"Name": "train:loss", "Regex": "loss=([0-9.]+)"}]
    data["deploy"]["condition"] = [{"metric": "train:loss", "less_than": 0.5}, {"report": {**EVALUATION, "json_path": "metrics.accuracy.value"}, "greater_than_or_equal_to": 0.7}]
    result = validate_data(data, file="pytorch-pipeline.yaml", source=path)
    assert result.descriptor is not None, [i.format() for i in result.issues]
    defn = definition(result.descriptor)
    tasks = report_tasks({"metrics": {"accuracy": {"value": 0.61}}})
    tasks["Read metrics"] = [described({"train:loss": 0.3})]
    out = run(defn, tasks)
    _failed(out, "QualityGateFailed", "Quality gate metrics.accuracy.value failed")
    assert out["path"].index("Read metrics") < out["path"].index("Get report") < out["path"].index("Gate: train:loss") < out["path"].index("Gate: metrics.accuracy.value")
    assert out["cause"] == "metrics.accuracy.value = 0.61 is not >= 0.7"


def _with_destination(**processor: Any) -> ModelDescriptor:
    path = CATALOG / "pytorch-pipeline.yaml"
    data = yaml.safe_load(path.read_text())
    evaluate = data["processing"][1]
    evaluate["run"]["outputs"][0]["destination"] = "s3://churn-reports/evaluations/"
    del data["deploy"]["condition"][0]["better_than_live"]
    evaluate["processor"].update(processor)
    result = validate_data(data, file="pytorch-pipeline.yaml", source=path)
    assert result.descriptor is not None, [i.format() for i in result.issues]
    return result.descriptor


def test_a_report_in_an_output_with_its_own_destination_is_read_there() -> None:
    defn = definition(_with_destination())
    assert defn["States"]["Get report"]["Parameters"] == {"Bucket": "churn-reports", "Key": "evaluations/evaluation.json"}
    tasks = report_tasks({})
    tasks["Get report"] = [{"error": "S3.NoSuchKeyException", "cause": "The specified key does not exist."}]
    out = run(defn, tasks)
    _failed(out, "ReportMissing", "Find report failed")
    assert out["cause"].startswith("no report at s3://churn-reports/evaluations/evaluation.json:")


G = GrantContext(partition="aws", region="us-east-1", account="123456789012", runs="pytorch-pipeline-????????????", artifact_bucket=ARTIFACTS, run_folders="pytorch-pipeline-????????????")


def test_the_gate_may_read_exactly_the_report() -> None:
    d = gated("pytorch-pipeline", [{"report": {**EVALUATION, "json_path": "metrics.accuracy.value"}, "greater_than_or_equal_to": 0.7}])
    read, listing = Condition().grants(d, G)
    assert (read.actions, read.resources) == (("s3:GetObject",), (f"arn:aws:s3:::{ARTIFACTS}/pytorch-pipeline-????????????-evaluate/output/evaluation/evaluation.json",))
    assert (listing.actions, listing.resources, listing.conditions) == (("s3:ListBucket",), (f"arn:aws:s3:::{ARTIFACTS}",), None)
    read, listing = Condition().grants(_with_destination(), G)
    assert read.resources == ("arn:aws:s3:::churn-reports/evaluations/evaluation.json",) and listing.resources == ("arn:aws:s3:::churn-reports",)


@pytest.mark.parametrize(("key", "resource", "conditions"), [
    ("1234abcd-12ab-34cd-56ef-1234567890ab", "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", None),
    ("arn:aws:kms:eu-west-1:210987654321:key/abcd", "arn:aws:kms:eu-west-1:210987654321:key/abcd", None),
    ("alias/reports", "arn:aws:kms:us-east-1:123456789012:key/*", {"ForAnyValue:StringEquals": {"kms:ResourceAliases": ["alias/reports"]}}),
    ("arn:aws:kms:eu-west-1:210987654321:alias/reports", "arn:aws:kms:eu-west-1:210987654321:key/*", {"ForAnyValue:StringEquals": {"kms:ResourceAliases": ["alias/reports"]}}),
])
def test_a_report_encrypted_with_the_processors_output_key_is_decrypted_with_it(key: str, resource: str, conditions: Any) -> None:
    *_s3, decrypt = Condition().grants(_with_destination(output_kms_key=key), G)
    assert (decrypt.actions, decrypt.resources, decrypt.conditions) == (("kms:Decrypt",), (resource,), conditions)


def test_reports_of_two_steps_are_read_one_after_the_other() -> None:
    """A data report of the preparation step (before training) and the evaluation report."""
    d = gated("pytorch-pipeline", [
        {"report": {"step": "preprocess", "output": "test", "path": "stats.json", "json_path": "rows"}, "greater_than": 1000},
        {"report": {**EVALUATION, "json_path": "metrics.accuracy.value"}, "greater_than_or_equal_to": 0.7},
    ])
    from .test_processing import report

    tasks = report_tasks({})
    del tasks["Get report"]
    tasks["Get report 1"] = [report({"rows": 250})]
    tasks["Get report 2"] = [report({"metrics": {"accuracy": {"value": 0.9}}})]
    out = run(definition(d), tasks)
    _failed(out, "QualityGateFailed", "Quality gate rows failed")
    assert out["cause"] == "rows = 250 is not > 1000"
    assert out["path"].index("Get report 1") < out["path"].index("Get report 2") < out["path"].index("Gate: rows")
    [stats] = out["calls"]["Get report 1"]
    assert stats["Key"] == f"{out['calls']['Train'][0]['TrainingJobName']}-preprocess/output/test/stats.json"


# better_than_live: the value must also beat the one the live run recorded (the endpoint's config
# is named after the run that deployed it; each run that passes its gate records its values).
LIVE_RUN = "pytorch-pipeline-aaaaaaaaaaaa"
ACCURACY_KEY = record_key(CATALOG_BY_NAME["pytorch-pipeline"].deploy.condition[0])  # type: ignore[union-attr]


def live_tasks(accuracy: float, recorded: Any) -> dict[str, list[dict[str, Any]]]:
    """A second deployment: the endpoint serves LIVE_RUN, whose record is ``recorded`` (a record's
    JSON, or a task response such as NoSuchKey)."""
    from .test_processing import example_tasks, report

    tasks = example_tasks(accuracy)
    tasks.update(second_run_tasks())
    tasks["Find live model"] = [endpoint("InService", config=LIVE_RUN)]
    tasks["Get live gate values"] = [recorded if "error" in recorded else report(recorded)]
    return tasks


def _recorded(value: Any, key: str = ACCURACY_KEY) -> dict[str, Any]:
    return {"model": "pytorch-pipeline", "run": LIVE_RUN, "values": {key: {"check": "metrics.accuracy.value", "value": value}}}


def test_the_first_deployment_has_nothing_to_beat_and_records_its_values() -> None:
    from .test_processing import example_tasks

    defn = definition("pytorch-pipeline")
    out = run(defn, example_tasks(0.83))
    assert out["status"] == "SUCCEEDED", out
    assert "Get live gate values" not in out["path"]
    [put] = out["calls"]["Record gate values"]
    run_name = out["output"]["run_name"]
    assert (put["Bucket"], put["Key"], put["ContentType"]) == (ARTIFACTS, f"{run_name}/quality-gate.json", "application/json")
    assert json.loads(put["Body"]) == {"model": "pytorch-pipeline", "run": run_name, "values": {ACCURACY_KEY: {"check": "metrics.accuracy.value", "value": 0.83}}}
    assert out["path"].index("Record gate values") < out["path"].index("Create model")
    assert assert_requests_valid(defn, out) >= 10  # DescribeEndpoint, GetObject, PutObject among them


def test_a_model_better_than_the_live_one_deploys() -> None:
    out = run(definition("pytorch-pipeline"), live_tasks(0.83, _recorded(0.8)))
    assert out["status"] == "SUCCEEDED", out
    [get] = out["calls"]["Get live gate values"]
    assert get == {"Bucket": ARTIFACTS, "Key": f"{LIVE_RUN}/quality-gate.json"}
    assert out["calls"]["Find live model"] == [{"EndpointName": "pytorch-pipeline-dev"}]
    assert len(out["calls"]["Update endpoint"]) == 1 and len(out["calls"]["Record gate values"]) == 1


@pytest.mark.parametrize("live", [0.9, 0.83], ids=["worse", "as good"])
def test_a_model_not_better_than_the_live_one_is_not_deployed_and_says_both_values(live: float) -> None:
    out = run(definition("pytorch-pipeline"), live_tasks(0.83, _recorded(live)))
    _failed(out, "QualityGateFailed", "Quality gate metrics.accuracy.value against live failed")
    assert out["cause"] == f"metrics.accuracy.value = 0.83 is not > {live}, the value of the live run {LIVE_RUN}"
    _nothing_deployed(out)
    assert out["calls"]["Record gate values"] == []  # a rejected run records nothing


@pytest.mark.parametrize("recorded", [
    {"error": "S3.NoSuchKeyException", "cause": "The specified key does not exist."},
    _recorded(0.99, key="v0000000000000000"),
    _recorded(None),
], ids=["no record", "no value for this check", "not a number"])
def test_a_live_model_without_a_recorded_value_has_nothing_to_beat(recorded: dict[str, Any]) -> None:
    out = run(definition("pytorch-pipeline"), live_tasks(0.75, recorded))
    assert out["status"] == "SUCCEEDED", out
    assert len(out["calls"]["Update endpoint"]) == 1


def test_what_a_run_records_is_what_the_next_run_beats() -> None:
    from .test_processing import example_tasks

    first = run(definition("pytorch-pipeline"), example_tasks(0.83))
    [put] = first["calls"]["Record gate values"]
    tasks = live_tasks(0.81, {})
    tasks["Find live model"] = [endpoint("InService", config=first["output"]["run_name"])]
    tasks["Get live gate values"] = [{"result": {"Body": put["Body"]}}]
    second = run(definition("pytorch-pipeline"), tasks)
    _failed(second, "QualityGateFailed", "Quality gate metrics.accuracy.value against live failed")
    assert second["cause"] == f"metrics.accuracy.value = 0.81 is not > 0.83, the value of the live run {first['output']['run_name']}"
    assert second["calls"]["Get live gate values"][0]["Key"] == put["Key"]


def test_a_lower_is_better_check_must_be_below_the_live_value() -> None:
    d = gated("pytorch-pipeline", [{"report": {**EVALUATION, "json_path": "metrics.loss"}, "less_than": 0.5, "better_than_live": True}])
    key = record_key(d.deploy.condition[0])  # type: ignore[union-attr]
    defn = definition(d)
    assert "NumericLessThanPath" in defn["States"]["Beat live: metrics.loss"]["Choices"][2]
    tasks = live_tasks(0.9, {"values": {key: {"check": "metrics.loss", "value": 0.3}}})
    from .test_processing import report

    tasks["Get report"] = [report({"metrics": {"loss": 0.35}})]
    out = run(defn, tasks)
    _failed(out, "QualityGateFailed", "Quality gate metrics.loss against live failed")
    assert out["cause"] == f"metrics.loss = 0.35 is not < 0.3, the value of the live run {LIVE_RUN}"
    tasks["Get report"] = [report({"metrics": {"loss": 0.25}})]
    assert run(defn, tasks)["status"] == "SUCCEEDED"


def test_a_live_model_that_cannot_be_found_out_fails_the_run() -> None:
    tasks = live_tasks(0.83, _recorded(0.8))
    tasks["Find live model"] = [{"error": "SageMaker.SageMakerException", "cause": "User is not authorized to perform: sagemaker:DescribeEndpoint"}]
    out = run(definition("pytorch-pipeline"), tasks)
    _failed(out, "LiveModelUnknown", "Find live model failed")
    assert "not authorized" in out["cause"]
    _nothing_deployed(out)


def test_a_record_that_cannot_be_written_stops_the_deployment() -> None:
    from .test_processing import example_tasks

    tasks = example_tasks(0.83)
    tasks["Record gate values"] = [{"error": "S3.S3Exception", "cause": "Access Denied (Service: S3, Status Code: 403)"}]
    out = run(definition("pytorch-pipeline"), tasks)
    _failed(out, "GateRecordFailed", "Record gate values failed")
    _nothing_deployed(out)


def test_the_gate_may_read_the_live_record_and_write_its_own() -> None:
    g = GrantContext(**{**G.__dict__, "endpoint_name": "pytorch-pipeline-dev"})
    statements = {s.actions: s for s in Condition().grants(CATALOG_BY_NAME["pytorch-pipeline"], g)}
    records = f"arn:aws:s3:::{ARTIFACTS}/pytorch-pipeline-????????????/quality-gate.json"
    assert statements[("sagemaker:DescribeEndpoint",)].resources == ("arn:aws:sagemaker:us-east-1:123456789012:endpoint/pytorch-pipeline-dev",)
    assert records in statements[("s3:GetObject",)].resources and statements[("s3:PutObject",)].resources == (records,)
