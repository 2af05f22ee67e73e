"""Inference components rendered as the SDK sends them (the fidelity fixtures prove the full
requests); here the rules that decide their shape, and the copies' autoscaling requests checked
against botocore's Application Auto Scaling and CloudWatch models."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import botocore.session
from botocore.validate import ParamValidator

from sagestack.descriptor import validate_data
from sagestack.render import RenderContext, render_requests
from sagestack.render.inference_component import (
    COMPONENT_SCALING_DIMENSION,
    component_resource_id,
    component_scale_from_zero_configuration,
    component_scales_from_zero,
    component_target_tracking_configuration,
    no_capacity_alarm,
)

CTX = RenderContext(region="us-east-1", endpoint_name="shared-models", role_arn="arn:aws:iam::123456789012:role/r")
MODEL = {"type": "XGBoostModel", "model_data": "s3://sagestack-test/model.tar.gz", "framework_version": "1.7-1"}


def _descriptor(deploy: dict[str, Any]) -> Any:
    result = validate_data({"name": "ic-test", "model": MODEL, "deploy": {"endpoint_type": "inference-component-based", **deploy}}, file="ic.yaml", source=Path("infra/models/ic.yaml"))
    assert result.descriptor is not None, [i.format() for i in result.issues]
    return result.descriptor


def test_the_endpoint_variant_names_no_model_and_managed_scaling_starts_at_the_instance_count() -> None:
    d = _descriptor({"instance_type": "ml.m5.xlarge", "initial_instance_count": 2, "resources": {"requests": {"memory": 2048, "num_cpus": 0}}, "managed_instance_scaling": {"MaxInstanceCount": 4}})
    requests = render_requests(d, CTX)
    assert list(requests) == ["CreateModel", "CreateEndpointConfig", "CreateEndpoint", "CreateInferenceComponent"]
    (variant,) = requests["CreateEndpointConfig"]["ProductionVariants"]
    assert "ModelName" not in variant and "InitialVariantWeight" not in variant
    assert variant["ManagedInstanceScaling"] == {"Status": "ENABLED", "MaxInstanceCount": 4, "MinInstanceCount": 2}
    assert requests["CreateEndpointConfig"]["ExecutionRoleArn"] == requests["CreateModel"]["ExecutionRoleArn"]
    component = requests["CreateInferenceComponent"]
    assert component["Specification"]["ComputeResourceRequirements"] == {"MinMemoryRequiredInMb": 2048}  # 0 CPUs: not sent
    assert component["Specification"]["ModelName"] == requests["CreateModel"]["ModelName"]
    assert (component["EndpointName"], component["VariantName"], component["RuntimeConfig"]) == ("shared-models", "AllTraffic", {"CopyCount": 1})


def test_a_component_joining_an_endpoint_renders_only_its_model_and_component() -> None:
    d = _descriptor({"endpoint_name": "shared-models", "instance_type": "ml.m5.xlarge", "resources": {"requests": {"memory": 512}}, "inference_component_name": "churn"})
    requests = render_requests(d, RenderContext(region="us-east-1"))
    assert list(requests) == ["CreateModel", "CreateInferenceComponent"]
    assert (requests["CreateInferenceComponent"]["EndpointName"], requests["CreateInferenceComponent"]["InferenceComponentName"]) == ("shared-models", "churn")


def _valid(service: str, operation: str, params: dict[str, Any]) -> None:
    model = botocore.session.get_session().get_service_model(service)
    report = ParamValidator().validate(params, model.operation_model(operation).input_shape)
    assert not report.has_errors(), report.generate_report()


def test_copy_scaling_requests_are_valid_for_botocore() -> None:
    d = _descriptor({
        "instance_type": "ml.m5.xlarge", "initial_instance_count": 1, "resources": {"requests": {"memory": 1024}},
        "autoscaling": {"min_capacity": 0, "max_capacity": 3, "target_invocations_per_copy": 4},
    })
    assert component_scales_from_zero(d.deploy)
    target = {"ServiceNamespace": "sagemaker", "ResourceId": component_resource_id("churn-dev"), "ScalableDimension": COMPONENT_SCALING_DIMENSION}
    _valid("application-autoscaling", "RegisterScalableTarget", {**target, "MinCapacity": 0, "MaxCapacity": 3})
    tracking = component_target_tracking_configuration(d.deploy.autoscaling)
    assert tracking["PredefinedMetricSpecification"]["PredefinedMetricType"] in botocore.session.get_session().get_service_model("application-autoscaling").shape_for("MetricType").enum
    _valid("application-autoscaling", "PutScalingPolicy", {**target, "PolicyName": "p", "PolicyType": "TargetTrackingScaling", "TargetTrackingScalingPolicyConfiguration": tracking})
    _valid("application-autoscaling", "PutScalingPolicy", {**target, "PolicyName": "z", "PolicyType": "StepScaling", "StepScalingPolicyConfiguration": component_scale_from_zero_configuration()})
    alarm = no_capacity_alarm("churn-dev")
    _valid("cloudwatch", "PutMetricAlarm", {**alarm, "AlarmActions": ["arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:x"]})
    assert alarm["Dimensions"] == [{"Name": "InferenceComponentName", "Value": "churn-dev"}] and alarm["MetricName"] == "NoCapacityInvocationFailures"


def test_copies_that_never_reach_zero_need_no_wake_up() -> None:
    d = _descriptor({
        "instance_type": "ml.m5.xlarge", "initial_instance_count": 1, "resources": {"requests": {"memory": 1024}},
        "autoscaling": {"min_capacity": 1, "max_capacity": 3, "target_invocations_per_copy": 4},
    })
    assert not component_scales_from_zero(d.deploy)


def test_an_update_points_the_component_at_a_new_model_and_keeps_autoscaled_copies() -> None:
    """session.update_inference_component's request from the create request: the specification
    (model, resources) always; RuntimeConfig only when autoscaling does not own the copy count."""
    from sagestack.render.inference_component import update_inference_component

    d = _descriptor({"instance_type": "ml.m5.xlarge", "initial_instance_count": 1, "resources": {"requests": {"memory": 1024, "num_cpus": 1, "copies": 2}}})
    create = render_requests(d, CTX)["CreateInferenceComponent"]
    kept = update_inference_component(create, keep_copies=True)
    assert kept == {"InferenceComponentName": create["InferenceComponentName"], "Specification": create["Specification"]}
    reset = update_inference_component(create, keep_copies=False)
    assert reset["RuntimeConfig"] == {"CopyCount": 2}
    filled = {"InferenceComponentName": "churn-dev", "Specification": {**reset["Specification"], "ModelName": "churn-0123456789ab"}, "RuntimeConfig": reset["RuntimeConfig"]}
    _valid("sagemaker", "UpdateInferenceComponent", filled)
