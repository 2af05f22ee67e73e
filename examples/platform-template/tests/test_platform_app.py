"""The platform template synthesizes, with cdk-nag's AwsSolutions pack on the synth and cfn-lint
clean: sagestack works as a library inside someone else's stack."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent.parent
for key, value in {"AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "CDK_DEFAULT_REGION": "us-east-1", "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}.items():
    os.environ.setdefault(key, value)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> dict:
    spec = importlib.util.spec_from_file_location("platform_app", HERE / "app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    outdir = tmp_path_factory.mktemp("platform.out")
    module.build(str(outdir)).synth()  # raises on any unacknowledged cdk-nag finding
    return {"path": outdir / "ml-platform.template.json", "json": json.loads((outdir / "ml-platform.template.json").read_text())}


def test_both_models_land_in_the_platform_stack(template: dict) -> None:
    resources = template["json"]["Resources"]
    types = [r["Type"] for r in resources.values()]
    assert types.count("AWS::StepFunctions::StateMachine") == 1 and types.count("AWS::SageMaker::Endpoint") == 1
    assert types.count("AWS::S3::Bucket") == 2  # the platform's shared bucket, used by both models, and its access logs
    assert types.count("AWS::KMS::Key") == 1 and types.count("AWS::SNS::Topic") == 1
    outputs = {v["Value"] for v in template["json"]["Outputs"].values() if isinstance(v["Value"], str)}
    assert {"churn-prod", "fraud-prod"} <= outputs  # stable endpoint names per environment


def test_pipeline_notifies_the_platform_topic(template: dict) -> None:
    machine = next(r for r in template["json"]["Resources"].values() if r["Type"] == "AWS::StepFunctions::StateMachine")
    assert "Notify success" in machine["Properties"]["DefinitionString"]
    assert "TopicArn" in machine["Properties"]["DefinitionSubstitutions"]
    # The topic is encrypted with the platform's key: the state machine's role may use exactly it.
    key = next(k for k, r in template["json"]["Resources"].items() if r["Type"] == "AWS::KMS::Key")
    role = template["json"]["Resources"][machine["Properties"]["RoleArn"]["Fn::GetAtt"][0]]
    statements = [st for policy in role["Properties"]["Policies"] for st in policy["PolicyDocument"]["Statement"]]
    assert {"Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Effect": "Allow", "Resource": {"Fn::GetAtt": [key, "Arn"]}} in statements


def test_cfn_lint_is_clean(template: dict) -> None:
    proc = subprocess.run([str(Path(sys.executable).parent / "cfn-lint"), "--", str(template["path"])], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_bad_python_descriptor_reports_every_problem() -> None:
    import sagestack

    with pytest.raises(sagestack.DescriptorError) as caught:
        sagestack.descriptor_from_dict({"name": "Fraud", "model": {"type": "Model"}, "deploy": {"instance_type": "ml.nope"}})
    text = str(caught.value)
    assert "<Fraud>:1: name:" in text and "model.image_uri" in text and "deploy.instance_type" in text
