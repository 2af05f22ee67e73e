"""The catalog's stacks: one shared stack, then one stack per model descriptor.

``sagestack-shared``: the artifact bucket (with its access-log bucket), a KMS key and the topic
every run reports to (``sagestack.SharedResources``). Every model stack references them.

``sagestack-<model>``: descriptors with ``model`` + ``deploy`` get their hosting resources as
CloudFormation; descriptors with an ``estimator`` (train, then deploy or batch transform) or
with ``model`` + ``transformer`` (batch transform of existing model data) get a pipeline: a state
machine whose every execution is one run.

Outside the default environment every name carries a suffix, the environment's name or the
preview's id: ``sagestack-shared-prod``, ``sagestack-mnist-tf-pr-123``. A model stack holds at
most about 25 resources, so no catalog size brings a stack near CloudFormation's limits.
"""

from __future__ import annotations

import os
from typing import Any

import aws_cdk as cdk
from constructs import Construct

from sagestack.assembly import MODEL_TAG
from sagestack.descriptor import ModelDescriptor
from sagestack.descriptor.descriptor import STACK_DESCRIPTION_MAX_BYTES
from sagestack.hosting import ModelEndpoint
from sagestack.iam import StackEnv, known
from sagestack.jsii_batch import call, evaluate, result
from sagestack.nag import gathers_acknowledgments
from sagestack.pipeline.construct import TrainingPipeline
from sagestack.pipeline.steps.add_model import MultiModelTarget
from sagestack.previews import PREVIEW_TAG, TTL_TAG  # what `sagestack previews` reads
from sagestack.shared import SharedResources

ENVIRONMENT_TAG = "sagestack:environment"
STACK_PREFIX = "sagestack-"
SHARED = "shared"
DEFAULT_ENVIRONMENT = "dev"


_ACCOUNT_ID: list[str] = []


def _account_id() -> str:
    """The account of a stack made without one directly in an App (which has none either):
    ``cdk.Aws.ACCOUNT_ID``, as aws-cdk-lib gives it; read once, not once per stack."""
    if not _ACCOUNT_ID:
        _ACCOUNT_ID.append(cdk.Aws.ACCOUNT_ID)
    return _ACCOUNT_ID[0]


_PARTITIONS: dict[str, str] = {}


def _partition(stack: cdk.Stack, region: str) -> str:
    """``stack.partition``: what aws-cdk-lib gives every stack of one region (the partition's
    name, or the AWS::Partition token where the region is unknown to it), read once per region."""
    if region not in _PARTITIONS:
        _PARTITIONS[region] = stack.partition
    return _PARTITIONS[region]


def stack_name(name: str, suffix: str | None = None) -> str:
    """``sagestack-<name>``, plus ``-<suffix>`` outside the default environment."""
    return f"{STACK_PREFIX}{name}" + (f"-{suffix}" if suffix else "")


class _CatalogStack(cdk.Stack):
    def __init__(self, scope: Construct, name: str, *, description: str, environment: str, suffix: str | None, preview: str | None, ttl_hours: int | None, region: str | None, account: str | None) -> None:
        region = region or os.environ.get("CDK_DEFAULT_REGION", "us-east-1")
        account = account or os.environ.get("CDK_DEFAULT_ACCOUNT")
        env = cdk.Environment(region=region, account=account)
        # CloudFormation takes 1,024 bytes; aws-cdk-lib's own check stops at 512 characters whatever
        # their size, so a longer description goes on the template directly. Descriptors are validated
        # to fit (DESCRIPTION_MAX_BYTES), so a longer one here is a bug, not a user error.
        if len(description.encode("utf-8")) > STACK_DESCRIPTION_MAX_BYTES:
            raise ValueError(f"stack description of {len(description.encode('utf-8'))} bytes exceeds CloudFormation's {STACK_DESCRIPTION_MAX_BYTES}")
        short = len(description) <= 512  # passed at construction: no extra jsii round trips
        self.name = stack_name(name, suffix)  # the stack's name, read without jsii
        super().__init__(scope, self.name, env=env, description=description if short else None)
        if not short:
            self.template_options.description = description
        if isinstance(scope, cdk.App):  # what the constructs read of their stack, known here (no jsii read, not five)
            self.__dict__["_sagestack_env"] = StackEnv(_partition(self, region), region, account or _account_id(), self.name)
        self.tag(ENVIRONMENT_TAG, environment)
        if preview is not None:
            self.tag(PREVIEW_TAG, preview)
            self.tag(TTL_TAG, str(ttl_hours))
            # A preview leaves nothing behind: `cdk destroy` deletes every resource it created.
            call("aws-cdk-lib:RemovalPolicies", ("of", self), ("destroy",))

    def tag(self, key: str, value: str) -> None:
        """``cdk.Tags.of(self).add(key, value)``, as a deferred call (``sagestack.jsii_batch``)."""
        call("aws-cdk-lib:Tags", ("of", self), ("add", key, value))


