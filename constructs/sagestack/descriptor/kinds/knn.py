"""The built-in algorithm ``sagemaker.KNN``: hyperparameters from the SDK's hp() declarations, RecordSet inputs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar, Literal

from ..base import sdk_field
from ..rules import Context, Finding, rule
from . import Kind
from ._builtin import GeneratedBuiltinEstimator, add_hyperparameters


class KNNEstimator(GeneratedBuiltinEstimator):
    """``sagemaker.KNN``."""

    PIPE_PROTOBUF_ONLY: ClassVar[bool] = True
    type: Literal["KNN"] = sdk_field(doc="The SDK class.", lands_in=None)
    add_hyperparameters(vars(), "KNN")


@rule("estimator")
def knn_dimension_reduction(d: Any, ctx: Context) -> Iterator[Finding]:
    """dimension_reduction_type needs dimension_reduction_target (KNN's constructor raises)."""
    est: Any = d.estimator
    fields: Any = est  # generated fields, which mypy does not see
    if isinstance(est, KNNEstimator) and fields.dimension_reduction_type and not fields.dimension_reduction_target:
        yield Finding(("estimator", "dimension_reduction_target"), "required when dimension_reduction_type is set", "an integer > 0, below feature_dim", "nothing")


KIND = Kind(
    order=55,
    estimator=KNNEstimator,
    estimator_sdk="sagemaker.KNN",
    model=None,
    model_sdk=None,
    image_family="knn",
    serving="the algorithm's image with the training job's artifacts",
)
