"""Hosting constructs on a session-scoped synth: each field group lands in the property its docs
name; cfn-lint and cdk-nag are clean; changing model_data replaces Model and EndpointConfig and
updates the Endpoint in place; autoscaling resources and their dependencies."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import assertions
from cdk_nag import AwsSolutionsChecks

from sagestack.descriptor import load_catalog, validate_data
from sagestack.hosting import ModelEndpoint

from ..conftest import CATALOG

HOSTED = {d.name: d for d in load_catalog([CATALOG]).descriptors if d.model is not None and d.deploy is not None}


def _stack(descriptor: Any, app: cdk.App, name: str) -> cdk.Stack:
    stack = cdk.Stack(app, name, env=cdk.Environment(region="us-east-1"))
    ModelEndpoint(stack, "Hosting", descriptor=descriptor, environment="test")
    return stack


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every hosted example in one app, with the AwsSolutions pack: synth fails on any finding."""
    outdir = tmp_path_factory.mktemp("hosting.out")
    app = cdk.App(outdir=str(outdir))
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))
    stacks = {name: _stack(d, app, f"hosting-{name}") for name, d in HOSTED.items()}
    app.synth()
    templates = {name: assertions.Template.from_stack(stack) for name, stack in stacks.items()}
    return {"outdir": outdir, "templates": templates, "stacks": stacks}


def _one(template: assertions.Template, resource_type: str) -> dict[str, Any]:
    found = template.find_resources(resource_type)
    assert len(found) == 1, (resource_type, list(found))
    return next(iter(found.values()))


def test_examples_cover_the_required_cases() -> None:
    assert any(d.deploy.accelerator_type for d in HOSTED.values())
    assert any(d.deploy.autoscaling for d in HOSTED.values())
    assert any(d.deploy.serverless_inference_config for d in HOSTED.values())


def test_model_fields_land_in_the_model(synth: dict[str, Any]) -> None:
    t = synth["templates"]["mnist-serving"]
    props = next(iter(t.find_resources("AWS::SageMaker::Model").values()))["Properties"]
    assert props["PrimaryContainer"]["Image"] == "763104351884.dkr.ecr.us-east-1.amazonaws.com/tensorflow-inference:2.11-gpu"
    assert props["PrimaryContainer"]["ModelDataUrl"] == HOSTED["mnist-serving"].model.model_data
    assert "ModelName" not in props, "no fixed physical names on models"
    assert "Fn::GetAtt" in props["ExecutionRoleArn"]


def test_endpoint_config_fields(synth: dict[str, Any]) -> None:
    serving = next(iter(synth["templates"]["mnist-serving"].find_resources("AWS::SageMaker::EndpointConfig").values()))["Properties"]
    [variant] = serving["ProductionVariants"]
    assert (variant["VariantName"], variant["InitialInstanceCount"], variant["InstanceType"], variant["InitialVariantWeight"]) == ("AllTraffic", 1, "ml.g4dn.xlarge", 1)
    assert variant["ModelName"]["Fn::GetAtt"][1] == "ModelName"
    assert serving["DataCaptureConfig"]["InitialSamplingPercentage"] == 10
    assert serving["DataCaptureConfig"]["DestinationS3Uri"] == "s3://sagestack-examples-data/mnist/capture"
    assert "EndpointConfigName" not in serving
    eia = next(iter(synth["templates"]["tf-serving-eia"].find_resources("AWS::SageMaker::EndpointConfig").values()))
    assert eia["Properties"]["ProductionVariants"][0]["AcceleratorType"] == "ml.eia2.medium"
    assert eia["Metadata"]["cfn-lint"]["config"]["ignore_checks"] == ["E3002"]
    eia_model = next(iter(synth["templates"]["tf-serving-eia"].find_resources("AWS::SageMaker::Model").values()))["Properties"]
    assert "/tensorflow-inference-eia:" in eia_model["PrimaryContainer"]["Image"]
    serverless = next(iter(synth["templates"]["mxnet-serverless"].find_resources("AWS::SageMaker::EndpointConfig").values()))["Properties"]
    assert serverless["ProductionVariants"][0]["ServerlessConfig"]["MemorySizeInMB"] == HOSTED["mxnet-serverless"].deploy.serverless_inference_config.memory_size_in_mb
    assert "InstanceType" not in serverless["ProductionVariants"][0]


def test_endpoint_has_the_stable_name(synth: dict[str, Any]) -> None:
    endpoint = next(iter(synth["templates"]["mnist-serving"].find_resources("AWS::SageMaker::Endpoint").values()))["Properties"]
    assert endpoint["EndpointName"] == "mnist-serving-test"
    assert endpoint["EndpointConfigName"]["Fn::GetAtt"][1] == "EndpointConfigName"


