"""Drive the real SageMaker Python SDK with every AWS call intercepted, and record the SageMaker
requests it sends. No network: SageMaker calls get fake responses here, S3/STS go to moto.

Used by ``scripts/record_fixtures.py`` (``make record-fixtures``); the main suite compares our
renderers with the recorded fixtures and never imports the SDK.
"""

from __future__ import annotations

import contextlib
import io
import os
import tarfile
import warnings
from collections.abc import Iterator
from typing import Any

REGION = "us-east-1"
ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/SageMakerRole"
BUCKET = "sagestack-fidelity"
DATA_BUCKET = "sagestack-data"
MODEL_DATA = f"s3://{BUCKET}/model/model.tar.gz"  # what the faked training job produced
SERVED_MODEL_DATA = f"s3://{BUCKET}/served/model.tar.gz"  # model: sections serve this
BEST_TRAINING_JOB = "fidelity-job-001-0123abcd"  # the tuning job's best training job

FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",  # fake credentials, this process only (moto)
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    "SAGEMAKER_SUPPRESS_V2_WARNING": "1",
}


# Endpoints and configs created in this recording: answered by Describe* afterwards.
_CREATED_ENDPOINTS: dict[str, str] = {}
_CREATED_CONFIGS: dict[str, dict[str, Any]] = {}
_CREATED_TUNING: list[dict[str, Any]] = []
# Endpoints in service before the recording (a model that joins an endpoint another created).
IN_SERVICE: set[str] = set()


