"""The pipeline construct on one session-scoped synth of every pipeline example (with cdk-nag):
definition, IAM scoping, logging/tracing, teardown, outputs, cfn-lint — and the synthesized
definition, with its tokens resolved, executes locally."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import assertions
from cdk_nag import AwsSolutionsChecks
from constructs import Construct

from sagestack.descriptor import load_catalog
from sagestack.pipeline.construct import TrainingPipeline

from ..conftest import CATALOG, REPO_ROOT
from ..pipeline.golden import multi_model
from ..pipeline.harness import resolve, run, synthesized_definition

TRAINING = {d.name: d for d in load_catalog([CATALOG]).descriptors if d.estimator is not None or d.transformer is not None}
RUN_INPUT = str(REPO_ROOT / "constructs/sagestack/pipeline/run_input/index.py")


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    outdir = tmp_path_factory.mktemp("training.out")
    app = cdk.App(outdir=str(outdir))
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))
    stacks = {}
    for name, d in TRAINING.items():
        stack = cdk.Stack(app, f"training-{name}", env=cdk.Environment(region="us-east-1"))
        TrainingPipeline(stack, "Training", descriptor=d, multi_model=multi_model(d))
        stacks[name] = stack
    app.synth()
    return {"outdir": outdir, "templates": {n: assertions.Template.from_stack(s).to_json() for n, s in stacks.items()}}


def _of_type(template: dict[str, Any], resource_type: str) -> dict[str, Any]:
    [(logical_id, resource)] = [(k, v) for k, v in template["Resources"].items() if v["Type"] == resource_type]
    return {"id": logical_id, **resource}


def test_every_training_example_has_a_pipeline(synth: dict[str, Any]) -> None:
    for name, template in synth["templates"].items():
        machine = _of_type(template, "AWS::StepFunctions::StateMachine")["Properties"]
        assert machine["LoggingConfiguration"]["Level"] == "ALL" and machine["TracingConfiguration"] == {"Enabled": True}, name


def test_state_machine_iam_is_scoped_to_the_job_prefix(synth: dict[str, Any]) -> None:
    template = synth["templates"]["mnist-tf"]
    [role] = [v for k, v in template["Resources"].items() if v["Type"] == "AWS::IAM::Role" and "StateMachineRole" in k]
    [inline] = role["Properties"]["Policies"]  # the grants are inline: they exist as soon as the role does
    statements = inline["PolicyDocument"]["Statement"]
    create = next(s for s in statements if "sagemaker:CreateTrainingJob" in s["Action"])
    assert resolve(create["Resource"]).endswith(":training-job/mnist-tf-????????????")  # <prefix>-<12 hex run id>
    endpoint = next(s for s in statements if "sagemaker:UpdateEndpoint" in s["Action"])
    assert sorted(resolve(r) for r in endpoint["Resource"]) == [
        "arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/mnist-tf-????????????",
        "arn:aws:sagemaker:us-east-1:123456789012:endpoint/mnist-tf-dev",
    ]
    scaling = next(s for s in statements if "application-autoscaling:RegisterScalableTarget" in s["Action"])
    assert scaling["Resource"] == "*" and scaling["Condition"]["StringEquals"]["application-autoscaling:service-namespace"] == "sagemaker"
    assert not any(s["Action"] == "*" or "sagemaker:*" in s["Action"] for s in statements)
    passrole = next(s for s in statements if s["Action"] == "iam:PassRole")
    assert passrole["Condition"] == {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}
    assert "*" not in json.dumps(passrole["Resource"])


def test_execution_role_reads_exactly_its_channels(synth: dict[str, Any]) -> None:
    template = synth["templates"]["mnist-tf"]
    policy = next(v for k, v in template["Resources"].items() if v["Type"] == "AWS::IAM::Role" and "ExecutionRole" in k)
    text = json.dumps(policy)
    assert "sagestack-examples-data/mnist/train*" in text and "sagestack-examples-data/mnist/test*" in text
    assert "repository/tensorflow-training" in text
    assert '"s3:*"' not in text and "kms:" not in text  # no keys in mnist-tf, no KMS grant



def test_a_given_role_replaces_the_generated_one(synth: dict[str, Any], tmp_path: Path) -> None:
    byo = synth["templates"]["byo-estimator"]
    assert not [k for k in byo["Resources"] if k.startswith("TrainingExecutionRole")]
    passrole = json.dumps(byo)
    assert "arn:aws:iam::123456789012:role/SageMakerTrainingRole" in passrole
    # Without the role, the generated one gets exactly the descriptor's KMS keys and VPC access.
    from sagestack.descriptor import validate_data

    d = TRAINING["byo-estimator"]
    raw = d.model_dump(mode="json", exclude_unset=True)
    raw["estimator"].pop("role")
    generated = validate_data(raw, file="byo.yaml", source=d.source).descriptor
    assert generated is not None
    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.Stack(app, "generated", env=cdk.Environment(region="us-east-1"))
    TrainingPipeline(stack, "Training", descriptor=generated)
    text = json.dumps(assertions.Template.from_stack(stack).to_json())
    assert "kms:Decrypt" in text and "key/1234abcd-12ab-34cd-56ef-1234567890ab" in text
    assert "ec2:CreateNetworkInterface" in text


def test_synthesized_definition_executes(synth: dict[str, Any]) -> None:
    """The template's DefinitionString, tokens resolved, runs locally: the SDK-faithful request
    reaches the training task with the run's name and the stack's bucket, role and code asset."""
    template = synth["templates"]["mnist-tf"]
    machine = _of_type(template, "AWS::StepFunctions::StateMachine")["Properties"]
    assert isinstance(machine["DefinitionString"], str)  # one readable string; deploy-time values are substitutions
    definition = synthesized_definition(machine)
    assert definition["States"]["Create model"]["ResultPath"] is None
    ok: dict[str, Any] = {"result": {}}
    tasks = {
        "Check run input": [{"python": RUN_INPUT}],
        "Train": [{"result": {"TrainingJobName": "x", "TrainingJobStatus": "Completed", "ModelArtifacts": {"S3ModelArtifacts": "s3://b/model.tar.gz"}}}],
        "Create model": [ok], "Create endpoint config": [ok], "Find endpoint": [{"error": "SageMaker.SageMakerException", "cause": "Could not find endpoint"}],
        "Create endpoint": [ok], "Check endpoint": [{"result": {"EndpointStatus": "InService", "EndpointConfigName": "{{call:Create endpoint config.EndpointConfigName}}"}}],
        "Register scaling target": [ok], "Put scaling policy": [ok],
    }
    out = run(definition, tasks)
    assert out["status"] == "SUCCEEDED", out
    assert out["calls"]["Create model"][0]["ExecutionRoleArn"].startswith("arn:aws:iam::123456789012:role/TrainingModelRole")
    # The run input is checked against what the generated role can read.
    rejected = run(definition, tasks, input={"inputs": {"train": "s3://somewhere-else/train"}})
    assert rejected["error"] == "InvalidInput" and "the generated execution role reads only" in rejected["cause"], rejected
    [request] = out["calls"]["Train"]
    assert request["RoleArn"].startswith("arn:aws:iam::123456789012:role/TrainingExecutionRole")
    assert json.loads(request["HyperParameters"]["sagemaker_submit_directory"]).startswith("s3://")
    assert request["OutputDataConfig"]["S3OutputPath"].startswith("s3://ref-trainingartifactsbucket")
    assert json.loads(request["HyperParameters"]["sagemaker_job_name"]) == request["TrainingJobName"]
    # A run-time name inside text (States.Format) with a deploy-time token next to it: both resolved.
    assert json.loads(request["HyperParameters"]["model_dir"]) == f"s3://ref-trainingartifactsbucket6c650e0f/{request['TrainingJobName']}/model"
    assert "Token[" not in json.dumps(template)


def test_run_created_resources_are_torn_down_with_the_stack(synth: dict[str, Any]) -> None:
    template = synth["templates"]["mnist-tf"]
    teardown = _of_type(template, "Custom::SageMakerPipelineTeardown")
    props = teardown["Properties"]
    assert (props["NamePrefix"], props["EndpointName"], props["Variants"]) == ("mnist-tf", "mnist-tf-dev", ["AllTraffic"])
    machine = _of_type(template, "AWS::StepFunctions::StateMachine")
    assert props["StateMachineArn"] == {"Ref": machine["id"]}  # deleted before the state machine
    roles = [k for k, v in template["Resources"].items() if v["Type"] == "AWS::IAM::Role" and ("ExecutionRole" in k or "ModelRole" in k)]
    assert roles and set(roles) <= set(teardown["DependsOn"])  # and before the roles the endpoint runs as
    assert template["Outputs"][next(k for k in template["Outputs"] if k.startswith("TrainingEndpointName"))]["Value"] == "mnist-tf-dev"
    # A batch pipeline's runs create models: torn down by the same names, with no endpoint.
    batch = _of_type(synth["templates"]["pca-batch"], "Custom::SageMakerPipelineTeardown")["Properties"]
    assert batch["NamePrefix"] == "pca-batch" and "EndpointName" not in batch and batch["Variants"] == []
    # A training-only pipeline creates nothing that outlives a run (a training job is a record): no teardown.
    assert not [r for r in synth["templates"]["tf-pipe"]["Resources"].values() if r["Type"] == "Custom::SageMakerPipelineTeardown"]


def test_a_runs_inference_component_is_torn_down_before_its_endpoint(synth: dict[str, Any]) -> None:
    """xgboost-components: teardown deletes the component (its copies deregistered, its no-capacity
    alarm deleted), then the endpoint; its role may do exactly that on the component's name; the
    model role writes the component's logs."""
    template = synth["templates"]["xgboost-components"]
    teardown = _of_type(template, "Custom::SageMakerPipelineTeardown")["Properties"]
    component = "xgboost-components-dev"
    assert (teardown["EndpointName"], teardown["Variants"], teardown["InferenceComponents"], teardown["ScaledInferenceComponents"]) == ("xgboost-components-dev", [], [component], [component])
    assert teardown["Alarms"] == [f"{component}-no-capacity"]
    [function_role] = [v for k, v in template["Resources"].items() if v["Type"] == "AWS::IAM::Role" and k.startswith("TrainingTeardownRole")]
    statements = [s for policy in function_role["Properties"]["Policies"] for s in policy["PolicyDocument"]["Statement"]]
    deletes = [s for s in statements if "sagemaker:DeleteInferenceComponent" in s["Action"]]
    assert len(deletes) == 1 and resolve(deletes[0]["Resource"]) == f"arn:aws:sagemaker:us-east-1:123456789012:inference-component/{component}"
    deregister = next(s for s in statements if "application-autoscaling:DeregisterScalableTarget" in s["Action"])
    assert deregister["Condition"]["StringEquals"]["application-autoscaling:scalable-dimension"] == "sagemaker:inference-component:DesiredCopyCount"
    model_role = json.dumps([v for k, v in template["Resources"].items() if v["Type"] == "AWS::IAM::Role" and "ModelRole" in k])
    assert f"/aws/sagemaker/InferenceComponents/{component}" in model_role


