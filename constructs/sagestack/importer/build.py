"""Descriptor drafts from the SDK objects a notebook created.

One draft per estimator that is fit, deployed or batch-transformed, and per model (of a kind in
the registry) that is deployed or batch-transformed. Arguments keep the SDK's names and the
notebook's order; positional arguments get their SDK names. What a descriptor does not carry is
left out with a note (notebook-side arguments, the execution role, names sagestack generates,
output locations in the notebook's default bucket); what cannot be resolved becomes
:data:`PLACEHOLDER` with the notebook's expression, cell and line; calls the descriptor
language does not cover yet are reported with a reason class.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..descriptor.api import ApiMember, limits
from ..descriptor.estimator import BuiltinEstimator, FrameworkEstimator
from ..descriptor.issues import format_path
from ..descriptor.kinds import ESTIMATOR_TYPES
from ..descriptor.model import FrameworkModelBase
from ..descriptor.processing import FRAMEWORKS, MODEL_OUTPUT, PROCESSOR_TYPES, STEP_NAME_MAX, TRAINING_STEP
from ..descriptor.register import Register
from ..descriptor.rules import IMPORT_DEFAULT_BUCKET, IMPORT_PLACEHOLDER, TUNING_RUN_SUFFIX
from .values import BUCKET, Located, Marker, Notebook, SdkClass, SdkObject, StepRef, TrainedModel, Unresolved, Upload, Where, processing_runs, tuned_estimator

__all__ = ["PLACEHOLDER", "DEFAULT_BUCKET", "Placeholder", "Draft", "Uncovered", "drafts", "uncovered_calls", "processor_type", "REASONS"]

#: The value written where the notebook's expression cannot be resolved (validation flags it).
PLACEHOLDER = IMPORT_PLACEHOLDER
#: What stands for the notebook's default bucket in an S3 URI that is data (not an output).
DEFAULT_BUCKET = IMPORT_DEFAULT_BUCKET

Path_ = tuple[str | int, ...]

#: The longest name of a tuned descriptor: a tuning job's name less what a run adds to it.
TUNED_NAME_MAX = int(limits(ApiMember("CreateHyperParameterTuningJob", "HyperParameterTuningJobName")).max or 32) - TUNING_RUN_SUFFIX

#: Reason classes: why a notebook does not import to a descriptor that validates as it is.
REASONS: dict[str, str] = {
    "unresolved-value": "an argument is computed in a way the importer does not evaluate (a placeholder)",
    "uploaded-data": "the data is uploaded by the notebook (upload_data); its S3 URI is a placeholder",
    "default-bucket": "the data is in the notebook's default bucket; the bucket is a placeholder",
    "record-set-upload": "record_set() uploads a numpy array; the RecordSet's URI and sizes are placeholders",
    "model-from-training": "a model serves what an estimator trains (estimator.model_data); a placeholder",
    "notebook-region": "an S3 URI built from the notebook's region (sample-data buckets); a placeholder",
    "notebook-session": "a value derived from the notebook's session or role (a placeholder)",
    "missing-local-path": "a local path (entry_point, source_dir) that is not beside the notebook",
    "invalid": "the descriptor does not validate for another reason (see the problems)",
    "job-output": "a value read from a processing job the notebook runs (its description, a path under one of its outputs), known once it has run; a placeholder",
    "tuner": "a HyperparameterTuner over several estimators or one the importer does not know, or a call of its best estimator not covered (transformer)",
    "processing": "a processor the import does not read: a class the descriptor language does not cover (PySparkProcessor, HuggingFaceProcessor ...), or one never run (a SageMaker Pipelines step's)",
    "register": "model registration (.register) of an object the import does not read is not covered",
    "transformer-class": "Transformer(model_name=...) over an existing SageMaker model is not covered",
    "jumpstart": "JumpStart models (model_id, script_uris, model_uris) are not covered",
    "local-mode": "local mode (instance_type local) runs on the notebook's machine, not in SageMaker",
    "uncovered-class": "an SDK class the descriptor language does not cover is trained or deployed",
    "no-sdk-calls": "no training, deploy or transform call of a covered class",
}

# Arguments that only matter in a notebook.
_NOTEBOOK_ONLY = {
    "wait": "the pipeline waits itself",
    "logs": "logs go to CloudWatch Logs",
    "sagemaker_session": "the stack's environment decides account and region",
    "predictor_cls": "predictors are client-side",
    "serializer": "serializers are client-side",
    "deserializer": "deserializers are client-side",
    "job_name": "sagestack names each run's jobs",
    "base_tuning_job_name": "sagestack names each run's tuning job",
    "run_tensorboard_locally": "notebook-side",
    "data_location": "record_set() uploads from the notebook; fit.inputs names the data",
}
# Names sagestack generates; kept when the notebook gives a literal.
_NAMES = {"base_job_name", "endpoint_name"}
_GENERATED_NAMES = {"name": "model names are generated", "model_name": "model names are generated"}
# Output locations: without them sagestack writes to its artifact bucket.
_OUTPUTS = {"output_path", "code_location"}
_LOCAL_PATHS = ("source_dir", "entry_point")

_POSITIONAL: dict[str, tuple[str, ...]] = {
    "training_input": ("s3_data", "distribution", "compression", "content_type", "record_wrapping", "s3_data_type"),
    "record_set": ("s3_data", "num_records", "feature_dim", "s3_data_type", "channel"),
    "record_set_upload": ("train", "labels", "channel", "encrypt"),
    "serverless": ("memory_size_in_mb", "max_concurrency", "provisioned_concurrency"),
    "data_capture": ("enable_capture", "sampling_percentage", "destination_s3_uri", "kms_key_id", "capture_options", "csv_content_types", "json_content_types"),
    "async": ("output_path", "max_concurrent_invocations_per_instance", "kms_key_id", "notification_config", "failure_path"),
    "debugger_hook_config": ("s3_output_path", "container_local_output_path", "hook_parameters", "collection_configs"),
    "collection_config": ("name", "parameters"),
    "retrieve": ("framework", "region", "version", "py_version", "instance_type", "accelerator_type", "image_scope", "container_version", "distribution", "base_framework_version"),
    "deploy": ("initial_instance_count", "instance_type", "serializer", "deserializer", "accelerator_type", "endpoint_name"),
    "transformer": ("instance_count", "instance_type", "strategy", "assemble_with", "output_path", "output_kms_key", "accept", "env", "max_concurrent_transforms", "max_payload", "tags", "role"),
    "transform": ("data", "data_type", "content_type", "compression_type", "split_type", "job_name"),
    "fit": ("inputs", "wait", "logs", "job_name"),
    "tuner_fit": ("inputs", "job_name", "include_cls_metadata", "estimator_kwargs", "wait"),
    "tuner": (
        "estimator", "objective_metric_name", "hyperparameter_ranges", "metric_definitions", "strategy", "objective_type", "max_jobs", "max_parallel_jobs",
        "max_runtime_in_seconds", "tags", "base_tuning_job_name", "warm_start_config", "strategy_config", "completion_criteria_config", "early_stopping_type",
        "estimator_name", "random_seed", "autotune", "hyperparameters_to_keep_static",
    ),
    # estimator.register(...) and model.register(...) agree on their first four parameters only.
    "register": ("content_types", "response_types", "inference_instances", "transform_instances", "image_uri", "model_package_name", "model_package_group_name"),
    "model_register": ("content_types", "response_types", "inference_instances", "transform_instances", "model_package_name", "model_package_group_name", "image_uri"),
    "parameter_range": ("min_value", "max_value", "scaling_type"),
    "strategy_config": ("hyperband_strategy_config",),
    "hyperband_strategy_config": ("max_resource", "min_resource"),
    "builtin_fit": ("inputs", "mini_batch_size", "wait", "logs", "job_name"),
    "estimator": ("image_uri", "role", "instance_count", "instance_type"),
    "framework_estimator": ("entry_point", "source_dir", "hyperparameters"),
    "builtin_estimator": ("role", "instance_count", "instance_type"),
    "model": ("image_uri", "model_data", "role"),
    "framework_model": ("model_data", "role", "entry_point"),
    "processing_input": ("source", "destination", "input_name", "s3_data_type", "s3_input_mode", "s3_data_distribution_type", "s3_compression_type", "s3_input", "dataset_definition", "app_managed"),
    "processing_output": ("source", "destination", "output_name", "s3_upload_mode", "app_managed", "feature_store_output"),
    "network_config": ("enable_network_isolation", "security_group_ids", "subnets", "encrypt_inter_container_traffic"),
    # processor.run(...): Processor's takes no code; FrameworkProcessor's (and its subclasses') a source_dir.
    "Processor.run": ("inputs", "outputs", "arguments", "wait", "logs", "job_name", "experiment_config", "kms_key"),
    "ScriptProcessor.run": ("code", "inputs", "outputs", "arguments", "wait", "logs", "job_name", "experiment_config", "kms_key"),
    "FrameworkProcessor.run": ("code", "source_dir", "dependencies", "git_config", "inputs", "outputs", "arguments", "wait", "logs", "job_name", "experiment_config", "kms_key", "codeartifact_repo_arn"),
}
_PROCESSOR_TAIL = ("volume_size_in_gb", "volume_kms_key", "output_kms_key", "max_runtime_in_seconds", "base_job_name", "sagemaker_session", "env", "tags", "network_config")
_FRAMEWORK_PROCESSOR = ("framework_version", "role", "instance_count", "instance_type", "py_version", "image_uri", "command", "volume_size_in_gb", "volume_kms_key", "output_kms_key", "code_location", "max_runtime_in_seconds", "base_job_name", "sagemaker_session", "env", "tags", "network_config")
# The SDK's <Framework>Processor classes that only fix FrameworkProcessor's estimator_cls (same
# arguments, same requests): imported as FrameworkProcessor when the descriptor has no type of
# that name. A framework whose estimator takes no framework_version has a processor of other arguments.
_FRAMEWORK_SUBCLASSES = {f"{name}Processor": name for name in FRAMEWORKS if "framework_version" in ESTIMATOR_TYPES[name].model_fields}
# SDK functions whose positional arguments differ from their family's (a kind's class that
# differs declares SDK_POSITIONAL itself).
_POSITIONAL_BY_CLASS: dict[str, tuple[str, ...]] = {
    "get_image_uri": ("region", "framework", "version"),
    "CategoricalParameter": ("values",),
    "Processor": ("role", "image_uri", "instance_count", "instance_type", "entrypoint", *_PROCESSOR_TAIL),
    "ScriptProcessor": ("role", "image_uri", "command", "instance_count", "instance_type", *_PROCESSOR_TAIL),
    "SKLearnProcessor": ("framework_version", "role", "instance_count", "instance_type", "command", *_PROCESSOR_TAIL),
    "FrameworkProcessor": ("estimator_cls", *_FRAMEWORK_PROCESSOR),
    **{name: _FRAMEWORK_PROCESSOR for name in _FRAMEWORK_SUBCLASSES},
}
# SDK v1's get_image_uri(region_name, repo_name, repo_version) in retrieve()'s names.
_RETRIEVE_V1 = {"region_name": "region", "repo_name": "framework", "repo_version": "version"}


@dataclass(frozen=True)
class Placeholder:
    path: Path_
    where: Where
    reason: str
    reason_class: str


@dataclass(frozen=True)
class Uncovered:
    """A call the descriptor language does not cover yet, with its reason class."""

    reason_class: str
    where: Where
    what: str

    def describe(self) -> str:
        return f"cell {self.where.cell}, line {self.where.line}: {self.what} ({REASONS[self.reason_class]})"


@dataclass
class Draft:
    """One descriptor being built: its data, comments, placeholders and notes."""

    name: str
    obj: SdkObject
    #: The HyperparameterTuner that tunes obj (an estimator): fit and deploy are the tuner's.
    tuner: SdkObject | None = None
    data: dict[str, Any] = field(default_factory=dict)
    comments: dict[Path_, str] = field(default_factory=dict)
    placeholders: list[Placeholder] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cells: set[int] = field(default_factory=set)
    reasons: set[str] = field(default_factory=set)
    files: dict[str, str] = field(default_factory=dict)  # path relative to the output directory → text
    sections: dict[str, Where] = field(default_factory=dict)
    extracted: set[str] = field(default_factory=set)  # sections whose local paths the import extracts
    uploads: list[str] = field(default_factory=list)  # data the notebook uploads, to upload before the first run


def _named(obj: SdkObject, table: str) -> list[tuple[str, Any, Where]]:
    own: tuple[str, ...] | None = None
    if obj.kind is not None and obj.parent is None and obj.role in ("estimator", "model"):
        own = getattr(obj.kind.estimator if obj.role == "estimator" else obj.kind.model, "SDK_POSITIONAL", None)
    names = own or _POSITIONAL_BY_CLASS.get(obj.name) or _POSITIONAL[table]
    out = []
    for key, value, where in obj.args:
        if key.startswith("#"):
            index = int(key[1:])
            key = names[index] if index < len(names) else f"<positional {index + 1}>"
        out.append((key, value, where))
    return out


def _constructor_table(obj: SdkObject) -> str:
    kind = obj.kind
    assert kind is not None
    if obj.role == "estimator":
        cls = kind.estimator
        if cls is not None and issubclass(cls, FrameworkEstimator):
            return "framework_estimator"
        if cls is not None and issubclass(cls, BuiltinEstimator):
            return "builtin_estimator"
        return "estimator"
    return "framework_model" if kind.model is not None and issubclass(kind.model, FrameworkModelBase) else "model"


class _Builder:
    def __init__(self, draft: Draft, notebook_dir: Path, out_dir: Path, written: dict[str, tuple[str, int]]) -> None:
        self.d, self.notebook_dir, self.out_dir, self.written = draft, notebook_dir, out_dir, written
        self.siblings: set[str] = set()  # the argument names of the call being read
        #: The processing runs the descriptor holds, and each one's step name.
        self.steps: dict[SdkObject, str] = {}
        #: The S3 locations those runs write (as the notebook gives them) → (run, output name).
        self.destinations: dict[Any, tuple[SdkObject, str]] = {}
        #: Where the call being read comes in the notebook (a step reads only earlier steps' outputs).
        self.reader_order = 0

    def note(self, where: Where, text: str) -> None:
        self.d.notes.append(f"{text} (cell {where.cell}, line {where.line}: {where.text})")

    def placeholder(self, path: Path_, where: Where, reason: str, reason_class: str) -> str:
        reason_class = reason_class if reason_class in REASONS else "unresolved-value"
        self.d.placeholders.append(Placeholder(path, where, reason, reason_class))
        what = "the notebook's default bucket" if reason_class == "default-bucket" else "unresolved"
        self.d.comments[path] = f"{what}: {where.text} (cell {where.cell}, line {where.line})"
        self.d.reasons.add(reason_class)
        return PLACEHOLDER

    def section(self, title: str, args: list[tuple[str, Any, Where]], path: Path_) -> dict[str, Any]:
        out: dict[str, Any] = {}
        outer, self.siblings = self.siblings, {k for k, _v, _w in args}
        try:
            for key, value, where in args:
                self.d.cells.add(where.cell)
                converted = self.argument(key, value, where, path + (key,))
                if converted is not _DROP:
                    out[key] = converted
        finally:
            self.siblings = outer
        return out

    def argument(self, key: str, value: Any, where: Where, path: Path_) -> Any:
        section = path[0]
        if key in _NOTEBOOK_ONLY:
            self.note(where, f"left out {format_path(path)}: {_NOTEBOOK_ONLY[key]}")
            return _DROP
        if key in _GENERATED_NAMES and section in ("model", "deploy", "transformer"):
            self.note(where, f"left out {format_path(path)}: {_GENERATED_NAMES[key]}")
            return _DROP
        if key == "role" and not (isinstance(value, str) and BUCKET not in value):
            self.note(where, f"left out {format_path(path)}: sagestack generates a least-privilege role")
            return _DROP
        if key == "base_job_name" and section == "processing":
            self.note(where, f"left out {format_path(path)}: a processing job is named <run name>-<step name>")
            return _DROP
        if key in _NAMES and not isinstance(value, str):
            self.note(where, f"left out {format_path(path)}: sagestack generates the name (the notebook's is computed)")
            return _DROP
        if key in _OUTPUTS and (isinstance(value, Unresolved) or isinstance(value, str) and BUCKET in value):
            self.note(where, f"left out {format_path(path)}: sagestack writes to its artifact bucket")
            return _DROP
        if key == "include_cls_metadata" and value is False:
            self.note(where, f"left out {format_path(path)}: False is the default")
            return _DROP
        if key == "model_data" and value is None and path[:2] == ("model", "model"):
            self.note(where, f"left out {format_path(path)}: the archives are under model_data_prefix")
            return _DROP
        if key in ("instance_type", "train_instance_type") and value in ("local", "local_gpu"):
            self.d.reasons.add("local-mode")
        if (key in _LOCAL_PATHS or key == "code" and section == "processing") and isinstance(value, str):
            return self.local_path(key, value, where, path)
        if key == "dependencies" and isinstance(value, list) and all(isinstance(v, str) for v in value):
            return [self.local_path(key, v, where, path + (index,)) for index, v in enumerate(value)]
        return self.convert(value, where, path)

    def reads_data(self, path: Path_) -> bool:
        """Whether ``path`` is where a step reads data: a training channel or a processing input's source."""
        return path[:2] == ("fit", "inputs") or (path[0] == "processing" and "inputs" in path and path[-1] == "source")

    def produced(self, value: Any, path: Path_) -> dict[str, str] | None:
        """``{step, output}`` when ``value`` is what an earlier run of this descriptor writes (its
        destination, as the notebook gives it) and ``path`` reads data."""
        if not self.reads_data(path):
            return None
        found = self.destinations.get(_place(value))
        if found is None or found[0].order >= self.reader_order:
            return None
        return {"step": self.steps[found[0]], "output": found[1]}

    def convert(self, value: Any, where: Where, path: Path_) -> Any:
        if isinstance(value, (str, Unresolved)) and (reference := self.produced(value, path)) is not None:
            self.d.comments[path] = f"what step {reference['step']} writes to its output {reference['output']} (the notebook's {value if isinstance(value, str) else value.where.text})".replace(BUCKET, DEFAULT_BUCKET)
            return reference
        if isinstance(value, StepRef):
            if value.run in self.steps and value.run.order < self.reader_order:
                return {"step": self.steps[value.run], "output": value.output}
            return self.placeholder(path, value.where, "the output of a processing run this descriptor does not hold", "job-output")
        if isinstance(value, TrainedModel):
            owner = self.d.tuner or self.d.obj
            if value.owner is owner and path[0] == "processing":
                return {"step": TRAINING_STEP, "output": MODEL_OUTPUT}
            return self.placeholder(path, value.where, f"the model data {value.owner.var or value.owner.name} trains (known once its job has run)", "model-from-training")
        if isinstance(value, SdkClass):
            return value.name
        if isinstance(value, Unresolved):
            return self.placeholder(path, value.where, value.reason, value.reason_class)
        if isinstance(value, Marker):
            return self.placeholder(path, where, f"the notebook's {value.name}", "notebook-session")
        if isinstance(value, str):
            if BUCKET in value:
                origin = value.where if isinstance(value, Located) else where
                self.placeholder(path, origin, "the notebook's default bucket (sagemaker.Session().default_bucket()): write the bucket that holds this data", "default-bucket")
                return str(value).replace(BUCKET, DEFAULT_BUCKET)
            return value
        if isinstance(value, (list, tuple)):
            return [self.convert(item, where, path + (index,)) for index, item in enumerate(value)]
        if isinstance(value, dict):
            return {str(k): self.convert(v, where, path + (str(k),)) for k, v in value.items()}
        if isinstance(value, SdkObject):
            return self.sdk_value(value, path)
        if value is not None and not isinstance(value, (bool, int, float)):
            return self.placeholder(path, where, f"{where.text} is known only by running the notebook", "unresolved-value")
        return value

    def sdk_value(self, obj: SdkObject, path: Path_) -> Any:
        self.d.cells.add(obj.where.cell)
        if obj.role in ("training_input", "record_set", "serverless", "data_capture", "retrieve", "async", "debugger_hook_config", "collection_config", "processing_input", "processing_output", "network_config"):
            out: dict[str, Any] = {}
            for key, value, where in _named(obj, obj.role):
                if key in ("sagemaker_session",):
                    continue
                if obj.role == "processing_output" and key == "destination" and (isinstance(value, Unresolved) or isinstance(value, str) and BUCKET in value):
                    self.note(where, f"left out {format_path(path + (key,))}: sagestack writes it to s3://<artifact bucket>/<run name>-<step name>/output/<output_name>")
                    continue
                if obj.role == "processing_input" and key == "source" and isinstance(value, str) and not value.startswith("s3://") and BUCKET not in value:
                    out[key] = self.placeholder(path + (key,), where, f"the SDK uploads the local path {value} to the notebook's default bucket when the job starts: upload it and write its S3 URI", "uploaded-data")
                    continue
                if obj.role == "retrieve":
                    key = _RETRIEVE_V1.get(key, key)
                    if key == "region":
                        continue  # the stack's region
                if obj.role in ("data_capture", "async", "debugger_hook_config") and key in ("destination_s3_uri", "output_path", "s3_output_path", "failure_path") and isinstance(value, str) and BUCKET in value:
                    self.note(where, f"left out {format_path(path + (key,))}: sagestack writes {'captures' if obj.role == 'data_capture' else 'them'} to its artifact bucket")
                    continue
                out[key] = self.convert(value, where, path + (key,))
            if obj.role == "retrieve" and ("model_id" in out or "model_version" in out):
                self.d.reasons.add("jumpstart")
            return out
        if obj.role == "parameter_range":
            parameter: dict[str, Any] = {"type": obj.name}
            for key, value, where in _named(obj, obj.role):
                if key == "values" and not isinstance(value, (list, tuple, Unresolved)):
                    value = [value]  # CategoricalParameter takes one value as a list of one
                parameter[key] = self.convert(value, where, path + (key,))
            return parameter
        if obj.role in ("strategy_config", "hyperband_strategy_config"):
            return {key: self.convert(value, where, path + (key,)) for key, value, where in _named(obj, obj.role)}
        if obj.role == "model" and obj.kind is not None and path[-1:] == ("model",) and len(path) > 1:
            # MultiDataModel(model=...): the model whose container serves the archives, nested.
            self.d.comments[path] = f"{obj.where.text.split('(')[0]}(...), cell {obj.where.cell}"
            return {"type": obj.kind.model_type, **self.section("model", _named(obj, _constructor_table(obj)), path)}
        if obj.role == "record_set_upload":
            channel = next((v for k, v, _w in _named(obj, obj.role) if k == "channel"), "train")
            reason = f"{obj.where.text} uploads a numpy array from the notebook"
            return {
                "s3_data": self.placeholder(path + ("s3_data",), obj.where, reason, "record-set-upload"),
                "num_records": self.placeholder(path + ("num_records",), obj.where, reason, "record-set-upload"),
                "feature_dim": self.placeholder(path + ("feature_dim",), obj.where, reason, "record-set-upload"),
                "channel": channel if isinstance(channel, str) else "train",
            }
        if obj.role == "uncovered" and obj.parent is None:
            # An SDK class the descriptor language has no mapping for (ProfilerConfig, Rule ...):
            # its arguments as the notebook gives them, so validation says at its line why not.
            self.d.comments[path] = f"{obj.where.text} (cell {obj.where.cell}, line {obj.where.line})"
            for key, _value, where in obj.args:
                if key.startswith("#"):
                    self.note(where, f"{format_path(path)}: a positional argument of {obj.name}(...) is not written")
            return {key: self.convert(value, where, path + (key,)) for key, value, where in obj.args if not key.startswith("#")}
        return self.placeholder(path, obj.where, f"the SDK object {obj.var or obj.name}", "unresolved-value")

    def local_path(self, key: str, value: str, where: Where, path: Path_) -> Any:
        if value.startswith("s3://") or BUCKET in value:
            return self.convert(value, where, path)
        if key in ("entry_point", "code") and "source_dir" in self.siblings:
            return value  # relative to source_dir
        norm = os.path.normpath(value)
        inside = {p: t for p, t in self.written.items() if os.path.normpath(p) == norm or os.path.normpath(p).startswith(norm + os.sep)}
        if inside:
            for written_path, (text, cell) in inside.items():
                self.d.files[os.path.join(self.d.name, os.path.normpath(written_path))] = text
                self.d.cells.add(cell)
            self.d.comments[path] = f"written by the notebook (%%writefile), extracted beside this file; notebook: {value}"
            self.d.extracted.add(format_path(path[: path.index(key)]))
            return os.path.join(self.d.name, norm)
        target = self.notebook_dir / value
        rewritten = os.path.relpath(target, self.out_dir)
        if not (target.is_dir() if key == "source_dir" else target.is_file() if key in ("entry_point", "code") else target.exists()):
            self.d.reasons.add("missing-local-path")
            self.note(where, f"{format_path(path)}: {value} does not exist beside the notebook")
        if rewritten != value:
            self.d.comments[path] = f"notebook: {value}"
        return rewritten


