"""The built-in algorithm ``sagemaker.Object2Vec``: hyperparameters from the SDK's hp() declarations, RecordSet inputs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from ..base import sdk_field
from ..rules import Context, Finding, rule
from ..types import PositiveInt
from . import Kind
from ._builtin import GeneratedBuiltinEstimator, add_hyperparameters, algorithm_data

# Object2Vec.MINI_BATCH_SIZE: what _prepare_for_training sends when fit() has no mini_batch_size.
_DEFAULT = int(algorithm_data("Object2Vec")["MINI_BATCH_SIZE"])


class Object2VecEstimator(GeneratedBuiltinEstimator):
    """``sagemaker.Object2Vec``."""

    type: Literal["Object2Vec"] = sdk_field(doc="The SDK class.", lands_in=None)
    add_hyperparameters(vars(), "Object2Vec")
    mini_batch_size: PositiveInt | None = sdk_field(
        None, doc=f"Taken but has no effect: fit() replaces it with its own mini_batch_size (default {_DEFAULT}); set fit.mini_batch_size.", lands_in=None
    )

    def sdk_mini_batch_size(self, given: int | None, num_records: int) -> int | None:
        return given if given is not None else _DEFAULT


@rule("estimator")
def object2vec_constructor_mini_batch(d: Any, ctx: Context) -> Iterator[Finding]:
    """The constructor's mini_batch_size never reaches the job: fit() sets it again."""
    est = d.estimator
    if isinstance(est, Object2VecEstimator) and est.mini_batch_size is not None:
        yield Finding(("estimator", "mini_batch_size"), f"has no effect: Object2Vec.fit() sends its own mini_batch_size (default {_DEFAULT})", "fit.mini_batch_size", est.mini_batch_size, "warning")


KIND = Kind(
    order=56,
    estimator=Object2VecEstimator,
    estimator_sdk="sagemaker.Object2Vec",
    model=None,
    model_sdk=None,
    image_family="object2vec",
    serving="the algorithm's image with the training job's artifacts",
)
