"""A pipeline that deploys into an inference component (xgboost-components), executed locally by
aws-local-stepfunctions: the first run creates the endpoint (its config names no model) and the
component with the run's model; a later run finds the endpoint on the same settings, leaves it,
and updates the component to its model, keeping the copies' autoscaling; a failed component
fails the run with SageMaker's reason. Every request a task receives is valid for botocore."""

from __future__ import annotations

import json
import re
from typing import Any

from sagestack.descriptor import ModelDescriptor
from sagestack.pipeline import pipeline_definition
from sagestack.pipeline.steps.endpoint import component_config_name

from .golden import CTX, example_resources, joining_components
from .harness import run
from .test_pipeline_definition import CATALOG_BY_NAME, CHECKED, NOT_FOUND, OK, TRAINED, assert_requests_valid, endpoint, example_with_deploy

NAME = "xgboost-components"
COMPONENT = "xgboost-components-dev"
COMPONENT_ARN = f"arn:aws:sagemaker:us-east-1:123456789012:inference-component/{COMPONENT}"
NO_COMPONENT = {"error": "SageMaker.SageMakerException", "cause": f'Could not find inference component "{COMPONENT_ARN}". (Service: SageMaker, Status Code: 400)'}
NO_CONFIG = {"error": "SageMaker.SageMakerException", "cause": 'Could not find endpoint configuration "arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/x". (Service: SageMaker, Status Code: 400)'}
POLICY_ARN = f"arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:2222:resource/sagemaker/inference-component/{COMPONENT}:policyName/{COMPONENT}-scale-from-zero"


def descriptor(**deploy: Any) -> ModelDescriptor:
    """xgboost-components, its deploy section changed by ``deploy`` (a key set to None is removed)."""
    return example_with_deploy(NAME, **deploy)


def definition(d: ModelDescriptor | None = None) -> dict[str, Any]:
    d = d or CATALOG_BY_NAME[NAME]
    return pipeline_definition(d, CTX, example_resources(d, False))


def config_name(d: ModelDescriptor | None = None) -> str:
    from sagestack.pipeline.steps.base import StepContext, run_prefix

    d = d or CATALOG_BY_NAME[NAME]
    name = component_config_name(StepContext(d=d, ctx=CTX, resources=example_resources(d, False), prefix=run_prefix(d), static={}))
    assert name is not None
    return name


def component(status: str, *, model: str = "{{call:Create model.ModelName}}", reason: str | None = None, copies: int = 1) -> dict[str, Any]:
    """A DescribeInferenceComponent answer."""
    answer: dict[str, Any] = {
        "InferenceComponentName": COMPONENT, "InferenceComponentArn": COMPONENT_ARN, "EndpointName": "xgboost-components-dev",
        "EndpointArn": "arn:aws:sagemaker:us-east-1:123456789012:endpoint/xgboost-components-dev", "VariantName": "AllTraffic",
        "Specification": {"ModelName": model, "ComputeResourceRequirements": {"NumberOfCpuCoresRequired": 1.0, "MinMemoryRequiredInMb": 1024}},
        "RuntimeConfig": {"DesiredCopyCount": copies, "CurrentCopyCount": copies},
        "CreationTime": "2026-11-23T10:00:00Z", "LastModifiedTime": "2026-11-23T10:05:00Z", "InferenceComponentStatus": status,
    }
    if reason is not None:
        answer["FailureReason"] = reason
    return {"result": answer}


def scaling_tasks() -> dict[str, list[dict[str, Any]]]:
    return {"Register scaling target": [OK], "Put scaling policy": [OK], "Put scale-from-zero policy": [{"result": {"PolicyARN": POLICY_ARN, "Alarms": []}}], "Put no-capacity alarm": [OK]}


def first_run_tasks() -> dict[str, list[dict[str, Any]]]:
    wanted = config_name()
    return {
        "Check run input": [CHECKED], "Train": [TRAINED], "Create model": [OK],
        "Find endpoint config": [NO_CONFIG], "Create endpoint config": [OK],
        "Find endpoint": [NOT_FOUND], "Create endpoint": [OK], "Check endpoint": [endpoint("Creating", config=wanted), endpoint("InService", config=wanted)],
        "Find inference component": [NO_COMPONENT], "Create inference component": [OK],
        "Check inference component": [component("Creating"), component("InService")],
        **scaling_tasks(),
    }


