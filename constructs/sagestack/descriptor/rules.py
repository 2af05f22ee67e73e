"""Rules across fields and sections, each a small function with a compliant and a non-compliant
test in ``tests/descriptor/test_rules.py``.

A rule receives the validated sections (a section that failed field validation is None) and
yields :class:`Finding` objects with the path of the field at fault. Rules never raise for a
user mistake. Limits come from botocore's model (:mod:`.api`) and the SDK's image data
(:mod:`.images`); the few that exist only in SDK code are named with their SDK source.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from packaging.version import InvalidVersion, Version
from pydantic import BaseModel

from .api import ApiMember, limits
from .base import format_allowed, suggest
from .images import GRAVITON_FAMILIES, GRAVITON_FRAMEWORKS, gpu_count, image_config, instance_family, is_burstable, processor_for
from .paths import LocalPathKind, allowed_paths, escaping_links, local_path_kind, path_problem, repository_root

__all__ = ["Finding", "Context", "RULES", "run_rules", "rule", "version_of", "IMPORT_PLACEHOLDER", "IMPORT_DEFAULT_BUCKET"]

#: What `sagestack import` writes where a notebook's value cannot be resolved statically, and in
#: place of the notebook's default bucket; a descriptor holding either is not finished.
IMPORT_PLACEHOLDER = "<unresolved>"
IMPORT_DEFAULT_BUCKET = "<default-bucket>"


@dataclass(frozen=True)
class Finding:
    path: tuple[str | int, ...]
    message: str
    allowed: str | None = None
    got: str | int | float | None = None  # counts and sizes stay numbers in --format json
    severity: Literal["error", "warning"] = "error"


@dataclass(frozen=True)
class Context:
    present: set[str]
    base_dir: Path
    #: Local paths must stay inside this directory (:mod:`.paths`).
    root: Path

    def outside(self, value: str, base: Path | None = None) -> bool:
        return path_problem(value, base if base is not None else self.base_dir, self.root) is not None


RuleFn = Callable[[Any, Context], Iterator[Finding]]
RULES: list[tuple[str, tuple[str, ...], RuleFn]] = []


def rule(*needs: str) -> Callable[[RuleFn], RuleFn]:
    """Register a rule that runs when every section in ``needs`` validated."""

    def register(fn: RuleFn) -> RuleFn:
        RULES.append((fn.__name__, needs, fn))
        return fn

    return register


def run_rules(view: Any, *, present: set[str], base_dir: Path, root: Path | None = None) -> list[Finding]:
    """Every rule's findings. ``root``: the repository root local paths must stay in (default:
    found from ``base_dir``, see :func:`.paths.repository_root`)."""
    ctx = Context(present=present, base_dir=base_dir, root=Path(root) if root is not None else repository_root(base_dir))
    findings: list[Finding] = []
    for _name, needs, fn in RULES:
        if all(getattr(view, section, None) is not None for section in needs):
            findings.extend(fn(view, ctx))
    return findings


def version_of(text: str | None) -> Version | None:
    if text is None:
        return None
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _is_framework(estimator: Any) -> bool:
    return hasattr(estimator, "framework") and hasattr(estimator, "entry_point")


def _is_builtin(estimator: Any) -> bool:
    return hasattr(estimator, "algorithm")


# ----------------------------------------------------------------------------------------
# Structure
# ----------------------------------------------------------------------------------------


def _placeholders(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        if value == IMPORT_PLACEHOLDER or IMPORT_DEFAULT_BUCKET in value:
            yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _placeholders(item, path + (key,))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _placeholders(item, path + (index,))


@rule()
def import_placeholders_are_filled(d: Any, ctx: Context) -> Iterator[Finding]:
    """A value `sagestack import` could not resolve is still its placeholder (in fields whose
    type takes any string, such as hyperparameters, nothing else would say so)."""
    for section in ("estimator", "fit", "tuner", "model", "deploy", "transformer", "transform"):
        spec = getattr(d, section, None)
        if spec is None:
            continue
        for path, value in _placeholders(spec.model_dump(mode="python"), (section,)):
            what = "the notebook's default bucket" if value != IMPORT_PLACEHOLDER else "a value the notebook computes"
            yield Finding(path, f"a placeholder left by sagestack import for {what}: replace it (the comment beside it gives the notebook's expression)", "the value itself", value)


@rule()
def sections_fit_together(d: Any, ctx: Context) -> Iterator[Finding]:
    """Exactly one of estimator/model; fit with estimator; something to do with a model;
    transformer with transform."""
    p = ctx.present
    if "estimator" in p and "model" in p:
        yield Finding(("model",), "a descriptor either trains (estimator) or uses existing model data (model), not both", "estimator or model", "both")
    if "estimator" not in p and "model" not in p and "processing" not in p:
        yield Finding(("name",), "nothing to build: add an estimator (with fit), a model or processing steps", "estimator + fit, model + deploy/transformer, or processing", "neither")
    if "estimator" in p and "fit" not in p:
        yield Finding(("estimator",), "an estimator needs a fit section with its inputs", "fit: {inputs: ...}", "no fit")
    if "fit" in p and "estimator" not in p:
        yield Finding(("fit",), "fit needs an estimator", "estimator: {type: ...}", "no estimator")
    if "model" in p and "deploy" not in p and "transformer" not in p:
        yield Finding(("model",), "a model needs deploy or transformer + transform", "deploy, or transformer and transform", "neither")
    if "transformer" in p and "transform" not in p:
        yield Finding(("transformer",), "transformer needs a transform section with the data", "transform: {data: s3://...}", "no transform")
    if "transform" in p and "transformer" not in p:
        yield Finding(("transform",), "transform needs a transformer section (instance type and count)", "transformer: {instance_type: ...}", "no transformer")


@rule()
def serving_arguments_are_taken(d: Any, ctx: Context) -> Iterator[Finding]:
    """What the SDK call serving the model refuses (TypeError): model_server_workers where the
    model class has none; env in deploy for a model: section (Model.deploy takes no env)."""
    served = getattr(d, "model", None) or getattr(d, "estimator", None)
    if served is None:
        return
    for section in ("deploy", "transformer", "model"):
        part = getattr(d, section, None)
        if part is not None and getattr(part, "model_server_workers", None) is not None and not served.takes_model_server_workers():
            yield Finding((section, "model_server_workers"), f"{served.type}'s model takes no model_server_workers (the SDK raises TypeError); its model server sizes its workers itself", "no model_server_workers", part.model_server_workers)
    tr = getattr(d, "transformer", None)
    if tr is not None and tr.env is not None:
        isolated = tr.enable_network_isolation if tr.enable_network_isolation is not None else bool(getattr(served, "enable_network_isolation", False))
        # model: sections, and the estimators whose transformer() goes through the model's (TensorFlow Serving)
        through_model = getattr(d, "model", None) is not None or served.serving(getattr(d, "deploy", None)) in ("tfs", "legacy-container")
        if isolated and through_model:
            yield Finding(("transformer", "env"), "Model.transformer() drops env when the model is network-isolated, so the job would run without it", "no env, or no network isolation", "env with network isolation")
    model = getattr(d, "model", None)
    if model is not None and model.serving(getattr(d, "deploy", None)) == "code-archive" and model.enable_network_isolation and getattr(model, "entry_point", None) is None:
        yield Finding(("model", "enable_network_isolation"), f"a network-isolated {model.type} without an entry_point has no model data: the SDK sends the repacked archive, and without a script nothing is repacked", "an entry_point, or no network isolation", "no entry_point")
    dep = getattr(d, "deploy", None)
    if dep is not None and dep.env and getattr(d, "model", None) is not None:
        yield Finding(("deploy", "env"), "model.deploy() takes no env: the container environment of a model: section is model.env", "model.env", "deploy.env")


# ----------------------------------------------------------------------------------------
# Estimator: versions and images
# ----------------------------------------------------------------------------------------


@rule("estimator")
def framework_image_exists(d: Any, ctx: Context) -> Iterator[Finding]:
    """framework_version/py_version must have a training image in the SDK's data, unless image_uri is given."""
    est = d.estimator
    if not _is_framework(est) or est.image_uri is not None or est.OWN_IMAGE_RULES:
        return
    if est.framework_version is None or est.py_version is None:
        missing = [n for n in ("framework_version", "py_version") if getattr(est, n) is None]
        for name in missing:
            yield Finding(("estimator", name), f"required without image_uri (the SDK needs framework_version and py_version to pick the {est.type} image)", "a version with a SageMaker image", "nothing")
        return
    # the image the class trains on (some distributions and instance types pick another family's)
    family = str(est.image_arguments("training")["framework"])
    config = image_config(family, "training")
    assert config is not None
    full = config.resolve(est.framework_version)
    if full is None:
        yield Finding(("estimator", "framework_version"), f"no SageMaker {est.type} training image for this version", format_allowed(config.accepted_versions(), limit=60), est.framework_version)
        return
    py_versions = config.py_versions(est.framework_version)
    if py_versions and est.py_version not in py_versions:
        yield Finding(("estimator", "py_version"), f"no {est.type} {full} training image for this Python version", ", ".join(py_versions), est.py_version)
    processors = config.processors_for(est.framework_version)
    processor = processor_for(est.instance_type)
    if processors and processor not in processors:
        yield Finding(("estimator", "instance_type"), f"the {est.type} {full} training images are built for {', '.join(processors)}, not {processor}", ", ".join(processors) + " instances", est.instance_type)