def test_ab_variants(synth: dict[str, Any]) -> None:
    t = synth["templates"]["mnist-ab"]
    models = t.find_resources("AWS::SageMaker::Model")
    assert len(models) == 2
    data = sorted(m["Properties"]["PrimaryContainer"]["ModelDataUrl"] for m in models.values())
    assert data == sorted(HOSTED["mnist-ab"].model.model_data.replace("2026-11-20", d) for d in ("2026-11-20", "2026-11-27"))
    assert all(m["Properties"]["PrimaryContainer"]["Image"].endswith("/tensorflow-inference:2.11-cpu") for m in models.values())
    [config] = t.find_resources("AWS::SageMaker::EndpointConfig").values()
    variants = {v["VariantName"]: v for v in config["Properties"]["ProductionVariants"]}
    assert (variants["champion"]["InitialVariantWeight"], variants["challenger"]["InitialVariantWeight"]) == (9, 1)
    assert (variants["champion"]["InitialInstanceCount"], variants["challenger"]["InitialInstanceCount"]) == (2, 1)
    assert {v["ModelName"]["Fn::GetAtt"][0] for v in variants.values()} == set(models)
    targets = t.find_resources("AWS::ApplicationAutoScaling::ScalableTarget")
    assert sorted(p["Properties"]["ResourceId"] for p in targets.values()) == ["endpoint/mnist-ab-test/variant/challenger", "endpoint/mnist-ab-test/variant/champion"]
    policy = json.dumps(t.find_resources("AWS::IAM::Role"))
    assert "2026-11-20/model.tar.gz" in policy and "2026-11-27/model.tar.gz" in policy  # the role reads both artifacts


def test_blue_green_deployment_config(synth: dict[str, Any]) -> None:
    endpoint = next(iter(synth["templates"]["mnist-serving"].find_resources("AWS::SageMaker::Endpoint").values()))["Properties"]
    policy = endpoint["DeploymentConfig"]["BlueGreenUpdatePolicy"]
    assert policy["TrafficRoutingConfiguration"] == {"Type": "CANARY", "WaitIntervalInSeconds": 600, "CanarySize": {"Type": "CAPACITY_PERCENT", "Value": 10}}
    assert policy["TerminationWaitInSeconds"] == 900
    assert endpoint["DeploymentConfig"]["AutoRollbackConfiguration"] == {"Alarms": [{"AlarmName": "mnist-serving-5xx"}]}


def test_autoscaling_resources_and_dependencies(synth: dict[str, Any]) -> None:
    t = synth["templates"]["mnist-serving"]
    targets = t.find_resources("AWS::ApplicationAutoScaling::ScalableTarget")
    [(target_id, target)] = targets.items()
    props = target["Properties"]
    assert props["ResourceId"] == "endpoint/mnist-serving-test/variant/AllTraffic"
    assert (props["MinCapacity"], props["MaxCapacity"], props["ScalableDimension"]) == (1, 4, "sagemaker:variant:DesiredInstanceCount")
    assert "RoleARN" not in props  # the service-linked role
    assert [a["ScheduledActionName"] for a in props["ScheduledActions"]] == ["business-hours", "after-hours"]
    endpoint_id = next(iter(t.find_resources("AWS::SageMaker::Endpoint")))
    assert endpoint_id in target["DependsOn"]
    [policy] = t.find_resources("AWS::ApplicationAutoScaling::ScalingPolicy").values()
    config = policy["Properties"]["TargetTrackingScalingPolicyConfiguration"]
    assert config["TargetValue"] == 60 and config["ScaleInCooldown"] == 600 and config["ScaleOutCooldown"] == 120
    metric = config["CustomizedMetricSpecification"]
    assert (metric["MetricName"], metric["Namespace"]) == ("GPUUtilization", "/aws/sagemaker/Endpoints")
    assert policy["Properties"]["ScalingTargetId"] == {"Ref": target_id}
    endpoint = t.find_resources("AWS::SageMaker::Endpoint")[endpoint_id]["Properties"]
    assert endpoint["RetainAllVariantProperties"] is True  # updates keep the scaled instance count
    assert {p["VariantPropertyType"] for p in endpoint["ExcludeRetainedVariantProperties"]} == {"DesiredWeight", "DataCaptureConfig"}
    unscaled = next(iter(synth["templates"]["tf-serving-eia"].find_resources("AWS::SageMaker::Endpoint").values()))["Properties"]
    assert "RetainAllVariantProperties" not in unscaled


