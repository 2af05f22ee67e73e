"""IAM statements shared by the execution roles sagestack generates (hosting and training)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from constructs import Construct

from .jsii_batch import evaluate, result, value
from .render.context import stable_sorted, token_blind

__all__ = ["Grant", "StackEnv", "stack_env", "read", "known", "topic_key_arn", "placed", "stack_of", "logical_id", "default_policy_id", "path_in_stack", "statement", "policy_json", "role_with_grants", "role_expression", "ecr_pull", "kms_use", "vpc_network_interfaces", "require_region"]


@dataclass(frozen=True)
class StackEnv:
    """A stack's partition, region and account (tokens or literals), as Python strings."""

    partition: str
    region: str
    account: str
    path: str  # the stack's construct path


def stack_env(stack: cdk.Stack) -> StackEnv:
    """``stack``'s partition, region and account, read once per stack: every read of a construct's
    property is a jsii round trip, and every construct of a model reads them."""
    env = stack.__dict__.get("_sagestack_env")
    if env is None:
        env = StackEnv(stack.partition, stack.region, stack.account, stack.node.path)
        stack.__dict__["_sagestack_env"] = env
    return env


@dataclass(frozen=True)
class Grant:
    """One Allow statement, kept as plain Python: a role's grants become one policy document in a
    single jsii call (an iam.PolicyStatement per statement, added one by one, costs two round
    trips each), and the cdk-nag acknowledgments (nag.py) read them without jsii."""

    actions: tuple[str, ...]
    resources: tuple[str, ...]
    conditions: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"Effect": "Allow", "Action": list(self.actions) if len(self.actions) > 1 else self.actions[0]}
        out["Resource"] = list(self.resources) if len(self.resources) > 1 else self.resources[0]
        if self.conditions:
            out["Condition"] = self.conditions
        return out


def path_in_stack(construct: Construct, stack: cdk.Stack) -> list[str]:
    """The construct ids from ``stack`` down to ``construct`` (one jsii read)."""
    return construct.node.path[len(stack_env(stack).path) + 1 :].split("/")


def read(obj: Any, name: str) -> Any:
    """``obj.<name>``, asked through jsii once per object: the properties read this way (names,
    ARNs, a function's role) are set when the construct is made, and every read is a round trip."""
    reads = obj.__dict__.setdefault("_sagestack_reads", {})
    if name not in reads:
        reads[name] = getattr(obj, name)
    return reads[name]


def known(obj: Any, **values: Any) -> Any:
    """Record property values of ``obj`` that Python already holds (the name an imported bucket
    was made from, the role a function was given), so that :func:`read` never asks for them."""
    obj.__dict__.setdefault("_sagestack_reads", {}).update(values)
    return obj


def topic_key_arn(topic: Any) -> str | None:
    """The ARN of ``topic``'s KMS key, None when it has none: as recorded with
    ``known(topic, key_arn=...)`` where the topic was imported with it, else read (two round trips)."""
    reads = topic.__dict__.get("_sagestack_reads", {})
    if "key_arn" in reads:
        return reads["key_arn"]  # type: ignore[no-any-return]  # what known() recorded: a str
    key = read(topic, "master_key") if hasattr(topic, "master_key") else None
    return read(key, "key_arn") if key is not None else None


def placed(construct: Construct, scope: Construct, construct_id: str) -> tuple[cdk.Stack, list[str]]:
    """The stack of ``construct``, just made as ``construct_id`` in ``scope``, and its construct
    ids below that stack: without jsii when ``scope`` is the stack or was itself placed this way
    (else two reads). Remembered for the construct's own children."""
    parent = scope.__dict__.get("_sagestack_placed")
    if isinstance(scope, cdk.Stack):
        place = (scope, [construct_id])
    elif parent is not None:
        place = (parent[0], [*parent[1], construct_id])
    else:
        stack = cdk.Stack.of(construct)
        place = (stack, path_in_stack(construct, stack))
    construct.__dict__["_sagestack_placed"] = place
    return place


def stack_of(construct: Construct) -> cdk.Stack:
    """``cdk.Stack.of(construct)``, without jsii for a stack or a construct :func:`placed` placed."""
    if isinstance(construct, cdk.Stack):
        return construct
    place = construct.__dict__.get("_sagestack_placed")
    return place[0] if place is not None else cdk.Stack.of(construct)


