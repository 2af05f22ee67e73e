"""The ``model:`` section — mirrors ``TensorFlowModel(...)``, ``MXNetModel(...)`` and ``Model(...)``
for deploying or batch-transforming existing model data."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from .base import Api, SdkModel, sdk_field
from .estimator import LogLevel
from .retrieve import ImageUriRetrieve
from .types import CodePath, LocalPath, ModelEnvironment, RoleRef, S3Uri, ServingStyle, SourceDir, VersionStr

__all__ = ["ModelBase", "FrameworkModelBase", "CM", "ServingStyle"]

CM = "CreateModel"



class ModelBase(SdkModel):
    """Arguments of ``sagemaker.model.Model``."""

    section_title: ClassVar[str] = "model"
    type: str
    SERVING: ClassVar[ServingStyle] = "image"
    #: The image scope the SDK retrieves the serving image from (see EstimatorBase.SERVING_SCOPE).
    SERVING_SCOPE: ClassVar[str] = "inference"
    #: Its inference container serves multi-model endpoints (a MultiDataModel's model). Your own
    #: image is trusted to; the framework classes whose containers do say so.
    MULTI_MODEL: ClassVar[bool] = True

    def serving(self, deploy: Any) -> ServingStyle:
        """The serving style for this deploy (``deploy`` section or None)."""
        return self.SERVING

    def takes_model_server_workers(self) -> bool:
        """Whether the SDK model class takes ``model_server_workers`` (see EstimatorBase)."""
        return False

    model_data: Annotated[S3Uri, Api(CM, "PrimaryContainer.ModelDataUrl")] | None = sdk_field(
        None, doc="S3 URI of model.tar.gz. Changing it in review is how a model is promoted.", lands_in="CreateModel.PrimaryContainer.ModelDataUrl"
    )
    role: RoleRef | None = sdk_field(
        None, doc="IAM role the model runs as (default: a generated least-privilege role).", lands_in="CreateModel.ExecutionRoleArn"
    )
    env: ModelEnvironment | None = sdk_field(None, doc="Environment of the model container.", lands_in="CreateModel.PrimaryContainer.Environment")
    subnets: Annotated[tuple[Annotated[str, Api(CM, "VpcConfig.Subnets[]")], ...], Api(CM, "VpcConfig.Subnets")] | None = sdk_field(
        None, doc="VPC subnets (the SDK's vpc_config['Subnets']).", lands_in="CreateModel.VpcConfig.Subnets"
    )
    security_group_ids: Annotated[
        tuple[Annotated[str, Api(CM, "VpcConfig.SecurityGroupIds[]")], ...], Api(CM, "VpcConfig.SecurityGroupIds")
    ] | None = sdk_field(None, doc="VPC security groups (the SDK's vpc_config['SecurityGroupIds']).", lands_in="CreateModel.VpcConfig.SecurityGroupIds")
    enable_network_isolation: bool = sdk_field(False, doc="No network access from the container.", lands_in="CreateModel.EnableNetworkIsolation")


class FrameworkModelBase(ModelBase):
    framework: ClassVar[str]
    SERVING: ClassVar[ServingStyle] = "framework"
    MULTI_MODEL: ClassVar[bool] = False
    #: The model serves existing model data (not, e.g., a model the container downloads itself).
    NEEDS_MODEL_DATA: ClassVar[bool] = True
    #: The class checks its image arguments in rules of its own module (see FrameworkEstimator).
    OWN_IMAGE_RULES: ClassVar[bool] = False
    #: The SDK class needs an inference script when served by the framework's model server.
    ENTRY_POINT_REQUIRED: ClassVar[bool] = True

    entry_point: CodePath | None = sdk_field(
        None, doc="Inference script, relative to source_dir (or this file).", lands_in="CreateModel.PrimaryContainer.Environment.SAGEMAKER_PROGRAM"
    )
    source_dir: SourceDir | None = sdk_field(
        None, doc="Directory of inference code, relative to this file; repacked into model.tar.gz under code/.", lands_in="CreateModel.PrimaryContainer.ModelDataUrl"
    )
    dependencies: tuple[LocalPath, ...] = sdk_field((), doc="Extra directories copied next to the code.", lands_in="CreateModel.PrimaryContainer.ModelDataUrl")
    framework_version: VersionStr | None = sdk_field(None, doc="Framework version with an inference image (quoted).", lands_in="CreateModel.PrimaryContainer.Image")
    image_uri: Annotated[str, Api(CM, "PrimaryContainer.Image")] | ImageUriRetrieve | None = sdk_field(
        None, doc="Inference image instead of the SDK's framework image (a URI, or image_uris.retrieve() arguments).", lands_in="CreateModel.PrimaryContainer.Image", v1="image"
    )
    container_log_level: LogLevel | None = sdk_field(
        None,
        doc="Log level of the serving container (SDK defaults: unset for TensorFlowModel, 20 for MXNetModel).",
        lands_in="CreateModel.PrimaryContainer.Environment.SAGEMAKER_CONTAINER_LOG_LEVEL",
    )
    code_location: S3Uri | None = sdk_field(None, doc="S3 prefix for the repacked model (default: the artifact bucket).", lands_in="CreateModel.PrimaryContainer.ModelDataUrl")
    model_server_workers: int | None = sdk_field(
        None, doc="Model server workers per instance.", lands_in="CreateModel.PrimaryContainer.Environment.SAGEMAKER_MODEL_SERVER_WORKERS"
    )

    def takes_model_server_workers(self) -> bool:
        return True

    def image_arguments(self, scope: str) -> dict[str, Any]:
        """The ``sagemaker.image_uris.retrieve`` arguments of this class's image (without region
        and instance type, which come from the deploy or transformer section)."""
        return {"framework": self.framework, "version": self.framework_version, "py_version": getattr(self, "py_version", None)}
