"""Annotated value types shared by the sections (S3 URIs, roles, tags, versions, ...)."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field

from .base import Api, user_error
from .paths import LocalPathKind

__all__ = [
    "S3Uri",
    "RoleRef",
    "VersionStr",
    "Tags",
    "Environment",
    "ModelEnvironment",
    "TransformEnvironment",
    "ServingStyle",
    "environment_map",
    "PositiveInt",
    "LocalPath",
    "CodePath",
    "SourceDir",
]

# S3 bucket naming rules (docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html):
# 3-63 characters, lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit.
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$")


def _check_s3_uri(value: str) -> str:
    if not value.startswith("s3://"):
        raise user_error("s3_uri", "not an S3 URI", allowed="s3://<bucket>/<key prefix>", got=value)
    bucket = value[5:].split("/", 1)[0]
    problem = bucket_name_problem(bucket)
    if problem:
        raise user_error(
            "s3_uri",
            f"bucket name '{bucket}' breaks S3's naming rules" + (f": {problem}" if problem != _BASIC_RULE else ""),
            allowed="3-63 lowercase letters, digits, '.' or '-', starting and ending with a letter or digit, not an IP address, no reserved prefix or suffix",
            got=value,
        )
    return value


_BASIC_RULE = "3-63 lowercase letters, digits, '.' or '-', starting and ending with a letter or digit"
_IP_ADDRESS = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
# Reserved by S3 (bucketnamingrules.html): access points, Object Lambda and directory buckets.
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


def bucket_name_problem(bucket: str) -> str | None:
    """What makes ``bucket`` a name S3 (and so SageMaker) rejects, or None."""
    if not _BUCKET.match(bucket):
        return _BASIC_RULE
    if ".." in bucket:
        return "two adjacent periods"
    if _IP_ADDRESS.match(bucket):
        return "formatted as an IP address"
    for prefix in _RESERVED_PREFIXES:
        if bucket.startswith(prefix):
            return f"the prefix '{prefix}' is reserved"
    for suffix in _RESERVED_SUFFIXES:
        if bucket.endswith(suffix):
            return f"the suffix '{suffix}' is reserved"
    return None


S3Uri = Annotated[str, AfterValidator(_check_s3_uri)]
"""``s3://bucket/prefix`` with a valid bucket name."""

_ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")


def _check_role(value: str) -> str:
    if value.startswith("arn:"):
        return Api("CreateTrainingJob", "RoleArn").check(value)
    if not _ROLE_NAME.match(value):
        raise user_error(
            "role",
            "not an IAM role name or ARN",
            allowed="a role name ([\\w+=,.@-]{1,64}) or arn:aws:iam::<account>:role/<name>",
            got=value,
        )
    return value


RoleRef = Annotated[str, AfterValidator(_check_role)]
"""An IAM role name (expanded to an ARN in the stack's account, as the SDK does) or a role ARN."""


def _version_string(value: Any) -> Any:
    if isinstance(value, float) or isinstance(value, int) and not isinstance(value, bool):
        raise user_error(
            "version_type",
            "versions must be quoted strings: YAML reads an unquoted 2.10 as the number 2.1",
            allowed='a quoted version such as "2.11" or "1.15.5"',
            got=repr(value),
        )
    return value


VersionStr = Annotated[str, BeforeValidator(_version_string)]

PositiveInt = Annotated[int, Field(ge=1)]

LocalPath = Annotated[str, Field(min_length=1), LocalPathKind("descriptor")]
"""A path relative to the descriptor's own file, inside the repository (checked by the rules)."""

CodePath = Annotated[str, Field(min_length=1), LocalPathKind("source_dir")]
"""A path relative to the section's source_dir (else to the descriptor's file), inside the repository."""

SourceDir = Annotated[str, LocalPathKind("descriptor", s3=True)]
"""A directory relative to the descriptor's file, inside the repository, or an ``s3://`` archive."""


def _tags_as_list(value: Any) -> Any:
    """The SDK takes ``[{'Key': k, 'Value': v}, ...]``; v2 also takes ``{k: v}``."""
    if isinstance(value, dict):
        return [{"Key": k, "Value": v} for k, v in value.items()]
    return value


def _no_reserved_tags(tags: list[Any]) -> list[Any]:
    for tag in tags:
        if tag.Key.lower().startswith("aws:"):
            raise user_error("tag_key", "tag keys starting with 'aws:' are reserved by AWS", allowed="any other prefix", got=tag.Key)
    return tags


from pydantic import BaseModel, ConfigDict  # noqa: E402


class Tag(BaseModel):
    """One resource tag, as the SDK takes it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    Key: Annotated[str, Api("CreateTrainingJob", "Tags[].Key")]
    Value: Annotated[str, Api("CreateTrainingJob", "Tags[].Value")]


Tags = Annotated[
    tuple[Tag, ...],
    BeforeValidator(_tags_as_list),
    AfterValidator(_no_reserved_tags),
    Api("CreateTrainingJob", "Tags"),
]
"""``[{Key: k, Value: v}]`` or ``{k: v}``."""

def environment_map(operation: str, member: str) -> Any:
    """An environment-variable map with the key and value limits of one API member: each
    operation has its own (CreateTrainingJob values take 512 characters, CreateModel 1,024,
    CreateTransformJob 10,240)."""
    return Annotated[
        dict[Annotated[str, Api(operation, f"{member}{{key}}")], Annotated[str, Api(operation, f"{member}{{}}")]],
        Api(operation, member),
    ]


Environment = environment_map("CreateTrainingJob", "Environment")
"""The training container's environment (CreateTrainingJob.Environment)."""
ModelEnvironment = environment_map("CreateModel", "PrimaryContainer.Environment")
"""A model container's environment (CreateModel.PrimaryContainer.Environment)."""
TransformEnvironment = environment_map("CreateTransformJob", "Environment")
"""A transform job's environment (CreateTransformJob.Environment)."""


#: How a model is served, as the SDK's model classes do it:
#: ``image`` — the given inference image (a trained model: the training image), nothing added;
#: ``training-image`` — a built-in algorithm's image with the training job's artifacts;
#: ``framework`` — the framework's inference image and model server (SAGEMAKER_PROGRAM, ...),
#: the inference code repacked under code/ (the training script by default);
#: ``tfs`` — TensorFlow Serving: no Python version in the image, code repacked only when given;
#: ``legacy-container`` — SDK 1.72's legacy Python container, code from the training archive;
#: ``default-handler`` — the framework's inference image, whose toolkit serves the model with its
#: default handler: SAGEMAKER_PROGRAM empty unless an inference script is given (then repacked under
#: code/; the training script never serves), model data optional, a trained model keeps the
#: estimator's image_uri.
ServingStyle = Literal["image", "training-image", "framework", "tfs", "legacy-container", "default-handler", "code-archive", "multi-model"]
