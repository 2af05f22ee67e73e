"""Draw run id → Name the run: one UUID per execution, so a retried task reuses its names and a
new execution gets new ones."""

from __future__ import annotations

from ...descriptor import ModelDescriptor
from .base import NEXT, RUN, Builder, Fragment, PipelineResources, StepContext, _escape


def _run_name(prefix: str) -> str:
    parts = "States.StringSplit($.run.uuid, '-')"
    return f"States.Format('{_escape(prefix)}-{{}}{{}}', States.ArrayGetItem({parts}, 0), States.ArrayGetItem({parts}, 1))"


class RunName(Fragment):
    name = "run name"

    def applies(self, d: ModelDescriptor, resources: PipelineResources) -> bool:
        return True

    def states(self, b: Builder, s: StepContext) -> str | None:
        b.add("Draw run id", {
            "Type": "Pass",
            "Comment": "One UUID per execution: names survive retries and differ between runs.",
            "Parameters": {"input.$": "$", "run": {"uuid.$": "States.UUID()"}, "waits": {"busy": 0, "ready": 0}},
            "Next": "Name the run",
        })
        b.add("Name the run", {
            "Type": "Pass",
            "Comment": f"Run name <prefix>-<12 hex>: {s.prefix}-0123456789ab",
            "Parameters": {"uuid.$": "$.run.uuid", "name.$": _run_name(s.prefix)},
            "ResultPath": RUN,
            "Next": NEXT,
        })
        return "Draw run id"
