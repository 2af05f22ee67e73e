"""scikit-learn: ``sagemaker.sklearn.SKLearn`` and ``SKLearnModel``.

CPU only and one instance (the SDK refuses GPU instances and distributed training). Served like
XGBoost: the inference script from the code archive uploaded beside the model, repacked only when
the model is network-isolated (SKLearn.create_model passes the estimator's isolation on).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar, Literal

from ..base import sdk_field
from ..estimator import FrameworkEstimator
from ..images import processor_for
from ..model import FrameworkModelBase
from ..placements import sized_sections
from ..rules import Context, Finding, rule
from ..types import ServingStyle, VersionStr
from . import Kind


class SKLearnEstimator(FrameworkEstimator):
    """``sagemaker.sklearn.SKLearn``."""

    framework: ClassVar[str] = "sklearn"
    SERVING: ClassVar[ServingStyle] = "code-archive"
    SERVING_SCOPE: ClassVar[str] = "training"
    DEPLOY_KEEPS_NETWORK_ISOLATION: ClassVar[bool] = True  # SKLearn.create_model
    distribution: ClassVar[None] = None  # type: ignore[misc]  # removes the inherited field: no distributed training
    type: Literal["SKLearn"] = sdk_field(doc="The SDK class.", lands_in=None)
    framework_version: VersionStr | None = sdk_field(None, doc="scikit-learn image version, e.g. \"1.2-1\" (quoted; required without image_uri).", lands_in="CreateTrainingJob.AlgorithmSpecification.TrainingImage")
    py_version: str | None = sdk_field("py3", doc="Python version of the image: py3 (the only one).", lands_in="CreateTrainingJob.AlgorithmSpecification.TrainingImage")


class SKLearnModelSpec(FrameworkModelBase):
    """``sagemaker.sklearn.SKLearnModel``."""

    MULTI_MODEL: ClassVar[bool] = True  # its container serves multi-model endpoints (AWS docs)
    framework: ClassVar[str] = "sklearn"
    SERVING: ClassVar[ServingStyle] = "code-archive"
    SERVING_SCOPE: ClassVar[str] = "training"
    type: Literal["SKLearnModel"] = sdk_field(doc="The SDK class.", lands_in=None)
    framework_version: VersionStr | None = sdk_field(None, doc="scikit-learn image version, e.g. \"1.2-1\" (quoted; required without image_uri).", lands_in="CreateModel.PrimaryContainer.Image")
    py_version: str | None = sdk_field("py3", doc="Python version of the image: py3 (the only one).", lands_in="CreateModel.PrimaryContainer.Image")


@rule()
def sklearn_runs_on_one_cpu_instance(d: Any, ctx: Context) -> Iterator[Finding]:
    """SKLearn.__init__ and SKLearnModel: py3 only, no GPU training, one training instance; the
    images are CPU images, and SKLearnModel refuses Elastic Inference."""
    for section in ("estimator", "model"):
        spec = getattr(d, section, None)
        if isinstance(spec, (SKLearnEstimator, SKLearnModelSpec)) and spec.py_version not in (None, "py3"):
            yield Finding((section, "py_version"), "scikit-learn images support only Python 3", "py3", spec.py_version)
    est = getattr(d, "estimator", None)
    if isinstance(est, SKLearnEstimator):
        if est.instance_count != 1:
            yield Finding(("estimator", "instance_count"), "scikit-learn does not support distributed training (SKLearn.__init__)", "1", est.instance_count)
        if processor_for(est.instance_type) != "cpu":
            yield Finding(("estimator", "instance_type"), "GPU training is not supported for scikit-learn; its images are CPU images", "a CPU instance type (ml.m5, ml.c5 ...)", est.instance_type)
    if not isinstance(getattr(d, "model", None) or est, (SKLearnEstimator, SKLearnModelSpec)):
        return
    dep = getattr(d, "deploy", None)
    if dep is not None:
        for path, placement in sized_sections(dep):
            if placement.accelerator_type:
                yield Finding(path + ("accelerator_type",), "Elastic Inference accelerators are not supported for scikit-learn (SKLearnModel)", "no accelerator_type", placement.accelerator_type)
            if placement.instance_type and processor_for(placement.instance_type) != "cpu":
                yield Finding(path + ("instance_type",), "scikit-learn inference images are CPU images", "a CPU instance type", placement.instance_type)


KIND = Kind(
    order=18,
    estimator=SKLearnEstimator,
    estimator_sdk="sagemaker.sklearn.SKLearn",
    model=SKLearnModelSpec,
    model_sdk="sagemaker.sklearn.SKLearnModel",
    image_family="sklearn",
    serving="scikit-learn image (CPU); the inference script from the code archive beside the model (SAGEMAKER_SUBMIT_DIRECTORY), repacked only when network-isolated",
)
