"""What every step fragment shares: the deploy-time resources, request-to-Parameters conversion,
the state builder, retries, and the fragment protocol with its construct-independent grants."""

from __future__ import annotations

import json
import math
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ...descriptor import ModelDescriptor
from ...descriptor.api import ApiMember, limits
from ...descriptor.estimator import FrameworkEstimator
from ...render import RenderContext
from ...render.context import _PLACEHOLDER, base_name, ph, substitute
from ...render.training import create_training_job
from ...render.tuning import create_hyper_parameter_tuning_job

RUN_SUFFIX_LENGTH = 13  # "-" + 8 + 4 hex digits of a UUID
STATIC_PLACEHOLDERS = frozenset({
    "RoleArn", "ArtifactBucket", "SourceArchive", "AccountId", "Partition",
    # a processing step's code assets (qualified by the step's name) and the role its jobs run as
    "ProcessingCode", "ProcessingCodeFile", "ProcessingEntrypoint", "ProcessingEntrypointFile", "ProcessingRoleArn",
})
TRAIN_STATE = "Train"
FAILED_STATE = "Run failed"
RUN = "$.run"
POLL_SECONDS = 30  # the SageMaker SDK's endpoint waiter polls every 30 s
DEFAULT_WAIT_SECONDS = 3600
INPUT_KEYS = ("hyperparameters", "inputs", "output_path", "tuner", "processing", "promote_shadow")  # the execution input's shape (run_input/index.py)

# Errors worth retrying with backoff: throttling and SageMaker's service errors (the optimized
# integrations report every SageMaker error as SageMaker.AmazonSageMakerException, throttling included).
SAGEMAKER_TRANSIENT = ["ThrottlingException", "SageMaker.ThrottlingException", "SageMaker.AmazonSageMakerException"]
SDK_TRANSIENT = ["ThrottlingException", "SageMaker.ThrottlingException", "SageMaker.SageMakerException", "ApplicationAutoScaling.ConcurrentUpdateException", "ApplicationAutoScaling.InternalServiceException"]
LAMBDA_TRANSIENT = ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"]

# Where a fragment's exit goes: the entry of the next fragment on the main path (or the end of
# the run), and the failure path (the notifier when there is one, else "Run failed").
NEXT = "__next__"
FAILURE = "__failure__"
#: ``ENTRY + <fragment name>``: the entry of that fragment (a path that skips the fragments between).
ENTRY = "__entry__:"


@dataclass(frozen=True)
class RepackStep:
    """Where the run's repack step (the SDK's ``repack_model``) finds its function and code."""

    function_arn: str
    code_bucket: str
    code_key: str
    target_bucket: str
    target_prefix: str


@dataclass(frozen=True)
class PipelineResources:
    """Deploy-time values the definition refers to: CDK tokens in the construct, examples in tests.

    :param static: values of ``STATIC_PLACEHOLDERS`` (RoleArn is the training job's role).
    :param check_input_function: ARN of the "Check run input" function (run_input/index.py).
    :param model_role_arn: the model's ExecutionRoleArn (default: ``static["RoleArn"]``).
    :param endpoint_name: the stable endpoint name (descriptors with ``deploy``).
    :param inference_component_name: the stable inference component name (an
        inference-component-based ``deploy``).
    :param repack: the repack step (descriptors whose serving needs it).
    :param topic_arn: SNS topic notified on success and failure (default: no notification).
    :param readable: S3 prefixes the generated training role reads (None: a given role, unchecked).
    :param writable: S3 prefixes the generated training role writes (None: unchecked).
    :param name_suffix: appended to the run-name prefix (an environment's name; default none).
    :param partition: the partition of the service integrations' ARNs (``arn:<partition>:states:::...``;
        default ``aws``).
    :param model_package_group: the model package group runs register in (descriptors with ``register``).
    :param multi_model: the multi-model endpoint runs add their model to (descriptors with ``add_model``;
        an ``add_model.MultiModelTarget``).
    """

    static: Mapping[str, str]
    check_input_function: str | None = None
    model_role_arn: str | None = None
    endpoint_name: str | None = None
    inference_component_name: str | None = None
    repack: RepackStep | None = None
    topic_arn: str | None = None
    readable: Sequence[str] | None = None
    writable: Sequence[str] | None = None
    name_suffix: str | None = None
    partition: str = "aws"
    model_package_group: str | None = None
    multi_model: Any = None


