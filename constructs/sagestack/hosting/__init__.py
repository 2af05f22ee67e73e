"""Hosting as CloudFormation: a construct per resource, and ``ModelEndpoint`` composing them
from a descriptor with ``model:`` + ``deploy:``.

Each construct places a request rendered by :mod:`sagestack.render` into its resource — the
CloudFormation properties of AWS::SageMaker::Model/EndpointConfig/Endpoint carry the API's own
names — fills the ``{{placeholders}}`` with CDK tokens, and exposes the resource as an attribute.
"""

from .autoscaling import VariantAutoscaling
from .endpoint import SageMakerEndpoint
from .endpoint_config import SageMakerEndpointConfig
from .model import SageMakerModel
from .model_endpoint import ModelEndpoint
from .repack import ModelRepack
from .role import ModelExecutionRole

__all__ = [
    "ModelEndpoint",
    "SageMakerModel",
    "SageMakerEndpointConfig",
    "SageMakerEndpoint",
    "VariantAutoscaling",
    "ModelExecutionRole",
    "ModelRepack",
]
