"""The quality gate (deploy.condition), executed locally: a run whose checks pass deploys; a check
that fails ends the run before any model or endpoint call, saying which metric, its value and the
bound, and notifies; a metric the training job did not report fails the run with MetricMissing."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from sagestack.descriptor import ModelDescriptor, validate_data
from sagestack.descriptor.condition import COMPARISONS
from sagestack.pipeline.steps import GrantContext
from sagestack.pipeline.steps.condition import Condition

from ..conftest import CATALOG
from .golden import TOPIC
from .harness import run
from .test_pipeline_definition import _failed, assert_requests_valid, definition, first_run_tasks, tuned_tasks

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