_DROP = object()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _shorten(slug: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a hyphen when that keeps most of it."""
    if len(slug) <= limit:
        return slug
    head = slug[: limit + 1]
    cut = head.rsplit("-", 1)[0] if "-" in head else ""
    return (cut if len(cut) >= limit // 2 else slug[:limit]).strip("-")


def _tuners(estimator: SdkObject) -> list[SdkObject]:
    return [t for k, t in estimator.calls.items() if k.startswith("tuner:")]


def processor_type(processor: SdkObject) -> tuple[str, str | None] | None:
    """The descriptor's processor type for an SDK processor class, and the estimator_cls it
    fixes (a FrameworkProcessor subclass the descriptor has no type for); None when not covered."""
    if processor.role != "processor" or not processor.sdk.startswith("sagemaker."):
        return None
    if processor.name in PROCESSOR_TYPES:
        return processor.name, None
    framework = _FRAMEWORK_SUBCLASSES.get(processor.name)
    return ("FrameworkProcessor", framework) if framework in FRAMEWORKS else None


def _reads(value: Any) -> Iterator[Any]:
    """What a resolved value may read from another step: step outputs, trained models, and S3 URIs
    (or unresolved expressions) an output's destination may give, inside lists, dicts and the
    SDK objects that name data."""
    if isinstance(value, (StepRef, TrainedModel, str, Unresolved)):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _reads(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _reads(item)
    elif isinstance(value, SdkObject) and value.role in ("training_input", "processing_input", "record_set"):
        for _k, item, _w in value.args:
            yield from _reads(item)


def _destinations(run: SdkObject) -> dict[Any, str]:
    """The destinations a run's outputs give (strings without a trailing slash, or the unresolved
    expression itself) → the output's name."""
    given = next((v for k, v, _w in _named(run, _run_table(run)) if k == "outputs"), None)
    out: dict[Any, str] = {}
    if isinstance(given, (list, tuple)):
        for number, output in enumerate(given, 1):
            if not isinstance(output, SdkObject) or output.role != "processing_output":
                continue
            args = {k: v for k, v, _w in _named(output, "processing_output")}
            name, destination = args.get("output_name") or f"output-{number}", args.get("destination")
            if isinstance(name, str) and isinstance(destination, (str, Unresolved)):
                out[_place(destination)] = name
    return out


