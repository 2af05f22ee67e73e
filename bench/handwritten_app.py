"""The benchmark's baseline: the same CloudFormation resources as sagestack synthesizes for a
generated catalog, written with aws-cdk-lib alone — no sagestack import, no descriptor, no
validation, no request rendering.

It is what a CDK engineer would write by hand for each model: L2 constructs where aws-cdk-lib has
them (roles, buckets, log groups, Lambda functions with code assets, state machines, custom
resources), L1 for SageMaker and Application Auto Scaling, literal property values, and the state
machine definitions kept as JSON files next to the app (``<workdir>/asl/<model>.json``; the
benchmark writes them from sagestack's output so that both apps deploy the same state machines).

Usage (by bench/run.py): ``python bench/handwritten_app.py <workdir>`` with ``CDK_OUTDIR`` set;
``<workdir>/manifest.json`` lists ``[{"name": ..., "example": ...}]``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_applicationautoscaling as aas
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as s3_assets
from aws_cdk import aws_sagemaker as sagemaker
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_sns as sns
from aws_cdk import aws_stepfunctions as sfn

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "infra" / "models"
HANDLER = ROOT / "bench" / "handwritten_handler"  # a stand-in Lambda code directory

# What a person types per example: the shape of the stack and the few literal facts it needs.
SPECS: dict[str, dict] = {
    "byo-estimator": {"shape": "train", "role_given": True, "schedule": True},
    "churn-byo-v1": {"shape": "train+deploy", "role_given": True},
    "kmeans": {"shape": "train+deploy"},
    "linear-learner": {"shape": "train+deploy"},
    "mnist-tf": {"shape": "train+deploy", "source": "mnist-tf"},
    "mxnet-ps": {"shape": "train+deploy", "source": "mxnet-ps", "repack": True},
    "pytorch-ddp": {"shape": "train+deploy", "source": "pytorch-ddp", "repack": True},
    "tf-legacy-iris": {"shape": "train+deploy", "source": "tf-legacy-iris", "role_given": True},
    "tf-horovod": {"shape": "train", "source": "tf-horovod", "role_given": True},
    "tf-pipe": {"shape": "train", "source": "tf-pipe"},
    "pca-batch": {"shape": "train+transform", "role_given": True},
    "rcf-anomaly": {"shape": "train+deploy"},
    "fm-clicks": {"shape": "train"},
    "ntm-topics": {"shape": "train"},
    "lda-topics": {"shape": "train"},
    "knn-neighbors": {"shape": "train"},
    "object2vec-pairs": {"shape": "train"},
    "ipinsights-logins": {"shape": "train"},
    "mnist-batch": {"shape": "transform"},
    "mnist-serving": {"shape": "hosting", "variants": ["AllTraffic"], "autoscale": True},
    "mnist-ab": {"shape": "hosting", "variants": ["champion", "challenger"], "autoscale": True},
    "mxnet-serverless": {"shape": "hosting", "variants": ["AllTraffic"], "repack": "mxnet-serverless"},
    "tf-serving-eia": {"shape": "hosting", "variants": ["AllTraffic"], "repack": "tf-serving-eia"},
    "churn-serving": {"shape": "hosting", "variants": ["AllTraffic"]},
    "hf-finetune": {"shape": "train+deploy", "source": "hf-finetune"},
    "hf-hub-serving": {"shape": "hosting", "variants": ["AllTraffic"]},
    "pytorch-serving": {"shape": "hosting", "variants": ["AllTraffic"], "repack": "pytorch-ddp"},
    "xgboost-churn": {"shape": "train+deploy", "source": "xgboost-churn"},
    "sklearn-serverless": {"shape": "hosting", "variants": ["AllTraffic"], "code": "sklearn-serverless"},
    "sklearn-iris": {"shape": "train+deploy", "source": "sklearn-iris"},
    "xgboost-serving": {"shape": "hosting", "variants": ["AllTraffic"], "autoscale": True},
    "xgboost-builtin": {"shape": "train+transform"},
    "xgboost-tuned": {"shape": "train+deploy", "register": True},  # a tuning job instead of a training job: the same resources, and a registry
    "mnist-shadow": {"shape": "hosting", "variants": ["production", "candidate"], "shadow": True},
    "sklearn-multi-model": {"shape": "hosting", "variants": ["AllTraffic"], "code": "sklearn-serverless"},
    "pytorch-pipeline": {"shape": "train+deploy", "source": "pytorch-pipeline", "repack": True, "processing": True},
    "pytorch-async": {"shape": "hosting", "variants": ["AllTraffic"], "repack": "pytorch-ddp", "autoscale": True, "scale_from_zero": True},
    "ic-shared-sklearn": {"shape": "components", "code": "sklearn-serverless"},
    "ic-shared-xgboost": {"shape": "components", "joins": "shared-models"},
    "xgboost-components": {"shape": "train+deploy"},  # the run creates the endpoint and its inference component
    "xgboost-shadow": {"shape": "train+deploy"},  # the run creates or updates the endpoint (its config with a shadow variant)
    "sklearn-store-forecast": {"shape": "train", "source": "sklearn-store-forecast"},  # the run adds its model under sklearn-multi-model's prefix
}
IMAGE = "763104351884.dkr.ecr.us-east-1.amazonaws.com/tensorflow-inference:2.11-gpu"


def role(scope: cdk.Stack, cid: str, service: str, actions: list[str], resources: list[str]) -> iam.Role:
    """A role with an inline policy, as sagestack's (CDK's own grants still add a DefaultPolicy)."""
    document = iam.PolicyDocument(statements=[iam.PolicyStatement(actions=actions, resources=resources)])
    return iam.Role(scope, cid, assumed_by=iam.ServicePrincipal(service), inline_policies={"permissions": document})


def function(scope: cdk.Stack, cid: str) -> lambda_.Function:
    fn_role = role(scope, f"{cid}Role", "lambda.amazonaws.com", ["s3:GetObject"], ["arn:aws:s3:::example-bucket/*"])
    group = logs.LogGroup(scope, f"{cid}Logs", retention=logs.RetentionDays.ONE_YEAR, removal_policy=cdk.RemovalPolicy.DESTROY)
    group.grant_write(fn_role)
    return lambda_.Function(scope, cid, runtime=lambda_.Runtime.PYTHON_3_14, handler="index.handler", code=lambda_.Code.from_asset(str(HANDLER)), role=fn_role, log_group=group)


def shared_stack(app: cdk.App) -> cdk.Stack:
    """Access logs, the artifact bucket, a KMS key and the run topic, exported by name."""
    stack = cdk.Stack(app, "handwritten-shared", env=cdk.Environment(region="us-east-1"))
    stack.node.set_context("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy", True)
    access_logs = s3.Bucket(stack, "AccessLogs", enforce_ssl=True, encryption=s3.BucketEncryption.S3_MANAGED, block_public_access=s3.BlockPublicAccess.BLOCK_ALL, removal_policy=cdk.RemovalPolicy.RETAIN)
    artifacts = s3.Bucket(stack, "Artifacts", enforce_ssl=True, encryption=s3.BucketEncryption.S3_MANAGED, block_public_access=s3.BlockPublicAccess.BLOCK_ALL, versioned=True,
                          removal_policy=cdk.RemovalPolicy.RETAIN, server_access_logs_bucket=access_logs)
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    topic = sns.Topic(stack, "Runs", master_key=key, enforce_ssl=True)
    for export, value in (("ArtifactBucketName", artifacts.bucket_name), ("TopicArn", topic.topic_arn), ("KeyArn", key.key_arn)):
        cdk.CfnOutput(stack, export, value=value, export_name=f"handwritten-shared:{export}")
    return stack


def bucket(scope: cdk.Stack) -> s3.IBucket:
    return s3.Bucket.from_bucket_name(scope, "Artifacts", cdk.Fn.import_value("handwritten-shared:ArtifactBucketName"))


def state_machine(scope: cdk.Stack, name: str, workdir: Path) -> sfn.StateMachine:
    group = logs.LogGroup(scope, "PipelineLogs", retention=logs.RetentionDays.ONE_YEAR, removal_policy=cdk.RemovalPolicy.DESTROY)
    sm_role = role(scope, "StateMachineRole", "states.amazonaws.com", ["sagemaker:CreateTrainingJob", "sagemaker:DescribeTrainingJob"], [f"arn:aws:sagemaker:us-east-1:123456789012:training-job/{name}-*"])
    # Inlined, as sagestack does (DefinitionBody.from_file would upload it as an S3 asset instead).
    body = sfn.DefinitionBody.from_string((workdir / "asl" / f"{name}.json").read_text())
    machine = sfn.StateMachine(scope, "StateMachine", definition_body=body, role=sm_role, logs=sfn.LogOptions(destination=group, level=sfn.LogLevel.ALL), tracing_enabled=True)
    cdk.CfnOutput(scope, "StateMachineArn", value=machine.state_machine_arn)
    return machine


def pipeline_stack(stack: cdk.Stack, name: str, spec: dict, workdir: Path) -> None:
    shape = spec["shape"]
    bucket(stack)
    if spec.get("source"):
        s3_assets.Asset(stack, "Source", path=str(MODELS / spec["source"]))
    if shape != "transform" and not spec.get("role_given"):
        role(stack, "TrainingRole", "sagemaker.amazonaws.com", ["s3:GetObject", "s3:PutObject"], [f"arn:aws:s3:::example-bucket/{name}/*"])
    if shape != "transform":
        function(stack, "CheckRunInput")
    if spec.get("processing"):  # the processing jobs' role (their code: assets, no resources)
        role(stack, "ProcessingRole", "sagemaker.amazonaws.com", ["s3:GetObject", "s3:PutObject"], [f"arn:aws:s3:::example-bucket/{name}-*"])
    if shape in ("train+deploy", "transform", "train+transform") and not spec.get("role_given"):
        role(stack, "ModelRole", "sagemaker.amazonaws.com", ["s3:GetObject"], [f"arn:aws:s3:::example-bucket/{name}/*"])
    if spec.get("repack"):
        s3_assets.Asset(stack, "InferenceCode", path=str(MODELS / spec["source"]))
        function(stack, "Repack")
    machine = state_machine(stack, name, workdir)
    if shape in ("train+deploy", "transform", "train+transform"):  # runs create models (and an endpoint)
        teardown = function(stack, "Teardown")
        endpoint = {"EndpointName": f"{name}-dev"} if shape == "train+deploy" else {}
        cdk.CustomResource(stack, "TeardownRunResources", service_token=teardown.function_arn, resource_type="Custom::SageMakerPipelineTeardown",
                           properties={"StateMachineArn": machine.state_machine_arn, "NamePrefix": name, **endpoint})
    if spec.get("schedule"):  # a recurring schedule and the new-data rule and function
        starter = role(stack, "ScheduleRole", "scheduler.amazonaws.com", ["states:StartExecution"], [machine.state_machine_arn])
        scheduler.CfnSchedule(
            stack, "Schedule", schedule_expression="cron(0 3 ? * MON *)", flexible_time_window=scheduler.CfnSchedule.FlexibleTimeWindowProperty(mode="OFF"),
            target=scheduler.CfnSchedule.TargetProperty(arn=machine.state_machine_arn, role_arn=starter.role_arn),
        )
        scheduler.CfnScheduleGroup(stack, "NewDataScheduleGroup", name=f"{name}-new-data")
        new_data = function(stack, "NewData")
        events.Rule(stack, "NewDataRule", event_pattern=events.EventPattern(source=["aws.s3"], detail_type=["Object Created"]), targets=[targets.LambdaFunction(new_data)])
    if spec.get("register"):  # the model package group, and the rule an approval starts a deployment with
        sagemaker.CfnModelPackageGroup(stack, "ModelPackageGroup", model_package_group_name=f"{name}-dev").apply_removal_policy(cdk.RemovalPolicy.RETAIN)
        approver = role(stack, "ApprovalRole", "events.amazonaws.com", ["states:StartExecution"], [machine.state_machine_arn])
        events.Rule(
            stack, "ApprovalRule",
            event_pattern=events.EventPattern(source=["aws.sagemaker"], detail_type=["SageMaker Model Package State Change"], detail={"ModelPackageGroupName": [f"{name}-dev"], "ModelApprovalStatus": ["Approved"]}),
            targets=[targets.SfnStateMachine(machine, role=approver, input=events.RuleTargetInput.from_object({"model_package_arn": events.EventField.from_path("$.detail.ModelPackageArn")}))],
        )
    if shape == "train+deploy":
        cdk.CfnOutput(stack, "EndpointName", value=f"{name}-dev")


def hosting_stack(stack: cdk.Stack, name: str, spec: dict) -> None:
    model_data = f"s3://sagestack-examples-data/{name}/model.tar.gz"
    if spec.get("repack"):
        artifacts = bucket(stack)
        code = s3_assets.Asset(stack, "InferenceCode", path=str(MODELS / spec["repack"]))
        repack = function(stack, "Repack")
        resource = cdk.CustomResource(stack, "RepackResource", service_token=repack.function_arn, resource_type="Custom::SageMakerModelRepack",
                                      properties={"ModelData": model_data, "CodeBucket": code.s3_bucket_name, "CodeKey": code.s3_object_key, "TargetBucket": artifacts.bucket_name})
        model_data = resource.get_att_string("ModelDataUrl")
    if spec.get("code"):  # the inference code archive the container loads beside the model
        s3_assets.Asset(stack, "Code", path=str(MODELS / spec["code"]))
    model_role = role(stack, "ModelRole", "sagemaker.amazonaws.com", ["s3:GetObject"], [f"arn:aws:s3:::sagestack-examples-data/{name}/*"])
    variants = []
    for variant in spec["variants"]:
        model = sagemaker.CfnModel(stack, f"Model{variant}", execution_role_arn=model_role.role_arn,
                                   primary_container=sagemaker.CfnModel.ContainerDefinitionProperty(image=IMAGE, model_data_url=model_data))
        variants.append(sagemaker.CfnEndpointConfig.ProductionVariantProperty(variant_name=variant, model_name=model.attr_model_name, initial_instance_count=1, instance_type="ml.g4dn.xlarge", initial_variant_weight=1))
    config = sagemaker.CfnEndpointConfig(stack, "EndpointConfig", production_variants=variants)
    endpoint = sagemaker.CfnEndpoint(stack, "Endpoint", endpoint_name=f"{name}-dev", endpoint_config_name=config.attr_endpoint_config_name)
    if spec.get("autoscale"):
        for variant in spec["variants"]:
            target = aas.CfnScalableTarget(stack, f"Target{variant}", service_namespace="sagemaker", resource_id=f"endpoint/{name}-dev/variant/{variant}",
                                           scalable_dimension="sagemaker:variant:DesiredInstanceCount", min_capacity=1, max_capacity=4)
            target.add_dependency(endpoint)
            aas.CfnScalingPolicy(stack, f"Policy{variant}", policy_name=f"{name}-{variant}", policy_type="TargetTrackingScaling", scaling_target_id=target.ref,
                                 target_tracking_scaling_policy_configuration=aas.CfnScalingPolicy.TargetTrackingScalingPolicyConfigurationProperty(
                                     target_value=70, predefined_metric_specification=aas.CfnScalingPolicy.PredefinedMetricSpecificationProperty(predefined_metric_type="SageMakerVariantInvocationsPerInstance")))
        if spec.get("scale_from_zero"):  # asynchronous: a step policy and the backlog alarm that starts it
            for variant in spec["variants"]:
                step = aas.CfnScalingPolicy(stack, f"ScaleFromZero{variant}", policy_name=f"{name}-{variant}-zero", policy_type="StepScaling", scaling_target_id=f"endpoint/{name}-dev/variant/{variant}",
                                            step_scaling_policy_configuration=aas.CfnScalingPolicy.StepScalingPolicyConfigurationProperty(
                                                adjustment_type="ChangeInCapacity", step_adjustments=[aas.CfnScalingPolicy.StepAdjustmentProperty(scaling_adjustment=1, metric_interval_lower_bound=0)]))
                cloudwatch.CfnAlarm(stack, f"Backlog{variant}", comparison_operator="GreaterThanOrEqualToThreshold", evaluation_periods=2, metric_name="HasBacklogWithoutCapacity",
                                    namespace="AWS/SageMaker", period=60, statistic="Average", threshold=1, alarm_actions=[step.ref])
    cdk.CfnOutput(stack, "EndpointName", value=f"{name}-dev")


def components_stack(stack: cdk.Stack, name: str, spec: dict) -> None:
    """A model as an inference component: the endpoint (unless it joins another's), the
    component, its copies scaled to zero and back."""
    if spec.get("code"):
        s3_assets.Asset(stack, "Code", path=str(MODELS / spec["code"]))
    model_role = role(stack, "ModelRole", "sagemaker.amazonaws.com", ["s3:GetObject"], [f"arn:aws:s3:::sagestack-examples-data/{name}/*"])
    model = sagemaker.CfnModel(stack, "Model", execution_role_arn=model_role.role_arn,
                               primary_container=sagemaker.CfnModel.ContainerDefinitionProperty(image=IMAGE, model_data_url=f"s3://sagestack-examples-data/{name}/model.tar.gz"))
    endpoint_name = spec.get("joins") or f"{name}-dev"
    component = sagemaker.CfnInferenceComponent(
        stack, "Component", endpoint_name=endpoint_name, inference_component_name=f"{name}-dev", variant_name="AllTraffic",
        specification=sagemaker.CfnInferenceComponent.InferenceComponentSpecificationProperty(
            model_name=model.attr_model_name, compute_resource_requirements=sagemaker.CfnInferenceComponent.InferenceComponentComputeResourceRequirementsProperty(min_memory_required_in_mb=1024, number_of_cpu_cores_required=1)),
        runtime_config=sagemaker.CfnInferenceComponent.InferenceComponentRuntimeConfigProperty(copy_count=1),
    )
    if not spec.get("joins"):
        config = sagemaker.CfnEndpointConfig(stack, "EndpointConfig", execution_role_arn=model_role.role_arn, production_variants=[sagemaker.CfnEndpointConfig.ProductionVariantProperty(
            variant_name="AllTraffic", initial_instance_count=1, instance_type="ml.m5.xlarge",
            managed_instance_scaling=sagemaker.CfnEndpointConfig.ManagedInstanceScalingProperty(status="ENABLED", min_instance_count=0, max_instance_count=2))])
        endpoint = sagemaker.CfnEndpoint(stack, "Endpoint", endpoint_name=endpoint_name, endpoint_config_name=config.attr_endpoint_config_name)
        component.add_dependency(endpoint)
    target = aas.CfnScalableTarget(stack, "Target", service_namespace="sagemaker", resource_id=f"inference-component/{name}-dev",
                                   scalable_dimension="sagemaker:inference-component:DesiredCopyCount", min_capacity=0, max_capacity=2)
    target.add_dependency(component)
    aas.CfnScalingPolicy(stack, "Policy", policy_name=f"{name}-copies", policy_type="TargetTrackingScaling", scaling_target_id=target.ref,
                         target_tracking_scaling_policy_configuration=aas.CfnScalingPolicy.TargetTrackingScalingPolicyConfigurationProperty(
                             target_value=20, predefined_metric_specification=aas.CfnScalingPolicy.PredefinedMetricSpecificationProperty(predefined_metric_type="SageMakerInferenceComponentInvocationsPerCopy")))
    step = aas.CfnScalingPolicy(stack, "ScaleFromZero", policy_name=f"{name}-zero", policy_type="StepScaling", scaling_target_id=target.ref,
                                step_scaling_policy_configuration=aas.CfnScalingPolicy.StepScalingPolicyConfigurationProperty(
                                    adjustment_type="ChangeInCapacity", step_adjustments=[aas.CfnScalingPolicy.StepAdjustmentProperty(scaling_adjustment=1, metric_interval_lower_bound=0)]))
    cloudwatch.CfnAlarm(stack, "NoCapacity", comparison_operator="GreaterThanOrEqualToThreshold", evaluation_periods=1, metric_name="NoCapacityInvocationFailures",
                        namespace="AWS/SageMaker", period=60, statistic="Sum", threshold=1, alarm_actions=[step.ref],
                        dimensions=[cloudwatch.CfnAlarm.DimensionProperty(name="InferenceComponentName", value=f"{name}-dev")])
    cdk.CfnOutput(stack, "EndpointName", value=endpoint_name)
    cdk.CfnOutput(stack, "InferenceComponentName", value=f"{name}-dev")


def main(workdir: Path) -> None:
    app = cdk.App()
    shared = shared_stack(app)
    for entry in json.loads((workdir / "manifest.json").read_text()):
        name, spec = entry["name"], SPECS[entry["example"]]
        stack = cdk.Stack(app, f"handwritten-{name}", env=cdk.Environment(region="us-east-1"))
        stack.add_stack_dependency(shared)
        if spec["shape"] == "hosting":
            hosting_stack(stack, name, spec)
        elif spec["shape"] == "components":
            components_stack(stack, name, spec)
        else:
            pipeline_stack(stack, name, spec, workdir)
        cdk.Tags.of(stack).add("sagestack:model", name)
    app.synth()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
