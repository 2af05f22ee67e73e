"""The pipeline's teardown custom resource handler, against moto (in process, no network).

moto notes: its SageMaker ``list_models`` ignores ``NameContains`` and returns every model (which
exercises the handler's exact-name filter); it does not paginate ``list_models``, so pagination
is tested with botocore's Stubber; its ``deregister_scalable_target`` answers a missing target
with ValidationException "No scalable target found ..." where AWS answers ObjectNotFoundException;
its ``stop_execution`` ignores error/cause (the call's parameters are checked with Stubber);
executions stay RUNNING until stopped (default SF_EXECUTION_HISTORY_TYPE).
"""

from __future__ import annotations

import io
import json
import urllib.request
from typing import Any

import pytest

from ..conftest import FAKE_CREDENTIALS, load_handler

REGION = "us-east-1"
ROLE = "arn:aws:iam::123456789012:role/sagemaker"
PREFIX = "mnist-tf"
ENDPOINT = "mnist-tf-dev"
MATCHING_MODELS = ["mnist-tf-3f2a9c1b7d4e", "mnist-tf-0123456789ab"]
MATCHING_CONFIGS = ["mnist-tf-aaaaaaaaaaaa", "mnist-tf-3f2a9c1b7d4f"]
# Must survive: another model of a longer prefix, another prefix, upper-case hex, a suffix.
OTHER_MODELS = ["mnist-tf-v2-0123456789ab", "other-3f2a9c1b7d4e", "mnist-tf-3F2A9C1B7D4E", "mnist-tf-3f2a9c1b7d4e-old"]
OTHER_CONFIGS = ["mnist-tf-v2-aaaaaaaaaaaa"]


@pytest.fixture()
def module() -> Any:
    return load_handler("teardown")


@pytest.fixture()
def responses(module: Any, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Capture what the handler answers CloudFormation (send's PUT body)."""
    sent: list[dict[str, Any]] = []

    class _Response(io.BytesIO):
        def __enter__(self) -> _Response:
            return self

        def __exit__(self, *args: Any) -> bool:
            return False

    def fake_urlopen(request: Any, timeout: int = 0) -> Any:
        assert request.get_method() == "PUT" and request.full_url == "https://cloudformation-response.invalid/x"
        sent.append(json.loads(request.data))
        return _Response(b"")

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)  # what cfn_response.send calls
    return sent


def _clients(module: Any) -> Any:
    import boto3

    return module.Clients(
        sagemaker=boto3.client("sagemaker", region_name=REGION),
        autoscaling=boto3.client("application-autoscaling", region_name=REGION),
        stepfunctions=boto3.client("stepfunctions", region_name=REGION),
        cloudwatch=boto3.client("cloudwatch", region_name=REGION),
    )


def _world(clients: Any) -> dict[str, str]:
    """What a pipeline run leaves behind, plus neighbours that must survive. Returns ARNs."""
    sm = clients.sagemaker
    container = {"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/tf:2", "ModelDataUrl": "s3://models/model.tar.gz"}
    for name in MATCHING_MODELS + OTHER_MODELS:
        sm.create_model(ModelName=name, ExecutionRoleArn=ROLE, PrimaryContainer=container)
    for name in MATCHING_CONFIGS + OTHER_CONFIGS:
        sm.create_endpoint_config(
            EndpointConfigName=name,
            ProductionVariants=[{"VariantName": "AllTraffic", "ModelName": MATCHING_MODELS[0], "InitialInstanceCount": 1, "InstanceType": "ml.m5.large"}],
        )
    sm.create_endpoint(EndpointName=ENDPOINT, EndpointConfigName=MATCHING_CONFIGS[0])
    sm.create_endpoint(EndpointName="mnist-tf-v2-dev", EndpointConfigName=OTHER_CONFIGS[0])
    for endpoint in (ENDPOINT, "mnist-tf-v2-dev"):
        clients.autoscaling.register_scalable_target(
            ServiceNamespace="sagemaker", ResourceId=f"endpoint/{endpoint}/variant/AllTraffic",
            ScalableDimension="sagemaker:variant:DesiredInstanceCount", MinCapacity=1, MaxCapacity=4,
        )
    sfn = clients.stepfunctions
    definition = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}})
    machine = sfn.create_state_machine(name="mnist-tf-pipeline", definition=definition, roleArn=ROLE)["stateMachineArn"]
    other_machine = sfn.create_state_machine(name="other-pipeline", definition=definition, roleArn=ROLE)["stateMachineArn"]
    return {
        "machine": machine,
        "running": sfn.start_execution(stateMachineArn=machine, name="run-1")["executionArn"],
        "running2": sfn.start_execution(stateMachineArn=machine, name="run-2")["executionArn"],
        "other": sfn.start_execution(stateMachineArn=other_machine, name="run-1")["executionArn"],
    }


