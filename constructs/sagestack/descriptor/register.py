"""The ``register:`` section — mirrors ``estimator.register(...)`` (``tuner.best_estimator().register(...)``
with a tuner): each run registers its model as a new version of a model package group, the
SageMaker model registry.

The group is a CloudFormation resource (``AWS::SageMaker::ModelPackageGroup``) named
``model_package_group_name``, by default ``<model name>-<environment>``. With
``approval_status: PendingManualApproval`` (the SDK's default) a run registers its model and ends
there; approving the package (``aws sagemaker update-model-package --model-approval-status
Approved`` or SageMaker Studio) starts the deployment of that package. With ``Approved`` the run
registers and deploys at once, as without a registry.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, ClassVar

from pydantic import Field

from .api import ApiMember, limits
from .base import Api, SdkModel, sdk_field
from .images import image_config
from .rules import Context, Finding, _inference_framework, rule
from .types import S3Uri

__all__ = ["Register", "RESERVED_METADATA", "METADATA_PREFIX"]

CMP = "CreateModelPackage"
SPEC = "InferenceSpecification"

#: CustomerMetadataProperties keys a run adds to its package (its run, its training job, the
#: values the quality gate checked: ``sagestack_metric_<name>``), which the descriptor's own
#: customer_metadata_properties may not use. Plain JSONPath names: the state machine reads them.
METADATA_PREFIX = "sagestack_"
RESERVED_METADATA = ("sagestack_run", "sagestack_training_job")

ContentType = Annotated[str, Api(CMP, f"{SPEC}.SupportedContentTypes[]")]
ResponseType = Annotated[str, Api(CMP, f"{SPEC}.SupportedResponseMIMETypes[]")]
RealtimeInstance = Annotated[str, Api(CMP, f"{SPEC}.SupportedRealtimeInferenceInstanceTypes[]")]
TransformInstance = Annotated[str, Api(CMP, f"{SPEC}.SupportedTransformInstanceTypes[]")]
MetadataKey = Annotated[str, Api(CMP, "CustomerMetadataProperties{key}")]
MetadataValue = Annotated[str, Api(CMP, "CustomerMetadataProperties{}")]


class Register(SdkModel):
    """``estimator.register(content_types, response_types, inference_instances, transform_instances,
    model_package_group_name=..., approval_status=..., description=..., ...)``."""

    section_title: ClassVar[str] = "register"

    model_package_group_name: Annotated[str, Api("CreateModelPackageGroup", "ModelPackageGroupName"), Field(max_length=52)] | None = sdk_field(
        None,
        doc="The model package group each run adds a version to; sagestack creates it (default <name>-<environment>; the SDK's default is a name derived from the image). "
        "At most 52 characters, to leave room for preview suffixes.",
        lands_in="AWS::SageMaker::ModelPackageGroup ModelPackageGroupName and CreateModelPackage.ModelPackageGroupName",
    )
    approval_status: Annotated[str, Api(CMP, "ModelApprovalStatus")] = sdk_field(
        "PendingManualApproval",
        doc="PendingManualApproval: the run registers the model and ends; approving the package deploys it. Approved: the run registers and deploys.",
        lands_in="CreateModelPackage.ModelApprovalStatus",
    )
    content_types: tuple[ContentType, ...] | None = sdk_field(None, doc="The MIME types the model takes, e.g. text/csv.", lands_in="CreateModelPackage.InferenceSpecification.SupportedContentTypes")
    response_types: tuple[ResponseType, ...] | None = sdk_field(
        None, doc="The MIME types the model answers with.", lands_in="CreateModelPackage.InferenceSpecification.SupportedResponseMIMETypes"
    )
    inference_instances: tuple[RealtimeInstance, ...] | None = sdk_field(
        None, doc="Instance types the model can serve from in real time.", lands_in="CreateModelPackage.InferenceSpecification.SupportedRealtimeInferenceInstanceTypes"
    )
    transform_instances: tuple[TransformInstance, ...] | None = sdk_field(
        None, doc="Instance types the model can batch-transform on.", lands_in="CreateModelPackage.InferenceSpecification.SupportedTransformInstanceTypes"
    )
    description: Annotated[str, Api(CMP, "ModelPackageDescription")] | None = sdk_field(None, doc="Each package's description.", lands_in="CreateModelPackage.ModelPackageDescription")
    customer_metadata_properties: Annotated[dict[MetadataKey, MetadataValue], Api(CMP, "CustomerMetadataProperties")] | None = sdk_field(
        None,
        doc="Key-value metadata on each package; a run adds sagestack_run, sagestack_training_job and sagestack_metric_<name> for each value its quality gate checked.",
        lands_in="CreateModelPackage.CustomerMetadataProperties",
    )
    domain: Annotated[str, Api(CMP, "Domain")] | None = sdk_field(
        None, doc="The model's domain (COMPUTER_VISION, NATURAL_LANGUAGE_PROCESSING, MACHINE_LEARNING).", lands_in="CreateModelPackage.Domain"
    )
    task: Annotated[str, Api(CMP, "Task")] | None = sdk_field(
        None, doc="The model's task (CLASSIFICATION, REGRESSION, IMAGE_CLASSIFICATION, OBJECT_DETECTION, TEXT_GENERATION, IMAGE_SEGMENTATION, FILL_MASK, OTHER).", lands_in="CreateModelPackage.Task"
    )
    sample_payload_url: Annotated[S3Uri, Api(CMP, "SamplePayloadUrl")] | None = sdk_field(
        None, doc="Where a sample request payload is (for Inference Recommender).", lands_in="CreateModelPackage.SamplePayloadUrl"
    )
    skip_model_validation: Annotated[str, Api(CMP, "SkipModelValidation")] = sdk_field(
        "None", doc="All: SageMaker skips validating the package's model; None validates it.", lands_in="CreateModelPackage.SkipModelValidation"
    )
    marketplace_cert: bool = sdk_field(False, doc="Whether the package is certified for AWS Marketplace.", lands_in="CreateModelPackage.CertifyForMarketplace")


# The SDK's documented values for domain and task (botocore's model gives them as free strings).
DOMAINS = ("COMPUTER_VISION", "NATURAL_LANGUAGE_PROCESSING", "MACHINE_LEARNING")
TASKS = ("IMAGE_CLASSIFICATION", "OBJECT_DETECTION", "TEXT_GENERATION", "IMAGE_SEGMENTATION", "FILL_MASK", "CLASSIFICATION", "REGRESSION", "OTHER")


@rule("register")
def register_needs_a_trained_model(d: Any, ctx: Context) -> Iterator[Finding]:
    """A run registers the model it trained: register needs an estimator, and a registered model's
    batch transform is not run by the approval (so no transformer either)."""
    reg = d.register
    if "estimator" not in ctx.present:
        yield Finding(("register",), "a run registers the model it trained: this descriptor trains none (CloudFormation deploys a model: section)", "an estimator (train, then register)", "no estimator")
    if "transformer" in ctx.present:
        yield Finding(("register",), "a registered model's batch transform is not supported yet: an approval deploys the package to the endpoint only", "register or transformer", "both")
    if reg.approval_status == "Rejected":
        yield Finding(("register", "approval_status"), "a package registered as Rejected can never be deployed", "PendingManualApproval, Approved", "Rejected")
    for field, values, given in (("domain", DOMAINS, reg.domain), ("task", TASKS, reg.task)):
        if given is not None and given not in values:
            yield Finding(("register", field), f"not a {field} the SDK documents", ", ".join(values), given)
    own = reg.customer_metadata_properties or {}
    taken = sorted(k for k in own if k.startswith(METADATA_PREFIX))
    if taken:
        yield Finding(("register", "customer_metadata_properties", taken[0]), f"keys starting {METADATA_PREFIX} are the ones each run adds", "another key", taken[0])
    added = len(RESERVED_METADATA) + len(getattr(d.deploy, "condition", None) or ()) if d.deploy is not None else len(RESERVED_METADATA)
    room = int(limits(ApiMember(CMP, "CustomerMetadataProperties")).max or 50) - added
    if len(own) > room:
        yield Finding(("register", "customer_metadata_properties"), f"too many entries: a package takes {room + added} and each run adds {added}", f"at most {room}", len(own))


@rule("register", "estimator")
def framework_package_needs_an_instance_type(d: Any, ctx: Context) -> Iterator[Finding]:
    """A framework model's register() picks its image for the first of inference_instances (GPU
    or CPU): without one the SDK raises "Empty SageMaker instance type"."""
    framework, version, _py, custom, scope = _inference_framework(d)
    if framework is None or custom or d.register.inference_instances:
        return
    config = image_config(framework, scope)
    processors = (config.processors_for(version) if version else config.processors) if config is not None else []
    if len(processors) != 1:
        yield Finding(("register", "inference_instances"), f"a {framework} package's image is chosen for its first inference instance type (CPU or GPU), as the SDK chooses it", "e.g. [ml.m5.large]", "none")