def _place(value: str | Unresolved) -> Any:
    """What tells two S3 locations the notebook gives apart: the URI without its trailing slash, or
    where an unknown one was first unknown (a name used twice is one place)."""
    return value.rstrip("/") if isinstance(value, str) else value.identity


def _run_table(run: SdkObject) -> str:
    assert run.parent is not None
    found = processor_type(run.parent)
    kind = found[0] if found is not None else "ScriptProcessor"
    return "Processor.run" if kind == "Processor" else "ScriptProcessor.run" if kind in ("ScriptProcessor", "SKLearnProcessor") else "FrameworkProcessor.run"


def _group_runs(runs: list[SdkObject], owners: list[SdkObject], fits: dict[SdkObject, SdkObject]) -> tuple[dict[SdkObject, list[SdkObject]], list[SdkObject]]:
    """Which runs go with which training (an estimator, or a tuner): the runs connected to it by
    what they read (its fit reads their outputs, they read its model or each other's outputs);
    runs connected to no training go with the only one there is, else into a descriptor of
    their own (the second value)."""
    links: dict[Any, set[Any]] = {item: set() for item in [*runs, *owners]}

    def link(a: Any, b: Any) -> None:
        if a in links and b in links:
            links[a].add(b)
            links[b].add(a)

    where_written = {dest: run for run in runs for dest in _destinations(run)}
    readers = [(run, run.args) for run in runs] + [(owner, fit.args) for owner, fit in fits.items()]
    for reader, args in readers:
        for read in _reads([v for _k, v, _w in args]):
            if isinstance(read, StepRef):
                link(reader, read.run)
            elif isinstance(read, TrainedModel):
                link(reader, read.owner)
            elif (writer := where_written.get(_place(read))) is not None:
                link(reader, writer)
    grouped: dict[SdkObject, list[SdkObject]] = {owner: [] for owner in owners}
    alone: list[SdkObject] = []
    for run in runs:
        seen, todo = {run}, [run]
        while todo:
            for nxt in links[todo.pop()] - seen:
                seen.add(nxt)
                todo.append(nxt)
        connected = [o for o in owners if o in seen]
        if not connected and len(owners) == 1:
            connected = owners
        for owner in connected:
            grouped[owner].append(run)
        if not connected:
            alone.append(run)
    return grouped, alone


