"""What the constructs know of CDK objects without asking Node: each jsii round trip costs
synthesis time, so sagestack reads a property once (``read``), records what it already holds
(``known``) and places a construct in its stack from its scope (``placed``). These tests hold
each shortcut to what aws-cdk-lib itself answers, so that an upgrade that changes an answer
fails here instead of changing a template."""

from __future__ import annotations

import collections
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as s3_assets
from aws_cdk import aws_sns as sns
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from sagestack.descriptor import load_catalog
from sagestack.iam import known, placed, read, stack_of, topic_key_arn

from ..conftest import CATALOG

EXAMPLES = {d.name: d for d in load_catalog([CATALOG]).descriptors}


@contextmanager
def jsii_requests() -> Iterator[collections.Counter[str]]:
    """Count the requests sent to the jsii kernel in the block, by kind."""
    from jsii._kernel.providers import process

    counts: collections.Counter[str] = collections.Counter()
    original = process._NodeProcess.send

    def send(self, request, response_type):  # type: ignore[no-untyped-def]
        counts[type(request).__name__.removesuffix("Request")] += 1
        return original(self, request, response_type)

    process._NodeProcess.send = send  # type: ignore[method-assign]
    try:
        yield counts
    finally:
        process._NodeProcess.send = original  # type: ignore[method-assign]


def test_placed_gives_the_stack_and_path_cdk_gives() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "s")
    cases = []
    direct = Construct(stack, "Direct")
    cases.append((direct, placed(direct, stack, "Direct")))
    team = Construct(stack, "Team")  # not placed: placed() asks CDK for the path
    inner = Construct(team, "Inner")
    cases.append((inner, placed(inner, team, "Inner")))
    leaf = Construct(inner, "Leaf")  # its scope was placed: nothing asked
    with jsii_requests() as counts:
        cases.append((leaf, placed(leaf, inner, "Leaf")))
        assert stack_of(leaf) is stack and stack_of(stack) is stack
    assert sum(counts.values()) == 0
    for construct, (in_stack, path) in cases:
        assert in_stack is stack and stack_of(construct) is stack
        assert "/".join(path) == construct.node.path.removeprefix("s/")
    assert stack_of(Construct(team, "NotPlaced")) is cdk.Stack.of(team)


def test_read_asks_once_and_known_values_are_what_cdk_answers() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "s", env=cdk.Environment(region="us-east-1"))
    name, topic_arn, key_arn = (cdk.Fn.import_value(f"shared:{n}") for n in ("Bucket", "Topic", "Key"))
    imported = s3.Bucket.from_bucket_name(stack, "Imported", name)
    own = s3.Bucket(stack, "Own")
    topic = sns.Topic.from_topic_attributes(stack, "Topic", topic_arn=topic_arn, key_arn=key_arn)
    # What infra/stacks.py records for the imports: CDK keeps the values it was given.
    assert imported.bucket_name == name and topic.topic_arn == topic_arn and topic.master_key is not None and topic.master_key.key_arn == key_arn
    known(imported, bucket_name=name)
    known(topic, topic_arn=topic_arn, key_arn=key_arn)
    with jsii_requests() as counts:
        assert read(imported, "bucket_name") == name and read(topic, "topic_arn") == topic_arn and topic_key_arn(topic) == key_arn
    assert sum(counts.values()) == 0
    # Unknown ones are read once; what a bucket's arn_for_objects makes is its ARN, "/", the key.
    for bucket in (imported, own):
        arn = read(bucket, "bucket_arn")
        with jsii_requests() as counts:
            assert read(bucket, "bucket_arn") == arn
        assert sum(counts.values()) == 0
        assert bucket.arn_for_objects("model/run-????/*") == f"{arn}/model/run-????/*"
    unencrypted = sns.Topic(stack, "Plain")
    assert topic_key_arn(unencrypted) is None


def test_a_catalog_stack_without_an_account_has_the_account_token_cdk_gives() -> None:
    from infra.stacks import _account_id

    app = cdk.App()
    assert cdk.Stack(app, "a", env=cdk.Environment(region="us-east-1")).account == _account_id()


@pytest.mark.parametrize("name", ["mnist-tf"])
def test_a_model_stack_stays_within_its_jsii_budget(name: str) -> None:
    """Building the stack of a model with training, deployment, teardown and the run-input check
    (the shared stack built first, as the app does): a change that adds round trips per model
    shows here. Synthesis itself is not counted (its cost is Node's)."""
    from infra.stacks import ModelStack, SharedStack

    app = cdk.App()
    shared = SharedStack(app)
    with jsii_requests() as counts:
        ModelStack(app, descriptor=EXAMPLES[name], shared=shared)
    # 34 since calls are batched (sagestack.jsii_batch); 80 before, 109 before properties were
    # read once and constructs placed from their scope. A little room for a new resource, none
    # for a new round trip per read.
    assert sum(counts.values()) <= 36, counts


def test_what_batched_constructors_record_is_what_cdk_answers(tmp_path: Path) -> None:
    """The roles, functions, assets and state machines made through sagestack.jsii_batch record
    what they read in the same request (iam.read answers from it): the same as asking."""
    from sagestack.assets import file_asset, object_arn
    from sagestack.functions import python_function
    from sagestack.iam import role_with_grants, statement

    stack = cdk.Stack(cdk.App(), "s", env=cdk.Environment(region="us-east-1"))
    role = role_with_grants(stack, "Role", service="lambda.amazonaws.com", description="d", grants=[statement(actions=["s3:GetObject"], resources=["*"])])
    assert isinstance(role, iam.Role) and read(role, "role_arn") == role.role_arn
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "index.py").write_text("def handler(event, context): return None\n")
    made = python_function(
        stack, stack=stack, path=[], ids=("Fn", "FnRole", "FnLogs"), code=tmp_path / "code", handler="index.handler",
        description="d", timeout=cdk.Duration.seconds(3), memory=128,
    )
    assert isinstance(made.function, lambda_.Function) and isinstance(made.log_group, logs.LogGroup)
    assert read(made.function, "function_arn") == made.function.function_arn
    assert read(made.function, "role").node.path == made.function.role.node.path == made.role.node.path  # type: ignore[union-attr]
    assert read(made.role, "role_arn") == made.role.role_arn
    archive = tmp_path / "code.tar.gz"
    archive.write_bytes(b"not really")
    asset = file_asset(stack, "Asset", archive)
    assert isinstance(asset, s3_assets.Asset)
    for name in ("s3_object_url", "s3_bucket_name", "s3_object_key"):
        assert read(asset, name) == getattr(asset, name), name
    assert object_arn(asset) == asset.bucket.arn_for_objects(asset.s3_object_key)
    from sagestack.pipeline.construct import TrainingPipeline

    pipeline = TrainingPipeline(stack, "Training", descriptor=EXAMPLES["mnist-tf"])
    assert isinstance(pipeline.state_machine, sfn.StateMachine)
    for name in ("state_machine_arn", "state_machine_name"):
        assert read(pipeline.state_machine, name) == getattr(pipeline.state_machine, name), name