def test_repack_and_execution_role_are_scoped(synth: dict[str, Any]) -> None:
    t = synth["templates"]["tf-serving-eia"]
    [repack] = t.find_resources("Custom::SageMakerModelRepack").values()
    assert repack["Properties"]["ModelData"] == HOSTED["tf-serving-eia"].model.model_data
    model = next(iter(t.find_resources("AWS::SageMaker::Model").values()))["Properties"]
    assert model["PrimaryContainer"]["ModelDataUrl"]["Fn::GetAtt"][1] == "ModelDataUrl"
    policies = json.dumps(t.find_resources("AWS::IAM::Role"))
    assert "s3:GetObject" in policies and '"s3:*"' not in policies and '"Action": "*"' not in policies
    serving_policy = json.dumps(synth["templates"]["mnist-serving"].find_resources("AWS::IAM::Role"))
    assert "arn:" in serving_policy and "sagestack-examples-data/mnist/models/2026-11-20/model.tar.gz" in serving_policy
    assert "kms:" not in serving_policy  # no keys given, no KMS grant
    assert "repository/tensorflow-inference" in serving_policy


def test_cfn_lint_is_clean(synth: dict[str, Any]) -> None:
    templates = sorted(str(p) for p in Path(synth["outdir"]).glob("*.template.json"))
    assert len(templates) == len(HOSTED)
    proc = subprocess.run([str(Path(sys.executable).parent / "cfn-lint"), "--", *templates], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _replacement_properties(resource_type: str) -> set[str]:
    """createOnlyProperties of a resource type, from cfn-lint's bundled CloudFormation schemas."""
    import cfnlint.schema

    schema = cfnlint.schema.PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", resource_type).schema
    return {p.split("/")[2] for p in schema.get("createOnlyProperties", [])}


def test_model_data_change_replaces_model_and_config_and_updates_endpoint(tmp_path: Path) -> None:
    base = HOSTED["mnist-serving"]
    raw = base.model_dump(mode="json", exclude_unset=True)
    raw["model"]["model_data"] = "s3://sagestack-examples-data/mnist/models/2026-11-27/model.tar.gz"
    changed = validate_data(raw, file="promoted.yaml", source=base.source).descriptor
    assert changed is not None
    app = cdk.App(outdir=str(tmp_path))
    stacks = (_stack(base, app, "before"), _stack(changed, app, "after"))
    before, after = (assertions.Template.from_stack(s).to_json()["Resources"] for s in stacks)
    assert set(before) == set(after), "same logical IDs: CloudFormation updates, it does not recreate the stack's shape"
    changed_props = {lid: {k for k in before[lid].get("Properties", {}) if before[lid]["Properties"].get(k) != after[lid]["Properties"].get(k)} for lid in before}
    model_id = next(k for k, v in before.items() if v["Type"] == "AWS::SageMaker::Model")
    config_id = next(k for k, v in before.items() if v["Type"] == "AWS::SageMaker::EndpointConfig")
    endpoint_id = next(k for k, v in before.items() if v["Type"] == "AWS::SageMaker::Endpoint")
    assert changed_props[model_id] == {"PrimaryContainer"}
    # The model's change is to a create-only property: replacement, with a new generated name.
    assert "PrimaryContainer" in _replacement_properties("AWS::SageMaker::Model")
    # The config refers to that name (GetAtt ModelName), and every config property is create-only:
    # the new name replaces the config.
    assert "ProductionVariants" in _replacement_properties("AWS::SageMaker::EndpointConfig")
    assert before[config_id]["Properties"]["ProductionVariants"][0]["ModelName"] == {"Fn::GetAtt": [model_id, "ModelName"]}
    # The endpoint refers to the config's name; EndpointConfigName is not create-only: update in place.
    assert before[endpoint_id]["Properties"]["EndpointConfigName"] == {"Fn::GetAtt": [config_id, "EndpointConfigName"]}
    assert "EndpointConfigName" not in _replacement_properties("AWS::SageMaker::Endpoint")
    assert "EndpointName" not in changed_props[endpoint_id]
    # IAM follows the model data: the role may read the new object, not the old one.
    assert "2026-11-27" in json.dumps(after) and "2026-11-20" not in json.dumps(after)


def test_model_endpoint_needs_a_region() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "agnostic")
    with pytest.raises(ValueError, match="concrete region"):
        ModelEndpoint(stack, "Hosting", descriptor=HOSTED["mnist-serving"])


