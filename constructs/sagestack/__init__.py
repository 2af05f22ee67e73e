"""sagestack: SageMaker models as reviewed descriptors and AWS CDK constructs.

Public API (imported lazily so that validation never pays for aws_cdk):

* ``sagestack.descriptor`` — ``ModelDescriptor``, ``load_catalog``, ``load_descriptor``,
  ``validate_data``, ``Issue``, ``DescriptorError``.
* ``sagestack.cli`` — the ``sagestack`` command.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("sagestack")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+local"

__all__ = ["__version__"]
