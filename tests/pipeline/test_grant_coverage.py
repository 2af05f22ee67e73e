"""The state machine role is exactly what the definition's tasks need, for every example (and the
topic and scale-from-zero variants of tests/pipeline/golden.py), on the synthesized stack: every
Task's integration maps to the IAM actions it is authorized by (AWS's documented policies for
the Step Functions integrations, and what Application Auto Scaling and SNS check with the
caller's permissions), each allowed by some statement on the resource it acts on; and every
action and resource of every statement is needed by some task, or is one of the documented
exceptions below."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

import pytest

from sagestack.pipeline.definition import run_prefix

from .golden import cases, synthesized
from .harness import resolve, synthesized_definition
from .test_register import live_gated

# and the one pipeline whose approval run copies the gate's record (no example has it)
CASES = {**cases(), "xgboost-tuned+better-than-live": (live_gated(), "none")}
ARN = "arn:aws:{service}:us-east-1:123456789012:{resource}"
RUN_ID = "0123456789ab"  # a run name is <prefix>-<12 hex>
SAGEMAKER = {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}
SYNC_RULES = {
    "createTrainingJob.sync": "StepFunctionsGetEventsForSageMakerTrainingJobsRule",
    "createTransformJob.sync": "StepFunctionsGetEventsForSageMakerTransformJobsRule",
    "createHyperParameterTuningJob.sync": "StepFunctionsGetEventsForSageMakerTuningJobsRule",
    "createProcessingJob.sync": "StepFunctionsGetEventsForSageMakerProcessingJobsRule",
}

# Granted although no task of some example needs it, and why. The fragments' refactor keeps the
# role's statements as they were; these are the candidates for narrowing it.
ACTION_EXCEPTIONS = {
    "sagemaker:AddTags": "Create* calls are authorized by AddTags only when the request has Tags; granted with every Create, whether or not the descriptor has tags",
    "application-autoscaling:PutScheduledAction": "granted with autoscaling, also when deploy.autoscaling has no scheduled_actions",
}
RESOURCE_EXCEPTIONS = {
    ("sagemaker:CreateTransformJob", ":model/"): "the transform statement also names the run's model (the model CreateTransformJob runs), which AWS's policy for the integration does not list",
    ("s3:GetObject", "/*/output/model.tar.gz"): "add_model copies the archive from where the run's training job wrote it: a run input's output_path under the model's folder moves it there (the runs here use the descriptor's)",
}


@dataclass(frozen=True)
class Need:
    """One authorization a task needs: an action on a resource, with the request's condition keys."""

    state: str
    action: str
    resource: str
    context: dict[str, str] = field(default_factory=dict)


def arn(service: str, resource: str) -> str:
    return ARN.format(service=service, resource=resource)


def _alarm_prefix(resource_id: str) -> str:
    # Target tracking's alarms: TargetTracking-<resource id>-AlarmHigh-<uuid>, the resource id
    # endpoint/<endpoint>/variant/<variant> or inference-component/<component>
    return arn("cloudwatch", f"alarm:TargetTracking-{resource_id}-AlarmHigh-00000000-0000-0000-0000-000000000000")


