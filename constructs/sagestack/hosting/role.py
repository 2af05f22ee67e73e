"""The execution role a SageMaker model runs as, scoped to exactly what the model needs."""

from __future__ import annotations

from typing import Sequence

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from constructs import Construct

from ..nag import acknowledge_wildcards
from ..iam import ecr_pull, kms_use, vpc_network_interfaces
from ._tokens import s3_bucket_and_key

__all__ = ["ModelExecutionRole"]


class ModelExecutionRole(Construct):
    """An IAM role for ``sagemaker.amazonaws.com`` that can read the model data objects, pull the
    images' repositories and write the endpoint's logs — nothing else unless KMS keys, a VPC or
    data capture are configured.

    Attributes: ``role`` (iam.Role).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        model_data: Sequence[str],
        images: Sequence[str],
        endpoint_name: str,
        kms_keys: Sequence[str] = (),
        vpc: bool = False,
        capture_destinations: Sequence[str] = (),
    ) -> None:
        """
        :param model_data: S3 URIs of model.tar.gz objects the model reads (exact objects).
        :param images: image URIs; each ECR repository gets pull permissions.
        :param endpoint_name: the endpoint's name, for its log group.
        :param kms_keys: KMS key ids or ARNs to decrypt with (default: none, no KMS grant).
        :param vpc: whether the model runs in a VPC (needs ENI permissions).
        :param capture_destinations: S3 prefixes data capture writes to.
        """
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        self.role = iam.Role(self, "Role", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"), description="SageMaker model execution role (sagestack)")
        self.statements: list[iam.PolicyStatement] = []
        objects = []
        for uri in model_data:
            bucket, key = s3_bucket_and_key(uri)
            objects.append(f"arn:{stack.partition}:s3:::{bucket}/{key}")
        if objects:
            self._allow(iam.PolicyStatement(actions=["s3:GetObject"], resources=sorted(set(objects))))
        for statement in ecr_pull(stack, images):
            self._allow(statement)
        log_group = f"arn:{stack.partition}:logs:{stack.region}:{stack.account}:log-group:/aws/sagemaker/Endpoints/{endpoint_name}"
        self._allow(iam.PolicyStatement(actions=["logs:CreateLogGroup", "logs:DescribeLogStreams"], resources=[log_group]))
        self._allow(iam.PolicyStatement(actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[f"{log_group}:log-stream:*"]))
        # cloudwatch:PutMetricData has no resource-level permissions; the condition limits it to the
        # namespace SageMaker endpoints publish to.
        self._allow(
            iam.PolicyStatement(actions=["cloudwatch:PutMetricData"], resources=["*"], conditions={"StringEquals": {"cloudwatch:namespace": "/aws/sagemaker/Endpoints"}})
        )
        for prefix in capture_destinations:
            bucket, key = s3_bucket_and_key(prefix.rstrip("/") + "/")
            self._allow(iam.PolicyStatement(actions=["s3:PutObject"], resources=[f"arn:{stack.partition}:s3:::{bucket}/{key}*"]))
        for statement in kms_use(stack, kms_keys) + vpc_network_interfaces(vpc):
            self._allow(statement)
        acknowledge_wildcards(
            self.role,
            self.statements,
            "Wildcards only where IAM allows nothing narrower: ecr:GetAuthorizationToken and cloudwatch:PutMetricData "
            "(namespace-conditioned) take no resource; log streams of the endpoint's own log group; objects under this "
            "model's repacked-artifact or data-capture prefix (keys made at deploy time); EC2 network-interface actions for VPC models.",
        )

    def _allow(self, statement: iam.PolicyStatement) -> None:
        self.statements.append(statement)
        self.role.add_to_policy(statement)
