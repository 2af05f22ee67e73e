"""The built-in algorithm ``sagemaker.LDA``: hyperparameters from the SDK's hp() declarations, RecordSet inputs, one instance."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar, Literal

from ..base import sdk_field
from ..rules import Context, Finding, rule
from . import Kind
from ._builtin import GeneratedBuiltinEstimator, add_hyperparameters


class LDAEstimator(GeneratedBuiltinEstimator):
    """``sagemaker.LDA``."""

    PIPE_PROTOBUF_ONLY: ClassVar[bool] = True
    MINI_BATCH_SIZE_REQUIRED: ClassVar[bool] = True  # LDA._prepare_for_training raises without one
    type: Literal["LDA"] = sdk_field(doc="The SDK class.", lands_in=None)
    add_hyperparameters(vars(), "LDA")


@rule("estimator")
def lda_single_instance(d: Any, ctx: Context) -> Iterator[Finding]:
    """LDA trains on one instance: the SDK's constructor warns and sends 1 for any other count."""
    est = d.estimator
    if isinstance(est, LDAEstimator) and est.instance_count != 1:
        yield Finding(("estimator", "instance_count"), "LDA trains on a single instance (the SDK would train on 1 instead)", "1", est.instance_count)


KIND = Kind(
    order=54,
    estimator=LDAEstimator,
    estimator_sdk="sagemaker.LDA",
    model=None,
    model_sdk=None,
    image_family="lda",
    serving="the algorithm's image with the training job's artifacts",
)
