"""A pipeline as a composition of step fragments (pure: never imports aws_cdk).

Each fragment (a module here) owns its states, its entry on the main path, the requests it
renders (from ``sagestack.render``) and the IAM grants its tasks need. :func:`compose` builds the
definition from the fragments that apply, in ``FRAGMENTS`` order, linking each fragment's exits
(``NEXT``) to the next entry and every failure recorder to the failure path; :func:`grants` is
the union of the same fragments' grants, which the state machine's role holds. Adding a step is
one module: its states, requests and grants, and its place in ``FRAGMENTS``.
"""

from __future__ import annotations

from typing import Any

from ...descriptor import ModelDescriptor
from ...render import RenderContext
from .add_model import AddModel, MultiModelTarget
from .approved_package import ApprovedPackage
from .autoscaling import Autoscaling
from .base import (
    ENTRY,
    FAILURE,
    NEXT,
    RUN,
    STATIC_PLACEHOLDERS,
    Allow,
    Builder,
    Fragment,
    GrantContext,
    PipelineResources,
    StepContext,
    run_prefix,
    union,
)
from .condition import Condition
from .endpoint import Endpoint
from .failure import Failure
from .inference_component import InferenceComponent
from .model import Model
from .notify import Notify
from .processing import Processing
from .processing_after import ProcessingAfterTraining
from .register import Register
from .repack import Repack
from .run_input import RunInput
from .run_name import RunName
from .shadow_promotion import ShadowPromotion
from .summary import Summary
from .training import Training
from .transform import Transform
from .tuning import Tuning

__all__ = ["FRAGMENTS", "RUNTIME", "Allow", "Fragment", "GrantContext", "MultiModelTarget", "compose", "fragments", "grants"]

# Run-time placeholders of the rendered requests → where a run holds them: the run's name (shared
# by its training or tuning job, model, config), the trained (or best) and the repacked model archive.
RUNTIME = {
    "TrainingJobName": f"{RUN}.name",
    "ModelName": f"{RUN}.name",
    "EndpointConfigName": f"{RUN}.name",
    "TransformJobName": f"{RUN}.name",
    "ModelDataUrl": "$.training.ModelArtifacts.S3ModelArtifacts",
    "RepackedModelData": "$.repack.ModelDataUrl",
}

# The order of a run's main path (and of the definition's states).
FRAGMENTS: tuple[Fragment, ...] = (
    RunName(), ApprovedPackage(), RunInput(), ShadowPromotion(), Processing(), Training(), Tuning(), ProcessingAfterTraining(), Condition(), Repack(), Register(), AddModel(), Model(), Transform(), Endpoint(), InferenceComponent(), Autoscaling(), Summary(), Notify(), Failure(),
)


def fragments(d: ModelDescriptor, resources: PipelineResources) -> list[Fragment]:
    """The fragments of ``d``'s pipeline, in order."""
    return [f for f in FRAGMENTS if f.applies(d, resources)]


def _link(state: dict[str, Any], following: str | None, failure: str, entries: dict[str, str]) -> None:
    """Resolve the sentinels of one state: ``NEXT`` → ``following`` (the end of the run when
    None), ``FAILURE`` → ``failure``, ``ENTRY + name`` → that fragment's entry."""
    for holder, key in [(state, "Next"), (state, "Default"), *((rule, "Next") for rule in state.get("Choices", []))]:
        target = holder.get(key)
        if isinstance(target, str) and target.startswith(ENTRY):
            holder[key] = entries[target.removeprefix(ENTRY)]
    if state.get("Next") == FAILURE:
        state["Next"] = failure
    if state.get("Next") == NEXT:
        if following is None:
            del state["Next"]
            state["End"] = True
        else:
            state["Next"] = following
    for rule in state.get("Choices", []):
        if rule["Next"] == NEXT:
            assert following is not None, "a Choice cannot end the run"
            rule["Next"] = following
    if state.get("Default") == NEXT:
        assert following is not None, "a Choice cannot end the run"
        state["Default"] = following


def compose(d: ModelDescriptor, ctx: RenderContext, resources: PipelineResources) -> dict[str, Any]:
    """The states of ``d``'s pipeline: every applicable fragment's, linked (``StartAt`` is the
    first entry)."""
    static = {k: v for k, v in resources.static.items() if k.split(".", 1)[0] in STATIC_PLACEHOLDERS}  # ProcessingCode.<step> too
    s = StepContext(d=d, ctx=ctx, resources=resources, prefix=run_prefix(d, resources.name_suffix), static=static, runtime=dict(RUNTIME))
    b = Builder()
    parts: list[tuple[list[str], str | None]] = []  # each fragment's states and its entry
    named: dict[str, str] = {}
    for fragment in fragments(d, resources):
        before = len(b.states)
        entry = fragment.states(b, s)
        parts.append((list(b.states)[before:], entry))
        if entry is not None:
            named[fragment.name] = entry
    entries = [entry for _names, entry in parts if entry is not None]
    for index, (names, _entry) in enumerate(parts):
        following = next((e for _n, e in parts[index + 1:] if e is not None), None)
        for name in names:
            _link(b.states[name], following, b.failure_target, named)
    return {"StartAt": entries[0], "States": b.states}


def grants(d: ModelDescriptor, resources: PipelineResources, g: GrantContext) -> list[Allow]:
    """The state machine role's statements: the union of the applicable fragments' grants."""
    return union([statement for f in fragments(d, resources) for statement in f.grants(d, g)])