def _fake_response(operation: str, params: dict[str, Any]) -> dict[str, Any]:
    arn = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}"
    if operation == "CreateTrainingJob":
        return {"TrainingJobArn": f"{arn}:training-job/{params['TrainingJobName']}"}
    if operation == "DescribeTrainingJob" and params["TrainingJobName"] == BEST_TRAINING_JOB and _CREATED_TUNING:
        # the best training job ran the tuning job's definition with its static hyperparameters
        definition = _CREATED_TUNING[-1]["TrainingJobDefinition"]
        spec = dict(definition["AlgorithmSpecification"])
        spec["TrainingImage"] = spec.pop("TrainingImage", "x")
        return {
            "TrainingJobName": BEST_TRAINING_JOB,
            "TrainingJobStatus": "Completed",
            "ModelArtifacts": {"S3ModelArtifacts": MODEL_DATA},
            "AlgorithmSpecification": spec,
            "RoleArn": definition["RoleArn"],
            "ResourceConfig": definition.get("ResourceConfig") or {"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 30},
            "StoppingCondition": definition["StoppingCondition"],
            "OutputDataConfig": {"KmsKeyId": "", **definition["OutputDataConfig"]},
            "InputDataConfig": definition.get("InputDataConfig", []),
            "HyperParameters": dict(definition.get("StaticHyperParameters", {})),
            "EnableNetworkIsolation": definition.get("EnableNetworkIsolation", False),
            "TrainingJobArn": f"{arn}:training-job/{BEST_TRAINING_JOB}",
        }
    if operation == "DescribeTrainingJob":
        return {
            "TrainingJobName": params["TrainingJobName"],
            "TrainingJobStatus": "Completed",
            "ModelArtifacts": {"S3ModelArtifacts": MODEL_DATA},
            "AlgorithmSpecification": {"TrainingImage": "x", "TrainingInputMode": "File"},
            "RoleArn": ROLE,
            "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 30},
        }
    if operation == "CreateHyperParameterTuningJob":
        _CREATED_TUNING.append(dict(params))
        return {"HyperParameterTuningJobArn": f"{arn}:hyper-parameter-tuning-job/{params['HyperParameterTuningJobName']}"}
    if operation == "DescribeHyperParameterTuningJob":
        # tuner.deploy() attaches an estimator to the best training job (then DescribeTrainingJob)
        name = params["HyperParameterTuningJobName"]
        return {
            "HyperParameterTuningJobName": name,
            "HyperParameterTuningJobStatus": "Completed",
            "BestTrainingJob": {"TrainingJobName": BEST_TRAINING_JOB, "TrainingJobStatus": "Completed", "TunedHyperParameters": {}, "CreationTime": 0},
        }
    if operation == "CreateModel":
        return {"ModelArn": f"{arn}:model/{params['ModelName']}"}
    if operation == "CreateEndpointConfig":
        _CREATED_CONFIGS[params["EndpointConfigName"]] = dict(params)
        return {"EndpointConfigArn": f"{arn}:endpoint-config/{params['EndpointConfigName']}"}
    if operation == "CreateEndpoint":
        _CREATED_ENDPOINTS[params["EndpointName"]] = params["EndpointConfigName"]
        return {"EndpointArn": f"{arn}:endpoint/{params['EndpointName']}"}
    if operation == "DescribeEndpointConfig" and params.get("EndpointConfigName") in _CREATED_CONFIGS:
        name = params["EndpointConfigName"]
        return {**_CREATED_CONFIGS[name], "EndpointConfigArn": f"{arn}:endpoint-config/{name}", "CreationTime": 0}
    if operation == "DescribeEndpoint" and params.get("EndpointName") in IN_SERVICE:
        # model.deploy(endpoint_type=INFERENCE_COMPONENT_BASED) adds its component to an endpoint in service
        name = params["EndpointName"]
        return {"EndpointName": name, "EndpointArn": f"{arn}:endpoint/{name}", "EndpointConfigName": name, "EndpointStatus": "InService", "CreationTime": 0, "LastModifiedTime": 0}
    if operation == "CreateInferenceComponent":
        return {"InferenceComponentArn": f"{arn}:inference-component/{params['InferenceComponentName']}"}
    if operation == "DescribeEndpoint" and params.get("EndpointName") in _CREATED_ENDPOINTS:
        # SDK v1's predictor reads back the endpoint it has just created
        name = params["EndpointName"]
        return {"EndpointName": name, "EndpointArn": f"{arn}:endpoint/{name}", "EndpointConfigName": _CREATED_ENDPOINTS[name], "EndpointStatus": "Creating", "CreationTime": 0, "LastModifiedTime": 0}
    if operation == "CreateProcessingJob":
        return {"ProcessingJobArn": f"{arn}:processing-job/{params['ProcessingJobName']}"}
    if operation == "CreateTransformJob":
        return {"TransformJobArn": f"{arn}:transform-job/{params['TransformJobName']}"}
    if operation in ("DescribeEndpoint", "DescribeEndpointConfig", "DescribeModel"):
        raise _client_error(operation, "ValidationException", "Could not find")
    if operation == "Search" and params.get("Resource") in ("ModelPackageGroup", "TrainingJob"):
        return {"Results": []}  # register(): no group yet (it creates one); the model card finds no training job by artifact
    if operation == "CreateModelPackageGroup":
        return {"ModelPackageGroupArn": f"{arn}:model-package-group/{params['ModelPackageGroupName']}"}
    if operation == "CreateModelPackage":
        return {"ModelPackageArn": f"{arn}:model-package/{params['ModelPackageGroupName']}/1"}
    if operation == "ListTags":
        return {"Tags": []}
    raise AssertionError(f"unexpected SageMaker call {operation}")


def _client_error(operation: str, code: str, message: str) -> Exception:
    from botocore.exceptions import ClientError

    return ClientError({"Error": {"Code": code, "Message": message}}, operation)


@contextlib.contextmanager
def recording() -> Iterator[tuple[list[tuple[str, dict[str, Any]]], Any]]:
    """Yield (calls, sagemaker_session): SageMaker calls recorded and faked, S3/STS in moto."""
    for key, value in FAKE_ENV.items():
        os.environ[key] = value
    import requests

    def no_network(self: Any, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"the SDK tried to reach the network: {method} {url}")

    requests.sessions.Session.request = no_network  # type: ignore[method-assign]
    import boto3
    import botocore.client
    from moto import mock_aws

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import sagemaker

        try:
            from sagemaker.telemetry import telemetry_logging
        except ImportError:  # SDK v1 has no telemetry
            telemetry_logging = None

    # The SDK sends usage telemetry with requests.get. Its opt-out is a defaults-config file, which
    # the SDK re-validates with jsonschema on every lookup (0.4 s each); silencing the sender is
    # equivalent here, and the requests guard above proves nothing else leaves the process.
    if telemetry_logging is not None:
        telemetry_logging._send_telemetry_request = lambda *args, **kwargs: None

    calls: list[tuple[str, dict[str, Any]]] = []
    original = botocore.client.BaseClient._make_api_call

    def intercept(self: Any, operation: str, params: dict[str, Any]) -> Any:
        if self.meta.service_model.service_name == "sagemaker":
            calls.append((operation, params))
            return _fake_response(operation, params)
        return original(self, operation, params)

    with mock_aws():
        boto_session = boto3.Session(region_name=REGION)
        s3 = boto_session.client("s3")
        s3.create_bucket(Bucket=BUCKET)
        s3.create_bucket(Bucket=DATA_BUCKET)  # configs with their own output_path get code uploaded there
        s3.put_object(Bucket=BUCKET, Key="model/model.tar.gz", Body=_model_tar())
        s3.put_object(Bucket=BUCKET, Key="served/model.tar.gz", Body=_model_tar())
        botocore.client.BaseClient._make_api_call = intercept
        try:
            session = sagemaker.Session(boto_session=boto_session, default_bucket=BUCKET)
            yield calls, session
        finally:
            botocore.client.BaseClient._make_api_call = original


def _model_tar() -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        data = b"weights"
        info = tarfile.TarInfo("model.params")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()
