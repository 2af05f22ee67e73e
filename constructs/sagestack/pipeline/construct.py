"""``TrainingPipeline``: the descriptor's training as a Step Functions state machine (CDK).

Thin by design: the definition comes from :func:`.definition.training_definition` (pure); this
construct fills its deploy-time placeholders with tokens (roles, buckets, the code asset) and
wires IAM, logging and tracing.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as s3_assets
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from ..descriptor import ModelDescriptor
from ..descriptor.estimator import FrameworkEstimator
from ..hosting._tokens import s3_bucket_and_key
from ..iam import ecr_pull, kms_use, require_region, vpc_network_interfaces
from ..hosting.artifact_bucket import ArtifactBucket
from ..nag import acknowledge, acknowledge_wildcards
from ..render import RenderContext
from ..render.sourcedir import write_sourcedir
from ..render.training import create_training_job, role_arn
from .definition import training_definition, training_prefix

__all__ = ["TrainingPipeline"]


class TrainingPipeline(Construct):
    """Trains the descriptor's estimator on every execution.

    Attributes: ``state_machine`` (sfn.StateMachine), ``execution_role`` (the SageMaker role, or
    None when the descriptor names one), ``artifact_bucket``, ``source`` (the code asset or None),
    ``definition`` (the definition with tokens), ``prefix`` (job-name prefix IAM is scoped to).
    """

    def __init__(self, scope: Construct, construct_id: str, *, descriptor: ModelDescriptor, artifact_bucket: s3.IBucket | None = None) -> None:
        """
        :param descriptor: a validated descriptor with ``estimator`` and ``fit``.
        :param artifact_bucket: default output location (default: a new bucket).
        """
        super().__init__(scope, construct_id)
        d = descriptor
        if d.estimator is None or d.fit is None:
            raise ValueError(f"TrainingPipeline needs estimator and fit; {d.name} has {d.kind}")
        stack = cdk.Stack.of(self)
        require_region(stack, "TrainingPipeline")
        est = d.estimator
        self.prefix = training_prefix(d)
        self.artifact_bucket = artifact_bucket or ArtifactBucket(self, "Artifacts").bucket
        self.source: s3_assets.Asset | None = None
        static = {"ArtifactBucket": self.artifact_bucket.bucket_name, "AccountId": stack.account}
        if isinstance(est, FrameworkEstimator) and not (est.source_dir or "").startswith("s3://"):
            archive = write_sourcedir(d, Path(tempfile.mkdtemp(prefix="sagestack-source-")))
            self.source = s3_assets.Asset(self, "Source", path=str(archive))
            static["SourceArchive"] = self.source.s3_object_url

        ctx = RenderContext(region=stack.region)
        request = create_training_job(d, ctx)
        self.execution_role: iam.Role | None = None
        if est.role is None:
            self.execution_role = self._execution_role(d, request, stack)
            static["RoleArn"] = self.execution_role.role_arn
            passed_role = self.execution_role.role_arn
        else:
            passed_role = role_arn(est.role, ctx).replace("{{AccountId}}", stack.account)
            static["RoleArn"] = passed_role
        self.definition = training_definition(d, ctx, static=static)

        log_group = logs.LogGroup(self, "Logs", retention=logs.RetentionDays.ONE_YEAR, removal_policy=cdk.RemovalPolicy.DESTROY)
        role = iam.Role(self, "StateMachineRole", assumed_by=iam.ServicePrincipal("states.amazonaws.com"), description=f"sagestack training pipeline of {d.name}")
        partition, region, account = stack.partition, stack.region, stack.account
        statements = [
            iam.PolicyStatement(
                actions=["sagemaker:CreateTrainingJob", "sagemaker:DescribeTrainingJob", "sagemaker:StopTrainingJob", "sagemaker:AddTags"],
                # Job names are <prefix>-<run id>: the prefix is fixed per model, the id per execution.
                resources=[f"arn:{partition}:sagemaker:{region}:{account}:training-job/{self.prefix}-*"],
            ),
            iam.PolicyStatement(
                actions=["events:PutTargets", "events:PutRule", "events:DescribeRule"],
                resources=[f"arn:{partition}:events:{region}:{account}:rule/StepFunctionsGetEventsForSageMakerTrainingJobsRule"],
            ),
            iam.PolicyStatement(actions=["iam:PassRole"], resources=[passed_role], conditions={"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}),
        ]
        for statement in statements:
            role.add_to_policy(statement)
        self.state_machine = sfn.StateMachine(
            self,
            "StateMachine",
            definition_body=sfn.DefinitionBody.from_string(stack.to_json_string(self.definition)),
            role=role,
            logs=sfn.LogOptions(destination=log_group, level=sfn.LogLevel.ALL, include_execution_data=True),
            tracing_enabled=True,
            comment=f"sagestack: train {d.name}",
        )
        # CDK makes the state machine depend on the whole role; RoleArn already orders the role, so
        # only the policy needs DependsOn (keeps cfn-lint W3005 quiet without ignoring it).
        policy = role.node.find_child("DefaultPolicy").node.default_child
        self.state_machine.node.default_child.add_override("DependsOn", [stack.get_logical_id(policy)])
        acknowledge_wildcards(role, statements, "Training jobs are named <model prefix>-<run id>; the run id is drawn per execution, so the grant is limited to this model's prefix.")
        acknowledge(
            role,
            "AwsSolutions-IAM5",
            "Step Functions log delivery (logs:*LogDelivery, Describe*) and X-Ray (PutTraceSegments, ...) take no resource-level permissions; CDK grants them on '*'.",
            ["Resource::*"],
        )
        cdk.CfnOutput(self, "StateMachineArn", value=self.state_machine.state_machine_arn, description=f"Start a training run of {d.name}")

    def _execution_role(self, d: ModelDescriptor, request: dict, stack: cdk.Stack) -> iam.Role:
        """The role the training job runs as: its channels, outputs, code, image, logs — nothing else."""
        est = d.estimator
        assert est is not None
        partition = stack.partition
        role = iam.Role(self, "ExecutionRole", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"), description=f"SageMaker training role of {d.name} (sagestack)")
        statements: list[iam.PolicyStatement] = []

        def prefix_arn(uri: str) -> tuple[str, str, str]:
            bucket, key = s3_bucket_and_key(uri)
            return bucket, key.rstrip("/"), f"arn:{partition}:s3:::{bucket}/{key.rstrip('/')}*"

        reads = [ch["DataSource"]["S3DataSource"]["S3Uri"] for ch in request["InputDataConfig"] if ch["ChannelName"] != "code" or "{{" not in ch["DataSource"]["S3DataSource"]["S3Uri"]]
        reads = [uri for uri in reads if not uri.startswith("{{")]
        if reads:
            statements.append(iam.PolicyStatement(actions=["s3:GetObject"], resources=sorted({prefix_arn(u)[2] for u in reads})))
            for bucket in sorted({prefix_arn(u)[0] for u in reads}):
                keys = sorted({prefix_arn(u)[1] + "*" for u in reads if prefix_arn(u)[0] == bucket})
                statements.append(iam.PolicyStatement(actions=["s3:ListBucket"], resources=[f"arn:{partition}:s3:::{bucket}"], conditions={"StringLike": {"s3:prefix": keys}}))
        writes = [est.output_path] if est.output_path else []
        if est.checkpoint_s3_uri:
            writes.append(est.checkpoint_s3_uri)
            statements.append(iam.PolicyStatement(actions=["s3:GetObject"], resources=[prefix_arn(est.checkpoint_s3_uri)[2]]))
        if writes:
            statements.append(iam.PolicyStatement(actions=["s3:PutObject"], resources=sorted({prefix_arn(u)[2] for u in writes})))
        if not est.output_path:
            statements.append(iam.PolicyStatement(actions=["s3:PutObject"], resources=[self.artifact_bucket.arn_for_objects("*")]))
        if self.source is not None:
            statements.append(iam.PolicyStatement(actions=["s3:GetObject"], resources=[self.source.bucket.arn_for_objects(self.source.s3_object_key)]))
        statements += ecr_pull(stack, [request["AlgorithmSpecification"]["TrainingImage"]])
        group = f"arn:{partition}:logs:{stack.region}:{stack.account}:log-group:/aws/sagemaker/TrainingJobs"
        statements.append(iam.PolicyStatement(actions=["logs:CreateLogGroup", "logs:DescribeLogStreams"], resources=[group]))
        statements.append(iam.PolicyStatement(actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[f"{group}:log-stream:{self.prefix}-*"]))
        statements.append(iam.PolicyStatement(actions=["cloudwatch:PutMetricData"], resources=["*"], conditions={"StringLike": {"cloudwatch:namespace": ["/aws/sagemaker/*", "sagemaker*"]}}))
        statements += kms_use(stack, [est.volume_kms_key, est.output_kms_key]) + vpc_network_interfaces(est.subnets is not None)
        for statement in statements:
            role.add_to_policy(statement)
        acknowledge_wildcards(
            role,
            statements,
            "Wildcards only where the names are made at run time or IAM has no narrower form: objects under the channel, "
            "output and checkpoint prefixes; the job's log streams (<prefix>-*); ecr:GetAuthorizationToken and "
            "cloudwatch:PutMetricData (namespace-conditioned) take no resource; EC2 network-interface actions for VPC jobs.",
        )
        return role