def _escape(text: str) -> str:
    """Literal text inside a States.Format template: escape \\ ' { } as ASL requires."""
    return "".join("\\" + c if c in "\\'{}" else c for c in text)


class _Dynamic:
    """A value computed at run time (a JSONPath or an intrinsic function)."""

    def __init__(self, expression: str) -> None:
        self.expression = expression


def to_parameters(value: Any, runtime: dict[str, str], static: dict[str, str] | None = None) -> Any:
    """A rendered request as Task Parameters.

    :param runtime: run-time placeholder → JSONPath; such values become ``.$`` keys.
    :param static: deploy-time placeholder → value, inserted verbatim — also inside a
        ``States.Format`` template, unescaped, because CDK tokens must reach synthesis intact (the
        values they resolve to, ARNs and bucket names, contain no ``' { } \\``).
    """
    static = static or {}
    if isinstance(value, _Dynamic):
        return value
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            converted = to_parameters(item, runtime, static)
            if isinstance(converted, _Dynamic):
                out[f"{key}.$"] = converted.expression
            else:
                out[key] = converted
        return out
    if isinstance(value, list):
        # An object inside a list may hold ".$" keys (ProcessingInputs[].S3Input.S3Uri); a bare
        # string item cannot be a path.
        converted_items = [to_parameters(item, runtime, static) for item in value]
        if any(isinstance(item, _Dynamic) for item in converted_items):
            raise ValueError("run-time placeholders as list items are not supported (inside an object of a list they are)")
        return converted_items
    if isinstance(value, str):
        names = _PLACEHOLDER.findall(value)
        if not names:
            return value
        static = {**{n: static[base_name(n)] for n in names if n not in static and base_name(n) in static}, **static}  # example values fill qualified names
        missing = [n for n in names if base_name(n) in STATIC_PLACEHOLDERS and n not in static]
        if missing:
            raise ValueError(f"deploy-time placeholders {missing} must be given values")
        dynamic = [n for n in names if base_name(n) not in STATIC_PLACEHOLDERS]
        unknown = [n for n in dynamic if n not in runtime]
        if unknown:
            raise ValueError(f"no run-time path for placeholders {unknown}")
        if not dynamic:
            return substitute(value, static)
        if value == ph(base_name(dynamic[0])) and len(names) == 1 and "." not in dynamic[0]:
            return _Dynamic(runtime[dynamic[0]])
        parts = _PLACEHOLDER.split(value)
        template, args = "", []
        for index, part in enumerate(parts):
            if index % 2 == 0:
                template += _escape(part)
            elif base_name(part) in STATIC_PLACEHOLDERS:
                template += static[part]
            else:
                template += "{}"
                args.append(runtime[part])
        return _Dynamic(f"States.Format('{template}', {', '.join(args)})")
    return value


def training_prefix(d: ModelDescriptor) -> str:
    assert d.estimator is not None and d.fit is not None
    return d.estimator.base_job_name or d.fit.job_name or d.name


def run_prefix(d: ModelDescriptor, suffix: str | None = None) -> str:
    """The name prefix of everything a run creates: the training prefix; without an estimator,
    ``transform.job_name`` or the model's name; plus ``-<suffix>`` (an environment's name) so
    environments sharing an account never share names."""
    if d.estimator is not None:
        prefix = training_prefix(d)
    else:
        prefix = (d.transform.job_name if d.transform is not None else None) or d.name
    return f"{prefix}-{suffix}" if suffix else prefix


def endpoint_wait(d: ModelDescriptor) -> tuple[int, int]:
    """(timeout seconds, polls) of the wait for InService: ``deploy.wait_timeout_seconds``, else
    3600 s plus the blue/green bake and termination waits."""
    dep = d.deploy
    assert dep is not None
    timeout = dep.wait_timeout_seconds
    if timeout is None:
        timeout = DEFAULT_WAIT_SECONDS
        dc = dep.deployment_config
        if dc is not None:
            tr = dc.traffic_routing
            shifts = 1
            if tr.type == "LINEAR" and tr.linear_step_size is not None and tr.linear_step_size.type == "CAPACITY_PERCENT":
                shifts = math.ceil(100 / tr.linear_step_size.value)
            timeout += tr.wait_interval_seconds * shifts + (dc.termination_wait_seconds or 0)
    return timeout, math.ceil(timeout / POLL_SECONDS)