def _props(machine: str, endpoint: str = ENDPOINT, variants: list[str] | None = None) -> dict[str, Any]:
    return {"ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:teardown", "StateMachineArn": machine,
            "NamePrefix": PREFIX, "EndpointName": endpoint, "Variants": ["AllTraffic"] if variants is None else variants}


def _event(kind: str, props: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"RequestType": kind, "ResponseURL": "https://cloudformation-response.invalid/x", "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/s/1",
            "RequestId": "req", "LogicalResourceId": "Teardown", "ResourceType": "Custom::SagestackTeardown", "ResourceProperties": props, **extra}


def _models(clients: Any) -> set[str]:
    return {m["ModelName"] for m in clients.sagemaker.list_models()["Models"]}


def _configs(clients: Any) -> set[str]:
    return {c["EndpointConfigName"] for c in clients.sagemaker.list_endpoint_configs()["EndpointConfigs"]}


def _endpoints(clients: Any) -> set[str]:
    return {e["EndpointName"] for e in clients.sagemaker.list_endpoints()["Endpoints"]}


def _targets(clients: Any) -> set[str]:
    return {t["ResourceId"] for t in clients.autoscaling.describe_scalable_targets(ServiceNamespace="sagemaker")["ScalableTargets"]}


def _status(clients: Any, arn: str) -> str:
    return clients.stepfunctions.describe_execution(executionArn=arn)["status"]


# ---- the name filter -------------------------------------------------------------------------


def test_name_pattern_matches_only_generated_names(module: Any) -> None:
    pattern = module.name_pattern(PREFIX)
    assert all(pattern.match(name) for name in MATCHING_MODELS + MATCHING_CONFIGS)
    assert not any(pattern.match(name) for name in OTHER_MODELS + OTHER_CONFIGS + [ENDPOINT, "mnist-tf-", "mnist-tf-0123456789a", "xmnist-tf-0123456789ab"])
    dotted = module.name_pattern("a.b")  # the prefix is literal, not a regex
    assert dotted.match("a.b-0123456789ab") and not dotted.match("aXb-0123456789ab")


def test_module_imports_without_region_or_clients(module: Any) -> None:
    assert not hasattr(module, "s3") and not hasattr(module, "sagemaker")  # no client built at import time
    assert module.physical_id({"NamePrefix": PREFIX}) == "sagestack-teardown-mnist-tf"


# ---- teardown against moto -------------------------------------------------------------------


def test_teardown_removes_runtime_resources_and_spares_the_rest(aws: None, module: Any) -> None:
    clients = _clients(module)
    world = _world(clients)
    assert _status(clients, world["running"]) == "RUNNING"  # moto keeps executions running

    removed, failures = module.teardown(_props(world["machine"]), clients)

    assert failures == []
    assert _status(clients, world["running"]) == "ABORTED"
    assert _status(clients, world["running2"]) == "ABORTED"
    assert _status(clients, world["other"]) == "RUNNING"  # another state machine's run is untouched
    assert _targets(clients) == {"endpoint/mnist-tf-v2-dev/variant/AllTraffic"}
    assert _endpoints(clients) == {"mnist-tf-v2-dev"}
    assert _configs(clients) == set(OTHER_CONFIGS)
    assert _models(clients) == set(OTHER_MODELS)
    assert sorted(removed) == sorted(
        [f"stopped execution {world['running']}", f"stopped execution {world['running2']}",
         f"deregistered scalable target endpoint/{ENDPOINT}/variant/AllTraffic", f"deleted endpoint {ENDPOINT}"]
        + [f"deleted endpoint config {name}" for name in MATCHING_CONFIGS] + [f"deleted model {name}" for name in MATCHING_MODELS]
    )
    # Order: executions stopped first, then the scalable target, the endpoint, configs, models.
    kinds = [line.split(" ")[0] + " " + line.split(" ")[1] for line in removed]
    assert kinds == sorted(kinds, key=["stopped execution", "deregistered scalable", "deleted endpoint", "deleted model"].index)

    # CloudFormation may retry a Delete: a second run finds nothing and fails on nothing.
    assert module.teardown(_props(world["machine"]), clients) == ([], [])


