"""Step Functions definitions of a model's pipeline, from the rendered SageMaker requests: a
composition of the step fragments in ``sagestack.pipeline.steps`` (each owns its states, requests
and IAM grants).

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

from typing import Any

from ..descriptor import ModelDescriptor
from ..render import RenderContext
from .steps import compose
from .steps.autoscaling import scaling_policy_request
from .steps.base import (
    FAILED_STATE,
    INPUT_KEYS,
    POLL_SECONDS,
    RUN_SUFFIX_LENGTH,
    STATIC_PLACEHOLDERS,
    TRAIN_STATE,
    PipelineResources,
    RepackStep,
    endpoint_wait,
    run_input_contract,
    run_prefix,
    to_parameters,
    training_prefix,
)

__all__ = [
    "pipeline_definition",
    "PipelineResources",
    "RepackStep",
    "run_prefix",
    "training_prefix",
    "to_parameters",
    "run_input_contract",
    "endpoint_wait",
    "scaling_policy_request",
    "STATIC_PLACEHOLDERS",
    "RUN_SUFFIX_LENGTH",
    "TRAIN_STATE",
    "FAILED_STATE",
    "POLL_SECONDS",
    "INPUT_KEYS",
]


def pipeline_definition(d: ModelDescriptor, ctx: RenderContext, resources: PipelineResources) -> dict[str, Any]:
    """The whole pipeline of ``d`` (with ``estimator`` and/or ``transformer``/``deploy``) as ASL."""
    if d.estimator is None and d.transformer is None and d.processing is None:
        raise ValueError(f"{d.name}: a pipeline needs an estimator, a transformer or processing steps; {d.kind} is deployed by CloudFormation")
    composed = compose(d, ctx, resources)
    # Service integrations are ARNs in the stack's partition too (arn:aws-cn:states:::... in China).
    for state in composed["States"].values():
        if isinstance(state.get("Resource"), str) and state["Resource"].startswith("arn:aws:states:::"):
            state["Resource"] = f"arn:{resources.partition}:" + state["Resource"].removeprefix("arn:aws:")
    return {"Comment": f"sagestack pipeline of {d.name}: {d.kind}", **composed}