def logical_id(path: Sequence[str]) -> str:
    """The logical ID aws-cdk-lib gives the resource at ``path`` (construct ids below its stack),
    computed as aws-cdk-lib's ``makeUniqueId`` does, without asking the stack through jsii:
    the ids without ``Default``; alone, the id itself; else the ids (without an id the one kept
    before it ends with, and without ``Resource``), at most 240 characters, then the first 8 hex
    digits of the MD5 of the path."""
    ids = [i for i in path if i != "Default"]
    if len(ids) == 1 and len(re.sub("[^A-Za-z0-9]", "", ids[0])) <= 255:
        return re.sub("[^A-Za-z0-9]", "", ids[0])
    digest = hashlib.md5("/".join(ids).encode("utf-8")).hexdigest()[:8].upper()
    kept: list[str] = []
    for i in ids:
        if not kept or not kept[-1].endswith(i):
            kept.append(i)
    return "".join(re.sub("[^A-Za-z0-9]", "", i) for i in kept if i != "Resource")[:240] + digest


def default_policy_id(stack: cdk.Stack, role: Any, path: Sequence[str]) -> str | dict[str, Any]:
    """The logical ID of ``role``'s DefaultPolicy, whose resource is at ``path`` in ``stack``:
    computed without jsii, unless the stack allocates logical IDs its own way; then the stack is
    asked when the call that takes it runs (a :func:`.jsii_batch.value`: the policy may be made
    by a call of the same batch, and ``role`` may be a :func:`.jsii_batch.result`)."""
    if type(stack)._allocate_logical_id is cdk.Stack._allocate_logical_id:
        return logical_id(path)
    return value(stack, ("getLogicalId", value(role, "node", ("findChild", "DefaultPolicy"), "node", "defaultChild")))


def statement(*, actions: Sequence[str], resources: Sequence[str], conditions: dict[str, Any] | None = None) -> Grant:
    """An Allow statement on exactly ``resources``."""
    return Grant(tuple(actions), tuple(resources), conditions)


def policy_json(grants: Sequence[Grant]) -> dict[str, Any]:
    """The policy document of ``grants`` (``iam.PolicyDocument.from_json`` takes it)."""
    return {"Version": "2012-10-17", "Statement": [g.to_json() for g in grants]}


def role_with_grants(scope: Construct, construct_id: str, *, service: str, description: str, grants: Sequence[Grant]) -> iam.Role:
    """A role for ``service`` whose permissions are an inline policy: they exist as soon as the
    role does, so nothing that uses the role waits for a separate AWS::IAM::Policy (CDK's own
    grants, e.g. log writing, still go to the role's DefaultPolicy). Made with its ARN in one
    jsii request (three as Python calls: the document, the role, its ARN)."""
    role, arn = evaluate(role_expression(scope, construct_id, service=service, description=description, grants=grants), (result(0), "roleArn"))
    return known(role, role_arn=arn)  # type: ignore[no-any-return]  # an iam.Role, as jsii returns it


def role_expression(scope: Construct, construct_id: str, *, service: str, description: str, grants: Sequence[Grant]) -> tuple[Any, ...]:
    """``iam.Role(scope, construct_id, assumed_by=<service>, description=description,
    inline_policies={"sagestack": iam.PolicyDocument.from_json(<grants>)})`` as a
    :mod:`.jsii_batch` expression, to make with other calls in one request."""
    props: dict[str, Any] = {"assumedBy": service_principal(service), "description": description}
    if grants:
        props["inlinePolicies"] = {"sagestack": value("aws-cdk-lib:aws_iam.PolicyDocument", ("fromJson", policy_json(grants)))}
    return ("aws-cdk-lib:aws_iam.Role", ("new", scope, construct_id, props))


_principals: dict[str, iam.ServicePrincipal] = {}


def service_principal(service: str) -> iam.ServicePrincipal:
    """One ``iam.ServicePrincipal`` per service for the whole app: it holds nothing of the role or
    stack it is used in, and each one made is a jsii round trip."""
    if service not in _principals:
        _principals[service] = iam.ServicePrincipal(service)
    return _principals[service]


