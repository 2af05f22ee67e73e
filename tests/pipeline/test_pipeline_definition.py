"""The pipeline definition (the pure layer), validated by asl-validator and executed locally by
aws-local-stepfunctions: every SageMaker / Application Auto Scaling / SNS task answers with a
recorded-shape response, the "Check run input" task runs the real Lambda handler, and every
request a task receives is checked against botocore's service model for its operation."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from sagestack.descriptor import ModelDescriptor, load_catalog
from sagestack.pipeline import FAILED_STATE, PipelineResources, pipeline_definition, to_parameters
from sagestack.pipeline.definition import POLL_SECONDS, endpoint_wait
from sagestack.render import RenderContext, request_problems
from sagestack.render.check import EXAMPLE_VALUES
from sagestack.render.training import create_training_job

from ..conftest import CATALOG, REPO_ROOT
from .golden import TOPIC, example_resources
from .golden import async_mnist as _async_mnist
from .harness import asl_problems, run

CATALOG_BY_NAME = {d.name: d for d in load_catalog([CATALOG]).descriptors}
PIPELINES = {n: d for n, d in CATALOG_BY_NAME.items() if d.estimator is not None or d.transformer is not None or d.processing is not None}
# xgboost-tuned registers its model for approval (test_register.py runs that path); the tuning and
# gate tests here run it as a model that deploys in the same run.
CATALOG_BY_NAME["xgboost-tuned"] = CATALOG_BY_NAME["xgboost-tuned"].model_copy(update={"register": None})
CTX = RenderContext(region="us-east-1")
NAME_PATTERN = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")  # botocore's TrainingJobName / ModelName / EndpointConfigName
RUN_INPUT = str(REPO_ROOT / "constructs/sagestack/pipeline/run_input/index.py")


def example_with_deploy(name: str, **deploy: Any) -> ModelDescriptor:
    """The example ``name``, its deploy section changed by ``deploy`` (a key set to None is removed)."""
    import yaml

    from sagestack.descriptor import validate_data

    path = CATALOG / f"{name}.yaml"
    data = yaml.safe_load(path.read_text())
    for key, value in deploy.items():
        if value is None:
            data["deploy"].pop(key, None)
        else:
            data["deploy"][key] = value
    result = validate_data(data, file=f"{name}.yaml", source=path)
    assert result.descriptor is not None, [i.format() for i in result.issues]
    return result.descriptor


def resources(d: ModelDescriptor, *, topic: bool = False) -> PipelineResources:
    return example_resources(d, topic)


def definition(name: str | ModelDescriptor, *, topic: bool = False) -> dict[str, Any]:
    d = CATALOG_BY_NAME[name] if isinstance(name, str) else name
    return pipeline_definition(d, CTX, resources(d, topic=topic))


# Recorded-shape answers ("{{call:State.Key}}" is that state's latest request value).
OK: dict[str, Any] = {"result": {}}
CHECKED = {"python": RUN_INPUT}
TRAINED = {"result": {
    "TrainingJobName": "{{call:Train.TrainingJobName}}",
    "TrainingJobArn": "arn:aws:sagemaker:us-east-1:123456789012:training-job/{{call:Train.TrainingJobName}}",
    "TrainingJobStatus": "Completed",
    "SecondaryStatus": "Completed",
    "ModelArtifacts": {"S3ModelArtifacts": "s3://sagestack-artifacts/{{call:Train.TrainingJobName}}/output/model.tar.gz"},
}}
NOT_FOUND = {"error": "SageMaker.SageMakerException", "cause": 'Could not find endpoint "arn:aws:sagemaker:us-east-1:123456789012:endpoint/x". (Service: SageMaker, Status Code: 400)'}
THROTTLED = {"error": "SageMaker.AmazonSageMakerException", "cause": "Rate exceeded (Service: AmazonSageMaker; Status Code: 400; Error Code: ThrottlingException)"}


def endpoint(status: str, *, config: str = "{{call:Create endpoint config.EndpointConfigName}}", reason: str | None = None) -> dict[str, Any]:
    """A DescribeEndpoint answer."""
    answer = {"EndpointName": "x", "EndpointArn": "arn:aws:sagemaker:us-east-1:123456789012:endpoint/x", "EndpointConfigName": config, "EndpointStatus": status, "CreationTime": "2026-11-23T10:00:00Z", "LastModifiedTime": "2026-11-23T10:05:00Z"}
    if reason is not None:
        answer["FailureReason"] = reason
    return {"result": answer}


def first_run_tasks() -> dict[str, list[dict[str, Any]]]:
    return {
        "Check run input": [CHECKED],
        "Train": [TRAINED],
        "Create model": [OK],
        "Create endpoint config": [OK],
        "Find endpoint": [NOT_FOUND],
        "Create endpoint": [OK],
        "Check endpoint": [endpoint("Creating"), endpoint("InService")],
    }


def second_run_tasks() -> dict[str, list[dict[str, Any]]]:
    tasks = first_run_tasks()
    del tasks["Create endpoint"]
    tasks["Find endpoint"] = [endpoint("InService", config="kmeans-0123456789ab")]
    tasks["Update endpoint"] = [OK]
    tasks["Check endpoint"] = [endpoint("Updating"), endpoint("InService")]
    return tasks


def _operation(resource: str) -> tuple[str, str] | None:
    """Task Resource → (botocore service, operation); None for Lambda."""
    match = re.match(r"arn:aws:states:::(?:aws-sdk:)?([a-z0-9]+):([A-Za-z]+)(?:\.sync)?$", resource)
    assert match, resource
    service, action = match.groups()
    if service == "lambda":
        return None
    return {"applicationautoscaling": "application-autoscaling"}.get(service, service), action[0].upper() + action[1:]


def assert_requests_valid(definition: dict[str, Any], out: dict[str, Any]) -> int:
    """Every request a task received is valid for its API operation (botocore's model)."""
    import botocore.session
    from botocore.validate import ParamValidator

    session = botocore.session.get_session()
    checked = 0
    for state, requests in out["calls"].items():
        target = _operation(definition["States"][state]["Resource"])
        if target is None:
            continue
        service, operation = target
        for request in requests:
            if service == "sagemaker":
                assert request_problems(operation, request) == [], (state, request)
            else:
                shape = session.get_service_model(service).operation_model(operation).input_shape
                report = ParamValidator().validate(request, shape)
                assert not report.has_errors(), (state, report.generate_report())
            checked += 1
    return checked


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_definitions_are_valid_asl(name: str, tmp_path: Path) -> None:
    path = tmp_path / "definition.json"
    path.write_text(json.dumps(definition(name, topic=True)))
    assert asl_problems(path) == ""


def test_first_run_creates_the_endpoint() -> None:
    defn = definition("kmeans")
    out = run(defn, first_run_tasks())
    assert out["status"] == "SUCCEEDED", out
    assert out["path"] == [
        "Draw run id", "Name the run", "Check run input", "Input accepted?", "Train", "Create model", "Create endpoint config",
        "Find endpoint", "Endpoint missing?", "Create endpoint", "Wait for endpoint", "Check endpoint", "Endpoint ready?",
        "Count wait", "Waited too long?", "Wait for endpoint", "Check endpoint", "Endpoint ready?", "Summarize",
    ]
    name = out["calls"]["Train"][0]["TrainingJobName"]
    assert NAME_PATTERN.match(name) and re.fullmatch(r"kmeans-[0-9a-f]{12}", name)
    # One name per run: model, endpoint config and the endpoint's config are the run's.
    assert out["calls"]["Create model"][0]["ModelName"] == name
    assert out["calls"]["Create model"][0]["PrimaryContainer"]["ModelDataUrl"] == f"s3://sagestack-artifacts/{name}/output/model.tar.gz"
    assert out["calls"]["Create endpoint config"][0]["ProductionVariants"][0]["ModelName"] == name
    assert out["calls"]["Create endpoint"][0] == {"EndpointName": "kmeans-dev", "EndpointConfigName": name, "Tags": []}
    assert out["output"] == {
        "model": "kmeans", "run_name": name, "training_job_name": name, "model_data": f"s3://sagestack-artifacts/{name}/output/model.tar.gz",
        "model_name": name, "endpoint_name": "kmeans-dev", "endpoint_config_name": name,
    }
    assert assert_requests_valid(defn, out) == 7  # Train, Create model, config, Find, Create endpoint, Check x2
    print(f"state transitions of a successful run (train + create endpoint, one wait): {out['transitions']}")


def test_second_run_updates_the_endpoint() -> None:
    out = run(definition("kmeans"), second_run_tasks())
    assert out["status"] == "SUCCEEDED", out
    assert "Create endpoint" not in out["path"] and out["path"].count("Update endpoint") == 1
    [update] = out["calls"]["Update endpoint"]
    assert update == {"EndpointName": "kmeans-dev", "EndpointConfigName": out["output"]["run_name"]}
    print(f"state transitions of a successful run (train + update endpoint, one wait): {out['transitions']}")


def test_autoscaled_endpoint_is_deregistered_updated_and_registered_again() -> None:
    defn = definition("mnist-tf")
    tasks = second_run_tasks()
    tasks.update({"Deregister scaling target": [OK], "Register scaling target": [OK], "Put scaling policy": [OK]})
    out = run(defn, tasks)
    assert out["status"] == "SUCCEEDED", out
    order = [s for s in out["path"] if s in ("Deregister scaling target", "Update endpoint", "Check endpoint", "Register scaling target", "Put scaling policy")]
    assert order == ["Deregister scaling target", "Update endpoint", "Check endpoint", "Check endpoint", "Register scaling target", "Put scaling policy"]
    [update] = out["calls"]["Update endpoint"]
    assert update["RetainAllVariantProperties"] is True  # keeps the scaler's instance count
    resource_id = "endpoint/mnist-tf-dev/variant/AllTraffic"
    assert out["calls"]["Deregister scaling target"][0]["ResourceId"] == resource_id
    register = out["calls"]["Register scaling target"][0]
    assert (register["ResourceId"], register["MinCapacity"], register["MaxCapacity"]) == (resource_id, 1, 4)
    policy = out["calls"]["Put scaling policy"][0]["TargetTrackingScalingPolicyConfiguration"]
    assert policy["PredefinedMetricSpecification"] == {"PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"}
    assert assert_requests_valid(defn, out) >= 8


def test_first_autoscaled_run_registers_without_deregistering() -> None:
    tasks = first_run_tasks()
    tasks.update({"Register scaling target": [OK], "Put scaling policy": [OK]})
    out = run(definition("mnist-tf"), tasks)
    assert out["status"] == "SUCCEEDED", out
    assert "Deregister scaling target" not in out["path"] and out["path"][-3:] == ["Register scaling target", "Put scaling policy", "Summarize"]


def test_deregistering_a_target_that_is_not_there_goes_on() -> None:
    tasks = second_run_tasks()
    tasks.update({"Deregister scaling target": [{"error": "ApplicationAutoScaling.ObjectNotFoundException", "cause": "No scalable target registered"}], "Register scaling target": [OK], "Put scaling policy": [OK]})
    out = run(definition("mnist-tf"), tasks)
    assert out["status"] == "SUCCEEDED", out


def _failed(out: dict[str, Any], error: str, step_state: str) -> None:
    assert out["status"] == "FAILED", out
    assert out["error"] == error
    assert out["path"][-2:] == [step_state, FAILED_STATE]


def test_training_failure() -> None:
    tasks = first_run_tasks()
    tasks["Train"] = [{"error": "SageMaker.TrainingJobFailed", "cause": "AlgorithmError: feature_dim mismatch"}]
    out = run(definition("kmeans"), tasks)
    _failed(out, "TrainingFailed", "Training failed")
    assert out["cause"] == "AlgorithmError: feature_dim mismatch"
    assert out["calls"]["Create model"] == []


def test_model_failure() -> None:
    tasks = first_run_tasks()
    tasks["Create model"] = [{"error": "SageMaker.AmazonSageMakerException", "cause": "Could not access model data at s3://... (Service: AmazonSageMaker; Status Code: 400; Error Code: ValidationException)"}]
    out = run(definition("kmeans"), tasks)
    _failed(out, "ModelFailed", "Model failed")
    assert "Could not access model data" in out["cause"]
    assert len(out["calls"]["Create model"]) == 4  # retried (3 attempts) before giving up


def test_endpoint_failure_reports_the_failure_reason() -> None:
    tasks = first_run_tasks()
    tasks["Check endpoint"] = [endpoint("Creating"), endpoint("Failed", reason="The primary container for production variant AllTraffic did not pass the ping health check.")]
    out = run(definition("kmeans"), tasks)
    _failed(out, "EndpointFailed", "Endpoint failed")
    assert out["cause"].startswith("The primary container for production variant AllTraffic did not pass")


def test_rolled_back_update_fails_with_the_reason() -> None:
    tasks = second_run_tasks()
    tasks["Check endpoint"] = [endpoint("Updating"), endpoint("InService", config="kmeans-0123456789ab", reason="Alarm kmeans-5xx fired")]
    out = run(definition("kmeans"), tasks)
    _failed(out, "EndpointUpdateRolledBack", "Endpoint rollout failed")
    assert out["cause"] == "endpoint kmeans-dev rolled back to config kmeans-0123456789ab: Alarm kmeans-5xx fired"


def test_in_service_timeout() -> None:
    d = CATALOG_BY_NAME["kmeans"]
    assert d.deploy is not None
    short = d.model_copy(update={"deploy": d.deploy.model_copy(update={"wait_timeout_seconds": 300})})
    assert endpoint_wait(short) == (300, 300 // POLL_SECONDS)
    tasks = first_run_tasks()
    tasks["Check endpoint"] = [endpoint("Creating")]
    out = run(definition(short), tasks)
    _failed(out, "EndpointTimeout", "Wait for endpoint failed")
    assert len(out["calls"]["Check endpoint"]) == 10
    assert out["cause"].startswith("endpoint kmeans-dev was still Creating after 300 s")


def test_default_wait_covers_the_blue_green_bake() -> None:
    assert endpoint_wait(CATALOG_BY_NAME["kmeans"]) == (3600, 120)  # no deployment_config: an hour
    # mnist-serving's canary bakes 600 s and keeps the old fleet 900 s: both are added.
    assert endpoint_wait(CATALOG_BY_NAME["mnist-serving"]) == (3600 + 600 + 900, (3600 + 600 + 900) // POLL_SECONDS)


def test_busy_endpoint_is_waited_for_and_a_failed_one_replaced() -> None:
    tasks = first_run_tasks()
    tasks["Find endpoint"] = [endpoint("Failed", config="kmeans-0123456789ab", reason="old failure"), endpoint("Deleting"), NOT_FOUND]
    tasks["Delete failed endpoint"] = [OK]
    out = run(definition("kmeans"), tasks)
    assert out["status"] == "SUCCEEDED", out
    assert out["path"][7:16] == ["Find endpoint", "Endpoint exists", "Delete failed endpoint", "Count busy wait", "Busy too long?", "Wait for endpoint to settle", "Find endpoint", "Endpoint exists", "Count busy wait"]
    assert len(out["calls"]["Create endpoint"]) == 1


def test_throttling_then_success_keeps_the_names() -> None:
    tasks = first_run_tasks()
    tasks["Train"] = [{"error": "ThrottlingException", "cause": "Rate exceeded"}, TRAINED]
    tasks["Create endpoint config"] = [THROTTLED, THROTTLED, OK]
    out = run(definition("kmeans"), tasks)
    assert out["status"] == "SUCCEEDED", out
    assert len({c["TrainingJobName"] for c in out["calls"]["Train"]}) == 1 and len(out["calls"]["Train"]) == 2
    assert len({c["EndpointConfigName"] for c in out["calls"]["Create endpoint config"]}) == 1 and len(out["calls"]["Create endpoint config"]) == 3


def test_batch_transform() -> None:
    defn = definition("pca-batch")
    tasks = {
        "Check run input": [CHECKED], "Train": [TRAINED], "Create model": [OK],
        "Transform": [{"result": {"TransformJobName": "{{call:Transform.TransformJobName}}", "TransformJobStatus": "Completed", "TransformOutput": {"S3OutputPath": "s3://sagestack-examples-output/pca-batch/projections"}}}],
    }
    out = run(defn, tasks)
    assert out["status"] == "SUCCEEDED", out
    assert out["path"][-4:] == ["Train", "Create model", "Transform", "Summarize"]
    [transform] = out["calls"]["Transform"]
    assert transform["ModelName"] == transform["TransformJobName"] == out["output"]["run_name"]
    assert transform["TransformInput"]["ContentType"] == "text/csv"
    assert out["output"]["transform_output"] == "s3://sagestack-examples-output/pca-batch/projections"
    assert assert_requests_valid(defn, out) == 3


def test_batch_transform_of_existing_model_data() -> None:
    """model + transformer: no training, no run input; the model serves the descriptor's artifact."""
    defn = definition("mnist-batch")
    transformed = {"result": {"TransformJobName": "{{call:Transform.TransformJobName}}", "TransformJobStatus": "Completed", "TransformOutput": {"S3OutputPath": "{{call:Transform.TransformOutput.S3OutputPath}}"}}}
    out = run(defn, {"Create model": [OK], "Transform": [transformed]})
    assert out["status"] == "SUCCEEDED", out
    assert out["path"] == ["Draw run id", "Name the run", "Create model", "Transform", "Summarize"]
    assert out["calls"]["Create model"][0]["PrimaryContainer"]["ModelDataUrl"] == "s3://sagestack-examples-data/mnist/models/2026-11-20/model.tar.gz"
    assert out["output"]["transform_output"] == "s3://sagestack-examples-output/mnist-batch/predictions"
    assert re.fullmatch(r"mnist-batch-[0-9a-f]{12}", out["output"]["run_name"])
    assert assert_requests_valid(defn, out) == 2


def test_transform_failure() -> None:
    out = run(definition("pca-batch"), {"Check run input": [CHECKED], "Train": [TRAINED], "Create model": [OK], "Transform": [{"error": "SageMaker.TransformJobFailed", "cause": "ClientError: see the job's logs"}]})
    _failed(out, "TransformFailed", "Transform failed")


def test_execution_input_overrides_hyperparameters_channels_and_output() -> None:
    defn = definition("mnist-tf")
    given = {"hyperparameters": {"epochs": 3, "learning-rate": 0.5}, "inputs": {"train": "s3://sagestack-examples-data/mnist/train-2026-11-23"}, "output_path": "s3://sagestack-examples-output/mnist-tf/"}
    tasks = first_run_tasks()
    tasks.update({"Register scaling target": [OK], "Put scaling policy": [OK]})
    out = run(defn, tasks, input=given)
    assert out["status"] == "SUCCEEDED", out
    [request] = out["calls"]["Train"]
    assert request["HyperParameters"]["epochs"] == "3" and request["HyperParameters"]["learning-rate"] == "0.5"  # json.dumps, as the SDK
    channels = {c["ChannelName"]: c["DataSource"]["S3DataSource"]["S3Uri"] for c in request["InputDataConfig"]}
    assert channels["train"] == "s3://sagestack-examples-data/mnist/train-2026-11-23"
    assert channels["test"] == "s3://sagestack-examples-data/mnist/test"  # not overridden: the descriptor's
    assert request["OutputDataConfig"]["S3OutputPath"] == "s3://sagestack-examples-output/mnist-tf/"
    assert json.loads(request["HyperParameters"]["model_dir"]).startswith("s3://sagestack-examples-output/mnist-tf/")
    assert request_problems("CreateTrainingJob", request) == []
    # Without input, the request is exactly the SDK-faithful rendering.
    plain = run(defn, tasks)
    [request] = plain["calls"]["Train"]
    expected = json.dumps(create_training_job(CATALOG_BY_NAME["mnist-tf"], CTX)).replace("{{TrainingJobName}}", request["TrainingJobName"])
    for key, value in EXAMPLE_VALUES.items():
        expected = expected.replace("{{" + key + "}}", value)
    assert request == json.loads(expected)


def test_bad_execution_input_fails_with_every_problem() -> None:
    out = run(definition("mnist-tf"), first_run_tasks(), input={"hyperparameters": {"epoch": 3}, "inputs": {"train": "mnist/train"}, "outputpath": "s3://x/y"})
    _failed(out, "InvalidInput", "Input failed")
    assert out["calls"]["Train"] == []
    for fragment in ("hyperparameters.epoch: not a hyperparameter", "inputs.train: must be an S3 URI", "outputpath: unknown key", "did you mean output_path"):
        assert fragment in out["cause"], out["cause"]


def test_reruns_never_collide() -> None:
    defn = definition("kmeans")
    names = {run(defn, second_run_tasks())["output"]["run_name"] for _ in range(3)}
    assert len(names) == 3


def test_repack_runs_before_the_model_and_feeds_it() -> None:
    tasks = first_run_tasks()
    tasks["Repack model"] = [{"result": {"StatusCode": 200, "Payload": {"ModelDataUrl": "s3://sagestack-artifacts/repacked/mxnet-ps/r/model.tar.gz"}}}]
    out = run(definition("mxnet-ps"), tasks)
    assert out["status"] == "SUCCEEDED", out
    assert out["path"].index("Repack model") == out["path"].index("Train") + 1
    payload = out["calls"]["Repack model"][0]["Payload"]
    assert payload["ModelData"] == out["output"]["model_data"] and payload["TargetPrefix"] == f"repacked/mxnet-ps/{out['output']['run_name']}"
    assert out["calls"]["Create model"][0]["PrimaryContainer"]["ModelDataUrl"] == "s3://sagestack-artifacts/repacked/mxnet-ps/r/model.tar.gz"
    assert out["calls"]["Create model"][0]["PrimaryContainer"]["Environment"]["SAGEMAKER_SUBMIT_DIRECTORY"] == "/opt/ml/model/code"


def test_notifications_on_success_and_failure() -> None:
    defn = definition("kmeans", topic=True)
    tasks = first_run_tasks()
    tasks["Notify success"] = [OK]
    out = run(defn, tasks)
    assert out["status"] == "SUCCEEDED" and out["path"][-1] == "Notify success", out
    [message] = out["calls"]["Notify success"]
    assert message["TopicArn"] == TOPIC and json.loads(message["Message"])["endpoint_name"] == "kmeans-dev"
    tasks["Notify success"] = [{"error": "SNS.AuthorizationErrorException", "cause": "not allowed"}]
    lost = run(defn, tasks)
    assert (lost["status"], lost["path"][-1]) == ("SUCCEEDED", "Succeeded without notification")  # the endpoint is up all the same
    tasks["Train"] = [{"error": "SageMaker.TrainingJobFailed", "cause": "OOM"}]
    tasks["Notify failure"] = [{"error": "SNS.AuthorizationErrorException", "cause": "not allowed"}]  # cannot mask the run's own failure
    out = run(defn, tasks)
    assert (out["status"], out["error"], out["cause"]) == ("FAILED", "TrainingFailed", "OOM")
    assert out["calls"]["Notify failure"][0]["Message"] == "Training failed: TrainingFailed: OOM"
    assert assert_requests_valid(defn, out) >= 2


def test_training_only_pipeline_ends_after_training() -> None:
    out = run(definition("tf-pipe"), {"Check run input": [CHECKED], "Train": [TRAINED]})
    assert out["status"] == "SUCCEEDED", out
    assert out["path"] == ["Draw run id", "Name the run", "Check run input", "Input accepted?", "Train", "Summarize"]
    print(f"state transitions of a successful training-only run: {out['transitions']}")


def test_format_escapes_literal_text() -> None:
    """Placeholders inside text become States.Format; quotes and braces in the text survive.
    (A backslash is escaped too, as ASL requires, but aws-local-stepfunctions 3.0 rejects "\\\\" in
    templates; rendered requests never put one next to a run-time name.)"""
    value = "it's {literal} s3://b/{{TrainingJobName}}/model"
    defn = {
        "StartAt": "Set",
        "States": {
            "Set": {"Type": "Pass", "Parameters": {"run": {"training_job_name": "job-1"}}, "Next": "Format"},
            "Format": {"Type": "Pass", "Parameters": to_parameters({"v": value}, {"TrainingJobName": "$.run.training_job_name"}), "End": True},
        },
    }
    out = run(defn, {})
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


def test_a_model_without_training_or_batch_has_no_pipeline() -> None:
    with pytest.raises(ValueError, match="deployed by CloudFormation"):
        definition("mnist-serving")


def test_a_run_creates_an_asynchronous_endpoint_that_scales_from_zero() -> None:
    """After the endpoint is in service: target tracking on the backlog, then the step policy and
    the HasBacklogWithoutCapacity alarm whose action is that policy's ARN (AWS's documented shape)."""
    d = _async_mnist()
    defn = pipeline_definition(d, CTX, resources(d))
    policy_arn = "arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:0000:resource/sagemaker/endpoint/mnist-tf-dev/variant/AllTraffic:policyName/mnist-tf-dev-AllTraffic-scale-from-zero"
    tasks = first_run_tasks()
    tasks.update({"Register scaling target": [OK], "Put scaling policy": [OK], "Put scale-from-zero policy": [{"result": {"PolicyARN": policy_arn, "Alarms": []}}], "Put backlog alarm": [OK]})
    out = run(defn, tasks)
    assert out["status"] == "SUCCEEDED", out
    assert out["path"][-5:] == ["Register scaling target", "Put scaling policy", "Put scale-from-zero policy", "Put backlog alarm", "Summarize"]
    config = out["calls"]["Create endpoint config"][0]["AsyncInferenceConfig"]
    assert config["OutputConfig"]["S3OutputPath"].endswith("/async-endpoint-outputs/mnist-tf-dev")
    assert config["OutputConfig"]["NotificationConfig"] == {"ErrorTopic": "arn:aws:sns:us-east-1:123456789012:failed"}
    assert out["calls"]["Register scaling target"][0]["MinCapacity"] == 0
    tracking = out["calls"]["Put scaling policy"][0]["TargetTrackingScalingPolicyConfiguration"]
    assert tracking["CustomizedMetricSpecification"]["MetricName"] == "ApproximateBacklogSizePerInstance"
    step = out["calls"]["Put scale-from-zero policy"][0]
    assert step["PolicyType"] == "StepScaling" and step["StepScalingPolicyConfiguration"]["StepAdjustments"] == [{"MetricIntervalLowerBound": 0.0, "ScalingAdjustment": 1}]
    alarm = out["calls"]["Put backlog alarm"][0]
    assert alarm["MetricName"] == "HasBacklogWithoutCapacity" and alarm["AlarmActions"] == [policy_arn]
    assert alarm["Dimensions"] == [{"Name": "EndpointName", "Value": "mnist-tf-dev"}]
    assert assert_requests_valid(defn, out) >= 10


def test_a_later_run_updates_the_asynchronous_endpoint_and_puts_its_scaling_again() -> None:
    """The update path keeps working with scale-to-zero: deregistered before the update (which
    also removes its policies), registered again after, the step policy and alarm put again."""
    d = _async_mnist()
    defn = pipeline_definition(d, CTX, resources(d))
    tasks = second_run_tasks()
    policy_arn = "arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:1111:resource/sagemaker/endpoint/mnist-tf-dev/variant/AllTraffic:policyName/mnist-tf-dev-AllTraffic-scale-from-zero"
    tasks.update({
        "Deregister scaling target": [OK], "Register scaling target": [OK], "Put scaling policy": [OK],
        "Put scale-from-zero policy": [{"result": {"PolicyARN": policy_arn, "Alarms": []}}], "Put backlog alarm": [OK],
    })
    out = run(defn, tasks)
    assert out["status"] == "SUCCEEDED", out
    order = [s for s in out["path"] if s in ("Deregister scaling target", "Update endpoint", "Register scaling target", "Put scaling policy", "Put scale-from-zero policy", "Put backlog alarm")]
    assert order == ["Deregister scaling target", "Update endpoint", "Register scaling target", "Put scaling policy", "Put scale-from-zero policy", "Put backlog alarm"]
    assert out["calls"]["Put backlog alarm"][0]["AlarmActions"] == [policy_arn]
    assert assert_requests_valid(defn, out) >= 10


# Hyperparameter tuning (xgboost-tuned): the tuning job replaces Train, its best job feeds the model.
BEST = "{{call:Tune.HyperParameterTuningJobName}}-007-0123abcd"


def tuned_tasks(*, best: bool = True) -> dict[str, list[dict[str, Any]]]:
    tuned: dict[str, Any] = {
        "HyperParameterTuningJobName": "{{call:Tune.HyperParameterTuningJobName}}",
        "HyperParameterTuningJobArn": "arn:aws:sagemaker:us-east-1:123456789012:hyper-parameter-tuning-job/{{call:Tune.HyperParameterTuningJobName}}",
        "HyperParameterTuningJobStatus": "Completed",
        "TrainingJobStatusCounters": {"Completed": 20 if best else 0, "InProgress": 0, "RetryableError": 0, "NonRetryableError": 0 if best else 20, "Stopped": 0},
    }
    if best:
        tuned["BestTrainingJob"] = {
            "TrainingJobName": BEST, "TrainingJobStatus": "Completed", "TunedHyperParameters": {"eta": "0.05"}, "CreationTime": "2026-11-23T10:00:00Z",
            "FinalHyperParameterTuningJobObjectiveMetric": {"Type": "Maximize", "MetricName": "validation:auc", "Value": 0.91},
        }
    tasks = first_run_tasks()
    del tasks["Train"]
    tasks["Tune"] = [{"result": tuned}]
    tasks["Describe best job"] = [{"result": {"TrainingJobName": BEST, "TrainingJobStatus": "Completed", "ModelArtifacts": {"S3ModelArtifacts": f"s3://sagestack-artifacts/{BEST}/output/model.tar.gz"}}}]
    return tasks


def test_tuning_serves_the_best_training_job() -> None:
    defn = definition("xgboost-tuned")
    assert "Train" not in defn["States"]
    out = run(defn, tuned_tasks(), input={"hyperparameters": {"num_round": 100}})
    assert out["status"] == "SUCCEEDED", out
    [tune] = out["calls"]["Tune"]
    assert tune["TrainingJobDefinition"]["StaticHyperParameters"] == {"objective": "binary:logistic", "eval_metric": "auc", "num_round": "100"}  # the run input's override
    [describe] = out["calls"]["Describe best job"]
    assert describe == {"TrainingJobName": f"{tune['HyperParameterTuningJobName']}-007-0123abcd"}
    [model] = out["calls"]["Create model"]
    assert model["PrimaryContainer"]["ModelDataUrl"] == f"s3://sagestack-artifacts/{describe['TrainingJobName']}/output/model.tar.gz"
    assert out["output"]["training_job_name"] == describe["TrainingJobName"]
    assert assert_requests_valid(defn, out) == 8  # Tune, Describe best job, Create model, config, Find, Create endpoint, Check x2


def test_tuning_request_is_the_sdk_faithful_rendering_without_input() -> None:
    from sagestack.render.tuning import create_hyper_parameter_tuning_job

    out = run(definition("xgboost-tuned"), tuned_tasks())
    [request] = out["calls"]["Tune"]
    expected = json.dumps(create_hyper_parameter_tuning_job(CATALOG_BY_NAME["xgboost-tuned"], CTX)).replace("{{TrainingJobName}}", request["HyperParameterTuningJobName"])
    for key, value in EXAMPLE_VALUES.items():
        expected = expected.replace("{{" + key + "}}", value)
    assert request == json.loads(expected)


def test_a_run_input_changes_the_tuning_jobs_limits() -> None:
    out = run(definition("xgboost-tuned"), tuned_tasks(), input={"tuner": {"max_jobs": 40, "max_parallel_jobs": 4}})
    assert out["status"] == "SUCCEEDED", out
    [tune] = out["calls"]["Tune"]
    assert tune["HyperParameterTuningJobConfig"]["ResourceLimits"] == {"MaxNumberOfTrainingJobs": 40, "MaxParallelTrainingJobs": 4}


def test_a_tuner_input_beyond_the_limits_fails_the_run_before_tuning() -> None:
    limits = create_hyper_parameter_tuning_job_limits()
    out = run(definition("xgboost-tuned"), tuned_tasks(), input={"tuner": {"max_parallel_jobs": limits["MaxNumberOfTrainingJobs"] + 1, "max_job": 3}})
    _failed(out, "InvalidInput", "Input failed")
    assert "tuner.max_job: unknown key (allowed: max_jobs, max_parallel_jobs); did you mean max_jobs?" in out["cause"]
    assert out["calls"]["Tune"] == []


def create_hyper_parameter_tuning_job_limits() -> dict[str, Any]:
    from sagestack.render.tuning import create_hyper_parameter_tuning_job

    limits: dict[str, Any] = create_hyper_parameter_tuning_job(CATALOG_BY_NAME["xgboost-tuned"], CTX)["HyperParameterTuningJobConfig"]["ResourceLimits"]
    return limits


def test_tuning_failure() -> None:
    tasks = tuned_tasks()
    tasks["Tune"] = [{"error": "SageMaker.HyperParameterTuningJobFailed", "cause": "No training job succeeded after 5 attempts"}]
    out = run(definition("xgboost-tuned"), tasks)
    _failed(out, "TuningFailed", "Tuning failed")
    assert out["cause"] == "No training job succeeded after 5 attempts"
    assert out["calls"]["Describe best job"] == [] and out["calls"]["Create model"] == []


def test_tuning_without_a_completed_training_job_fails_saying_so() -> None:
    out = run(definition("xgboost-tuned"), tuned_tasks(best=False))
    _failed(out, "NoCompletedTrainingJob", "Best training job failed")
    assert "without a completed training job" in out["cause"]
    assert out["calls"]["Describe best job"] == [] and out["calls"]["Create model"] == []


def _lookup_patterns() -> set[str]:
    """Every 'not found' wording a pipeline's lookups match SageMaker's error message against."""
    patterns: set[str] = set()
    for name in PIPELINES:
        for state in definition(name)["States"].values():
            for choice in state.get("Choices", ()):
                if choice.get("Variable") == "$.lookup.Cause" and "StringMatches" in choice:
                    patterns.add(choice["StringMatches"])
    return patterns


def test_lookups_match_the_not_found_wording_others_rely_on(aws: None) -> None:
    """A lookup treats 'not found' as 'create it' and any other error as a failure, so its
    wording must be SageMaker's: checked against moto's answers for endpoints and endpoint
    configs, and against the SageMaker SDK's own test for a missing inference component (moto
    has no inference components)."""
    import fnmatch
    import inspect

    import boto3
    from botocore.exceptions import ClientError
    from sagemaker.serve.builder.model_builder import ModelBuilder

    sagemaker = boto3.client("sagemaker", region_name="us-east-1")
    messages = {}
    for key, call in (("endpoint", lambda: sagemaker.describe_endpoint(EndpointName="missing")),
                      ("endpoint configuration", lambda: sagemaker.describe_endpoint_config(EndpointConfigName="missing"))):
        with pytest.raises(ClientError) as raised:
            call()
        assert raised.value.response["Error"]["Code"] == "ValidationException"
        messages[key] = raised.value.response["Error"]["Message"]
    sdk_wording = re.search(r'"(Could not find inference component)" not in msg', inspect.getsource(ModelBuilder._does_ic_exist))
    assert sdk_wording is not None
    messages["inference component"] = sdk_wording.group(1)
    patterns = _lookup_patterns()
    assert patterns == {"*Could not find endpoint*", "*Could not find endpoint configuration*", "*Could not find inference component*"}
    for pattern in patterns:
        subject = pattern.strip("*").removeprefix("Could not find ")
        assert fnmatch.fnmatchcase(messages[subject], pattern), (pattern, messages[subject])
    # The endpoint pattern is not fooled by other resources' wording.
    assert not fnmatch.fnmatchcase(messages["inference component"], "*Could not find endpoint*")
