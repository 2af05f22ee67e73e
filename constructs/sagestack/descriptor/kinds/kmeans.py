"""The built-in algorithm ``sagemaker.KMeans``: hyperparameters are constructor arguments, RecordSet inputs."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field

from ..base import sdk_field
from ..estimator import BuiltinEstimator, hp_field
from . import Kind


class KMeansEstimator(BuiltinEstimator):
    """``sagemaker.KMeans``."""

    algorithm: ClassVar[str] = "kmeans"
    # KMeans.hyperparameters() always adds force_dense.
    EXTRA_HYPERPARAMETERS: ClassVar[dict[str, str]] = {"force_dense": "True"}
    PIPE_PROTOBUF_ONLY: ClassVar[bool] = True
    type: Literal["KMeans"] = sdk_field(doc="The SDK class.", lands_in=None)
    k: Annotated[int, Field(gt=1)] = hp_field("k", ..., doc="Number of clusters (required).")
    init_method: Literal["random", "kmeans++"] | None = hp_field("init_method", doc="How initial centers are chosen.")
    max_iterations: Annotated[int, Field(gt=0)] | None = hp_field("local_lloyd_max_iter", doc="Iterations of local Lloyd.")
    tol: Annotated[float, Field(ge=0, le=1)] | None = hp_field("local_lloyd_tol", doc="Tolerance of local Lloyd, in [0, 1].")
    num_trials: Annotated[int, Field(gt=0)] | None = hp_field("local_lloyd_num_trials", doc="Local Lloyd trials.")
    local_init_method: Literal["random", "kmeans++"] | None = hp_field("local_lloyd_init_method", doc="Local Lloyd initialization.")
    half_life_time_size: Annotated[int, Field(ge=0)] | None = hp_field("half_life_time_size", doc="Decay of the weight of older points.")
    epochs: Annotated[int, Field(gt=0)] | None = hp_field("epochs", doc="Passes over the data.")
    center_factor: Annotated[int, Field(gt=0)] | None = hp_field("extra_center_factor", doc="Extra centers per cluster kept during training.")
    eval_metrics: tuple[Literal["msd", "ssd"], ...] | None = hp_field("eval_metrics", doc="Metrics reported on the test channel.")


KIND = Kind(
    order=30,
    estimator=KMeansEstimator,
    estimator_sdk="sagemaker.KMeans",
    model=None,
    model_sdk=None,
    image_family="kmeans",
    serving="the algorithm's image with the training job's artifacts",
)