# ----------------------------------------------------------------------------------------
# Estimator: distribution
# ----------------------------------------------------------------------------------------

# From sagemaker.fw_utils (SDK 2.257.7): SM_DATAPARALLEL_SUPPORTED_INSTANCE_TYPES; a test
# compares this with the SDK.
SMDATAPARALLEL_INSTANCE_TYPES = ("ml.p3.16xlarge", "ml.p3dn.24xlarge", "ml.p4d.24xlarge", "ml.p4de.24xlarge")
# sagemaker.fw_utils.SINGLE_GPU_INSTANCE_TYPES
SINGLE_GPU_INSTANCE_TYPES = ("ml.p2.xlarge", "ml.p3.2xlarge")

@rule("estimator")
def distribution_is_consistent(d: Any, ctx: Context) -> Iterator[Finding]:
    """One strategy; supported by the framework and version; sensible for the instance count."""
    est = d.estimator
    if not _is_framework(est):
        return
    dist = est.distribution
    enabled = dist.enabled() if dist is not None else []
    if len(enabled) > 1 and dist is not None and frozenset(enabled) not in dist.ALLOWED_TOGETHER:
        yield Finding(("estimator", "distribution"), "only one distribution strategy can be enabled", ", ".join(type(dist).model_fields), ", ".join(enabled))
    version = version_of(est.framework_version)
    for strategy in enabled:
        if strategy not in est.DISTRIBUTIONS:
            yield Finding(("estimator", "distribution", strategy), f"{est.type} does not support {strategy}", ", ".join(est.DISTRIBUTIONS), strategy)
            continue
        minimum = est.DISTRIBUTIONS[strategy]
        if minimum and version is not None and version < Version(minimum):
            what = "Horovod (mpi)" if strategy == "mpi" else strategy
            yield Finding(("estimator", "framework_version"), f"{what} needs {est.type} {minimum} or newer", f">= {minimum}", est.framework_version)
    if est.instance_count > 1 and not enabled and est.warns_without_distribution():
        yield Finding(("estimator", "instance_count"), "several instances without a distribution strategy: each instance runs the script on its own; set distribution (parameter_server, mpi or multi_worker_mirrored_strategy)", "instance_count: 1, or a distribution", est.instance_count, "warning")
    if est.instance_count == 1 and "parameter_server" in enabled:
        yield Finding(("estimator", "distribution", "parameter_server"), "parameter servers on a single instance add nothing; raise instance_count", "instance_count > 1", 1, "warning")


@rule("estimator")
def distribution_fits_instance(d: Any, ctx: Context) -> Iterator[Finding]:
    """GPU-only options on GPU instances; MPI processes within the GPUs; the SDK's parameter-server warning."""
    est = d.estimator
    if not _is_framework(est) or est.distribution is None:
        return
    dist = est.distribution
    enabled = dist.enabled()
    gpu = processor_for(est.instance_type) == "gpu"
    dataparallel = dist.smdistributed is not None and dist.smdistributed.dataparallel is not None and dist.smdistributed.dataparallel.enabled
    if "smdistributed" in enabled and dataparallel and est.instance_type not in SMDATAPARALLEL_INSTANCE_TYPES:
        yield Finding(("estimator", "instance_type"), "SageMaker distributed data parallel runs only on these multi-GPU instances", ", ".join(SMDATAPARALLEL_INSTANCE_TYPES), est.instance_type)
    if "mpi" in enabled and dist.mpi is not None and dist.mpi.processes_per_host:
        gpus = gpu_count(est.instance_type) if gpu else None
        if gpus is not None and dist.mpi.processes_per_host > gpus:
            yield Finding(("estimator", "distribution", "mpi", "processes_per_host"), f"more MPI processes than the {gpus} GPU(s) of {est.instance_type}", f"<= {gpus}", dist.mpi.processes_per_host, "warning")
        if not gpu and dist.mpi.custom_mpi_options and "NCCL" in dist.mpi.custom_mpi_options:
            yield Finding(("estimator", "distribution", "mpi", "custom_mpi_options"), "NCCL options have no effect on a CPU instance", "a GPU instance type for NCCL", est.instance_type, "warning")
    if "parameter_server" in enabled and gpu and est.instance_type not in SINGLE_GPU_INSTANCE_TYPES and (gpu_count(est.instance_type) or 1) > 1:
        yield Finding(("estimator", "distribution", "parameter_server"), "parameter servers run one worker per host and leave the other GPUs of a multi-GPU instance idle (SDK warning); consider mpi", "mpi on multi-GPU instances", est.instance_type, "warning")


# ----------------------------------------------------------------------------------------
# Estimator: spot, stopping, VPC, hyperparameters
# ----------------------------------------------------------------------------------------


@rule("estimator")
def spot_and_stopping_condition(d: Any, ctx: Context) -> Iterator[Finding]:
    """max_wait only with spot and >= max_run; spot needs max_wait; a small max_run looks like hours."""
    est = d.estimator
    if est.max_wait is not None and not est.use_spot_instances:
        yield Finding(("estimator", "max_wait"), "max_wait applies only to managed spot training", "use_spot_instances: true", "use_spot_instances: false")
    if est.use_spot_instances and est.max_wait is None:
        yield Finding(("estimator", "use_spot_instances"), "managed spot training needs max_wait (StoppingCondition.MaxWaitTimeInSeconds)", f">= max_run ({est.max_run})", "no max_wait")
    if est.max_wait is not None and est.max_wait < est.max_run:
        yield Finding(("estimator", "max_wait"), "max_wait must be at least max_run", f">= {est.max_run}", est.max_wait)
    if est.use_spot_instances and est.checkpoint_s3_uri is None:
        yield Finding(("estimator", "checkpoint_s3_uri"), "spot training without checkpoints restarts from scratch after an interruption", "an s3:// prefix", "none", "warning")
    if est.max_run <= 168:
        yield Finding(("estimator", "max_run"), f"max_run is in seconds; {est.max_run} s is very short (the v1 README said hours: {est.max_run} h = {est.max_run * 3600} s)", "seconds, e.g. 86400 for a day", est.max_run, "warning")


