"""What a descriptor change does once it ships — retrain, redeploy, rescale, or nothing but
metadata — for a pull request's summary (``sagestack diff``). Pure: compares the SageMaker
requests both versions render, so the verdict follows what AWS would actually receive.

Kinds, most consequential first:

* ``added`` / ``removed`` — a new model, or one whose stack goes away (with its endpoint);
* ``retrains`` — the CreateTrainingJob (or a tuner's CreateHyperParameterTuningJob) request
  changes: the next pipeline run trains differently (or a CreateProcessingJob of a processing
  step: it prepares or evaluates differently);
* ``redeploys`` — CreateModel, CreateEndpointConfig, CreateEndpoint, CreateInferenceComponent or
  CreateTransformJob change: a new model or endpoint config (CloudFormation replaces them, or the
  next run creates them) and the endpoint (or inference component) moves to it;
* ``pipeline`` — what a run does after training changes, or when it starts: its gate
  (``deploy.condition``), what it registers (CreateModelPackageGroup, CreateModelPackage), where it
  adds its model (``add_model``), or its ``schedule``;
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

Kind = Literal["added", "removed", "retrains", "redeploys", "pipeline", "rescales", "metadata", "unchanged"]
TRAINING = ("CreateTrainingJob", "CreateHyperParameterTuningJob", "CreateProcessingJob")
SERVING = ("CreateModel", "CreateEndpointConfig", "CreateEndpoint", "CreateInferenceComponent", "CreateTransformJob")
REGISTERING = ("CreateModelPackageGroup", "CreateModelPackage")
#: Descriptor sections that steer a run without a request of their own: the gate, the copy to a
#: multi-model endpoint, the triggers.
RUN_STEERING = (("deploy", "condition"), ("add_model",), ("schedule",))


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
            "pipeline": "changes the pipeline: the next run gates, registers, adds its model or starts differently",
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
    keys = sorted(set(before) | set(after))

    def requests(operations: tuple[str, ...]) -> list[str]:
        """The changed members of the requests of ``operations`` (``CreateModel`` and each
        ``CreateModel.<variant>``, but not ``CreateModelPackage``)."""
        return [p for key in keys if key.split(".", 1)[0] in operations for p in changed_paths(before.get(key), after.get(key), key)]

    # the training or tuning job, and each processing step's job: what a run prepares, trains or evaluates
    training = requests(TRAINING)
    if training:
        return Impact(new.name, "retrains", tuple(training))
    serving = requests(SERVING)
    if serving:
        return Impact(new.name, "redeploys", tuple(serving))
    old_data, new_data = old.model_dump(mode="json", exclude_unset=True), new.model_dump(mode="json", exclude_unset=True)
    steering = requests(REGISTERING) + [p for path in RUN_STEERING for p in changed_paths(_at(old_data, path), _at(new_data, path), ".".join(path))]
    if steering:
        return Impact(new.name, "pipeline", tuple(steering))
    scaling = changed_paths((old_data.get("deploy") or {}).get("autoscaling"), (new_data.get("deploy") or {}).get("autoscaling"), "deploy.autoscaling")
    if scaling:
        return Impact(new.name, "rescales", tuple(scaling))
    rest = changed_paths(old_data, new_data)
    return Impact(new.name, "metadata", tuple(rest)) if rest else Impact(new.name, "unchanged")


def _at(data: dict[str, Any], path: tuple[str, ...]) -> Any:
    """The value at ``path`` of a dumped descriptor, or None."""
    node: Any = data
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node
