"""PyTorch: ``sagemaker.pytorch.PyTorch`` and ``PyTorchModel`` (TorchServe / MMS images; the
inference code repacked into model.tar.gz under code/ from PyTorch 1.2)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar, Literal

from packaging.version import Version

from ..base import sdk_field
from ..estimator import DataParallel, Distribution, FrameworkEstimator, PyTorchDDP, PyTorchXLA, SmDistributed, TorchDistributed
from ..images import image_config, instance_family, processor_for
from ..model import FrameworkModelBase
from ..placements import sized_sections
from ..rules import SMDATAPARALLEL_INSTANCE_TYPES, Context, Finding, rule, version_of
from ..types import VersionStr
from . import Kind

# sagemaker.fw_utils (SDK 2.257.7); tests/descriptor/test_kind_pytorch.py compares them with the SDK.
SMDATAPARALLEL_VERSIONS = (
    "1.6", "1.6.0", "1.7", "1.7.1", "1.8", "1.8.0", "1.8.1", "1.9", "1.9.0", "1.9.1", "1.10", "1.10.0", "1.10.2",
    "1.11", "1.11.0", "1.12", "1.12.0", "1.12.1", "1.13.1", "2.0.0", "2.0.1", "2.1.0", "2.1.2", "2.2.0",
)  # SM_DATAPARALLEL_SUPPORTED_FRAMEWORK_VERSIONS["pytorch"]
TORCH_DISTRIBUTED_GPU_VERSIONS = (
    "1.13.1", "2.0.0", "2.0.1", "2.1.0", "2.1.2", "2.2.0", "2.3.0", "2.3.1", "2.4.1", "2.5.1", "2.6.0", "2.7.1", "2.8.0",
)  # TORCH_DISTRIBUTED_GPU_SUPPORTED_FRAMEWORK_VERSIONS
TORCH_DISTRIBUTED_TRAINIUM_VERSIONS = ("1.11", "1.11.0", "1.12", "1.12.0", "1.12.1", "1.13.1", "2.0.0")  # TRAINIUM_SUPPORTED_TORCH_DISTRIBUTED_FRAMEWORK_VERSIONS
# Framework.UNSUPPORTED_DLC_IMAGE_FOR_SM_PARALLELISM
SM_PARALLELISM_UNSUPPORTED_IMAGES = ("2.0.1-gpu-py310-cu121",)
# PyTorchModel._LOWEST_MMS_VERSION: from here the SDK repacks the inference code into model.tar.gz
LOWEST_MMS_VERSION = "1.2"


class PyTorchDistribution(Distribution):
    """``PyTorch(distribution=...)``: torch_distributed, pytorchddp, smdistributed, mpi, pytorchxla."""

    # SageMaker model parallel runs under torchrun (SMP v2) or under mpirun (SMP v1).
    ALLOWED_TOGETHER: ClassVar[tuple[frozenset[str], ...]] = (frozenset({"torch_distributed", "smdistributed"}), frozenset({"smdistributed", "mpi"}))

    torch_distributed: TorchDistributed | None = sdk_field(None, doc="torchrun (torch.distributed).", lands_in="CreateTrainingJob.HyperParameters")
    pytorchddp: PyTorchDDP | None = sdk_field(None, doc="PyTorch DistributedDataParallel, launched by mpirun.", lands_in="CreateTrainingJob.HyperParameters")
    pytorchxla: PyTorchXLA | None = sdk_field(None, doc="PyTorch/XLA (needs SageMaker Training Compiler, which sagestack does not model).", lands_in="CreateTrainingJob.HyperParameters")

    def sdk_dict(self) -> dict[str, Any]:
        """The distribution the SDK keeps: PyTorch.__init__ hands validate_distribution a copy with
        pytorchddp moved to smdistributed.dataparallel and stores what it returns."""
        given = self.model_dump(exclude_none=True)
        if "pytorchddp" in given and "smdistributed" not in given:
            given["smdistributed"] = {"dataparallel": given.pop("pytorchddp")}
        return given

    def torch_distributed_on(self) -> bool:
        return bool(self.torch_distributed and self.torch_distributed.enabled)

    def dataparallel_on(self) -> bool:
        """SageMaker distributed data parallel: smdistributed.dataparallel, or pytorchddp (which the SDK turns into it)."""
        smddp = self.smdistributed is not None and self.smdistributed.dataparallel is not None and self.smdistributed.dataparallel.enabled
        return bool(smddp or (self.pytorchddp is not None and self.pytorchddp.enabled))

    def smp_image(self) -> bool:
        """image_uris.get_training_image_uri: torch_distributed with smdistributed.modelparallel
        trains on the SageMaker model parallel (SMP v2) image."""
        return self.torch_distributed is not None and self.smdistributed is not None and self.smdistributed.modelparallel is not None and self.smdistributed.modelparallel.enabled

    def sdk_kept(self) -> PyTorchDistribution:
        """:meth:`sdk_dict` as a distribution."""
        if self.pytorchddp is None or self.smdistributed is not None:
            return self
        return self.model_copy(update={"pytorchddp": None, "smdistributed": SmDistributed(dataparallel=DataParallel(enabled=self.pytorchddp.enabled))})

    def sdk_hyperparameters(self, est: FrameworkEstimator) -> dict[str, Any]:
        """PyTorch._pytorch_distribution_configuration on the distribution the SDK keeps (so its
        pytorchddp branch never runs): with torch_distributed on, its keys after
        Framework._distribution_configuration's when smdistributed is given too; else
        Framework._distribution_configuration (every strategy given)."""
        kept = self.sdk_kept()
        out: dict[str, Any] = {}
        for name, option in kept.options().items():
            if name != "torch_distributed":
                out.update(option.sdk_hyperparameters(est))
        if kept.torch_distributed_on():
            if kept.smdistributed is None:
                out = {}
            out.update({"sagemaker_torch_distributed_enabled": True, "sagemaker_instance_type": est.instance_type})
        return out


class PyTorchEstimator(FrameworkEstimator):
    """``sagemaker.pytorch.PyTorch``."""

    framework: ClassVar[str] = "pytorch"
    # Which versions each strategy takes is the SDK's exact lists (the rules below), not a lowest version.
    DISTRIBUTIONS: ClassVar[dict[str, str | None]] = {"torch_distributed": None, "pytorchddp": None, "smdistributed": None, "mpi": None, "pytorchxla": None}
    MPI_OPTIONS_ALWAYS: ClassVar[bool] = True
    METRICS_FROM: ClassVar[str | None] = "1.3"  # PyTorch.__init__
    type: Literal["PyTorch"] = sdk_field(doc="The SDK class.", lands_in=None)
    distribution: PyTorchDistribution | None = sdk_field(
        None, doc="Distributed training: torch_distributed, pytorchddp, smdistributed (dataparallel or modelparallel), mpi.", lands_in="CreateTrainingJob.HyperParameters", v1="distributions"
    )

    def image_arguments(self, scope: str) -> dict[str, Any]:
        arguments = super().image_arguments(scope)
        if scope != "training":
            return arguments
        if self.distribution is not None:
            arguments["distribution"] = self.distribution.sdk_dict()
        if processor_for(self.instance_type) in ("trn", "inf"):
            # retrieve(): on Trainium (and Inferentia) PyTorch images are the Neuron ones
            arguments.update(framework=f"{self.framework}-neuron", inference_tool="neuron")
        elif self.distribution is not None and self.distribution.smp_image():
            arguments.update(framework=f"{self.framework}-smp", container_version=_smp_cuda(self.framework_version or "", self.instance_type))
        return arguments

    def sdk_counts_as_distributed(self) -> bool:
        # PyTorch sets self.distribution = distribution or {}: never None, so always distributed.
        return True

    def warns_without_distribution(self) -> bool:
        return True


def _smp_cuda(version: str, instance_type: str) -> str:
    """image_uris.get_training_image_uri: the CUDA suffix of the model parallel image (substring tests, as the SDK does)."""
    if "2.5" in version:
        return "cu124"
    if "p5" in instance_type or any(v in version for v in ("2.1", "2.2", "2.3", "2.4")):
        return "cu121"
    return "cu118"


class PyTorchModelSpec(FrameworkModelBase):
    """``sagemaker.pytorch.PyTorchModel``."""

    MULTI_MODEL: ClassVar[bool] = True  # its container serves multi-model endpoints (AWS docs)
    framework: ClassVar[str] = "pytorch"
    # PyTorchModel takes no entry_point as well: TorchServe's default handler serves the model.
    ENTRY_POINT_REQUIRED: ClassVar[bool] = False
    type: Literal["PyTorchModel"] = sdk_field(doc="The SDK class.", lands_in=None)
    framework_version: VersionStr = sdk_field("1.3", doc="PyTorch version with an inference image (quoted; the SDK's default is 1.3).", lands_in="CreateModel.PrimaryContainer.Image")
    py_version: str | None = sdk_field(None, doc="Python version of the image, e.g. py310 (required without image_uri).", lands_in="CreateModel.PrimaryContainer.Image")


# --------------------------------------------------------------------------------------------
# Rules: what sagemaker.fw_utils and sagemaker.pytorch refuse
# --------------------------------------------------------------------------------------------


def _pytorch(d: Any) -> PyTorchEstimator | None:
    est = getattr(d, "estimator", None)
    return est if isinstance(est, PyTorchEstimator) else None


def _py3(py_version: str | None) -> bool:
    return py_version is not None and "py3" in py_version


@rule("estimator")
def pytorch_distribution_is_supported(d: Any, ctx: Context) -> Iterator[Finding]:
    """PyTorch.__init__, fw_utils.validate_distribution and its helpers, Framework._distribution_configuration."""
    est = _pytorch(d)
    if est is None or est.distribution is None:
        return
    dist = est.distribution
    base = ("estimator", "distribution")
    if dist.pytorchddp is not None and dist.smdistributed is not None:
        yield Finding(base + ("pytorchddp",), "pytorchddp and smdistributed cannot be used together (PyTorch.__init__)", "one of them", "both")
        return
    if dist.pytorchxla is not None:
        yield Finding(base + ("pytorchxla",), "PyTorch/XLA distributed training needs SageMaker Training Compiler (compiler_config), which sagestack does not support", "torch_distributed, pytorchddp, smdistributed or mpi", "pytorchxla")
    sm = dist.smdistributed
    if sm is not None and sm.dataparallel is not None and sm.modelparallel is not None:
        yield Finding(base + ("smdistributed",), "only one smdistributed strategy at a time (fw_utils.validate_smdistributed)", "dataparallel or modelparallel", "both")
    given = list(dist.sdk_dict())
    if processor_for(est.instance_type) == "trn" and given and given != ["torch_distributed"]:
        yield Finding(base, "Trainium instances take only torch_distributed (fw_utils.validate_distribution_for_instance_type)", "torch_distributed", ", ".join(given))
    custom = est.image_uri is not None
    if dist.pytorchddp is not None and dist.pytorchddp.enabled:
        # PyTorch.__init__ keeps the smdistributed form: the job runs SageMaker's data parallel library.
        yield Finding(base + ("pytorchddp",), "the SDK sends pytorchddp as smdistributed.dataparallel (sagemaker_distributed_dataparallel_enabled), so the job runs SageMaker's data parallel library; say smdistributed: {dataparallel: ...} or torch_distributed for plain DDP", "smdistributed or torch_distributed", "pytorchddp", "warning")
        if est.instance_type not in SMDATAPARALLEL_INSTANCE_TYPES:
            yield Finding(("estimator", "instance_type"), "pytorchddp runs SageMaker distributed data parallel, which runs only on these multi-GPU instances", ", ".join(SMDATAPARALLEL_INSTANCE_TYPES), est.instance_type)
    if dist.dataparallel_on() and not custom:
        if est.framework_version not in SMDATAPARALLEL_VERSIONS:
            yield Finding(("estimator", "framework_version"), "SageMaker distributed data parallel (smdistributed.dataparallel, and pytorchddp, which the SDK runs as it) supports these PyTorch versions only", ", ".join(SMDATAPARALLEL_VERSIONS), est.framework_version)
        if not _py3(est.py_version):
            yield Finding(("estimator", "py_version"), "SageMaker distributed data parallel needs Python 3", "py3, py38 ... py312", est.py_version or "nothing")
    if dist.torch_distributed_on():
        if not custom:
            if not _py3(est.py_version):
                yield Finding(("estimator", "py_version"), "torch_distributed needs Python 3", "py3, py38 ... py312", est.py_version or "nothing")
            processor = processor_for(est.instance_type)
            if processor == "gpu" and est.framework_version not in TORCH_DISTRIBUTED_GPU_VERSIONS:
                yield Finding(("estimator", "framework_version"), "torch_distributed on GPU instances supports these full PyTorch versions only (2.3.0, not 2.3)", ", ".join(TORCH_DISTRIBUTED_GPU_VERSIONS), est.framework_version)
            elif processor == "trn" and est.framework_version not in TORCH_DISTRIBUTED_TRAINIUM_VERSIONS:
                yield Finding(("estimator", "framework_version"), "torch_distributed on Trainium supports these PyTorch versions only", ", ".join(TORCH_DISTRIBUTED_TRAINIUM_VERSIONS), est.framework_version)
            elif processor not in ("gpu", "trn"):
                yield Finding(("estimator", "instance_type"), "torch_distributed runs only on GPU and Trainium instances", "ml.g*, ml.p* or ml.trn* instances", est.instance_type)
        if not est.entry_point.endswith(".py"):
            yield Finding(("estimator", "entry_point"), "torch_distributed launches Python programs only", "a .py file", est.entry_point)
    if sm is not None and sm.is_enabled() and not dist.torch_distributed_on():
        if instance_family(est.instance_type) == "p5" and "p5.48xlarge" in est.instance_type:
            yield Finding(("estimator", "instance_type"), "SageMaker model and data parallel do not run on p5 instances without torch_distributed (Framework._distribution_configuration)", "torch_distributed with smdistributed, or another instance type", est.instance_type)
        for image in SM_PARALLELISM_UNSUPPORTED_IMAGES:
            if isinstance(est.image_uri, str) and image in est.image_uri:
                yield Finding(("estimator", "image_uri"), f"smdistributed does not work with the {image} image (Framework._distribution_configuration)", "another image, or torch_distributed with smdistributed", est.image_uri)
    if sm is not None and sm.modelparallel is not None and sm.modelparallel.enabled:
        yield from _model_parallel_parameters(base + ("smdistributed", "modelparallel", "parameters"), sm.modelparallel.parameters)


def _model_parallel_parameters(path: tuple[str | int, ...], config: dict[str, Any]) -> Iterator[Finding]:
    """fw_utils.validate_mp_config."""
    choices = {"pipeline": ("simple", "interleaved", "_only_forward"), "placement_strategy": ("spread", "cluster"), "optimize": ("speed", "memory")}
    for key, allowed in choices.items():
        if key in config and config[key] not in allowed:
            yield Finding(path + (key,), f"{key} must be one of these", ", ".join(allowed), str(config[key]))
    for key in ("microbatches", "partitions", "active_microbatches"):
        if key in config and (not isinstance(config[key], int) or isinstance(config[key], bool) or config[key] < 1):
            yield Finding(path + (key,), f"the number of {key} must be a positive integer", ">= 1", str(config[key]))
    for key in ("auto_partition", "contiguous", "load_partition", "horovod", "ddp", "deterministic_server"):
        if key in config and config[key] not in (True, False):
            yield Finding(path + (key,), f"{key} is true or false", "true, false", str(config[key]))
    if "partition_file" in config and not isinstance(config["partition_file"], str):
        yield Finding(path + ("partition_file",), "partition_file must be a string", "a path", str(config["partition_file"]))
    if config.get("auto_partition") is False and "default_partition" not in config:
        yield Finding(path + ("auto_partition",), "default_partition must be given when auto_partition is false", "default_partition", "nothing")
    if "default_partition" in config:
        partitions = config.get("partitions")
        if not isinstance(partitions, int) or not isinstance(config["default_partition"], int) or config["default_partition"] >= partitions:
            yield Finding(path + ("default_partition",), "default_partition must be less than the number of partitions", f"< {partitions}" if isinstance(partitions, int) else "partitions and a smaller default_partition", str(config["default_partition"]))
    weight = config.get("memory_weight")
    if weight is not None and (not isinstance(weight, (int, float)) or not 0.0 <= weight <= 1.0):
        yield Finding(path + ("memory_weight",), "memory_weight must be between 0.0 and 1.0", "0.0 .. 1.0", str(weight))
    for key in ("ddp_port", "ddp_dist_backend"):
        if key in config and "ddp" not in config:
            yield Finding(path + (key,), f"{key} needs ddp to be set as well", "ddp: true", "no ddp")
    if "ddp_port" in config and (not isinstance(config["ddp_port"], int) or config["ddp_port"] < 0):
        yield Finding(path + ("ddp_port",), "invalid port number", ">= 0", str(config["ddp_port"]))
    if config.get("horovod") and config.get("ddp"):
        yield Finding(path + ("ddp",), "ddp and horovod cannot both be enabled", "one of them", "both")


@rule("estimator")
def pytorch_instance_not_deprecated(d: Any, ctx: Context) -> Iterator[Finding]:
    """image_uris._validate_instance_deprecation: no P2 instances from PyTorch 1.13."""
    est = _pytorch(d)
    if est is None or est.image_uri is not None:
        return
    version = version_of(est.framework_version)
    if version is not None and version >= Version("1.13") and instance_family(est.instance_type) == "p2":
        yield Finding(("estimator", "instance_type"), "P2 instances are deprecated for PyTorch 1.13 and newer (image_uris)", "ml.p3, ml.g4dn, ml.g5 ... instances", est.instance_type)


def _served(d: Any) -> Any:
    source = getattr(d, "model", None) or getattr(d, "estimator", None)
    return source if isinstance(source, (PyTorchEstimator, PyTorchModelSpec)) else None


def _serving_instances(d: Any) -> list[tuple[tuple[str | int, ...], str]]:
    out: list[tuple[tuple[str | int, ...], str]] = []
    dep = getattr(d, "deploy", None)
    if dep is not None:
        out += [(path + ("instance_type",), p.instance_type) for path, p in sized_sections(dep) if p.instance_type]
    tr = getattr(d, "transformer", None)
    if tr is not None and tr.instance_type:
        out.append((("transformer", "instance_type"), tr.instance_type))
    return out


@rule()
def pytorch_serving_is_possible(d: Any, ctx: Context) -> Iterator[Finding]:
    """PyTorchModel.prepare_container_def: inference code is repacked from PyTorch 1.2 (MMS /
    TorchServe images); the SDK needs a framework_version to decide; Neuron images are training-only."""
    spec = _served(d)
    if spec is None or (getattr(d, "deploy", None) is None and getattr(d, "transformer", None) is None):
        return
    section = "model" if isinstance(spec, PyTorchModelSpec) else "estimator"
    entry = spec.entry_point if isinstance(spec, PyTorchEstimator) else (spec.entry_point or getattr(getattr(d, "deploy", None), "entry_point", None))
    version = version_of(spec.framework_version)
    if spec.framework_version is None:
        yield Finding((section, "framework_version"), "serving a PyTorch model needs framework_version even with image_uri: the SDK decides from it whether to repack the inference code", "the PyTorch version of the image", "nothing")
    elif version is not None and version < Version(LOWEST_MMS_VERSION) and entry is not None:
        yield Finding((section, "framework_version"), f"before PyTorch {LOWEST_MMS_VERSION} the SDK uploads inference code beside the model instead of repacking it, which sagestack does not do", f">= {LOWEST_MMS_VERSION} to serve with an entry_point", spec.framework_version)
    if spec.image_uri is None:
        for path, instance_type in _serving_instances(d):
            if processor_for(instance_type) in ("inf", "trn"):
                yield Finding(path, "the SDK's PyTorch Neuron images are training images: no PyTorch inference image for Inferentia or Trainium", "a GPU (ml.g5, ml.g4dn ...) or CPU instance, or image_uri", instance_type)
            elif version is not None and version >= Version("1.13") and instance_family(instance_type) == "p2":
                yield Finding(path, "P2 instances are deprecated for PyTorch 1.13 and newer (image_uris)", "ml.g4dn, ml.g5 ... instances", instance_type)


@rule("transformer")
def pytorch_transform_image_exists(d: Any, ctx: Context) -> Iterator[Finding]:
    """A trained PyTorch model's batch transform needs an inference image for its version (training images reach further)."""
    est = _pytorch(d)
    if est is None or est.image_uri is not None or est.framework_version is None or getattr(d, "deploy", None) is not None:
        return
    config = image_config(est.framework, "inference")
    if config is not None and version_of(est.framework_version) is not None and config.resolve(est.framework_version) is None:
        yield Finding(("estimator", "framework_version"), "no SageMaker PyTorch inference image for this version, so the trained model cannot be served", ", ".join(config.accepted_versions()), est.framework_version)


KIND = Kind(
    order=15,
    estimator=PyTorchEstimator,
    estimator_sdk="sagemaker.pytorch.PyTorch",
    model=PyTorchModelSpec,
    model_sdk="sagemaker.pytorch.PyTorchModel",
    image_family="pytorch",
    serving="PyTorch inference image (TorchServe), repacked with the entry point under code/ (the training script by default; PyTorchModel may have none)",
)
