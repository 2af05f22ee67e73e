"""Hugging Face: ``sagemaker.huggingface.HuggingFace`` and ``HuggingFaceModel``.

The image is chosen by a triple — the transformers version, the base framework (PyTorch or
TensorFlow) and its version, the Python version — from the SDK's ``huggingface.json``, whose
versions hold one entry per base framework. Training images are GPU-only; inference images exist
for GPU and CPU, and not for every triple that trains (transformers 4.36 / PyTorch 2.1 trains and
has no inference image). The inference toolkit serves a model with its default handler unless an
inference script is given, so a model may also come from the Hugging Face Hub through ``env``
(``HF_MODEL_ID``, ``HF_TASK``) without model data.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar, Literal

from ..base import sdk_field
from ..estimator import Distribution, DistributionOption, FrameworkEstimator, Mpi, PyTorchDDP, SmDistributed, TorchDistributed
from ..images import image_config, processor_for
from ..model import FrameworkModelBase
from ..placements import sized_sections
from ..rules import Context, Finding, rule
from ..types import ServingStyle, VersionStr
from . import Kind

FRAMEWORK = "huggingface"

# sagemaker.fw_utils (SDK 2.257.7); a test compares these with the SDK.
TORCH_DISTRIBUTED_GPU_VERSIONS = ("1.13.1", "2.0.0", "2.0.1", "2.1.0", "2.1.2", "2.2.0", "2.3.0", "2.3.1", "2.4.1", "2.5.1", "2.6.0", "2.7.1", "2.8.0")
SMDATAPARALLEL_VERSIONS = {
    "tensorflow": ("2.3", "2.3.1", "2.3.2", "2.4", "2.4.1", "2.4.3", "2.5", "2.5.0", "2.5.1", "2.6", "2.6.0", "2.6.2", "2.6.3", "2.7", "2.7.1", "2.8", "2.8.0", "2.9", "2.9.1", "2.9.2", "2.10", "2.10.1", "2.11", "2.11.0"),
    "pytorch": ("1.6", "1.6.0", "1.7", "1.7.1", "1.8", "1.8.0", "1.8.1", "1.9", "1.9.0", "1.9.1", "1.10", "1.10.0", "1.10.2", "1.11", "1.11.0", "1.12", "1.12.0", "1.12.1", "1.13.1", "2.0.0", "2.0.1", "2.1.0", "2.1.2", "2.2.0"),
}
# sagemaker.estimator.Framework.UNSUPPORTED_DLC_IMAGE_FOR_SM_PARALLELISM
SM_PARALLELISM_UNSUPPORTED_IMAGES = ("2.0.1-gpu-py310-cu121",)
# sagemaker.image_uris.get_training_image_uri: the container version of a GPU image whose data has none
TRAINING_GPU_CONTAINER_VERSION = "cu110-ubuntu18.04"


class HuggingFaceDistribution(Distribution):
    """``distribution`` of ``HuggingFace``: ``pytorchddp``, ``torch_distributed``, ``smdistributed`` or ``mpi``.

    ``pytorchxla`` needs the SageMaker Training Compiler (``compiler_config``), which sagestack does
    not model; parameter servers and MultiWorkerMirroredStrategy are not Hugging Face strategies."""

    # a ClassVar removes the inherited field: not Hugging Face strategies
    parameter_server: ClassVar[None] = None  # type: ignore[misc]  # removes the inherited field
    multi_worker_mirrored_strategy: ClassVar[None] = None  # type: ignore[misc]  # removes the inherited field
    pytorchddp: PyTorchDDP | None = sdk_field(None, doc="PyTorch DDP launched by mpirun (PyTorch base).", lands_in="CreateTrainingJob.HyperParameters")
    torch_distributed: TorchDistributed | None = sdk_field(None, doc="torchrun (PyTorch base).", lands_in="CreateTrainingJob.HyperParameters")
    mpi: Mpi | None = sdk_field(None, doc="MPI.", lands_in="CreateTrainingJob.HyperParameters")
    smdistributed: SmDistributed | None = sdk_field(None, doc="SageMaker distributed data parallel or model parallel.", lands_in="CreateTrainingJob.HyperParameters")

    def sdk_hyperparameters(self, est: FrameworkEstimator) -> dict[str, Any]:
        """``HuggingFace._huggingface_distribution_configuration``: pytorchddp when given (and on),
        else torch_distributed when on, else the generic configuration of the other strategies;
        a pytorchddp given switched off skips torch_distributed too."""
        if self.pytorchddp is not None:
            if self.pytorchddp.enabled:
                return self.pytorchddp.sdk_hyperparameters(est)
        elif self.torch_distributed is not None and self.torch_distributed.enabled:
            return self.torch_distributed.sdk_hyperparameters(est)
        out: dict[str, Any] = {}
        for option in (self.mpi, self.smdistributed):  # Framework._distribution_configuration
            if isinstance(option, DistributionOption):
                out.update(option.sdk_hyperparameters(est))
        return out


class HuggingFaceEstimator(FrameworkEstimator):
    """``sagemaker.huggingface.HuggingFace``."""

    framework: ClassVar[str] = FRAMEWORK
    SERVING: ClassVar[ServingStyle] = "default-handler"
    DISTRIBUTIONS: ClassVar[dict[str, str | None]] = {"pytorchddp": None, "torch_distributed": None, "smdistributed": None, "mpi": None}
    MPI_OPTIONS_ALWAYS: ClassVar[bool] = True
    OWN_IMAGE_RULES: ClassVar[bool] = True
    #: The SDK class takes transformers_version, not framework_version.
    framework_version: ClassVar[str | None] = None  # type: ignore[misc]  # removes the inherited field
    type: Literal["HuggingFace"] = sdk_field(doc="The SDK class.", lands_in=None)
    transformers_version: VersionStr | None = sdk_field(
        None, doc="Transformers version of the image (quoted), e.g. \"4.26\"; required without image_uri.", lands_in="CreateTrainingJob.AlgorithmSpecification.TrainingImage"
    )
    pytorch_version: VersionStr | None = sdk_field(
        None, doc="PyTorch version of the image (quoted); exactly one of pytorch_version and tensorflow_version.", lands_in="CreateTrainingJob.AlgorithmSpecification.TrainingImage"
    )
    tensorflow_version: VersionStr | None = sdk_field(
        None, doc="TensorFlow version of the image (quoted); exactly one of pytorch_version and tensorflow_version.", lands_in="CreateTrainingJob.AlgorithmSpecification.TrainingImage"
    )
    py_version: str = sdk_field(doc="Python version of the image, e.g. py39 (required by the SDK class).", lands_in="CreateTrainingJob.AlgorithmSpecification.TrainingImage")
    distribution: HuggingFaceDistribution | None = sdk_field(
        None, doc="Distributed training: pytorchddp, torch_distributed, smdistributed or mpi.", lands_in="CreateTrainingJob.HyperParameters"
    )
    enable_sagemaker_metrics: bool | None = sdk_field(
        True, doc="Time-series metrics (the SDK's HuggingFace turns them on by default).", lands_in="CreateTrainingJob.AlgorithmSpecification.EnableSageMakerMetricsTimeSeries"
    )

    @property
    def base_framework(self) -> tuple[str, str | None]:
        return _base_framework(self.pytorch_version, self.tensorflow_version)

    def image_arguments(self, scope: str) -> dict[str, Any]:
        arguments = _image_arguments(self.transformers_version, self.base_framework, self.py_version)
        if scope == "training":
            arguments["container_version"] = TRAINING_GPU_CONTAINER_VERSION  # training images are GPU images
        return arguments

    def sdk_counts_as_distributed(self) -> bool:
        # HuggingFace sets self.distribution = distribution or {}: never None, so always distributed.
        return True


class HuggingFaceModelSpec(FrameworkModelBase):
    """``sagemaker.huggingface.HuggingFaceModel``."""

    framework: ClassVar[str] = FRAMEWORK
    SERVING: ClassVar[ServingStyle] = "default-handler"
    NEEDS_MODEL_DATA: ClassVar[bool] = False
    OWN_IMAGE_RULES: ClassVar[bool] = True
    #: The constructor's positional parameters (role first, unlike the other framework models), for sagestack import.
    SDK_POSITIONAL: ClassVar[tuple[str, ...]] = ("role", "model_data", "entry_point")
    framework_version: ClassVar[str | None] = None  # type: ignore[misc]  # removes the inherited field: the SDK class takes transformers_version
    type: Literal["HuggingFaceModel"] = sdk_field(doc="The SDK class.", lands_in=None)
    transformers_version: VersionStr | None = sdk_field(None, doc="Transformers version of the inference image (quoted); required without image_uri.", lands_in="CreateModel.PrimaryContainer.Image")
    pytorch_version: VersionStr | None = sdk_field(None, doc="PyTorch version of the image; exactly one of pytorch_version and tensorflow_version.", lands_in="CreateModel.PrimaryContainer.Image")
    tensorflow_version: VersionStr | None = sdk_field(None, doc="TensorFlow version of the image; exactly one of pytorch_version and tensorflow_version.", lands_in="CreateModel.PrimaryContainer.Image")
    py_version: str | None = sdk_field(None, doc="Python version of the image, e.g. py39; required without image_uri.", lands_in="CreateModel.PrimaryContainer.Image")

    @property
    def base_framework(self) -> tuple[str, str | None]:
        return _base_framework(self.pytorch_version, self.tensorflow_version)

    def image_arguments(self, scope: str) -> dict[str, Any]:
        return _image_arguments(self.transformers_version, self.base_framework, self.py_version)


def _base_framework(pytorch_version: str | None, tensorflow_version: str | None) -> tuple[str, str | None]:
    """(name, version) of the base framework, as the SDK chooses it (TensorFlow when given)."""
    if tensorflow_version is not None:
        return "tensorflow", tensorflow_version
    return "pytorch", pytorch_version


def _image_arguments(transformers: str | None, base: tuple[str, str | None], py_version: str | None) -> dict[str, Any]:
    """retrieve(framework="huggingface", version=..., base_framework_version="pytorch<v>"): the tag
    is "<base version>-transformers<version>" in the user's spelling of both."""
    name, version = base
    return {
        "framework": FRAMEWORK,
        "version": transformers,
        "py_version": py_version,
        "base_framework_version": f"{name}{version}",
        "tag_prefix": f"{version}-transformers{transformers}",
    }


