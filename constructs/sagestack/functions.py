"""sagestack's Lambda functions (run-input check, teardown, repack, new data): each with its own
log group and a role that can write only there, made in one jsii request."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from .iam import Grant, default_policy_id, known, role_expression
from .jsii_batch import evaluate, result, value
from .nag import FUNCTION_CHECKS, LOG_GROUP_CHECKS, checkov_metadata

__all__ = ["PythonFunction", "log_group_expressions", "python_function", "PYTHON_RUNTIME"]

#: The Python runtime of sagestack's functions, read once (each read of a jsii static is a round trip).
PYTHON_RUNTIME = lambda_.Runtime.PYTHON_3_14


@dataclass(frozen=True)
class PythonFunction:
    """A function and what was made for it: its role and log group."""

    function: lambda_.Function
    role: iam.Role
    log_group: logs.LogGroup


def log_group_expressions(scope: Construct, construct_id: str) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """``logs.LogGroup(scope, construct_id, retention=ONE_YEAR, removal_policy=DESTROY)`` and
    checkov's skip on it (with its reason), as the first two expressions of an
    :func:`.jsii_batch.evaluate` (the group is ``result(0)``)."""
    return (
        ("aws-cdk-lib:aws_logs.LogGroup", ("new", scope, construct_id, {"retention": value("aws-cdk-lib:aws_logs.RetentionDays.ONE_YEAR"), "removalPolicy": value("aws-cdk-lib:RemovalPolicy.DESTROY")})),
        (result(0), "node", "defaultChild", ("addMetadata", *checkov_metadata(LOG_GROUP_CHECKS))),
    )


def python_function(
    scope: Construct,
    *,
    stack: cdk.Stack,
    path: Sequence[str],
    ids: tuple[str, str, str],
    code: Path,
    handler: str,
    description: str,
    timeout: cdk.Duration,
    memory: int,
    grants: Sequence[Grant] = (),
    ephemeral_storage: cdk.Size | None = None,
    role_description: str | None = None,
) -> PythonFunction:
    """A Python function (``handler`` in the directory ``code``) made in ``scope`` (at ``path``
    below ``stack``), with ``ids`` = (function, role, log group) construct ids.

    What the Python calls would make, in the same order, in one jsii request instead of about
    fifteen: ``logs.LogGroup(retention=ONE_YEAR, removal_policy=DESTROY)``; the role
    (:func:`.iam.role_expression`, ``grants`` inline, described as ``role_description``, default
    ``description``); ``log_group.grant_write(role)``, which
    makes the role's DefaultPolicy; ``lambda_.Function(runtime=PYTHON_RUNTIME, code=
    lambda_.Code.from_asset(code, follow_symlinks=BLOCK_EXTERNAL), role=role, log_group=log_group,
    ...)``; checkov's skips on the log group and the function (with their reasons); and the
    function's ``DependsOn`` on the DefaultPolicy only (CDK makes it depend on the whole role,
    which its Role property already orders; keeps cfn-lint W3005 quiet without ignoring it).
    """
    function_id, role_id, log_group_id = ids
    props: dict[str, Any] = {
        "runtime": PYTHON_RUNTIME,
        "handler": handler,
        "code": value("aws-cdk-lib:aws_lambda.Code", ("fromAsset", str(code), {"followSymlinks": value("aws-cdk-lib:SymlinkFollowMode.BLOCK_EXTERNAL")})),
        "role": result(2),
        "timeout": timeout,
        "memorySize": memory,
        "logGroup": result(0),
        "description": description,
    }
    if ephemeral_storage is not None:
        props["ephemeralStorageSize"] = ephemeral_storage
    depends_on = default_policy_id(stack, result(2), [*path, role_id, "DefaultPolicy", "Resource"])
    log_group, _, role, role_arn, _, function, _, _, function_arn = evaluate(
        *log_group_expressions(scope, log_group_id),
        role_expression(scope, role_id, service="lambda.amazonaws.com", description=role_description or description, grants=grants),
        (result(2), "roleArn"),
        (result(0), ("grantWrite", result(2))),
        ("aws-cdk-lib:aws_lambda.Function", ("new", scope, function_id, props)),
        (result(5), "node", "defaultChild", ("addMetadata", *checkov_metadata(FUNCTION_CHECKS))),
        (result(5), "node", "defaultChild", ("addOverride", "DependsOn", [depends_on])),
        (result(5), "functionArn"),
    )
    known(role, role_arn=role_arn)
    known(function, role=role, function_arn=function_arn)
    return PythonFunction(function, role, log_group)
