"""The built-in algorithm ``sagemaker.LinearLearner``: hyperparameters are constructor arguments, RecordSet inputs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field

from ..base import sdk_field
from ..estimator import BuiltinEstimator, hp_field
from ..rules import Context, Finding, rule
from . import Kind

_POSITIVE = Annotated[float, Field(gt=0)]
_UNIT_OPEN = Annotated[float, Field(gt=0, lt=1)]
_UNIT_HALF = Annotated[float, Field(ge=0, lt=1)]
_NON_NEGATIVE = Annotated[float, Field(ge=0)]
_POS_INT = Annotated[int, Field(gt=0)]


class LinearLearnerEstimator(BuiltinEstimator):
    """``sagemaker.LinearLearner``."""

    algorithm: ClassVar[str] = "linear-learner"
    DEFAULT_MINI_BATCH_SIZE: ClassVar[int | None] = 1000
    PIPE_PROTOBUF_ONLY: ClassVar[bool] = True
    type: Literal["LinearLearner"] = sdk_field(doc="The SDK class.", lands_in=None)
    predictor_type: Literal["binary_classifier", "regressor", "multiclass_classifier"] = hp_field(
        "predictor_type", ..., doc="Kind of problem (required)."
    )
    binary_classifier_model_selection_criteria: Literal[
        "accuracy", "f1", "f_beta", "precision_at_target_recall", "recall_at_target_precision", "cross_entropy_loss", "loss_function"
    ] | None = hp_field("binary_classifier_model_selection_criteria", doc="How the best model is chosen.")
    target_recall: _UNIT_OPEN | None = hp_field("target_recall", doc="Target recall, in (0, 1).")
    target_precision: _UNIT_OPEN | None = hp_field("target_precision", doc="Target precision, in (0, 1).")
    positive_example_weight_mult: str | float | None = hp_field("positive_example_weight_mult", doc="A float > 0, 'auto' or 'balanced'.")
    epochs: _POS_INT | None = hp_field("epochs", doc="Passes over the data.")
    use_bias: bool | None = hp_field("use_bias", doc="Fit a bias term.")
    num_models: _POS_INT | None = hp_field("num_models", doc="Models trained in parallel.")
    num_calibration_samples: _POS_INT | None = hp_field("num_calibration_samples", doc="Samples used to calibrate thresholds.")
    init_method: Literal["uniform", "normal"] | None = hp_field("init_method", doc="Weight initialization.")
    init_scale: _POSITIVE | None = hp_field("init_scale", doc="Scale of uniform initialization.")
    init_sigma: _POSITIVE | None = hp_field("init_sigma", doc="Sigma of normal initialization.")
    init_bias: float | None = hp_field("init_bias", doc="Initial bias.")
    optimizer: Literal["sgd", "adam", "rmsprop", "auto"] | None = hp_field("optimizer", doc="Optimizer.")
    loss: Literal[
        "logistic", "squared_loss", "absolute_loss", "hinge_loss", "eps_insensitive_squared_loss",
        "eps_insensitive_absolute_loss", "quantile_loss", "huber_loss", "softmax_loss", "auto",
    ] | None = hp_field("loss", doc="Loss function.")
    wd: _NON_NEGATIVE | None = hp_field("wd", doc="L2 regularization.")
    l1: _NON_NEGATIVE | None = hp_field("l1", doc="L1 regularization.")
    momentum: _UNIT_HALF | None = hp_field("momentum", doc="Momentum, in [0, 1).")
    learning_rate: _POSITIVE | None = hp_field("learning_rate", doc="Learning rate.")
    beta_1: _UNIT_HALF | None = hp_field("beta_1", doc="Adam beta 1, in [0, 1).")
    beta_2: _UNIT_HALF | None = hp_field("beta_2", doc="Adam beta 2, in [0, 1).")
    bias_lr_mult: _POSITIVE | None = hp_field("bias_lr_mult", doc="Learning-rate multiplier of the bias.")
    bias_wd_mult: _NON_NEGATIVE | None = hp_field("bias_wd_mult", doc="Weight-decay multiplier of the bias.")
    use_lr_scheduler: bool | None = hp_field("use_lr_scheduler", doc="Use a learning-rate scheduler.")
    lr_scheduler_step: _POS_INT | None = hp_field("lr_scheduler_step", doc="Steps between decays.")
    lr_scheduler_factor: _UNIT_OPEN | None = hp_field("lr_scheduler_factor", doc="Decay factor, in (0, 1).")
    lr_scheduler_minimum_lr: _POSITIVE | None = hp_field("lr_scheduler_minimum_lr", doc="Smallest learning rate.")
    normalize_data: bool | None = hp_field("normalize_data", doc="Normalize features.")
    normalize_label: bool | None = hp_field("normalize_label", doc="Normalize the label.")
    unbias_data: bool | None = hp_field("unbias_data", doc="Unbias features.")
    unbias_label: bool | None = hp_field("unbias_label", doc="Unbias the label.")
    num_point_for_scaler: _POS_INT | None = hp_field("num_point_for_scaler", doc="Points used for normalization.")
    margin: _NON_NEGATIVE | None = hp_field("margin", doc="Margin of hinge loss.")
    quantile: _UNIT_OPEN | None = hp_field("quantile", doc="Quantile of quantile loss, in (0, 1).")
    loss_insensitivity: _POSITIVE | None = hp_field("loss_insensitivity", doc="Epsilon of epsilon-insensitive loss.")
    huber_delta: _NON_NEGATIVE | None = hp_field("huber_delta", doc="Delta of Huber loss.")
    early_stopping_patience: _POS_INT | None = hp_field("early_stopping_patience", doc="Epochs without improvement before stopping.")
    early_stopping_tolerance: _POSITIVE | None = hp_field("early_stopping_tolerance", doc="Relative improvement that counts.")
    num_classes: Annotated[int, Field(gt=0, le=1_000_000)] | None = hp_field(
        "num_classes", doc="Classes of a multiclass_classifier (required there, at least 3)."
    )
    accuracy_top_k: Annotated[int, Field(gt=0, le=1_000_000)] | None = hp_field("accuracy_top_k", doc="k of top-k accuracy.")
    f_beta: _POSITIVE | None = hp_field("f_beta", doc="Beta of the F score.")
    balance_multiclass_weights: bool | None = hp_field("balance_multiclass_weights", doc="Weight classes equally.")


@rule("estimator")
def linear_learner_classes(d: Any, ctx: Context) -> Iterator[Finding]:
    """multiclass_classifier needs num_classes >= 3 (sagemaker.LinearLearner)."""
    est = d.estimator
    if isinstance(est, LinearLearnerEstimator) and est.predictor_type == "multiclass_classifier" and (est.num_classes is None or est.num_classes < 3):
        yield Finding(("estimator", "num_classes"), "predictor_type multiclass_classifier needs num_classes of at least 3", ">= 3", est.num_classes if est.num_classes is not None else "nothing")


KIND = Kind(
    order=50,
    estimator=LinearLearnerEstimator,
    estimator_sdk="sagemaker.LinearLearner",
    model=None,
    model_sdk=None,
    image_family="linear-learner",
    serving="the algorithm's image with the training job's artifacts",
)
