"""The built-in algorithm ``sagemaker.PCA``: hyperparameters are constructor arguments, RecordSet inputs."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field

from ..base import sdk_field
from ..estimator import BuiltinEstimator, hp_field
from . import Kind


class PCAEstimator(BuiltinEstimator):
    """``sagemaker.PCA``."""

    algorithm: ClassVar[str] = "pca"
    DEFAULT_MINI_BATCH_SIZE: ClassVar[int | None] = 500
    PIPE_PROTOBUF_ONLY: ClassVar[bool] = True
    type: Literal["PCA"] = sdk_field(doc="The SDK class.", lands_in=None)
    num_components: Annotated[int, Field(gt=0)] = hp_field("num_components", ..., doc="Number of principal components (required).")
    algorithm_mode: Literal["regular", "randomized"] | None = hp_field("algorithm_mode", doc="regular or randomized.")
    subtract_mean: bool | None = hp_field("subtract_mean", doc="Subtract the mean before computing components.")
    extra_components: Annotated[int, Field(ge=-1)] | None = hp_field("extra_components", doc="Extra components for randomized mode (>= 0, or -1).")


KIND = Kind(
    order=40,
    estimator=PCAEstimator,
    estimator_sdk="sagemaker.PCA",
    model=None,
    model_sdk=None,
    image_family="pca",
    serving="the algorithm's image with the training job's artifacts",
)
