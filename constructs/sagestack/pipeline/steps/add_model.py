"""Add model (``add_model:``): ``MultiDataModel.add_model(estimator.model_data, model_data_path)``
after training — S3 CopyObject of the trained (or the tuning job's best) model archive to a key of
the run's own under the multi-model endpoint's prefix, ``<prefix>/<stem>/<run name>.tar.gz``.

The SDK copies to ``<prefix>/<model_data_path>``; a run writes a new key instead, because a
multi-model endpoint may go on serving an archive it cached under a key that was overwritten (see
descriptor/add_model.py). The run's output names the copy (``added_model_data``) and the
``target_model`` a request gives InvokeEndpoint.

The copy's source is ``<the run's S3OutputPath>/<training job>/output/model.tar.gz``, where
SageMaker writes the archive: the run-input check answers with the output path as CopySource
wants it (bucket/key, URL-encoded) because States Language cannot cut ``s3://`` off the job's
S3ModelArtifacts. One CopyObject copies up to 5 GB (the SDK's managed copy goes multipart above
that); a larger archive fails the run with AddModelFailed and S3's reason.

A preview never writes into an environment's prefix: its runs copy into the preview's own
artifact bucket, under ``multi-model/`` (deleted with the preview), and name no endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...descriptor import ModelDescriptor
from ...descriptor.add_model import ARCHIVE_SUFFIX, destination, model_data_stem
from .base import NEXT, Allow, Builder, Fragment, GrantContext, PipelineResources, StepContext, _escape, _retry, allow
from .condition import S3_TRANSIENT, kms_decrypt
from .tuning import TRAINING_JOB_SUFFIX

__all__ = ["AddModel", "MultiModelTarget", "ADD_STATE", "ADDED", "multi_model_target", "target_model", "copy_key"]

ADD_STATE = "Add model"
ADDED = "$.added"
#: The run-input check's answer: where the run's training jobs write (run_input/index.py output_location).
OUTPUT = "$.config.output"


#: The deploy-time placeholder of the artifact bucket's name (a static placeholder of the definition).
ARTIFACT_BUCKET = "{{ArtifactBucket}}"
#: Where a preview's runs add their model: the preview's artifact bucket, never the environment's prefix.
PREVIEW_PREFIX = f"s3://{ARTIFACT_BUCKET}/multi-model/"


@dataclass(frozen=True)
class MultiModelTarget:
    """The multi-model endpoint a run adds its model to: its S3 prefix (a MultiDataModel's
    model_data_prefix) and, when the catalog deploys it, its endpoint's name (for the run's output)."""

    prefix: str
    endpoint_name: str | None = None

    @property
    def in_artifact_bucket(self) -> bool:
        """The prefix is in the stack's own artifact bucket (a preview's), named at deploy time."""
        return destination(self.prefix, "")[0] == ARTIFACT_BUCKET


def multi_model_target(d: ModelDescriptor, catalog: dict[str, ModelDescriptor], environment: str, *, preview: bool = False) -> MultiModelTarget | None:
    """The target of ``d``'s add_model: ``model_data_prefix``, or the prefix and endpoint name of
    the catalog's descriptor ``multi_data_model`` (None when the catalog does not hold it); in a
    preview, the preview's artifact bucket (``PREVIEW_PREFIX``), which no endpoint serves."""
    spec = d.add_model
    if spec is None:
        return None
    if preview:
        return MultiModelTarget(PREVIEW_PREFIX)
    if spec.model_data_prefix is not None:
        return MultiModelTarget(spec.model_data_prefix)
    mme = catalog.get(spec.multi_data_model or "")
    if mme is None or mme.model is None or getattr(mme.model, "model_data_prefix", None) is None:
        return None
    endpoint = mme.deploy.endpoint_name or f"{mme.name}-{environment}" if mme.deploy is not None else None  # as hosting's endpoint_name_for
    return MultiModelTarget(mme.model.model_data_prefix, endpoint)


def copy_key(d: ModelDescriptor, target: MultiModelTarget, artifact_bucket: str | None = None) -> tuple[str, str]:
    """(bucket, key prefix) of the run's copy; its key is ``<key prefix><run name>.tar.gz``. The
    artifact bucket's placeholder becomes ``artifact_bucket`` when given (a CDK token or a name,
    inserted verbatim)."""
    bucket, key_prefix = destination(target.prefix, model_data_stem(d))
    if target.in_artifact_bucket and artifact_bucket is not None:
        bucket = artifact_bucket
    return bucket, key_prefix