def test_an_asynchronous_endpoint_scales_to_zero_and_back(synth: dict[str, Any]) -> None:
    """pytorch-async: the config AsyncInferenceConfig sends, target tracking on the backlog from
    zero instances, and AWS's documented way back from zero: a step policy adding one instance
    that an alarm on HasBacklogWithoutCapacity starts."""
    t = synth["templates"]["pytorch-async"]
    config = _one(t, "AWS::SageMaker::EndpointConfig")["Properties"]["AsyncInferenceConfig"]
    assert config["ClientConfig"] == {"MaxConcurrentInvocationsPerInstance": 4}
    assert config["OutputConfig"]["NotificationConfig"] == {"SuccessTopic": "arn:aws:sns:us-east-1:123456789012:mnist-async-done"}
    output = json.dumps(config["OutputConfig"]["S3OutputPath"])
    assert "async-endpoint-outputs/pytorch-async-test" in output
    target = _one(t, "AWS::ApplicationAutoScaling::ScalableTarget")["Properties"]
    assert (target["MinCapacity"], target["MaxCapacity"]) == (0, 4)
    policies = {p["Properties"]["PolicyType"]: (pid, p["Properties"]) for pid, p in t.find_resources("AWS::ApplicationAutoScaling::ScalingPolicy").items()}
    tracking = policies["TargetTrackingScaling"][1]["TargetTrackingScalingPolicyConfiguration"]
    assert tracking["TargetValue"] == 5.0
    assert tracking["CustomizedMetricSpecification"] == {
        "MetricName": "ApproximateBacklogSizePerInstance", "Namespace": "AWS/SageMaker",
        "Dimensions": [{"Name": "EndpointName", "Value": "pytorch-async-test"}], "Statistic": "Average",
    }
    step_id, step = policies["StepScaling"]
    assert step["StepScalingPolicyConfiguration"]["AdjustmentType"] == "ChangeInCapacity"
    assert step["StepScalingPolicyConfiguration"]["StepAdjustments"] == [{"MetricIntervalLowerBound": 0.0, "ScalingAdjustment": 1}]
    alarm = _one(t, "AWS::CloudWatch::Alarm")["Properties"]
    assert (alarm["MetricName"], alarm["Namespace"], alarm["ComparisonOperator"], alarm["Threshold"]) == ("HasBacklogWithoutCapacity", "AWS/SageMaker", "GreaterThanOrEqualToThreshold", 1)
    assert alarm["Dimensions"] == [{"Name": "EndpointName", "Value": "pytorch-async-test"}]
    assert alarm["AlarmActions"] == [{"Ref": step_id}]
    role = json.dumps(t.find_resources("AWS::IAM::Role"))
    assert "sns:Publish" in role and "mnist-async-done" in role
    assert "async-endpoint-outputs/pytorch-async-test/*" in role and "async-endpoint-failures/pytorch-async-test/*" in role


def test_a_multi_model_endpoint_serves_the_prefix_with_its_models_container(synth: dict[str, Any]) -> None:
    """sklearn-multi-model: MultiModel mode on the prefix, the scikit-learn container with its
    code archive as an asset, and a role that reads the archives under the prefix only."""
    t = synth["templates"]["sklearn-multi-model"]
    container = _one(t, "AWS::SageMaker::Model")["Properties"]["PrimaryContainer"]
    assert container["Mode"] == "MultiModel" and container["ModelDataUrl"] == "s3://sagestack-examples-models/store-forecasts/"
    assert "sagemaker-scikit-learn:1.2-1-cpu-py3" in container["Image"]
    assert container["Environment"]["SAGEMAKER_PROGRAM"] == "inference.py"
    assert "Fn::" in json.dumps(container["Environment"]["SAGEMAKER_SUBMIT_DIRECTORY"])  # the code asset's S3 URL
    role = json.dumps(t.find_resources("AWS::IAM::Role"))
    assert "sagestack-examples-models/store-forecasts/*" in role
    assert not t.find_resources("Custom::SageMakerModelRepack")  # the archives are served as they are


def test_a_shadow_variant_gets_its_own_model_and_a_copy_of_the_traffic(synth: dict[str, Any]) -> None:
    """mnist-shadow: ShadowProductionVariants beside the one production variant, each variant's
    model serving its own archive, the role reading both archives."""
    t = synth["templates"]["mnist-shadow"]
    config = _one(t, "AWS::SageMaker::EndpointConfig")["Properties"]
    assert [v["VariantName"] for v in config["ProductionVariants"]] == ["production"]
    assert [v["VariantName"] for v in config["ShadowProductionVariants"]] == ["candidate"]
    models = {json.dumps(m["Properties"]["PrimaryContainer"]["ModelDataUrl"]) for m in t.find_resources("AWS::SageMaker::Model").values()}
    assert models == {'"s3://sagestack-examples-data/mnist/models/2026-11-20/model.tar.gz"', '"s3://sagestack-examples-data/mnist/models/2026-12-01/model.tar.gz"'}
    role = json.dumps(t.find_resources("AWS::IAM::Role"))
    assert "mnist/models/2026-11-20/model.tar.gz" in role and "mnist/models/2026-12-01/model.tar.gz" in role