@rule("estimator")
def vpc_config_complete(d: Any, ctx: Context) -> Iterator[Finding]:
    """subnets and security_group_ids go together (VpcConfig needs both)."""
    est = d.estimator
    if (est.subnets is None) != (est.security_group_ids is None):
        missing = "security_group_ids" if est.security_group_ids is None else "subnets"
        yield Finding(("estimator", missing), "a VPC configuration needs both subnets and security_group_ids", "both or neither", "only one")


# Keys the SDK adds to framework hyperparameters (sagemaker.estimator.Framework): with model_dir
# for TensorFlow and up to five distribution keys.
FRAMEWORK_RESERVED_COUNT = 6


@rule("estimator")
def hyperparameters_fit_the_api(d: Any, ctx: Context) -> Iterator[Finding]:
    """No sagemaker_ keys; count and encoded size within CreateTrainingJob's HyperParameters limits."""
    est = d.estimator
    hps: dict[str, Any] = getattr(est, "hyperparameters", None) or {}
    member = ApiMember("CreateTrainingJob", "HyperParameters")
    max_count = int(limits(member).max or 100)
    value_max = int(limits(ApiMember("CreateTrainingJob", "HyperParameters{}")).max or 2500)
    key_max = int(limits(ApiMember("CreateTrainingJob", "HyperParameters{key}")).max or 256)
    framework = _is_framework(est)
    for key, value in hps.items():
        if framework and key.startswith("sagemaker_"):
            yield Finding(("estimator", "hyperparameters", key), "keys starting with sagemaker_ are set by the SDK from other fields", "another name", key)
        if len(key) > key_max:
            yield Finding(("estimator", "hyperparameters", key), "hyperparameter name too long", f"at most {key_max} characters", f"{len(key)} characters")
        encoded = json.dumps(value) if framework else str(value)
        if len(encoded) > value_max:
            yield Finding(("estimator", "hyperparameters", key), "encoded value too long for CreateTrainingJob HyperParameters", f"at most {value_max} characters", f"{len(encoded)} characters")
    budget = max_count - (FRAMEWORK_RESERVED_COUNT if framework else 2)
    if len(hps) > budget:
        yield Finding(("estimator", "hyperparameters"), f"too many hyperparameters: SageMaker takes {max_count} and the SDK adds its own", f"at most {budget}", len(hps))


@rule("estimator")
def code_paths_exist(d: Any, ctx: Context) -> Iterator[Finding]:
    """source_dir, entry_point, dependencies and requirements_file exist relative to the descriptor."""
    est = d.estimator
    if not _is_framework(est):
        return
    yield from _check_code_paths(("estimator",), est, ctx)
    req = getattr(est, "requirements_file", None)
    if req and est.source_dir and not est.source_dir.startswith("s3://") and not ctx.outside(est.source_dir):
        if not ctx.outside(req, ctx.base_dir / est.source_dir) and not (ctx.base_dir / est.source_dir / req).is_file():
            yield Finding(("estimator", "requirements_file"), "file not found inside source_dir", "a file relative to source_dir", req)


def _check_code_paths(prefix: tuple[str, ...], spec: Any, ctx: Context, *, s3_archive: bool = True) -> Iterator[Finding]:
    """``s3_archive``: whether an ``s3://`` source_dir is taken (training code; inference code is
    repacked into model.tar.gz from a local directory)."""
    source_dir = getattr(spec, "source_dir", None)
    entry = getattr(spec, "entry_point", None)
    if source_dir and source_dir.startswith("s3://"):
        if not s3_archive:
            yield Finding(prefix + ("source_dir",), "inference code in S3 is not supported: sagestack repacks the model with inference code from this repository", "a local directory, relative to this file", source_dir)
        elif not source_dir.endswith(".tar.gz"):
            yield Finding(prefix + ("source_dir",), "an S3 source_dir must be a .tar.gz archive", "s3://.../sourcedir.tar.gz", source_dir)
        return
    root = ctx.base_dir
    if source_dir and ctx.outside(source_dir):
        return  # reported by local_paths_stay_inside_the_repository
    if source_dir:
        directory = root / source_dir
        if not directory.is_dir():
            yield Finding(prefix + ("source_dir",), "directory not found (paths are relative to the descriptor file)", "an existing directory", source_dir)
            return
        root = directory
    if entry and not ctx.outside(entry, root) and not (root / entry).is_file():
        where = "source_dir" if source_dir else "the descriptor's directory"
        yield Finding(prefix + ("entry_point",), f"file not found relative to {where}", "an existing file", entry)
    for index, dep in enumerate(getattr(spec, "dependencies", ()) or ()):
        if not ctx.outside(dep) and not (ctx.base_dir / dep).exists():
            yield Finding(prefix + ("dependencies", index), "path not found (relative to the descriptor file)", "an existing path", dep)


@rule()
def local_paths_stay_inside_the_repository(d: Any, ctx: Context) -> Iterator[Finding]:
    """Every local-path field (marked with :class:`.paths.LocalPathKind`, in any section) resolves,
    symbolic links followed, inside the repository root, and a directory holds no link out of it
    (or back into itself): synthesis packs what these paths reach into an asset uploaded to S3."""
    for path, kind, value, spec in _local_paths(d, ()):
        if kind.s3 and value.startswith("s3://"):
            continue
        bases = _bases(d, spec, ctx) if kind.relative_to == "source_dir" else [(ctx.base_dir, "the descriptor")]
        problem = next(((p, relative_to) for base, relative_to in bases if (p := path_problem(value, base, ctx.root)) is not None), None)
        if problem is not None:
            yield Finding(path, problem[0], allowed_paths(ctx.root, problem[1]), value)
            continue
        for base, _relative_to in bases[:1]:
            if (base / value).is_dir():
                for link, target, what in escaping_links(base / value, ctx.root):
                    shown = link.relative_to(ctx.base_dir) if link.is_relative_to(ctx.base_dir) else link
                    yield Finding(path, f"the directory holds {what} ({shown} -> {target}), which would be packed with the code", f"symbolic links that stay inside the repository {ctx.root}, or copies of the files", value)


@cache
def _path_kinds(cls: type[BaseModel]) -> tuple[tuple[str, LocalPathKind | None], ...]:
    """Each field of a section class with its local-path kind (None for other fields), read from
    the annotations once per class: the annotations do not change, the values do."""
    return tuple((name, local_path_kind(info.annotation, info.metadata)) for name, info in cls.model_fields.items())


def _local_paths(obj: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], LocalPathKind, str, Any]]:
    """(field path, kind, value, owning section) of every local-path value under ``obj``, found
    from the fields' annotations so that a new path field is checked without being listed here."""
    if isinstance(obj, BaseModel):
        items = [(name, getattr(obj, name, None), kind) for name, kind in _path_kinds(type(obj))]
    elif not path and hasattr(obj, "__dict__"):  # the section view of a descriptor with errors
        items = [(name, value, None) for name, value in vars(obj).items()]
    else:
        return
    for name, value, kind in items:
        values = list(enumerate(value)) if isinstance(value, (tuple, list)) else [(None, value)]
        for index, item in values:
            where = path + (name,) if index is None else path + (name, index)
            if kind is not None and isinstance(item, str):
                yield where, kind, item, obj
            elif isinstance(item, BaseModel):
                yield from _local_paths(item, where)


