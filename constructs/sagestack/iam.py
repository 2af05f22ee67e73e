"""IAM statements shared by the execution roles sagestack generates (hosting and training)."""

from __future__ import annotations

from typing import Sequence

import aws_cdk as cdk
from aws_cdk import aws_iam as iam


__all__ = ["ecr_pull", "kms_use", "vpc_network_interfaces", "require_region"]

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
    if cdk.Token.is_unresolved(stack.region):
        raise ValueError(f"{what} needs a stack with a concrete region: image URIs differ per region")


def ecr_pull(stack: cdk.Stack, images: Sequence[str]) -> list[iam.PolicyStatement]:
    """Pull exactly these images' ECR repositories (nothing for images outside ECR)."""
    repositories = sorted({r for r in (ecr_repository(i) for i in images) if r is not None})
    if not repositories:
        return []
    return [
        iam.PolicyStatement(
            actions=["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
            resources=[f"arn:{stack.partition}:ecr:{region}:{account}:repository/{repo}" for account, region, repo in repositories],
        ),
        # ecr:GetAuthorizationToken has no resource-level permissions: "*" is the only valid resource.
        iam.PolicyStatement(actions=["ecr:GetAuthorizationToken"], resources=["*"]),
    ]


def kms_use(stack: cdk.Stack, keys: Sequence[str | None]) -> list[iam.PolicyStatement]:
    """Use exactly these KMS keys (ids, aliases or ARNs); nothing when none are given."""
    arns = set()
    for key in (k for k in keys if k):
        if key.startswith("arn:"):
            arns.add(key)
        elif key.startswith("alias/"):
            arns.add(f"arn:{stack.partition}:kms:{stack.region}:{stack.account}:{key}")
        else:
            arns.add(f"arn:{stack.partition}:kms:{stack.region}:{stack.account}:key/{key}")
    if not arns:
        return []
    return [iam.PolicyStatement(actions=["kms:Decrypt", "kms:GenerateDataKey", "kms:CreateGrant"], resources=sorted(arns))]


def vpc_network_interfaces(enabled: bool) -> list[iam.PolicyStatement]:
    """ENI permissions for a job or model in a VPC; nothing otherwise."""
    return [iam.PolicyStatement(actions=list(VPC_ENI_ACTIONS), resources=["*"])] if enabled else []
