"""Bring your own image: ``sagemaker.estimator.Estimator`` and ``sagemaker.model.Model``."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from ..base import Api, sdk_field
from ..estimator import CTJ, EstimatorBase
from ..model import CM, ModelBase
from ..retrieve import ImageUriRetrieve
from . import Kind


class GenericEstimator(EstimatorBase):
    """``sagemaker.estimator.Estimator``: your own training image."""

    DEPLOY_KEEPS_NETWORK_ISOLATION: ClassVar[bool] = True  # Estimator.create_model
    type: Literal["Estimator"] = sdk_field(doc="The SDK class.", lands_in=None)
    image_uri: Annotated[str, Api(CTJ, "AlgorithmSpecification.TrainingImage")] | ImageUriRetrieve = sdk_field(
        doc="Training image URI (required), or image_uris.retrieve() arguments such as {framework: xgboost, version: \"1.7-1\"}.", lands_in="CreateTrainingJob.AlgorithmSpecification.TrainingImage", v1="image_name"
    )
    hyperparameters: dict[str, Any] = sdk_field(
        default_factory=dict,
        doc="Hyperparameters; each value is sent as str(value), as the SDK does.",
        lands_in="CreateTrainingJob.HyperParameters",
    )




class GenericModelSpec(ModelBase):
    """``sagemaker.model.Model``: your own inference image."""

    type: Literal["Model"] = sdk_field(doc="The SDK class.", lands_in=None)
    image_uri: Annotated[str, Api(CM, "PrimaryContainer.Image")] | ImageUriRetrieve = sdk_field(
        doc="Inference image (required), or image_uris.retrieve() arguments (image_scope: inference).", lands_in="CreateModel.PrimaryContainer.Image", v1="image"
    )


KIND = Kind(
    order=90,
    estimator=GenericEstimator,
    estimator_sdk="sagemaker.estimator.Estimator",
    model=GenericModelSpec,
    model_sdk="sagemaker.model.Model",
    image_family="your image",
    serving="your inference image (a trained model: the training image)",
    note="your own image",
)