def _bases(d: Any, spec: Any, ctx: Context) -> list[tuple[Path, str]]:
    """The directories a source_dir-relative path of ``spec`` may be resolved against, as the
    requests and archives are built: its own source_dir, else the descriptor's directory; for
    deploy and transformer also the deploy's and the estimator's source_dir (MXNet serves with the
    training code), each of which the path must stay inside the root from. A source_dir that is
    an S3 archive or leaves the root adds nothing (it is not local, or is reported itself)."""
    if spec is getattr(d, "deploy", None) or spec is getattr(d, "transformer", None):
        candidates = [getattr(spec, "source_dir", None), getattr(getattr(d, "deploy", None), "source_dir", None), getattr(getattr(d, "estimator", None), "source_dir", None)]
    else:
        candidates = [getattr(spec, "source_dir", None)]
        if isinstance(candidates[0], str) and candidates[0].startswith("s3://"):
            return []  # a path inside the S3 archive, not on this machine
    bases: list[tuple[Path, str]] = []
    for source_dir in candidates:
        if isinstance(source_dir, str) and source_dir and not source_dir.startswith("s3://") and not ctx.outside(source_dir):
            bases.append((ctx.base_dir / source_dir, "source_dir"))
    if not bases or len(candidates) > 1:
        bases.append((ctx.base_dir, "the descriptor"))
    return bases


# ----------------------------------------------------------------------------------------
# fit
# ----------------------------------------------------------------------------------------


@rule("estimator", "fit")
def inputs_match_estimator(d: Any, ctx: Context) -> Iterator[Finding]:
    """Built-in algorithms take RecordSets with a train channel; other estimators take channels."""
    est, fit = d.estimator, d.fit
    if _is_builtin(est):
        if fit.inputs.records is None:
            yield Finding(("fit", "inputs"), f"{est.type} trains on RecordSets (s3_data, num_records, feature_dim, channel)", "a RecordSet or a list of them", "channels")
            return
        channels = [r.channel for r in fit.inputs.records]
        if "train" not in channels:
            yield Finding(("fit", "inputs"), f"{est.type} needs a RecordSet on the train channel", "channel: train", ", ".join(channels))
        seen: set[str] = set()
        for index, record in enumerate(fit.inputs.records):
            if record.channel in seen:
                yield Finding(("fit", "inputs", index, "channel"), "two RecordSets on one channel", "one per channel", record.channel)
            seen.add(record.channel)
        if fit.mini_batch_size is not None:
            train = next((r for r in fit.inputs.records if r.channel == "train"), None)
            if train is not None and fit.mini_batch_size > train.num_records:
                yield Finding(("fit", "mini_batch_size"), "mini_batch_size larger than the train RecordSet fails the job", f"<= {train.num_records}", fit.mini_batch_size)
        feature_dims = {r.feature_dim for r in fit.inputs.records}
        if len(feature_dims) > 1:
            yield Finding(("fit", "inputs"), "RecordSets disagree on feature_dim", "one feature_dim", ", ".join(map(str, sorted(feature_dims))))
    else:
        if fit.inputs.records is not None:
            yield Finding(("fit", "inputs"), f"RecordSets are for built-in algorithms; {est.type} takes channels", "an S3 URI or {channel: URI or TrainingInput}", "RecordSet")
        if fit.mini_batch_size is not None:
            yield Finding(("fit", "mini_batch_size"), f"mini_batch_size is an argument of built-in algorithms; for {est.type} put it in hyperparameters", "hyperparameters: {mini_batch_size: ...}", fit.mini_batch_size)


@rule("estimator", "fit")
def pipe_mode_supported(d: Any, ctx: Context) -> Iterator[Finding]:
    """Pipe mode against what the algorithm or framework reads."""
    est, fit = d.estimator, d.fit
    channels = fit.inputs.channels or {}
    modes = {name: (ch.input_mode or est.input_mode) for name, ch in channels.items()}
    if fit.inputs.records is not None:
        modes.update({r.channel: est.input_mode for r in fit.inputs.records})
    piped = [name for name, mode in modes.items() if mode == "Pipe"]
    if not piped:
        return
    if est.PIPE_PROTOBUF_ONLY:
        for name, ch in channels.items():
            if modes[name] == "Pipe" and ch.content_type and "protobuf" not in ch.content_type:
                yield Finding(("fit", "inputs", name, "content_type"), f"{est.type} reads Pipe mode only as RecordIO-protobuf; CSV needs File mode", "application/x-recordio-protobuf", ch.content_type)
    pipe_from = getattr(est, "PIPE_DATASET_FROM", None)
    if pipe_from is not None:
        version = version_of(est.framework_version)
        if version is not None and version < Version(pipe_from):
            yield Finding(("estimator", "input_mode"), f"PipeModeDataset exists from {est.type} {pipe_from}", f">= {pipe_from} for Pipe mode", est.framework_version)
    elif _is_framework(est):
        yield Finding(("estimator", "input_mode"), f"{est.type} has no PipeModeDataset: your script must read the FIFO /opt/ml/input/data/<channel>_<epoch> itself", "File or FastFile, or a FIFO-reading script", "Pipe", "warning")


@rule("estimator", "fit")
def one_job_name_prefix(d: Any, ctx: Context) -> Iterator[Finding]:
    if d.estimator.base_job_name and d.fit.job_name:
        yield Finding(("fit", "job_name"), "both fit.job_name and estimator.base_job_name name the job prefix", "one of them", "both")


@rule("estimator", "transform")
def transform_job_name_needs_no_estimator(d: Any, ctx: Context) -> Iterator[Finding]:
    """Every job of a run is named after the run; with an estimator the run's prefix is the
    training prefix, so transform.job_name would name nothing."""
    if d.transform.job_name:
        yield Finding(("transform", "job_name"), "a run that trains names its transform job with the training prefix; set estimator.base_job_name or fit.job_name instead", "no transform.job_name with an estimator", d.transform.job_name)


@rule("estimator")
def checkpoint_local_path_needs_s3(d: Any, ctx: Context) -> Iterator[Finding]:
    """CheckpointConfig requires S3Uri: a local checkpoint path alone syncs nowhere."""
    est = d.estimator
    if est.checkpoint_local_path and not est.checkpoint_s3_uri:
        yield Finding(("estimator", "checkpoint_local_path"), "checkpoints are synced from checkpoint_local_path to checkpoint_s3_uri; without it SageMaker rejects the CheckpointConfig", "checkpoint_s3_uri with checkpoint_local_path", "no checkpoint_s3_uri")


# ----------------------------------------------------------------------------------------
# deploy
# ----------------------------------------------------------------------------------------

EI_END_OF_LIFE = (
    "Amazon Elastic Inference reached end of life in April 2024: endpoints with an accelerator no longer deploy "
    "(current CloudFormation schemas reject AcceleratorType). Use a GPU instance such as ml.g4dn.xlarge, "
    "or AWS Inferentia (ml.inf1.xlarge / ml.inf2.xlarge), and drop accelerator_type"
)


def _own_image_rules(d: Any) -> bool:
    """Whether what is served checks its image arguments in its own kind's rules."""
    return bool(getattr(d.model if d.model is not None else d.estimator, "OWN_IMAGE_RULES", False))


def _inference_framework(d: Any) -> tuple[str | None, str | None, str | None, bool, str]:
    """(framework key, version, py_version, custom image, image scope) of what will be served;
    the framework key is None for built-in algorithms and your own image."""
    source = d.model if d.model is not None else d.estimator
    if source is None:
        return None, None, None, False, "inference"
    framework = getattr(source, "framework", None)  # framework classes only: built-ins serve their training image
    custom = getattr(source, "image_uri", None) is not None
    return framework, getattr(source, "framework_version", None), getattr(source, "py_version", None), custom, source.SERVING_SCOPE


@rule("deploy")
def elastic_inference(d: Any, ctx: Context) -> Iterator[Finding]:
    """accelerator_type only for frameworks and versions that had EIA images; end-of-life notice."""
    dep = d.deploy
    for path, accelerator, instance_type in _placements(dep):
        if accelerator is not None:
            yield from _elastic_inference(d, path, accelerator, instance_type)


def _kinds_with_eia_images() -> list[str]:
    """The kinds whose framework had Elastic Inference images in the SDK's image data."""
    from .kinds import KINDS  # the kinds register rules of their own: imported when rules run

    return [k.estimator_type or k.model_type or "" for k in KINDS if (fw := getattr(k.estimator or k.model, "framework", None)) and image_config(fw, "eia") is not None]


