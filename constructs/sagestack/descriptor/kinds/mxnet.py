"""MXNet: ``sagemaker.mxnet.MXNet`` and ``MXNetModel``."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from packaging.version import InvalidVersion, Version

from ..base import sdk_field
from ..estimator import FrameworkEstimator
from ..model import FrameworkModelBase
from ..types import ServingStyle
from . import Kind

# MXNetModel._LOWEST_MMS_VERSION: from here the inference code is repacked into model.tar.gz
# (Multi Model Server images); before it, the model loads it from the code archive beside it.
LOWEST_MMS_VERSION = "1.4.0"


def _serving(framework_version: str | None) -> ServingStyle:
    try:
        before_mms = framework_version is not None and Version(framework_version) < Version(LOWEST_MMS_VERSION)
    except InvalidVersion:
        before_mms = False
    return "code-archive" if before_mms else "framework"


class MXNetEstimator(FrameworkEstimator):
    """``sagemaker.mxnet.MXNet``."""

    framework: ClassVar[str] = "mxnet"
    # Parameter servers in every version, Horovod from 1.6 (the SDK's MXNet docs).
    # (MXNet._configure_distribution refuses any distribution before 1.3.)
    DISTRIBUTIONS: ClassVar[dict[str, str | None]] = {"parameter_server": "1.3", "mpi": "1.6"}
    METRICS_FROM: ClassVar[str | None] = "1.6"
    type: Literal["MXNet"] = sdk_field(doc="The SDK class.", lands_in=None)

    def serving(self, deploy: Any) -> ServingStyle:
        return _serving(self.framework_version)


class MXNetModelSpec(FrameworkModelBase):
    """``sagemaker.mxnet.MXNetModel``."""

    MULTI_MODEL: ClassVar[bool] = True  # its container serves multi-model endpoints (AWS docs)
    framework: ClassVar[str] = "mxnet"
    type: Literal["MXNetModel"] = sdk_field(doc="The SDK class.", lands_in=None)
    py_version: str | None = sdk_field(None, doc="Python version of the image, e.g. py3.", lands_in="CreateModel.PrimaryContainer.Image")

    def serving(self, deploy: Any) -> ServingStyle:
        return _serving(self.framework_version)


KIND = Kind(
    order=20,
    estimator=MXNetEstimator,
    estimator_sdk="sagemaker.mxnet.MXNet",
    model=MXNetModelSpec,
    model_sdk="sagemaker.mxnet.MXNetModel",
    image_family="mxnet",
    serving="MXNet inference image, repacked with the entry point (the training script by default); before 1.4, the entry point from the code archive beside the model",
)