def needs(name: str, state: dict[str, Any], run: str, job: str | None = None, group: str | None = None, output: str | None = None) -> Iterator[Need]:
    """What the Task ``state`` is authorized by (``run`` is this run's name, ``job`` the training
    job whose model the run serves: the run's, or its tuning job's best; ``output`` the S3 output
    path its training jobs write to)."""
    match = re.fullmatch(r"arn:aws:states:::(aws-sdk:)?([a-z0-9]+):([A-Za-z.]+)", state["Resource"])
    assert match, state["Resource"]
    _sdk, service, call = match.groups()
    params = state.get("Parameters", {})
    sm = run.lower()  # SageMaker ARNs carry names in lower case
    tagged = bool(params.get("Tags"))
    if service == "lambda" and call == "invoke":
        yield Need(name, "lambda:InvokeFunction", params["FunctionName"])
    elif service == "sns" and call == "publish":
        yield Need(name, "sns:Publish", params["TopicArn"])
    elif service == "s3" and call in ("getObject", "putObject"):
        # a key under a run's folder (this run's, or the live run's: its endpoint config's name):
        # States.Format('{}-<step>/output/...', $.run.name), States.Format('{}/...', $.live.EndpointConfigName)
        key = params["Key"] if "Key" in params else re.fullmatch(r"States\.Format\('(.*)', \$\.(run\.name|live\.EndpointConfigName)\)", params["Key.$"]).group(1).replace("{}", run)
        yield Need(name, f"s3:{call[0].upper()}{call[1:]}", f"arn:aws:s3:::{params['Bucket']}/{key}")
        if call == "getObject":  # S3 answers a missing key with NoSuchKey, not AccessDenied, only to a caller that may list the bucket
            yield Need(name, "s3:ListBucket", f"arn:aws:s3:::{params['Bucket']}")
    elif service == "s3" and call == "copyObject" and "$.config.output.copy_source" in params["CopySource.$"]:
        # add_model: the run's model archive (<output path>/<job>/output/model.tar.gz) under the multi-model endpoint's prefix
        assert output is not None and job is not None
        bucket, _, prefix = output.removeprefix("s3://").partition("/")
        key = re.fullmatch(r"States\.Format\('(.*)', \$\.run\.name\)", params["Key.$"]).group(1).replace("{}", run)
        yield Need(name, "s3:GetObject", f"arn:aws:s3:::{bucket}/{prefix.strip('/') + '/' if prefix.strip('/') else ''}{job}/output/model.tar.gz")
        yield Need(name, "s3:PutObject", f"arn:aws:s3:::{params['Bucket']}/{key}")
    elif service == "s3" and call == "copyObject":
        # another run's record (the package's sagestack_run, a run of this pipeline) to this run's folder:
        # authorized as GetObject on the source and PutObject on the destination
        source = re.fullmatch(r"States\.Format\('(.*)', \$\.described\.CustomerMetadataProperties\.sagestack_run\)", params["CopySource.$"]).group(1).replace("{}", run)
        key = re.fullmatch(r"States\.Format\('(.*)', \$\.run\.name\)", params["Key.$"]).group(1).replace("{}", run)
        yield Need(name, "s3:GetObject", f"arn:aws:s3:::{source}")
        yield Need(name, "s3:PutObject", f"arn:aws:s3:::{params['Bucket']}/{key}")
        yield Need(name, "s3:ListBucket", f"arn:aws:s3:::{source.split('/', 1)[0]}")  # NoSuchKey for a missing source
    elif service == "cloudwatch" and call == "putMetricAlarm":
        yield Need(name, "cloudwatch:PutMetricAlarm", arn("cloudwatch", f"alarm:{params['AlarmName']}"))
    elif service == "applicationautoscaling":
        action = call[0].upper() + call[1:]
        keys = {"application-autoscaling:service-namespace": params["ServiceNamespace"], "application-autoscaling:scalable-dimension": params["ScalableDimension"]}
        yield Need(name, f"application-autoscaling:{action}", "*", keys)
        endpoint = params["ResourceId"].split("/")[1]
        if action == "RegisterScalableTarget" and params["ResourceId"].startswith("inference-component/"):
            # What registering a component's copies checks with the caller's permissions (SageMaker's
            # autoscaling prerequisites for inference components), and the service-linked role.
            component = arn("sagemaker", f"inference-component/{endpoint.lower()}")
            yield Need(name, "sagemaker:DescribeInferenceComponent", component)
            yield Need(name, "sagemaker:UpdateInferenceComponent", component)
            yield Need(
                name, "iam:CreateServiceLinkedRole",
                "arn:aws:iam::123456789012:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint",
                {"iam:AWSServiceName": "sagemaker.application-autoscaling.amazonaws.com"},
            )
        elif action == "RegisterScalableTarget":
            # What registering a SageMaker variant checks with the caller's permissions, and the
            # service-linked role it creates the first time (SageMaker's autoscaling prerequisites).
            yield Need(name, "sagemaker:DescribeEndpoint", arn("sagemaker", f"endpoint/{endpoint.lower()}"))
            yield Need(name, "sagemaker:DescribeEndpointConfig", arn("sagemaker", f"endpoint-config/{sm}"))
            yield Need(name, "sagemaker:UpdateEndpointWeightsAndCapacities", arn("sagemaker", f"endpoint/{endpoint.lower()}"))
            yield Need(
                name, "iam:CreateServiceLinkedRole",
                "arn:aws:iam::123456789012:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint",
                {"iam:AWSServiceName": "sagemaker.application-autoscaling.amazonaws.com"},
            )
        if action == "PutScalingPolicy" and params["PolicyType"] == "TargetTrackingScaling":
            for alarm_action in ("PutMetricAlarm", "DescribeAlarms", "DeleteAlarms"):  # target tracking manages its alarms
                yield Need(name, f"cloudwatch:{alarm_action}", _alarm_prefix(params["ResourceId"]))
        if action == "DeregisterScalableTarget":  # deregistering deletes the policies' alarms
            yield Need(name, "cloudwatch:DeleteAlarms", _alarm_prefix(params["ResourceId"]))
    elif service == "sagemaker":
        operation = call.removesuffix(".sync")
        action = "sagemaker:" + operation[0].upper() + operation[1:]
        endpoint = params.get("EndpointName", "").lower()
        config = params.get("EndpointConfigName", sm).lower()  # the run's, or an endpoint of inference components' content-named config
        component = arn("sagemaker", f"inference-component/{params.get('InferenceComponentName', '').lower()}")
        # a processing job is named <run>-<step>: States.Format('{}-<step>', $.run.name)
        step = re.search(r"\{\}-([a-z0-9-]+)'", params.get("ProcessingJobName.$", ""))
        targets = {
            "createProcessingJob": [arn("sagemaker", f"processing-job/{sm}-{step.group(1) if step else ''}")],
            "createTrainingJob": [arn("sagemaker", f"training-job/{sm}")],
            "createHyperParameterTuningJob": [arn("sagemaker", f"hyper-parameter-tuning-job/{sm}")],
            "describeTrainingJob": [arn("sagemaker", f"training-job/{(job or run).lower()}")],
            "createTransformJob": [arn("sagemaker", f"transform-job/{sm}")],
            "createModel": [arn("sagemaker", f"model/{sm}")],
            "createEndpointConfig": [arn("sagemaker", f"endpoint-config/{config}")],
            "describeEndpointConfig": [arn("sagemaker", f"endpoint-config/{config}")],
            # CreateEndpoint and UpdateEndpoint are authorized on the endpoint and its config.
            "createEndpoint": [arn("sagemaker", f"endpoint/{endpoint}"), arn("sagemaker", f"endpoint-config/{config}")],
            "updateEndpoint": [arn("sagemaker", f"endpoint/{endpoint}"), arn("sagemaker", f"endpoint-config/{config}")],
            "createInferenceComponent": [component, arn("sagemaker", f"endpoint/{endpoint}")],  # the component, and the endpoint it is placed on
            "updateInferenceComponent": [component],
            "describeInferenceComponent": [component],
            "deleteInferenceComponent": [component],
            "describeEndpoint": [arn("sagemaker", f"endpoint/{endpoint}")],
            "deleteEndpoint": [arn("sagemaker", f"endpoint/{endpoint}")],
            # a version of the model's group (versions are numbered), and the group it joins
            "createModelPackage": [arn("sagemaker", f"model-package/{(group or '').lower()}/1"), arn("sagemaker", f"model-package-group/{(group or '').lower()}")],
            "describeModelPackage": [arn("sagemaker", f"model-package/{(group or '').lower()}/1")],
        }[operation]
        for target in targets:
            yield Need(name, action, target)
        if tagged:
            yield Need(name, "sagemaker:AddTags", targets[0])
        if call.endswith(".sync"):  # AWS's documented policy for a .sync job: poll, stop, read tags, its rule
            noun = operation.removeprefix("create")
            for extra in (f"sagemaker:Describe{noun}", f"sagemaker:Stop{noun}", "sagemaker:ListTags"):
                yield Need(name, extra, targets[0])
            for event_action in ("events:PutTargets", "events:PutRule", "events:DescribeRule"):
                yield Need(name, event_action, arn("events", f"rule/{SYNC_RULES[call]}"))
        roles = {**params, **params.get("TrainingJobDefinition", {})}  # a tuning job passes its training jobs' role
        for role_key in ("RoleArn", "ExecutionRoleArn"):  # the execution role the job or model runs as
            if role_key in roles:
                yield Need(name, "iam:PassRole", roles[role_key], {"iam:PassedToService": "sagemaker.amazonaws.com"})
    else:
        raise AssertionError(f"{name}: no IAM mapping for {state['Resource']}")


