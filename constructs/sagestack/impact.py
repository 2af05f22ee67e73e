"""What a descriptor change does once it ships — retrain, redeploy, rescale, or nothing but
metadata — for a pull request's summary (``sagestack diff``). Pure: compares the SageMaker
requests both versions render, so the verdict follows what AWS would actually receive.

Kinds, most consequential first:

* ``added`` / ``removed`` — a new model, or one whose stack goes away (with its endpoint);
* ``retrains`` — the CreateTrainingJob request changes: the next pipeline run trains differently
  (or a CreateProcessingJob of a processing step: it prepares or evaluates differently);
* ``redeploys`` — CreateModel, CreateEndpointConfig, CreateEndpoint, CreateInferenceComponent or
  CreateTransformJob change: a new model or endpoint config (CloudFormation replaces them, or the
  next run creates them) and the endpoint (or inference component) moves to it;
* ``rescales`` — only ``deploy.autoscaling`` changes: Application Auto Scaling, no new fleet;
* ``metadata`` — only description, tags outside the requests, notification or wait settings;
* ``unchanged``.

Script changes inside ``source_dir`` are not seen here (only the descriptor is compared); CDK's
asset hash shows them in ``cdk diff``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .descriptor import ModelDescriptor
from .render import RenderContext, render_requests

__all__ = ["Impact", "impact", "changed_paths"]

Kind = Literal["added", "removed", "retrains", "redeploys", "rescales", "metadata", "unchanged"]
SERVING = ("CreateModel", "CreateEndpointConfig", "CreateEndpoint", "CreateInferenceComponent", "CreateTransformJob")


@dataclass(frozen=True)
class Impact:
    """The verdict for one model, and the request members (or descriptor fields) that changed."""

    model: str
    kind: Kind
    changes: tuple[str, ...] = ()

    def describe(self) -> str:
        what = {
            "added": "new model: its stack is created",
            "removed": "model removed: its stack (and endpoint) is deleted",
            "retrains": "retrains: the next pipeline run trains with a changed CreateTrainingJob",
            "redeploys": "redeploys: a new model/endpoint config, and the endpoint moves to it",
            "rescales": "rescales only: Application Auto Scaling changes, no new fleet",
            "metadata": "metadata only: nothing SageMaker runs changes",
            "unchanged": "unchanged",
        }[self.kind]
        return f"{self.model}: {what}" + (f" ({', '.join(self.changes)})" if self.changes else "")


def changed_paths(old: Any, new: Any, prefix: str = "") -> list[str]:
    """Dotted paths where two JSON-like values differ (``a.b[2].c``)."""
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[str] = []
        for key in sorted(set(old) | set(new), key=str):
            path = f"{prefix}.{key}" if prefix else str(key)
            if key not in old or key not in new:
                out.append(path)
            else:
                out += changed_paths(old[key], new[key], path)
        return out
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [p for i, (a, b) in enumerate(zip(old, new, strict=True)) for p in changed_paths(a, b, f"{prefix}[{i}]")]
    return [] if old == new else [prefix or "<root>"]


def impact(old: ModelDescriptor | None, new: ModelDescriptor | None, *, region: str = "us-east-1") -> Impact:
    """What changing ``old`` into ``new`` does (None: the model did not or no longer exists)."""
    if old is None:
        if new is None:
            raise ValueError("nothing to compare")
        return Impact(new.name, "added")
    if new is None:
        return Impact(old.name, "removed")
    ctx = RenderContext(region=region)
    before, after = render_requests(old, ctx), render_requests(new, ctx)
    training = changed_paths(before.get("CreateTrainingJob"), after.get("CreateTrainingJob"), "CreateTrainingJob")
    # a processing step's job: what a run prepares, or how it evaluates, changes with it
    training += [p for key in sorted(set(before) | set(after)) if key.startswith("CreateProcessingJob.") for p in changed_paths(before.get(key), after.get(key), key)]
    if training:
        return Impact(new.name, "retrains", tuple(training))
    serving = [p for key in sorted(set(before) | set(after)) if key.startswith(SERVING) for p in changed_paths(before.get(key), after.get(key), key)]
    if serving:
        return Impact(new.name, "redeploys", tuple(serving))
    old_data, new_data = old.model_dump(mode="json", exclude_unset=True), new.model_dump(mode="json", exclude_unset=True)
    scaling = changed_paths((old_data.get("deploy") or {}).get("autoscaling"), (new_data.get("deploy") or {}).get("autoscaling"), "deploy.autoscaling")
    if scaling:
        return Impact(new.name, "rescales", tuple(scaling))
    rest = changed_paths(old_data, new_data)
    return Impact(new.name, "metadata", tuple(rest)) if rest else Impact(new.name, "unchanged")
