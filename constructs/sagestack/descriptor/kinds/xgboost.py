"""XGBoost in framework mode: ``sagemaker.xgboost.XGBoost`` and ``XGBoostModel``.

The SDK's XGBoost images (``sagemaker-xgboost``, versions such as ``1.7-1``) run a training
script (framework mode, here) or the built-in algorithm (``Estimator`` with
``image_uri: {framework: xgboost, version: "1.7-1"}``). A model is served from the code archive
uploaded beside it (``SAGEMAKER_SUBMIT_DIRECTORY`` is its S3 URI), not repacked, unless the
model is network-isolated; without an inference script the container serves the model as the
built-in algorithm does.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar, Literal

from ..base import sdk_field
from ..estimator import FrameworkEstimator
from ..model import FrameworkModelBase
from ..rules import Context, Finding, rule
from ..types import ServingStyle, VersionStr
from . import Kind

# sagemaker.xgboost.defaults.XGBOOST_UNSUPPORTED_VERSIONS (validate_framework_version)
UNSUPPORTED_VERSIONS = {"1.1": "XGBoost 1.1 cannot predict when the input has fewer features than the training data (LIBSVM); use 1.2-1 or newer"}


class XGBoostEstimator(FrameworkEstimator):
    """``sagemaker.xgboost.XGBoost``."""

    framework: ClassVar[str] = "xgboost"
    SERVING: ClassVar[ServingStyle] = "code-archive"
    # retrieve() without image_scope: XGBoost and scikit-learn models take the training scope's image
    SERVING_SCOPE: ClassVar[str] = "training"
    #: XGBoost takes no distribution argument (the SDK raises TypeError).
    distribution: ClassVar[None] = None  # type: ignore[misc]  # removes the inherited field
    type: Literal["XGBoost"] = sdk_field(doc="The SDK class.", lands_in=None)
    framework_version: VersionStr = sdk_field(doc="XGBoost image version, e.g. \"1.7-1\" (quoted; required, also with image_uri).", lands_in="CreateTrainingJob.AlgorithmSpecification.TrainingImage")
    py_version: str = sdk_field("py3", doc="Python version of the image: py3 (the only one).", lands_in="CreateTrainingJob.AlgorithmSpecification.TrainingImage")


class XGBoostModelSpec(FrameworkModelBase):
    """``sagemaker.xgboost.XGBoostModel``."""

    MULTI_MODEL: ClassVar[bool] = True  # its container serves multi-model endpoints (AWS docs)
    framework: ClassVar[str] = "xgboost"
    SERVING: ClassVar[ServingStyle] = "code-archive"
    SERVING_SCOPE: ClassVar[str] = "training"
    # Without an inference script the container serves the model as the built-in algorithm.
    ENTRY_POINT_REQUIRED: ClassVar[bool] = False
    type: Literal["XGBoostModel"] = sdk_field(doc="The SDK class.", lands_in=None)
    framework_version: VersionStr = sdk_field(doc="XGBoost image version, e.g. \"1.7-1\" (quoted; required).", lands_in="CreateModel.PrimaryContainer.Image")
    py_version: str = sdk_field("py3", doc="Python version of the image: py3 (the only one).", lands_in="CreateModel.PrimaryContainer.Image")


@rule()
def xgboost_version_and_python(d: Any, ctx: Context) -> Iterator[Finding]:
    """sagemaker.xgboost.utils: validate_py_version (py3 only) and validate_framework_version."""
    for section in ("estimator", "model"):
        spec = getattr(d, section, None)
        if not isinstance(spec, (XGBoostEstimator, XGBoostModelSpec)):
            continue
        if spec.py_version != "py3":
            yield Finding((section, "py_version"), "the SDK's XGBoost classes take only py3", "py3", spec.py_version)
        reason = UNSUPPORTED_VERSIONS.get(spec.framework_version.split("-")[0])
        if reason:
            yield Finding((section, "framework_version"), reason, "1.2-1, 1.3-1, 1.5-1, 1.7-1 ...", spec.framework_version)


KIND = Kind(
    order=17,
    estimator=XGBoostEstimator,
    estimator_sdk="sagemaker.xgboost.XGBoost",
    model=XGBoostModelSpec,
    model_sdk="sagemaker.xgboost.XGBoostModel",
    image_family="xgboost",
    serving="XGBoost image; the inference script from the code archive beside the model (SAGEMAKER_SUBMIT_DIRECTORY), repacked only when network-isolated; without a script, the built-in algorithm's serving",
)