def test_teardown_tolerates_missing_state_machine_endpoint_and_variants(aws: None, module: Any) -> None:
    clients = _clients(module)
    sm = clients.sagemaker
    sm.create_model(ModelName="mnist-tf-3f2a9c1b7d4e", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": "img"})
    missing = "arn:aws:states:us-east-1:123456789012:stateMachine:gone"
    assert module.teardown(_props(missing, endpoint="", variants=[]), clients) == (["deleted model mnist-tf-3f2a9c1b7d4e"], [])
    # An endpoint name whose endpoint and scalable target were never created.
    assert module.teardown(_props(missing, endpoint="mnist-tf-dev", variants=["AllTraffic", "Canary"]), clients) == ([], [])


def test_teardown_deletes_the_alarms_a_run_put_and_no_other(aws: None, module: Any) -> None:
    """An asynchronous endpoint's scale-from-zero alarm is put by a run: deregistering the target
    removes its policies, not the alarm, so teardown deletes it (and only it)."""
    clients = _clients(module)
    cw = clients.cloudwatch
    for name in ("churn-dev-AllTraffic-backlog-without-capacity", "someone-elses-alarm"):
        cw.put_metric_alarm(AlarmName=name, Namespace="AWS/SageMaker", MetricName="HasBacklogWithoutCapacity", Statistic="Average", Period=60, EvaluationPeriods=2, Threshold=1.0, ComparisonOperator="GreaterThanOrEqualToThreshold")
    props = {"StateMachineArn": "", "NamePrefix": "churn", "EndpointName": "", "Variants": [], "Alarms": ["churn-dev-AllTraffic-backlog-without-capacity"]}
    removed, failures = module.teardown(props, clients)
    assert failures == []
    assert "deleted alarm churn-dev-AllTraffic-backlog-without-capacity" in removed
    assert [a["AlarmName"] for a in cw.describe_alarms()["MetricAlarms"]] == ["someone-elses-alarm"]
    assert module.teardown(props, clients)[1] == []  # deleting again is not an error


def test_teardown_refuses_an_empty_prefix(aws: None, module: Any) -> None:
    clients = _clients(module)
    clients.sagemaker.create_model(ModelName="x-0123456789ab", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": "img"})
    props = {**_props("", endpoint=""), "NamePrefix": ""}
    removed, failures = module.teardown(props, clients)
    assert removed == [] and failures == ["NamePrefix is empty: refusing to match every model"]
    assert _models(clients) == {"x-0123456789ab"}


# ---- pagination and call parameters (Stubber: moto does not paginate list_models) -------------


def test_teardown_paginates_and_passes_stop_reason(module: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import boto3
    from botocore.stub import Stubber

    for key, value in FAKE_CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    clients = module.Clients(
        sagemaker=boto3.client("sagemaker", region_name=REGION),
        autoscaling=boto3.client("application-autoscaling", region_name=REGION),
        stepfunctions=boto3.client("stepfunctions", region_name=REGION),
    )
    machine = "arn:aws:states:us-east-1:123456789012:stateMachine:mnist-tf-pipeline"
    execution = "arn:aws:states:us-east-1:123456789012:execution:mnist-tf-pipeline:run-{}"
    stamp = "2026-01-01T00:00:00Z"
    with Stubber(clients.stepfunctions) as sfn, Stubber(clients.sagemaker) as sm, Stubber(clients.autoscaling):
        def running(n: int) -> dict[str, Any]:
            return {"executionArn": execution.format(n), "stateMachineArn": machine, "name": f"run-{n}", "status": "RUNNING", "startDate": stamp}

        sfn.add_response("list_executions", {"executions": [running(1)], "nextToken": "t1"}, {"stateMachineArn": machine, "statusFilter": "RUNNING"})
        sfn.add_response("list_executions", {"executions": [running(2)]}, {"stateMachineArn": machine, "statusFilter": "RUNNING", "nextToken": "t1"})
        for n in (1, 2):
            sfn.add_response("stop_execution", {"stopDate": stamp},
                             {"executionArn": execution.format(n), "error": module.STOP_ERROR, "cause": module.STOP_CAUSE})
        # Endpoint "" and no variants: no autoscaling call, no describe_endpoint (the stubs would raise).
        sm.add_response("list_endpoint_configs", {"EndpointConfigs": [{"EndpointConfigName": "mnist-tf-aaaaaaaaaaaa", "EndpointConfigArn": "arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/a", "CreationTime": stamp}], "NextToken": "c1"},
                        {"NameContains": PREFIX})
        sm.add_response("list_endpoint_configs", {"EndpointConfigs": [{"EndpointConfigName": "mnist-tf-v2-aaaaaaaaaaaa", "EndpointConfigArn": "arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/b", "CreationTime": stamp}]},
                        {"NameContains": PREFIX, "NextToken": "c1"})
        sm.add_response("delete_endpoint_config", {}, {"EndpointConfigName": "mnist-tf-aaaaaaaaaaaa"})
        sm.add_response("list_models", {"Models": [{"ModelName": "mnist-tf-v2-0123456789ab", "ModelArn": "arn:aws:sagemaker:us-east-1:123456789012:model/c", "CreationTime": stamp}], "NextToken": "m1"},
                        {"NameContains": PREFIX})
        sm.add_response("list_models", {"Models": [{"ModelName": "mnist-tf-0123456789ab", "ModelArn": "arn:aws:sagemaker:us-east-1:123456789012:model/d", "CreationTime": stamp}]},
                        {"NameContains": PREFIX, "NextToken": "m1"})
        sm.add_response("delete_model", {}, {"ModelName": "mnist-tf-0123456789ab"})

        removed, failures = module.teardown(_props(machine, endpoint="", variants=[]), clients)

        sfn.assert_no_pending_responses()
        sm.assert_no_pending_responses()
    assert failures == []
    assert removed == [f"stopped execution {execution.format(1)}", f"stopped execution {execution.format(2)}",
                       "deleted endpoint config mnist-tf-aaaaaaaaaaaa", "deleted model mnist-tf-0123456789ab"]


def test_teardown_ignores_object_not_found_scalable_target(module: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import boto3
    from botocore.stub import Stubber

    for key, value in FAKE_CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    autoscaling = boto3.client("application-autoscaling", region_name=REGION)
    clients = module.Clients(sagemaker=None, autoscaling=autoscaling, stepfunctions=None)
    removed: list[str] = []
    failures: list[str] = []
    with Stubber(autoscaling) as stub:  # what AWS answers (moto answers ValidationException)
        stub.add_client_error("deregister_scalable_target", "ObjectNotFoundException", "No scalable target registered")
        stub.add_client_error("deregister_scalable_target", "AccessDeniedException", "not allowed")
        module._deregister_targets(_props("", variants=["AllTraffic", "Canary"]), clients, removed, failures)
    assert removed == []
    assert len(failures) == 1 and failures[0].startswith(f"deregister scalable target endpoint/{ENDPOINT}/variant/Canary") and "not allowed" in failures[0]


# ---- inference components (Stubber: moto has none) --------------------------------------------


def _component_clients(module: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    import boto3

    for key, value in FAKE_CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(module, "COMPONENT_POLL_SECONDS", 0)
    return module.Clients(
        sagemaker=boto3.client("sagemaker", region_name=REGION), autoscaling=boto3.client("application-autoscaling", region_name=REGION),
        stepfunctions=boto3.client("stepfunctions", region_name=REGION), cloudwatch=boto3.client("cloudwatch", region_name=REGION),
    )


def test_teardown_deletes_the_component_and_waits_for_it_before_the_endpoint(module: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The run's component: its copies deregistered, its no-capacity alarm deleted, the component
    deleted and waited for (DeleteEndpoint refuses an endpoint that holds one), then the endpoint."""
    from botocore.stub import Stubber

    clients = _component_clients(module, monkeypatch)
    component = "xgboost-components-dev"
    gone = f'Could not find inference component "arn:aws:sagemaker:us-east-1:123456789012:inference-component/{component}".'
    stamp = "2026-01-01T00:00:00Z"
    props = {
        "StateMachineArn": "", "NamePrefix": "xgboost-components", "EndpointName": "xgboost-components-dev", "Variants": [],
        "Alarms": [f"{component}-no-capacity"], "InferenceComponents": [component], "ScaledInferenceComponents": [component],
    }
    with Stubber(clients.sagemaker) as sm, Stubber(clients.autoscaling) as aas, Stubber(clients.cloudwatch) as cw:
        aas.add_response("deregister_scalable_target", {}, {"ServiceNamespace": "sagemaker", "ResourceId": f"inference-component/{component}", "ScalableDimension": "sagemaker:inference-component:DesiredCopyCount"})
        cw.add_response("delete_alarms", {}, {"AlarmNames": [f"{component}-no-capacity"]})
        sm.add_response("delete_inference_component", {}, {"InferenceComponentName": component})
        deleting = {
            "InferenceComponentName": component, "InferenceComponentArn": "arn:aws:sagemaker:us-east-1:123456789012:inference-component/x",
            "EndpointName": "xgboost-components-dev", "EndpointArn": "arn:aws:sagemaker:us-east-1:123456789012:endpoint/x", "VariantName": "AllTraffic",
            "CreationTime": stamp, "LastModifiedTime": stamp, "InferenceComponentStatus": "Deleting",
        }
        sm.add_response("describe_inference_component", deleting, {"InferenceComponentName": component})
        sm.add_client_error("describe_inference_component", "ValidationException", gone, expected_params={"InferenceComponentName": component})
        endpoint = {"EndpointName": "xgboost-components-dev", "EndpointArn": "arn:aws:sagemaker:us-east-1:123456789012:endpoint/x", "EndpointStatus": "InService", "CreationTime": stamp, "LastModifiedTime": stamp}
        sm.add_response("describe_endpoint", endpoint, {"EndpointName": "xgboost-components-dev"})
        sm.add_response("delete_endpoint", {}, {"EndpointName": "xgboost-components-dev"})
        sm.add_response("list_endpoint_configs", {"EndpointConfigs": []}, {"NameContains": "xgboost-components"})
        sm.add_response("list_models", {"Models": []}, {"NameContains": "xgboost-components"})
        removed, failures = module.teardown(props, clients)
        sm.assert_no_pending_responses()
        aas.assert_no_pending_responses()
    assert failures == []
    assert removed == [
        f"deregistered scalable target inference-component/{component}", f"deleted alarm {component}-no-capacity",
        f"deleted inference component {component}", "deleted endpoint xgboost-components-dev",
    ]


def test_teardown_of_a_component_on_another_descriptors_endpoint_leaves_the_endpoint(module: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """No endpoint of its own (EndpointName ""), a component never created: nothing fails."""
    from botocore.stub import Stubber

    clients = _component_clients(module, monkeypatch)
    props = {"StateMachineArn": "", "NamePrefix": "churn", "EndpointName": "", "Variants": [], "InferenceComponents": ["churn-dev"]}
    with Stubber(clients.sagemaker) as sm:
        sm.add_client_error("delete_inference_component", "ValidationException", 'Could not find inference component "churn-dev".', expected_params={"InferenceComponentName": "churn-dev"})
        sm.add_response("list_endpoint_configs", {"EndpointConfigs": []}, {"NameContains": "churn"})
        sm.add_response("list_models", {"Models": []}, {"NameContains": "churn"})
        assert module.teardown(props, clients) == ([], [])
        sm.assert_no_pending_responses()


def test_teardown_reports_a_component_that_stays_deleting(module: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from botocore.stub import Stubber

    clients = _component_clients(module, monkeypatch)
    monkeypatch.setattr(module, "COMPONENT_POLLS", 2)
    removed: list[str] = []
    failures: list[str] = []
    stamp = "2026-01-01T00:00:00Z"
    deleting = {
        "InferenceComponentName": "c", "InferenceComponentArn": "arn:aws:sagemaker:us-east-1:123456789012:inference-component/c", "EndpointName": "e",
        "EndpointArn": "arn:aws:sagemaker:us-east-1:123456789012:endpoint/e", "VariantName": "AllTraffic", "CreationTime": stamp, "LastModifiedTime": stamp, "InferenceComponentStatus": "Deleting",
    }
    with Stubber(clients.sagemaker) as sm:
        sm.add_response("delete_inference_component", {}, {"InferenceComponentName": "c"})
        sm.add_response("describe_inference_component", deleting, {"InferenceComponentName": "c"})
        sm.add_response("describe_inference_component", deleting, {"InferenceComponentName": "c"})
        module._delete_components({"InferenceComponents": ["c"]}, clients, removed, failures)
    assert removed == [] and failures == ["inference component c was still deleting after 0 s"]


# ---- the handler end to end ------------------------------------------------------------------


def test_handler_create_and_update_do_nothing(aws: None, module: Any, responses: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    clients = _clients(module)
    world = _world(clients)
    monkeypatch.setattr(module, "make_clients", lambda: clients)

    module.handler(_event("Create", _props(world["machine"])), None)
    assert responses[-1]["Status"] == "SUCCESS", responses[-1]
    assert responses[-1]["PhysicalResourceId"] == "sagestack-teardown-mnist-tf"
    assert (responses[-1]["StackId"], responses[-1]["RequestId"], responses[-1]["LogicalResourceId"]) == ("arn:aws:cloudformation:us-east-1:123456789012:stack/s/1", "req", "Teardown")

    module.handler(_event("Update", {**_props(world["machine"]), "NamePrefix": "renamed"}, PhysicalResourceId="sagestack-teardown-mnist-tf"), None)
    assert responses[-1]["Status"] == "SUCCESS" and responses[-1]["PhysicalResourceId"] == "sagestack-teardown-mnist-tf"

    assert len(responses) == 2
    assert _models(clients) == set(MATCHING_MODELS + OTHER_MODELS)
    assert _configs(clients) == set(MATCHING_CONFIGS + OTHER_CONFIGS)
    assert ENDPOINT in _endpoints(clients) and f"endpoint/{ENDPOINT}/variant/AllTraffic" in _targets(clients)
    assert _status(clients, world["running"]) == "RUNNING"


def test_handler_delete_succeeds(aws: None, module: Any, responses: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    clients = _clients(module)
    world = _world(clients)
    monkeypatch.setattr(module, "make_clients", lambda: clients)

    module.handler(_event("Delete", _props(world["machine"]), PhysicalResourceId="sagestack-teardown-mnist-tf"), None)

    assert len(responses) == 1
    assert responses[0]["Status"] == "SUCCESS", responses[0]
    assert responses[0]["PhysicalResourceId"] == "sagestack-teardown-mnist-tf"
    assert _models(clients) == set(OTHER_MODELS) and _configs(clients) == set(OTHER_CONFIGS)
    assert ENDPOINT not in _endpoints(clients) and _status(clients, world["running"]) == "ABORTED"
    log = capsys.readouterr().out.splitlines()
    assert f"deleted endpoint {ENDPOINT}" in log and "deleted model mnist-tf-3f2a9c1b7d4e" in log
    assert len(log) == 2 + 1 + 1 + len(MATCHING_CONFIGS) + len(MATCHING_MODELS)  # one line per removed thing


def test_handler_delete_reports_failures_and_removes_the_rest(aws: None, module: Any, responses: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    from botocore.exceptions import ClientError

    clients = _clients(module)
    world = _world(clients)

    class FailingDeleteEndpoint:
        """The moto SageMaker client, except delete_endpoint is refused."""

        def __init__(self, inner: Any) -> None:
            self._inner = inner

        def __getattr__(self, name: str) -> Any:
            return getattr(self._inner, name)

        def delete_endpoint(self, **kwargs: Any) -> Any:
            raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "not authorized to delete"}}, "DeleteEndpoint")

    failing = module.Clients(sagemaker=FailingDeleteEndpoint(clients.sagemaker), autoscaling=clients.autoscaling, stepfunctions=clients.stepfunctions)
    monkeypatch.setattr(module, "make_clients", lambda: failing)

    module.handler(_event("Delete", _props(world["machine"]), PhysicalResourceId="sagestack-teardown-mnist-tf"), None)

    response = responses[-1]
    assert response["Status"] == "FAILED"
    assert response["PhysicalResourceId"] == "sagestack-teardown-mnist-tf"
    assert f"delete endpoint {ENDPOINT}" in response["Reason"] and "not authorized to delete" in response["Reason"]
    assert len(response["Reason"]) <= 1000
    # Everything else was still removed.
    assert ENDPOINT in _endpoints(clients)
    assert _models(clients) == set(OTHER_MODELS) and _configs(clients) == set(OTHER_CONFIGS)
    assert f"endpoint/{ENDPOINT}/variant/AllTraffic" not in _targets(clients)
    assert _status(clients, world["running"]) == "ABORTED"


def test_handler_reason_is_truncated(aws: None, module: Any, responses: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(module, "make_clients", lambda: _clients(module))
    monkeypatch.setattr(module, "teardown", lambda props, clients: ([], [f"delete model mnist-tf-{n:012x}: denied" for n in range(100)]))
    module.handler(_event("Delete", _props("")), None)
    assert responses[-1]["Status"] == "FAILED" and len(responses[-1]["Reason"]) == 1000
    assert responses[-1]["Reason"].startswith("teardown could not remove: delete model mnist-tf-000000000000: denied; ")


def test_handler_unexpected_exception_answers_failed(module: Any, responses: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> Any:
        raise RuntimeError("no region configured")

    monkeypatch.setattr(module, "make_clients", broken)
    module.handler(_event("Delete", _props("arn:x"), PhysicalResourceId="sagestack-teardown-mnist-tf"), None)
    assert responses[-1]["Status"] == "FAILED"
    assert responses[-1]["Reason"] == "teardown failed: no region configured"
    assert responses[-1]["PhysicalResourceId"] == "sagestack-teardown-mnist-tf"

    module.handler({k: v for k, v in _event("Delete", _props("arn:x")).items() if k != "RequestType"}, None)
    assert responses[-1]["Status"] == "FAILED" and "RequestType" in responses[-1]["Reason"]


def test_teardown_deletes_a_preview_groups_packages(module: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A preview's model package group goes with its stack, which CloudFormation can do only once
    the group holds no version: teardown deletes every version (all pages), and one deleted
    meanwhile is not an error; without ModelPackageGroup no package call is made."""
    import boto3
    from botocore.stub import Stubber

    for key, value in FAKE_CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    clients = module.Clients(sagemaker=boto3.client("sagemaker", region_name=REGION), autoscaling=None, stepfunctions=None)
    stamp = "2026-01-01T00:00:00Z"
    group = "xgboost-tuned-pr-12"

    def version(n: int) -> dict[str, Any]:
        return {"ModelPackageGroupName": group, "ModelPackageVersion": n, "ModelPackageArn": f"arn:aws:sagemaker:us-east-1:123456789012:model-package/{group}/{n}", "CreationTime": stamp, "ModelPackageStatus": "Completed"}

    with Stubber(clients.sagemaker) as sm:
        sm.add_response("list_model_packages", {"ModelPackageSummaryList": [version(1)], "NextToken": "p1"}, {"ModelPackageGroupName": group})
        sm.add_response("list_model_packages", {"ModelPackageSummaryList": [version(2)]}, {"ModelPackageGroupName": group, "NextToken": "p1"})
        sm.add_response("delete_model_package", {}, {"ModelPackageName": version(1)["ModelPackageArn"]})
        sm.add_client_error("delete_model_package", "ValidationException", f"Model package {group}/2 does not exist.", expected_params={"ModelPackageName": version(2)["ModelPackageArn"]})
        removed: list[str] = []
        failures: list[str] = []
        module._delete_packages({"ModelPackageGroup": group}, clients, removed, failures)
        sm.assert_no_pending_responses()
        module._delete_packages({}, clients, removed, failures)  # an environment's group is retained
    assert failures == [] and removed == [f"deleted model package {version(1)['ModelPackageArn']}"]