def _conditions_hold(conditions: dict[str, Any] | None, context: dict[str, str]) -> bool:
    for operator, keys in (conditions or {}).items():
        assert operator in ("StringEquals", "StringLike"), operator
        for key, expected in keys.items():
            values = expected if isinstance(expected, list) else [expected]
            if key not in context:
                return False
            if operator == "StringEquals" and context[key] not in values:
                return False
            if operator == "StringLike" and not any(fnmatchcase(context[key], v) for v in values):
                return False
    return True


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def allows(statement: dict[str, Any], need: Need) -> list[str]:
    """The statement's resources that allow ``need`` (none: it does not)."""
    if statement["Effect"] != "Allow" or need.action not in _listed(statement["Action"]):
        return []
    if not _conditions_hold(statement.get("Condition"), need.context):
        return []
    return [r for r in (resolve(x) for x in _listed(statement["Resource"])) if fnmatchcase(need.resource, r)]


@pytest.fixture(scope="module")
def synth() -> dict[str, dict[str, Any]]:
    return synthesized(CASES)


def _topic_keys(template: dict[str, Any]) -> list[str]:
    return [resolve({"Fn::GetAtt": [k, "Arn"]}) for k, v in template["Resources"].items() if v["Type"] == "AWS::KMS::Key"]


