"""`sagestack previews`: which previews are deployed and which have outlived their TTL (moto's
CloudFormation stands in for the account)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from typer.testing import CliRunner

from sagestack.cli import app
from sagestack.previews import deployed_previews

TEMPLATE = json.dumps({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}})


def _stack(cfn, name: str, tags: dict[str, str]) -> None:
    cfn.create_stack(StackName=name, TemplateBody=TEMPLATE, Tags=[{"Key": k, "Value": v} for k, v in tags.items()])


def _world():
    import boto3

    cfn = boto3.client("cloudformation", region_name="us-east-1")
    for stack in ("sagestack-shared-pr-1", "sagestack-kmeans-pr-1"):
        _stack(cfn, stack, {"sagestack:preview": "pr-1", "sagestack:preview-ttl-hours": "72"})
    _stack(cfn, "sagestack-shared-pr-2", {"sagestack:preview": "pr-2", "sagestack:preview-ttl-hours": "0"})  # TTL 0: expired at once
    _stack(cfn, "sagestack-shared-pr-3", {"sagestack:preview": "pr-3", "sagestack:preview-ttl-hours": "soon"})  # unreadable: expired
    _stack(cfn, "sagestack-shared", {"sagestack:environment": "dev"})  # not a preview
    _stack(cfn, "unrelated", {})
    return cfn


def test_previews_are_grouped_by_id_with_their_oldest_stack(aws: None) -> None:
    previews = {p.id: p for p in deployed_previews(_world())}
    assert sorted(previews) == ["pr-1", "pr-2", "pr-3"]
    assert previews["pr-1"].stacks == ("sagestack-kmeans-pr-1", "sagestack-shared-pr-1")
    one = previews["pr-1"]
    assert one.expires == one.created + timedelta(hours=72)
    assert not one.expired(one.created + timedelta(hours=71, minutes=59)) and one.expired(one.created + timedelta(hours=72))
    now = datetime.now(UTC)
    assert [p.id for p in previews.values() if p.expired(now)] == ["pr-2", "pr-3"]


def test_cli_prints_expired_ids_one_per_line_and_a_table(aws: None) -> None:
    _world()
    runner = CliRunner()
    expired = runner.invoke(app, ["previews", "--expired", "--region", "us-east-1"])
    assert expired.exit_code == 0, expired.output
    assert expired.output.split() == ["pr-2", "pr-3"]
    table = runner.invoke(app, ["previews", "--region", "us-east-1"])
    assert table.exit_code == 0 and "pr-1" in table.output and "no" in table.output and "yes" in table.output


def test_cli_with_no_previews_says_so(aws: None) -> None:
    result = CliRunner().invoke(app, ["previews", "--region", "us-east-1"])
    assert result.exit_code == 0 and "no previews deployed" in result.output


def test_destroy_expired_deletes_model_stacks_then_the_shared_stack(aws: None) -> None:
    cfn = _world()
    _stack(cfn, "sagestack-kmeans-pr-2", {"sagestack:preview": "pr-2", "sagestack:preview-ttl-hours": "0", "sagestack:model": "kmeans"})
    result = CliRunner().invoke(app, ["previews", "--destroy-expired", "--region", "us-east-1"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines.index("pr-2: deleting sagestack-kmeans-pr-2") < lines.index("pr-2: deleting sagestack-shared-pr-2")  # exports last
    assert "pr-3: deleted 1 stack(s)" in lines
    left = {s["StackName"] for s in cfn.describe_stacks()["Stacks"] if s["StackStatus"] != "DELETE_COMPLETE"}
    assert left == {"sagestack-shared-pr-1", "sagestack-kmeans-pr-1", "sagestack-shared", "unrelated"}
    again = CliRunner().invoke(app, ["previews", "--destroy-expired", "--region", "us-east-1"])
    assert again.exit_code == 0 and "no expired previews" in again.output
