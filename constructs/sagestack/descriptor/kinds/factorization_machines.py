"""The built-in algorithm ``sagemaker.FactorizationMachines``: hyperparameters from the SDK's hp() declarations, RecordSet inputs."""

from __future__ import annotations

from typing import ClassVar, Literal

from ..base import sdk_field
from . import Kind
from ._builtin import GeneratedBuiltinEstimator, add_hyperparameters


class FactorizationMachinesEstimator(GeneratedBuiltinEstimator):
    """``sagemaker.FactorizationMachines``."""

    PIPE_PROTOBUF_ONLY: ClassVar[bool] = True
    type: Literal["FactorizationMachines"] = sdk_field(doc="The SDK class.", lands_in=None)
    add_hyperparameters(vars(), "FactorizationMachines")


KIND = Kind(
    order=51,
    estimator=FactorizationMachinesEstimator,
    estimator_sdk="sagemaker.FactorizationMachines",
    model=None,
    model_sdk=None,
    image_family="factorization-machines",
    serving="the algorithm's image with the training job's artifacts",
)
