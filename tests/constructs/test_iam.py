"""The generated roles' policies as synthesized: what each run needs, and only this model's part of
what models share (the artifact bucket, the account's KMS keys, the partition)."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import assertions

from sagestack.descriptor import load_catalog, validate_data
from sagestack.pipeline.construct import TrainingPipeline

from ..conftest import CATALOG

EXAMPLES = {d.name: d for d in load_catalog([CATALOG]).descriptors}
BUCKET = "shared-artifacts"


def _variant(name: str, change: Any) -> Any:
    """The example ``name`` with its raw descriptor changed by ``change(raw)``, re-validated."""
    d = EXAMPLES[name]
    raw = d.model_dump(mode="json", exclude_unset=True)
    change(raw)
    result = validate_data(raw, file=f"{name}.yaml", source=d.source)
    assert result.descriptor is not None, [i.format() for i in result.issues]
    return result.descriptor


def _debugger_and_aliases(raw: dict[str, Any]) -> None:
    raw["estimator"]["debugger_hook_config"] = {"s3_output_path": "s3://team-debug/mnist-tf/tensors"}
    raw["estimator"]["volume_kms_key"] = "alias/sagestack-training"
    raw["estimator"]["output_kms_key"] = "arn:aws:kms:us-east-1:123456789012:alias/sagestack-output"
    raw["deploy"]["data_capture_config"] = {"sampling_percentage": 10}  # to the shared bucket's default prefix


def _batch_defaults(raw: dict[str, Any]) -> None:
    raw["estimator"].pop("role")  # generated roles, default transform output (the shared bucket)
    raw["transformer"].pop("output_path")
    raw["transformer"]["volume_kms_key"] = "alias/sagestack-batch"
    raw["transform"]["batch_data_capture_config"] = {"destination_s3_uri": "s3://team-capture/pca-batch"}


def _stack(app: cdk.App, name: str, descriptor: Any, region: str = "us-east-1") -> cdk.Stack:
    stack = cdk.Stack(app, name, env=cdk.Environment(region=region))
    bucket = cdk.aws_s3.Bucket.from_bucket_name(stack, "Shared", BUCKET)  # a shared bucket, as the app passes one
    TrainingPipeline(stack, "Training", descriptor=descriptor, artifact_bucket=bucket)
    return stack


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    app = cdk.App(outdir=str(tmp_path_factory.mktemp("iam.out")))
    stacks = {
        "mnist-tf": _stack(app, "mnist-tf", _variant("mnist-tf", _debugger_and_aliases)),
        "pca-batch": _stack(app, "pca-batch", _variant("pca-batch", _batch_defaults)),
        "china": _stack(app, "china", EXAMPLES["pca-batch"], region="cn-north-1"),  # a role given by name
        "china-tf": _stack(app, "china-tf", EXAMPLES["mnist-tf"], region="cn-north-1"),
    }
    app.synth()
    return {n: assertions.Template.from_stack(s).to_json() for n, s in stacks.items()}


def _resolve(value: Any, partition: str = "aws") -> Any:
    """Policy values with CloudFormation functions replaced by example values."""
    if isinstance(value, list):
        return [_resolve(v, partition) for v in value]
    if not isinstance(value, dict):
        return value
    if "Fn::Join" in value:
        sep, parts = value["Fn::Join"]
        return sep.join(_resolve(p, partition) for p in parts)
    if "Ref" in value:
        return {"AWS::Partition": partition, "AWS::AccountId": "123456789012", "AWS::Region": "us-east-1"}.get(value["Ref"], f"ref-{value['Ref']}")
    if "Fn::GetAtt" in value:
        return "-".join(value["Fn::GetAtt"])
    if "Fn::Sub" in value:
        return value["Fn::Sub"].replace("${AWS::Partition}", partition).replace("${AWS::AccountId}", "123456789012")
    return {k: _resolve(v, partition) for k, v in value.items()}


def _statements(template: dict[str, Any], role: str) -> list[dict[str, Any]]:
    """The inline statements of the role whose logical id starts with ``Training<role>``, resolved;
    Action and Resource always lists."""
    [resource] = [r for k, r in template["Resources"].items() if r["Type"] == "AWS::IAM::Role" and k.startswith(f"Training{role}")]
    out = []
    for policy in resource["Properties"]["Policies"]:
        for s in _resolve(policy["PolicyDocument"]["Statement"]):
            out.append({**s, "Action": [s["Action"]] if isinstance(s["Action"], str) else s["Action"], "Resource": [s["Resource"]] if isinstance(s["Resource"], str) else s["Resource"]})
    return out


def _resources(statements: list[dict[str, Any]], action: str) -> list[str]:
    return sorted(r for s in statements if action in s["Action"] for r in s["Resource"])


def test_state_machine_may_list_tags_of_its_own_jobs_only(templates: dict[str, dict[str, Any]]) -> None:
    """Step Functions' .sync integrations call sagemaker:ListTags on the job they wait for."""
    training = _statements(templates["mnist-tf"], "StateMachineRole")
    assert _resources(training, "sagemaker:ListTags") == ["arn:aws:sagemaker:us-east-1:123456789012:training-job/mnist-tf-????????????"]
    batch = _statements(templates["pca-batch"], "StateMachineRole")
    assert _resources(batch, "sagemaker:ListTags") == [
        "arn:aws:sagemaker:us-east-1:123456789012:model/pca-batch-????????????",
        "arn:aws:sagemaker:us-east-1:123456789012:training-job/pca-batch-????????????",
        "arn:aws:sagemaker:us-east-1:123456789012:transform-job/pca-batch-????????????",
    ]


