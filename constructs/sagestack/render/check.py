"""Every rendered request must be valid for its operation: botocore's ``validate_parameters``
(required keys, unknown keys, types, minimums) plus what it leaves out (enums, maximums,
lengths, patterns), read from the same service model."""

from __future__ import annotations

from typing import Any

from ..descriptor.api import _compile, sagemaker_model
from .context import substitute

__all__ = ["request_problems", "EXAMPLE_VALUES"]

#: Example values for placeholders, valid for every pattern they land in.
EXAMPLE_VALUES = {
    "TrainingJobName": "mnist-tf-20260101t000000-a1b2c3d4",
    "ArtifactBucket": "sagestack-artifacts-123456789012-us-east-1",
    "SourceArchive": "s3://cdk-hnb659fds-assets-123456789012-us-east-1/0123456789abcdef.tar.gz",
    "RoleArn": "arn:aws:iam::123456789012:role/sagestack-mnist-tf-execution",
    "ModelName": "mnist-tf-20260101t000000-a1b2c3d4",
    "ModelDataUrl": "s3://sagestack-artifacts-123456789012-us-east-1/mnist-tf/output/model.tar.gz",
    "RepackedModelData": "s3://sagestack-artifacts-123456789012-us-east-1/mnist-tf/repacked/model.tar.gz",
    "EndpointConfigName": "mnist-tf-20260101t000000-a1b2c3d4",
    "EndpointName": "mnist-tf-dev",
    "ModelPackageGroupName": "mnist-tf-dev",
    "InferenceComponentName": "mnist-tf-dev",
    "TransformJobName": "mnist-tf-20260101t000000-a1b2c3d4",
    "AccountId": "123456789012",
    "Partition": "aws",
    "ProcessingRoleArn": "arn:aws:iam::123456789012:role/sagestack-mnist-tf-processing",
    "ProcessingCode": "s3://cdk-hnb659fds-assets-123456789012-us-east-1/0123456789abcdef.py",
    "ProcessingCodeFile": "0123456789abcdef.py",
    "ProcessingEntrypoint": "s3://cdk-hnb659fds-assets-123456789012-us-east-1/fedcba9876543210.sh",
    "ProcessingEntrypointFile": "fedcba9876543210.sh",
}


#: A run's name as a tuning job carries it: <prefix>-<12 hex>.
TUNING_JOB_NAME_EXAMPLE = "xgboost-tuned-0123456789ab"


def request_problems(operation: str, request: dict[str, Any]) -> list[str]:
    """Problems of ``request`` for ``operation`` (empty when valid)."""
    from botocore.model import ServiceModel
    from botocore.validate import ParamValidator

    values = EXAMPLE_VALUES
    if operation == "CreateHyperParameterTuningJob":
        # a tuning job takes 32 characters, which the descriptor's rules keep a run's name within
        values = {**EXAMPLE_VALUES, "TrainingJobName": TUNING_JOB_NAME_EXAMPLE}
    concrete = substitute(request, values, qualified_from_base=True)
    service = ServiceModel(sagemaker_model(), service_name="sagemaker")
    shape = service.operation_model(operation).input_shape
    report = ParamValidator().validate(concrete, shape)
    problems = [line.strip() for line in report.generate_report().splitlines() if line.strip()] if report.has_errors() else []
    _walk(shape, concrete, operation, problems)
    return problems


def _walk(shape: Any, value: Any, path: str, problems: list[str]) -> None:
    meta = shape.metadata
    if shape.type_name == "structure" and isinstance(value, dict):
        for name, item in value.items():
            if name in shape.members:
                _walk(shape.members[name], item, f"{path}.{name}", problems)
    elif shape.type_name == "list" and isinstance(value, list):
        if "max" in meta and len(value) > meta["max"]:
            problems.append(f"{path}: {len(value)} items, more than {meta['max']}")
        for index, item in enumerate(value):
            _walk(shape.member, item, f"{path}[{index}]", problems)
    elif shape.type_name == "map" and isinstance(value, dict):
        if "max" in meta and len(value) > meta["max"]:
            problems.append(f"{path}: {len(value)} entries, more than {meta['max']}")
        for key, item in value.items():
            _walk(shape.key, key, f"{path}{{{key}}}", problems)
            _walk(shape.value, item, f"{path}.{key}", problems)
    elif shape.type_name == "string" and isinstance(value, str):
        if shape.enum and value not in shape.enum:
            problems.append(f"{path}: {value!r} not in {shape.name}")
        if "max" in meta and len(value) > meta["max"]:
            problems.append(f"{path}: {len(value)} characters, more than {meta['max']}")
        if "min" in meta and len(value) < meta["min"]:
            problems.append(f"{path}: {len(value)} characters, fewer than {meta['min']}")
        if "pattern" in meta and not _compile(meta["pattern"]).fullmatch(value):
            problems.append(f"{path}: {value!r} does not match /{meta['pattern']}/")
    elif shape.type_name in ("integer", "long", "float", "double") and isinstance(value, (int, float)):
        if "max" in meta and value > meta["max"]:
            problems.append(f"{path}: {value} above {meta['max']}")
