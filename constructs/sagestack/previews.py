"""Which pull-request previews are deployed, and which have outlived their TTL.

Every preview stack carries ``sagestack:preview`` (its id) and ``sagestack:preview-ttl-hours``
(``preview.ttl_hours`` of ``infra/environments.yaml``). A preview has expired when its oldest
stack is older than its TTL. ``sagestack previews --expired`` prints those ids, one per line;
``sagestack previews --destroy-expired`` (the nightly clean-up workflow) deletes their stacks. A
closed pull request's preview is destroyed at once by the pull-request workflow; the TTL catches
the ones left open.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

__all__ = ["PREVIEW_TAG", "TTL_TAG", "PreviewStack", "Preview", "deployed_previews", "destroy_previews"]

PREVIEW_TAG = "sagestack:preview"
TTL_TAG = "sagestack:preview-ttl-hours"


@dataclass(frozen=True)
class PreviewStack:
    name: str
    preview: str
    created: datetime
    ttl_hours: int


@dataclass(frozen=True)
class Preview:
    """One preview: its id, stacks, the creation of its oldest stack, and its TTL."""

    id: str
    stacks: tuple[str, ...]
    created: datetime
    ttl_hours: int

    @property
    def expires(self) -> datetime:
        return self.created + timedelta(hours=self.ttl_hours)

    def expired(self, now: datetime) -> bool:
        return now >= self.expires


def _stacks(cloudformation: Any) -> Iterable[PreviewStack]:
    for page in cloudformation.get_paginator("describe_stacks").paginate():
        for stack in page["Stacks"]:
            if stack.get("StackStatus") == "DELETE_COMPLETE":
                continue
            tags = {t["Key"]: t["Value"] for t in stack.get("Tags", [])}
            if PREVIEW_TAG not in tags:
                continue
            try:
                ttl = int(tags.get(TTL_TAG, ""))
            except ValueError:
                ttl = 0  # an unreadable TTL counts as expired: a preview never lives forever by accident
            yield PreviewStack(stack["StackName"], tags[PREVIEW_TAG], stack["CreationTime"], ttl)


def deployed_previews(cloudformation: Any) -> list[Preview]:
    """Every preview with a stack in the client's account and region, oldest first."""
    grouped: dict[str, list[PreviewStack]] = {}
    for stack in _stacks(cloudformation):
        grouped.setdefault(stack.preview, []).append(stack)
    previews = [
        Preview(pid, tuple(sorted(s.name for s in stacks)), min(s.created for s in stacks).astimezone(UTC), min(s.ttl_hours for s in stacks))
        for pid, stacks in grouped.items()
    ]
    return sorted(previews, key=lambda p: (p.created, p.id))


def destroy_previews(cloudformation: Any, previews: Iterable[Preview], *, say: Any = print, delay: int = 30) -> list[str]:
    """Delete every stack of ``previews``: model stacks first (their pipelines' teardown removes
    what runs created), then the shared stack whose exports they imported. Works from the deployed
    stacks alone, so a preview whose branch added models is removed whole. Returns the deleted
    stack names; a stack that fails to delete raises, naming it."""
    from botocore.exceptions import WaiterError

    waiter = cloudformation.get_waiter("stack_delete_complete")
    deleted: list[str] = []
    for preview in previews:
        shared = [s for s in preview.stacks if s.startswith("sagestack-shared-")]
        for batch in ([s for s in preview.stacks if s not in shared], shared):
            for name in batch:
                say(f"{preview.id}: deleting {name}")
                cloudformation.delete_stack(StackName=name)
            for name in batch:
                try:
                    waiter.wait(StackName=name, WaiterConfig={"Delay": delay, "MaxAttempts": 240})
                except WaiterError as exc:
                    raise RuntimeError(f"{preview.id}: {name} did not delete: {exc}") from exc
                deleted.append(name)
        say(f"{preview.id}: deleted {len(preview.stacks)} stack(s)")
    return deleted
