"""CloudFormation custom resource: remove what the pipeline's state machine created at run time.

The Step Functions state machine creates SageMaker models and endpoint configs named
``<NamePrefix>-<12 lowercase hex>``, one endpoint with a stable name (or an inference component
with a stable name on it, or on another descriptor's endpoint), and an Application Auto Scaling
scalable target per endpoint variant (or for the component's copies). None of them are
CloudFormation resources, so on stack deletion this handler removes them, so that a deleted
stack leaves nothing billing.

Create and Update do nothing. Delete, in order:
  1. stop every RUNNING execution of the state machine (so no run recreates anything);
  2. deregister the scalable target of each variant and autoscaled component, and delete the
     alarms a run put;
  3. delete the inference components, and wait until they are gone (an endpoint is deleted
     only without components);
  4. delete the endpoint, if it exists;
  5. delete every endpoint config and model whose name is exactly ``<NamePrefix>-<12 hex>``;
  6. with ModelPackageGroup (a preview's group, which goes with its stack): delete every package
     version in it, so that CloudFormation can delete the group.
Failures are collected rather than stopping at the first; any failure answers FAILED with a
reason naming each one.

Properties (CloudFormation passes strings and lists of strings):
  StateMachineArn (str), NamePrefix (str, e.g. "mnist-tf"),
  EndpointName (str, "" when there is no endpoint), Variants (list of variant names, may be empty),
  Alarms (list of CloudWatch alarm names, optional: the scale-from-zero alarm of an asynchronous
  endpoint or of a component's copies), InferenceComponents (list of component names, optional),
  ScaledInferenceComponents (those of them whose copies are a scalable target, optional),
  ModelPackageGroup (str, optional: the group whose packages are deleted).
PhysicalResourceId: ``sagestack-teardown-<NamePrefix>``.
"""

from __future__ import annotations

import re
import time
from typing import Any

from botocore.exceptions import ClientError
from cfn_response import send  # this directory is the asset's root

SCALABLE_DIMENSION = "sagemaker:variant:DesiredInstanceCount"
COMPONENT_DIMENSION = "sagemaker:inference-component:DesiredCopyCount"
# How long a deleted component is waited for (within the function's 10 minutes).
COMPONENT_POLL_SECONDS, COMPONENT_POLLS = 15, 30
STOP_ERROR = "StackDeleted"
STOP_CAUSE = "The CloudFormation stack that owns this state machine is being deleted."


class Clients:
    """The boto3 clients teardown needs (tests pass moto-backed or stubbed ones).

    A plain class, not a dataclass: dataclasses look the module up in sys.modules, which a module
    loaded by path (as the tests do) is not in.
    """

    def __init__(self, sagemaker: Any, autoscaling: Any, stepfunctions: Any, cloudwatch: Any = None) -> None:
        self.sagemaker = sagemaker
        self.autoscaling = autoscaling  # application-autoscaling
        self.stepfunctions = stepfunctions
        self.cloudwatch = cloudwatch


def make_clients() -> Clients:
    import boto3  # imported here so the module imports without a region or credentials

    return Clients(
        sagemaker=boto3.client("sagemaker"),
        autoscaling=boto3.client("application-autoscaling"),
        stepfunctions=boto3.client("stepfunctions"),
        cloudwatch=boto3.client("cloudwatch"),
    )


def name_pattern(prefix: str) -> re.Pattern[str]:
    """Names the state machine generates: ``<prefix>-<12 lowercase hex>``, nothing else."""
    return re.compile(rf"^{re.escape(prefix)}-[0-9a-f]{{12}}$")


