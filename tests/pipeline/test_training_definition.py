"""The training state machine definition (pure layer of #5), validated by asl-validator and
executed locally by aws-local-stepfunctions with every SageMaker task scripted."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from sagestack.descriptor import load_catalog
from sagestack.pipeline import training_definition, to_parameters
from sagestack.render import RenderContext, request_problems
from sagestack.render.check import EXAMPLE_VALUES
from sagestack.render.training import create_training_job

from ..conftest import CATALOG
from .harness import asl_problems, run

TRAINING = {d.name: d for d in load_catalog([CATALOG]).descriptors if d.estimator is not None}
CTX = RenderContext(region="us-east-1")
NAME_PATTERN = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")  # botocore's TrainingJobName


def _definition(name: str) -> dict[str, Any]:
    return training_definition(TRAINING[name], CTX, static=EXAMPLE_VALUES)


def _completed(request: dict[str, Any]) -> dict[str, Any]:
    """A DescribeTrainingJob-shaped answer, as the .sync integration returns it."""
    return {"result": {
        "TrainingJobName": request["TrainingJobName"],
        "TrainingJobStatus": "Completed",
        "ModelArtifacts": {"S3ModelArtifacts": f"s3://sagestack-artifacts/{request['TrainingJobName']}/output/model.tar.gz"},
    }}


@pytest.mark.parametrize("name", sorted(TRAINING))
def test_definitions_are_valid_asl(name: str, tmp_path: Path) -> None:
    path = tmp_path / "definition.json"
    path.write_text(json.dumps(_definition(name)))
    assert asl_problems(path) == ""


def test_success_sends_the_rendered_request_with_the_run_name() -> None:
    definition = _definition("mnist-tf")
    first = run(definition, {"Train": [{"result": None}]})  # capture the request the task receives
    [request] = first["calls"]["Train"]
    name = request["TrainingJobName"]
    assert NAME_PATTERN.match(name) and len(name) <= 63 and name.startswith("mnist-tf-")
    expected = create_training_job(TRAINING["mnist-tf"], CTX)
    filled = json.loads(json.dumps(expected).replace("{{TrainingJobName}}", name))
    filled = json.loads(json.dumps(filled))
    for key, value in EXAMPLE_VALUES.items():
        filled = json.loads(json.dumps(filled).replace("{{" + key + "}}", value))
    assert request == filled  # exactly the SDK-faithful request
    assert request_problems("CreateTrainingJob", request) == []
    done = run(definition, {"Train": [_completed(request)]})
    assert done["status"] == "SUCCEEDED", done
    assert done["output"]["model_data"].endswith("/output/model.tar.gz")
    assert done["path"] == ["Draw run id", "Name the run", "Train", "Trained"]
    print(f"state transitions of a successful training run: {done['transitions']}")


def test_training_failure_ends_in_a_fail_state_with_sagemakers_cause() -> None:
    out = run(_definition("kmeans"), {"Train": [{"error": "SageMaker.TrainingJobFailed", "cause": "AlgorithmError: feature_dim mismatch"}]})
    assert out["status"] == "FAILED"
    assert (out["error"], out["cause"]) == ("TrainingFailed", "AlgorithmError: feature_dim mismatch")
    assert out["path"][-1] == "Training failed"


def test_throttling_is_retried_with_the_same_name() -> None:
    definition = _definition("byo-estimator")
    out = run(definition, {"Train": [{"error": "ThrottlingException", "cause": "Rate exceeded"}, {"error": "ThrottlingException", "cause": "Rate exceeded"}, {"result": {"TrainingJobName": "x", "TrainingJobStatus": "Completed", "ModelArtifacts": {"S3ModelArtifacts": "s3://b/m.tar.gz"}}}]})
    assert out["status"] == "SUCCEEDED", out
    names = {call["TrainingJobName"] for call in out["calls"]["Train"]}
    assert len(out["calls"]["Train"]) == 3 and len(names) == 1  # a retry never invents a new job


def test_reruns_never_collide() -> None:
    definition = _definition("tf-pipe")
    names = {run(definition, {"Train": [{"result": None}]})["calls"]["Train"][0]["TrainingJobName"] for _ in range(3)}
    assert len(names) == 3


def test_format_escapes_literal_text() -> None:
    """Placeholders inside text become States.Format; quotes and braces in the text survive.
    (A backslash is escaped too, as ASL requires, but aws-local-stepfunctions 3.0 rejects "\\\\" in
    templates; rendered requests never put one next to a run-time name.)"""
    value = "it's {literal} s3://b/{{TrainingJobName}}/model"
    definition = {
        "StartAt": "Set",
        "States": {
            "Set": {"Type": "Pass", "Parameters": {"run": {"training_job_name": "job-1"}}, "Next": "Format"},
            "Format": {"Type": "Pass", "Parameters": to_parameters({"v": value}, {"TrainingJobName": "$.run.training_job_name"}), "End": True},
        },
    }
    out = run(definition, {})
    assert out["output"] == {"v": value.replace("{{TrainingJobName}}", "job-1")}


def test_deploy_time_placeholders_must_be_filled() -> None:
    with pytest.raises(ValueError, match="deploy-time placeholders"):
        to_parameters({"RoleArn": "{{RoleArn}}"}, {})


def test_deploy_time_values_are_inserted_verbatim() -> None:
    """CDK tokens (``${Token[...]}``) must not be escaped inside States.Format templates."""
    token = "${Token[TOKEN.42]}"
    out = to_parameters({"d": "s3://{{ArtifactBucket}}/{{TrainingJobName}}/model"}, {"TrainingJobName": "$.run.n"}, {"ArtifactBucket": token})
    assert out == {"d.$": "States.Format('s3://" + token + "/{}/model', $.run.n)"}
    assert to_parameters({"r": "{{RoleArn}}"}, {}, {"RoleArn": token}) == {"r": token}