def _step_names(runs: list[SdkObject]) -> dict[SdkObject, str]:
    """Each run's step name: its job_name, else its code's file name, else the processor's
    variable, as lowercase words joined by hyphens, unique, at most the step name's length."""
    names: dict[SdkObject, str] = {}
    for run in runs:
        args = {k: v for k, v, _w in _named(run, _run_table(run))}
        code = args.get("code")
        candidates = [
            args.get("job_name") if isinstance(args.get("job_name"), str) else None,
            os.path.splitext(os.path.basename(code))[0] if isinstance(code, str) else None,
            run.parent.var if run.parent is not None else None,
        ]
        name = next((n for n in (_shorten(_slug(c), STEP_NAME_MAX) for c in candidates if c) if n), "processing")
        if name == TRAINING_STEP:
            name = "training-job"  # 'training' names the training step in references
        base, number = name, 2
        while name in names.values():
            name = f"{_shorten(base, STEP_NAME_MAX - 1 - len(str(number)))}-{number}"
            number += 1
        names[run] = name
    return names


def drafts(notebook: Notebook, *, stem: str, notebook_dir: Path, out_dir: Path, written: dict[str, tuple[str, int]], taken: set[str] | None = None) -> list[Draft]:
    """A draft for each trained, deployed or batch-transformed estimator or model, and for each
    HyperparameterTuner that is fit or deployed (its estimator and the tuner's calls), with the
    processing runs that go with its training; one for the runs that go with none. Names in
    ``taken`` (given to other notebooks of the same run) are not reused, and it is updated."""
    chosen: list[tuple[SdkObject, SdkObject | None]] = []
    for obj in notebook.estimators_and_models():
        if set(obj.calls) & {"fit", "deploy", "transformer", "register"}:
            chosen.append((obj, None))
        chosen.extend((obj, tuner) for tuner in _tuners(obj) if set(tuner.calls) & {"fit", "deploy"})
    runs = [run for run in processing_runs(notebook.objects) if run.parent is not None and processor_type(run.parent) is not None]
    trainings = [(tuner or obj) for obj, tuner in chosen if obj.role == "estimator"]
    fits = {owner: owner.calls["fit"] for owner in trainings if "fit" in owner.calls}
    grouped, alone = _group_runs(runs, trainings, fits)
    if alone:
        chosen.append((alone[0].parent, None))  # type: ignore[arg-type]  # a run's parent is its processor
    chosen.sort(key=lambda pair: notebook.objects.index(pair[1] or pair[0]))
    base = _slug(stem) or "imported"
    out: list[Draft] = []
    used = taken if taken is not None else set()
    for obj, tuner in chosen:
        # A run names its tuning job from the descriptor's name, and SageMaker takes fewer
        # characters for a tuning job than for a training job.
        limit = TUNED_NAME_MAX if tuner is not None else 32
        name = _shorten(base, limit)
        if len(chosen) > 1:
            suffix = _shorten(_slug((tuner or obj).var or (tuner or obj).name) or str(len(out) + 1), 16 if tuner is None else 8)
            name = f"{_shorten(base, limit - 1 - len(suffix))}-{suffix}"
        number = 2
        while name in used:
            name = f"{_shorten(name, limit - 3)}-{number}"
            number += 1
        used.add(name)
        draft = Draft(name, obj, tuner)
        builder = _Builder(draft, notebook_dir, out_dir, written)
        own_runs = alone if obj.role == "processor" else grouped.get(tuner or obj, [])
        builder.steps = _step_names(own_runs)
        builder.destinations = {dest: (run, output) for run in own_runs for dest, output in _destinations(run).items()}
        if obj.role == "processor":
            draft.data["name"] = name
        else:
            fit = (tuner or obj).calls.get("fit")
            builder.reader_order = fit.order if fit is not None else 0
            _fill(builder, obj, tuner)
        if own_runs:
            _fill_processing(builder, own_runs, (tuner or obj).calls.get("fit"))
        _note_uploads(builder, notebook.uploads)
        out.append(draft)
    return out


