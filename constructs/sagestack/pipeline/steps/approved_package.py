"""Approved package? → Describe package → Package deployable? → the model: a run started with
``{"model_package_arn": ...}`` (the approval rule's input, or a person redeploying a version)
deploys that package of the model's group, without training or the gate (register.py registers
the packages, and explains the approval)."""

from __future__ import annotations

from ...descriptor import ModelDescriptor
from ...descriptor.register import RESERVED_METADATA
from .base import ENTRY, NEXT, SDK_TRANSIENT, Allow, Builder, Fragment, GrantContext, PipelineResources, StepContext, _escape, _retry, allow
from .register import APPROVED_STATE, CHECK_STATE, DESCRIBE_STATE, PACKAGE, PACKAGE_CONTAINER, PACKAGE_INPUT


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
        b.add(APPROVED_STATE, {
            "Type": "Choice",
            "Comment": f"Started with {PACKAGE_INPUT} (an approval): deploy that package; else train.",
            "Choices": [{"Variable": arn, "IsPresent": True, "Next": DESCRIBE_STATE}],
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
            "Next": "Approval run processes nothing" if s.d.processing is not None else ENTRY + "model",
        })
        if s.d.processing is not None:  # the run's output lists processing jobs: none in an approval run
            b.add("Approval run processes nothing", {"Type": "Pass", "Result": {}, "ResultPath": "$.processing", "Next": ENTRY + "model"})
        return APPROVED_STATE

    def grants(self, d: ModelDescriptor, g: GrantContext) -> list[Allow]:
        assert g.model_package_group is not None
        return [allow(["sagemaker:DescribeModelPackage"], [g.arn("sagemaker", f"model-package/{g.model_package_group.lower()}/*")])]
