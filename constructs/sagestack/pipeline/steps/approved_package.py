"""Approved package? → Describe package → Package deployable? → the model: a run started with
``{"model_package_arn": ...}`` (the approval rule's input, or a person redeploying a version)
deploys that package of the model's group, without training or the gate (register.py registers
the packages, and explains the approval).

With ``better_than_live`` checks, the gate compares a run with the run its endpoint's config is
named after, which is then this approval run: before deploying, it copies the gate values the
registering run recorded (the package's ``sagestack_run``) into its own folder, so the next gate
compares with the model it deploys. A registering run that recorded nothing (registered before
its gate had such a check) leaves nothing to beat, as a first deployment does."""

from __future__ import annotations

from ...descriptor import ModelDescriptor
from ...descriptor.register import RESERVED_METADATA
from .base import ENTRY, NEXT, SDK_TRANSIENT, Allow, Builder, Fragment, GrantContext, PipelineResources, StepContext, _escape, _retry, allow
from .condition import NO_SUCH_KEY, RECORD_FILE, S3_TRANSIENT
from .register import APPROVED_STATE, CHECK_STATE, DESCRIBE_STATE, PACKAGE, PACKAGE_CONTAINER, PACKAGE_INPUT
from .shadow_promotion import PROMOTE_INPUT, promotes

NAMES_RUN_STATE = "Package names its run?"
COPY_STATE = "Copy live gate values"
NOTHING_STATE = "No live gate values to copy"


def _beats_live(d: ModelDescriptor) -> bool:
    return d.deploy is not None and any(c.better_than_live for c in d.deploy.condition or ())


