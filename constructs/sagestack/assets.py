"""File assets (code archives, handler directories) made with what the constructs read of them
in one jsii request."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import aws_s3_assets as s3_assets
from constructs import Construct

from .iam import known
from .jsii_batch import evaluate, result, value

__all__ = ["file_asset", "object_arn"]


def file_asset(scope: Construct, construct_id: str, path: Path) -> s3_assets.Asset:
    """``s3_assets.Asset(scope, construct_id, path=path, follow_symlinks=BLOCK_EXTERNAL)``, with its
    ``s3_object_url``, ``s3_bucket_name`` and ``s3_object_key`` and the ARN of its object
    (:func:`object_arn`) read in the same request (``iam.read`` answers them; five requests as
    Python calls). BLOCK_EXTERNAL keeps CDK from copying what a link reaches outside (its
    default, EXTERNAL, follows such links)."""
    asset, url, bucket, key, arn = evaluate(
        ("aws-cdk-lib:aws_s3_assets.Asset", ("new", scope, construct_id, {"path": str(path), "followSymlinks": value("aws-cdk-lib:SymlinkFollowMode.BLOCK_EXTERNAL")})),
        (result(0), "s3ObjectUrl"),
        (result(0), "s3BucketName"),
        (result(0), "s3ObjectKey"),
        (result(0), "bucket", ("arnForObjects", result(3))),
    )
    return known(asset, s3_object_url=url, s3_bucket_name=bucket, s3_object_key=key, object_arn=arn)  # type: ignore[no-any-return]  # an Asset, as jsii returns it


def object_arn(asset: s3_assets.Asset) -> str:
    """The ARN of ``asset``'s object: ``asset.bucket.arn_for_objects(asset.s3_object_key)``, as
    :func:`file_asset` read it (else asked: three requests)."""
    reads = asset.__dict__.get("_sagestack_reads", {})
    if "object_arn" in reads:
        return reads["object_arn"]  # type: ignore[no-any-return]  # what file_asset recorded: a str
    return asset.bucket.arn_for_objects(asset.s3_object_key)
