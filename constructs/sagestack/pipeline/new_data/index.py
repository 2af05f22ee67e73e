"""The pipeline's new-data trigger: objects created under ``schedule.on_new_data`` start one run.

An EventBridge rule sends every "Object Created" event under the prefix here. Instead of starting
a run per object, this function keeps one one-time EventBridge Scheduler schedule per model
(``at(...)``, deleted after it fires) and moves it to *now + quiet period* on every event, but
never later than *first object + maximum delay*: a burst of a thousand uploads starts one run,
once the uploads have stopped (or the maximum delay has passed). The schedule starts the state
machine with the descriptor's run input, as the recurring schedule does.

Environment: ``SCHEDULE_NAME``, ``SCHEDULE_GROUP``, ``STATE_MACHINE_ARN``, ``SCHEDULER_ROLE_ARN``,
``RUN_INPUT`` (JSON), ``QUIET_SECONDS``, ``MAX_DELAY_SECONDS``.

Standard library and boto3 only: this file is deployed as is (Python 3.14 runtime).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

FIRST_SEEN = "first new object at "
_AT = re.compile(r"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The Lambda entry point (an EventBridge event of one created object)."""
    import os

    import boto3

    return debounce(boto3.client("scheduler"), dt.datetime.now(dt.UTC), os.environ)


def _at(when: dt.datetime) -> str:
    return f"at({when.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%S})"


def _pending_since(schedule: Mapping[str, Any], now: dt.datetime) -> dt.datetime | None:
    """When the burst the existing schedule waits for began; None when it has already fired."""
    fires = _AT.match(str(schedule.get("ScheduleExpression", "")))
    if fires is None or dt.datetime.fromisoformat(fires.group(1)).replace(tzinfo=dt.UTC) <= now:
        return None
    description = str(schedule.get("Description", ""))
    if description.startswith(FIRST_SEEN):
        try:
            return dt.datetime.fromisoformat(description[len(FIRST_SEEN):])
        except ValueError:
            return now
    return now


def debounce(scheduler: Any, now: dt.datetime, env: Mapping[str, str]) -> dict[str, Any]:
    """Create the one-time schedule, or move it later; returns when the run will start."""
    name, group = env["SCHEDULE_NAME"], env.get("SCHEDULE_GROUP", "default")
    quiet = dt.timedelta(seconds=int(env["QUIET_SECONDS"]))
    max_delay = dt.timedelta(seconds=int(env["MAX_DELAY_SECONDS"]))
    try:
        existing = scheduler.get_schedule(Name=name, GroupName=group)
    except scheduler.exceptions.ResourceNotFoundException:
        existing = None
    first = (_pending_since(existing, now) if existing is not None else None) or now
    fire = min(now + quiet, first + max_delay)
    fire = max(fire, now + dt.timedelta(minutes=1))  # Scheduler needs a time in the future
    params = {
        "Name": name,
        "GroupName": group,
        "ScheduleExpression": _at(fire),
        "ScheduleExpressionTimezone": "UTC",
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "Target": {"Arn": env["STATE_MACHINE_ARN"], "RoleArn": env["SCHEDULER_ROLE_ARN"], "Input": env.get("RUN_INPUT", "{}")},
        "ActionAfterCompletion": "DELETE",
        "Description": f"{FIRST_SEEN}{first.isoformat()}",
        "State": "ENABLED",
    }
    if existing is None:
        try:
            scheduler.create_schedule(**params)
            action = "created"
        except scheduler.exceptions.ConflictException:  # another event created it a moment ago
            scheduler.update_schedule(**params)
            action = "moved"
    else:
        scheduler.update_schedule(**params)
        action = "moved"
    return {"schedule": name, "action": action, "run_starts_at": fire.isoformat(), "first_object_at": first.isoformat()}
