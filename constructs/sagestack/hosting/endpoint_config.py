"""AWS::SageMaker::EndpointConfig from a rendered CreateEndpointConfig request."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from constructs import Construct

from ..jsii_batch import call, evaluate, result
from ..nag import acknowledge

__all__ = ["SageMakerEndpointConfig"]


class SageMakerEndpointConfig(Construct):
    """An endpoint config (immutable in SageMaker, so CloudFormation replaces it on any change and
    the endpoint moves to the new one). No fixed name.

    Attributes: ``resource`` (CfnResource), ``endpoint_config_name`` (token).
    """

    def __init__(self, scope: Construct, construct_id: str, *, request: dict[str, Any]) -> None:
        """
        :param request: a CreateEndpointConfig request with placeholders filled (its name is dropped).
        """
        super().__init__(scope, construct_id)
        properties = {k: v for k, v in request.items() if k != "EndpointConfigName"}
        # the resource and its EndpointConfigName (get_att(...).to_string()) in one jsii request, not three
        resource, self.endpoint_config_name = evaluate(
            ("aws-cdk-lib:CfnResource", ("new", self, "Resource", {"type": "AWS::SageMaker::EndpointConfig", "properties": properties})),
            (result(0), ("getAtt", "EndpointConfigName"), ("toString",)),
        )
        self.resource: cdk.CfnResource = resource
        if any("AcceleratorType" in variant for variant in request.get("ProductionVariants", [])):
            # Elastic Inference reached end of life in April 2024. botocore and CDK still carry
            # AcceleratorType, current CloudFormation schemas do not (cfn-lint E3002). Synthesized as
            # the SDK would send it; validation has already warned that it will not deploy.
            call(self.resource, ("addMetadata", "cfn-lint", {"config": {"ignore_checks": ["E3002"]}}))
            acknowledge(
                self.resource, "CloudFormation-Validate::F3002",
                "AcceleratorType (Elastic Inference) is not in current CloudFormation schemas: end of life since April 2024; synthesized as the SDK sends it, and validation warned",
            )
