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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..descriptor.api import ApiMember, limits
from ..descriptor.estimator import BuiltinEstimator, FrameworkEstimator
from ..descriptor.model import FrameworkModelBase
from ..descriptor.rules import IMPORT_DEFAULT_BUCKET, IMPORT_PLACEHOLDER, TUNING_RUN_SUFFIX
from .values import BUCKET, Located, Marker, Notebook, SdkObject, Unresolved, Upload, Where, tuned_estimator

__all__ = ["PLACEHOLDER", "DEFAULT_BUCKET", "Placeholder", "Draft", "Uncovered", "drafts", "uncovered_calls", "REASONS"]

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
    "tuner": "a HyperparameterTuner over several estimators or one the importer does not know, or a call of its best estimator not covered (transformer)",
    "processing": "processing jobs (processors and .run) are not covered yet",
    "register": "model registration (.register) is not covered yet",
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
    "parameter_range": ("min_value", "max_value", "scaling_type"),
    "strategy_config": ("hyperband_strategy_config",),
    "hyperband_strategy_config": ("max_resource", "min_resource"),
    "builtin_fit": ("inputs", "mini_batch_size", "wait", "logs", "job_name"),
    "estimator": ("image_uri", "role", "instance_count", "instance_type"),
    "framework_estimator": ("entry_point", "source_dir", "hyperparameters"),
    "builtin_estimator": ("role", "instance_count", "instance_type"),
    "model": ("image_uri", "model_data", "role"),
    "framework_model": ("model_data", "role", "entry_point"),
}
# SDK functions whose positional arguments differ from their family's (a kind's class that
# differs declares SDK_POSITIONAL itself).
_POSITIONAL_BY_CLASS: dict[str, tuple[str, ...]] = {
    "get_image_uri": ("region", "framework", "version"),
    "CategoricalParameter": ("values",),
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
            self.note(where, f"left out {'.'.join(map(str, path))}: {_NOTEBOOK_ONLY[key]}")
            return _DROP
        if key in _GENERATED_NAMES and section in ("model", "deploy", "transformer"):
            self.note(where, f"left out {'.'.join(map(str, path))}: {_GENERATED_NAMES[key]}")
            return _DROP
        if key == "role" and not (isinstance(value, str) and BUCKET not in value):
            self.note(where, f"left out {'.'.join(map(str, path))}: sagestack generates a least-privilege role")
            return _DROP
        if key in _NAMES and not isinstance(value, str):
            self.note(where, f"left out {'.'.join(map(str, path))}: sagestack generates the name (the notebook's is computed)")
            return _DROP
        if key in _OUTPUTS and (isinstance(value, Unresolved) or isinstance(value, str) and BUCKET in value):
            self.note(where, f"left out {'.'.join(map(str, path))}: sagestack writes to its artifact bucket")
            return _DROP
        if key == "include_cls_metadata" and value is False:
            self.note(where, f"left out {'.'.join(map(str, path))}: False is the default")
            return _DROP
        if key == "model_data" and value is None and path[:2] == ("model", "model"):
            self.note(where, f"left out {'.'.join(map(str, path))}: the archives are under model_data_prefix")
            return _DROP
        if key in ("instance_type", "train_instance_type") and value in ("local", "local_gpu"):
            self.d.reasons.add("local-mode")
        if key in _LOCAL_PATHS and isinstance(value, str):
            return self.local_path(key, value, where, path)
        if key == "dependencies" and isinstance(value, list) and all(isinstance(v, str) for v in value):
            return [self.local_path(key, v, where, path + (index,)) for index, v in enumerate(value)]
        return self.convert(value, where, path)

    def convert(self, value: Any, where: Where, path: Path_) -> Any:
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
        if obj.role in ("training_input", "record_set", "serverless", "data_capture", "retrieve", "async", "debugger_hook_config", "collection_config"):
            out: dict[str, Any] = {}
            for key, value, where in _named(obj, obj.role):
                if key in ("sagemaker_session",):
                    continue
                if obj.role == "retrieve":
                    key = _RETRIEVE_V1.get(key, key)
                    if key == "region":
                        continue  # the stack's region
                if obj.role in ("data_capture", "async", "debugger_hook_config") and key in ("destination_s3_uri", "output_path", "s3_output_path") and isinstance(value, str) and BUCKET in value:
                    self.note(where, f"left out {'.'.join(map(str, path + (key,)))}: sagestack captures to its artifact bucket")
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
                    self.note(where, f"{'.'.join(map(str, path))}: a positional argument of {obj.name}(...) is not written")
            return {key: self.convert(value, where, path + (key,)) for key, value, where in obj.args if not key.startswith("#")}
        return self.placeholder(path, obj.where, f"the SDK object {obj.var or obj.name}", "unresolved-value")

    def local_path(self, key: str, value: str, where: Where, path: Path_) -> Any:
        if value.startswith("s3://") or BUCKET in value:
            return self.convert(value, where, path)
        if key == "entry_point" and "source_dir" in self.siblings:
            return value  # relative to source_dir
        norm = os.path.normpath(value)
        inside = {p: t for p, t in self.written.items() if os.path.normpath(p) == norm or os.path.normpath(p).startswith(norm + os.sep)}
        if inside:
            for written_path, (text, cell) in inside.items():
                self.d.files[os.path.join(self.d.name, os.path.normpath(written_path))] = text
                self.d.cells.add(cell)
            self.d.comments[path] = f"written by the notebook (%%writefile), extracted beside this file; notebook: {value}"
            self.d.extracted.add(".".join(map(str, path[: path.index(key)])))
            return os.path.join(self.d.name, norm)
        target = self.notebook_dir / value
        rewritten = os.path.relpath(target, self.out_dir)
        if not (target.is_dir() if key == "source_dir" else target.is_file() if key == "entry_point" else target.exists()):
            self.d.reasons.add("missing-local-path")
            self.note(where, f"{'.'.join(map(str, path))}: {value} does not exist beside the notebook")
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


def drafts(notebook: Notebook, *, stem: str, notebook_dir: Path, out_dir: Path, written: dict[str, tuple[str, int]], taken: set[str] | None = None) -> list[Draft]:
    """A draft for each trained, deployed or batch-transformed estimator or model, and for each
    HyperparameterTuner that is fit or deployed (its estimator and the tuner's calls); names in
    ``taken`` (given to other notebooks of the same run) are not reused, and it is updated."""
    chosen: list[tuple[SdkObject, SdkObject | None]] = []
    for obj in notebook.estimators_and_models():
        if set(obj.calls) & {"fit", "deploy", "transformer"}:
            chosen.append((obj, None))
        chosen.extend((obj, tuner) for tuner in _tuners(obj) if set(tuner.calls) & {"fit", "deploy"})
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
        _fill(builder, obj, tuner)
        _note_uploads(builder, notebook.uploads)
        out.append(draft)
    return out


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
    for what, where in caller.extra_calls:
        if ".best_estimator()." in what:
            b.note(where, f"not imported: {what[:-2]}(...); the descriptor serves a tuned model with deploy (tuner.deploy)")
        else:
            b.note(where, f"{caller.var or caller.name}: {what}; only the first fit/deploy/transformer is imported")
    if section == "model" and "deploy" not in obj.calls and "transformer" not in obj.calls:
        b.note(obj.where, "the model is neither deployed nor used for batch transform")


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
        elif obj.role == "processor":
            out.append(Uncovered("processing", obj.where, f"{obj.name}(...)"))
        elif obj.role == "transformer_class":
            out.append(Uncovered("transformer-class", obj.where, "Transformer(...)"))
        for what, where in obj.extra_calls:
            if what == "register()":
                out.append(Uncovered("register", where, f"{obj.var or obj.name}.register(...)"))
            elif what == "run()" and obj.role == "processor":
                out.append(Uncovered("processing", where, f"{obj.var or obj.name}.run(...)"))
            elif obj.role == "tuner" and ".best_estimator()." in what:
                out.append(Uncovered("register" if what.endswith(".register()") else "tuner", where, f"{what[:-2]}(...)"))
            elif what in ("fit()", "deploy()", "transform()", "transformer()") and obj.role == "uncovered":
                reason = "jumpstart" if ".jumpstart." in obj.sdk else "uncovered-class"
                out.append(Uncovered(reason, where, f"{obj.name}.{what[:-2]}(...) ({obj.sdk})"))
    return out
