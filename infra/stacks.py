"""One CloudFormation stack per model descriptor.

The training pipeline (issue #5) and hosting constructs (issue #6) add resources here; until
then a model stack carries only what exists: its name, description and tags.
"""

from __future__ import annotations

import aws_cdk as cdk
from constructs import Construct

from sagestack.assembly import MODEL_TAG
from sagestack.descriptor import ModelDescriptor

STACK_PREFIX = "sagestack-"


def stack_name(descriptor: ModelDescriptor) -> str:
    return f"{STACK_PREFIX}{descriptor.name}"


class ModelStack(cdk.Stack):
    """Everything one model needs, named after it."""

    def __init__(self, scope: Construct, *, descriptor: ModelDescriptor, **kwargs: object) -> None:
        description = f"sagestack model {descriptor.name}: {descriptor.kind}"
        if descriptor.description:
            description += f" - {descriptor.description}"
        super().__init__(scope, stack_name(descriptor), description=description[:1024], **kwargs)  # type: ignore[arg-type]
        self.descriptor = descriptor
        cdk.Tags.of(self).add(MODEL_TAG, descriptor.name)
        for tag in descriptor.tags:
            cdk.Tags.of(self).add(tag.Key, tag.Value)
        if not self.node.children:
            # Nothing is faked: until the pipeline (#5) and hosting (#6) constructs exist, a model
            # stack has no resources, which CloudFormation would refuse to deploy.
            cdk.Validations.of(self).acknowledge(
                cdk.Acknowledgment(
                    id="CloudFormation-Validate::F0001",
                    reason="model stacks stay empty until the training-pipeline and hosting constructs land; synth only, not deployable yet",
                )
            )
