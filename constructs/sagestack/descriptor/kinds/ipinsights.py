"""The built-in algorithm ``sagemaker.IPInsights``: hyperparameters from the SDK's hp() declarations, RecordSet inputs."""

from __future__ import annotations

from typing import ClassVar, Literal

from ..base import sdk_field
from . import Kind
from ._builtin import GeneratedBuiltinEstimator, add_hyperparameters


class IPInsightsEstimator(GeneratedBuiltinEstimator):
    """``sagemaker.IPInsights``."""

    MINI_BATCH_SIZE_RANGE: ClassVar[tuple[int, int] | None] = (1, 500000)  # IPInsights._prepare_for_training
    type: Literal["IPInsights"] = sdk_field(doc="The SDK class.", lands_in=None)
    add_hyperparameters(vars(), "IPInsights")


KIND = Kind(
    order=57,
    estimator=IPInsightsEstimator,
    estimator_sdk="sagemaker.IPInsights",
    model=None,
    model_sdk=None,
    image_family="ipinsights",
    serving="the algorithm's image with the training job's artifacts",
)