def _placements(dep: Any) -> list[tuple[tuple[str | int, ...], str | None, str | None]]:
    """(path of the accelerator field, accelerator, instance type) of each variant."""
    from .placements import sized_sections  # the placements register rules of their own: imported when rules run

    return [(path + ("accelerator_type",), p.accelerator_type, p.instance_type) for path, p in sized_sections(dep)]


def _instance_types(dep: Any) -> list[tuple[tuple[str | int, ...], str]]:
    from .placements import sized_sections

    return [(path + ("instance_type",), p.instance_type) for path, p in sized_sections(dep) if p.instance_type]


def _elastic_inference(d: Any, path: tuple[str | int, ...], accelerator: str, instance_type: str | None) -> Iterator[Finding]:
    yield Finding(path, EI_END_OF_LIFE, "a GPU instance_type (ml.g4dn.xlarge) or Inferentia (ml.inf2.xlarge)", accelerator, "warning")
    if d.model is None and d.estimator is None:
        return  # what is served did not validate; its own errors say why
    framework, version, py_version, custom, _scope = _inference_framework(d)
    if custom:
        return
    config = image_config(framework, "eia") if framework is not None else None
    if config is None:
        had = _kinds_with_eia_images()
        listed = ", ".join(had[:-1]) + (" and " if len(had) > 1 else "") + had[-1]
        yield Finding(path, f"Elastic Inference images existed only for {listed}", " or ".join(had), getattr(d.model or d.estimator, "type", "unknown"))
        return
    if version is None:
        return
    if config.resolve(version) is None:
        section = "model" if d.model is not None else "estimator"
        yield Finding((section, "framework_version"), f"no Elastic Inference image for {framework} {version}", ", ".join(config.accepted_versions()), version)
        return
    py_versions = config.py_versions(version)
    if py_versions and py_version is not None and py_version not in py_versions:
        section = "model" if d.model is not None else "estimator"
        yield Finding((section, "py_version"), f"no Elastic Inference image for {framework} {version} with this Python", ", ".join(py_versions), py_version)
    if instance_type and processor_for(instance_type) == "gpu":
        yield Finding(path, "an accelerator on a GPU instance: Elastic Inference images are CPU images", "a CPU instance type with an accelerator", instance_type)


@rule("deploy")
def autoscaling_bounds(d: Any, ctx: Context) -> Iterator[Finding]:
    """min <= initial <= max; one target; not on burstable instances; GPU metric on GPU instances."""
    from .placements import capacity_of

    dep = d.deploy
    auto = dep.autoscaling
    capacity = capacity_of(dep)
    if auto is None or capacity.scales != "instances":  # what else it scales, its placement checks
        return
    if auto.min_capacity > auto.max_capacity:
        yield Finding(("deploy", "autoscaling", "min_capacity"), "min_capacity above max_capacity", f"<= {auto.max_capacity}", auto.min_capacity)
    counts = [(path + ("initial_instance_count",), p.initial_instance_count) for path, p in capacity.sized(dep)]  # the variants it scales
    for path, count in counts:
        if count is not None and not (auto.min_capacity <= count <= auto.max_capacity):
            yield Finding(path, "initial_instance_count outside the autoscaling bounds", f"{auto.min_capacity}..{auto.max_capacity}", count)
    targets = auto.targets()
    if not targets:
        yield Finding(("deploy", "autoscaling"), "choose what to track", "target_invocations_per_instance (e.g. 70), target_gpu_utilization, target_cpu_utilization or custom_metric", "none")
    elif len(targets) > 1:
        yield Finding(("deploy", "autoscaling", targets[1]), "one target-tracking metric per variant", "one of " + ", ".join(auto.TARGETS), ", ".join(targets))
    for path, instance_type in _instance_types(dep):
        if is_burstable(instance_type):
            yield Finding(path, "Application Auto Scaling does not scale burstable (ml.t*) endpoint instances", "a non-burstable type such as ml.m5.large", instance_type)
        if auto.target_gpu_utilization is not None and processor_for(instance_type) != "gpu":
            yield Finding(("deploy", "autoscaling", "target_gpu_utilization"), "GPU utilization is reported only by GPU instances", "a GPU instance type (ml.g*, ml.p*)", instance_type)
    for index, action in enumerate(auto.scheduled_actions):
        if action.min_capacity is None and action.max_capacity is None:
            yield Finding(("deploy", "autoscaling", "scheduled_actions", index), "a scheduled action changes min_capacity, max_capacity or both", "min_capacity and/or max_capacity", "neither")
        if action.min_capacity is not None and action.max_capacity is not None and action.min_capacity > action.max_capacity:
            yield Finding(("deploy", "autoscaling", "scheduled_actions", index, "min_capacity"), "min_capacity above max_capacity", f"<= {action.max_capacity}", action.min_capacity)


@rule("deploy")
def deployment_config_is_coherent(d: Any, ctx: Context) -> Iterator[Finding]:
    """Step sizes match the traffic routing type; the timeout covers the waits (UpdateEndpoint docs)."""
    dc = d.deploy.deployment_config
    if dc is None:
        return
    base = ("deploy", "deployment_config")
    tr = dc.traffic_routing
    needs = {"CANARY": "canary_size", "LINEAR": "linear_step_size"}
    wanted = needs.get(tr.type)
    for name in ("canary_size", "linear_step_size"):
        given = getattr(tr, name) is not None
        if name == wanted and not given:
            yield Finding(base + ("traffic_routing", name), f"{tr.type} traffic routing needs {name}", "{type: CAPACITY_PERCENT, value: 10}", "nothing")
        if name != wanted and given:
            yield Finding(base + ("traffic_routing", name), f"{name} applies only to {'CANARY' if name == 'canary_size' else 'LINEAR'} routing", f"no {name} with {tr.type}", name)
    limits = {"canary_size": (1, 50), "linear_step_size": (10, 50)}
    for name, (low, high) in limits.items():
        size = getattr(tr, name)
        if size is not None and size.type == "CAPACITY_PERCENT" and not low <= size.value <= high:
            yield Finding(base + ("traffic_routing", name, "value"), "outside the percentage SageMaker allows for this step", f"{low}..{high}", size.value)
    if dc.maximum_execution_timeout_seconds is not None:
        waits = tr.wait_interval_seconds + (dc.termination_wait_seconds or 0)
        if dc.maximum_execution_timeout_seconds <= waits:
            yield Finding(base + ("maximum_execution_timeout_seconds",), "must be larger than the waits (wait_interval_seconds + termination_wait_seconds)", f"> {waits}", dc.maximum_execution_timeout_seconds)


@rule("deploy")
def inference_image_exists(d: Any, ctx: Context) -> Iterator[Finding]:
    """The served framework version has an inference image (the SDK's data, inference scope)."""
    framework, version, py_version, custom, scope = _inference_framework(d)
    if custom or framework is None or version is None or any(a for _p, a, _t in _placements(d.deploy)) or _own_image_rules(d):
        return
    config = image_config(framework, scope)
    if config is None:
        return
    section = "model" if d.model is not None else "estimator"
    if config.resolve(version) is None:
        yield Finding((section, "framework_version"), f"no SageMaker {framework} inference image for this version", format_allowed(config.accepted_versions(), limit=60), version)
        return
    py_versions = config.py_versions(version)
    if py_versions and py_version is not None and py_version not in py_versions:
        yield Finding((section, "py_version"), f"no {framework} {version} inference image for this Python version", ", ".join(py_versions), py_version)
    processors = config.processors_for(version)
    for path, instance_type in _instance_types(d.deploy):
        if framework in GRAVITON_FRAMEWORKS and instance_family(instance_type) in GRAVITON_FAMILIES:
            graviton = image_config(framework, "inference_graviton")
            if graviton is None or graviton.resolve(version) is None:
                yield Finding(path, f"a Graviton instance: no {framework} {version} Graviton inference image", ", ".join(graviton.accepted_versions()) if graviton else "a non-Graviton instance type", instance_type)
            continue
        if processors and processor_for(instance_type) not in processors and instance_family(instance_type) not in processors:
            yield Finding(path, f"{framework} {version} inference images are built for {', '.join(processors)}", ", ".join(processors) + " instances", instance_type)


