"""The built-in algorithm ``sagemaker.NTM``: hyperparameters from the SDK's hp() declarations, RecordSet inputs."""

from __future__ import annotations

from typing import ClassVar, Literal

from ..base import sdk_field
from . import Kind
from ._builtin import GeneratedBuiltinEstimator, add_hyperparameters


class NTMEstimator(GeneratedBuiltinEstimator):
    """``sagemaker.NTM``."""

    PIPE_PROTOBUF_ONLY: ClassVar[bool] = True
    MINI_BATCH_SIZE_RANGE: ClassVar[tuple[int, int] | None] = (1, 10000)  # NTM._prepare_for_training
    type: Literal["NTM"] = sdk_field(doc="The SDK class.", lands_in=None)
    add_hyperparameters(vars(), "NTM")


KIND = Kind(
    order=53,
    estimator=NTMEstimator,
    estimator_sdk="sagemaker.NTM",
    model=None,
    model_sdk=None,
    image_family="ntm",
    serving="the algorithm's image with the training job's artifacts",
)
