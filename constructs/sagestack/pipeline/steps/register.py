"""The model registry (``register:``): Register model → (PendingManualApproval) Awaiting approval,
or on to the model; and, at the start of a run, Approved package? → Describe package → the model.

After the gate (and the repack, so the package holds the archive the SDK's register() uploads), a
run registers its model as a new version of the model's package group: CreateModelPackage as
``estimator.register(...)`` sends it, plus the run's metadata (run, training job and the values
its quality gate checked, in CustomerMetadataProperties) and a ClientToken (the run's id, so a
retried call never registers twice). With PendingManualApproval the run ends there, saying it
awaits approval; with Approved it goes on and deploys.

Approving a package emits "SageMaker Model Package State Change"; an EventBridge rule on this
group's Approved packages starts the state machine with ``{"model_package_arn": ...}``. A run
started that way skips training and the gate: it reads the package (approved, of this group, with
its model data), and creates the model from the package's container, then the endpoint as usual.
The model step always serves the package's container, so the same run (Approved) and an approval
deploy the same image, environment and archive.
"""

from __future__ import annotations

from typing import Any

from ...descriptor import ModelDescriptor
from ...descriptor.api import ApiMember, limits
from ...descriptor.register import METADATA_PREFIX, RESERVED_METADATA
from ...render.context import substitute
from ...render.register import create_model_package
from .base import NEXT, SDK_TRANSIENT, Allow, Builder, Fragment, GrantContext, PipelineResources, StepContext, _retry, allow, to_parameters
from .condition import source

REGISTER_STATE = "Register model"
KEEP_STATE = "Package container"
AWAITING_STATE = "Awaiting approval"
APPROVED_STATE = "Approved package?"
DESCRIBE_STATE = "Describe package"
CHECK_STATE = "Package deployable?"
PACKAGE = "$.package"
#: Where the model step finds the container it serves: Image, ModelDataUrl, Environment.
PACKAGE_CONTAINER = f"{PACKAGE}.container"
#: The execution input of a run that deploys an approved package.
PACKAGE_INPUT = "model_package_arn"
CONTAINER_KEYS = ("Image", "ModelDataUrl", "Environment")


def awaits_approval(d: ModelDescriptor) -> bool:
    """Whether a run ends after registering, and an approval deploys."""
    return d.register is not None and d.deploy is not None and d.register.approval_status == "PendingManualApproval"


def _metadata(d: ModelDescriptor) -> dict[str, Any]:
    """The run's CustomerMetadataProperties: the descriptor's, the run's name and training job,
    and each value the quality gate checked (numbers as text, as the API takes them)."""
    assert d.register is not None
    run, job = RESERVED_METADATA
    out: dict[str, Any] = {**(d.register.customer_metadata_properties or {}), f"{run}.$": "$.run.name", f"{job}.$": "$.training.TrainingJobName"}
    checks = d.deploy.condition if d.deploy is not None else None
    key_limits = limits(ApiMember("CreateModelPackage", "CustomerMetadataProperties{key}"))
    for index, check in enumerate(checks or ()):
        name = getattr(check, "metric", None) or f"check_{index + 1}"
        key = f"{METADATA_PREFIX}metric_{name}"
        regex = key_limits.regex()
        if len(key) > (key_limits.max or 128) or (regex is not None and not regex.fullmatch(key)):
            continue  # a metric name a metadata key cannot hold: the gate checked it, the package does not say
        if f"{key}.$" not in out:
            out[f"{key}.$"] = f"States.Format('{{}}', {source(d, check).value(f'c{index + 1}')})"
    return out


class Register(Fragment):
    name = "register"

    def applies(self, d: ModelDescriptor, resources: PipelineResources) -> bool:
        return d.register is not None and d.estimator is not None

    def states(self, b: Builder, s: StepContext) -> str | None:
        d = s.d
        group = s.resources.model_package_group
        assert group is not None, f"{d.name} registers its model: give the model package group"
        request = substitute(create_model_package(d, s.ctx), {"ModelPackageGroupName": group})
        container = {k: request["InferenceSpecification"]["Containers"][0][k] for k in CONTAINER_KEYS if k in request["InferenceSpecification"]["Containers"][0]}
        params = to_parameters(request, s.runtime, s.static)
        params.pop("CustomerMetadataProperties", None)
        params["CustomerMetadataProperties"] = _metadata(d)
        params["ClientToken.$"] = "$.run.uuid"  # a retry after a lost answer registers nothing twice
        b.add(REGISTER_STATE, {
            "Type": "Task",
            "Comment": "CreateModelPackage as estimator.register(...) sends it: a new version of the group, with the run's metadata.",
            "Resource": "arn:aws:states:::aws-sdk:sagemaker:createModelPackage",
            "Parameters": params,
            "ResultSelector": {"ModelPackageArn.$": "$.ModelPackageArn"},
            "ResultPath": PACKAGE,
            "Retry": _retry(SDK_TRANSIENT),
            "Catch": b.catch("Register", "RegistrationFailed"),
            "Next": KEEP_STATE,
        })
        b.add(KEEP_STATE, {
            "Type": "Pass",
            "Comment": "The registered container, which the model step serves.",
            "Parameters": {"ModelPackageArn.$": f"{PACKAGE}.ModelPackageArn", "container": to_parameters(container, s.runtime, s.static)},
            "ResultPath": PACKAGE,
            "Next": AWAITING_STATE if awaits_approval(d) else NEXT,
        })
        if awaits_approval(d):
            summary = {
                "model": d.name, "run_name.$": "$.run.name", "status": "awaiting approval",
                "training_job_name.$": "$.training.TrainingJobName", "model_data.$": f"{PACKAGE_CONTAINER}.ModelDataUrl",
                "model_package_arn.$": f"{PACKAGE}.ModelPackageArn", "model_package_group": group,
                "approve.$": f"States.Format('aws sagemaker update-model-package --model-package-arn {{}} --model-approval-status Approved', {PACKAGE}.ModelPackageArn)",
            }
            done = "Run awaits approval"
            topic = s.resources.topic_arn
            b.add(AWAITING_STATE, {
                "Type": "Pass",
                "Comment": "The run ends here: approving the package starts its deployment.",
                "Parameters": summary,
                "Next": "Notify awaiting approval" if topic is not None else done,
            })
            if topic is not None:
                b.add("Notify awaiting approval", {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::sns:publish",
                    "Parameters": {"TopicArn": topic, "Subject": f"sagestack: {d.name} model awaits approval", "Message.$": "States.JsonToString($)"},
                    "ResultPath": None,
                    "Retry": _retry(["SNS.ThrottledException", "SNS.InternalErrorException"]),
                    "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.notification_error", "Next": done}],  # registered all the same
                    "Next": done,
                })
            b.add(done, {"Type": "Succeed", "Comment": "Registered; deployed once the package is approved."})
        return REGISTER_STATE

    def grants(self, d: ModelDescriptor, g: GrantContext) -> list[Allow]:
        assert g.model_package_group is not None
        return [allow(["sagemaker:CreateModelPackage"], [g.arn("sagemaker", f"model-package/{g.model_package_group.lower()}/*"), g.arn("sagemaker", f"model-package-group/{g.model_package_group.lower()}")])]
