"""AWS::SageMaker::Model from a rendered CreateModel request."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from constructs import Construct

from ..jsii_batch import evaluate, result
from ..nag import checkov_skip

__all__ = ["SageMakerModel"]


class SageMakerModel(Construct):
    """A SageMaker model. It has no fixed name: CloudFormation generates one, so a change to the
    image, environment or model data replaces the model and the endpoint config that uses it.

    Attributes: ``resource`` (CfnResource), ``model_name`` (token).
    """

    def __init__(self, scope: Construct, construct_id: str, *, request: dict[str, Any]) -> None:
        """
        :param request: a CreateModel request with placeholders already filled (ModelName is dropped).
        """
        super().__init__(scope, construct_id)
        properties = {k: v for k, v in request.items() if k != "ModelName"}
        # the resource and its ModelName (get_att(...).to_string()) in one jsii request, not three
        resource, self.model_name = evaluate(
            ("aws-cdk-lib:CfnResource", ("new", self, "Resource", {"type": "AWS::SageMaker::Model", "properties": properties})),
            (result(0), ("getAtt", "ModelName"), ("toString",)),
        )
        self.resource: cdk.CfnResource = resource
        if not properties.get("EnableNetworkIsolation"):
            checkov_skip(self.resource, [(
                "CKV_AWS_370",
                "Network isolation is the descriptor's enable_network_isolation (off by default, as in the SageMaker SDK): "
                "an isolated container cannot call S3 or other services at run time, which inference code may need.",
            )])