def _fill_processing(b: _Builder, runs: list[SdkObject], fit: SdkObject | None) -> None:
    """``processing:``, one step per run: the processor's arguments, the run's, and when it runs
    (before the training's fit, or after it); placed after the name, as a pipeline runs it first."""
    d = b.d
    steps: list[dict[str, Any]] = []
    for index, run in enumerate(runs):
        processor = run.parent
        found = processor_type(processor) if processor is not None else None
        assert processor is not None and found is not None
        type_name, estimator_cls = found
        at: Path_ = ("processing", index)
        when = "after_training" if fit is not None and run.order > fit.order else "before_training"
        step: dict[str, Any] = {"name": b.steps[run], "when": when}
        if fit is not None:
            d.comments[at + ("when",)] = f"the run ({run.where.describe()}) comes {'after' if when == 'after_training' else 'before'} the fit ({fit.where.describe()})"
        body: dict[str, Any] = {"type": type_name}
        if estimator_cls is not None:
            body["estimator_cls"] = estimator_cls
            d.comments[at + ("processor",)] = f"{processor.name}(...), cell {processor.where.cell}: a FrameworkProcessor with estimator_cls {estimator_cls}"
        else:
            d.comments[at + ("processor",)] = f"{processor.name}(...), cell {processor.where.cell}"
        b.reader_order = run.order
        body.update(b.section("processing", _named(processor, "processor"), at + ("processor",)))
        step["processor"] = body
        step["run"] = b.section("processing", _named(run, _run_table(run)), at + ("run",))
        d.comments[at + ("run",)] = f"{processor.var or 'processor'}.run(...), cell {run.where.cell}"
        d.sections[f"processing[{index}].processor"] = processor.where
        d.sections[f"processing[{index}].run"] = run.where
        d.cells.update({processor.where.cell, run.where.cell})
        for what, where in [*processor.extra_calls, *run.extra_calls]:
            b.note(where, f"{processor.var or processor.name}: {what}; imported as one step")
        steps.append(step)
    rest = {k: v for k, v in d.data.items() if k != "name"}
    d.data.clear()
    d.data.update({"name": d.name, "processing": steps, **rest})


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, (list, tuple)):
        return [s for item in value for s in _strings(item)]
    return []


