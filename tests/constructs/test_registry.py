"""A descriptor's register: as resources: the model package group (retained in an environment,
deleted with a preview after teardown removed its versions) and the approval rule, which starts
this state machine with the package's ARN on Approved packages of this group only, as a role that
may only start it."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import assertions

from sagestack.descriptor import load_catalog
from sagestack.pipeline.construct import TrainingPipeline

from ..conftest import CATALOG

[REGISTERED] = [d for d in load_catalog([CATALOG]).descriptors if d.name == "xgboost-tuned"]


def _template(descriptor: Any, retained: bool, environment: str = "prod") -> dict[str, Any]:
    app = cdk.App()
    stack = cdk.Stack(app, "t", env=cdk.Environment(region="us-east-1"))
    TrainingPipeline(stack, "Training", descriptor=descriptor, environment=environment, registry_retained=retained)
    return assertions.Template.from_stack(stack).to_json()["Resources"]


@pytest.fixture(scope="module")
def templates() -> dict[str, dict[str, Any]]:
    approved = REGISTERED.model_copy(update={"register": REGISTERED.register.model_copy(update={"approval_status": "Approved"})})  # type: ignore[union-attr]
    return {"env": _template(REGISTERED, True), "preview": _template(REGISTERED, False, "pr-12"), "approved": _template(approved, True)}


def _of(resources: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [r for r in resources.values() if r["Type"] == kind]


def _machine(resources: dict[str, Any]) -> str:
    [machine] = [k for k, r in resources.items() if r["Type"] == "AWS::StepFunctions::StateMachine"]
    return machine


def test_the_group_is_named_after_the_model_and_environment_and_retained(templates: dict[str, dict[str, Any]]) -> None:
    [group] = _of(templates["env"], "AWS::SageMaker::ModelPackageGroup")
    assert group["Properties"]["ModelPackageGroupName"] == "xgboost-tuned-prod"
    assert (group["DeletionPolicy"], group["UpdateReplacePolicy"]) == ("Retain", "Retain")
    [teardown] = _of(templates["env"], "Custom::SageMakerPipelineTeardown")
    assert "ModelPackageGroup" not in teardown["Properties"]  # an environment's versions outlive its stack


def test_a_previews_group_goes_after_teardown_deleted_its_versions(templates: dict[str, dict[str, Any]]) -> None:
    resources = templates["preview"]
    [(group_id, group)] = [(k, r) for k, r in resources.items() if r["Type"] == "AWS::SageMaker::ModelPackageGroup"]
    assert group["Properties"]["ModelPackageGroupName"] == "xgboost-tuned-pr-12"
    assert group["DeletionPolicy"] == "Delete"
    [teardown] = _of(resources, "Custom::SageMakerPipelineTeardown")
    assert teardown["Properties"]["ModelPackageGroup"] == "xgboost-tuned-pr-12"
    assert group_id in teardown["DependsOn"]  # deleted before the group
    [role] = [r for r in _of(resources, "AWS::IAM::Role") if "DeleteModelPackage" in json.dumps(r)]
    text = json.dumps(role)
    assert "model-package/xgboost-tuned-pr-12/*" in text and "sagemaker:ListModelPackages" in text
    assert "DeleteModelPackage" not in json.dumps(templates["env"])


def test_approved_packages_of_the_group_start_the_state_machine_with_their_arn(templates: dict[str, dict[str, Any]]) -> None:
    resources = templates["env"]
    [rule] = _of(resources, "AWS::Events::Rule")
    assert rule["Properties"]["EventPattern"] == {
        "source": ["aws.sagemaker"], "detail-type": ["SageMaker Model Package State Change"],
        "detail": {"ModelPackageGroupName": ["xgboost-tuned-prod"], "ModelApprovalStatus": ["Approved"]},
    }
    [target] = rule["Properties"]["Targets"]
    assert target["Arn"] == {"Ref": _machine(resources)}
    assert target["InputTransformer"]["InputPathsMap"] == {"detail-ModelPackageArn": "$.detail.ModelPackageArn"}
    assert json.loads(target["InputTransformer"]["InputTemplate"].replace("<detail-ModelPackageArn>", '"x"')) == {"model_package_arn": "x"}


def test_the_approval_role_may_only_start_this_state_machine(templates: dict[str, dict[str, Any]]) -> None:
    resources = templates["env"]
    [role_id] = [k for k, r in resources.items() if r["Type"] == "AWS::IAM::Role" and r["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "events.amazonaws.com"}]
    statements = [s for r in resources.values() if r["Type"] == "AWS::IAM::Policy" and {"Ref": role_id} in r["Properties"]["Roles"] for s in r["Properties"]["PolicyDocument"]["Statement"]]
    statements += [s for p in resources[role_id]["Properties"].get("Policies", []) for s in p["PolicyDocument"]["Statement"]]
    assert {json.dumps(s, sort_keys=True) for s in statements} == {json.dumps({"Action": "states:StartExecution", "Effect": "Allow", "Resource": {"Ref": _machine(resources)}}, sort_keys=True)}


def test_registering_as_approved_needs_no_rule(templates: dict[str, dict[str, Any]]) -> None:
    assert _of(templates["approved"], "AWS::Events::Rule") == []
    assert len(_of(templates["approved"], "AWS::SageMaker::ModelPackageGroup")) == 1