def physical_id(props: dict[str, Any]) -> str:
    return f"sagestack-teardown-{props.get('NamePrefix', '')}"


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _message(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Message", ""))


def _names(props: dict[str, Any], key: str) -> list[str]:
    names = props.get(key) or []
    if isinstance(names, str):  # tolerate a single name
        names = [names]
    return [str(v) for v in names if str(v)]


def _variants(props: dict[str, Any]) -> list[str]:
    return _names(props, "Variants")


def _stop_executions(props: dict[str, Any], clients: Clients, removed: list[str], failures: list[str]) -> None:
    arn = props.get("StateMachineArn") or ""
    if not arn:
        return
    try:
        arns = [
            execution["executionArn"]
            for page in clients.stepfunctions.get_paginator("list_executions").paginate(stateMachineArn=arn, statusFilter="RUNNING")
            for execution in page.get("executions", [])
        ]
    except ClientError as exc:
        if _code(exc) == "StateMachineDoesNotExist":
            return  # nothing can run
        failures.append(f"list executions of {arn}: {exc}")
        return
    for execution_arn in arns:
        try:
            clients.stepfunctions.stop_execution(executionArn=execution_arn, error=STOP_ERROR, cause=STOP_CAUSE)
        except ClientError as exc:
            if _still_running(clients, execution_arn):
                failures.append(f"stop execution {execution_arn}: {exc}")
            continue  # it finished on its own between list and stop
        removed.append(f"stopped execution {execution_arn}")


def _still_running(clients: Clients, execution_arn: str) -> bool:
    try:
        return clients.stepfunctions.describe_execution(executionArn=execution_arn).get("status") == "RUNNING"
    except ClientError:
        return True


def _deregister_targets(props: dict[str, Any], clients: Clients, removed: list[str], failures: list[str]) -> None:
    endpoint = props.get("EndpointName") or ""
    targets = [(f"endpoint/{endpoint}/variant/{variant}", SCALABLE_DIMENSION) for variant in _variants(props)] if endpoint else []
    targets += [(f"inference-component/{name}", COMPONENT_DIMENSION) for name in _names(props, "ScaledInferenceComponents")]
    for resource_id, dimension in targets:
        try:
            clients.autoscaling.deregister_scalable_target(ServiceNamespace="sagemaker", ResourceId=resource_id, ScalableDimension=dimension)
        except ClientError as exc:
            # AWS answers ObjectNotFoundException; moto answers ValidationException "No scalable target found ...".
            if _code(exc) == "ObjectNotFoundException" or "No scalable target" in _message(exc):
                continue
            failures.append(f"deregister scalable target {resource_id}: {exc}")
            continue
        removed.append(f"deregistered scalable target {resource_id}")


def _delete_alarms(props: dict[str, Any], clients: Clients, removed: list[str], failures: list[str]) -> None:
    names = [n for n in props.get("Alarms") or [] if n]
    if not names:
        return
    try:
        clients.cloudwatch.delete_alarms(AlarmNames=names)  # absent names are not an error
    except ClientError as exc:
        failures.append(f"delete alarms {', '.join(names)}: {exc}")
        return
    removed.extend(f"deleted alarm {n}" for n in names)


def _component_gone(clients: Clients, name: str) -> bool:
    try:
        clients.sagemaker.describe_inference_component(InferenceComponentName=name)
    except ClientError as exc:
        if "Could not find" in _message(exc):
            return True
        raise
    return False


def _delete_components(props: dict[str, Any], clients: Clients, removed: list[str], failures: list[str]) -> None:
    """Delete each component a run created, then wait until all are gone: DeleteEndpoint refuses
    an endpoint that still holds one."""
    started = []
    for name in _names(props, "InferenceComponents"):
        try:
            clients.sagemaker.delete_inference_component(InferenceComponentName=name)
        except ClientError as exc:
            if "Could not find" not in _message(exc):
                failures.append(f"delete inference component {name}: {exc}")
            continue  # absent (never created, or deleted meanwhile)
        started.append(name)
    deleting = list(started)
    for _poll in range(COMPONENT_POLLS):
        try:
            deleting = [name for name in deleting if not _component_gone(clients, name)]
        except ClientError as exc:
            failures.append(f"describe inference components {', '.join(deleting)}: {exc}")
            return
        if not deleting:
            break
        time.sleep(COMPONENT_POLL_SECONDS)
    failures.extend(f"inference component {name} was still deleting after {COMPONENT_POLLS * COMPONENT_POLL_SECONDS} s" for name in deleting)
    removed.extend(f"deleted inference component {name}" for name in started if name not in deleting)


def _delete_endpoint(props: dict[str, Any], clients: Clients, removed: list[str], failures: list[str]) -> None:
    endpoint = props.get("EndpointName") or ""
    if not endpoint:
        return
    try:
        clients.sagemaker.describe_endpoint(EndpointName=endpoint)
    except ClientError as exc:
        if _code(exc) == "ValidationException" or "Could not find endpoint" in _message(exc):
            return  # absent
        failures.append(f"describe endpoint {endpoint}: {exc}")
        return
    try:
        clients.sagemaker.delete_endpoint(EndpointName=endpoint)
    except ClientError as exc:
        if "Could not find endpoint" in _message(exc):
            return  # deleted meanwhile
        failures.append(f"delete endpoint {endpoint}: {exc}")
        return
    removed.append(f"deleted endpoint {endpoint}")


def _matching(clients: Clients, operation: str, key: str, name_key: str, prefix: str) -> list[str]:
    pattern = name_pattern(prefix)
    names: list[str] = []
    for page in clients.sagemaker.get_paginator(operation).paginate(NameContains=prefix):
        names.extend(item[name_key] for item in page.get(key, []) if pattern.match(item[name_key]))
    return names


def _delete_generated(props: dict[str, Any], clients: Clients, removed: list[str], failures: list[str]) -> None:
    prefix = props.get("NamePrefix") or ""
    if not prefix:
        failures.append("NamePrefix is empty: refusing to match every model")
        return
    kinds = (
        ("endpoint config", "list_endpoint_configs", "EndpointConfigs", "EndpointConfigName", "delete_endpoint_config"),
        ("model", "list_models", "Models", "ModelName", "delete_model"),
    )
    for label, operation, key, name_key, delete in kinds:
        try:
            names = _matching(clients, operation, key, name_key, prefix)
        except ClientError as exc:
            failures.append(f"{operation} {prefix}: {exc}")
            continue
        for name in names:
            try:
                getattr(clients.sagemaker, delete)(**{name_key: name})
            except ClientError as exc:
                if "Could not find" in _message(exc):
                    continue  # deleted meanwhile
                failures.append(f"delete {label} {name}: {exc}")
                continue
            removed.append(f"deleted {label} {name}")


def _delete_packages(props: dict[str, Any], clients: Clients, removed: list[str], failures: list[str]) -> None:
    group = props.get("ModelPackageGroup")
    if not group:
        return
    arns: list[str] = []
    for page in clients.sagemaker.get_paginator("list_model_packages").paginate(ModelPackageGroupName=group):
        arns.extend(item["ModelPackageArn"] for item in page.get("ModelPackageSummaryList", []))
    for arn in arns:
        try:
            clients.sagemaker.delete_model_package(ModelPackageName=arn)
        except ClientError as exc:
            if "does not exist" in _message(exc):
                continue  # deleted meanwhile
            failures.append(f"delete model package {arn}: {exc}")
            continue
        removed.append(f"deleted model package {arn}")


def teardown(props: dict[str, Any], clients: Clients) -> tuple[list[str], list[str]]:
    """Remove the run-time resources; return (what was removed, what could not be removed)."""
    removed: list[str] = []
    failures: list[str] = []
    for step in (_stop_executions, _deregister_targets, _delete_alarms, _delete_components, _delete_endpoint, _delete_generated, _delete_packages):
        try:
            step(props, clients, removed, failures)
        except Exception as exc:  # noqa: BLE001 - keep going, report every failure
            failures.append(f"{step.__name__.lstrip('_').replace('_', ' ')}: {exc}")
    return removed, failures


def handler(event: dict[str, Any], context: Any) -> None:
    props = event.get("ResourceProperties") or {}
    resource_id = event.get("PhysicalResourceId") or physical_id(props)
    try:
        if event["RequestType"] != "Delete":  # Create, Update: nothing to do
            if event["RequestType"] == "Create":
                resource_id = physical_id(props)
            send(event, "SUCCESS", resource_id, {})
            return
        removed, failures = teardown(props, make_clients())
        for line in removed:
            print(line)
        for line in failures:
            print(f"FAILED: {line}")
        if failures:
            send(event, "FAILED", resource_id, {}, reason=("teardown could not remove: " + "; ".join(failures))[:1000])
        else:
            send(event, "SUCCESS", resource_id, {})
    except Exception as exc:  # noqa: BLE001 - every failure must reach CloudFormation
        print(f"teardown failed: {exc!r}")
        send(event, "FAILED", resource_id, {}, reason=f"teardown failed: {exc}"[:1000])
