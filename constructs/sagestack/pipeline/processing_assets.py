"""What a pipeline's processing steps need at deploy time (CDK): each step's code as an asset (a
script, or a framework processor's sourcedir.tar.gz and runproc.sh), and the role the jobs run as
when a processor names none: read exactly its inputs and code, write exactly its outputs."""

from __future__ import annotations

import posixpath
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3_assets as s3_assets
from constructs import Construct

from ..assets import file_asset
from ..assets import object_arn as asset_object_arn
from ..descriptor import ModelDescriptor
from ..descriptor.processing import FrameworkProcessorBase, ProcessingStep
from ..hosting._tokens import s3_bucket_and_key
from ..iam import Grant, ecr_pull, kms_use, read, role_with_grants, stack_env, stack_of, statement, vpc_network_interfaces
from ..nag import acknowledge_wildcards
from ..render import RenderContext
from ..render.context import stable_sorted
from ..render.processing import create_processing_job, runproc_script
from ..render.sourcedir import sourcedir_archive
from ..render.training import role_arn

__all__ = ["ProcessingAssets"]


def _asset(scope: Construct, construct_id: str, path: Path) -> s3_assets.Asset:
    return file_asset(scope, construct_id, path)  # one regular file


@dataclass
class ProcessingAssets:
    """The code assets and role of ``d``'s processing steps.

    ``static``: the definition's deploy-time values (``ProcessingCode.<step>`` ...,
    ``ProcessingRoleArn``); ``role``: the generated role, or None when every processor names one;
    ``role_arns``: every role the jobs pass (for iam:PassRole); ``assets``: the code assets.
    """

    static: dict[str, str] = field(default_factory=dict)
    role: iam.Role | None = None
    role_arns: list[str] = field(default_factory=list)
    assets: list[s3_assets.Asset] = field(default_factory=list)

    @classmethod
    def build(cls, scope: Construct, d: ModelDescriptor, *, bucket_name: str, run_folder: str, model_data: str, prefix: str) -> ProcessingAssets:
        """``run_folder``: a run's name as an IAM pattern (``<prefix>-????????????``);
        ``model_data``: the trained model's S3 URI pattern (what ``{step: training, output:
        model}`` reads)."""
        stack = stack_of(scope)
        out = cls()
        for step in d.processing or ():
            out._code(scope, d, step)
        # The requests with this stack's names: run names as IAM patterns, so the role's reads and
        # writes stay on this model's runs.
        ctx = RenderContext(region=stack_env(stack).region, default_bucket=bucket_name, job_name=run_folder, model_data=model_data, role_arn="{{ProcessingRoleArn}}")
        requests = [(step, create_processing_job(d, step, ctx)) for step in d.processing or ()]
        generated = [(step, request) for step, request in requests if step.processor.role is None]
        if generated:
            out.role = out._role(scope, d, stack, generated, prefix)
            out.static["ProcessingRoleArn"] = out.role.role_arn
            out.role_arns.append(out.role.role_arn)
        for step in d.processing or ():
            if step.processor.role is not None:
                out.role_arns.append(role_arn(step.processor.role, ctx).replace("{{AccountId}}", stack_env(stack).account).replace("{{Partition}}", stack_env(stack).partition))
        return out

    def _code(self, scope: Construct, d: ModelDescriptor, step: ProcessingStep) -> None:
        """The step's local code as assets; the container finds each under the asset's file name."""
        code = step.run.code
        if code is None or code.startswith("s3://"):
            return
        base = d.base_dir
        staging = Path(tempfile.mkdtemp(prefix="sagestack-processing-"))
        if isinstance(step.processor, FrameworkProcessorBase):
            source_dir = (base / step.run.source_dir).resolve() if step.run.source_dir else None
            entry = (source_dir / code) if source_dir else (base / code).resolve()
            archive = staging / "sourcedir.tar.gz"
            archive.write_bytes(sourcedir_archive(entry_point=entry, source_dir=source_dir, dependencies=[(base / p).resolve() for p in step.run.dependencies], root=d.root))
            packed = _asset(scope, f"ProcessingCode-{step.name}", archive)
            runproc = staging / "runproc.sh"
            runproc.write_text(runproc_script(step, archive=posixpath.basename(read(packed, "s3_object_key"))))
            entrypoint = _asset(scope, f"ProcessingEntrypoint-{step.name}", runproc)
            self.static[f"ProcessingEntrypoint.{step.name}"] = read(entrypoint, "s3_object_url")
            self.static[f"ProcessingEntrypointFile.{step.name}"] = posixpath.basename(read(entrypoint, "s3_object_key"))
            self.assets += [packed, entrypoint]
        else:
            script = staging / posixpath.basename(code)
            script.write_bytes((base / code).resolve().read_bytes())  # the file itself, links resolved inside the repository
            packed = _asset(scope, f"ProcessingCode-{step.name}", script)
            self.assets.append(packed)
        self.static[f"ProcessingCode.{step.name}"] = read(packed, "s3_object_url")
        self.static[f"ProcessingCodeFile.{step.name}"] = posixpath.basename(read(packed, "s3_object_key"))

    def _role(self, scope: Construct, d: ModelDescriptor, stack: cdk.Stack, requests: list[tuple[ProcessingStep, dict]], prefix: str) -> iam.Role:
        partition = stack_env(stack).partition

        def object_arn(uri: str) -> str:
            bucket, key = s3_bucket_and_key(uri)
            return f"arn:{partition}:s3:::{bucket}/{key.rstrip('/')}*"

        reads, writes, images, keys = [], [], [], []
        vpc = False
        for step, request in requests:
            reads += [i["S3Input"]["S3Uri"] for i in request.get("ProcessingInputs", []) if not i["S3Input"]["S3Uri"].startswith("{{")]
            writes += [o["S3Output"]["S3Uri"] for o in request.get("ProcessingOutputConfig", {}).get("Outputs", [])]
            images.append(request["AppSpecification"]["ImageUri"])
            keys += [step.processor.volume_kms_key, step.processor.output_kms_key]
            net = step.processor.network_config
            vpc = vpc or (net is not None and net.subnets is not None)
        statements: list[Grant] = []
        code = [asset_object_arn(a) for a in self.assets]
        if reads or code:
            statements.append(statement(actions=["s3:GetObject"], resources=stable_sorted(object_arn(u) for u in reads) + code))
        for bucket in stable_sorted(s3_bucket_and_key(u)[0] for u in reads):
            prefixes = stable_sorted(s3_bucket_and_key(u)[1].rstrip("/") + "*" for u in reads if s3_bucket_and_key(u)[0] == bucket)
            statements.append(statement(actions=["s3:ListBucket"], resources=[f"arn:{partition}:s3:::{bucket}"], conditions={"StringLike": {"s3:prefix": prefixes}}))
        if writes:
            statements.append(statement(actions=["s3:PutObject"], resources=stable_sorted(object_arn(u) for u in writes)))
        statements += ecr_pull(stack, images)
        group = f"arn:{partition}:logs:{stack_env(stack).region}:{stack_env(stack).account}:log-group:/aws/sagemaker/ProcessingJobs"
        statements.append(statement(actions=["logs:CreateLogGroup", "logs:DescribeLogStreams"], resources=[group]))
        statements.append(statement(actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[f"{group}:log-stream:{prefix}-*"]))
        statements.append(statement(actions=["cloudwatch:PutMetricData"], resources=["*"], conditions={"StringLike": {"cloudwatch:namespace": ["/aws/sagemaker/*", "sagemaker*"]}}))
        statements += kms_use(stack, keys) + vpc_network_interfaces(vpc)
        role = role_with_grants(scope, "ProcessingRole", service="sagemaker.amazonaws.com", description=f"SageMaker processing role of {d.name} (sagestack)", grants=statements)
        acknowledge_wildcards(
            role,
            statements,
            "Wildcards only where the names are made at run time or IAM has no narrower form: objects under the processing inputs' "
            "and outputs' prefixes (in the shared artifact bucket: this model's run folders <prefix>-<12 hex>-<step>/); the jobs' "
            "log streams (<prefix>-*); ecr:GetAuthorizationToken and cloudwatch:PutMetricData (namespace-conditioned) take no "
            "resource; KMS keys named by alias are conditioned on kms:ResourceAliases; EC2 network-interface actions for VPC jobs.",
        )
        return role
