"""Run failed: where every ``<step> failed`` recorder ends (after the notifier, when there is
one); its error and cause name the step that failed and why."""

from __future__ import annotations

from ...descriptor import ModelDescriptor
from .base import FAILED_STATE, Builder, Fragment, PipelineResources, StepContext


class Failure(Fragment):
    name = "failure"

    def applies(self, d: ModelDescriptor, resources: PipelineResources) -> bool:
        return True

    def states(self, b: Builder, s: StepContext) -> str | None:
        b.add(FAILED_STATE, {"Type": "Fail", "Comment": "Error and cause name the step that failed and why.", "ErrorPath": "$.failure.error", "CausePath": "$.failure.cause"})
        return None  # off the main path: reached through the recorders only
