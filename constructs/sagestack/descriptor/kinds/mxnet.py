"""MXNet: ``sagemaker.mxnet.MXNet`` and ``MXNetModel``."""

from __future__ import annotations

from typing import ClassVar, Literal

from ..base import sdk_field
from ..estimator import FrameworkEstimator
from ..model import FrameworkModelBase
from . import Kind


class MXNetEstimator(FrameworkEstimator):
    """``sagemaker.mxnet.MXNet``."""

    framework: ClassVar[str] = "mxnet"
    # Parameter servers in every version, Horovod from 1.6 (the SDK's MXNet docs).
    DISTRIBUTIONS: ClassVar[dict[str, str | None]] = {"parameter_server": None, "mpi": "1.6"}
    METRICS_FROM: ClassVar[str | None] = "1.6"
    type: Literal["MXNet"] = sdk_field(doc="The SDK class.", lands_in=None)




class MXNetModelSpec(FrameworkModelBase):
    """``sagemaker.mxnet.MXNetModel``."""

    framework: ClassVar[str] = "mxnet"
    type: Literal["MXNetModel"] = sdk_field(doc="The SDK class.", lands_in=None)
    py_version: str | None = sdk_field(None, doc="Python version of the image, e.g. py3.", lands_in="CreateModel.PrimaryContainer.Image")


KIND = Kind(
    order=20,
    estimator=MXNetEstimator,
    estimator_sdk="sagemaker.mxnet.MXNet",
    model=MXNetModelSpec,
    model_sdk="sagemaker.mxnet.MXNetModel",
    image_family="mxnet",
    serving="MXNet inference image, repacked with the entry point (the training script by default)",
)