def _needs(case: str, synth: dict[str, dict[str, Any]]) -> list[Need]:
    entry = synth[case]
    definition = synthesized_definition({"DefinitionString": json.dumps(entry["definition"]), "DefinitionSubstitutions": entry["substitutions"]})
    d, _topic = CASES[case]
    run = f"{run_prefix(d)}-{RUN_ID}"
    # a tuning job's best training job is <tuning job>-<3 digits>-<8 hex>
    job = f"{run}-007-0123abcd" if d.tuner is not None else run
    group = d.register.model_package_group_name or f"{d.name}-dev" if d.register is not None else None  # the synthesized stacks' environment
    check = definition["States"].get("Check run input")
    output = check["Parameters"]["Payload"]["output_path"] if check is not None else None
    out = [n for name, state in definition["States"].items() if state["Type"] == "Task" for n in needs(name, state, run, job, group, output)]
    for key in _topic_keys(entry["template"]):  # publishing to an encrypted topic uses its key
        publish = [n for n in out if n.action == "sns:Publish"]
        assert publish, case
        out += [Need(publish[0].state, a, key) for a in ("kms:GenerateDataKey", "kms:Decrypt")]
    return out


def missing(needed: list[Need], statements: list[dict[str, Any]]) -> list[Need]:
    return [n for n in needed if not any(allows(s, n) for s in statements)]