def _note_uploads(b: _Builder, uploads: list[Upload]) -> None:
    """Say, for each S3 URI of the descriptor that the notebook's uploads fill (the upload's URI,
    under it or above it), where the data comes from: it must be there before the first run."""
    found = _strings(b.d.data)
    for upload in uploads:
        uri = upload.uri.replace(BUCKET, DEFAULT_BUCKET).rstrip("/")
        if any(s.rstrip("/") == uri or s.startswith(uri + "/") or uri.startswith(s.rstrip("/") + "/") for s in found if s.startswith("s3://")):
            b.d.cells.add(upload.where.cell)
            b.d.uploads.append(f"{uri}: the notebook uploads {upload.local_path} there ({upload.how}; cell {upload.where.cell}, line {upload.where.line}: {upload.where.text})")


def _fill(b: _Builder, obj: SdkObject, tuner: SdkObject | None = None) -> None:
    d = b.d
    assert obj.kind is not None
    section = obj.role  # estimator or model
    type_name = obj.kind.estimator_type if section == "estimator" else obj.kind.model_type
    d.data["name"] = d.name
    body: dict[str, Any] = {"type": type_name}
    body.update(b.section(section, _named(obj, _constructor_table(obj)), (section,)))
    d.sections[section] = obj.where
    d.cells.add(obj.where.cell)
    hp = obj.calls.get("set_hyperparameters")
    if hp is not None:
        d.sections["set_hyperparameters"] = hp.where
        extra = b.section(section, [(k, v, w) for k, v, w in hp.args if not k.startswith("#")], (section, "hyperparameters"))
        cls = obj.kind.estimator if section == "estimator" else None
        if cls is not None and "hyperparameters" in cls.model_fields and not issubclass(cls, BuiltinEstimator):
            merged = dict(body.get("hyperparameters") or {}) if isinstance(body.get("hyperparameters"), dict) else {}
            merged.update(extra)
            body["hyperparameters"] = merged
        else:
            body.update(extra)
    d.data[section] = body
    d.comments[(section,)] = f"{obj.where.text.split('(')[0]}(...), cell {obj.where.cell}"
    # With a tuner, fit and deploy are the tuner's (its deploy serves the best training job).
    calls, caller = (tuner.calls, tuner) if tuner is not None else (obj.calls, obj)
    fit = calls.get("fit")
    if fit is not None:
        table = "tuner_fit" if tuner is not None else "builtin_fit" if obj.kind.estimator is not None and issubclass(obj.kind.estimator, BuiltinEstimator) else "fit"
        args = [("inputs" if k == "records" else k, v, w) for k, v, w in _named(fit, table)]
        d.data["fit"] = b.section("fit", args, ("fit",))
        d.sections["fit"] = fit.where
        d.cells.add(fit.where.cell)
        d.comments[("fit",)] = f"{caller.var or ('tuner' if tuner else 'estimator')}.fit(...), cell {fit.where.cell}"
    if tuner is not None:
        _fill_tuner(b, tuner)
    for method, key in (("deploy", "deploy"), ("transformer", "transformer")):
        call = calls.get(method)
        if call is None:
            continue
        d.cells.add(call.where.cell)
        d.sections[key] = call.where
        d.data[key] = b.section(key, _named(call, method), (key,))
        d.comments[(key,)] = f"{caller.var or section}.{method}(...), cell {call.where.cell}"
        transform = call.calls.get("transform")
        if method == "transformer" and transform is not None:
            d.cells.add(transform.where.cell)
            d.sections["transform"] = transform.where
            d.data["transform"] = b.section("transform", _named(transform, "transform"), ("transform",))
            d.comments[("transform",)] = f"{call.var or 'transformer'}.transform(...), cell {transform.where.cell}"
    register = calls.get("register")
    if register is not None:
        _fill_register(b, register, caller, section)
    for what, where in caller.extra_calls:
        shown = what[:-2] if "." in what else f"{caller.var or caller.name}.{what[:-2]}"
        if what == "create_model() arguments":
            b.note(where, f"left out: the arguments of {caller.var or caller.name}.create_model(...): the descriptor deploys the model the {section} section describes")
        elif ".best_estimator()." in what:
            b.note(where, f"not imported: {shown}(...); the descriptor serves a tuned model with deploy (tuner.deploy)")
        elif what.endswith("()"):
            b.note(where, f"not imported: {shown}(...)")
        else:
            b.note(where, f"{caller.var or caller.name}: {what}; only the first fit, deploy, transformer and register of each is imported")
    if section == "model" and "deploy" not in obj.calls and "transformer" not in obj.calls:
        b.note(obj.where, "the model is neither deployed nor used for batch transform")


