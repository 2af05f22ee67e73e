"""TensorFlow: ``sagemaker.tensorflow.TensorFlow`` and ``TensorFlowModel`` (TensorFlow Serving;
legacy mode as SDK v1 had it)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any, ClassVar, Literal

from packaging.version import Version

from ..base import sdk_field
from ..estimator import FrameworkEstimator
from ..model import FrameworkModelBase
from ..paths import LocalPathKind
from ..rules import Context, Finding, rule, version_of
from ..types import PositiveInt, S3Uri, ServingStyle
from . import Kind


class TensorFlowEstimator(FrameworkEstimator):
    """``sagemaker.tensorflow.TensorFlow``."""

    framework: ClassVar[str] = "tensorflow"
    # Lowest versions: the SDK docs (parameter servers with script mode from 1.11, Horovod from
    # 1.12), Estimator._validate_mwms_config (2.9), smdistributed data parallel (2.3).
    DISTRIBUTIONS: ClassVar[dict[str, str | None]] = {"parameter_server": "1.11", "mpi": "1.12", "multi_worker_mirrored_strategy": "2.9", "smdistributed": "2.3"}
    PIPE_DATASET_FROM: ClassVar[str | None] = "1.7"
    MPI_OPTIONS_ALWAYS: ClassVar[bool] = True
    METRICS_FROM: ClassVar[str | None] = "1.15"
    SERVING: ClassVar[ServingStyle] = "tfs"
    DEPLOY_KEEPS_NETWORK_ISOLATION: ClassVar[bool] = True  # TensorFlow.create_model
    type: Literal["TensorFlow"] = sdk_field(doc="The SDK class.", lands_in=None)
    model_dir: Literal[False] | str | None = sdk_field(
        None,
        doc="Where the script writes checkpoints (default: <output_path>/<job>/model, /opt/ml/model with MPI); false to omit.",
        lands_in="CreateTrainingJob.HyperParameters.model_dir",
    )
    script_mode: bool | None = sdk_field(
        None,
        doc="SDK v1: false selects legacy mode (TensorFlow <= 1.12 with py2); legacy parameters imply it.",
        lands_in="CreateTrainingJob.AlgorithmSpecification.TrainingImage",
    )
    training_steps: PositiveInt | None = sdk_field(
        None, doc="Legacy mode: steps of training (none: train until the input ends).", lands_in="CreateTrainingJob.HyperParameters.training_steps"
    )
    evaluation_steps: PositiveInt | None = sdk_field(
        None, doc="Legacy mode: steps of evaluation.", lands_in="CreateTrainingJob.HyperParameters.evaluation_steps"
    )
    requirements_file: Annotated[str, LocalPathKind("source_dir")] | None = sdk_field(
        None, doc="Legacy mode: pip requirements file inside source_dir.", lands_in="CreateTrainingJob.HyperParameters.sagemaker_requirements"
    )
    checkpoint_path: S3Uri | None = sdk_field(
        None, doc="Legacy mode: S3 location of checkpoints (default <output_path>/<job>/checkpoints).", lands_in="CreateTrainingJob.HyperParameters.checkpoint_path"
    )

    LEGACY_FIELDS: ClassVar[tuple[str, ...]] = ("training_steps", "evaluation_steps", "requirements_file", "checkpoint_path")

    def serving(self, deploy: Any) -> ServingStyle:
        # SDK 1.72 TensorFlow.create_model: legacy mode keeps the legacy container unless asked
        if self.legacy_mode and (deploy is None or deploy.endpoint_type != "tensorflow-serving"):
            return "legacy-container"
        return self.SERVING

    def sdk_hyperparameters(self, user: dict[str, Any], distribution: dict[str, Any], job_path: Callable[..., str]) -> dict[str, Any]:
        values = dict(user)
        if self.legacy_mode:  # SDK 1.72 TensorFlow.hyperparameters(): legacy parameters as hyperparameters
            values.update(
                {
                    "checkpoint_path": self.checkpoint_path or job_path("checkpoints"),
                    "training_steps": self.training_steps,
                    "evaluation_steps": self.evaluation_steps,
                    "sagemaker_requirements": self.requirements_file or "",
                }
            )
        values.update(distribution)
        if not self.legacy_mode and self.model_dir is not False:  # TensorFlow._default_model_dir
            if self.model_dir:
                values["model_dir"] = self.model_dir
            elif self.distribution and self.distribution.mpi and self.distribution.mpi.enabled:
                values["model_dir"] = "/opt/ml/model"
            else:
                values["model_dir"] = job_path("model")
        return values

    def warns_without_distribution(self) -> bool:
        return not self.legacy_mode  # legacy mode distributes training itself

    def sdk_counts_as_distributed(self) -> bool:
        # TensorFlow sets self.distribution = distribution or {}: never None, so always distributed.
        return True

    def sdk_debugger_off(self) -> bool:
        # TensorFlow._validate_and_set_debugger_configs: no hook with parameter servers.
        ps = self.distribution is not None and self.distribution.parameter_server is not None and self.distribution.parameter_server.enabled
        return bool(ps) or super().sdk_debugger_off()

    def takes_model_server_workers(self) -> bool:
        # TensorFlow Serving has no such setting: SDK v2's TensorFlowModel raises TypeError; the
        # legacy container of SDK v1 took it.
        return self.legacy_mode

    @property
    def legacy_mode(self) -> bool:
        """True for SDK v1 legacy mode: ``script_mode: false`` or any legacy-only parameter."""
        if self.script_mode is not None:
            return not self.script_mode
        return any(getattr(self, name) is not None for name in self.LEGACY_FIELDS)




class TensorFlowModelSpec(FrameworkModelBase):
    """``sagemaker.tensorflow.TensorFlowModel`` (TensorFlow Serving)."""

    MULTI_MODEL: ClassVar[bool] = True  # its container serves multi-model endpoints (AWS docs)
    framework: ClassVar[str] = "tensorflow"
    SERVING: ClassVar[ServingStyle] = "tfs"
    type: Literal["TensorFlowModel"] = sdk_field(doc="The SDK class.", lands_in=None)

    def takes_model_server_workers(self) -> bool:
        return False  # TensorFlow Serving: TensorFlowModel raises TypeError for model_server_workers


@rule("estimator")
def tensorflow_mode_matches_version(d: Any, ctx: Context) -> Iterator[Finding]:
    """Legacy mode only up to TensorFlow 1.12 with py2; script mode from 1.11 (SDK v1 and v2)."""
    est = d.estimator
    if not isinstance(est, TensorFlowEstimator) or est.framework_version is None:
        return
    version = version_of(est.framework_version)
    if version is None:
        return
    if est.legacy_mode:
        if version >= Version("1.13"):
            yield Finding(("estimator", "framework_version"), "legacy mode (script_mode false, training_steps, evaluation_steps, requirements_file, checkpoint_path) ended with TensorFlow 1.12; use script mode and pass these as hyperparameters", "<= 1.12 in legacy mode", est.framework_version)
        elif est.py_version not in (None, "py2"):
            yield Finding(("estimator", "py_version"), "legacy-mode images exist only for Python 2", "py2", est.py_version)
        if est.distribution is not None:
            yield Finding(("estimator", "distribution"), "legacy mode distributes training itself; distribution is a script-mode option", "no distribution in legacy mode", "distribution")
    elif version < Version("1.11") and est.image_uri is None:
        yield Finding(("estimator", "framework_version"), "TensorFlow before 1.11 has only legacy-mode images: set script_mode: false (or use training_steps/evaluation_steps)", ">= 1.11 in script mode", est.framework_version)


@rule("estimator")
def legacy_checkpoint_hyperparameters_exclusive(d: Any, ctx: Context) -> Iterator[Finding]:
    """save_checkpoints_secs and save_checkpoints_steps cannot both be set (TensorFlow RunConfig)."""
    est = d.estimator
    hps = getattr(est, "hyperparameters", None) or {}
    if isinstance(est, TensorFlowEstimator) and "save_checkpoints_secs" in hps and "save_checkpoints_steps" in hps:
        yield Finding(("estimator", "hyperparameters", "save_checkpoints_steps"), "save_checkpoints_secs and save_checkpoints_steps cannot both be set", "one of them", "both")


@rule("deploy")
def endpoint_type_needs_tensorflow(d: Any, ctx: Context) -> Iterator[Finding]:
    """endpoint_type tensorflow-serving is an argument of SDK v1's TensorFlow.deploy; it changes
    what serves a legacy-mode model and nothing else."""
    if d.deploy.endpoint_type != "tensorflow-serving":
        return
    est = getattr(d, "estimator", None)
    if not isinstance(est, TensorFlowEstimator):
        yield Finding(("deploy", "endpoint_type"), "endpoint_type tensorflow-serving belongs to a TensorFlow estimator's deploy (SDK v1)", "a TensorFlow estimator", getattr(est, "type", "model"))
    elif not est.legacy_mode:
        yield Finding(("deploy", "endpoint_type"), "a script-mode TensorFlow model is always served by TensorFlow Serving; endpoint_type changes nothing", "no endpoint_type", d.deploy.endpoint_type, "warning")


KIND = Kind(
    order=10,
    estimator=TensorFlowEstimator,
    estimator_sdk="sagemaker.tensorflow.TensorFlow",
    model=TensorFlowModelSpec,
    model_sdk="sagemaker.tensorflow.TensorFlowModel",
    image_family="tensorflow",
    serving="TensorFlow Serving image; an inference entry_point is repacked under code/ (legacy mode: the legacy Python container)",
)