class ApprovedPackage(Fragment):
    """A run started with ``{"model_package_arn": ...}`` (the approval rule's input): the package's
    deployment, without training."""

    name = "approved package"

    def applies(self, d: ModelDescriptor, resources: PipelineResources) -> bool:
        return d.register is not None and d.estimator is not None and d.deploy is not None

    def states(self, b: Builder, s: StepContext) -> str | None:
        group = s.resources.model_package_group
        assert group is not None
        arn = f"$.input.{PACKAGE_INPUT}"
        described = "$.described"
        container = f"{described}.InferenceSpecification.Containers[0]"
        both = []
        if promotes(s.d):  # an approval run deploys its package (as the shadow); a promotion is a run of its own
            both = [{"And": [{"Variable": arn, "IsPresent": True}, {"Variable": f"$.input.{PROMOTE_INPUT}", "IsPresent": True}], "Next": b.failure(
                "Approval input", "InvalidInput", cause_text=f"{PACKAGE_INPUT} and {PROMOTE_INPUT} start different runs: an approval run deploys its package as the shadow, a promotion run promotes the shadow",
            )}]
        b.add(APPROVED_STATE, {
            "Type": "Choice",
            "Comment": f"Started with {PACKAGE_INPUT} (an approval): deploy that package; else train.",
            "Choices": [*both, {"Variable": arn, "IsPresent": True, "Next": DESCRIBE_STATE}],
            "Default": NEXT,
        })
        b.add(DESCRIBE_STATE, {
            "Type": "Task",
            "Resource": "arn:aws:states:::aws-sdk:sagemaker:describeModelPackage",
            "Parameters": {"ModelPackageName.$": arn},
            "ResultPath": described,  # whole: Environment and CustomerMetadataProperties may be absent
            "Retry": _retry(SDK_TRANSIENT),
            "Catch": b.catch(DESCRIBE_STATE, "PackageUnreadable"),
            "Next": CHECK_STATE,
        })
        not_approved = b.failure(
            "Approved package", "PackageNotApproved",
            cause=f"States.Format('model package {{}} is {{}}: only an Approved package is deployed', {described}.ModelPackageArn, {described}.ModelApprovalStatus)",
        )
        foreign = b.failure(
            "Package group", "PackageOfAnotherGroup",
            cause=f"States.Format('model package {{}} belongs to group {{}}, not {_escape(group)}', {described}.ModelPackageArn, {described}.ModelPackageGroupName)",
        )
        not_ours = b.failure(
            "Package contents", "PackageNotDeployable",
            cause=f"States.Format('model package {{}} has no model data or was not registered by this pipeline (no {RESERVED_METADATA[1]})', {described}.ModelPackageArn)",
        )
        with_env, without_env = "Package with environment", "Package without environment"
        b.add(CHECK_STATE, {
            "Type": "Choice",
            "Comment": "Approved, of this model's group, registered by this pipeline (model data and training job known).",
            "Choices": [
                {"Not": {"Variable": f"{described}.ModelApprovalStatus", "StringEquals": "Approved"}, "Next": not_approved},
                {"Not": {"Variable": f"{described}.ModelPackageGroupName", "StringEquals": group}, "Next": foreign},
                {"Not": {"Variable": f"{container}.ModelDataUrl", "IsPresent": True}, "Next": not_ours},
                {"Not": {"Variable": f"{described}.CustomerMetadataProperties.{RESERVED_METADATA[1]}", "IsPresent": True}, "Next": not_ours},
                {"Variable": f"{container}.Environment", "IsPresent": True, "Next": with_env},
            ],
            "Default": without_env,
        })
        kept = "Approved package's training"
        deploying = "Approval run processes nothing" if s.d.processing is not None else ENTRY + "model"
        for state, environment in ((with_env, {"Environment.$": f"{container}.Environment"}), (without_env, {"Environment": {}})):
            b.add(state, {
                "Type": "Pass",
                "Comment": "The container the model step serves: the approved package's.",
                "Parameters": {"ModelPackageArn.$": f"{described}.ModelPackageArn", "container": {"Image.$": f"{container}.Image", "ModelDataUrl.$": f"{container}.ModelDataUrl", **environment}},
                "ResultPath": PACKAGE,
                "Next": kept,
            })
        b.add(kept, {
            "Type": "Pass",
            "Comment": "The training job that produced the package (its metadata), for the run's output.",
            "Parameters": {
                "TrainingJobName.$": f"{described}.CustomerMetadataProperties.{RESERVED_METADATA[1]}",
                "TrainingJobStatus": "Completed",
                "ModelArtifacts": {"S3ModelArtifacts.$": f"{PACKAGE_CONTAINER}.ModelDataUrl"},
            },
            "ResultPath": "$.training",
            "Next": NAMES_RUN_STATE if _beats_live(s.d) else deploying,
        })
        if _beats_live(s.d):
            self._copy_record(b, s, described, deploying)
        if s.d.processing is not None:  # the run's output lists processing jobs: none in an approval run
            b.add("Approval run processes nothing", {"Type": "Pass", "Result": {}, "ResultPath": "$.processing", "Next": ENTRY + "model"})
        return APPROVED_STATE

    @staticmethod
    def _copy_record(b: Builder, s: StepContext, described: str, then: str) -> None:
        """The registering run's gate values, copied to this run's folder (CopyObject keeps the
        body and its content type): the endpoint's config will be named after this run."""
        registering = f"{described}.CustomerMetadataProperties.{RESERVED_METADATA[0]}"
        bucket = s.static["ArtifactBucket"]  # a deploy-time value, verbatim (as to_parameters inserts it)
        b.add(NAMES_RUN_STATE, {
            "Type": "Choice",
            "Comment": "The run that registered the package recorded its gate values in its folder; without its name, nothing to beat.",
            "Choices": [{"Variable": registering, "IsPresent": True, "Next": COPY_STATE}],
            "Default": then,
        })
        b.add(COPY_STATE, {
            "Type": "Task",
            "Comment": f"The registering run's {RECORD_FILE}, as this run's: the next gate compares with the run the endpoint's config names, this one.",
            "Resource": "arn:aws:states:::aws-sdk:s3:copyObject",
            "Parameters": {
                "Bucket": bucket,
                "CopySource.$": f"States.Format('{bucket}/{{}}/{RECORD_FILE}', {registering})",
                "Key.$": f"States.Format('{{}}/{RECORD_FILE}', $.run.name)",
            },
            "ResultPath": None,
            "Retry": _retry(S3_TRANSIENT),
            "Catch": [
                {"ErrorEquals": [NO_SUCH_KEY], "ResultPath": "$.record_copy", "Next": NOTHING_STATE},
                *b.catch(COPY_STATE, "GateRecordFailed"),
            ],
            "Next": then,
        })
        b.add(NOTHING_STATE, {
            "Type": "Pass",
            "Comment": "The registering run recorded no gate values (S3 NoSuchKey): the next gate has nothing to beat, as after a first deployment.",
            "Next": then,
        })

    def grants(self, d: ModelDescriptor, g: GrantContext) -> list[Allow]:
        assert g.model_package_group is not None
        out = [allow(["sagemaker:DescribeModelPackage"], [g.arn("sagemaker", f"model-package/{g.model_package_group.lower()}/*")])]
        if _beats_live(d):
            assert g.artifact_bucket and g.run_folders, "the artifact bucket and run folders are needed to copy the gate values"
            # CopyObject reads the source (GetObject) and writes the destination (PutObject), both a
            # run folder's record; the gate's own grants are the same statements, merged with these.
            records = f"arn:{g.partition}:s3:::{g.artifact_bucket}/{g.run_folders}/{RECORD_FILE}"
            out += [
                allow(["s3:GetObject"], [records]),
                allow(["s3:PutObject"], [records]),
                allow(["s3:ListBucket"], [f"arn:{g.partition}:s3:::{g.artifact_bucket}"]),  # NoSuchKey, not AccessDenied, for a missing record
            ]
        return out