def _fill_register(b: _Builder, call: SdkObject, caller: SdkObject, section: str) -> None:
    """``register:`` from register()'s arguments; those the section does not take are noted."""
    d = b.d
    args = []
    for key, value, where in _named(call, "register" if section == "estimator" else "model_register"):
        if key not in Register.model_fields and key not in _NOTEBOOK_ONLY:
            b.note(where, f"left out register.{key}: the register section does not take it")
        else:
            args.append((key, value, where))
    d.data["register"] = b.section("register", args, ("register",))
    d.sections["register"] = call.where
    d.cells.add(call.where.cell)
    who = f"{caller.var or 'tuner'}.best_estimator()" if caller.role == "tuner" else caller.var or section
    d.comments[("register",)] = f"{who}.register(...), cell {call.where.cell}"


def _fill_tuner(b: _Builder, tuner: SdkObject) -> None:
    """``tuner:`` from HyperparameterTuner's arguments; its estimator is the descriptor's."""
    d = b.d
    args = [(k, v, w) for k, v, w in _named(tuner, "tuner") if k != "estimator"]
    d.data["tuner"] = b.section("tuner", args, ("tuner",))
    d.sections["tuner"] = tuner.where
    d.cells.add(tuner.where.cell)
    d.comments[("tuner",)] = f"{tuner.where.text.split('(')[0]}(...), cell {tuner.where.cell}"


