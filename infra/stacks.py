"""One CloudFormation stack per model descriptor.

Descriptors with ``model`` + ``deploy`` get their hosting resources as CloudFormation (#6);
descriptors with an ``estimator`` (train, then deploy or batch transform) or with ``model`` +
``transformer`` (batch transform of existing model data) get a pipeline: a state machine whose
every execution is one run (#5).
"""

from __future__ import annotations

import os

import aws_cdk as cdk
from constructs import Construct

from sagestack.assembly import MODEL_TAG

ENVIRONMENT_TAG = "sagestack:environment"
from sagestack.descriptor import ModelDescriptor
from sagestack.hosting import ModelEndpoint
from sagestack.pipeline.construct import TrainingPipeline

STACK_PREFIX = "sagestack-"
DEFAULT_ENVIRONMENT = "dev"  # environments arrive with #7; the default needs no AWS account


def stack_name(descriptor: ModelDescriptor, environment: str = DEFAULT_ENVIRONMENT, *, default_environment: str = DEFAULT_ENVIRONMENT) -> str:
    """``sagestack-<model>`` in the default environment, ``sagestack-<model>-<environment>`` elsewhere."""
    suffix = "" if environment == default_environment else f"-{environment}"
    return f"{STACK_PREFIX}{descriptor.name}{suffix}"


class ModelStack(cdk.Stack):
    """Everything one model needs, named after it."""

    def __init__(
        self,
        scope: Construct,
        *,
        descriptor: ModelDescriptor,
        environment: str = DEFAULT_ENVIRONMENT,
        default_environment: str = DEFAULT_ENVIRONMENT,
        region: str | None = None,
        account: str | None = None,
        **kwargs: object,
    ) -> None:
        description = f"sagestack model {descriptor.name}: {descriptor.kind}"
        if descriptor.description:
            description += f" - {descriptor.description}"
        env = cdk.Environment(region=region or os.environ.get("CDK_DEFAULT_REGION", "us-east-1"), account=account or os.environ.get("CDK_DEFAULT_ACCOUNT"))
        name = stack_name(descriptor, environment, default_environment=default_environment)
        super().__init__(scope, name, description=description[:1024], env=env, **kwargs)  # type: ignore[arg-type]
        # Outside the default environment, run names carry the environment: two environments in one
        # account never share names, IAM scope or teardown.
        suffix = None if environment == default_environment else environment
        self.descriptor = descriptor
        self.hosting: ModelEndpoint | None = None
        self.training: TrainingPipeline | None = None
        if descriptor.model is not None and descriptor.deploy is not None:
            self.hosting = ModelEndpoint(self, "Hosting", descriptor=descriptor, environment=environment)
        if descriptor.estimator is not None or descriptor.transformer is not None:
            self.training = TrainingPipeline(self, "Training", descriptor=descriptor, environment=environment, name_suffix=suffix)
        cdk.Tags.of(self).add(MODEL_TAG, descriptor.name)
        cdk.Tags.of(self).add(ENVIRONMENT_TAG, environment)
        for tag in descriptor.tags:
            cdk.Tags.of(self).add(tag.Key, tag.Value)
