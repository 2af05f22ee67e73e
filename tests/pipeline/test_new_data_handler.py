"""The new-data trigger's function, against moto's EventBridge Scheduler: a burst of objects
keeps one one-time schedule and moves it, so it starts one run once the burst stops (or the
maximum delay has passed); a burst after the run has started makes a new one."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from ..conftest import REPO_ROOT

HANDLER = REPO_ROOT / "constructs" / "sagestack" / "pipeline" / "new_data" / "index.py"


def _handler() -> Any:
    """The function's module as its Lambda loads it (a file of its own, not the package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("new_data_index", HANDLER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

ENV = {
    "SCHEDULE_NAME": "churn-new-data", "SCHEDULE_GROUP": "churn-new-data",
    "STATE_MACHINE_ARN": "arn:aws:states:us-east-1:123456789012:stateMachine:churn",
    "SCHEDULER_ROLE_ARN": "arn:aws:iam::123456789012:role/churn-schedule",
    "RUN_INPUT": json.dumps({"hyperparameters": {"epochs": 3}}), "QUIET_SECONDS": "600", "MAX_DELAY_SECONDS": "3600",
}
T0 = dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.UTC)


@pytest.fixture()
def scheduler(aws: None) -> Any:
    import boto3

    client = boto3.client("scheduler", region_name="us-east-1")
    client.create_schedule_group(Name=ENV["SCHEDULE_GROUP"])  # the stack's own group
    return client


def _fires(schedule: dict[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(schedule["ScheduleExpression"][3:-1]).replace(tzinfo=dt.UTC)


def test_a_burst_of_objects_is_one_schedule_moved_to_after_the_last(scheduler: Any) -> None:
    new_data = _handler()
    for second in range(0, 300, 3):  # 100 objects over five minutes
        new_data.debounce(scheduler, T0 + dt.timedelta(seconds=second), ENV)
    [listed] = scheduler.list_schedules()["Schedules"]
    schedule = scheduler.get_schedule(Name=listed["Name"], GroupName="churn-new-data")
    assert _fires(schedule) == T0 + dt.timedelta(seconds=297 + 600)
    assert schedule["Target"]["Arn"] == ENV["STATE_MACHINE_ARN"] and schedule["Target"]["RoleArn"] == ENV["SCHEDULER_ROLE_ARN"]
    assert json.loads(schedule["Target"]["Input"]) == {"hyperparameters": {"epochs": 3}}
    assert schedule["ActionAfterCompletion"] == "DELETE" and schedule["FlexibleTimeWindow"] == {"Mode": "OFF"}


def test_objects_that_keep_arriving_start_a_run_after_the_maximum_delay(scheduler: Any) -> None:
    new_data = _handler()
    result = {}
    for minute in range(0, 120, 5):  # an object every five minutes for two hours: never quiet for ten
        now = T0 + dt.timedelta(minutes=minute)
        if minute and result and dt.datetime.fromisoformat(result["run_starts_at"]) <= now:
            break  # the run started; later objects make a new schedule
        result = new_data.debounce(scheduler, now, ENV)
    assert dt.datetime.fromisoformat(result["run_starts_at"]) == T0 + dt.timedelta(hours=1)
    assert result["first_object_at"] == T0.isoformat()


def test_objects_after_the_run_started_make_a_new_burst(scheduler: Any) -> None:
    new_data = _handler()
    new_data.debounce(scheduler, T0, ENV)
    later = T0 + dt.timedelta(hours=3)  # the schedule fired (moto keeps it; Scheduler deletes it)
    result = new_data.debounce(scheduler, later, ENV)
    assert result["first_object_at"] == later.isoformat()
    assert dt.datetime.fromisoformat(result["run_starts_at"]) == later + dt.timedelta(minutes=10)


def test_a_schedule_created_meanwhile_is_moved(scheduler: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    new_data = _handler()
    new_data.debounce(scheduler, T0, ENV)
    real_get = scheduler.get_schedule

    def not_yet(**kwargs: Any) -> Any:  # another invocation creates it between our get and create
        raise scheduler.exceptions.ResourceNotFoundException({"Error": {"Code": "ResourceNotFoundException", "Message": "no"}}, "GetSchedule")

    monkeypatch.setattr(scheduler, "get_schedule", not_yet)
    result = new_data.debounce(scheduler, T0 + dt.timedelta(minutes=1), ENV)
    assert result["action"] == "moved"
    assert _fires(real_get(Name="churn-new-data", GroupName="churn-new-data")) == T0 + dt.timedelta(minutes=11)


def test_a_pending_schedule_is_deleted_with_its_group(scheduler: Any) -> None:
    """Deleting the stack deletes the schedule group, and a pending schedule with it."""
    _handler().debounce(scheduler, T0, ENV)
    assert [x["Name"] for x in scheduler.list_schedules(GroupName=ENV["SCHEDULE_GROUP"])["Schedules"]] == ["churn-new-data"]
    scheduler.delete_schedule_group(Name=ENV["SCHEDULE_GROUP"])
    assert scheduler.list_schedules()["Schedules"] == []