def uncovered_calls(notebook: Notebook) -> list[Uncovered]:
    """Calls the descriptor language does not cover yet, each with its reason class."""
    out: list[Uncovered] = []
    for obj in notebook.objects:
        if obj.role == "tuner" and tuned_estimator(obj) is None:
            several = obj.sdk.endswith(".create")
            out.append(Uncovered("tuner", obj.where, f"{obj.where.text.split('(')[0]}(...) " + ("tunes several estimators (the descriptor tunes one)" if several else "over an estimator the importer does not know")))
        elif obj.role == "processor" and processor_type(obj) is None:
            out.append(Uncovered("processing", obj.where, f"{obj.name}(...)"))
            out.extend(Uncovered("processing", run.where, f"{obj.var or obj.name}.run(...)") for run in obj.runs)
        elif obj.role == "processor" and not obj.runs:
            # Passed to a SageMaker Pipelines ProcessingStep, say: a processing step is a processor's run.
            out.append(Uncovered("processing", obj.where, f"{obj.var or obj.name} = {obj.name}(...) is never run"))
        elif obj.role == "transformer_class":
            out.append(Uncovered("transformer-class", obj.where, "Transformer(...)"))
        for what, where in obj.extra_calls:
            if what == "register()":
                # register() of an object the import does not read (a PipelineModel's, say).
                out.append(Uncovered("register", where, f"{obj.var or obj.name}.register(...)"))
            elif obj.role == "tuner" and ".best_estimator()." in what:
                out.append(Uncovered("tuner", where, f"{what[:-2]}(...)"))
            elif what in ("fit()", "deploy()", "transform()", "transformer()") and obj.role == "uncovered":
                reason = "jumpstart" if ".jumpstart." in obj.sdk else "uncovered-class"
                out.append(Uncovered(reason, where, f"{obj.name}.{what[:-2]}(...) ({obj.sdk})"))
    return out
