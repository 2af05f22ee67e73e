"""The built-in algorithm ``sagemaker.RandomCutForest``: hyperparameters from the SDK's hp() declarations, RecordSet inputs."""

from __future__ import annotations

from typing import ClassVar, Literal

from ..base import sdk_field
from . import Kind
from ._builtin import GeneratedBuiltinEstimator, add_hyperparameters, algorithm_data

# RandomCutForest.MINI_BATCH_SIZE: _prepare_for_training sends it and raises for any other value.
_FIXED = int(algorithm_data("RandomCutForest")["MINI_BATCH_SIZE"])


class RandomCutForestEstimator(GeneratedBuiltinEstimator):
    """``sagemaker.RandomCutForest``."""

    PIPE_PROTOBUF_ONLY: ClassVar[bool] = True
    MINI_BATCH_SIZE_RANGE: ClassVar[tuple[int, int] | None] = (_FIXED, _FIXED)
    type: Literal["RandomCutForest"] = sdk_field(doc="The SDK class.", lands_in=None)
    add_hyperparameters(vars(), "RandomCutForest")

    def sdk_mini_batch_size(self, given: int | None, num_records: int) -> int | None:
        return _FIXED


KIND = Kind(
    order=52,
    estimator=RandomCutForestEstimator,
    estimator_sdk="sagemaker.RandomCutForest",
    model=None,
    model_sdk=None,
    image_family="randomcutforest",
    serving="the algorithm's image with the training job's artifacts",
)
