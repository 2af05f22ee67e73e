"""AWS::SageMaker::Endpoint: the stable name clients call."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from constructs import Construct

__all__ = ["SageMakerEndpoint"]


class SageMakerEndpoint(Construct):
    """An endpoint with a stable name. A new endpoint config updates it in place (SageMaker moves
    traffic without downtime); the name never changes, so clients keep working.

    Attributes: ``resource`` (CfnResource), ``endpoint_name`` (the stable name).
    """

    def __init__(self, scope: Construct, construct_id: str, *, request: dict[str, Any]) -> None:
        """
        :param request: a CreateEndpoint request with placeholders filled (its EndpointConfigName
            references the config, which orders the two).
        """
        super().__init__(scope, construct_id)
        self.resource = cdk.CfnResource(self, "Resource", type="AWS::SageMaker::Endpoint", properties=dict(request))
        self.endpoint_name: str = request["EndpointName"]