def target_model(d: ModelDescriptor) -> str:
    """The TargetModel of a run's copy (relative to the prefix), as a States.Format expression."""
    return f"States.Format('{_escape(model_data_stem(d))}/{{}}{ARCHIVE_SUFFIX}', $.run.name)"


class AddModel(Fragment):
    name = "add model"

    def applies(self, d: ModelDescriptor, resources: PipelineResources) -> bool:
        return d.add_model is not None and d.estimator is not None

    def states(self, b: Builder, s: StepContext) -> str | None:
        d = s.d
        target = s.resources.multi_model
        assert target is not None, f"{d.name} adds its model to a multi-model endpoint: give its MultiModelTarget (the prefix)"
        bucket, key_prefix = copy_key(d, target, s.static.get("ArtifactBucket"))
        b.add(ADD_STATE, {
            "Type": "Task",
            "Comment": "MultiDataModel.add_model(estimator.model_data, ...): copies the trained model archive under the multi-model endpoint's prefix, to a key of this run's own.",
            "Resource": "arn:aws:states:::aws-sdk:s3:copyObject",
            "Parameters": {
                "Bucket": bucket,
                "Key.$": f"States.Format('{_escape(key_prefix)}{{}}{ARCHIVE_SUFFIX}', $.run.name)",
                "CopySource.$": f"States.Format('{{}}{{}}/output/model.tar.gz', {OUTPUT}.copy_source, $.training.TrainingJobName)",
            },
            "ResultSelector": {"ETag.$": "$.CopyObjectResult.ETag"},
            "ResultPath": ADDED,
            "Retry": _retry(S3_TRANSIENT),
            "Catch": b.catch(ADD_STATE, "AddModelFailed"),
            "Next": NEXT,
        })
        return ADD_STATE

    def grants(self, d: ModelDescriptor, g: GrantContext) -> list[Allow]:
        """GetObject of the run's archive (CopyObject reads its source with the caller's
        permissions) and PutObject of exactly the keys runs write: ``<key prefix><run name>.tar.gz``."""
        assert d.estimator is not None and g.multi_model_prefix is not None and g.artifact_bucket and g.run_folders
        bucket, key_prefix = copy_key(d, MultiModelTarget(g.multi_model_prefix), g.artifact_bucket)
        s3 = f"arn:{g.partition}:s3:::"
        jobs = g.run_folders + (TRAINING_JOB_SUFFIX if d.tuner is not None else "")
        if d.estimator.output_path:  # the descriptor's output path, or a run's under it
            out_bucket, _, out_key = d.estimator.output_path.removeprefix("s3://").partition("/")
            sources = [f"{s3}{out_bucket}/{out_key.strip('/') + '/' if out_key.strip('/') else ''}*/output/model.tar.gz"]
        else:  # the shared bucket: the run's job folder, or (a run's output_path) under this model's folder
            sources = [f"{s3}{g.artifact_bucket}/{jobs}/output/model.tar.gz", f"{s3}{g.artifact_bucket}/{g.run_folders[: -len('-' + '?' * 12)]}/*/output/model.tar.gz"]
        return [
            allow(["s3:GetObject"], sources),
            allow(["s3:PutObject"], [f"{s3}{bucket}/{key_prefix}{g.run_folders}{ARCHIVE_SUFFIX}"]),
            *kms_decrypt([d.estimator.output_kms_key], g),  # an archive the training job encrypted
        ]


def summary(d: ModelDescriptor, target: MultiModelTarget | None, artifact_bucket: str | None = None) -> dict[str, Any]:
    """The run's output about its copy: where it is, the TargetModel to invoke, and the endpoint."""
    assert target is not None
    bucket, key_prefix = copy_key(d, target, artifact_bucket)
    # The artifact bucket's name is a deploy-time value: inserted verbatim (it holds none of ' { } \\).
    literal = bucket if target.in_artifact_bucket else _escape(bucket)
    out: dict[str, Any] = {
        "added_model_data.$": f"States.Format('s3://{literal}/{_escape(key_prefix)}{{}}{ARCHIVE_SUFFIX}', $.run.name)",
        "target_model.$": target_model(d),
    }
    if target.endpoint_name is not None:
        out["endpoint_name"] = target.endpoint_name
    return out