def test_cfn_lint_is_clean(synth: dict[str, Any]) -> None:
    templates = sorted(str(p) for p in Path(synth["outdir"]).glob("*.template.json"))
    proc = subprocess.run([str(Path(sys.executable).parent / "cfn-lint"), "--", *templates], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_legacy_tensorflow_model_reads_its_code_from_the_training_archive() -> None:
    """SDK 1.72 serves a legacy-mode model with the legacy container, which loads the training
    script from the training code archive: the generated model role may read that object."""
    import copy

    from sagestack.descriptor import validate_data

    raw = copy.deepcopy(TRAINING["tf-legacy-iris"].model_dump(mode="python", exclude_unset=True))
    raw["estimator"].pop("role", None)
    result = validate_data(raw, file="legacy.yaml", source=CATALOG / "legacy.yaml")
    assert result.descriptor is not None, result.issues
    app = cdk.App()
    stack = cdk.Stack(app, "legacy", env=cdk.Environment(region="us-east-1"))
    pipeline = TrainingPipeline(stack, "Training", descriptor=result.descriptor)
    template = assertions.Template.from_stack(stack).to_json()
    assert pipeline.model_role is not None and pipeline.source is not None
    [role] = [v for k, v in template["Resources"].items() if v["Type"] == "AWS::IAM::Role" and "ModelRole" in k]
    reads = [s for p in role["Properties"]["Policies"] for s in p["PolicyDocument"]["Statement"] if "s3:GetObject" in s["Action"]]
    key = stack.resolve(pipeline.source.s3_object_key)
    assert any(key in json.dumps(s["Resource"]) for s in reads), reads
    definition = json.dumps(template)
    assert "SAGEMAKER_SUBMIT_DIRECTORY" in definition and "sagemaker-tensorflow:1.12-cpu-py2" in definition


def test_a_pipeline_that_deploys_an_asynchronous_endpoint_may_put_its_alarm_and_delete_it() -> None:
    """An asynchronous endpoint that scales to zero, created by runs: the state machine may put
    exactly its backlog alarm, the model role writes its response folders and tells its topic, and
    teardown deletes the alarm with the stack."""
    from ..pipeline.golden import async_mnist

    descriptor = async_mnist()
    app = cdk.App()
    stack = cdk.Stack(app, "async", env=cdk.Environment(region="us-east-1"))
    TrainingPipeline(stack, "Training", descriptor=descriptor)
    template = assertions.Template.from_stack(stack).to_json()
    documents = [p["Properties"]["PolicyDocument"] for p in template["Resources"].values() if p["Type"] == "AWS::IAM::Policy"]
    documents += [p["PolicyDocument"] for r in template["Resources"].values() if r["Type"] == "AWS::IAM::Role" for p in r["Properties"].get("Policies", [])]
    statements = [s for document in documents for s in document["Statement"]]
    alarm = "alarm:mnist-tf-dev-AllTraffic-backlog-without-capacity"
    assert any("cloudwatch:PutMetricAlarm" in s["Action"] and alarm in json.dumps(s["Resource"]) for s in statements)
    assert any(s["Action"] == "cloudwatch:DeleteAlarms" and alarm in json.dumps(s["Resource"]) for s in statements)
    roles = json.dumps({k: v for k, v in template["Resources"].items() if v["Type"] == "AWS::IAM::Role"})
    assert "async-endpoint-outputs/mnist-tf-dev/*" in roles and "async-endpoint-failures/mnist-tf-dev/*" in roles and "sns:Publish" in roles
    [teardown] = [v for v in template["Resources"].values() if v["Type"] == "Custom::SageMakerPipelineTeardown"]
    assert teardown["Properties"]["Alarms"] == ["mnist-tf-dev-AllTraffic-backlog-without-capacity"]


def test_depends_on_names_each_policy_in_a_stack_with_its_own_logical_ids(tmp_path: Path) -> None:
    """sagestack computes the DefaultPolicy logical IDs its DependsOn name as aws-cdk-lib does; a
    stack that allocates logical IDs its own way is asked instead, and every DependsOn still names
    a resource of the template. Nested one level deeper than the catalog's, and with cdk-nag."""

    class Prefixed(cdk.Stack):
        def _allocate_logical_id(self, element: cdk.CfnElement) -> str:
            return "Own" + super()._allocate_logical_id(element)

    for stack_type in (cdk.Stack, Prefixed):
        app = cdk.App(outdir=str(tmp_path / stack_type.__name__))
        cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))
        stack = stack_type(app, "nested", env=cdk.Environment(region="us-east-1"))
        TrainingPipeline(Construct(stack, "Team"), "Training", descriptor=TRAINING["mxnet-ps"])  # with a repack function
        template = app.synth().get_stack_by_name("nested").template
        depends = [d for r in template["Resources"].values() for d in r.get("DependsOn", [])]
        policies = {k for k, r in template["Resources"].items() if r["Type"] == "AWS::IAM::Policy"}
        assert len(depends) >= 4 and set(depends) <= set(template["Resources"]), stack_type
        assert sum(d in policies for d in depends) >= 4 and all(d.startswith("Own") for d in depends) == (stack_type is Prefixed)
