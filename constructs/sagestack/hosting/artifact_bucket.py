"""The bucket for artifacts sagestack derives (repacked models, default data-capture output)."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_s3 as s3
from constructs import Construct

from ..nag import acknowledge

__all__ = ["ArtifactBucket", "private_bucket"]


def private_bucket(scope: Construct, construct_id: str, *, retain: bool, **props: object) -> s3.Bucket:
    """A bucket with no public access, SSE-S3, TLS-only and ACLs disabled. ``retain=False``: it is
    emptied (every object version) and deleted with its stack."""
    return s3.Bucket(
        scope,
        construct_id,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        removal_policy=cdk.RemovalPolicy.RETAIN if retain else cdk.RemovalPolicy.DESTROY,
        auto_delete_objects=not retain,
        **props,  # type: ignore[arg-type]  # BucketProps' keywords, passed through as the caller gave them
    )


class ArtifactBucket(Construct):
    """Private, encrypted, versioned, TLS-only.

    Attributes: ``bucket`` (s3.Bucket).
    """

    def __init__(self, scope: Construct, construct_id: str, *, retain: bool = True, access_logs: s3.IBucket | None = None, access_logs_prefix: str = "artifacts/") -> None:
        """
        :param retain: keep the bucket when its stack is deleted (default): it can hold the only
            copy of a repacked model an endpoint still serves. ``False`` (previews): the bucket and
            every object version in it are deleted with the stack.
        :param access_logs: bucket receiving S3 server access logs (default: none, acknowledged).
        :param access_logs_prefix: key prefix of those logs (default ``artifacts/``).
        """
        super().__init__(scope, construct_id)
        self.bucket = private_bucket(
            self, "Bucket", retain=retain, versioned=True,
            server_access_logs_bucket=access_logs, server_access_logs_prefix=access_logs_prefix if access_logs is not None else None,
        )
        if access_logs is None:
            acknowledge(
                self.bucket,
                "AwsSolutions-S1",
                "Holds only artifacts sagestack derives (repacked models, captured data) written by its own roles; pass "
                "access_logs (the infra app's shared stack does) to log requests to it.",
            )