def overridable_request(d: ModelDescriptor, ctx: RenderContext) -> dict[str, Any]:
    """The request a run's input applies its overrides to: CreateTrainingJob; with a tuner, its
    training definition in CreateTrainingJob's names (the static hyperparameters: a ranged one
    is the tuning job's to choose)."""
    if d.tuner is None:
        return create_training_job(d, ctx)
    tuning = create_hyper_parameter_tuning_job(d, ctx)
    definition = tuning["TrainingJobDefinition"]
    return {
        "HyperParameters": definition["StaticHyperParameters"], "InputDataConfig": definition["InputDataConfig"], "OutputDataConfig": definition["OutputDataConfig"],
        "ResourceLimits": tuning["HyperParameterTuningJobConfig"]["ResourceLimits"],
    }


def run_input_contract(d: ModelDescriptor, ctx: RenderContext) -> dict[str, Any]:
    """What the execution input may override (the "Check run input" payload's static part)."""
    request = overridable_request(d, ctx)
    est = d.estimator
    assert est is not None
    overridable = sorted(k for k in request.get("HyperParameters", {}) if not k.startswith("sagemaker_") and k != "model_dir")
    channels = sorted(c["ChannelName"] for c in request["InputDataConfig"] if not (c["ChannelName"] == "code" and getattr(est, "enable_network_isolation", False)))
    uri = limits(ApiMember("CreateTrainingJob", "InputDataConfig[].DataSource.S3DataSource.S3Uri"))
    return {
        "overridable": overridable,
        "encoding": "json" if isinstance(est, FrameworkEstimator) else "str",
        "channels": channels,
        "limits": {
            "hyperparameter_value_length": int(limits(ApiMember("CreateTrainingJob", "HyperParameters{}")).max or 2500),
            "s3_uri_pattern": uri.pattern,
            "s3_uri_length": int(uri.max or 1024),
        },
    }


def _retry(errors: list[str], *, interval: int = 5, attempts: int = 3) -> list[dict[str, Any]]:
    return [{"ErrorEquals": errors, "IntervalSeconds": interval, "MaxAttempts": attempts, "BackoffRate": 2.0, "JitterStrategy": "FULL"}]


