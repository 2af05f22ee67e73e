"""Resources every model of a catalog shares: the artifact bucket (with its access-log bucket), a
KMS key, and the notification topic runs report to.

The infra app puts them in one stack, ``sagestack-shared[-<environment or preview>]``; a platform
team's app can place :class:`SharedResources` in any stack and pass its attributes to
``TrainingPipeline(artifact_bucket=..., notification_topic=...)`` and ``ModelEndpoint(artifact_bucket=...)``.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from constructs import Construct

from .hosting.artifact_bucket import ArtifactBucket, private_bucket
from .nag import acknowledge, checkov_skip, gathers_acknowledgments

__all__ = ["SharedResources"]


class SharedResources(Construct):
    """The artifact bucket, its access-log bucket, a KMS key and the run-notification topic.

    Attributes: ``artifact_bucket`` (s3.Bucket), ``access_logs`` (s3.Bucket), ``key`` (kms.Key,
    rotated yearly; it encrypts the topic), ``topic`` (sns.Topic, TLS-only).
    """

    @gathers_acknowledgments
    def __init__(self, scope: Construct, construct_id: str, *, retain: bool = True) -> None:
        """
        :param retain: keep the buckets and the key when the stack is deleted (default). ``False``
            (previews): the buckets are emptied and deleted, the key is scheduled for deletion
            after KMS's 7-day minimum.
        """
        super().__init__(scope, construct_id)
        # Grant S3 log delivery by bucket policy, not by the legacy LogDeliveryWrite ACL (cfn-lint
        # W3045): CDK's feature flag, set for this construct's children only.
        self.node.set_context("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy", True)
        removal = cdk.RemovalPolicy.RETAIN if retain else cdk.RemovalPolicy.DESTROY
        # SSE-S3 (private_bucket's): S3 server access logging delivers only to SSE-S3 buckets, never SSE-KMS.
        self.access_logs = private_bucket(self, "AccessLogs", retain=retain, lifecycle_rules=[s3.LifecycleRule(expiration=cdk.Duration.days(365))])
        acknowledge(self.access_logs, "AwsSolutions-S1", "This is the access-log bucket; logging its own requests into itself would loop.")
        checkov_skip(self.access_logs, [
            ("CKV_AWS_18", "This is the access-log bucket; logging its own requests into itself would loop."),
            ("CKV_AWS_21", "S3 writes each log object once under a new key and the objects expire after a year: versions would only keep deleted logs."),
        ])
        self.artifact_bucket = ArtifactBucket(self, "Artifacts", retain=retain, access_logs=self.access_logs).bucket
        self.key = kms.Key(
            self, "Key", description="sagestack: encrypts the run-notification topic", enable_key_rotation=True, removal_policy=removal,
            pending_window=cdk.Duration.days(7) if not retain else None,
        )
        # The display name (the sender of e-mail notifications) is the stack's name: previews differ.
        self.topic = sns.Topic(self, "Runs", display_name=cdk.Stack.of(self).stack_name, master_key=self.key, enforce_ssl=True)
        if not retain:
            _drop_redundant_depends_on(cdk.Stack.of(self))


def _drop_redundant_depends_on(stack: cdk.Stack) -> None:
    """CDK's bucket auto-delete provider makes its function DependsOn its role, which it already
    references by GetAtt (cfn-lint W3005); drop the redundant DependsOn."""
    provider = stack.node.try_find_child("Custom::S3AutoDeleteObjectsCustomResourceProvider")
    if provider is None:
        return
    handler, role = provider.node.try_find_child("Handler"), provider.node.try_find_child("Role")
    if isinstance(handler, cdk.CfnResource) and isinstance(role, cdk.CfnResource):
        handler.remove_dependency(role)
