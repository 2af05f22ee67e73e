"""Deploy synthesized hosting stacks into moto's CloudFormation (in process, no network) and the
repack custom resource's handler against moto's S3.

moto creates AWS::SageMaker::Model/EndpointConfig/Endpoint and IAM from the template; it skips
AWS::ApplicationAutoScaling::* with a warning (tested by template assertions in test_hosting.py),
ignores the endpoint's EndpointName, and cannot run
Lambda-backed custom resources without Docker, so the repack handler is exercised directly.
"""

from __future__ import annotations

import io
import json
import tarfile
import urllib.request
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import assertions

from sagestack.descriptor import load_catalog
from sagestack.hosting import ModelEndpoint

from ..conftest import CATALOG, load_handler


def _template(name: str) -> dict[str, Any]:
    descriptor = next(d for d in load_catalog([CATALOG]).descriptors if d.name == name)
    app = cdk.App()
    stack = cdk.Stack(app, f"moto-{name}", env=cdk.Environment(region="us-east-1"))
    ModelEndpoint(stack, "Hosting", descriptor=descriptor, environment="test")
    template = assertions.Template.from_stack(stack).to_json()
    # moto has no SSM parameter for the CDK bootstrap version (nothing was bootstrapped): drop the check.
    template.get("Parameters", {}).pop("BootstrapVersion", None)
    template.get("Rules", {}).pop("CheckBootstrapVersion", None)
    return template


def test_hosting_stack_deploys_into_moto(aws: None) -> None:
    import boto3

    template = _template("mnist-serving")
    cfn = boto3.client("cloudformation", region_name="us-east-1")
    cfn.create_stack(StackName="mnist-serving", TemplateBody=json.dumps(template), Capabilities=["CAPABILITY_IAM"])
    status = cfn.describe_stacks(StackName="mnist-serving")["Stacks"][0]["StackStatus"]
    assert status == "CREATE_COMPLETE"
    created = {r["ResourceType"] for r in cfn.list_stack_resources(StackName="mnist-serving")["StackResourceSummaries"]}
    assert {"AWS::SageMaker::Model", "AWS::SageMaker::EndpointConfig", "AWS::SageMaker::Endpoint", "AWS::IAM::Role"} <= created
    sm = boto3.client("sagemaker", region_name="us-east-1")
    # moto names the endpoint after the logical ID and ignores EndpointName; the stable name is
    # asserted on the template (test_hosting.py::test_endpoint_has_the_stable_name).
    arn = next(r["PhysicalResourceId"] for r in cfn.list_stack_resources(StackName="mnist-serving")["StackResourceSummaries"] if r["ResourceType"] == "AWS::SageMaker::Endpoint")
    endpoint = sm.describe_endpoint(EndpointName=arn.rsplit("/", 1)[1])
    assert endpoint["EndpointStatus"] == "InService"
    config = sm.describe_endpoint_config(EndpointConfigName=endpoint["EndpointConfigName"])
    [variant] = config["ProductionVariants"]
    assert variant["InstanceType"] == "ml.g4dn.xlarge" and variant["VariantName"] == "AllTraffic"
    model = sm.describe_model(ModelName=variant["ModelName"])
    assert model["PrimaryContainer"]["ModelDataUrl"].endswith("2026-11-20/model.tar.gz")
    assert model["ExecutionRoleArn"].startswith("arn:aws:iam::")


# ---- the repack custom resource's handler --------------------------------------------------


def _tar(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _event(kind: str, **extra: Any) -> dict[str, Any]:
    return {
        "RequestType": kind, "ResponseURL": "https://cloudformation-response.invalid/x", "StackId": "stack", "RequestId": "req", "LogicalResourceId": "Repack",
        "ResourceProperties": {"ModelData": "s3://models/v1/model.tar.gz", "CodeBucket": "assets", "CodeKey": "code.tar.gz", "TargetBucket": "artifacts", "TargetPrefix": "repacked/m"},
        **extra,
    }


def test_repack_handler(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    import boto3

    s3 = boto3.client("s3", region_name="us-east-1")
    for bucket in ("models", "assets", "artifacts"):
        s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket="models", Key="v1/model.tar.gz", Body=_tar({"1/saved_model.pb": b"graph", "code/old.py": b"stale"}))
    s3.put_object(Bucket="assets", Key="code.tar.gz", Body=_tar({"inference.py": b"def input_handler(d, c): return d", "requirements.txt": b"numpy"}))
    module = load_handler("repack")
    responses: list[dict[str, Any]] = []

    class _Response(io.BytesIO):
        def __enter__(self): return self
        def __exit__(self, *a): return False

    def fake_urlopen(request: Any, timeout: int = 0) -> Any:
        responses.append(json.loads(request.data))
        return _Response(b"")

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)  # what cfn_response.send calls
    module.handler(_event("Create"), None)
    created = responses[-1]
    assert created["Status"] == "SUCCESS", created
    uri = created["Data"]["ModelDataUrl"]
    assert uri == created["PhysicalResourceId"] and uri.startswith("s3://artifacts/repacked/m/")
    body = s3.get_object(Bucket="artifacts", Key=uri[len("s3://artifacts/"):])["Body"].read()
    with tarfile.open(fileobj=io.BytesIO(body), mode="r:gz") as tar:
        names = sorted(m.name for m in tar.getmembers())
        assert tar.extractfile("code/inference.py").read().startswith(b"def input_handler")
    assert names == ["1/saved_model.pb", "code", "code/inference.py", "code/requirements.txt"]  # old code/ replaced
    module.handler(_event("Update", PhysicalResourceId=uri), None)
    assert responses[-1]["Data"]["ModelDataUrl"] == uri  # same inputs, same object, same bytes
    assert s3.get_object(Bucket="artifacts", Key=uri[len("s3://artifacts/"):])["Body"].read() == body
    module.handler(_event("Delete", PhysicalResourceId=uri), None)
    assert responses[-1]["Status"] == "SUCCESS"
    assert s3.list_objects_v2(Bucket="artifacts").get("KeyCount", 0) == 0
    s3.delete_object(Bucket="models", Key="v1/model.tar.gz")
    module.handler(_event("Create"), None)
    assert responses[-1]["Status"] == "FAILED" and "repack failed" in responses[-1]["Reason"]
