"""The bucket for artifacts sagestack derives (repacked models, default data-capture output)."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_s3 as s3
from constructs import Construct

from ..nag import acknowledge

__all__ = ["ArtifactBucket"]


class ArtifactBucket(Construct):
    """Private, encrypted, versioned, TLS-only. Kept when the stack is deleted: it can hold the
    only copy of a repacked model an endpoint still serves.

    Attributes: ``bucket`` (s3.Bucket).
    """

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            versioned=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        acknowledge(
            self.bucket,
            "AwsSolutions-S1",
            "Holds only artifacts sagestack derives (repacked models, captured data) written by its own roles; server access "
            "logs would need a second bucket per model stack. The shared stack (#7) adds one logging bucket for all.",
        )
