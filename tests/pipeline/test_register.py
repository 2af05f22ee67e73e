"""The model registry (register:), executed locally: a run registers the tuned model as
CreateModelPackage and, pending approval, ends saying so; a run started by the approval rule with
the package's ARN deploys that package's container without training; a package registered as
Approved deploys in the same run; a failed registration fails the run by name; a package that is
not approved, or not this group's, deploys nothing."""

from __future__ import annotations

import copy
import json
from typing import Any

import yaml

from sagestack.descriptor import ModelDescriptor, validate_data
from sagestack.pipeline.steps import GrantContext, grants
from sagestack.render.check import EXAMPLE_VALUES
from sagestack.render.register import create_model_package

from ..conftest import CATALOG
from .golden import TOPIC, example_resources
from .harness import run
from .test_pipeline_definition import CTX, OK, _failed, assert_requests_valid, definition, endpoint, tuned_tasks

GROUP = "xgboost-tuned-dev"
PACKAGE_ARN = f"arn:aws:sagemaker:us-east-1:123456789012:model-package/{GROUP}/3"
DEPLOYING = ("Create model", "Create endpoint config", "Find endpoint", "Create endpoint", "Update endpoint")


def registered(**register: Any) -> ModelDescriptor:
    """The xgboost-tuned example, its register section updated with ``register``."""
    path = CATALOG / "xgboost-tuned.yaml"
    data = copy.deepcopy(yaml.safe_load(path.read_text()))
    data["register"].update(register)
    result = validate_data(data, file="xgboost-tuned.yaml", source=path)
    assert result.descriptor is not None, [i.format() for i in result.issues]
    return result.descriptor


def objective(value: float = 0.91) -> dict[str, list[dict[str, Any]]]:
    tasks = tuned_tasks()
    tasks["Register model"] = [{"result": {"ModelPackageArn": PACKAGE_ARN}}]
    assert tasks["Tune"][0]["result"]["BestTrainingJob"]["FinalHyperParameterTuningJobObjectiveMetric"]["Value"] == value
    return tasks


def package(status: str = "Approved", *, group: str = GROUP, environment: dict[str, str] | None = None, metadata: bool = True) -> dict[str, Any]:
    """DescribeModelPackage's answer for a package this pipeline registered."""
    container: dict[str, Any] = {"Image": "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1", "ModelDataUrl": "s3://sagestack-artifacts/xgboost-tuned-aaaabbbbcccc-007-0123abcd/output/model.tar.gz"}
    if environment is not None:
        container["Environment"] = environment
    answer: dict[str, Any] = {
        "ModelPackageName": group, "ModelPackageGroupName": group, "ModelPackageVersion": 3, "ModelPackageArn": PACKAGE_ARN.replace(GROUP, group),
        "CreationTime": "2026-12-03T09:00:00Z", "ModelPackageStatus": "Completed", "ModelApprovalStatus": status, "CertifyForMarketplace": False,
        "InferenceSpecification": {"Containers": [container], "SupportedContentTypes": ["text/csv"], "SupportedResponseMIMETypes": ["text/csv"]},
    }
    if metadata:
        answer["CustomerMetadataProperties"] = {"sagestack_run": "xgboost-tuned-aaaabbbbcccc", "sagestack_training_job": "xgboost-tuned-aaaabbbbcccc-007-0123abcd"}
    return {"result": answer}


