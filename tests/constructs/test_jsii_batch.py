"""Calls sent to Node as data (sagestack.jsii_batch): they do what the Python calls do, in order,
in one request; queued ones run when the outermost block ends, and not at all if it raises."""

from __future__ import annotations

import tarfile

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns

from sagestack import jsii_batch
from sagestack.jsii_batch import call, deferred, evaluate, result, value
from tests.constructs.test_jsii_reads import jsii_requests


def _stack() -> cdk.Stack:
    return cdk.Stack(cdk.App(), "s", env=cdk.Environment(region="us-east-1"))


def _resource(stack: cdk.Stack) -> sns.CfnTopic:
    return sns.CfnTopic(stack, "Topic")


def test_a_call_outside_a_block_runs_at_once() -> None:
    stack = _stack()
    resource = _resource(stack)
    call(resource, ("addMetadata", "team", "ml"))
    assert resource.get_metadata("team") == "ml"


def test_queued_calls_run_in_order_when_the_outermost_block_ends_in_one_request() -> None:
    stack = _stack()
    resource = _resource(stack)
    with jsii_requests() as counts:
        with deferred():
            call(resource, ("addMetadata", "step", "first"))
            with deferred():  # an inner block gathers for the outer one
                call(resource, ("addMetadata", "step", "second"))
            call("aws-cdk-lib:Tags", ("of", stack), ("add", "team", "ml"))
            assert sum(counts.values()) == 0  # nothing sent yet
        assert sum(counts.values()) == 1
    assert resource.get_metadata("step") == "second"  # the later call wins, as it would in Python
    template = cdk.App.of(stack).synth().get_stack_by_name("s").template  # type: ignore[union-attr]
    assert template["Resources"]["Topic"]["Properties"] == {"Tags": [{"Key": "team", "Value": "ml"}]}


def test_a_block_that_raises_runs_nothing() -> None:
    stack = _stack()
    resource = _resource(stack)
    with pytest.raises(ValueError, match="boom"), deferred():
        call(resource, ("addMetadata", "team", "ml"))
        raise ValueError("boom")
    assert resource.get_metadata("team") is None


def test_evaluate_returns_the_objects_made_as_their_python_classes_and_their_values() -> None:
    stack = _stack()
    role, arn, group = evaluate(
        ("aws-cdk-lib:aws_iam.Role", ("new", stack, "Role", {"assumedBy": iam.ServicePrincipal("lambda.amazonaws.com")})),
        (result(0), "roleArn"),
        ("aws-cdk-lib:aws_logs.LogGroup", ("new", stack, "Logs", {"retention": value("aws-cdk-lib:aws_logs.RetentionDays.ONE_WEEK")})),
    )
    assert isinstance(role, iam.Role) and isinstance(group, logs.LogGroup)
    assert stack.resolve(arn) == {"Fn::GetAtt": [stack.get_logical_id(role.node.default_child), "Arn"]}  # type: ignore[arg-type]
    assert stack.resolve(arn) == stack.resolve(role.role_arn)
    assert stack.resolve(group.node.default_child.retention_in_days) == 7  # type: ignore[union-attr]


def test_a_value_is_looked_up_when_its_call_runs() -> None:
    """The DefaultPolicy a queued grant makes is there for a later queued call that names it."""
    stack = _stack()
    role = iam.Role(stack, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    group = logs.LogGroup(stack, "Logs")
    other = _resource(stack)
    with deferred():
        call(group, ("grantWrite", role))
        call(other, "node", ("addDependency", value(role, "node", ("findChild", "DefaultPolicy"))))
    template = cdk.App.of(stack).synth().get_stack_by_name("s").template  # type: ignore[union-attr]
    policy = next(k for k, r in template["Resources"].items() if r["Type"] == "AWS::IAM::Policy")
    assert template["Resources"]["Topic"]["DependsOn"] == [policy]


def test_a_call_node_cannot_make_says_what_it_was_given() -> None:
    resource = _resource(_stack())
    with pytest.raises(RuntimeError, match="sagestack: addNothing is not a method of CfnTopic"):
        call(resource, ("addNothing", 1))
    with pytest.raises(RuntimeError, match="aws-cdk-lib has no aws_iam.Nothing"):
        evaluate(("aws-cdk-lib:aws_iam.Nothing", ("new",)))


def test_the_node_module_is_one_tarball_named_by_its_contents() -> None:
    first = jsii_batch._tarball()
    assert jsii_batch._tarball() == first
    with tarfile.open(first) as archive:
        names = sorted(archive.getnames())
        assert names == sorted(f"package/{name}" for name in jsii_batch._FILES)
        assert all(member.mtime == 0 for member in archive.getmembers())
    for name in jsii_batch._FILES:
        assert (jsii_batch.NODE_MODULE / name).is_file()


def test_values_travel_as_json_with_none_left_out_as_jsii_leaves_it() -> None:
    """A batch is one JSON text plus its jsii objects: None is left out of a dict (as jsii passes
    it), other values arrive as they are, and anything else is refused before it is sent."""
    stack = _stack()
    resource = _resource(stack)
    call(resource, ("addMetadata", "values", {"kept": [1, 2.5, True, "é ${Token[x]}"], "dropped": None, "nested": {"gone": None}}))
    assert resource.get_metadata("values") == {"kept": [1, 2.5, True, "é ${Token[x]}"], "nested": {}}
    with pytest.raises(TypeError, match="JSON values and jsii objects, not object"):
        call(resource, ("addMetadata", "bad", object()))
