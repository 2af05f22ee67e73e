"""Environments: where the catalog deploys and how each environment sizes it
(``infra/environments.yaml``, picked with ``cdk synth -c env=<name>``).

Validated like descriptors (same loader, same ``file:line: path: problem`` format, every problem
at once); pure Python, never imports aws_cdk. An environment's per-model overrides are applied to
a descriptor's data, which is then validated again, so an override that breaks a rule is reported
like any other mistake, at the override's line.

Example::

    default: dev
    environments:
      dev: {region: us-east-1}                   # no account: synthesizes without AWS credentials
      prod:
        account: "123456789012"
        region: eu-west-1
        models:
          "*": {min_capacity: 2}                 # every model with autoscaling
          mnist-serving: {instance_type: ml.g5.xlarge, max_capacity: 8}
          tf-pipe: {deploy: false}
    preview:                                     # cdk synth -c preview=pr-123
      environment: dev                           # account, region and overrides previews start from
      ttl_hours: 72

A preview (:func:`apply_preview`) is the base environment's sizing made small and isolated: every
endpoint variant on one ``preview.instance_type`` (CPU) instance, no autoscaling, no Elastic
Inference accelerator; training and batch transform on one CPU instance; explicit endpoint names
suffixed with the preview id. Stack, endpoint and run names carry the preview id.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, Field, ValidationError

from .descriptor import Issue, ModelDescriptor, validate_data
from .descriptor.base import SdkModel, sdk_field
from .descriptor.images import image_config, processor_for
from .descriptor.issues import format_path
from .descriptor.loader import _line, _read_yaml, display_name, issues_from_errors
from .descriptor.placements import placements_of
from .descriptor.types import PositiveInt

__all__ = [
    "ModelOverride", "Environment", "Preview", "Environments", "EnvironmentsResult", "load_environments", "apply_environment",
    "apply_preview", "check_preview_id", "check_environments", "ENVIRONMENT_NAME_PATTERN", "PREVIEW_ID_PATTERN",
]

ENVIRONMENT_NAME_PATTERN = r"^[a-z][a-z0-9]{0,9}$"  # ≤ 10: it suffixes stack, endpoint and run names
EnvironmentName = Annotated[str, Field(pattern=ENVIRONMENT_NAME_PATTERN)]
PREVIEW_ID_PATTERN = r"^[a-z][a-z0-9-]{0,8}[a-z0-9]$"  # e.g. pr-123; ≤ 10 for the same reason


def _cpu_instance(value: str) -> str:
    if not value.startswith("ml.") or processor_for(value) != "cpu":
        raise ValueError(f"previews run on CPU instances (ml.m5.large, ml.c5.xlarge, ...), not {value!r}")
    return value


CpuInstanceType = Annotated[str, AfterValidator(_cpu_instance)]


class ModelOverride(SdkModel):
    """How one environment sizes a model (``"*"``: every model; a model's own entry wins per field)."""

    deploy: bool | None = sdk_field(None, doc="false: no endpoint in this environment (the pipeline only trains, or the model is left out).", lands_in="deploy (removed)")
    instance_type: str | None = sdk_field(None, doc="Endpoint instance type (every variant's).", lands_in="deploy.instance_type")
    initial_instance_count: PositiveInt | None = sdk_field(None, doc="Endpoint instances (every variant's).", lands_in="deploy.initial_instance_count")
    min_capacity: Annotated[int, Field(ge=0)] | None = sdk_field(None, doc="Autoscaling lower bound (models with autoscaling; 0 only for asynchronous endpoints).", lands_in="deploy.autoscaling.min_capacity")
    max_capacity: PositiveInt | None = sdk_field(None, doc="Autoscaling upper bound (models with autoscaling).", lands_in="deploy.autoscaling.max_capacity")
    training_instance_type: str | None = sdk_field(None, doc="Training instance type.", lands_in="estimator.instance_type")
    training_instance_count: PositiveInt | None = sdk_field(None, doc="Training instances.", lands_in="estimator.instance_count")
    transform_instance_type: str | None = sdk_field(None, doc="Batch transform instance type.", lands_in="transformer.instance_type")
    transform_instance_count: PositiveInt | None = sdk_field(None, doc="Batch transform instances.", lands_in="transformer.instance_count")


class Environment(SdkModel):
    """One environment: its AWS account and region, and per-model overrides."""

    account: Annotated[str, Field(pattern=r"^[0-9]{12}$")] | None = sdk_field(None, doc="AWS account (quoted); none: synthesizes without credentials.", lands_in="the stacks' env.account")
    region: Annotated[str, Field(pattern=r"^[a-z]{2}(-[a-z]+)+-[0-9]$")] = sdk_field("us-east-1", doc="AWS region.", lands_in="the stacks' env.region")
    models: dict[str, ModelOverride] = sdk_field(default_factory=dict, doc="Model name (or *) → overrides.", lands_in="the models' descriptors")


class Preview(SdkModel):
    """How ``-c preview=<id>`` sizes the catalog: small, CPU-only, one instance, no autoscaling."""

    environment: EnvironmentName | None = sdk_field(None, doc="Environment whose account, region and overrides previews start from (default: the default environment).", lands_in="the preview stacks' env")
    ttl_hours: Annotated[int, Field(ge=1, le=720)] = sdk_field(72, doc="Hours a preview may live; the sagestack:preview-ttl-hours tag, read by `sagestack previews --expired`.", lands_in="tag sagestack:preview-ttl-hours")
    instance_type: CpuInstanceType = sdk_field("ml.m5.large", doc="Every endpoint variant's instance type (count 1).", lands_in="deploy.instance_type")
    training_instance_type: CpuInstanceType = sdk_field("ml.m5.xlarge", doc="Training instance type (count 1).", lands_in="estimator.instance_type")
    transform_instance_type: CpuInstanceType = sdk_field("ml.m5.large", doc="Batch transform instance type (count 1).", lands_in="transformer.instance_type")


class Environments(SdkModel):
    """The environments file."""

    default: EnvironmentName = sdk_field(doc="The environment synthesized without -c env=.", lands_in=None)
    environments: dict[EnvironmentName, Environment] = sdk_field(doc="Environment name → settings.", lands_in=None)
    preview: Preview = sdk_field(default_factory=Preview, doc="Settings of pull-request previews (-c preview=<id>).", lands_in=None)


@dataclass
class EnvironmentsResult:
    environments: Environments | None
    issues: list[Issue]
    file: str = "<environments>"
    lines: dict[tuple[Any, ...], int] = field(default_factory=dict)

    def line(self, *path: Any) -> int:
        return _line(self.lines, tuple(path))


IMPLICIT = Environments.model_validate({"default": "dev", "environments": {"dev": {}}})


def load_environments(path: str | os.PathLike[str]) -> EnvironmentsResult:
    """Read and validate the environments file; a missing file means one environment, ``dev``."""
    path = Path(path)
    if not path.exists():
        return EnvironmentsResult(IMPLICIT, [], display_name(path))
    file = display_name(path)
    raw, lines, issues = _read_yaml(path.read_text(encoding="utf-8"), file)
    if raw is None or any(i.severity == "error" for i in issues):
        return EnvironmentsResult(None, sorted(issues), file, lines)
    try:
        envs = Environments.model_validate(raw)
    except ValidationError as exc:
        return EnvironmentsResult(None, sorted(issues + issues_from_errors(exc.errors(include_url=False), raw, lines, file)), file, lines)
    if envs.default not in envs.environments:
        issues.append(Issue(file, _line(lines, ("default",)), "default", "names no environment", allowed=", ".join(sorted(envs.environments)), got=envs.default))
    if envs.preview.environment is not None and envs.preview.environment not in envs.environments:
        issues.append(Issue(file, _line(lines, ("preview", "environment")), "preview.environment", "names no environment", allowed=", ".join(sorted(envs.environments)), got=envs.preview.environment))
    return EnvironmentsResult(envs if not issues else None, sorted(issues), file, lines)


def _override_for(env: Environment, model: str) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for key in ("*", model):
        if key in env.models:
            merged.update(env.models[key].model_dump(exclude_none=True))
    return merged


def _sized_targets(d: ModelDescriptor, data: dict[str, Any]) -> list[tuple[dict[str, Any], tuple[str, ...]]]:
    """The parts of the dumped descriptor ``data`` that carry an instance type and count, each with
    the sizing keys it takes: the sections each placement of the deploy section sizes (every
    variant and the shadow variant, or the section itself unless it is serverless)."""
    assert d.deploy is not None
    targets = []
    for placement in placements_of(d.deploy):
        for path, _section in placement.sized(d.deploy):
            node: Any = data
            for part in path:
                node = node[part]
            targets.append((node, placement.sized_keys(d.deploy)))
    return targets


def apply_environment(d: ModelDescriptor, name: str, result: EnvironmentsResult) -> tuple[ModelDescriptor | None, list[Issue]]:
    """``d`` as environment ``name`` sizes it; None when the environment leaves it out (an endpoint
    descriptor with ``deploy: false``). Problems cite the environments file."""
    assert result.environments is not None
    override = _override_for(result.environments.environments[name], d.name)
    if not override:
        return d, []
    data = d.model_dump(mode="json", exclude_unset=True)
    deploy, estimator, transformer = data.get("deploy"), data.get("estimator"), data.get("transformer")
    if override.get("deploy") is False and deploy is not None:
        data.pop("deploy")
        if estimator is None and transformer is None:
            return None, []
        deploy = None
    if deploy is not None:
        for target, keys in _sized_targets(d, data):
            for key in keys:
                if key in override:
                    target[key] = override[key]
        if deploy.get("autoscaling") is not None:
            for key in ("min_capacity", "max_capacity"):
                if key in override:
                    deploy["autoscaling"][key] = override[key]
    for section, prefix in ((estimator, "training_"), (transformer, "transform_")):
        if section is not None:
            for key in ("instance_type", "instance_count"):
                if prefix + key in override:
                    section[key] = override[prefix + key]
    models = result.environments.environments[name].models
    return _revalidate(d, data, f"environment {name}", result, ("environments", name, "models", d.name if d.name in models else "*"))


def _revalidate(d: ModelDescriptor, data: dict[str, Any], sizing: str, result: EnvironmentsResult, where: tuple[str, ...]) -> tuple[ModelDescriptor | None, list[Issue]]:
    """``data`` (``d`` resized) validated again; its errors are reported at ``where`` in the
    environments file, naming the model and the rule it breaks."""
    checked = validate_data(data, file=f"{d.source or d.name} as {sizing} sizes it", source=d.source)
    if checked.descriptor is not None:
        return checked.descriptor, []
    line = result.line(*where)
    return None, [Issue(result.file, line, format_path(where), f"makes {d.name} invalid: {i.path}: {i.message}", i.severity, i.allowed, i.got) for i in checked.issues if i.severity == "error"]


def check_preview_id(preview_id: str, result: EnvironmentsResult) -> tuple[str, str] | None:
    """Why ``preview_id`` cannot name a preview, as (problem, what is allowed), or None. Ids are at
    most 10 characters (they suffix stack, endpoint and run names) and never an environment's name
    (they would share its names)."""
    import re

    if not re.match(PREVIEW_ID_PATTERN, preview_id):
        return "-c preview is not a preview id", "2-10 lower-case letters, digits and '-', starting with a letter, e.g. pr-123"
    if result.environments is not None and preview_id in result.environments.environments:
        return "-c preview names an environment: previews and environments must not share names", "any id but " + ", ".join(sorted(result.environments.environments))
    return None


def apply_preview(d: ModelDescriptor, preview_id: str, result: EnvironmentsResult) -> tuple[ModelDescriptor | None, list[Issue]]:
    """``d`` as preview ``preview_id`` sizes it (apply the base environment first): every endpoint
    variant on one ``preview.instance_type`` instance with no accelerator, no autoscaling (an
    asynchronous endpoint scales between zero and one instance on its backlog); training
    and batch transform on one CPU instance (training on one instance of its own type when its
    framework's training images are GPU-only), and so each processing job (on the training
    instance type); an explicit ``deploy.endpoint_name`` (and
    ``inference_component_name``) suffixed with the preview id; inference components between zero
    and one copy, their endpoint between zero and one instance. Serverless endpoints keep their
    configuration. Problems cite ``preview:``."""
    assert result.environments is not None
    preview = result.environments.preview
    data = d.model_dump(mode="json", exclude_unset=True)
    deploy, estimator, transformer = data.get("deploy"), data.get("estimator"), data.get("transformer")
    if deploy is not None:
        assert d.deploy is not None
        for target, keys in _sized_targets(d, data):
            target["instance_type"] = preview.instance_type
            if "initial_instance_count" in keys:
                target["initial_instance_count"] = 1
            target.pop("accelerator_type", None)
        scaling = deploy.pop("autoscaling", None)
        for placement in placements_of(d.deploy):  # each sizes what is its own (copies, scaling to zero)
            placement.preview(deploy, scaling, preview_id)
        if deploy.get("endpoint_name"):
            deploy["endpoint_name"] = f"{deploy['endpoint_name']}-{preview_id}"
    register = data.get("register")
    if register is not None and register.get("model_package_group_name"):  # a preview registers in a group of its own
        register["model_package_group_name"] = f"{register['model_package_group_name']}-{preview_id}"
    for section, instance_type in ((estimator, preview.training_instance_type), (transformer, preview.transform_instance_type)):
        if section is not None:
            if section is not estimator or _trains_on_cpu(d):
                section["instance_type"] = instance_type
            section["instance_count"] = 1
    for step in data.get("processing") or ():
        processor = step["processor"]
        if _processes_on_cpu(d, step["name"]):
            processor["instance_type"] = preview.training_instance_type
        processor["instance_count"] = 1
    if estimator is not None and estimator.get("distribution") is not None:
        # one instance: strategies that need GPUs or several hosts (torchrun, smdistributed) cannot run there
        estimator.pop("distribution")
    return _revalidate(d, data, f"preview {preview_id}", result, ("preview",))


def _trains_on_cpu(d: ModelDescriptor) -> bool:
    """Whether the estimator's framework has CPU training images (the SDK's image data); one whose
    images are GPU-only keeps its own training instance type in a preview."""
    est = d.estimator
    framework = getattr(est, "framework", None)
    if framework is None or getattr(est, "image_uri", None):
        return True
    config = image_config(framework, "training")
    return config is None or not config.processors or "cpu" in config.processors


def _processes_on_cpu(d: ModelDescriptor, name: str) -> bool:
    """Whether a processing step's image has a CPU build: your own image, the scikit-learn
    image, or a framework processor's framework with CPU training images."""
    from .descriptor.kinds import ESTIMATOR_TYPES
    from .descriptor.processing import FrameworkProcessor, PyTorchProcessor

    step = next(s for s in d.processing or () if s.name == name)
    proc = step.processor
    if not isinstance(proc, (FrameworkProcessor, PyTorchProcessor)) or proc.image_uri is not None:
        return True
    framework = getattr(ESTIMATOR_TYPES[proc.estimator_cls], "framework", None)
    config = image_config(framework, "training") if framework else None
    return config is None or not config.processors or "cpu" in config.processors


LONGEST_PREVIEW_ID = "pr-9999999"  # 10 characters: the longest names a preview can give


def check_environments(descriptors: list[ModelDescriptor], result: EnvironmentsResult) -> list[Issue]:
    """Every problem the environments file gives the catalog, without synthesizing: the file's own
    issues, then every environment's and the preview's sizing applied to every descriptor (as
    ``cdk synth -c env=<name>`` and ``-c preview=<id>`` would apply them)."""
    issues = list(result.issues)
    if result.environments is None:
        return issues
    base = result.environments.preview.environment or result.environments.default
    for name in result.environments.environments:
        for d in descriptors:
            sized, problems = apply_environment(d, name, result)
            issues += problems
            if name == base and sized is not None:  # previews start from this sizing
                issues += apply_preview(sized, LONGEST_PREVIEW_ID, result)[1]
    return sorted(set(issues))