def later_run_tasks(*, endpoint_config: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """A later run: the endpoint is InService on ``endpoint_config`` (default: these settings'),
    the component on an earlier run's model, at the copies autoscaling set."""
    wanted = config_name()
    return {
        "Check run input": [CHECKED], "Train": [TRAINED], "Create model": [OK],
        "Find endpoint config": [OK],
        "Find endpoint": [endpoint("InService", config=endpoint_config or wanted)],
        "Find inference component": [component("InService", model="xgboost-components-0123456789ab", copies=2)],
        "Deregister scaling target": [OK], "Update inference component": [OK],
        "Check inference component": [component("Updating", model="xgboost-components-0123456789ab", copies=2), component("InService", copies=2)],
        **scaling_tasks(),
    }


def test_the_first_run_creates_the_endpoint_then_the_component_with_the_runs_model() -> None:
    defn = definition()
    out = run(defn, first_run_tasks())
    assert out["status"] == "SUCCEEDED", out
    steps = [s for s in out["path"] if s in ("Create model", "Create endpoint config", "Create endpoint", "Create inference component", "Register scaling target", "Put no-capacity alarm", "Summarize")]
    assert steps == ["Create model", "Create endpoint config", "Create endpoint", "Create inference component", "Register scaling target", "Put no-capacity alarm", "Summarize"]
    run_name = out["output"]["run_name"]
    wanted = config_name()
    assert re.fullmatch(r"xgboost-components-[0-9a-f]{12}", wanted) and wanted != run_name
    [config] = out["calls"]["Create endpoint config"]
    assert config["EndpointConfigName"] == wanted
    [variant] = config["ProductionVariants"]
    assert "ModelName" not in variant and variant["ManagedInstanceScaling"] == {"Status": "ENABLED", "MaxInstanceCount": 2, "MinInstanceCount": 0}
    assert config["ExecutionRoleArn"] == out["calls"]["Create model"][0]["ExecutionRoleArn"]  # the variant names no model: the config carries its role
    assert out["calls"]["Create endpoint"][0]["EndpointConfigName"] == wanted
    [create] = out["calls"]["Create inference component"]
    assert create == {
        "InferenceComponentName": COMPONENT, "EndpointName": "xgboost-components-dev", "VariantName": "AllTraffic",
        "Specification": {"ModelName": run_name, "StartupParameters": {}, "ComputeResourceRequirements": {"MinMemoryRequiredInMb": 1024, "NumberOfCpuCoresRequired": 1.0}},
        "RuntimeConfig": {"CopyCount": 1},
    }
    register = out["calls"]["Register scaling target"][0]
    assert (register["ResourceId"], register["ScalableDimension"], register["MinCapacity"], register["MaxCapacity"]) == (f"inference-component/{COMPONENT}", "sagemaker:inference-component:DesiredCopyCount", 0, 2)
    tracking = out["calls"]["Put scaling policy"][0]["TargetTrackingScalingPolicyConfiguration"]
    assert tracking["PredefinedMetricSpecification"] == {"PredefinedMetricType": "SageMakerInferenceComponentInvocationsPerCopy"} and tracking["TargetValue"] == 20.0
    alarm = out["calls"]["Put no-capacity alarm"][0]
    assert alarm["MetricName"] == "NoCapacityInvocationFailures" and alarm["AlarmActions"] == [POLICY_ARN]
    assert out["output"]["inference_component_name"] == COMPONENT and out["output"]["endpoint_config_name"] == wanted
    assert assert_requests_valid(defn, out) >= 14


def test_a_later_run_leaves_the_endpoint_and_updates_the_component_keeping_its_autoscaling() -> None:
    defn = definition()
    out = run(defn, later_run_tasks())
    assert out["status"] == "SUCCEEDED", out
    assert not {"Create endpoint config", "Create endpoint", "Update endpoint", "Create inference component"} & set(out["path"])
    order = [s for s in out["path"] if s in ("Find endpoint", "Deregister scaling target", "Update inference component", "Check inference component", "Register scaling target", "Put scaling policy", "Put scale-from-zero policy", "Put no-capacity alarm")]
    assert order == [
        "Find endpoint", "Deregister scaling target", "Update inference component", "Check inference component", "Check inference component",
        "Register scaling target", "Put scaling policy", "Put scale-from-zero policy", "Put no-capacity alarm",
    ]
    [update] = out["calls"]["Update inference component"]
    assert update["Specification"]["ModelName"] == out["output"]["run_name"]
    assert "RuntimeConfig" not in update  # the copies autoscaling set stay
    assert out["calls"]["Deregister scaling target"][0]["ResourceId"] == f"inference-component/{COMPONENT}"
    assert out["calls"]["Put no-capacity alarm"][0]["AlarmActions"] == [POLICY_ARN]
    assert assert_requests_valid(defn, out) >= 12


def test_changed_endpoint_settings_update_the_endpoint_before_the_component() -> None:
    """A new MaxInstanceCount is a new config (named after its content): the endpoint is updated to
    it, then the component to the run's model."""
    d = descriptor(managed_instance_scaling={"MinInstanceCount": 0, "MaxInstanceCount": 4})
    assert config_name(d) != config_name()
    defn = definition(d)
    tasks = later_run_tasks(endpoint_config=config_name())
    tasks.update({
        "Find endpoint config": [NO_CONFIG], "Create endpoint config": [OK], "Update endpoint": [OK],
        "Check endpoint": [endpoint("Updating", config=config_name()), endpoint("InService", config=config_name(d))],
    })
    out = run(defn, tasks)
    assert out["status"] == "SUCCEEDED", out
    assert out["calls"]["Update endpoint"][0] == {"EndpointName": "xgboost-components-dev", "EndpointConfigName": config_name(d)}
    assert out["path"].index("Update endpoint") < out["path"].index("Update inference component")
    assert out["calls"]["Create endpoint config"][0]["ProductionVariants"][0]["ManagedInstanceScaling"]["MaxInstanceCount"] == 4
    assert assert_requests_valid(defn, out) >= 12


def test_a_failed_component_fails_the_run_with_its_reason() -> None:
    tasks = first_run_tasks()
    tasks["Check inference component"] = [component("Creating"), component("Failed", reason="CapacityError: not enough memory on the instances for 1024 MiB")]
    out = run(definition(), tasks)
    assert out["status"] == "FAILED", out
    assert out["error"] == "InferenceComponentFailed"
    assert "CapacityError: not enough memory" in json.dumps(out["cause"])
    assert "Register scaling target" not in out["path"]


def test_a_rolled_back_component_update_fails_the_run() -> None:
    tasks = later_run_tasks()
    tasks["Check inference component"] = [component("Updating", model="xgboost-components-0123456789ab"), component("InService", model="xgboost-components-0123456789ab", reason="the new model's container failed its health check")]
    out = run(definition(), tasks)
    assert out["status"] == "FAILED" and out["error"] == "InferenceComponentUpdateRolledBack", out


def test_a_failed_component_is_deleted_and_created_again() -> None:
    tasks = first_run_tasks()
    tasks["Find inference component"] = [component("Failed", model="xgboost-components-0123456789ab"), component("Deleting"), NO_COMPONENT]
    tasks["Delete failed inference component"] = [OK]
    out = run(definition(), tasks)
    assert out["status"] == "SUCCEEDED", out
    order = [s for s in out["path"] if s in ("Delete failed inference component", "Find inference component", "Create inference component")]
    assert order == ["Find inference component", "Delete failed inference component", "Find inference component", "Find inference component", "Create inference component"]


def test_without_autoscaling_an_update_sets_the_copies() -> None:
    d = descriptor(autoscaling=None)
    defn = definition(d)
    tasks = later_run_tasks()
    for name in ("Deregister scaling target", *scaling_tasks()):
        del tasks[name]
    out = run(defn, tasks)
    assert out["status"] == "SUCCEEDED", out
    assert out["calls"]["Update inference component"][0]["RuntimeConfig"] == {"CopyCount": 1}
    assert "Register scaling target" not in defn["States"]


def test_a_component_joining_another_descriptors_endpoint_leaves_the_endpoint_alone() -> None:
    d = joining_components()
    defn = definition(d)
    assert not any("endpoint" in name.lower() and "inference component" not in name.lower() for name in defn["States"] if not name.endswith("failed"))
    out = run(defn, {k: v for k, v in first_run_tasks().items() if "endpoint" not in k.lower() or "inference component" in k.lower()})
    assert out["status"] == "SUCCEEDED", out
    assert out["calls"]["Create inference component"][0]["EndpointName"] == "shared-models"
    assert "endpoint_config_name" not in out["output"] and out["output"]["endpoint_name"] == "shared-models"


def test_a_joining_pipeline_tears_down_its_component_and_never_the_endpoint() -> None:
    """Its stack deletes the component its runs created; the endpoint is the owner's to delete."""
    from .golden import synthesized

    template = synthesized({"joins": (joining_components(), "none")})["joins"]["template"]
    [teardown] = [r["Properties"] for r in template["Resources"].values() if r["Type"] == "Custom::SageMakerPipelineTeardown"]
    assert (teardown["EndpointName"], teardown["InferenceComponents"], teardown["ScaledInferenceComponents"]) == ("", [COMPONENT], [COMPONENT])
    policies = json.dumps([r for r in template["Resources"].values() if r["Type"] == "AWS::IAM::Role"])
    assert '"sagemaker:DeleteEndpoint"' not in policies and "sagemaker:DeleteInferenceComponent" in policies
