"""Acknowledging cdk-nag findings, each with its reason.

cdk-nag 3 reads CDK's own acknowledgments (``Validations.of(construct).acknowledge``); a rule with
several findings on one resource is acknowledged per finding (``AwsSolutions-IAM5[Resource::*]``).
An acknowledgment on a construct covers its children.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import aws_cdk as cdk
from constructs import IConstruct

from .iam import Grant

__all__ = ["acknowledge", "acknowledge_wildcards", "nag_text", "checkov_skip", "FUNCTION_CHECKS", "LOG_GROUP_CHECKS"]


def acknowledge(scope: IConstruct, rule: str, reason: str, findings: Sequence[str] = ()) -> None:
    """Acknowledge ``rule`` on ``scope`` (or only the listed findings of it), with ``reason``."""
    ids = [f"{rule}[{finding}]" for finding in findings] or [rule]
    cdk.Validations.of(scope).acknowledge(*[cdk.Acknowledgment(id=i, reason=reason) for i in ids])


def nag_text(stack: cdk.Stack, value: Any) -> str:
    """A value as cdk-nag prints it in findings: ``<LogicalId>`` for Ref, ``<LogicalId.Attr>`` for
    GetAtt, the export's name for ImportValue."""
    resolved = stack.resolve(value)

    def render(node: Any) -> str:
        if isinstance(node, str):
            return node
        if isinstance(node, dict) and "Ref" in node:
            return f"<{node['Ref']}>"
        if isinstance(node, dict) and "Fn::GetAtt" in node:
            return f"<{node['Fn::GetAtt'][0]}.{node['Fn::GetAtt'][1]}>"
        if isinstance(node, dict) and "Fn::ImportValue" in node and isinstance(node["Fn::ImportValue"], str):
            return node["Fn::ImportValue"]  # cdk-nag prints an import as the export's name
        if isinstance(node, dict) and "Fn::Join" in node:
            sep, parts = node["Fn::Join"]
            return sep.join(render(p) for p in parts)
        return str(node)

    return render(resolved)


def acknowledge_wildcards(scope: IConstruct, statements: Sequence[Grant], reason: str) -> None:
    """Acknowledge AwsSolutions-IAM5 for exactly the wildcard resources and actions in ``statements``."""
    findings: list[str] = []
    for grant in statements:
        actions, resources = grant.actions, grant.resources
        for resource in resources:
            if "*" not in resource:
                continue  # tokens never resolve to a wildcard: only literal text carries one
            text = nag_text(cdk.Stack.of(scope), resource) if "${Token[" in resource else resource
            findings.append(f"Resource::{text}")
        for action in actions:
            if "*" in action:
                findings.append(f"Action::{action}")
    if findings:
        acknowledge(scope, "AwsSolutions-IAM5", reason, sorted(set(findings)))


def checkov_skip(scope: IConstruct, checks: Sequence[tuple[str, str]]) -> None:
    """Skip checkov's ``checks`` (id, reason) on ``scope``'s CloudFormation resource: its
    ``Metadata.checkov.skip``, which checkov reads from the template, so the reason ships with it."""
    resource = scope if isinstance(scope, cdk.CfnResource) else scope.node.default_child
    assert isinstance(resource, cdk.CfnResource), scope
    resource.add_metadata("checkov", {"skip": [{"id": check, "comment": reason} for check, reason in checks]})


#: checkov findings on sagestack's Lambda functions (run-input check, repack, teardown), with their reasons.
FUNCTION_CHECKS = (
    ("CKV_AWS_115", "Called only by CloudFormation or by this model's state machine, a few times per run: reserved concurrency "
                    "would take from the account's unreserved pool, and cannot be set on accounts at the default minimum."),
    ("CKV_AWS_116", "No asynchronous event to keep: Step Functions calls it synchronously with retries and records failures in the "
                    "execution; CloudFormation waits for the handler's own response and fails the operation without one."),
    ("CKV_AWS_117", "Calls only AWS APIs (S3, SageMaker, Step Functions), no private endpoint; a VPC would need subnets with NAT "
                    "or VPC endpoints that nothing else here needs."),
)

#: checkov findings on sagestack's log groups, with their reasons.
LOG_GROUP_CHECKS = (
    ("CKV_AWS_158", "CloudWatch Logs encrypts every log group at rest; a customer key would add a key policy for the logs "
                    "service and a dependency on the key to every model stack, for logs that hold run metadata, not data."),
)
