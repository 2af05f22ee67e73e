"""Repacking model.tar.gz with inference code at deploy time (a Lambda-backed custom resource)."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as s3_assets
from constructs import Construct

from ..assets import file_asset, object_arn
from ..functions import PYTHON_RUNTIME, python_function
from ..iam import placed, read, stack_env, statement
from ..jsii_batch import call
from ..nag import acknowledge_wildcards
from ..render.sourcedir import sourcedir_archive
from ._tokens import s3_bucket_and_key

__all__ = ["ModelRepack", "RepackFunction", "code_asset", "PYTHON_RUNTIME"]

# Made once: each Duration or Size made is a jsii round trip, and they hold nothing of a stack.
REPACK_TIMEOUT = cdk.Duration.minutes(15)
REPACK_STORAGE = cdk.Size.gibibytes(10)

#: One asset for sagestack's custom resource handlers (repack.py, teardown.py, cfn_response.py).
HANDLER_DIR = Path(__file__).parent.parent / "handlers"


def code_asset(
    scope: Construct,
    construct_id: str,
    *,
    entry_point: Path,
    source_dir: Path | None,
    dependencies: Sequence[Path] = (),
    root: Path | None = None,
    dependency_prefix: str = "lib/",
) -> s3_assets.Asset:
    """The inference code as the SDK packs it (deterministic tar.gz), as a CDK asset: for ``code/``
    of a repacked model (dependencies under ``lib/``), or, with ``dependency_prefix=""``, as the
    sourcedir.tar.gz a model loads its code from (dependencies at the top, as tar_and_upload_dir
    packs them). No member comes from outside ``root`` (see
    :func:`~sagestack.render.sourcedir.archive_members`)."""
    archive = sourcedir_archive(entry_point=entry_point, source_dir=source_dir, dependencies=list(dependencies), dependency_prefix=dependency_prefix, root=root)
    staging = Path(tempfile.mkdtemp(prefix="sagestack-code-")) / "code.tar.gz"
    staging.write_bytes(archive)
    return file_asset(scope, construct_id, staging)  # one regular file


class RepackFunction(Construct):
    """The Lambda function that repacks (handlers/repack.py), with a role that reads exactly
    ``model_objects`` and the code, and writes under ``bucket``/``prefix``.

    Attributes: ``function`` (lambda_.Function), ``role``.
    """

    def __init__(self, scope: Construct, construct_id: str, *, model_objects: Sequence[str], code: s3_assets.Asset, bucket: s3.IBucket, prefix: str) -> None:
        """
        :param model_objects: S3 object ARNs (or ARN patterns) of the model archives it may read.
        :param code: the inference code asset (:func:`code_asset`).
        :param bucket: where repacked archives are written.
        :param prefix: key prefix in ``bucket``.
        """
        super().__init__(scope, construct_id)
        stack, path = placed(self, scope, construct_id)
        statements = [
            statement(actions=["s3:GetObject"], resources=[*model_objects, object_arn(code)]),
            # what arn_for_objects makes (the bucket's ARN, "/", the key pattern), with one read of the ARN
            statement(actions=["s3:PutObject", "s3:DeleteObject"], resources=[f"{read(bucket, 'bucket_arn')}/{prefix}/*"]),
        ]
        made = python_function(
            self, stack=stack, path=path, ids=("Function", "Role", "Logs"), code=HANDLER_DIR, handler="repack.handler",
            description="Repacks model.tar.gz with inference code under code/ (sagestack)", timeout=REPACK_TIMEOUT, memory=2048,
            grants=statements, ephemeral_storage=REPACK_STORAGE, role_description="sagestack model repack function",
        )
        self.function, self.role = made.function, made.role
        acknowledge_wildcards(
            self.role, statements,
            "The repacked archive's key holds a hash of its inputs (and, in a pipeline, the run name), known only when it runs; "
            "writes are limited to this model's prefix, reads to the model archives it repacks.",
        )


class ModelRepack(Construct):
    """Adds the inference code (``entry_point``/``source_dir``) to model.tar.gz under ``code/``,
    as the SDK's ``repack_model`` does, when the stack deploys.

    Attributes: ``model_data_url`` (token: the repacked archive's S3 URI), ``code`` (the code asset),
    ``function`` (the Lambda).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        model_data: str,
        entry_point: Path,
        source_dir: Path | None,
        dependencies: Sequence[Path] = (),
        bucket: s3.IBucket,
        prefix: str,
        root: Path | None = None,
    ) -> None:
        """
        :param model_data: S3 URI of the model archive to repack.
        :param entry_point: inference script (absolute path).
        :param source_dir: directory packed as code/ (default: the entry point alone).
        :param dependencies: directories added under code/lib/.
        :param bucket: where the repacked archive is written.
        :param prefix: key prefix in ``bucket``.
        :param root: repository root the code must come from (symbolic links resolved); default:
            each of source_dir, the entry point or a dependency is its own boundary.
        """
        super().__init__(scope, construct_id)
        stack, _ = placed(self, scope, construct_id)
        self.code = code_asset(self, "Code", entry_point=entry_point, source_dir=source_dir, dependencies=dependencies, root=root)
        model_bucket, model_key = s3_bucket_and_key(model_data)
        partition = stack_env(stack).partition
        repacker = RepackFunction(self, "Repacker", model_objects=[f"arn:{partition}:s3:::{model_bucket}/{model_key}"], code=self.code, bucket=bucket, prefix=prefix)
        self.function = repacker.function
        resource = cdk.CustomResource(
            self,
            "Resource",
            service_token=read(self.function, "function_arn"),
            resource_type="Custom::SageMakerModelRepack",
            properties={"ModelData": model_data, "CodeBucket": read(self.code, "s3_bucket_name"), "CodeKey": read(self.code, "s3_object_key"), "TargetBucket": read(bucket, "bucket_name"), "TargetPrefix": prefix},
        )
        call(resource, "node", ("addDependency", repacker.role))
        self.model_data_url: str = resource.get_att_string("ModelDataUrl")