def approval_tasks(answer: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {
        "Describe package": [answer], "Create model": [OK], "Create endpoint config": [OK], "Find endpoint": [endpoint("InService", config="xgboost-tuned-0123456789ab")],
        "Update endpoint": [OK], "Check endpoint": [endpoint("Updating"), endpoint("InService")],
    }


def _nothing_deployed(out: dict[str, Any]) -> None:
    for state in DEPLOYING:
        assert out["calls"].get(state, []) == [], state


def test_a_pending_registration_ends_the_run_awaiting_approval() -> None:
    defn = definition(registered())
    out = run(defn, objective())
    assert out["status"] == "SUCCEEDED", out
    assert out["path"][-4:] == ["Register model", "Package container", "Awaiting approval", "Run awaits approval"]
    _nothing_deployed(out)
    [request] = out["calls"]["Register model"]
    best = out["calls"]["Describe best job"][0]["TrainingJobName"]
    # what tuner.best_estimator().register(...) sends, with the run's model data and metadata
    expected = json.loads(json.dumps(create_model_package(registered(), CTX)).replace("{{ModelPackageGroupName}}", GROUP).replace("{{ModelDataUrl}}", f"s3://sagestack-artifacts/{best}/output/model.tar.gz"))
    run_name = out["output"]["run_name"]
    assert request == {
        **expected, "ClientToken": out["calls"]["Register model"][0]["ClientToken"],
        "CustomerMetadataProperties": {"sagestack_run": run_name, "sagestack_training_job": best, "sagestack_metric_validation:auc": "0.91"},
    }
    assert len(request["ClientToken"]) == 36  # the run's id: a retried call reuses it
    assert out["output"]["status"] == "awaiting approval" and out["output"]["model_package_arn"] == PACKAGE_ARN
    assert out["output"]["approve"] == f"aws sagemaker update-model-package --model-package-arn {PACKAGE_ARN} --model-approval-status Approved"
    assert assert_requests_valid(defn, out) == 3  # Tune, Describe best job, Register model (CreateModelPackage)
    assert "Check run input" in out["path"] and "Approved package?" in out["path"]


def test_a_pending_registration_notifies_the_approver() -> None:
    tasks = objective()
    tasks["Notify awaiting approval"] = [{"result": {"MessageId": "1"}}]
    out = run(definition(registered(), topic=True), tasks)
    assert out["status"] == "SUCCEEDED", out
    [message] = out["calls"]["Notify awaiting approval"]
    assert message["TopicArn"] == TOPIC and message["Subject"] == "sagestack: xgboost-tuned model awaits approval"
    assert PACKAGE_ARN in message["Message"]
    assert out["calls"].get("Notify success", []) == []


def test_an_approved_package_is_deployed_without_training() -> None:
    defn = definition(registered())
    out = run(defn, approval_tasks(package(environment={"SAGEMAKER_PROGRAM": "x"})), input={"model_package_arn": PACKAGE_ARN})
    assert out["status"] == "SUCCEEDED", out
    for state in ("Check run input", "Tune", "Describe best job", "Gate: validation:auc", "Register model"):
        assert state not in out["path"], state
    assert out["calls"]["Describe package"] == [{"ModelPackageName": PACKAGE_ARN}]
    [model] = out["calls"]["Create model"]
    container = package()["result"]["InferenceSpecification"]["Containers"][0]
    assert model["PrimaryContainer"] == {**container, "Environment": {"SAGEMAKER_PROGRAM": "x"}}
    assert out["calls"]["Update endpoint"][0]["EndpointConfigName"] == model["ModelName"]
    assert out["output"]["model_package_arn"] == PACKAGE_ARN
    assert out["output"]["training_job_name"] == "xgboost-tuned-aaaabbbbcccc-007-0123abcd"
    assert assert_requests_valid(defn, out) == 7  # Describe package, Create model, config, Find, Update, Check x2


def test_an_approved_package_without_environment_gets_an_empty_one() -> None:
    out = run(definition(registered()), approval_tasks(package()), input={"model_package_arn": PACKAGE_ARN})
    assert out["status"] == "SUCCEEDED", out
    assert out["calls"]["Create model"][0]["PrimaryContainer"]["Environment"] == {}


def test_a_package_not_approved_deploys_nothing() -> None:
    for status in ("Rejected", "PendingManualApproval"):
        out = run(definition(registered()), approval_tasks(package(status)), input={"model_package_arn": PACKAGE_ARN})
        _failed(out, "PackageNotApproved", "Approved package failed")
        assert out["cause"] == f"model package {PACKAGE_ARN} is {status}: only an Approved package is deployed"
        _nothing_deployed(out)


def test_a_package_of_another_group_or_pipeline_deploys_nothing() -> None:
    out = run(definition(registered()), approval_tasks(package(group="other")), input={"model_package_arn": PACKAGE_ARN})
    _failed(out, "PackageOfAnotherGroup", "Package group failed")
    _nothing_deployed(out)
    out = run(definition(registered()), approval_tasks(package(metadata=False)), input={"model_package_arn": PACKAGE_ARN})
    _failed(out, "PackageNotDeployable", "Package contents failed")
    _nothing_deployed(out)


def test_approved_at_registration_deploys_in_the_same_run() -> None:
    d = registered(approval_status="Approved")
    defn = definition(d)
    assert "Awaiting approval" not in defn["States"]
    tasks = objective()
    tasks["Find endpoint"] = [endpoint("InService", config="xgboost-tuned-0123456789ab")]
    tasks["Update endpoint"] = [OK]
    out = run(defn, tasks)
    assert out["status"] == "SUCCEEDED", out
    register = out["path"].index("Register model")
    assert out["path"][register - 1: register + 3] == ["Gate: validation:auc", "Register model", "Package container", "Create model"]
    [request] = out["calls"]["Register model"]
    assert request["ModelApprovalStatus"] == "Approved"
    [model] = out["calls"]["Create model"]
    assert model["PrimaryContainer"] == request["InferenceSpecification"]["Containers"][0]
    assert out["output"]["model_package_arn"] == PACKAGE_ARN


def test_a_failed_registration_fails_the_run_by_name() -> None:
    tasks = objective()
    tasks["Register model"] = [{"error": "SageMaker.ResourceNotFoundException", "cause": f"Model Package Group {GROUP} does not exist."}]
    out = run(definition(registered()), tasks)
    _failed(out, "RegistrationFailed", "Register failed")
    assert "does not exist" in out["cause"]
    _nothing_deployed(out)


def test_a_gate_that_fails_registers_nothing() -> None:
    tasks = objective()
    tasks["Tune"][0]["result"]["BestTrainingJob"]["FinalHyperParameterTuningJobObjectiveMetric"]["Value"] = 0.61
    out = run(definition(registered()), tasks)
    _failed(out, "QualityGateFailed", "Quality gate validation:auc failed")
    assert out["calls"]["Register model"] == []


def test_grants_are_the_group_only() -> None:
    d = registered()
    g = GrantContext(partition="aws", region="us-east-1", account="123456789012", runs="xgboost-tuned-????????????", endpoint_name="xgboost-tuned-dev",
                     check_input_function="f", repack_function="r", training_role_arn="arn:aws:iam::123456789012:role/t", model_role_arn="arn:aws:iam::123456789012:role/m",
                     model_package_group=GROUP)
    by_action = {a: s.resources for s in grants(d, example_resources(d, False), g) for a in s.actions}
    assert by_action["sagemaker:CreateModelPackage"] == (f"arn:aws:sagemaker:us-east-1:123456789012:model-package/{GROUP}/*", f"arn:aws:sagemaker:us-east-1:123456789012:model-package-group/{GROUP}")
    assert by_action["sagemaker:DescribeModelPackage"] == (f"arn:aws:sagemaker:us-east-1:123456789012:model-package/{GROUP}/*",)
    assert "iam:PassRole" not in {a for a in by_action if by_action[a] == (f"arn:aws:sagemaker:us-east-1:123456789012:model-package/{GROUP}/*",)}


def test_metadata_holds_each_gate_value_a_key_can_name() -> None:
    from sagestack.pipeline.steps.register import _metadata

    d = registered(customer_metadata_properties={"team": "growth"})
    d = d.model_copy(update={"deploy": d.deploy.model_copy(update={"condition": (*d.deploy.condition, d.deploy.condition[0].model_copy(update={"metric": "validation:auc (mean)"}))})})  # type: ignore[union-attr]
    assert _metadata(d) == {
        "team": "growth", "sagestack_run.$": "$.run.name", "sagestack_training_job.$": "$.training.TrainingJobName",
        "sagestack_metric_validation:auc.$": "States.Format('{}', $.tuning.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value)",
    }  # "(mean)" is no character a metadata key takes: that value is not recorded


# better_than_live with a model deployed on approval: the approval run's endpoint config is named
# after the approval run, so it copies the registering run's recorded gate values to its folder.
REGISTERING_RUN = "xgboost-tuned-aaaabbbbcccc"  # the package's sagestack_run
ARTIFACTS = EXAMPLE_VALUES["ArtifactBucket"]
NO_RECORD = {"error": "S3.NoSuchKeyException", "cause": "The specified key does not exist."}


def live_gated() -> ModelDescriptor:
    """xgboost-tuned, pending approval, its AUC check also better than the live model's."""
    d = registered()
    assert d.deploy is not None and d.deploy.condition is not None
    check = d.deploy.condition[0].model_copy(update={"better_than_live": True})
    return d.model_copy(update={"deploy": d.deploy.model_copy(update={"condition": (check,)})})


def live_approval_tasks(copied: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {**approval_tasks(package()), "Copy live gate values": [copied]}


def test_an_approval_run_copies_the_registering_runs_gate_values_before_deploying() -> None:
    defn = definition(live_gated())
    out = run(defn, live_approval_tasks({"result": {"CopyObjectResult": {"ETag": '"0123"'}}}), input={"model_package_arn": PACKAGE_ARN})
    assert out["status"] == "SUCCEEDED", out
    run_name = out["output"]["run_name"]
    [copy_request] = out["calls"]["Copy live gate values"]
    assert copy_request == {"Bucket": ARTIFACTS, "CopySource": f"{ARTIFACTS}/{REGISTERING_RUN}/quality-gate.json", "Key": f"{run_name}/quality-gate.json"}
    assert out["path"].index("Describe package") < out["path"].index("Copy live gate values") < out["path"].index("Create model")
    # the next gate reads the record of the run the endpoint's config names: this one
    assert out["calls"]["Update endpoint"][0]["EndpointConfigName"] == run_name
    assert assert_requests_valid(defn, out) == 8  # CopyObject among them


def test_a_registering_run_that_recorded_nothing_leaves_nothing_to_beat() -> None:
    out = run(definition(live_gated()), live_approval_tasks(NO_RECORD), input={"model_package_arn": PACKAGE_ARN})
    assert out["status"] == "SUCCEEDED", out
    assert len(out["calls"]["Update endpoint"]) == 1


def test_a_package_without_its_run_copies_nothing_and_deploys() -> None:
    answer = package()
    del answer["result"]["CustomerMetadataProperties"]["sagestack_run"]
    out = run(definition(live_gated()), {**approval_tasks(answer), "Copy live gate values": []}, input={"model_package_arn": PACKAGE_ARN})
    assert out["status"] == "SUCCEEDED", out
    assert out["calls"].get("Copy live gate values", []) == [] and len(out["calls"]["Update endpoint"]) == 1


def test_a_copy_that_fails_otherwise_deploys_nothing() -> None:
    denied = {"error": "S3.S3Exception", "cause": "Access Denied (Service: S3, Status Code: 403)"}
    out = run(definition(live_gated()), live_approval_tasks(denied), input={"model_package_arn": PACKAGE_ARN})
    _failed(out, "GateRecordFailed", "Copy live gate values failed")
    assert "Access Denied" in out["cause"]
    _nothing_deployed(out)


def test_without_better_than_live_an_approval_run_copies_nothing() -> None:
    assert "Copy live gate values" not in definition(registered())["States"]


def test_the_next_run_beats_the_values_the_approval_run_copied() -> None:
    """Registering run records → approval run copies → the next run's gate compares with them."""
    defn = definition(live_gated())
    tasks = objective(0.91)
    tasks["Find live model"] = [{"error": "SageMaker.ValidationException", "cause": "Could not find endpoint \"xgboost-tuned-dev\"."}]
    tasks["Record gate values"] = [OK]
    registering = run(defn, tasks)
    assert registering["status"] == "SUCCEEDED", registering
    [put] = registering["calls"]["Record gate values"]
    answer = package()
    answer["result"]["CustomerMetadataProperties"]["sagestack_run"] = registering["output"]["run_name"]
    approval = run(defn, {**approval_tasks(answer), "Copy live gate values": [OK]}, input={"model_package_arn": PACKAGE_ARN})
    assert approval["status"] == "SUCCEEDED", approval
    [copy_request] = approval["calls"]["Copy live gate values"]
    assert copy_request["CopySource"] == f"{put['Bucket']}/{put['Key']}" and copy_request["Bucket"] == put["Bucket"]
    # S3 copies the object: the approval run's key now holds the registering run's body
    tasks = objective(0.91)
    tasks["Find live model"] = [endpoint("InService", config=approval["calls"]["Update endpoint"][0]["EndpointConfigName"])]
    tasks["Get live gate values"] = [{"result": {"Body": put["Body"]}}]
    tasks["Tune"][0]["result"]["BestTrainingJob"]["FinalHyperParameterTuningJobObjectiveMetric"]["Value"] = 0.9
    following = run(defn, tasks)
    _failed(following, "QualityGateFailed", "Quality gate validation:auc against live failed")
    assert following["calls"]["Get live gate values"][0] == {"Bucket": copy_request["Bucket"], "Key": copy_request["Key"]}
    assert following["cause"] == f"validation:auc = 0.9 is not > 0.91, the value of the live run {approval['output']['run_name']}"
    assert following["calls"]["Register model"] == []


def test_the_copy_is_granted_exactly_the_records() -> None:
    d = live_gated()
    g = GrantContext(partition="aws", region="us-east-1", account="123456789012", runs="xgboost-tuned-????????????", endpoint_name="xgboost-tuned-dev",
                     check_input_function="f", repack_function="r", training_role_arn="arn:aws:iam::123456789012:role/t", model_role_arn="arn:aws:iam::123456789012:role/m",
                     artifact_bucket=ARTIFACTS, run_folders="xgboost-tuned-????????????", model_package_group=GROUP)
    from sagestack.pipeline.steps.approved_package import ApprovedPackage

    records = (f"arn:aws:s3:::{ARTIFACTS}/xgboost-tuned-????????????/quality-gate.json",)
    by_action = {a: s.resources for s in ApprovedPackage().grants(d, g) for a in s.actions}
    assert by_action == {
        "sagemaker:DescribeModelPackage": (f"arn:aws:sagemaker:us-east-1:123456789012:model-package/{GROUP}/*",),
        "s3:GetObject": records, "s3:PutObject": records, "s3:ListBucket": (f"arn:aws:s3:::{ARTIFACTS}",),
    }
    assert {a for s in ApprovedPackage().grants(registered(), g) for a in s.actions} == {"sagemaker:DescribeModelPackage"}