def test_two_models_share_an_endpoint_through_inference_components(synth: dict[str, Any]) -> None:
    """ic-shared-sklearn creates the endpoint (no model on its variant, the model's role on the
    config, instances that may go to zero) and its component after it; ic-shared-xgboost adds only
    its model and component, on the same endpoint."""
    owner, joiner = synth["templates"]["ic-shared-sklearn"], synth["templates"]["ic-shared-xgboost"]
    config = _one(owner, "AWS::SageMaker::EndpointConfig")["Properties"]
    (variant,) = config["ProductionVariants"]
    assert "ModelName" not in variant and variant["ManagedInstanceScaling"] == {"Status": "ENABLED", "MaxInstanceCount": 2, "MinInstanceCount": 0}
    assert "Fn::GetAtt" in config["ExecutionRoleArn"]
    endpoint_id = next(iter(owner.find_resources("AWS::SageMaker::Endpoint")))
    component = _one(owner, "AWS::SageMaker::InferenceComponent")
    model_id = next(iter(owner.find_resources("AWS::SageMaker::Model")))
    assert component["DependsOn"] == [endpoint_id]
    props = component["Properties"]
    assert props["EndpointName"] == "shared-models" and props["InferenceComponentName"] == "ic-shared-sklearn-test" and props["VariantName"] == "AllTraffic"
    assert props["Specification"]["ModelName"] == {"Fn::GetAtt": [model_id, "ModelName"]}
    assert props["Specification"]["ComputeResourceRequirements"] == {"MinMemoryRequiredInMb": 1024, "NumberOfCpuCoresRequired": 1}
    assert joiner.find_resources("AWS::SageMaker::Endpoint") == {} and joiner.find_resources("AWS::SageMaker::EndpointConfig") == {}
    other = _one(joiner, "AWS::SageMaker::InferenceComponent")
    assert other["Properties"]["EndpointName"] == "shared-models" and "DependsOn" not in other
    role = json.dumps(_one(joiner, "AWS::IAM::Role"))
    assert "/aws/sagemaker/InferenceComponents/ic-shared-xgboost-test" in role


def test_inference_component_copies_scale_to_zero_and_back(synth: dict[str, Any]) -> None:
    """The copies' scalable target, target tracking on invocations per copy, and AWS's
    scale-from-zero step policy started by the NoCapacityInvocationFailures alarm."""
    t = synth["templates"]["ic-shared-xgboost"]
    target_id, target = next(iter(t.find_resources("AWS::ApplicationAutoScaling::ScalableTarget").items()))
    component_id = next(iter(t.find_resources("AWS::SageMaker::InferenceComponent")))
    assert target["Properties"]["ResourceId"] == "inference-component/ic-shared-xgboost-test"
    assert target["Properties"]["ScalableDimension"] == "sagemaker:inference-component:DesiredCopyCount"
    assert (target["Properties"]["MinCapacity"], target["Properties"]["MaxCapacity"]) == (0, 2)
    assert target["DependsOn"] == [component_id]
    policies = {p["Properties"]["PolicyType"]: p["Properties"] for p in t.find_resources("AWS::ApplicationAutoScaling::ScalingPolicy").values()}
    tracking = policies["TargetTrackingScaling"]["TargetTrackingScalingPolicyConfiguration"]
    assert tracking["PredefinedMetricSpecification"] == {"PredefinedMetricType": "SageMakerInferenceComponentInvocationsPerCopy"} and tracking["TargetValue"] == 20
    step = policies["StepScaling"]["StepScalingPolicyConfiguration"]
    assert step == {"AdjustmentType": "ChangeInCapacity", "MetricAggregationType": "Maximum", "Cooldown": 60, "StepAdjustments": [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}]}
    alarm = _one(t, "AWS::CloudWatch::Alarm")["Properties"]
    assert alarm["MetricName"] == "NoCapacityInvocationFailures" and alarm["Namespace"] == "AWS/SageMaker"
    assert alarm["Dimensions"] == [{"Name": "InferenceComponentName", "Value": "ic-shared-xgboost-test"}]
    step_id = next(k for k, v in t.find_resources("AWS::ApplicationAutoScaling::ScalingPolicy").items() if v["Properties"]["PolicyType"] == "StepScaling")
    assert alarm["AlarmActions"] == [{"Ref": step_id}]
