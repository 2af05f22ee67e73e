"""One CloudFormation stack per model descriptor.

Descriptors with ``model`` + ``deploy`` get their hosting resources (#6); descriptors with an
``estimator`` get their training pipeline (#5: training so far — deploying the trained model and
batch transform from a pipeline come next). A descriptor whose only action is not built yet
(``model`` + ``transformer``) gets a stack that carries only its name, description and tags.
"""

from __future__ import annotations

import os

import aws_cdk as cdk
from constructs import Construct

from sagestack.assembly import MODEL_TAG
from sagestack.descriptor import ModelDescriptor
from sagestack.hosting import ModelEndpoint
from sagestack.pipeline.construct import TrainingPipeline

STACK_PREFIX = "sagestack-"
DEFAULT_ENVIRONMENT = "dev"  # environments arrive with #7; the default needs no AWS account


def stack_name(descriptor: ModelDescriptor) -> str:
    return f"{STACK_PREFIX}{descriptor.name}"


class ModelStack(cdk.Stack):
    """Everything one model needs, named after it."""

    def __init__(self, scope: Construct, *, descriptor: ModelDescriptor, environment: str = DEFAULT_ENVIRONMENT, region: str | None = None, **kwargs: object) -> None:
        description = f"sagestack model {descriptor.name}: {descriptor.kind}"
        if descriptor.description:
            description += f" - {descriptor.description}"
        env = cdk.Environment(region=region or os.environ.get("CDK_DEFAULT_REGION", "us-east-1"), account=os.environ.get("CDK_DEFAULT_ACCOUNT"))
        super().__init__(scope, stack_name(descriptor), description=description[:1024], env=env, **kwargs)  # type: ignore[arg-type]
        self.descriptor = descriptor
        self.hosting: ModelEndpoint | None = None
        self.training: TrainingPipeline | None = None
        if descriptor.model is not None and descriptor.deploy is not None:
            self.hosting = ModelEndpoint(self, "Hosting", descriptor=descriptor, environment=environment)
        if descriptor.estimator is not None:
            self.training = TrainingPipeline(self, "Training", descriptor=descriptor)
        cdk.Tags.of(self).add(MODEL_TAG, descriptor.name)
        for tag in descriptor.tags:
            cdk.Tags.of(self).add(tag.Key, tag.Value)
        if not self.node.children:
            # Nothing is faked: batch transform from model data (#5) is not built yet, so such a
            # model's stack has no resources, which CloudFormation would refuse to deploy.
            cdk.Validations.of(self).acknowledge(
                cdk.Acknowledgment(
                    id="CloudFormation-Validate::F0001",
                    reason="batch transform of existing model data arrives with the pipeline (#5); until then this stack is synth-only",
                )
            )
