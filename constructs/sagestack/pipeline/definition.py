"""Step Functions definitions for training, from rendered requests.

Run names. A run's SageMaker names are ``<prefix>-<12 hex>``: the first state draws a UUID once
and the names are derived from it, so a retried task reuses its name (the request is idempotent
for throttling retries) and a new execution gets new names (re-runs never collide,
aws-step-functions-data-science-sdk-python#140). ``States.UUID()`` inside a task's Parameters would
draw a new name on every retry. The prefix is fixed per model, so IAM can be scoped to
``training-job/<prefix>-*``. Prefix ≤ 39 characters (``BASE_JOB_NAME_MAX``) + 13 ≤ 63.

Placeholders. Deploy-time placeholders (``STATIC_PLACEHOLDERS``: role, bucket, source archive,
account) are filled with the given values — CDK tokens in the construct, example values in tests —
verbatim, never escaped, so tokens survive to synthesis. Run-time placeholders become JSONPath
(``Key.$``): a lone placeholder is a path, one inside a longer string is ``States.Format`` with the
literal text escaped.

The definition is JSONPath, not JSONata: aws-local-stepfunctions executes JSONPath and silently
ignores JSONata (DESIGN.md section 5), and the tests execute every path locally.
"""

from __future__ import annotations

import re
from typing import Any

from ..descriptor import ModelDescriptor
from ..render import RenderContext
from ..render.context import _PLACEHOLDER, base_name, ph, substitute
from ..render.training import create_training_job

__all__ = ["training_definition", "training_prefix", "to_parameters", "STATIC_PLACEHOLDERS", "RUN_SUFFIX_LENGTH", "TRAIN_STATE"]

RUN_SUFFIX_LENGTH = 13  # "-" + 8 + 4 hex digits of a UUID
STATIC_PLACEHOLDERS = frozenset({"RoleArn", "ArtifactBucket", "SourceArchive", "AccountId"})
TRAIN_STATE = "Train"
RUN = "$.run"

# Errors worth retrying with backoff: throttling and SageMaker's transient service errors.
TRANSIENT_ERRORS = ["ThrottlingException", "SageMaker.ThrottlingException", "SageMaker.AmazonSageMakerException", "States.Timeout"]


def _escape(text: str) -> str:
    """Literal text inside a States.Format template: escape \\ ' { } as ASL requires."""
    return "".join("\\" + c if c in "\\'{}" else c for c in text)


def to_parameters(value: Any, runtime: dict[str, str], static: dict[str, str] | None = None) -> Any:
    """A rendered request as Task Parameters.

    :param runtime: run-time placeholder → JSONPath; such values become ``.$`` keys.
    :param static: deploy-time placeholder → value, inserted verbatim — also inside a
        ``States.Format`` template, unescaped, because CDK tokens must reach synthesis intact (the
        values they resolve to, ARNs and bucket names, contain no ``' { } \\``).
    """
    static = static or {}
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            converted = to_parameters(item, runtime, static)
            if isinstance(item, str) and isinstance(converted, _Dynamic):
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


class _Dynamic:
    """A value computed at run time (a JSONPath or an intrinsic function)."""

    def __init__(self, expression: str) -> None:
        self.expression = expression


def _run_name(prefix: str) -> str:
    parts = "States.StringSplit($.run.uuid, '-')"
    return f"States.Format('{_escape(prefix)}-{{}}{{}}', States.ArrayGetItem({parts}, 0), States.ArrayGetItem({parts}, 1))"


def training_prefix(d: ModelDescriptor) -> str:
    assert d.estimator is not None and d.fit is not None
    return d.estimator.base_job_name or d.fit.job_name or d.name


def training_definition(d: ModelDescriptor, ctx: RenderContext, *, static: dict[str, str]) -> dict[str, Any]:
    """Draw the run's names, train (``createTrainingJob.sync``), and end with the model data; every
    failure ends in a Fail state that names the step and carries SageMaker's cause.

    :param static: values of the deploy-time placeholders (``STATIC_PLACEHOLDERS``): CDK tokens in
        the construct, example values in tests.
    """
    request = create_training_job(d, ctx)
    parameters = to_parameters(request, {"TrainingJobName": f"{RUN}.training_job_name"}, {k: v for k, v in static.items() if k in STATIC_PLACEHOLDERS})
    prefix = training_prefix(d)
    return {
        "Comment": f"sagestack training pipeline of {d.name}"
        + ("; it trains and reports the model data: the deploy/transform steps are not built yet (#5)" if d.deploy is not None or d.transformer is not None else ""),
        "StartAt": "Draw run id",
        "States": {
            "Draw run id": {
                "Type": "Pass",
                "Comment": "One UUID per execution: names survive retries and differ between runs.",
                "Parameters": {"input.$": "$", "uuid.$": "States.UUID()"},
                "ResultPath": RUN,
                "Next": "Name the run",
            },
            "Name the run": {
                "Type": "Pass",
                "Parameters": {"uuid.$": "$.run.uuid", "training_job_name.$": _run_name(prefix)},
                "ResultPath": RUN,
                "Next": TRAIN_STATE,
            },
            TRAIN_STATE: {
                "Type": "Task",
                "Comment": "CreateTrainingJob as the SageMaker Python SDK sends it; waits for the job.",
                "Resource": "arn:aws:states:::sagemaker:createTrainingJob.sync",
                "Parameters": parameters,
                "ResultSelector": {
                    "TrainingJobName.$": "$.TrainingJobName",
                    "TrainingJobStatus.$": "$.TrainingJobStatus",
                    "ModelArtifacts.$": "$.ModelArtifacts",
                },
                "ResultPath": "$.training",
                "Retry": [{"ErrorEquals": TRANSIENT_ERRORS, "IntervalSeconds": 10, "MaxAttempts": 5, "BackoffRate": 2.0, "JitterStrategy": "FULL"}],
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Training failed"}],
                "Next": "Trained",
            },
            "Trained": {
                "Type": "Pass",
                "Parameters": {
                    "model": d.name,
                    "training_job_name.$": "$.training.TrainingJobName",
                    "model_data.$": "$.training.ModelArtifacts.S3ModelArtifacts",
                },
                "End": True,
            },
            "Training failed": {
                "Type": "Fail",
                "Comment": "The training job failed or could not start; the cause is SageMaker's.",
                "Error": "TrainingFailed",
                "CausePath": "$.error.Cause",
            },
        },
    }
