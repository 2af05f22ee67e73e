"""Processing steps executed locally (aws-local-stepfunctions): a preprocessing job before
training whose output the training job reads, an evaluation after training that reads the
trained model, failures that name the step, and a pipeline of processing jobs alone."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from sagestack.descriptor import ModelDescriptor, descriptor_from_dict
from sagestack.pipeline import FAILED_STATE, pipeline_definition

from ..conftest import CATALOG
from .golden import example_resources
from .harness import run
from .test_pipeline_definition import CATALOG_BY_NAME, CHECKED, CTX, NAME_PATTERN, NOT_FOUND, OK, TRAINED, _failed, assert_requests_valid, first_run_tasks

EXAMPLE = "pytorch-pipeline"
REPACKED = {"result": {"StatusCode": 200, "Payload": {"ModelDataUrl": "s3://sagestack-artifacts/repacked/pytorch-pipeline/r/model.tar.gz"}}}


def processed(state: str) -> dict[str, Any]:
    """A DescribeProcessingJob answer of a completed job (what the .sync integration returns)."""
    return {"result": {
        "ProcessingJobName": "{{call:" + state + ".ProcessingJobName}}",
        "ProcessingJobArn": "arn:aws:sagemaker:us-east-1:123456789012:processing-job/{{call:" + state + ".ProcessingJobName}}",
        "ProcessingJobStatus": "Completed",
        "ProcessingOutputConfig": {"Outputs": []},
    }}


def report(body: Any) -> dict[str, Any]:
    """S3 GetObject's answer through the AWS SDK integration: the object's text in Body."""
    return {"result": {"Body": body if isinstance(body, str) else json.dumps(body), "ContentType": "application/json", "ContentLength": 42, "ETag": '"0123"'}}


def example_tasks(accuracy: float = 0.83) -> dict[str, list[dict[str, Any]]]:
    """A run of the example whose evaluation report says ``accuracy`` (its gate wants >= 0.7)."""
    tasks = first_run_tasks()
    tasks.update({
        "Process preprocess": [processed("Process preprocess")], "Process evaluate": [processed("Process evaluate")], "Repack model": [REPACKED],
        "Get report": [report({"metrics": {"accuracy": {"value": accuracy}}})],
        # the first deployment: no live model to beat; the run records its gate values
        "Find live model": [NOT_FOUND], "Record gate values": [OK],
    })
    return tasks


def definition(d: ModelDescriptor) -> dict[str, Any]:
    return pipeline_definition(d, CTX, example_resources(d, False))


def test_preprocess_train_evaluate_deploy() -> None:
    d = CATALOG_BY_NAME[EXAMPLE]
    defn = definition(d)
    out = run(defn, example_tasks())
    assert out["status"] == "SUCCEEDED", out
    path = out["path"]
    assert path.index("Process preprocess") < path.index("Train") < path.index("Process evaluate") < path.index("Get report") < path.index("Create model")
    run_name = out["output"]["run_name"]
    [prep] = out["calls"]["Process preprocess"]
    assert prep["ProcessingJobName"] == f"{run_name}-preprocess" and NAME_PATTERN.match(prep["ProcessingJobName"])
    outputs = {o["OutputName"]: o["S3Output"]["S3Uri"] for o in prep["ProcessingOutputConfig"]["Outputs"]}
    assert outputs == {name: f"s3://sagestack-artifacts-123456789012-us-east-1/{run_name}-preprocess/output/{name}" for name in ("train", "test")}
    [train] = out["calls"]["Train"]
    channels = {c["ChannelName"]: c["DataSource"]["S3DataSource"]["S3Uri"] for c in train["InputDataConfig"]}
    assert channels == {"train": outputs["train"]}  # training reads what preprocessing wrote, in this run
    [evaluate] = out["calls"]["Process evaluate"]
    sources = {i["InputName"]: i["S3Input"]["S3Uri"] for i in evaluate["ProcessingInputs"]}
    assert sources["input-1"] == out["output"]["model_data"]  # {step: training, output: model}
    assert sources["input-2"] == outputs["test"]
    assert evaluate["ProcessingOutputConfig"]["Outputs"][0]["OutputName"] == "evaluation"
    assert set(out["output"]["processing"]) == {"preprocess", "evaluate"}
    assert assert_requests_valid(defn, out) >= 7


def test_a_retried_processing_job_keeps_its_name() -> None:
    tasks = example_tasks()
    tasks["Process preprocess"] = [{"error": "SageMaker.AmazonSageMakerException", "cause": "Rate exceeded (Error Code: ThrottlingException)"}, processed("Process preprocess")]
    out = run(definition(CATALOG_BY_NAME[EXAMPLE]), tasks)
    assert out["status"] == "SUCCEEDED", out
    first, second = out["calls"]["Process preprocess"]
    assert first["ProcessingJobName"] == second["ProcessingJobName"]


@pytest.mark.parametrize(("state", "label"), [("Process preprocess", "Processing preprocess"), ("Process evaluate", "Processing evaluate")])
def test_a_failed_processing_job_fails_the_run_naming_the_step(state: str, label: str) -> None:
    tasks = example_tasks()
    tasks[state] = [{"error": "SageMaker.ProcessingJobFailed", "cause": "AlgorithmError: KeyError: 'churn'"}]
    out = run(definition(CATALOG_BY_NAME[EXAMPLE]), tasks)
    assert out["status"] == "FAILED", out
    assert (out["error"], out["cause"]) == ("ProcessingFailed", "AlgorithmError: KeyError: 'churn'")
    assert out["path"][-2:] == [f"{label} failed", FAILED_STATE]
    assert out["calls"]["Create model"] == []  # nothing deployed
    if state == "Process preprocess":
        assert out["calls"]["Train"] == []


def _processing_only() -> ModelDescriptor:
    data = {
        "name": "nightly-features",
        "processing": [
            {"name": "extract", "processor": {"type": "ScriptProcessor", "image_uri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/features:1", "command": ["python3"],
                                              "instance_type": "ml.m5.xlarge", "instance_count": 1},
             "run": {"code": "pytorch-pipeline/preprocess.py", "inputs": [{"source": "s3://sagestack-examples-data/events", "destination": "/opt/ml/processing/input"}],
                     "outputs": [{"source": "/opt/ml/processing/features", "output_name": "features"}]}},
            {"name": "publish", "processor": {"type": "Processor", "image_uri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/publish:1", "instance_type": "ml.m5.large", "instance_count": 1},
             "run": {"inputs": [{"source": {"step": "extract", "output": "features"}, "destination": "/opt/ml/processing/features"}]}},
        ],
    }
    return descriptor_from_dict(copy.deepcopy(data), base_dir=CATALOG)


def test_processing_jobs_alone() -> None:
    d = _processing_only()
    defn = definition(d)
    tasks = {"Process extract": [processed("Process extract")], "Process publish": [processed("Process publish")]}
    out = run(defn, tasks)
    assert out["status"] == "SUCCEEDED", out
    assert out["path"] == ["Draw run id", "Name the run", "Process extract", "Process publish", "Summarize"]
    [extract], [publish] = out["calls"]["Process extract"], out["calls"]["Process publish"]
    assert publish["ProcessingInputs"][0]["S3Input"]["S3Uri"] == extract["ProcessingOutputConfig"]["Outputs"][0]["S3Output"]["S3Uri"]
    assert "ContainerEntrypoint" not in publish["AppSpecification"]  # a Processor runs its image's entrypoint
    assert assert_requests_valid(defn, out) == 2


def test_processing_jobs_alone_may_run_on_a_schedule(tmp_path) -> None:
    from sagestack.descriptor import validate_data

    data = _processing_only().model_dump(mode="json", exclude_unset=True)
    data["schedule"] = {"expression": "cron(0 3 * * ? *)"}
    result = validate_data(data, file="nightly.yaml", source=CATALOG / "nightly.yaml")
    assert [i.format() for i in result.issues if i.severity == "error"] == []


def test_processing_job_names_must_fit() -> None:
    d = _processing_only()
    long = d.model_copy(update={"name": "a" * 32})
    resources = example_resources(long, False)
    with pytest.raises(ValueError, match="too long"):
        pipeline_definition(long, CTX, type(resources)(**{**resources.__dict__, "name_suffix": "staging-environment"}))


def test_training_reads_the_overridden_channel_when_the_run_input_says_so() -> None:
    out = run(definition(CATALOG_BY_NAME[EXAMPLE]), example_tasks(), input={"inputs": {"train": "s3://sagestack-examples-data/churn/curated"}})
    assert out["status"] == "SUCCEEDED", out
    [train] = out["calls"]["Train"]
    assert train["InputDataConfig"][0]["DataSource"]["S3DataSource"]["S3Uri"] == "s3://sagestack-examples-data/churn/curated"
    assert CHECKED and TRAINED  # the shared answers this module builds on


def test_a_runs_input_replaces_a_steps_arguments() -> None:
    d = CATALOG_BY_NAME[EXAMPLE]
    defn = definition(d)
    out = run(defn, example_tasks(), input={"processing": {"preprocess": {"arguments": ["--test-fraction", "0.5"]}}})
    assert out["status"] == "SUCCEEDED", out
    [prep] = out["calls"]["Process preprocess"]
    assert prep["AppSpecification"]["ContainerArguments"] == ["--test-fraction", "0.5"]
    [evaluate] = out["calls"]["Process evaluate"]
    assert "ContainerArguments" not in evaluate["AppSpecification"]  # the descriptor gives it none
    assert assert_requests_valid(defn, out) >= 6
    out = run(defn, example_tasks())
    assert out["calls"]["Process preprocess"][0]["AppSpecification"]["ContainerArguments"] == ["--test-fraction", "0.2"]  # the descriptor's


def test_a_bad_argument_input_stops_the_run_before_any_job() -> None:
    out = run(definition(CATALOG_BY_NAME[EXAMPLE]), example_tasks(), input={"processing": {"evaluate": {"arguments": ["--x"]}, "preprocess": {"arguments": "--test-fraction 0.5"}}})
    _failed(out, "InvalidInput", "Input failed")
    assert out["calls"]["Process preprocess"] == []
    assert "processing.evaluate: not a processing step with arguments" in out["cause"] and "processing.preprocess.arguments: must be a list" in out["cause"], out["cause"]