@rule("deploy")
def deploy_code_paths_exist(d: Any, ctx: Context) -> Iterator[Finding]:
    yield from _check_code_paths(("deploy",), d.deploy, ctx, s3_archive=False)


# ----------------------------------------------------------------------------------------
# model
# ----------------------------------------------------------------------------------------


@rule("model")
def model_is_complete(d: Any, ctx: Context) -> Iterator[Finding]:
    """Framework models need model_data and a version (or image); a model served by its
    framework's model server (the framework serving style, such as MXNetModel) needs an
    entry_point, and a Python version for its image."""
    model = d.model
    if hasattr(model, "framework"):
        if model.model_data is None and model.NEEDS_MODEL_DATA:
            yield Finding(("model", "model_data"), f"{model.type} serves existing model data", "s3://.../model.tar.gz", "nothing")
        if model.image_uri is None and model.framework_version is None and not model.OWN_IMAGE_RULES:
            yield Finding(("model", "framework_version"), "required without image_uri", "a version with an inference image", "nothing")
    if model.serving(d.deploy) == "framework":
        if model.entry_point is None and getattr(model, "ENTRY_POINT_REQUIRED", True):
            yield Finding(("model", "entry_point"), f"{model.type} needs an inference script (model_fn, transform_fn ...)", "a file such as inference.py", "nothing")
        if model.image_uri is None and model.py_version is None:
            yield Finding(("model", "py_version"), "required without image_uri", "py3, py37, py38 ...", "nothing")
    if (model.subnets is None) != (model.security_group_ids is None):
        missing = "security_group_ids" if model.security_group_ids is None else "subnets"
        yield Finding(("model", missing), "a VPC configuration needs both subnets and security_group_ids", "both or neither", "only one")
    yield from _check_code_paths(("model",), model, ctx, s3_archive=False)


@rule("model", "transformer")
def model_transform_image_exists(d: Any, ctx: Context) -> Iterator[Finding]:
    framework, version, py_version, custom, scope = _inference_framework(d)
    if custom or framework is None or version is None or _own_image_rules(d):
        return
    config = image_config(framework, scope)
    if config is not None and config.resolve(version) is None:
        yield Finding(("model", "framework_version"), f"no SageMaker {framework} inference image for this version", format_allowed(config.accepted_versions(), limit=60), version)


# ----------------------------------------------------------------------------------------
# Notebook-side arguments
# ----------------------------------------------------------------------------------------


@rule()
def notebook_side_arguments(d: Any, ctx: Context) -> Iterator[Finding]:
    """wait/logs/run_tensorboard_locally steer a notebook, not a pipeline: accepted, warned, ignored."""
    for section, names in (("fit", ("wait", "logs", "run_tensorboard_locally")), ("deploy", ("wait",)), ("transform", ("wait", "logs"))):
        spec = getattr(d, section, None)
        if spec is None:
            continue
        for name in names:
            if getattr(spec, name, None) is not None:
                yield Finding((section, name), "notebook-side argument with no effect in a pipeline (the state machine always waits; logs go to CloudWatch Logs); remove it", "nothing", getattr(spec, name), "warning")
    est = getattr(d, "estimator", None)
    if est is not None and getattr(est, "enable_cloudwatch_metrics", None) is not None:
        yield Finding(("estimator", "enable_cloudwatch_metrics"), "deprecated in SDK v1 (1.72 always sent false) and removed in v2: it has no effect; use metric_definitions", "nothing", est.enable_cloudwatch_metrics, "warning")


@rule()
def pipeline_options_need_a_pipeline(d: Any, ctx: Context) -> Iterator[Finding]:
    """notification_topic and deploy.wait_timeout_seconds steer a pipeline run; a model: + deploy:
    descriptor has none (CloudFormation creates its endpoint and waits for it)."""
    if getattr(d, "estimator", None) is not None or getattr(d, "transformer", None) is not None:
        return
    if "model" not in ctx.present:
        return
    if getattr(d, "notification_topic", None) is not None:
        yield Finding(("notification_topic",), "only pipeline runs notify; this model is deployed by CloudFormation (model + deploy), which has no run to report", "an estimator or a transformer", d.notification_topic)
    deploy = getattr(d, "deploy", None)
    if deploy is not None and deploy.wait_timeout_seconds is not None:
        yield Finding(("deploy", "wait_timeout_seconds"), "only a pipeline run waits for its endpoint; CloudFormation waits for this model's endpoint itself", "an estimator (train, then deploy)", deploy.wait_timeout_seconds)


# ----------------------------------------------------------------------------------------
# Runs that start by themselves
# ----------------------------------------------------------------------------------------


def _channel_uris(d: Any) -> dict[str, str]:
    fit = getattr(d, "fit", None)
    if fit is None:
        return {}
    if fit.inputs.records is not None:
        return {r.channel: r.s3_data for r in fit.inputs.records}
    return {name: ch.s3_data for name, ch in (fit.inputs.channels or {}).items() if isinstance(ch.s3_data, str)}  # not a processing step's output


def _settable_hyperparameters(est: Any) -> set[str]:
    """The hyperparameter keys a run input may override: those the descriptor sets (what the
    pipeline's run-input check allows, without the keys the SDK injects)."""
    if hasattr(est, "HYPERPARAMETER_KEYS"):  # built-in algorithms: the constructor arguments given
        keys = {key for name, key in est.HYPERPARAMETER_KEYS.items() if getattr(est, name) is not None}
        return keys | set(est.EXTRA_HYPERPARAMETERS) | {"feature_dim", "mini_batch_size"}
    return {str(k) for k in est.hyperparameters}


@rule("schedule")
def schedule_starts_a_pipeline(d: Any, ctx: Context) -> Iterator[Finding]:
    """A schedule starts runs of the pipeline: the descriptor must have one, and the run input it
    gives must name what the descriptor has (channels, hyperparameters it sets)."""
    schedule = d.schedule
    est = getattr(d, "estimator", None)
    if "estimator" not in ctx.present and "transformer" not in ctx.present and "processing" not in ctx.present:
        yield Finding(("schedule",), "only a pipeline runs on a schedule; this model is deployed once by CloudFormation (model + deploy)", "an estimator (train, then deploy or transform), or model + transformer", "model + deploy")
        return
    if schedule.input is None:
        if schedule.on_new_data is not None and est is not None:
            uris = _channel_uris(d)
            if uris and not any(schedule.on_new_data.startswith(u.rstrip("/") + "/") or schedule.on_new_data.rstrip("/") == u.rstrip("/") for u in uris.values()):
                yield Finding(
                    ("schedule", "on_new_data"), "new data here is not under any fit channel, so the runs it starts train on the same data as before (give schedule.input.inputs to point a channel at it)",
                    ", ".join(sorted(uris.values())), schedule.on_new_data, "warning",
                )
        return
    if est is None:
        yield Finding(("schedule", "input"), "a run input overrides training; this pipeline only transforms", "no input", "input")
        return
    given = schedule.input
    channels = _channel_uris(d)
    for name in (given.inputs or {}):
        if name not in channels:
            yield Finding(("schedule", "input", "inputs", name), "names no channel of fit.inputs", ", ".join(sorted(channels)) or "no channels", name)
    settable = _settable_hyperparameters(est)
    for name in (given.hyperparameters or {}):
        if name not in settable:
            yield Finding(("schedule", "input", "hyperparameters", name), "a run input overrides only hyperparameters the descriptor sets", ", ".join(sorted(settable)) or "none set", name)
    if given.tuner is not None:
        tuner = getattr(d, "tuner", None)
        if tuner is None:
            yield Finding(("schedule", "input", "tuner"), "this model has no tuner", "no tuner input, or a tuner: section", "tuner")
        else:
            jobs = given.tuner.max_jobs or tuner.max_jobs or 1
            parallel = given.tuner.max_parallel_jobs or tuner.max_parallel_jobs
            if parallel > jobs:
                yield Finding(("schedule", "input", "tuner", "max_parallel_jobs"), "more parallel jobs than jobs in all", f"<= max_jobs ({jobs})", parallel)
    with_arguments = [step.name for step in getattr(d, "processing", None) or () if step.run.arguments]
    for name in (given.processing or {}):
        if name not in with_arguments:
            yield Finding(("schedule", "input", "processing", name), "a run input replaces only the arguments of processing steps that set run.arguments", ", ".join(with_arguments) or "none set", name)