class Builder:
    """Collects states; ``failure(step, error)`` adds a ``<step> failed`` recorder state.

    ``failure_target`` is where every recorder goes on to (the notifier sets itself there)."""

    def __init__(self) -> None:
        self.states: dict[str, dict[str, Any]] = {}
        self.failure_target = FAILED_STATE

    def add(self, name: str, state: dict[str, Any]) -> str:
        assert name not in self.states, name
        self.states[name] = state
        return name

    def failure(self, label: str, error: str, *, cause_path: str = "$.error.Cause", cause: str | None = None, cause_text: str | None = None) -> str:
        """A Pass state recording the failure in ``$.failure`` (step, error, cause), then on to
        the notifier and ``Run failed``. ``cause`` is an intrinsic function, ``cause_text`` a
        fixed text, else the cause is read from ``cause_path``."""
        name = f"{label} failed"
        params: dict[str, Any] = {"step": label, "error": error}
        if cause_text is not None:
            params["cause"] = cause_text
        else:
            params["cause.$"] = cause if cause is not None else cause_path
        state = {"Type": "Pass", "Parameters": params, "ResultPath": "$.failure", "Next": FAILURE}
        if name in self.states:
            assert self.states[name] == state, f"two different failures named {name!r}"
            return name
        self.add(name, state)
        return name

    def catch(self, label: str, error: str) -> list[dict[str, Any]]:
        return [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": self.failure(label, error)}]


@dataclass
class StepContext:
    """What a fragment renders its states from. ``runtime`` maps run-time placeholders to
    JSONPath; ``static`` holds the deploy-time values (tokens in the construct)."""

    d: ModelDescriptor
    ctx: RenderContext
    resources: PipelineResources
    prefix: str
    static: dict[str, str]
    runtime: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Allow:
    """One Allow statement, free of the CDK (the construct turns it into its ``iam.Grant``).
    Resource strings may be CDK tokens: the pure layer only places them."""

    actions: tuple[str, ...]
    resources: tuple[str, ...]
    conditions: dict[str, Any] | None = None


def allow(actions: Sequence[str], resources: Sequence[str], conditions: dict[str, Any] | None = None) -> Allow:
    return Allow(tuple(actions), tuple(resources), conditions)


@dataclass(frozen=True)
class GrantContext:
    """The deploy-time names a fragment's grants are scoped to (CDK tokens in the construct).

    :param runs: the run names' IAM pattern, ``<prefix lower>-????????????``.
    :param training_role_arn: the role CreateTrainingJob passes (with an estimator).
    :param model_role_arn: the role CreateModel passes, when the pipeline chooses it.
    :param processing_role_arns: the roles CreateProcessingJob passes (with processing steps).
    :param topic_key_arn: the KMS key of an encrypted notification topic.
    :param artifact_bucket: the artifact bucket's name (the default output of processing steps).
    :param run_folders: the runs' folders in it, ``<prefix>-????????????`` (S3 keeps the case).
    :param model_package_group: the model package group runs register in.
    :param multi_model_prefix: the S3 prefix runs add their model under (``add_model``).
    """

    partition: str
    region: str
    account: str
    runs: str
    endpoint_name: str | None = None
    inference_component_name: str | None = None
    check_input_function: str | None = None
    repack_function: str | None = None
    topic_arn: str | None = None
    topic_key_arn: str | None = None
    training_role_arn: str | None = None
    model_role_arn: str | None = None
    processing_role_arns: tuple[str, ...] = ()
    artifact_bucket: str | None = None
    run_folders: str | None = None
    model_package_group: str | None = None
    multi_model_prefix: str | None = None

    def arn(self, service: str, resource: str) -> str:
        return f"arn:{self.partition}:{service}:{self.region}:{self.account}:{resource}"


def pass_role(role_arns: Sequence[str | None]) -> list[Allow]:
    """Passing a SageMaker execution role (CreateTrainingJob's RoleArn, CreateModel's ExecutionRoleArn)."""
    roles = [r for r in role_arns if r is not None]
    return [allow(["iam:PassRole"], roles, {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}})] if roles else []


def sync_rule(rule: str, g: GrantContext) -> Allow:
    """The EventBridge rule Step Functions manages for a ``.sync`` SageMaker job (AWS's
    documented policy for the integration)."""
    return allow(["events:PutTargets", "events:PutRule", "events:DescribeRule"], [g.arn("events", f"rule/{rule}")])


class Fragment(ABC):
    """One step of a pipeline: its states, its entry on the main path and its grants.

    ``states`` adds the fragment's states to the builder and returns its entry (None when the
    fragment is off the main path, e.g. the final Fail state). An exit to the next fragment is
    written ``NEXT``; a failure goes through ``Builder.failure``/``catch``. ``grants`` are the
    statements the fragment's tasks need, on this model's names only."""

    name: str = ""

    @abstractmethod
    def applies(self, d: ModelDescriptor, resources: PipelineResources) -> bool: ...

    @abstractmethod
    def states(self, b: Builder, s: StepContext) -> str | None: ...

    def grants(self, d: ModelDescriptor, g: GrantContext) -> list[Allow]:
        return []


def union(statements: Sequence[Allow]) -> list[Allow]:
    """The role's statements: the fragments' grants, those with the same actions and conditions
    merged into one (e.g. both functions a run invokes, both roles it passes), in first-seen order."""
    merged: dict[str, Allow] = {}
    for s in statements:
        key = json.dumps([s.actions, s.conditions], sort_keys=True)
        if key in merged:
            old = merged[key]
            merged[key] = Allow(old.actions, tuple(dict.fromkeys(old.resources + s.resources)), old.conditions)
        else:
            merged[key] = s
    return list(merged.values())
