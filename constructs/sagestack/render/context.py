"""What a rendered request needs besides the descriptor: the region, the default bucket, and the
names only known at run time.

Values that are only known when a pipeline runs (or when CDK deploys) are written as
``{{Name}}`` placeholders inside strings, e.g. ``"s3://{{ArtifactBucket}}/{{TrainingJobName}}/model"``.
The constructs turn each placeholder into a Step Functions path (``States.Format``) or a CDK
token; tests substitute example values. Every placeholder a renderer may emit is listed in
:data:`PLACEHOLDERS`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["RenderContext", "PLACEHOLDERS", "placeholders_in", "substitute", "ph", "token_blind", "stable_sorted"]

#: Placeholder name → what fills it.
PLACEHOLDERS: dict[str, str] = {
    "TrainingJobName": "per-execution training job name (the execution's name prefix + suffix)",
    "ArtifactBucket": "the stack's artifact bucket (default output path, debugger/profiler output)",
    "SourceArchive": "S3 URI of the CDK asset holding sourcedir.tar.gz",
    "RoleArn": "ARN of the generated execution role (when the descriptor gives no role)",
    "ModelName": "per-execution (pipeline) or CloudFormation-generated (hosting) model name",
    "ModelDataUrl": "the training job's ModelArtifacts.S3ModelArtifacts",
    "RepackedModelData": "S3 URI of model.tar.gz repacked with the inference code under code/",
    "EndpointConfigName": "per-execution endpoint config name",
    "EndpointName": "the stable endpoint name of this model and environment",
    "ModelPackageGroupName": "the model package group of this model and environment (register: without model_package_group_name)",
    "InferenceComponentName": "the stable inference component name of this model and environment (clients pass it to invoke_endpoint)",
    "TransformJobName": "per-execution transform job name",
    "AccountId": "the stack's account (a role given by name becomes an ARN in it)",
    "ProcessingRoleArn": "ARN of the generated processing role (when a processor gives no role)",
    "ProcessingCode": "S3 URI of the CDK asset holding a processing step's code (its script, or a framework processor's sourcedir.tar.gz); qualified by the step's name",
    "ProcessingCodeFile": "the file name of a processing step's code asset, as the container finds it; qualified by the step's name",
    "ProcessingEntrypoint": "S3 URI of the CDK asset holding a framework processor's runproc.sh; qualified by the step's name",
    "ProcessingEntrypointFile": "the file name of that runproc.sh asset, as the container finds it; qualified by the step's name",
    "Partition": "the stack's partition (aws, aws-cn, aws-us-gov): the first field of every ARN sagestack builds",
}

# A placeholder is a name from PLACEHOLDERS, optionally qualified: ``{{ModelName.challenger}}``
# is the model of the variant "challenger".
_PLACEHOLDER = re.compile(r"\{\{([A-Za-z]+(?:\.[A-Za-z0-9-]+)?)\}\}")


def ph(name: str, qualifier: str | None = None) -> str:
    """The placeholder text for ``name`` (``name.qualifier`` when qualified)."""
    assert name in PLACEHOLDERS, name
    return "{{" + name + (f".{qualifier}" if qualifier else "") + "}}"


def base_name(placeholder: str) -> str:
    """``ModelName.challenger`` → ``ModelName``."""
    return placeholder.split(".", 1)[0]


@dataclass(frozen=True)
class RenderContext:
    """Inputs of rendering that are not in the descriptor. Defaults are placeholders."""

    region: str
    default_bucket: str = ph("ArtifactBucket")
    job_name: str = ph("TrainingJobName")
    source_archive: str = ph("SourceArchive")
    role_arn: str = ph("RoleArn")
    model_name: str = ph("ModelName")
    model_data: str = ph("ModelDataUrl")
    repacked_model_data: str = ph("RepackedModelData")
    endpoint_config_name: str = ph("EndpointConfigName")
    endpoint_name: str = ph("EndpointName")
    model_package_group_name: str = ph("ModelPackageGroupName")
    inference_component_name: str = ph("InferenceComponentName")
    transform_job_name: str = ph("TransformJobName")


def placeholders_in(value: Any) -> set[str]:
    """Every placeholder name used anywhere in a rendered request."""
    found: set[str] = set()
    if isinstance(value, str):
        found.update(_PLACEHOLDER.findall(value))
    elif isinstance(value, dict):
        for item in value.values():
            found |= placeholders_in(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            found |= placeholders_in(item)
    return found


def substitute(value: Any, values: dict[str, str], *, qualified_from_base: bool = False) -> Any:
    """A copy of ``value`` with placeholders replaced (unknown ones are left as they are).

    ``qualified_from_base``: fill ``{{ModelName.x}}`` from a value for ``ModelName`` (examples).
    """
    if qualified_from_base:
        values = dict(values)
        for found in placeholders_in(value):
            if found not in values and base_name(found) in values:
                values[found] = values[base_name(found)]
    if isinstance(value, str):
        return _PLACEHOLDER.sub(lambda m: values.get(m[1], m[0]), value)
    if isinstance(value, dict):
        return {k: substitute(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, values) for v in value]
    return value


# Deploy-time values: once the constructs fill the placeholders, a string may hold CDK tokens.
_TOKEN = re.compile(r"\$\{Token\[[^\]]+\]\}")


def token_blind(text: str) -> str:
    """``text`` with each CDK token (``${Token[...]}``) as one character that sorts first: a sort
    key that does not depend on the order the tokens were made in, which their numbers tell."""
    return _TOKEN.sub("\x00", text)


def stable_sorted(values: Iterable[str]) -> list[str]:
    """``values`` without repeats, sorted by their text with tokens blinded. Values that differ
    only in their tokens keep the order they came in (the sort is stable), so a template does not
    change when an app makes its tokens in another order. ``values`` must come in a deterministic
    order: a generator or a list, not a set."""
    return sorted(dict.fromkeys(values), key=token_blind)