def unused(needed: list[Need], statements: list[dict[str, Any]]) -> tuple[list[Any], set[str]]:
    """(the statements' actions and resources no task needs, the exceptions relied on)."""
    out: list[Any] = []
    excused: set[str] = set()
    for statement in statements:
        actions = _listed(statement["Action"])
        used_resources: set[str] = set()
        for action in actions:
            hits = [r for n in needed if n.action == action for r in allows(statement, n)]
            used_resources.update(hits)
            if not hits:
                if action in ACTION_EXCEPTIONS:
                    excused.add(action)
                else:
                    out.append((action, statement["Resource"]))
        for resource in (resolve(x) for x in _listed(statement["Resource"])):
            if resource in used_resources or all(a in ACTION_EXCEPTIONS for a in actions):
                continue
            reasons = [f"{a} {part}" for a, part in RESOURCE_EXCEPTIONS if a in actions and part in resource]
            if reasons:
                excused.update(reasons)
            else:
                out.append((actions, resource))
    return out, excused


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_task_is_covered_by_a_grant(case: str, synth: dict[str, dict[str, Any]]) -> None:
    assert missing(_needs(case, synth), synth[case]["statements"]) == []


@pytest.mark.parametrize("case", sorted(CASES))
def test_no_grant_is_unused(case: str, synth: dict[str, dict[str, Any]]) -> None:
    """Every action of every statement is needed by a task on one of the statement's resources,
    and every resource of a statement by one of its actions (the documented exceptions aside)."""
    assert unused(_needs(case, synth), synth[case]["statements"])[0] == []


def test_every_exception_is_still_relied_on(synth: dict[str, dict[str, Any]]) -> None:
    relied: set[str] = set()
    for case in CASES:
        relied |= unused(_needs(case, synth), synth[case]["statements"])[1]
    assert relied == set(ACTION_EXCEPTIONS) | {f"{a} {part}" for a, part in RESOURCE_EXCEPTIONS}


def test_the_check_fails_on_a_missing_or_an_extra_grant(synth: dict[str, dict[str, Any]]) -> None:
    """Without the PassRole statement a task is uncovered; without the tasks, grants are unused."""
    needed, statements = _needs("mnist-tf", synth), synth["mnist-tf"]["statements"]
    without_pass_role = [s for s in statements if s["Action"] != "iam:PassRole"]
    assert {n.action for n in missing(needed, without_pass_role)} == {"iam:PassRole"}
    extra, _excused = unused([n for n in needed if n.action != "lambda:InvokeFunction"], statements)
    invoke = next(s for s in statements if s["Action"] == "lambda:InvokeFunction")
    assert ("lambda:InvokeFunction", invoke["Resource"]) in extra


def test_the_mapping_knows_every_integration_the_examples_use(synth: dict[str, dict[str, Any]]) -> None:
    """Each integration appears in some case, so no mapping above is dead (a new step's
    integration fails ``needs`` until it is mapped)."""
    seen = {state["Resource"] for entry in synth.values() for state in entry["definition"]["States"].values() if state["Type"] == "Task"}
    assert {r.rsplit(":::", 1)[1] for r in seen} >= {
        "lambda:invoke", "sns:publish", "sagemaker:createTrainingJob.sync", "sagemaker:createTransformJob.sync", "sagemaker:createModel",
        "sagemaker:createEndpointConfig", "sagemaker:createEndpoint", "sagemaker:updateEndpoint", "aws-sdk:sagemaker:describeEndpoint",
        "aws-sdk:sagemaker:deleteEndpoint", "aws-sdk:applicationautoscaling:registerScalableTarget", "aws-sdk:applicationautoscaling:deregisterScalableTarget",
        "aws-sdk:applicationautoscaling:putScalingPolicy", "aws-sdk:cloudwatch:putMetricAlarm", "aws-sdk:sagemaker:describeTrainingJob",
        "aws-sdk:s3:getObject", "aws-sdk:s3:putObject", "aws-sdk:s3:copyObject",
        "aws-sdk:sagemaker:describeEndpointConfig", "aws-sdk:sagemaker:createInferenceComponent", "aws-sdk:sagemaker:updateInferenceComponent",
        "aws-sdk:sagemaker:describeInferenceComponent", "aws-sdk:sagemaker:deleteInferenceComponent",
        "aws-sdk:sagemaker:createModelPackage", "aws-sdk:sagemaker:describeModelPackage",
    }
