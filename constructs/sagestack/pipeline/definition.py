"""Step Functions definitions of a model's pipeline, from the rendered SageMaker requests.

One run: draw the run's name → check the execution input (overrides) → train → then, as the
descriptor says, deploy (repack when the framework needs it → CreateModel → CreateEndpointConfig →
create or update the endpoint → wait for InService → autoscaling) or batch transform (CreateModel →
CreateTransformJob) → notify. Every failure goes through a ``<step> failed`` state that records
which step failed and why, then (optionally) notifies, then ends in ``Run failed``.

Run names. A run's SageMaker names are ``<prefix>-<12 hex>``: the first state draws a UUID once and
the name is derived from it, so a retried task reuses its name and a new execution gets a new one
(re-runs never collide, aws-step-functions-data-science-sdk-python#140). The training job, model,
endpoint config and transform job of a run share the name (they are different SageMaker
resource types). The prefix is fixed per model, so IAM is scoped to ``<prefix>-????????????``.
``States.UUID()`` inside a task's Parameters would draw a new name on every retry.

Placeholders. Deploy-time placeholders (``STATIC_PLACEHOLDERS``: role, bucket, source archive,
account) are filled with the given values — CDK tokens in the construct, example values in tests —
verbatim, never escaped, so tokens survive to synthesis. Run-time placeholders become JSONPath
(``Key.$``): a lone placeholder is a path, one inside a longer string is ``States.Format`` with the
literal text escaped.

The definition is JSONPath, not JSONata: the tests execute every path locally with
aws-local-stepfunctions, which evaluates JSONPath only and silently ignores JSONata.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from ..descriptor import ModelDescriptor
from ..descriptor.api import ApiMember, limits
from ..descriptor.estimator import FrameworkEstimator
from ..render import RenderContext
from ..render.context import _PLACEHOLDER, base_name, ph, substitute
from ..render.hosting import VARIANT_NAME, create_endpoint, create_endpoint_config, create_model, needs_repack
from ..render.scaling import (
    SCALING_DIMENSION,
    SCALING_NAMESPACE,
    backlog_alarm,
    resource_id,
    scale_from_zero_configuration,
    scale_from_zero_policy_name,
    scales_from_zero,
    target_tracking_configuration,
    target_tracking_policy_name,
)
from ..render.training import create_training_job, output_path
from ..render.transform import create_transform_job

__all__ = [
    "pipeline_definition",
    "PipelineResources",
    "RepackStep",
    "run_prefix",
    "training_prefix",
    "to_parameters",
    "run_input_contract",
    "endpoint_wait",
    "STATIC_PLACEHOLDERS",
    "RUN_SUFFIX_LENGTH",
    "TRAIN_STATE",
    "FAILED_STATE",
    "POLL_SECONDS",
    "INPUT_KEYS",
]

RUN_SUFFIX_LENGTH = 13  # "-" + 8 + 4 hex digits of a UUID
STATIC_PLACEHOLDERS = frozenset({"RoleArn", "ArtifactBucket", "SourceArchive", "AccountId", "Partition"})
TRAIN_STATE = "Train"
FAILED_STATE = "Run failed"
RUN = "$.run"
POLL_SECONDS = 30  # the SageMaker SDK's endpoint waiter polls every 30 s
DEFAULT_WAIT_SECONDS = 3600
INPUT_KEYS = ("hyperparameters", "inputs", "output_path")  # the execution input's shape (run_input/index.py)

# Errors worth retrying with backoff: throttling and SageMaker's service errors (the optimized
# integrations report every SageMaker error as SageMaker.AmazonSageMakerException, throttling included).
SAGEMAKER_TRANSIENT = ["ThrottlingException", "SageMaker.ThrottlingException", "SageMaker.AmazonSageMakerException"]
SDK_TRANSIENT = ["ThrottlingException", "SageMaker.ThrottlingException", "SageMaker.SageMakerException", "ApplicationAutoScaling.ConcurrentUpdateException", "ApplicationAutoScaling.InternalServiceException"]
LAMBDA_TRANSIENT = ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"]


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
    :param repack: the repack step (descriptors whose serving needs it).
    :param topic_arn: SNS topic notified on success and failure (default: no notification).
    :param readable: S3 prefixes the generated training role reads (None: a given role, unchecked).
    :param writable: S3 prefixes the generated training role writes (None: unchecked).
    :param name_suffix: appended to the run-name prefix (an environment's name; default none).
    :param partition: the partition of the service integrations' ARNs (``arn:<partition>:states:::...``;
        default ``aws``).
    """

    static: Mapping[str, str]
    check_input_function: str | None = None
    model_role_arn: str | None = None
    endpoint_name: str | None = None
    repack: RepackStep | None = None
    topic_arn: str | None = None
    readable: Sequence[str] | None = None
    writable: Sequence[str] | None = None
    name_suffix: str | None = None
    partition: str = "aws"


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
        converted_items = [to_parameters(item, runtime, static) for item in value]
        if any(isinstance(item, _Dynamic) for item in converted_items):
            raise ValueError("run-time placeholders inside lists are not supported")
        return converted_items
    if isinstance(value, str):
        names = _PLACEHOLDER.findall(value)
        if not names:
            return value
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


