"""The descriptor language: Pydantic models mirroring the SageMaker Python SDK's calls, their
loader (YAML or Python, with source lines) and the cross-field rules.

This package never imports aws_cdk (a test proves it), so validation stays fast.
"""

from .descriptor import NAME_MAX, SECTIONS, ModelDescriptor
from .issues import LINE_FORMAT, Issue
from .loader import Catalog, DescriptorError, LoadResult, descriptor_from_dict, load_catalog, load_descriptor, load_descriptor_or_raise, validate_data

__all__ = [
    "ModelDescriptor",
    "SECTIONS",
    "NAME_MAX",
    "Issue",
    "LINE_FORMAT",
    "Catalog",
    "LoadResult",
    "DescriptorError",
    "load_catalog",
    "load_descriptor",
    "load_descriptor_or_raise",
    "descriptor_from_dict",
    "validate_data",
]