def test_training_role_writes_the_debugger_path_and_only_its_own_keys_in_the_shared_bucket(templates: dict[str, dict[str, Any]]) -> None:
    writes = _resources(_statements(templates["mnist-tf"], "ExecutionRole"), "s3:PutObject")
    assert writes == [
        f"arn:aws:s3:::{BUCKET}/mnist-tf-????????????/*",  # each run's folder: output, debug-output, profiler-output
        f"arn:aws:s3:::{BUCKET}/mnist-tf/*",  # run-input output paths
        "arn:aws:s3:::team-debug/mnist-tf/tensors*",  # the Debugger hook's own location
    ]
    # A run may move its output only where the role can write.
    [machine] = [r for r in templates["mnist-tf"]["Resources"].values() if r["Type"] == "AWS::StepFunctions::StateMachine"]
    definition = json.loads(machine["Properties"]["DefinitionString"])
    assert definition["States"]["Check run input"]["Parameters"]["Payload"]["writable"] == [f"s3://{BUCKET}/mnist-tf/"]


def test_model_and_transform_roles_read_and_write_only_this_models_keys(templates: dict[str, dict[str, Any]]) -> None:
    model = _statements(templates["mnist-tf"], "ModelRole")
    assert _resources(model, "s3:GetObject") == [f"arn:aws:s3:::{BUCKET}/mnist-tf-????????????/output/model.tar.gz", f"arn:aws:s3:::{BUCKET}/mnist-tf/*"]
    # SageMaker writes captures under <destination>/<endpoint name>/: only this endpoint's folder.
    assert _resources(model, "s3:PutObject") == [f"arn:aws:s3:::{BUCKET}/model-monitor/data-capture/mnist-tf-dev/*"]
    batch = _statements(templates["pca-batch"], "ModelRole")
    assert f"arn:aws:s3:::{BUCKET}/pca-batch-????????????/output/model.tar.gz" in _resources(batch, "s3:GetObject")
    assert _resources(batch, "s3:PutObject") == [
        f"arn:aws:s3:::{BUCKET}/pca-batch-????????????/*",  # the default transform output: s3://<bucket>/<job name>
        "arn:aws:s3:::team-capture/pca-batch/*",  # batch data capture
    ]
    for statements in (model, batch, _statements(templates["mnist-tf"], "ExecutionRole")):
        assert not [r for s in statements for r in s["Resource"] if r in (f"arn:aws:s3:::{BUCKET}/*", f"arn:aws:s3:::{BUCKET}*")]


def test_a_kms_alias_is_granted_on_the_key_that_has_it(templates: dict[str, dict[str, Any]]) -> None:
    """IAM never matches a key operation against an alias ARN: the grant is on the account's keys,
    conditioned on the alias the key carries."""
    kms = [s for s in _statements(templates["mnist-tf"], "ExecutionRole") if "kms:Decrypt" in s["Action"]]
    # One statement per account: the stack's (an alias) and the one an alias ARN names.
    assert kms == [{
        "Effect": "Allow",
        "Action": ["kms:Decrypt", "kms:GenerateDataKey", "kms:CreateGrant"],
        "Resource": ["arn:aws:kms:us-east-1:123456789012:key/*"],
        "Condition": {"ForAnyValue:StringEquals": {"kms:ResourceAliases": [alias]}},
    } for alias in ("alias/sagestack-training", "alias/sagestack-output")]
    assert ":alias/" not in json.dumps(_statements(templates["mnist-tf"], "ExecutionRole"))
    batch = [s for s in _statements(templates["pca-batch"], "ModelRole") if "kms:Decrypt" in s["Action"]]
    assert [s["Condition"] for s in batch] == [{"ForAnyValue:StringEquals": {"kms:ResourceAliases": ["alias/sagestack-batch"]}}]


def test_arns_use_the_stacks_partition(templates: dict[str, dict[str, Any]]) -> None:
    for name in ("china", "china-tf"):
        template = templates[name]
        policies = [r["Properties"] for r in template["Resources"].values() if r["Type"] in ("AWS::IAM::Role", "AWS::IAM::Policy")]
        assert "arn:aws:" not in json.dumps(policies), name  # every ARN is arn:${AWS::Partition}:...
        assert "arn:aws-cn:" in json.dumps(_resolve(policies, "aws-cn")), name
        [machine] = [r["Properties"] for r in template["Resources"].values() if r["Type"] == "AWS::StepFunctions::StateMachine"]
        definition = json.loads(machine["DefinitionString"])
        tasks = [s["Resource"] for s in definition["States"].values() if s["Type"] == "Task"]
        assert tasks and all(t.startswith("arn:aws-cn:states:::") for t in tasks), tasks
        assert "arn:aws:" not in machine["DefinitionString"] and "arn:aws:" not in json.dumps(machine["DefinitionSubstitutions"])
    # A role given by name becomes an ARN in the stack's partition.
    [role] = [r for k, r in templates["china"]["Resources"].items() if k.startswith("TrainingStateMachineRole") and r["Type"] == "AWS::IAM::Role"]
    [passrole] = [s for s in role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"] if s["Action"] == "iam:PassRole"]
    assert passrole["Resource"] == {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::", {"Ref": "AWS::AccountId"}, ":role/SageMakerRole"]]}