def _run_name(prefix: str) -> str:
    parts = "States.StringSplit($.run.uuid, '-')"
    return f"States.Format('{_escape(prefix)}-{{}}{{}}', States.ArrayGetItem({parts}, 0), States.ArrayGetItem({parts}, 1))"


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


def run_input_contract(d: ModelDescriptor, ctx: RenderContext) -> dict[str, Any]:
    """What the execution input may override (the "Check run input" payload's static part)."""
    request = create_training_job(d, ctx)
    est = d.estimator
    assert est is not None
    overridable = sorted(k for k in request["HyperParameters"] if not k.startswith("sagemaker_") and k != "model_dir")
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


class _Builder:
    """Collects states; ``fail(step, error)`` adds a ``<step> failed`` recorder state."""

    def __init__(self) -> None:
        self.states: dict[str, dict[str, Any]] = {}

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
        state = {"Type": "Pass", "Parameters": params, "ResultPath": "$.failure", "Next": "__failure__"}
        if name in self.states:
            assert self.states[name] == state, f"two different failures named {name!r}"
            return name
        self.add(name, state)
        return name

    def catch(self, label: str, error: str) -> list[dict[str, Any]]:
        return [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": self.failure(label, error)}]


def pipeline_definition(d: ModelDescriptor, ctx: RenderContext, resources: PipelineResources) -> dict[str, Any]:
    """The whole pipeline of ``d`` (with ``estimator`` and/or ``transformer``/``deploy``) as ASL."""
    if d.estimator is None and d.transformer is None:
        raise ValueError(f"{d.name}: a pipeline needs an estimator or a transformer; {d.kind} is deployed by CloudFormation")
    static = {k: v for k, v in resources.static.items() if k in STATIC_PLACEHOLDERS}
    prefix = run_prefix(d, resources.name_suffix)
    b = _Builder()
    runtime = {
        "TrainingJobName": f"{RUN}.name",
        "ModelName": f"{RUN}.name",
        "EndpointConfigName": f"{RUN}.name",
        "TransformJobName": f"{RUN}.name",
        "ModelDataUrl": "$.training.ModelArtifacts.S3ModelArtifacts",
        "RepackedModelData": "$.repack.ModelDataUrl",
    }
    order: list[str] = []  # the main path's states, in order; each links to the next

    b.add("Draw run id", {
        "Type": "Pass",
        "Comment": "One UUID per execution: names survive retries and differ between runs.",
        "Parameters": {"input.$": "$", "run": {"uuid.$": "States.UUID()"}, "waits": {"busy": 0, "ready": 0}},
    })
    order.append("Draw run id")
    b.add("Name the run", {
        "Type": "Pass",
        "Comment": f"Run name <prefix>-<12 hex>: {prefix}-0123456789ab",
        "Parameters": {"uuid.$": "$.run.uuid", "name.$": _run_name(prefix)},
        "ResultPath": RUN,
    })
    order.append("Name the run")

    if d.estimator is not None:
        assert resources.check_input_function is not None, "a training pipeline needs the run-input function"
        request = create_training_job(d, ctx)
        contract = run_input_contract(d, ctx)
        overridden = {k: request[k] for k in ("HyperParameters", "InputDataConfig", "OutputDataConfig", "DebugHookConfig", "ProfilerConfig") if k in request}
        payload = {
            "input.$": "$.input",
            "request": to_parameters(overridden, runtime, static),
            **contract,
            "output_path": to_parameters(output_path(d, ctx), runtime, static),
            "readable": list(resources.readable) if resources.readable is not None else None,
            "writable": list(resources.writable) if resources.writable is not None else None,
        }
        b.add("Check run input", {
            "Type": "Task",
            "Comment": "Validates the execution input (hyperparameters, inputs, output_path) and applies it over the descriptor's values.",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": resources.check_input_function, "Payload": payload},
            "ResultSelector": {"problems.$": "$.Payload.problems", "request.$": "$.Payload.request"},
            "ResultPath": "$.config",
            "Retry": _retry(LAMBDA_TRANSIENT, interval=2),
            "Catch": b.catch("Check run input", "RunInputCheckFailed"),
        })
        order.append("Check run input")
        b.add("Input accepted?", {
            "Type": "Choice",
            "Choices": [{"Variable": "$.config.problems", "StringEquals": "", "Next": TRAIN_STATE}],
            "Default": b.failure("Input", "InvalidInput", cause_path="$.config.problems"),
        })
        order.append("Input accepted?")
        train_request = dict(request)
        for key in overridden:
            train_request[key] = _Dynamic(f"$.config.request.{key}")
        b.add(TRAIN_STATE, {
            "Type": "Task",
            "Comment": "CreateTrainingJob as the SageMaker Python SDK sends it; waits for the job.",
            "Resource": "arn:aws:states:::sagemaker:createTrainingJob.sync",
            "Parameters": to_parameters(train_request, runtime, static),
            "ResultSelector": {"TrainingJobName.$": "$.TrainingJobName", "TrainingJobStatus.$": "$.TrainingJobStatus", "ModelArtifacts.$": "$.ModelArtifacts"},
            "ResultPath": "$.training",
            "Retry": _retry(SAGEMAKER_TRANSIENT, interval=10, attempts=5),
            "Catch": b.catch("Training", "TrainingFailed"),
        })
        order.append(TRAIN_STATE)

    serving = d.deploy is not None or d.transformer is not None
    if serving and needs_repack(d):
        repack = resources.repack
        assert repack is not None, f"{d.name} serves code that must be repacked into model.tar.gz: give a RepackStep"
        if d.estimator is not None:
            model_data = {"ModelData.$": runtime["ModelDataUrl"]}
        else:
            assert d.model is not None  # without an estimator, the descriptor names its model data
            model_data = {"ModelData": d.model.model_data}
        b.add("Repack model", {
            "Type": "Task",
            "Comment": "Adds the inference code under code/ in model.tar.gz, as the SDK's repack_model does.",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {
                "FunctionName": repack.function_arn,
                "Payload": {
                    **model_data,
                    "CodeBucket": repack.code_bucket,
                    "CodeKey": repack.code_key,
                    "TargetBucket": repack.target_bucket,
                    "TargetPrefix.$": f"States.Format('{_escape(repack.target_prefix)}/{{}}', $.run.name)",
                },
            },
            "ResultSelector": {"ModelDataUrl.$": "$.Payload.ModelDataUrl"},
            "ResultPath": "$.repack",
            "Retry": _retry(LAMBDA_TRANSIENT, interval=2),
            "Catch": b.catch("Repack", "RepackFailed"),
        })
        order.append("Repack model")
    if serving:
        model_request = create_model(d, ctx)
        if resources.model_role_arn is not None:
            model_request["ExecutionRoleArn"] = resources.model_role_arn
        b.add("Create model", {
            "Type": "Task",
            "Resource": "arn:aws:states:::sagemaker:createModel",
            "Parameters": to_parameters(model_request, runtime, static),
            "ResultPath": None,
            "Retry": _retry(SAGEMAKER_TRANSIENT),
            "Catch": b.catch("Model", "ModelFailed"),
        })
        order.append("Create model")

    if d.transformer is not None:
        b.add("Transform", {
            "Type": "Task",
            "Comment": "CreateTransformJob as transformer.transform(...) sends it; waits for the job.",
            "Resource": "arn:aws:states:::sagemaker:createTransformJob.sync",
            "Parameters": to_parameters(create_transform_job(d, ctx), runtime, static),
            "ResultSelector": {"TransformJobName.$": "$.TransformJobName", "TransformJobStatus.$": "$.TransformJobStatus", "TransformOutput.$": "$.TransformOutput"},
            "ResultPath": "$.transform",
            "Retry": _retry(SAGEMAKER_TRANSIENT, interval=10, attempts=5),
            "Catch": b.catch("Transform", "TransformFailed"),
        })
        order.append("Transform")

    if d.deploy is not None:
        order += _deploy_states(b, d, ctx, resources, runtime, static)

    # Success: summarize, notify, end.
    summary: dict[str, Any] = {"model": d.name, "run_name.$": "$.run.name"}
    if d.estimator is not None:
        summary.update({"training_job_name.$": "$.training.TrainingJobName", "model_data.$": "$.training.ModelArtifacts.S3ModelArtifacts"})
    if serving:
        summary["model_name.$"] = "$.run.name"
    if d.deploy is not None:
        summary.update({"endpoint_name": resources.endpoint_name, "endpoint_config_name.$": "$.run.name"})
    if d.transformer is not None:
        summary.update({"transform_job_name.$": "$.transform.TransformJobName", "transform_output.$": "$.transform.TransformOutput.S3OutputPath"})
    b.add("Summarize", {"Type": "Pass", "Comment": "The execution's output.", "Parameters": summary})
    order.append("Summarize")
    if resources.topic_arn is not None:
        b.add("Notify success", {
            "Type": "Task",
            "Resource": "arn:aws:states:::sns:publish",
            "Parameters": {"TopicArn": resources.topic_arn, "Subject": f"sagestack: {d.name} run succeeded", "Message.$": "States.JsonToString($)"},
            "ResultPath": None,
            "Retry": _retry(["SNS.ThrottledException", "SNS.InternalErrorException"]),
            # The run did its work: a lost notification must not turn it into a failure.
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.notification_error", "Next": "Succeeded without notification"}],
        })
        b.add("Succeeded without notification", {"Type": "Succeed", "Comment": "The SNS message could not be sent; the execution history has the error."})
        order.append("Notify success")
    for current, following in pairwise(order):
        state = b.states[current]
        if state["Type"] != "Choice" and "Next" not in state and not state.get("End"):
            state["Next"] = following
    b.states[order[-1]].pop("Next", None)
    b.states[order[-1]]["End"] = True

    # Failure: every "<step> failed" state → (notify) → Run failed.
    after_failure = FAILED_STATE
    if resources.topic_arn is not None:
        after_failure = "Notify failure"
        b.add("Notify failure", {
            "Type": "Task",
            "Resource": "arn:aws:states:::sns:publish",
            "Parameters": {
                "TopicArn": resources.topic_arn,
                "Subject": f"sagestack: {d.name} run failed",
                "Message.$": "States.Format('{} failed: {}: {}', $.failure.step, $.failure.error, $.failure.cause)",
            },
            "ResultPath": None,
            "Retry": _retry(["SNS.ThrottledException", "SNS.InternalErrorException"]),
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": None, "Next": FAILED_STATE}],  # the run's own failure matters more
            "Next": FAILED_STATE,
        })
    b.add(FAILED_STATE, {"Type": "Fail", "Comment": "Error and cause name the step that failed and why.", "ErrorPath": "$.failure.error", "CausePath": "$.failure.cause"})
    for state in b.states.values():
        if state.get("Next") == "__failure__":
            state["Next"] = after_failure
    # Service integrations are ARNs in the stack's partition too (arn:aws-cn:states:::... in China).
    for state in b.states.values():
        if isinstance(state.get("Resource"), str) and state["Resource"].startswith("arn:aws:states:::"):
            state["Resource"] = f"arn:{resources.partition}:" + state["Resource"].removeprefix("arn:aws:")
    return {
        "Comment": f"sagestack pipeline of {d.name}: {d.kind}",
        "StartAt": "Draw run id",
        "States": b.states,
    }


def _deploy_states(b: _Builder, d: ModelDescriptor, ctx: RenderContext, resources: PipelineResources, runtime: dict[str, str], static: dict[str, str]) -> list[str]:
    """Endpoint config → create or update the endpoint → wait for InService → autoscaling.

    Returns the main-path states: the entry, and the last state when the path ends in a chain
    that must be linked on to the success states (the readiness Choice names "Summarize" itself)."""
    dep = d.deploy
    assert dep is not None and resources.endpoint_name is not None
    name = resources.endpoint_name
    scaling = dep.autoscaling
    _timeout, polls = endpoint_wait(d)
    waited = f"{polls * POLL_SECONDS} s"

    b.add("Create endpoint config", {
        "Type": "Task",
        "Comment": "A new config per run (configs are immutable), named after the run.",
        "Resource": "arn:aws:states:::sagemaker:createEndpointConfig",
        "Parameters": to_parameters(substitute(create_endpoint_config(d, ctx), {"EndpointName": name}), runtime, static),
        "ResultPath": None,
        "Retry": _retry(SAGEMAKER_TRANSIENT),
        "Catch": b.catch("Create endpoint config", "EndpointConfigFailed"),
        "Next": "Find endpoint",
    })
    b.add("Find endpoint", {
        "Type": "Task",
        "Comment": "Does the endpoint exist? DescribeEndpoint answers 'Could not find endpoint' when it does not.",
        "Resource": "arn:aws:states:::aws-sdk:sagemaker:describeEndpoint",
        "Parameters": {"EndpointName": name},
        "ResultSelector": {"EndpointStatus.$": "$.EndpointStatus"},
        "ResultPath": "$.endpoint",
        "Retry": _retry(["SageMaker.ThrottlingException", "ThrottlingException"]),
        "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.lookup", "Next": "Endpoint missing?"}],
        "Next": "Endpoint exists",
    })
    b.add("Endpoint missing?", {
        "Type": "Choice",
        "Choices": [{"Variable": "$.lookup.Cause", "StringMatches": "*Could not find endpoint*", "Next": "Create endpoint"}],
        "Default": b.failure("Find endpoint", "EndpointLookupFailed", cause_path="$.lookup.Cause"),
    })
    b.add("Endpoint exists", {
        "Type": "Choice",
        "Comment": "InService: update it. Failed: delete it and create it again. Busy (creating, updating, deleting): wait.",
        "Choices": [
            {"Variable": "$.endpoint.EndpointStatus", "StringEquals": "InService", "Next": "Deregister scaling target" if scaling is not None else "Update endpoint"},
            {"Variable": "$.endpoint.EndpointStatus", "StringEquals": "Failed", "Next": "Delete failed endpoint"},
        ],
        "Default": "Count busy wait",
    })
    b.add("Delete failed endpoint", {
        "Type": "Task",
        "Comment": "A Failed endpoint cannot be updated and serves nothing: it is deleted and created again.",
        "Resource": "arn:aws:states:::aws-sdk:sagemaker:deleteEndpoint",
        "Parameters": {"EndpointName": name},
        "ResultPath": None,
        "Retry": _retry(SDK_TRANSIENT),
        "Catch": b.catch("Delete failed endpoint", "EndpointDeleteFailed"),
        "Next": "Count busy wait",
    })
    _count_and_bound(
        b, counter="busy", count_state="Count busy wait", bound_state="Busy too long?", then="Wait for endpoint to settle", polls=polls,
        comment="Counts the waits for a busy endpoint, so one that stays busy ends the run.",
        failure=b.failure(
            "Wait for endpoint to settle", "EndpointBusy",
            cause=f"States.Format('endpoint {name} stayed {{}} for {waited}: another run or an update holds it', $.endpoint.EndpointStatus)",
        ),
    )
    b.add("Wait for endpoint to settle", {"Type": "Wait", "Seconds": POLL_SECONDS, "Next": "Find endpoint"})

    create = create_endpoint(d, ctx)
    create["EndpointName"] = name
    b.add("Create endpoint", {
        "Type": "Task",
        "Resource": "arn:aws:states:::sagemaker:createEndpoint",
        "Parameters": to_parameters(create, runtime, static),
        "ResultPath": None,
        "Retry": _retry(SAGEMAKER_TRANSIENT),
        "Catch": b.catch("Create endpoint", "EndpointFailed"),
        "Next": "Wait for endpoint",
    })
    if scaling is not None:
        b.add("Deregister scaling target", {
            "Type": "Task",
            "Comment": "An autoscaled variant cannot be updated while its target is registered (aws/aws-cdk#29626); it is registered again after.",
            "Resource": "arn:aws:states:::aws-sdk:applicationautoscaling:deregisterScalableTarget",
            "Parameters": {"ServiceNamespace": SCALING_NAMESPACE, "ResourceId": f"endpoint/{name}/variant/{VARIANT_NAME}", "ScalableDimension": SCALING_DIMENSION},
            "ResultPath": None,
            "Retry": _retry(SDK_TRANSIENT),
            "Catch": [
                {"ErrorEquals": ["ApplicationAutoScaling.ObjectNotFoundException"], "ResultPath": None, "Next": "Update endpoint"},
                *b.catch("Deregister scaling target", "ScalingFailed"),
            ],
            "Next": "Update endpoint",
        })
    update: dict[str, Any] = {"EndpointName": name, "EndpointConfigName": ph("EndpointConfigName")}
    if scaling is not None:
        # Keep the instance count the scaler set instead of resetting it to initial_instance_count.
        update["RetainAllVariantProperties"] = True
        update["ExcludeRetainedVariantProperties"] = [{"VariantPropertyType": "DesiredWeight"}, {"VariantPropertyType": "DataCaptureConfig"}]
    if "DeploymentConfig" in create:
        update["DeploymentConfig"] = create["DeploymentConfig"]
    b.add("Update endpoint", {
        "Type": "Task",
        "Comment": "Points the stable endpoint at this run's config; SageMaker shifts traffic and rolls back on failure.",
        "Resource": "arn:aws:states:::sagemaker:updateEndpoint",
        "Parameters": to_parameters(update, runtime, static),
        "ResultPath": None,
        "Retry": _retry(SAGEMAKER_TRANSIENT),
        "Catch": b.catch("Update endpoint", "EndpointUpdateFailed"),
        "Next": "Wait for endpoint",
    })
    b.add("Wait for endpoint", {"Type": "Wait", "Seconds": POLL_SECONDS, "Next": "Check endpoint"})
    b.add("Check endpoint", {
        "Type": "Task",
        "Comment": "The whole answer is kept: FailureReason is present only when something failed.",
        "Resource": "arn:aws:states:::aws-sdk:sagemaker:describeEndpoint",
        "Parameters": {"EndpointName": name},
        "ResultPath": "$.endpoint",
        "Retry": _retry(SDK_TRANSIENT),
        "Catch": b.catch("Check endpoint", "EndpointCheckFailed"),
        "Next": "Endpoint ready?",
    })
    in_service = {"Variable": "$.endpoint.EndpointStatus", "StringEquals": "InService"}
    has_reason = {"Variable": "$.endpoint.FailureReason", "IsPresent": True}
    b.add("Endpoint ready?", {
        "Type": "Choice",
        "Comment": "InService with this run's config: done. InService with another config: the update rolled back (or another update won).",
        "Choices": [
            {"And": [in_service, {"Variable": "$.endpoint.EndpointConfigName", "StringEqualsPath": "$.run.name"}], "Next": "Register scaling target" if scaling is not None else "Summarize"},
            {"And": [in_service, has_reason], "Next": b.failure(
                "Endpoint rollout", "EndpointUpdateRolledBack",
                cause=f"States.Format('endpoint {name} rolled back to config {{}}: {{}}', $.endpoint.EndpointConfigName, $.endpoint.FailureReason)",
            )},
            {"And": [in_service, {"Not": has_reason}], "Next": b.failure(
                "Endpoint takeover", "EndpointTakenOver",
                cause=f"States.Format('endpoint {name} serves config {{}}, not {{}}: another update replaced it', $.endpoint.EndpointConfigName, $.run.name)",
            )},
            {"And": [{"Variable": "$.endpoint.EndpointStatus", "StringEquals": "Failed"}, has_reason], "Next": b.failure("Endpoint", "EndpointFailed", cause_path="$.endpoint.FailureReason")},
            {"Variable": "$.endpoint.EndpointStatus", "StringEquals": "Failed", "Next": b.failure("Endpoint without reason", "EndpointFailed", cause_text=f"endpoint {name} is Failed; SageMaker gave no reason")},
        ],
        "Default": "Count wait",
    })
    _count_and_bound(
        b, counter="ready", count_state="Count wait", bound_state="Waited too long?", then="Wait for endpoint", polls=polls,
        comment="Counts the polls for InService, so the wait ends at deploy.wait_timeout_seconds.",
        failure=b.failure(
            "Wait for endpoint", "EndpointTimeout",
            cause=f"States.Format('endpoint {name} was still {{}} after {waited} (deploy.wait_timeout_seconds); it keeps going: see it in the SageMaker console', $.endpoint.EndpointStatus)",
        ),
    )
    if scaling is None:
        return ["Create endpoint config"]
    target_id = resource_id(name, VARIANT_NAME)
    chain = ["Register scaling target", "Put scaling policy"]
    b.add("Register scaling target", {
        "Type": "Task",
        "Comment": "Registered once the endpoint is InService: the variant must exist, and a registered variant cannot be updated (aws/aws-cdk#29626).",
        "Resource": "arn:aws:states:::aws-sdk:applicationautoscaling:registerScalableTarget",
        "Parameters": {"ServiceNamespace": SCALING_NAMESPACE, "ResourceId": target_id, "ScalableDimension": SCALING_DIMENSION, "MinCapacity": scaling.min_capacity, "MaxCapacity": scaling.max_capacity},
        "ResultPath": None,
        "Retry": _retry(SDK_TRANSIENT),
        "Catch": b.catch("Register scaling target", "ScalingFailed"),
    })
    b.add("Put scaling policy", {
        "Type": "Task",
        "Resource": "arn:aws:states:::aws-sdk:applicationautoscaling:putScalingPolicy",
        "Parameters": scaling_policy_request(scaling, name),
        "ResultPath": None,
        "Retry": _retry(SDK_TRANSIENT),
        "Catch": b.catch("Put scaling policy", "ScalingFailed"),
    })
    if scales_from_zero(d.deploy):
        # What AWS documents for an asynchronous endpoint at zero instances: a step-scaling policy
        # adding one, started by an alarm on HasBacklogWithoutCapacity (the policy's ARN is known
        # once it is put, so the alarm follows it).
        b.add("Put scale-from-zero policy", {
            "Type": "Task",
            "Resource": "arn:aws:states:::aws-sdk:applicationautoscaling:putScalingPolicy",
            "Parameters": {
                "PolicyName": scale_from_zero_policy_name(name, VARIANT_NAME), "ServiceNamespace": SCALING_NAMESPACE, "ResourceId": target_id,
                "ScalableDimension": SCALING_DIMENSION, "PolicyType": "StepScaling", "StepScalingPolicyConfiguration": scale_from_zero_configuration(scaling),
            },
            "ResultSelector": {"PolicyARN.$": "$.PolicyARN"},
            "ResultPath": "$.scaling",
            "Retry": _retry(SDK_TRANSIENT),
            "Catch": b.catch("Put scale-from-zero policy", "ScalingFailed"),
        })
        b.add("Put backlog alarm", {
            "Type": "Task",
            "Resource": "arn:aws:states:::aws-sdk:cloudwatch:putMetricAlarm",
            "Parameters": {**backlog_alarm(name, VARIANT_NAME), "AlarmActions.$": "States.Array($.scaling.PolicyARN)"},
            "ResultPath": None,
            "Retry": _retry(SDK_TRANSIENT),
            "Catch": b.catch("Put backlog alarm", "ScalingFailed"),
        })
        chain += ["Put scale-from-zero policy", "Put backlog alarm"]
    for action in scaling.scheduled_actions:
        state = f"Schedule {action.name}"
        request: dict[str, Any] = {
            "ServiceNamespace": SCALING_NAMESPACE, "ResourceId": target_id, "ScalableDimension": SCALING_DIMENSION,
            "ScheduledActionName": action.name, "Schedule": action.schedule,
            "ScalableTargetAction": {k: v for k, v in (("MinCapacity", action.min_capacity), ("MaxCapacity", action.max_capacity)) if v is not None},
        }
        if action.timezone is not None:
            request["Timezone"] = action.timezone
        b.add(state, {
            "Type": "Task",
            "Resource": "arn:aws:states:::aws-sdk:applicationautoscaling:putScheduledAction",
            "Parameters": request,
            "ResultPath": None,
            "Retry": _retry(SDK_TRANSIENT),
            "Catch": b.catch(state, "ScalingFailed"),
        })
        chain.append(state)
    for current, following in pairwise(chain):
        b.states[current]["Next"] = following
    return ["Create endpoint config", chain[-1]]