# What SageMaker needs to attach a job's or a model's containers to your subnets. Create/Describe
# of network interfaces in caller-chosen subnets take no resource-level scoping.
VPC_ENI_ACTIONS = [
    "ec2:CreateNetworkInterface", "ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface",
    "ec2:DeleteNetworkInterfacePermission", "ec2:DescribeNetworkInterfaces", "ec2:DescribeVpcs",
    "ec2:DescribeDhcpOptions", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups",
]


def ecr_repository(image: str) -> tuple[str, str, str] | None:
    """``<account>.dkr.ecr.<region>.<domain>/<repo>:<tag>`` → (account, region, repo); None otherwise."""
    host, _, rest = image.partition("/")
    parts = host.split(".")
    if len(parts) < 4 or parts[1] != "dkr" or parts[2] != "ecr":
        return None
    repo = rest.split("@", 1)[0]
    if ":" in repo.rsplit("/", 1)[-1]:
        repo = repo.rsplit(":", 1)[0]
    return parts[0], parts[3], repo


def require_region(stack: cdk.Stack, what: str) -> None:
    """Image URIs differ per region: constructs that resolve them need a concrete one."""
    if "${Token[" in stack_env(stack).region:  # an unresolved token (Token.is_unresolved, without jsii)
        raise ValueError(f"{what} needs a stack with a concrete region: image URIs differ per region")


def ecr_pull(stack: cdk.Stack, images: Sequence[str]) -> list[Grant]:
    """Pull exactly these images' ECR repositories (nothing for images outside ECR)."""
    repositories = sorted(dict.fromkeys(r for r in (ecr_repository(i) for i in images) if r is not None), key=lambda r: tuple(map(token_blind, r)))
    if not repositories:
        return []
    return [
        statement(
            actions=["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
            resources=[f"arn:{stack_env(stack).partition}:ecr:{region}:{account}:repository/{repo}" for account, region, repo in repositories],
        ),
        # ecr:GetAuthorizationToken has no resource-level permissions: "*" is the only valid resource.
        statement(actions=["ecr:GetAuthorizationToken"], resources=["*"]),
    ]


def kms_use(stack: cdk.Stack, keys: Sequence[str | None]) -> list[Grant]:
    """Use exactly these KMS keys (ids, key ARNs, aliases or alias ARNs); nothing when none are given.

    IAM matches a key operation against the key's ARN, never an alias ARN, so an alias is granted
    on the account's keys with the ``kms:ResourceAliases`` condition: it holds for the key that has
    the alias however the caller names it. ``kms:RequestAlias`` would not do: it is present only
    when the request itself says the alias, and S3 and SageMaker decrypt by the key id stored with
    the data."""
    arns: list[str] = []
    aliases: dict[tuple[str, str], list[str]] = {}  # (region, account) -> alias names, in the order given
    for key in (k for k in keys if k):
        if key.startswith("arn:"):
            parts = key.split(":", 5)
            if len(parts) == 6 and parts[5].startswith("alias/"):
                aliases.setdefault((parts[3], parts[4]), []).append(parts[5])
            else:
                arns.append(key)
        elif key.startswith("alias/"):
            aliases.setdefault((stack_env(stack).region, stack_env(stack).account), []).append(key)
        else:
            arns.append(f"arn:{stack_env(stack).partition}:kms:{stack_env(stack).region}:{stack_env(stack).account}:key/{key}")
    actions = ["kms:Decrypt", "kms:GenerateDataKey", "kms:CreateGrant"]
    grants = [statement(actions=actions, resources=stable_sorted(arns))] if arns else []
    for (region, account), names in sorted(aliases.items(), key=lambda item: tuple(map(token_blind, item[0]))):
        grants.append(statement(
            actions=actions,
            # Key ids behind an alias are unknown at synth: any key of the account, if it has the alias.
            resources=[f"arn:{stack_env(stack).partition}:kms:{region}:{account}:key/*"],
            conditions={"ForAnyValue:StringEquals": {"kms:ResourceAliases": stable_sorted(names)}},
        ))
    return grants


def vpc_network_interfaces(enabled: bool) -> list[Grant]:
    """ENI permissions for a job or model in a VPC; nothing otherwise."""
    return [statement(actions=list(VPC_ENI_ACTIONS), resources=["*"])] if enabled else []