# ----------------------------------------------------------------------------------------
# Hyperparameter tuning
# ----------------------------------------------------------------------------------------

HPT = "CreateHyperParameterTuningJob"
TUNING_RUN_SUFFIX = 13  # "-" and 12 hex digits: a run's name is its job's (pipeline/steps/base.py)

# The metrics built-in XGBoost emits for tuning (SageMaker Developer Guide, "Tune an XGBoost
# Model"): validation:<metric>, and train:<metric> as it reports those too.
XGBOOST_METRICS = frozenset(
    f"{channel}:{metric}"
    for channel in ("validation", "train")
    for metric in ("accuracy", "auc", "aucpr", "error", "f1", "logloss", "mae", "map", "merror", "mlogloss", "mse", "ndcg", "rmse", "cox-nloglik", "gamma-deviance", "gamma-nloglik", "poisson-nloglik", "tweedie-nloglik", "mphe")
)


# Image families of SageMaker's built-in algorithms (Developer Guide, "Built-in algorithms"): their
# images emit metrics of their own, which SageMaker checks a tuning objective against. The SDK's
# image data does not tell an algorithm from a framework container, hence this list.
ALGORITHM_FAMILIES = frozenset({
    "blazingtext", "factorization-machines", "forecasting-deepar", "image-classification", "ipinsights", "kmeans", "knn", "lda",
    "linear-learner", "ntm", "object-detection", "object2vec", "pca", "randomcutforest", "semantic-segmentation", "seq2seq",
})


def _builtin_image(est: Any) -> str | None:
    """The image family of an Estimator given ``image_uris.retrieve`` arguments (e.g. xgboost)."""
    image = getattr(est, "image_uri", None)
    return getattr(image, "framework", None) if est.type == "Estimator" else None


@rule("tuner")
def tuner_tunes_an_estimator(d: Any, ctx: Context) -> Iterator[Finding]:
    """A tuner tunes the descriptor's estimator, and serves its best job with deploy only
    (HyperparameterTuner has deploy() but no transformer()); a run input overrides only static
    hyperparameters; a run's name fits a tuning job's name."""
    if "estimator" not in ctx.present:
        yield Finding(("tuner",), "a tuner tunes the descriptor's estimator: add one (with fit)", "estimator + fit + tuner", "no estimator")
    if "transformer" in ctx.present:
        yield Finding(("transformer",), "HyperparameterTuner has no transformer(): a tuned model is served with deploy", "deploy, or no tuner", "transformer")
    given = getattr(getattr(d, "schedule", None), "input", None)
    for name in (getattr(given, "hyperparameters", None) or {}):
        if name in d.tuner.hyperparameter_ranges:
            yield Finding(("schedule", "input", "hyperparameters", name), "tuned by tuner.hyperparameter_ranges: a run input overrides only static hyperparameters", "a hyperparameter without a range", name)
    est, fit = getattr(d, "estimator", None), getattr(d, "fit", None)
    prefix = (getattr(est, "base_job_name", None) or getattr(fit, "job_name", None) or getattr(d, "name", None) or "")
    most = int(limits(ApiMember(HPT, "HyperParameterTuningJobName")).max or 32) - TUNING_RUN_SUFFIX
    if len(prefix) > most:
        where = ("estimator", "base_job_name") if getattr(est, "base_job_name", None) else ("fit", "job_name") if getattr(fit, "job_name", None) else ("name",)
        yield Finding(where, f"too long to name a tuning job: SageMaker takes {most + TUNING_RUN_SUFFIX} characters and each run adds {TUNING_RUN_SUFFIX} (an environment's name adds more)", f"at most {most} characters", f"{len(prefix)} characters")


@rule("estimator", "tuner")
def tuner_objective_is_emitted(d: Any, ctx: Context) -> Iterator[Finding]:
    """The objective is a metric the training jobs emit: one of the tuner's metric_definitions,
    or, for built-in XGBoost, one of the metrics the algorithm reports."""
    tuner, est = d.tuner, d.estimator
    defined = [m.Name for m in (tuner.metric_definitions or ())]
    if tuner.objective_metric_name in defined:
        return
    if _builtin_image(est) == "xgboost":
        if tuner.objective_metric_name not in XGBOOST_METRICS:
            close = [m for m in sorted(XGBOOST_METRICS) if m.startswith("validation:")]
            yield Finding(("tuner", "objective_metric_name"), "built-in XGBoost emits no such metric", format_allowed(close, what="its metrics") + ", or a metric_definitions entry", tuner.objective_metric_name)
    elif _builtin_image(est) in ALGORITHM_FAMILIES:
        return  # a built-in algorithm's image emits its own metrics, which SageMaker checks (no SDK data lists them)
    elif _is_framework(est) or est.type == "Estimator":
        # only built-in algorithms emit metrics of their own; a script's are scraped from its logs
        yield Finding(("tuner", "objective_metric_name"), "the training jobs emit no such metric: a script's metrics come from tuner.metric_definitions", ", ".join(defined) or "a metric_definitions entry named like it", tuner.objective_metric_name)


def _range_findings(name: str, r: Any) -> Iterator[Finding]:
    path: tuple[str | int, ...] = ("tuner", "hyperparameter_ranges", name)
    if r.type == "CategoricalParameter":
        for key in ("min_value", "max_value", "scaling_type"):
            if key in r.model_fields_set:
                yield Finding(path + (key,), "a CategoricalParameter takes only values", "values: [...]", key)
        if r.values is None:
            yield Finding(path, "a CategoricalParameter needs its values", "values: [...]", "no values")
        return
    if r.values is not None:
        yield Finding(path + ("values",), f"a {r.type} takes min_value and max_value, not values", "min_value, max_value", "values")
    for key in ("min_value", "max_value"):
        if getattr(r, key) is None:
            yield Finding(path, f"a {r.type} needs min_value and max_value", "both", f"no {key}")
    if r.min_value is None or r.max_value is None:
        return
    if r.type == "IntegerParameter":
        for key in ("min_value", "max_value"):
            if not float(getattr(r, key)).is_integer():
                yield Finding(path + (key,), "an IntegerParameter's bounds are integers", "an integer", getattr(r, key))
    if r.min_value > r.max_value:
        yield Finding(path + ("min_value",), "above max_value", f"<= {r.max_value}", r.min_value)
    if r.scaling_type == "Logarithmic" and r.min_value <= 0:
        yield Finding(path + ("min_value",), "Logarithmic scaling needs a range above 0", "> 0", r.min_value)
    if r.scaling_type == "ReverseLogarithmic":
        if r.type != "ContinuousParameter":
            yield Finding(path + ("scaling_type",), "ReverseLogarithmic scaling is for ContinuousParameter ranges only", "Auto, Linear or Logarithmic", r.scaling_type)
        elif r.min_value < 0 or r.max_value >= 1:
            yield Finding(path, "ReverseLogarithmic scaling needs 0 <= min_value and max_value < 1", "0 <= min_value, max_value < 1", f"{r.min_value}..{r.max_value}")


