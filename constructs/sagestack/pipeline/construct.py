"""``TrainingPipeline``: a descriptor's runs as a Step Functions state machine (CDK).

Thin by design: the definition comes from :func:`.definition.pipeline_definition` (pure); this
construct creates what the definition refers to — the execution roles, the "Check run input" and
repack functions, the code assets, the teardown custom resource — fills the definition's
deploy-time placeholders with their tokens, and wires IAM, logging and tracing.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as s3_assets
from aws_cdk import aws_sns as sns
from aws_cdk import region_info
from constructs import Construct

from ..assets import file_asset, object_arn
from ..descriptor import ModelDescriptor
from ..descriptor.estimator import FrameworkEstimator
from ..descriptor.placements import placements_of
from ..functions import log_group_expressions, python_function
from ..hosting._tokens import s3_bucket_and_key
from ..hosting.artifact_bucket import ArtifactBucket
from ..hosting.model_endpoint import endpoint_name_for, inference_component_name_for
from ..hosting.repack import HANDLER_DIR as CUSTOM_RESOURCE_HANDLERS
from ..hosting.repack import RepackFunction, code_asset
from ..hosting.role import ModelExecutionRole
from ..iam import Grant, default_policy_id, ecr_pull, kms_use, known, placed, read, require_region, role_expression, role_with_grants, stack_env, statement, topic_key_arn, vpc_network_interfaces
from ..jsii_batch import call, evaluate, output, result
from ..jsii_batch import value as batch_value  # `value` names a loop variable here
from ..nag import acknowledge, acknowledge_wildcards, gathers_acknowledgments
from ..render import RenderContext
from ..render.context import stable_sorted
from ..render.hosting import VARIANT_NAME, _entry_point, create_model, needs_code_archive, needs_repack
from ..render.inference_component import COMPONENT_SCALING_DIMENSION, component_scales_from_zero, creates_endpoint, no_capacity_alarm
from ..render.scaling import SCALING_DIMENSION, SCALING_NAMESPACE, backlog_alarm, scales_from_zero
from ..render.sourcedir import write_sourcedir
from ..render.training import create_training_job, output_path, role_arn
from ..render.transform import create_transform_job
from .definition import RUN_SUFFIX_LENGTH, PipelineResources, RepackStep, pipeline_definition, run_prefix
from .processing_assets import ProcessingAssets
from .registry import add_registry, model_package_group_for
from .steps import GrantContext, MultiModelTarget
from .steps import grants as step_grants
from .steps.tuning import TRAINING_JOB_SUFFIX
from .triggers import add_triggers

__all__ = ["TrainingPipeline"]

HANDLERS = Path(__file__).parent
RUN_ID_PATTERN = "?" * (RUN_SUFFIX_LENGTH - 1)  # the 12 hex digits of a run name, one IAM '?' each

# Made once: each Duration made is a jsii round trip, and a Duration holds nothing of a stack.
CHECK_INPUT_TIMEOUT = cdk.Duration.seconds(30)
TEARDOWN_TIMEOUT = cdk.Duration.minutes(10)


_partitions: dict[str, str | None] = {}


def _region_partition(region: str) -> str | None:
    """The partition of ``region`` from aws-cdk-lib's region facts (None if unknown), looked up
    once per region: two jsii round trips each."""
    if region not in _partitions:
        _partitions[region] = region_info.RegionInfo.get(region).partition
    return _partitions[region]


_TOKEN = re.compile(r"\$\{Token\[[^\]]+\]\}")


def _with_substitutions(definition: dict, named: dict[str, str | None]) -> tuple[str, dict[str, str]]:
    """The definition as JSON text whose deploy-time values are ``${Name}`` references, and the
    DefinitionSubstitutions that fill them. The template keeps the definition as one readable
    string (no Fn::Join), and synthesis resolves each token once instead of inside a large string.
    ``json.dumps``, not ``stack.to_json_string``: the latter drops nulls ("ResultPath": null)."""
    text = json.dumps(definition)
    substitutions: dict[str, str] = {}
    for name, value in named.items():
        if value is not None and "${Token[" in value and value in text:  # a token (checked without a jsii call)
            text = text.replace(value, "${" + name + "}")
            substitutions[name] = value
    for index, token in enumerate(dict.fromkeys(_TOKEN.findall(text))):  # any other token (e.g. partition)
        text = text.replace(token, "${Value" + str(index) + "}")
        substitutions[f"Value{index}"] = token
    return text, substitutions


class TrainingPipeline(Construct):
    """Runs the descriptor on every execution: train (``estimator`` + ``fit``), then deploy
    (``deploy``: create or update the endpoint) or batch transform (``transformer`` +
    ``transform``; also for a ``model`` without training).

    Attributes: ``state_machine`` (sfn.StateMachine), ``execution_role`` (the training role, or
    None when the descriptor names one), ``model_role`` (ModelExecutionRole or None),
    ``artifact_bucket``, ``source`` (the training code asset or None), ``check_input`` and
    ``repack`` (functions or None), ``endpoint_name`` (str or None), ``owns_endpoint`` (runs create
    the endpoint, else their inference component joins another's), ``inference_component_name``
    (str or None), ``topic`` (sns.ITopic or None),
    ``definition`` (the definition with tokens), ``prefix`` (the run-name prefix IAM is scoped to),
    ``triggers`` (:class:`.triggers.RunTriggers` of the descriptor's ``schedule``, or None).
    """

    @gathers_acknowledgments
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        descriptor: ModelDescriptor,
        environment: str = "dev",
        artifact_bucket: s3.IBucket | None = None,
        notification_topic: sns.ITopic | None = None,
        name_suffix: str | None = None,
        triggers_enabled: bool = True,
        registry_retained: bool = True,
        multi_model: MultiModelTarget | None = None,
    ) -> None:
        """
        :param descriptor: a validated descriptor with ``estimator`` and ``fit``, or with ``model``
            and ``transformer``.
        :param environment: environment name, part of the default endpoint name (default ``dev``).
        :param artifact_bucket: default output location (default: a new bucket).
        :param notification_topic: SNS topic notified when a run ends (default: the descriptor's
            ``notification_topic``, else none).
        :param name_suffix: appended to the run-name prefix, so that environments sharing an
            account never share run names, IAM scope or teardown (default: none).
        :param triggers_enabled: whether the descriptor's ``schedule`` starts runs (default True;
            False synthesizes the schedule and the new-data rule switched off, as previews do).
        :param registry_retained: whether the model package group (``register:``) outlives the
            stack (default True; previews pass False: teardown deletes their packages, then the group goes).
        :param multi_model: the multi-model endpoint runs add their model to (``add_model``): needed
            when ``add_model.multi_data_model`` names a catalog descriptor (its prefix and endpoint
            name, see :func:`.steps.add_model.multi_model_target`); default for
            ``add_model.model_data_prefix``: that prefix.
        """
        super().__init__(scope, construct_id)
        d = descriptor
        if d.estimator is None and d.transformer is None and d.processing is None:
            raise ValueError(f"TrainingPipeline needs estimator and fit, model and transformer, or processing; {d.name} has {d.kind}")
        # its stack and path below it, for the logical IDs of its children (without jsii when the
        # scope is the stack)
        stack, self._path = placed(self, scope, construct_id)
        require_region(stack, "TrainingPipeline")
        # Read once: every property read of a construct is a jsii round trip.
        self._partition, self._region, self._account = stack_env(stack).partition, stack_env(stack).region, stack_env(stack).account
        self._arn = lambda service, resource: f"arn:{self._partition}:{service}:{self._region}:{self._account}:{resource}"
        self._stack = stack
        ctx = RenderContext(region=stack_env(stack).region)
        self.prefix = run_prefix(d, name_suffix)
        if len(self.prefix) + RUN_SUFFIX_LENGTH > 63:
            raise ValueError(f"{d.name}: run names {self.prefix}-<12 hex> would exceed SageMaker's 63 characters: shorten base_job_name or the environment's name")
        runs = f"{self.prefix.lower()}-{RUN_ID_PATTERN}"  # SageMaker ARNs carry names in lower case
        # A run's folder in the shared artifact bucket: SageMaker names it after the job (S3 keeps its
        # case). One '?' per digit, so no other model's prefix matches; <prefix>/ is the model's folder
        # for run-input output paths.
        self._run_folder = f"{self.prefix}-{RUN_ID_PATTERN}"
        # Where a run's training jobs write in the shared bucket: the run's folder, or a tuning
        # job's training jobs' (<run>-<3 digits>-<8 hex>).
        self._job_folder = self._run_folder + (TRAINING_JOB_SUFFIX if d.tuner is not None else "")
        self.artifact_bucket = artifact_bucket or ArtifactBucket(self, "Artifacts").bucket
        bucket_name: str = read(self.artifact_bucket, "bucket_name")  # read once: every read is a round trip
        self._bucket_name = bucket_name
        self.endpoint_name = endpoint_name_for(d, environment) if d.deploy is not None else None
        self.inference_component_name = inference_component_name_for(d, environment) if d.deploy is not None and d.deploy.inference_component_based() else None
        # whether runs create the endpoint (else their inference component joins another descriptor's)
        self.owns_endpoint = self.endpoint_name is not None and creates_endpoint(d)
        self.model_package_group = model_package_group_for(d, environment) if d.register is not None else None
        if d.add_model is not None and multi_model is None:
            if d.add_model.model_data_prefix is None:
                raise ValueError(f"{d.name} adds its model to the multi-model endpoint {d.add_model.multi_data_model}: give multi_model (its prefix)")
            multi_model = MultiModelTarget(d.add_model.model_data_prefix)
        #: The multi-model endpoint runs add their model to (``add_model``), or None.
        self.multi_model = multi_model if d.add_model is not None else None
        self.topic = notification_topic or (sns.Topic.from_topic_arn(self, "Topic", d.notification_topic) if d.notification_topic else None)
        static = {"ArtifactBucket": bucket_name, "AccountId": stack_env(stack).account, "Partition": self._partition}

        # Training: code asset, execution role, the run-input check.
        self.source: s3_assets.Asset | None = None
        self.execution_role: iam.Role | None = None
        self.check_input: lambda_.Function | None = None
        readable = writable = None
        training_outputs: list[str] = []
        est = d.estimator
        if est is not None:
            if isinstance(est, FrameworkEstimator) and not (est.source_dir or "").startswith("s3://"):
                archive = write_sourcedir(d, Path(tempfile.mkdtemp(prefix="sagestack-source-")))
                self.source = file_asset(self, "Source", archive)  # one regular file
                static["SourceArchive"] = read(self.source, "s3_object_url")
            request = create_training_job(d, ctx)
            out = output_path(d, ctx).replace("{{ArtifactBucket}}", bucket_name)
            training_outputs = [out.rstrip("/") + "/"]
            if est.role is None:
                self.execution_role, readable, writable = self._execution_role(d, request, stack)
                static["RoleArn"] = read(self.execution_role, "role_arn")
            else:
                static["RoleArn"] = role_arn(est.role, ctx).replace("{{AccountId}}", stack_env(stack).account).replace("{{Partition}}", self._partition)
            self.check_input = self._function("CheckRunInput", HANDLERS / "run_input", "index.handler", "Checks a pipeline run's input and applies its overrides (sagestack)", timeout=CHECK_INPUT_TIMEOUT, memory=256)

        # Processing: each step's code assets and the role its jobs run as.
        self.processing: ProcessingAssets | None = None
        if d.processing is not None:
            bucket = bucket_name
            model_data = f"{(est.output_path or f's3://{bucket}/').rstrip('/')}/{self._job_folder}/output/model.tar.gz" if est is not None else ""
            self.processing = ProcessingAssets.build(self, d, bucket_name=bucket, run_folder=self._run_folder, model_data=model_data, prefix=self.prefix)
            static.update(self.processing.static)

        # Serving: the model's role and the repack step.
        self.model_role: ModelExecutionRole | None = None
        self.repack: lambda_.Function | None = None
        repack_step = None
        serving = d.deploy is not None or d.transformer is not None
        model_role_arn = None
        if serving:
            model_request = create_model(d, ctx)
            repacked_prefix = f"repacked/{d.name}"
            if est is None:
                assert d.model is not None  # without an estimator, the descriptor names its model data
                model_objects = [d.model.model_data]
            elif est.output_path:
                model_objects = [f"s3://{s3_bucket_and_key(p)[0]}/{s3_bucket_and_key(p)[1]}*" for p in training_outputs]
            else:  # the shared bucket: this model's runs' archives (or under its folder, for run-input output paths)
                bucket = bucket_name
                model_objects = [f"s3://{bucket}/{self._job_folder}/output/model.tar.gz", f"s3://{bucket}/{self.prefix}/*"]
            if needs_repack(d):
                entry, source_dir = _entry_point(d)
                assert entry is not None
                base = d.base_dir
                source_path = (base / source_dir).resolve() if source_dir else None
                code = code_asset(self, "InferenceCode", entry_point=(source_path or base) / entry, source_dir=source_path, root=d.root)
                partition = stack_env(stack).partition
                reads = [f"arn:{partition}:s3:::{s3_bucket_and_key(u)[0]}/{s3_bucket_and_key(u)[1]}" for u in model_objects]
                repacker = RepackFunction(self, "Repack", model_objects=reads, code=code, bucket=self.artifact_bucket, prefix=repacked_prefix)
                self.repack = repacker.function
                repack_step = RepackStep(read(self.repack, "function_arn"), read(code, "s3_bucket_name"), read(code, "s3_object_key"), bucket_name, repacked_prefix)
                model_objects = [f"s3://{bucket_name}/{repacked_prefix}/*"]
            if needs_code_archive(d):
                # a model that loads its inference code from an archive beside it
                assert d.model is not None and d.model.entry_point is not None
                base = d.base_dir
                source_path = (base / d.model.source_dir).resolve() if d.model.source_dir else None
                self.source = code_asset(
                    self, "ModelCode", entry_point=(source_path or base) / d.model.entry_point, source_dir=source_path,
                    dependencies=[(base / dep).resolve() for dep in d.model.dependencies], root=d.root, dependency_prefix="",
                )
                static["SourceArchive"] = read(self.source, "s3_object_url")
            if self.source is not None and "{{SourceArchive}}" in json.dumps(model_request["PrimaryContainer"]):
                # a container that loads its code from a code archive instead of a repacked model
                model_objects = [*model_objects, f"s3://{read(self.source, 's3_bucket_name')}/{read(self.source, 's3_object_key')}"]
            if model_request["ExecutionRoleArn"] == "{{RoleArn}}":
                transform = create_transform_job(d, ctx) if d.transformer is not None else None
                capture = d.deploy.data_capture_config if d.deploy is not None else None
                # what the placements (asynchronous inference) have the model write, tell and encrypt
                access_ctx = RenderContext(region=stack_env(stack).region, default_bucket=bucket_name, endpoint_name=self.endpoint_name or "")
                access = [p.model_access(d, access_ctx) for p in placements_of(d.deploy)] if d.deploy is not None else []
                responses = [prefix for a in access for prefix in a.write_prefixes]
                self.model_role = ModelExecutionRole(
                    self, "ModelRole",
                    model_data=model_objects,
                    images=[model_request["PrimaryContainer"]["Image"]],
                    endpoint_name=self.endpoint_name,
                    inference_component_name=self.inference_component_name,
                    kms_keys=[k for k in (d.deploy.kms_key if d.deploy else None, capture.kms_key_id if capture else None, *(k for a in access for k in a.kms_keys), *self._transform_keys(transform)) if k],
                    vpc="VpcConfig" in model_request,
                    capture_destinations=[capture.destination_s3_uri or f"s3://{bucket_name}/model-monitor/data-capture"] if capture is not None else [],
                    transform_job_prefix=self.prefix.lower() if transform is not None else None,
                    read_prefixes=[transform["TransformInput"]["DataSource"]["S3DataSource"]["S3Uri"]] if transform is not None else [],
                    write_prefixes=[*self._transform_outputs(transform), *responses],
                    notification_topics=[t for a in access for t in a.notification_topics],
                )
                model_role_arn = read(self.model_role.role, "role_arn")
            elif est is None:
                model_role_arn = model_request["ExecutionRoleArn"].replace("{{AccountId}}", stack_env(stack).account).replace("{{Partition}}", self._partition)

        resources = PipelineResources(
            static=static,
            check_input_function=read(self.check_input, "function_arn") if self.check_input is not None else None,
            model_role_arn=model_role_arn,
            endpoint_name=self.endpoint_name,
            inference_component_name=self.inference_component_name,
            repack=repack_step,
            topic_arn=read(self.topic, "topic_arn") if self.topic is not None else None,
            readable=readable,
            writable=writable,
            name_suffix=name_suffix,
            # A literal from the (concrete) region, not the AWS::Partition token: the definition's Task
            # resources stay plain ARNs that cfn-lint and local execution read.
            partition=_region_partition(stack_env(stack).region) or self._partition,
            model_package_group=self.model_package_group,
            multi_model=self.multi_model,
        )
        self.definition = pipeline_definition(d, ctx, resources)
        definition_text, substitutions = _with_substitutions(self.definition, {
            "ArtifactBucket": static["ArtifactBucket"], "AccountId": stack_env(stack).account, "Partition": self._partition, "TrainingRoleArn": static.get("RoleArn"),
            "SourceArchive": static.get("SourceArchive"), "ModelRoleArn": model_role_arn, "TopicArn": resources.topic_arn,
            "CheckRunInputArn": resources.check_input_function, "RepackArn": repack_step.function_arn if repack_step else None,
            "CodeBucket": repack_step.code_bucket if repack_step else None, "CodeKey": repack_step.code_key if repack_step else None,
            "ProcessingRoleArn": static.get("ProcessingRoleArn"),
        })

        statements = self._state_machine_statements(d, resources, runs, static.get("RoleArn") if est is not None else None, model_role_arn)
        # What these Python calls would make, in the same order, in one jsii request instead of about ten:
        #   log_group = logs.LogGroup(self, "Logs", retention=ONE_YEAR, removal_policy=DESTROY), with checkov's skip;
        #   role = role_with_grants(self, "StateMachineRole", ...);
        #   sfn.StateMachine(self, "StateMachine", definition_body=sfn.DefinitionBody.from_string(definition_text),
        #       definition_substitutions=substitutions, role=role, logs=sfn.LogOptions(destination=log_group,
        #       level=ALL, include_execution_data=True), tracing_enabled=True, comment=...);
        # its DependsOn on the role's DefaultPolicy only (CDK makes it depend on the whole role; RoleArn
        # already orders the role; keeps cfn-lint W3005 quiet without ignoring it); its ARN and name.
        depends_on = default_policy_id(stack, result(2), [*self._path, "StateMachineRole", "DefaultPolicy", "Resource"])
        _, _, role, self.state_machine, _, state_machine_arn, state_machine_name = evaluate(
            *log_group_expressions(self, "Logs"),
            role_expression(self, "StateMachineRole", service="states.amazonaws.com", description=f"sagestack pipeline of {d.name}", grants=statements),
            ("aws-cdk-lib:aws_stepfunctions.StateMachine", ("new", self, "StateMachine", {
                "definitionBody": batch_value("aws-cdk-lib:aws_stepfunctions.DefinitionBody", ("fromString", definition_text)),
                "definitionSubstitutions": substitutions,
                "role": result(2),
                "logs": {"destination": result(0), "level": batch_value("aws-cdk-lib:aws_stepfunctions.LogLevel.ALL"), "includeExecutionData": True},
                "tracingEnabled": True,
                "comment": f"sagestack: {d.kind} ({d.name})",
            })),
            (result(3), "node", "defaultChild", ("addOverride", "DependsOn", [depends_on])),
            (result(3), "stateMachineArn"),
            (result(3), "stateMachineName"),
        )
        known(self.state_machine, state_machine_arn=state_machine_arn, state_machine_name=state_machine_name)
        acknowledge_wildcards(
            role, statements,
            "SageMaker names are <model prefix>-<12 hex run id> (one '?' per digit); Application Auto Scaling's "
            "target-tracking alarms are named by the service under the endpoint's resource id; Register/Deregister/"
            "PutScalingPolicy/PutScheduledAction take no resource ARN before the target exists and are conditioned to "
            "SageMaker variant counts; the execution ARNs of this state machine's own runs"
            + ("; add_model: the runs' model archives (<run folder>/output/model.tar.gz, or under the output path a run names) and "
               "the keys runs write under the multi-model endpoint's prefix (<stem>/<prefix>-<12 hex>.tar.gz)." if d.add_model is not None else "."),
        )
        acknowledge(
            role,
            "AwsSolutions-IAM5",
            "Step Functions log delivery (logs:*LogDelivery, Describe*) and X-Ray (PutTraceSegments, ...) take no resource-level permissions; CDK grants them on '*'.",
            ["Resource::*"],
        )
        self.triggers = add_triggers(self, d.schedule, enabled=triggers_enabled) if d.schedule is not None else None
        self.registry = add_registry(self, d, self.model_package_group, retained=registry_retained) if self.model_package_group is not None else None
        if d.deploy is not None or d.transformer is not None or (self.registry is not None and not registry_retained):  # runs create models (and an endpoint) or packages
            self._teardown(d, runs, None if registry_retained else self.model_package_group)
        # cdk.CfnOutput(self, ...), deferred: nothing reads them, and they are this construct's last children
        output(self, "StateMachineArn", value=read(self.state_machine, "state_machine_arn"), description=f"Start a run of {d.name}")
        if self.multi_model is not None and not self.multi_model.in_artifact_bucket:  # a preview's copies: the run's output names each
            output(self, "MultiModelPrefix", value=self.multi_model.prefix, description=f"Where each run of {d.name} adds its model (<stem>/<run name>.tar.gz, the run's target_model)")
        if self.endpoint_name is not None:
            output(self, "EndpointName", value=self.endpoint_name, description=f"The endpoint each run of {d.name} creates or updates")

    # -- helpers ---------------------------------------------------------------------------------

    @staticmethod
    def _transform_keys(transform: dict | None) -> list[str]:
        """The KMS keys a transform job uses as the model's role: output, volume, batch data capture."""
        if transform is None:
            return []
        return [k for k in (transform["TransformOutput"].get("KmsKeyId"), transform.get("TransformResources", {}).get("VolumeKmsKeyId"), transform.get("DataCaptureConfig", {}).get("KmsKeyId")) if k]

    def _transform_outputs(self, transform: dict | None) -> list[str]:
        """Where a transform job writes as the model's role: its output and batch data capture."""
        if transform is None:
            return []
        capture = transform.get("DataCaptureConfig", {}).get("DestinationS3Uri")
        return [self._transform_output(transform)] + ([capture.rstrip("/") + "/"] if capture else [])

    def _transform_output(self, transform: dict) -> str:
        uri = transform["TransformOutput"]["S3OutputPath"]
        if "{{" in uri:  # default: s3://<artifact bucket>/<transform job name>
            return f"s3://{self._bucket_name}/{self._run_folder}/"
        return uri.rstrip("/") + "/"

    def _function(self, construct_id: str, code: Path, handler: str, description: str, *, timeout: cdk.Duration, memory: int, grants: Sequence[Grant] = ()) -> lambda_.Function:
        """A Python function (``handler`` in the package directory ``code``), with its own log
        group and a role that can write only there, plus ``grants``."""
        made = python_function(
            self, stack=self._stack, path=self._path, ids=(construct_id, f"{construct_id}Role", f"{construct_id}Logs"),
            code=code, handler=handler, description=description, timeout=timeout, memory=memory, grants=grants,
        )
        return made.function

    def _state_machine_statements(self, d: ModelDescriptor, resources: PipelineResources, runs: str, training_role_arn: str | None, model_role_arn: str | None) -> list[Grant]:
        """Only the actions the definition's tasks call, on this model's names: the union of the
        step fragments' grants (pipeline/steps/), so the grants follow the states."""
        context = GrantContext(
            partition=self._partition, region=self._region, account=self._account, runs=runs,
            endpoint_name=self.endpoint_name, inference_component_name=self.inference_component_name,
            check_input_function=read(self.check_input, "function_arn") if self.check_input is not None else None,
            repack_function=read(self.repack, "function_arn") if self.repack is not None else None,
            topic_arn=read(self.topic, "topic_arn") if self.topic is not None else None,
            topic_key_arn=topic_key_arn(self.topic) if self.topic is not None else None,  # an encrypted topic's key
            training_role_arn=training_role_arn, model_role_arn=model_role_arn,
            processing_role_arns=tuple(self.processing.role_arns) if self.processing is not None else (),
            artifact_bucket=self._bucket_name, run_folders=self._run_folder,
            model_package_group=self.model_package_group,
            multi_model_prefix=self.multi_model.prefix if self.multi_model is not None else None,
        )
        return [statement(actions=s.actions, resources=s.resources, conditions=s.conditions) for s in step_grants(d, resources, context)]

    def _teardown(self, d: ModelDescriptor, runs: str, packages: str | None = None) -> None:
        """On stack deletion: stop runs, deregister autoscaling, delete the run-created endpoint,
        configs and models (handlers/teardown.py), so a deleted stack leaves nothing billing; and
        the packages of ``packages`` (a group that goes with the stack)."""
        arn = self._arn
        name_token = read(self.state_machine, "state_machine_name")
        state_machine_arn = read(self.state_machine, "state_machine_arn")
        statements = [
            statement(actions=["states:ListExecutions"], resources=[state_machine_arn]),
            statement(actions=["states:StopExecution", "states:DescribeExecution"], resources=[arn("states", f"execution:{name_token}:*")]),
        ]
        owns_endpoint = self.owns_endpoint  # not another descriptor's endpoint
        if self.inference_component_name is not None:
            statements.append(statement(
                actions=["sagemaker:DeleteInferenceComponent", "sagemaker:DescribeInferenceComponent"], resources=[arn("sagemaker", f"inference-component/{self.inference_component_name.lower()}")],
            ))
        if owns_endpoint:
            assert self.endpoint_name is not None
            statements += [
                statement(actions=["sagemaker:DescribeEndpoint", "sagemaker:DeleteEndpoint"], resources=[arn("sagemaker", f"endpoint/{self.endpoint_name.lower()}")]),
                statement(actions=["sagemaker:DeleteEndpointConfig"], resources=[arn("sagemaker", f"endpoint-config/{runs}")]),
            ]
        statements += [
            statement(actions=["sagemaker:DeleteModel"], resources=[arn("sagemaker", f"model/{runs}")]),
            # List actions take no resource-level permissions.
            statement(actions=["sagemaker:ListEndpointConfigs", "sagemaker:ListModels"], resources=["*"]),
        ]
        if packages is not None:
            statements.append(statement(actions=["sagemaker:ListModelPackages"], resources=["*"]))  # takes no resource ARN
            statements.append(statement(actions=["sagemaker:DeleteModelPackage"], resources=[arn("sagemaker", f"model-package/{packages.lower()}/*")]))
        variants: list[str] = []
        scaled_components: list[str] = []
        alarms: list[str] = []
        if d.deploy is not None and d.deploy.autoscaling is not None:
            components = self.inference_component_name is not None
            if components:
                assert self.inference_component_name is not None
                scaled_components = [self.inference_component_name]
            else:
                variants = [VARIANT_NAME]
            statements.append(statement(
                actions=["application-autoscaling:DeregisterScalableTarget"],
                resources=["*"],  # targets' ARNs carry a random id; conditioned to SageMaker variant (or component copy) counts
                conditions={"StringEquals": {"application-autoscaling:service-namespace": SCALING_NAMESPACE, "application-autoscaling:scalable-dimension": COMPONENT_SCALING_DIMENSION if components else SCALING_DIMENSION}},
            ))
            # the alarm a run put, which deregistering leaves behind
            if components and component_scales_from_zero(d.deploy):
                assert self.inference_component_name is not None
                alarms = [no_capacity_alarm(self.inference_component_name)["AlarmName"]]
            elif scales_from_zero(d.deploy):
                assert self.endpoint_name is not None
                alarms = [backlog_alarm(self.endpoint_name, VARIANT_NAME)["AlarmName"]]
            if alarms:
                statements.append(statement(actions=["cloudwatch:DeleteAlarms"], resources=[arn("cloudwatch", f"alarm:{alarms[0]}")]))
        function = self._function(
            "Teardown", CUSTOM_RESOURCE_HANDLERS, "teardown.handler", "Removes what this model's pipeline runs created, on stack deletion (sagestack)",
            timeout=TEARDOWN_TIMEOUT, memory=256, grants=statements,
        )
        role = read(function, "role")
        assert role is not None  # a Function made without a role is given one by the CDK
        policy = batch_value(role, "node", ("findChild", "DefaultPolicy"))  # made by a batched grant
        acknowledge_wildcards(
            role,
            statements,
            "Teardown removes run-created resources named <model prefix>-<12 hex run id> and stops this state machine's "
            f"executions (ARNs made at run time); ListModels/ListEndpointConfigs{'/ListModelPackages' if packages is not None else ''} and DeregisterScalableTarget take no resource ARN.",
        )
        # Deleted first: before the state machine, the roles SageMaker runs as, its own policy and the
        # group (one call: CDK orders DependsOn by construct path, not by when each was added).
        dependencies = [policy, self.registry[0] if packages is not None and self.registry is not None else None]
        dependencies += [self.execution_role, self.model_role, self.processing.role if self.processing is not None else None]
        # cdk.CustomResource(self, "TeardownRunResources", ...).node.add_dependency(...), deferred: nothing
        # reads it, and it is this construct's last resource whenever it is made
        call("aws-cdk-lib:CustomResource", ("new", self, "TeardownRunResources", {
            "serviceToken": read(function, "function_arn"),
            "resourceType": "Custom::SageMakerPipelineTeardown",
            "properties": {
                "StateMachineArn": state_machine_arn, "NamePrefix": self.prefix, "EndpointName": self.endpoint_name if owns_endpoint or self.endpoint_name is None else "", "Variants": variants,
                **({"Alarms": alarms} if alarms else {}),
                **({"InferenceComponents": [self.inference_component_name]} if self.inference_component_name is not None else {}),
                **({"ScaledInferenceComponents": scaled_components} if scaled_components else {}),
                **({"ModelPackageGroup": packages} if packages else {}),
            },
        }), "node", ("addDependency", *(dependency for dependency in dependencies if dependency is not None)))

    def _execution_role(self, d: ModelDescriptor, request: dict, stack: cdk.Stack) -> tuple[iam.Role, list[str], list[str]]:
        """The role the training job runs as: its channels, outputs, code, image, logs — nothing
        else. Returns the role and the S3 prefixes it reads and writes (run inputs are checked
        against them)."""
        est = d.estimator
        assert est is not None
        partition = stack_env(stack).partition
        statements: list[Grant] = []

        def prefix_arn(uri: str) -> tuple[str, str, str]:
            bucket, key = s3_bucket_and_key(uri)
            return bucket, key.rstrip("/"), f"arn:{partition}:s3:::{bucket}/{key.rstrip('/')}*"

        reads = [ch["DataSource"]["S3DataSource"]["S3Uri"] for ch in request["InputDataConfig"] if ch["ChannelName"] != "code" or "{{" not in ch["DataSource"]["S3DataSource"]["S3Uri"]]
        reads = [uri for uri in reads if not uri.startswith("{{")]
        # A processing step's output (s3://{{ArtifactBucket}}/{{TrainingJobName}}-<step>/...): this model's run folders.
        iam_reads = [uri.replace("{{ArtifactBucket}}", self._bucket_name).replace("{{TrainingJobName}}", self._run_folder) for uri in reads]
        if iam_reads:
            statements.append(statement(actions=["s3:GetObject"], resources=stable_sorted(prefix_arn(u)[2] for u in iam_reads)))
            for bucket in stable_sorted(prefix_arn(u)[0] for u in iam_reads):
                keys = stable_sorted(prefix_arn(u)[1] + "*" for u in iam_reads if prefix_arn(u)[0] == bucket)
                statements.append(statement(actions=["s3:ListBucket"], resources=[f"arn:{partition}:s3:::{bucket}"], conditions={"StringLike": {"s3:prefix": keys}}))
        # Every S3 location the job writes to, from the request itself (model output, Debugger and
        # profiler output, checkpoints), so a location the descriptor adds is never left out.
        shared_out = None if est.output_path else output_path(d, RenderContext(region=stack_env(stack).region))  # "s3://{{ArtifactBucket}}/"
        outputs = [request["OutputDataConfig"]["S3OutputPath"]]
        outputs += [request[k]["S3OutputPath"] for k in ("DebugHookConfig", "ProfilerConfig", "TensorBoardOutputConfig") if request.get(k, {}).get("S3OutputPath")]
        checkpoint = request.get("CheckpointConfig", {}).get("S3Uri")
        if checkpoint:
            outputs.append(checkpoint)
            statements.append(statement(actions=["s3:GetObject"], resources=[prefix_arn(checkpoint)[2]]))
        writes = stable_sorted(prefix_arn(u)[2] for u in outputs if u != shared_out)
        if shared_out in outputs:  # the shared artifact bucket: only this model's keys in it
            # what arn_for_objects makes (the bucket's ARN, "/", the key pattern), with one read of the ARN
            writes += [f"{read(self.artifact_bucket, 'bucket_arn')}/{k}" for k in (f"{self._job_folder}/*", f"{self.prefix}/*")]
        statements.append(statement(actions=["s3:PutObject"], resources=writes))
        # What a run may name as its output_path: the descriptor's own, or this model's folder.
        writable = [est.output_path.rstrip("/")] if est.output_path else [f"s3://{self._bucket_name}/{self.prefix}/"]
        if self.source is not None:
            statements.append(statement(actions=["s3:GetObject"], resources=[object_arn(self.source)]))
        statements += ecr_pull(stack, [request["AlgorithmSpecification"]["TrainingImage"]])
        group = f"arn:{partition}:logs:{stack_env(stack).region}:{stack_env(stack).account}:log-group:/aws/sagemaker/TrainingJobs"
        statements.append(statement(actions=["logs:CreateLogGroup", "logs:DescribeLogStreams"], resources=[group]))
        statements.append(statement(actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[f"{group}:log-stream:{self.prefix}-*"]))
        statements.append(statement(actions=["cloudwatch:PutMetricData"], resources=["*"], conditions={"StringLike": {"cloudwatch:namespace": ["/aws/sagemaker/*", "sagemaker*"]}}))
        statements += kms_use(stack, [est.volume_kms_key, est.output_kms_key]) + vpc_network_interfaces(est.subnets is not None)
        role = role_with_grants(self, "ExecutionRole", service="sagemaker.amazonaws.com", description=f"SageMaker training role of {d.name} (sagestack)", grants=statements)
        acknowledge_wildcards(
            role,
            statements,
            "Wildcards only where the names are made at run time or IAM has no narrower form: objects under the channel, "
            "output, Debugger and checkpoint prefixes (in the shared artifact bucket: this model's run folders <prefix>-<12 hex>/ "
            "and its folder <prefix>/); the job's log streams (<prefix>-*); ecr:GetAuthorizationToken and "
            "cloudwatch:PutMetricData (namespace-conditioned) take no resource; KMS keys named by alias are any key of the account "
            "conditioned on kms:ResourceAliases (the key id behind an alias is unknown at synth); EC2 network-interface actions for VPC jobs.",
        )
        readable = stable_sorted(u.rstrip("/") for u in reads if "{{" not in u)  # a run input may name these prefixes
        return role, readable, writable
