"""Acknowledging cdk-nag findings, each with its reason.

cdk-nag 3 reads CDK's own acknowledgments (``Validations.of(construct).acknowledge``); a rule with
several findings on one resource is acknowledged per finding (``AwsSolutions-IAM5[Resource::*]``).
An acknowledgment on a construct covers its children.

Each acknowledgment would be two jsii round trips, and the text of a finding that holds a token a
third, so the constructs gather them: inside ``with acknowledgments(scope):`` every ``acknowledge`` and
``acknowledge_wildcards`` is collected and attached to ``scope`` once, when the block ends, with
every token resolved in one call; the attaching itself is a deferred call (``sagestack.jsii_batch``).
An outer block gathers for the inner ones; outside any block an acknowledgment is attached at once.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import aws_cdk as cdk
from constructs import IConstruct

from .iam import Grant
from .jsii_batch import call, deferred
from .render.context import stable_sorted

__all__ = ["acknowledge", "acknowledge_wildcards", "acknowledgments", "gathers_acknowledgments", "nag_text", "checkov_skip", "checkov_metadata", "FUNCTION_CHECKS", "LOG_GROUP_CHECKS"]


class _Collected:
    """Acknowledgments gathered for one scope: finding id -> reasons, in order."""

    def __init__(self) -> None:
        self.reasons: dict[str, list[str]] = {}

    def add(self, ids: Sequence[str], reason: str) -> None:
        for i in ids:
            reasons = self.reasons.setdefault(i, [])
            if reason not in reasons:
                reasons.append(reason)

    def attach(self, scope: IConstruct) -> None:
        if not self.reasons:
            return
        tokens = sorted({i for i in self.reasons if "${Token[" in i})
        texts: dict[str, str] = {}
        if tokens:  # every finding that holds a token, resolved in one call
            stack = scope if isinstance(scope, cdk.Stack) else cdk.Stack.of(scope)
            texts = dict(zip(tokens, (_render(node) for node in stack.resolve(tokens)), strict=True))
        merged: dict[str, list[str]] = {}
        for i, reasons in self.reasons.items():
            for reason in reasons:
                if reason not in merged.setdefault(texts.get(i, i), []):
                    merged[texts.get(i, i)].append(reason)
        call("aws-cdk-lib:Validations", ("of", scope), ("acknowledge", *({"id": i, "reason": " ".join(reasons)} for i, reasons in merged.items())))


_gathering: list[_Collected] = []


@contextmanager
def acknowledgments(scope: IConstruct) -> Iterator[None]:
    """Gather the acknowledgments made in the block and attach them to ``scope`` when it ends
    (to the outermost block's scope when blocks nest); nothing is attached if the block raises."""
    if _gathering:
        yield
        return
    collected = _Collected()
    _gathering.append(collected)
    try:
        yield
    finally:
        _gathering.pop()
    collected.attach(scope)


_Init = TypeVar("_Init", bound=Callable[..., None])


def gathers_acknowledgments(init: _Init) -> _Init:
    """A construct's ``__init__`` whose acknowledgments (its children's too) are attached to the
    construct once, when it is built, and whose deferred calls (``sagestack.jsii_batch``) run then,
    in one jsii request."""

    @functools.wraps(init)
    def wrapper(self: IConstruct, *args: Any, **kwargs: Any) -> None:
        with deferred(), acknowledgments(self):  # the scope is used once __init__ has built it
            init(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]  # the same signature as init (functools.wraps), which mypy cannot see


def acknowledge(scope: IConstruct, rule: str, reason: str, findings: Sequence[str] = ()) -> None:
    """Acknowledge ``rule`` on ``scope`` (or only the listed findings of it), with ``reason``.
    A finding may hold tokens; it is acknowledged as cdk-nag prints it."""
    ids = [f"{rule}[{finding}]" for finding in findings] or [rule]
    if _gathering:
        _gathering[-1].add(ids, reason)
        return
    collected = _Collected()
    collected.add(ids, reason)
    collected.attach(scope)


def _render(node: Any) -> str:
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
        return sep.join(_render(p) for p in parts)
    return str(node)


def nag_text(stack: cdk.Stack, value: Any) -> str:
    """A value as cdk-nag prints it in findings: ``<LogicalId>`` for Ref, ``<LogicalId.Attr>`` for
    GetAtt, the export's name for ImportValue."""
    return _render(stack.resolve(value))


def acknowledge_wildcards(scope: IConstruct, statements: Sequence[Grant], reason: str) -> None:
    """Acknowledge AwsSolutions-IAM5 for exactly the wildcard resources and actions in ``statements``."""
    findings: list[str] = []
    for grant in statements:
        for resource in grant.resources:
            if "*" in resource:  # tokens never resolve to a wildcard: only literal text carries one
                findings.append(f"Resource::{resource}")
        for action in grant.actions:
            if "*" in action:
                findings.append(f"Action::{action}")
    if findings:
        acknowledge(scope, "AwsSolutions-IAM5", reason, stable_sorted(findings))


def checkov_skip(scope: IConstruct, checks: Sequence[tuple[str, str]]) -> None:
    """Skip checkov's ``checks`` (id, reason) on ``scope``'s CloudFormation resource: its
    ``Metadata.checkov.skip``, which checkov reads from the template, so the reason ships with it."""
    path = () if isinstance(scope, cdk.CfnResource) else ("node", "defaultChild")  # an L2's own resource
    call(scope, *path, ("addMetadata", *checkov_metadata(checks)))


def checkov_metadata(checks: Sequence[tuple[str, str]]) -> tuple[str, dict[str, Any]]:
    """The metadata entry (key, value) that skips checkov's ``checks`` (id, reason)."""
    return "checkov", {"skip": [{"id": check, "comment": reason} for check, reason in checks]}


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