def _count_and_bound(b: _Builder, *, counter: str, count_state: str, bound_state: str, then: str, polls: int, comment: str, failure: str) -> None:
    """A bounded wait loop's bookkeeping: add one to ``$.waits.<counter>``, then fail once it
    reaches ``polls``, else go on to ``then`` (a Wait state that loops back)."""
    others = {name: f"$.waits.{name}" for name in ("busy", "ready") if name != counter}
    b.add(count_state, {
        "Type": "Pass",
        "Comment": comment,
        "Parameters": {f"{counter}.$": f"States.MathAdd($.waits.{counter}, 1)", **{f"{k}.$": v for k, v in others.items()}},
        "ResultPath": "$.waits",
        "Next": bound_state,
    })
    b.add(bound_state, {
        "Type": "Choice",
        "Choices": [{"Variable": f"$.waits.{counter}", "NumericGreaterThanEquals": polls, "Next": failure}],
        "Default": then,
    })


def scaling_policy_request(scaling: Any, endpoint_name: str) -> dict[str, Any]:
    """PutScalingPolicy for the variant: the same target tracking as the hosting construct's
    AWS::ApplicationAutoScaling::ScalingPolicy (both from render.scaling)."""
    return {
        "PolicyName": target_tracking_policy_name(endpoint_name, VARIANT_NAME),
        "ServiceNamespace": SCALING_NAMESPACE,
        "ResourceId": resource_id(endpoint_name, VARIANT_NAME),
        "ScalableDimension": SCALING_DIMENSION,
        "PolicyType": "TargetTrackingScaling",
        "TargetTrackingScalingPolicyConfiguration": target_tracking_configuration(scaling, endpoint_name, VARIANT_NAME),
    }