@rule("tuner")
def tuner_ranges_are_coherent(d: Any, ctx: Context) -> Iterator[Finding]:
    """Each range has the bounds or values of its type, in order, a scaling its bounds allow, and
    as many ranges of a type as CreateHyperParameterTuningJob takes."""
    from .tuner import RANGE_KEYS

    counts: dict[str, int] = {}
    for name, r in d.tuner.hyperparameter_ranges.items():
        if name.startswith("sagemaker_"):
            yield Finding(("tuner", "hyperparameter_ranges", name), "keys starting with sagemaker_ are set by the SDK", "another name", name)
        yield from _range_findings(name, r)
        counts[r.type] = counts.get(r.type, 0) + 1
        if r.type == "CategoricalParameter" and r.values is not None:
            most = int(limits(ApiMember(HPT, "HyperParameterTuningJobConfig.ParameterRanges.CategoricalParameterRanges[].Values")).max or 30)
            if len(r.values) > most:
                yield Finding(("tuner", "hyperparameter_ranges", name, "values"), "too many values for CreateHyperParameterTuningJob", f"at most {most}", len(r.values))
    for kind, count in counts.items():
        most = int(limits(ApiMember(HPT, f"HyperParameterTuningJobConfig.ParameterRanges.{RANGE_KEYS[kind]}")).max or 30)
        if count > most:
            yield Finding(("tuner", "hyperparameter_ranges"), f"too many {kind} ranges for CreateHyperParameterTuningJob", f"at most {most}", count)


@rule("estimator", "tuner")
def tuner_ranges_replace_static_values(d: Any, ctx: Context) -> Iterator[Finding]:
    """A range over a hyperparameter the estimator also sets: the SDK drops the static value."""
    hps = getattr(d.estimator, "hyperparameters", None) or {}
    for name in d.tuner.hyperparameter_ranges:
        if name in hps:
            yield Finding(("estimator", "hyperparameters", name), "tuned by tuner.hyperparameter_ranges, so this static value is never sent", "remove it, or its range", hps[name], "warning")


@rule("tuner")
def tuner_strategy_fits(d: Any, ctx: Context) -> Iterator[Finding]:
    """What each strategy takes: Grid only Categorical ranges; Hyperband stops jobs itself (no
    early_stopping_type) and alone takes strategy_config; parallel jobs within max_jobs."""
    t = d.tuner
    if t.strategy == "Grid":
        for name, r in t.hyperparameter_ranges.items():
            if r.type != "CategoricalParameter":
                yield Finding(("tuner", "hyperparameter_ranges", name, "type"), "Grid search walks Categorical ranges only", "CategoricalParameter", r.type)
    if t.strategy == "Hyperband" and t.early_stopping_type != "Off":
        yield Finding(("tuner", "early_stopping_type"), "Hyperband stops training jobs itself", "Off", t.early_stopping_type)
    if t.strategy_config is not None:
        hb = t.strategy_config.hyperband_strategy_config
        if t.strategy != "Hyperband":
            yield Finding(("tuner", "strategy_config"), "only the Hyperband strategy takes a strategy_config", "strategy: Hyperband, or no strategy_config", t.strategy)
        elif hb.min_resource is not None and hb.max_resource is not None and hb.min_resource > hb.max_resource:
            yield Finding(("tuner", "strategy_config", "hyperband_strategy_config", "min_resource"), "above max_resource", f"<= {hb.max_resource}", hb.min_resource)
    if t.strategy == "Grid" and t.max_jobs is None:
        # the SDK leaves max_jobs None for Grid and sends MaxNumberOfTrainingJobs: null, which botocore refuses
        combinations = math.prod(len(r.values or ()) for r in t.hyperparameter_ranges.values())
        yield Finding(("tuner", "max_jobs"), "Grid search needs max_jobs: the SDK sends it as null otherwise, and the request is refused", f"the number of combinations ({combinations})", None)
    max_jobs = t.max_jobs if t.max_jobs is not None else 1
    if t.max_parallel_jobs > max_jobs:
        yield Finding(("tuner", "max_parallel_jobs"), "more parallel jobs than jobs in all", f"<= max_jobs ({max_jobs})", t.max_parallel_jobs)


# ----------------------------------------------------------------------------------------
# Quality gate (deploy.condition)
# ----------------------------------------------------------------------------------------


def reported_metrics(d: Any) -> tuple[list[str], bool]:
    """The metrics a run's training jobs report in DescribeTrainingJob's FinalMetricDataList, and
    whether that is all of them. A script reports the metric_definitions SageMaker scrapes from
    its logs (with a tuner, the tuner's: the estimator's are not sent); built-in XGBoost also
    reports its own; another built-in algorithm reports metrics of its own that no SDK data lists
    (not all of them: a check on one it does not report fails the run with MetricMissing)."""
    est, tuner = getattr(d, "estimator", None), getattr(d, "tuner", None)
    scraped = tuner.metric_definitions if tuner is not None else getattr(est, "metric_definitions", None)
    names = [m.Name for m in (scraped or ())]
    if tuner is not None and tuner.objective_metric_name not in names:
        names.append(tuner.objective_metric_name)  # read from the best training job's objective
    if _builtin_image(est) == "xgboost":
        own = sorted((m for m in XGBOOST_METRICS if m not in names), key=lambda m: (not m.startswith("validation:"), m))
        return names + own, True
    algorithm = _builtin_image(est) in ALGORITHM_FAMILIES
    return names, not algorithm and (_is_framework(est) or getattr(est, "type", None) == "Estimator")


@rule("deploy")
def quality_gate_checks_compare_once(d: Any, ctx: Context) -> Iterator[Finding]:
    """Each check of deploy.condition has exactly one comparison (a ConditionStep's condition has
    one left and one right value)."""
    from .condition import COMPARISONS

    if d.deploy.condition == ():
        yield Finding(("deploy", "condition"), "an empty quality gate checks nothing", "at least one check, or no condition", "no checks")
    for index, check in enumerate(d.deploy.condition or ()):
        given = check.comparisons()
        if len(given) != 1:
            message = "a check compares its value with one bound" + (": give a comparison" if not given else ": make each comparison a check of its own")
            yield Finding(("deploy", "condition", index), message, "one of " + ", ".join(COMPARISONS), ", ".join(given) or "no comparison")


@rule("deploy")
def quality_gate_metrics_are_reported(d: Any, ctx: Context) -> Iterator[Finding]:
    """A check's metric is one the run's training reports (:func:`reported_metrics`); a model that
    is not trained here (model + deploy) has no metrics to check."""
    condition = d.deploy.condition
    if not condition:
        return
    if "estimator" not in ctx.present:
        yield Finding(("deploy", "condition"), "a quality gate checks the metrics of the run's training: this model is not trained here (CloudFormation deploys its model data)", "an estimator (train, then deploy)", "no estimator")
        return
    if getattr(d, "estimator", None) is None or ("tuner" in ctx.present and getattr(d, "tuner", None) is None):
        return  # the section failed its own validation, which says why
    names, complete = reported_metrics(d)
    if not complete:
        return
    where = "tuner.metric_definitions" if getattr(d, "tuner", None) is not None else "estimator.metric_definitions"
    for index, check in enumerate(condition):
        if check.metric is None or check.metric in names:  # a report's number, or a metric reported
            continue
        close = suggest(check.metric, names)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        if names:
            yield Finding(("deploy", "condition", index, "metric"), f"the training job reports no such metric{hint}", format_allowed(names, what="its metrics") + f", or an entry of {where}", check.metric)
        else:
            yield Finding(("deploy", "condition", index, "metric"), f"the training job reports no metrics: a script's metrics are scraped from its logs by {where}", f"an entry of {where} named {check.metric}", check.metric)