class SharedStack(_CatalogStack):
    """The resources every model stack of the catalog shares (``sagestack.SharedResources``).

    Model stacks read them through named exports, ``<this stack's name>:ArtifactBucketName``,
    ``:TopicArn`` and ``:KeyArn``: stable names that a model stack's IAM acknowledgments can cite,
    and that a platform team's own stacks can import too.
    """

    EXPORTS = ("ArtifactBucketName", "TopicArn", "KeyArn")

    @gathers_acknowledgments
    def __init__(self, scope: Construct, *, environment: str = DEFAULT_ENVIRONMENT, suffix: str | None = None, preview: str | None = None, ttl_hours: int | None = None, region: str | None = None, account: str | None = None) -> None:
        super().__init__(
            scope, SHARED, description="sagestack shared resources: artifact bucket, access logs, KMS key, run notifications",
            environment=environment, suffix=suffix, preview=preview, ttl_hours=ttl_hours, region=region, account=account,
        )
        self.resources = SharedResources(self, "Shared", retain=preview is None)
        values = (self.resources.artifact_bucket.bucket_name, self.resources.topic.topic_arn, self.resources.key.key_arn)
        for export, value in zip(self.EXPORTS, values, strict=True):
            cdk.CfnOutput(self, export, value=value, export_name=f"{self.name}:{export}")
        self._imported: dict[str, str] | None = None

    @property
    def imported(self) -> dict[str, str]:
        """Each export as another stack imports it (``Fn::ImportValue`` of its name), made once."""
        if self._imported is None:
            self._imported = {name: cdk.Fn.import_value(f"{self.name}:{name}") for name in self.EXPORTS}
        return self._imported



class ModelStack(_CatalogStack):
    """Everything one model needs, named after it.

    :param shared: the catalog's shared stack, whose exports this stack imports (default: none;
        the constructs then create their own bucket and notify only a descriptor's
        ``notification_topic``).
    :param suffix: appended to stack, endpoint and run names (the environment's name outside the
        default environment, or the preview id).
    :param multi_model: the multi-model endpoint the pipeline's runs add their model to
        (``add_model.multi_data_model``: that catalog descriptor's prefix and endpoint name).
    """

    @gathers_acknowledgments
    def __init__(
        self,
        scope: Construct,
        *,
        descriptor: ModelDescriptor,
        shared: SharedStack | None = None,
        environment: str = DEFAULT_ENVIRONMENT,
        suffix: str | None = None,
        preview: str | None = None,
        ttl_hours: int | None = None,
        region: str | None = None,
        account: str | None = None,
        multi_model: MultiModelTarget | None = None,
    ) -> None:
        super().__init__(scope, descriptor.name, description=descriptor.stack_description, environment=environment, suffix=suffix, preview=preview, ttl_hours=ttl_hours, region=region, account=account)
        # Default endpoint names are <model>-<environment or preview id>; run names carry the suffix,
        # so two environments or previews in one account never share names, IAM scope or teardown.
        label = preview or environment
        bucket, topic = None, None
        if shared is not None:
            call(self, ("addStackDependency", shared))
            # One token per export for the whole catalog: an import resolves to the same
            # Fn::ImportValue in any stack, and the templates' order does not depend on token numbers.
            imported = shared.imported
            # The constructs read an imported bucket's name, a topic's ARN and its key's ARN as they
            # were given (CDK keeps them as they are): known here, so never asked for through jsii.
            # s3.Bucket.from_bucket_name(self, "SharedArtifacts", <name>), its bucket_arn, and
            # sns.Topic.from_topic_attributes(self, "SharedTopic", ...): one jsii request.
            expressions: list[tuple[Any, ...]] = [
                ("aws-cdk-lib:aws_s3.Bucket", ("fromBucketName", self, "SharedArtifacts", imported["ArtifactBucketName"])),
                (result(0), "bucketArn"),
            ]
            if descriptor.notification_topic is None:  # runs report to the shared topic unless the descriptor names its own
                expressions.append(("aws-cdk-lib:aws_sns.Topic", ("fromTopicAttributes", self, "SharedTopic", {"topicArn": imported["TopicArn"], "keyArn": imported["KeyArn"]})))
            made = evaluate(*expressions)
            bucket = known(made[0], bucket_name=imported["ArtifactBucketName"], bucket_arn=made[1])
            if len(made) > 2:
                topic = known(made[2], topic_arn=imported["TopicArn"], key_arn=imported["KeyArn"])
        self.descriptor = descriptor
        self.hosting: ModelEndpoint | None = None
        self.training: TrainingPipeline | None = None
        if descriptor.model is not None and descriptor.deploy is not None:
            self.hosting = ModelEndpoint(self, "Hosting", descriptor=descriptor, environment=label, artifact_bucket=bucket)
        if descriptor.estimator is not None or descriptor.transformer is not None or descriptor.processing is not None:
            # A preview never trains by itself: its schedule and new-data rule are synthesized switched off.
            self.training = TrainingPipeline(
                self, "Training", descriptor=descriptor, environment=label, artifact_bucket=bucket, notification_topic=topic, name_suffix=suffix, triggers_enabled=preview is None, registry_retained=preview is None,
                multi_model=multi_model,
            )
        self.tag(MODEL_TAG, descriptor.name)
        for tag in descriptor.tags:
            self.tag(tag.Key, tag.Value)