# ----------------------------------------------------------------------------------------
# The image triple
# ----------------------------------------------------------------------------------------


def _entries(version_entry: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {key: value for key, value in version_entry.items() if key != "version_aliases"}


def serving_triples(scope: str) -> list[str]:
    """Every (transformers, base framework, Python) triple with an image in the scope, for messages."""
    config = image_config(FRAMEWORK, scope)
    assert config is not None
    out = []
    for version, entry in config.config["versions"].items():
        for base, data in _entries(entry).items():
            out.append(f"{version}/{base}/{'|'.join(data.get('py_versions', []))}")
    return out


def _triple_findings(
    scope: str, spec: Any, section: str, instance_types: list[tuple[tuple[str | int, ...], str]], at: tuple[str | int, ...] | None = None
) -> Iterator[Finding]:
    """The SDK's retrieve() checks for a Hugging Face triple in a scope, as findings. ``at``: where
    to report a triple without an image (default: the field at fault in ``section``)."""
    config = image_config(FRAMEWORK, scope)
    assert config is not None
    name, base_version = spec.base_framework
    base_field = f"{name}_version"
    transformers = spec.transformers_version
    what = "training" if scope == "training" else "inference"
    full = config.aliases.get(transformers, transformers)
    if full not in config.config["versions"]:
        if at is not None:
            yield Finding(at, f"transformers {transformers} has no Hugging Face {what} image, so this model cannot be served (image_uris.retrieve raises); the triples with one (transformers/base framework/Python)", ", ".join(serving_triples(scope)), transformers)
        else:
            yield Finding((section, "transformers_version"), f"no Hugging Face {what} image for this transformers version", ", ".join(config.accepted_versions()), transformers)
        return
    entry = config.config["versions"][full]
    bases = _entries(entry)
    wanted = f"{name}{base_version}"
    key = entry.get("version_aliases", {}).get(wanted, wanted)
    if key not in bases:
        offered = [b for b in bases] + [a for a, target in entry.get("version_aliases", {}).items() if target in bases and a not in bases]
        if at is not None:
            yield Finding(at, f"transformers {transformers} with {name} {base_version} has no Hugging Face {what} image, so this model cannot be served; the triples with one (transformers/base framework/Python)", ", ".join(serving_triples(scope)), f"{transformers}/{wanted}")
        else:
            yield Finding((section, base_field), f"no Hugging Face {what} image for transformers {transformers} on this {name} version", ", ".join(offered), base_version)
        return
    py_versions = bases[key].get("py_versions", [])
    if spec.py_version not in py_versions:
        yield Finding(at or (section, "py_version"), f"no Hugging Face {what} image for transformers {transformers} / {name} {base_version} with this Python version", ", ".join(py_versions), spec.py_version)
    processors = config.processors or bases[key].get("processors", [])
    for path, instance_type in instance_types:
        processor = processor_for(instance_type)
        if processor in ("inf", "trn"):
            yield Finding(path, "sagestack renders the GPU and CPU Hugging Face images, not the Neuron images of Inferentia and Trainium instances", "GPU (ml.g*, ml.p*) or CPU instance types", instance_type)
        elif processor not in processors:
            works = "GPU instance types (ml.g4dn.xlarge, ml.g5.xlarge, ml.p3.2xlarge ...)" if processors == ["gpu"] else ", ".join(processors) + " instance types"
            yield Finding(path, f"Hugging Face {what} images are built for {', '.join(processors)} only", works, instance_type)


def _versions_given(spec: Any, section: str) -> Iterator[Finding]:
    """HuggingFace._validate_args / HuggingFaceModel's checks (skipped with image_uri)."""
    if spec.transformers_version is None:
        yield Finding((section, "transformers_version"), "required without image_uri (the SDK picks the Hugging Face image from it)", "a transformers version such as \"4.26\"", "nothing")
    if spec.pytorch_version is not None and spec.tensorflow_version is not None:
        yield Finding((section, "tensorflow_version"), "tensorflow_version and pytorch_version are both given; the image has one base framework", "only one of them", "both")
    if spec.pytorch_version is None and spec.tensorflow_version is None:
        yield Finding((section, "pytorch_version"), "required without image_uri: the base framework of the image (or tensorflow_version)", "pytorch_version or tensorflow_version", "neither")
    if section == "model" and spec.py_version is None:
        yield Finding((section, "py_version"), "required without image_uri (fw_utils.validate_version_or_image_args)", "py36 ... py312, as the triple has", "nothing")


def _deploy_instance_types(dep: Any) -> list[tuple[tuple[str | int, ...], str]]:
    return [(path + ("instance_type",), p.instance_type) for path, p in sized_sections(dep) if p.instance_type]


@rule("estimator")
def huggingface_training_image_exists(d: Any, ctx: Context) -> Iterator[Finding]:
    """The triple has a training image (GPU only) unless image_uri is given; the versions given as the SDK requires."""
    est = d.estimator
    if not isinstance(est, HuggingFaceEstimator) or est.image_uri is not None:
        return
    problems = list(_versions_given(est, "estimator"))
    yield from problems
    if problems:
        return
    name, base_version = est.base_framework
    if len((base_version or "").split(".")) != len((est.transformers_version or "").split(".")):
        # HuggingFace._validate_args
        yield Finding(("estimator", f"{name}_version"), "use the full or the shortened version for both transformers_version and the base framework version", f"as many parts as transformers_version {est.transformers_version}", base_version)
        return
    yield from _triple_findings("training", est, "estimator", [(("estimator", "instance_type"), est.instance_type)])


@rule("estimator")
def huggingface_distribution_supported(d: Any, ctx: Context) -> Iterator[Finding]:
    """fw_utils.validate_distribution for the base framework, and Framework._distribution_configuration's refusals."""
    est = d.estimator
    if not isinstance(est, HuggingFaceEstimator) or est.distribution is None:
        return
    dist = est.distribution
    name, base_version = est.base_framework
    path = ("estimator", "distribution")
    for option in ("pytorchddp", "torch_distributed"):
        if getattr(dist, option) is not None and name != "pytorch" and est.image_uri is None:
            yield Finding(path + (option,), f"{option} launches PyTorch training; this estimator's base framework is TensorFlow", "pytorch_version, or smdistributed / mpi", option)
    td = dist.torch_distributed
    if td is not None and td.enabled and name == "pytorch":  # fw_utils.validate_torch_distributed_distribution
        if est.image_uri is None:
            if "py3" not in est.py_version:
                yield Finding(("estimator", "py_version"), "torch_distributed needs Python 3", "py38, py39, py310 ...", est.py_version)
            if processor_for(est.instance_type) == "gpu":
                if base_version not in TORCH_DISTRIBUTED_GPU_VERSIONS:
                    yield Finding(("estimator", "pytorch_version"), "torch_distributed on GPU instances takes only these full PyTorch versions (fw_utils)", ", ".join(TORCH_DISTRIBUTED_GPU_VERSIONS), base_version)
            elif processor_for(est.instance_type) != "trn":
                yield Finding(("estimator", "instance_type"), "torch_distributed runs only on GPU and Trainium instances", "GPU instance types (ml.g*, ml.p*)", est.instance_type)
        if not est.entry_point.endswith(".py"):
            yield Finding(("estimator", "entry_point"), "torch_distributed runs only Python programs", "a .py file", est.entry_point)
    sm = dist.smdistributed
    if sm is not None:
        if sm.dataparallel is not None and sm.modelparallel is not None:
            yield Finding(path + ("smdistributed",), "one smdistributed strategy at a time (fw_utils.validate_smdistributed)", "dataparallel or modelparallel", "both")
        if sm.dataparallel is not None and sm.dataparallel.enabled and est.image_uri is None:  # fw_utils._validate_smdataparallel_args
            supported = SMDATAPARALLEL_VERSIONS[name]
            if base_version not in supported:
                yield Finding(("estimator", f"{name}_version"), f"SageMaker distributed data parallel supports these {name} versions (fw_utils)", ", ".join(supported), base_version)
            if "py3" not in est.py_version:
                yield Finding(("estimator", "py_version"), "SageMaker distributed data parallel needs Python 3", "py38, py39, py310 ...", est.py_version)
        torch_on = td is not None and td.enabled
        if "p5.48xlarge" in est.instance_type and not torch_on:
            yield Finding(("estimator", "instance_type"), "SMModelParallel and SMDataParallel do not support p5 instances (without torch_distributed)", "another multi-GPU instance type", est.instance_type)
        if isinstance(est.image_uri, str) and not torch_on and any(image in est.image_uri for image in SM_PARALLELISM_UNSUPPORTED_IMAGES):
            yield Finding(("estimator", "image_uri"), "smdistributed is incompatible with this image (Framework.UNSUPPORTED_DLC_IMAGE_FOR_SM_PARALLELISM)", "another image", est.image_uri)
        if td is not None and sm.modelparallel is not None:
            # get_training_image_uri switches to the pytorch-smp image family for this pair
            yield Finding(path + ("torch_distributed",), "torch_distributed with smdistributed modelparallel selects the PyTorch SMP image, not a Hugging Face one", "one of them, or type: PyTorch", "both")


def _served_huggingface(d: Any) -> tuple[Any, str] | None:
    """(spec, section) when a Hugging Face estimator or model is served without image_uri."""
    spec = d.model if d.model is not None else d.estimator
    if not isinstance(spec, (HuggingFaceEstimator, HuggingFaceModelSpec)) or spec.image_uri is not None:
        return None
    return spec, "model" if d.model is not None else "estimator"


@rule("deploy")
def huggingface_inference_image_exists(d: Any, ctx: Context) -> Iterator[Finding]:
    """The served triple has an inference image for the deploy's instance types (a triple can
    train and not serve: the error is at the deploy for an estimator)."""
    served = _served_huggingface(d)
    if served is None:
        return
    spec, section = served
    if section == "model":
        problems = list(_versions_given(spec, "model"))
        yield from problems
        if problems:
            return
    elif list(_versions_given(spec, "estimator")):
        return  # reported at the estimator
    at = ("deploy",) if section == "estimator" else None
    yield from _triple_findings("inference", spec, section, _deploy_instance_types(d.deploy), at)


@rule("transformer")
def huggingface_transform_image_exists(d: Any, ctx: Context) -> Iterator[Finding]:
    """Batch transform serves the same inference image; without a deploy, check it here."""
    served = _served_huggingface(d)
    if served is None or d.deploy is not None:
        return
    spec, section = served
    if section == "model":
        problems = list(_versions_given(spec, "model"))
        yield from problems
        if problems:
            return
    elif list(_versions_given(spec, "estimator")):
        return
    at = ("transformer",) if section == "estimator" else None
    yield from _triple_findings("inference", spec, section, [(("transformer", "instance_type"), d.transformer.instance_type)], at)


@rule("model")
def huggingface_model_code_needs_model_data(d: Any, ctx: Context) -> Iterator[Finding]:
    """An inference script is repacked into model_data; without model data the SDK sends the
    script's local path as SAGEMAKER_PROGRAM, which no endpoint can read. py2 has no image."""
    model = d.model
    if not isinstance(model, HuggingFaceModelSpec):
        return
    if model.entry_point is not None and model.model_data is None:
        yield Finding(("model", "entry_point"), "an inference script is packed into model_data under code/; a Hub model (env HF_MODEL_ID) without model_data takes no script", "model_data with entry_point, or no entry_point", model.entry_point)
    if model.py_version == "py2":
        yield Finding(("model", "py_version"), "py2 is not supported with Hugging Face images", "py3x", "py2")
    if model.model_data is None and not (model.env or {}).get("HF_MODEL_ID") and not (d.deploy is not None and (d.deploy.env or {}).get("HF_MODEL_ID")):
        yield Finding(("model", "model_data"), "without model_data the container loads the model from the Hugging Face Hub: set env HF_MODEL_ID (and HF_TASK)", "model_data, or env: {HF_MODEL_ID: ..., HF_TASK: ...}", "neither", "warning")


KIND = Kind(
    order=33,
    estimator=HuggingFaceEstimator,
    estimator_sdk="sagemaker.huggingface.HuggingFace",
    model=HuggingFaceModelSpec,
    model_sdk="sagemaker.huggingface.HuggingFaceModel",
    image_family=FRAMEWORK,
    serving="Hugging Face inference image (GPU or CPU) with the toolkit's default handler; an inference entry_point is repacked under code/; a model without model_data loads from the Hub (env HF_MODEL_ID)",
)
