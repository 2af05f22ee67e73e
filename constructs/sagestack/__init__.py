"""sagestack: SageMaker models as reviewed descriptors and AWS CDK constructs.

The public API, for a platform team's own CDK app (``pip install sagestack``)::

    import sagestack

    d = sagestack.load_descriptor_or_raise("models/churn.yaml")         # or descriptor_from_dict({...})
    sagestack.TrainingPipeline(stack, "Churn", descriptor=d, environment="prod",
                               artifact_bucket=bucket, notification_topic=topic)
    sagestack.ModelEndpoint(stack, "Serving", descriptor=served, environment="prod")

Descriptors (pure Python and Pydantic; never import aws_cdk): ``ModelDescriptor``,
``load_descriptor``, ``load_descriptor_or_raise``, ``load_catalog``, ``descriptor_from_dict``,
``validate_data``, ``Issue``, ``DescriptorError``.
Constructs (import aws_cdk when first used): ``TrainingPipeline`` (train, then deploy or batch
transform, as a state machine), ``ModelEndpoint`` (existing model data served by CloudFormation),
``ArtifactBucket``, ``SharedResources`` (artifact bucket, access logs, KMS key, run topic).
Environments and previews (pure Python): ``load_environments``, ``apply_environment``,
``apply_preview``. Requests and definitions: ``render_requests``, ``pipeline_definition``.

Names resolve lazily, so ``import sagestack`` costs nothing and validation never loads aws_cdk.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("sagestack")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+local"

_EXPORTS = {
    "ModelDescriptor": "sagestack.descriptor",
    "Issue": "sagestack.descriptor",
    "DescriptorError": "sagestack.descriptor",
    "Catalog": "sagestack.descriptor",
    "load_catalog": "sagestack.descriptor",
    "load_descriptor": "sagestack.descriptor",
    "load_descriptor_or_raise": "sagestack.descriptor",
    "descriptor_from_dict": "sagestack.descriptor",
    "validate_data": "sagestack.descriptor",
    "render_requests": "sagestack.render",
    "RenderContext": "sagestack.render",
    "pipeline_definition": "sagestack.pipeline",
    "TrainingPipeline": "sagestack.pipeline.construct",
    "ModelEndpoint": "sagestack.hosting",
    "ArtifactBucket": "sagestack.hosting.artifact_bucket",
    "SharedResources": "sagestack.shared",
    "load_environments": "sagestack.environments",
    "apply_environment": "sagestack.environments",
    "apply_preview": "sagestack.environments",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sagestack' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
