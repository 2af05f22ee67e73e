"""``ModelEndpoint``: existing model data served by a SageMaker endpoint, declared as
CloudFormation — the SDK's ``TensorFlowModel(...).deploy(...)``, ``MXNetModel``, ``Model``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as s3_assets
from constructs import Construct

from ..descriptor import ModelDescriptor
from ..descriptor.descriptor import endpoint_name_for, inference_component_name_for
from ..descriptor.placements import model_variants, placements_of
from ..iam import placed, read, require_region, stack_env
from ..jsii_batch import output
from ..nag import gathers_acknowledgments
from ..render import RenderContext, render_requests
from ..render.context import stable_sorted
from ..render.hosting import VARIANT_NAME, needs_code_archive, needs_repack, served_descriptor, variant_model_data, variant_names
from ..render.scaling import scales_from_zero
from ._tokens import fill
from .artifact_bucket import ArtifactBucket
from .autoscaling import VariantAutoscaling
from .endpoint import SageMakerEndpoint
from .endpoint_config import SageMakerEndpointConfig
from .inference_component import ComponentAutoscaling, SageMakerInferenceComponent
from .model import SageMakerModel
from .repack import ModelRepack, code_asset
from .role import ModelExecutionRole

__all__ = ["ModelEndpoint", "endpoint_name_for", "inference_component_name_for"]


class ModelEndpoint(Construct):
    """Model, endpoint config, endpoint, optional autoscaling and repack, and an execution role
    (unless the descriptor names one), from a descriptor with ``model`` and ``deploy``.

    Attributes: ``models`` (variant name → SageMakerModel; ``model`` is the first),
    ``endpoint_config``, ``endpoint`` (the resource constructs; None when an inference component
    joins another descriptor's endpoint), ``autoscaling`` (variant name → VariantAutoscaling),
    ``inference_component`` and ``component_autoscaling`` (inference components, else None),
    ``inference_component_name`` (str or None), ``repacks`` (model data → ModelRepack; ``repack`` is the first or None),
    ``code`` (the asset of a model's own code archive, or None),
    ``role`` (or None), ``artifact_bucket`` (or None), ``endpoint_name`` (str), ``requests`` (the
    rendered requests, placeholders filled).
    """

    @gathers_acknowledgments
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        descriptor: ModelDescriptor,
        environment: str = "dev",
        artifact_bucket: s3.IBucket | None = None,
    ) -> None:
        """
        :param descriptor: a validated descriptor with ``model`` and ``deploy``.
        :param environment: environment name, part of the default endpoint name (default ``dev``).
        :param artifact_bucket: where repacked models and default data capture go (default: a new
            bucket, created only when one is needed).
        """
        super().__init__(scope, construct_id)
        d = descriptor
        if d.model is None or d.deploy is None:
            raise ValueError(f"ModelEndpoint needs a descriptor with model and deploy; {d.name} has {d.kind}")
        stack, _ = placed(self, scope, construct_id)
        require_region(stack, "ModelEndpoint")
        self.endpoint_name = endpoint_name_for(d, environment)
        rendered = render_requests(d, RenderContext(region=stack_env(stack).region))
        values: dict[str, str] = {"AccountId": stack_env(stack).account, "Partition": stack_env(stack).partition, "EndpointName": self.endpoint_name}
        components = d.deploy.inference_component_based()
        self.inference_component_name: str | None = inference_component_name_for(d, environment) if components else None
        if self.inference_component_name is not None:
            values["InferenceComponentName"] = self.inference_component_name

        capture = d.deploy.data_capture_config
        # what the placements (asynchronous inference) have the model write, tell and encrypt
        access = [p.model_access(d, RenderContext(region=stack_env(stack).region)) for p in placements_of(d.deploy)]
        needs_bucket = needs_repack(d) or (capture is not None and capture.destination_s3_uri is None) or any(a.artifact_bucket for a in access)
        self.artifact_bucket = artifact_bucket or (ArtifactBucket(self, "Artifacts").bucket if needs_bucket else None)
        if self.artifact_bucket is not None:
            values["ArtifactBucket"] = read(self.artifact_bucket, "bucket_name")

        # One SageMaker model per variant (A/B), or the single model of the AllTraffic variant.
        variants = model_variants(d.deploy)  # each with a model (the shadow too)
        model_keys = [f"CreateModel.{v.variant_name}" for v in variants] or ["CreateModel"]
        data_of = {key: (variant_model_data(d, v) if v is not None else d.model.model_data) for key, v in zip(model_keys, variants or [None], strict=True)}

        self.repacks: dict[str, ModelRepack] = {}
        model_objects = stable_sorted(uri for uri in data_of.values() if uri)
        # What the container serves (a multi-model endpoint's served model) and the archives it reads.
        served = served_descriptor(d).model
        assert served is not None
        prefix_of_archives = getattr(d.model, "model_data_prefix", None)
        if prefix_of_archives is not None:
            model_objects = [prefix_of_archives.rstrip("/") + "/*"]
        if needs_repack(d):
            assert d.model.entry_point is not None and self.artifact_bucket is not None
            base = d.base_dir
            source_dir = (base / d.model.source_dir).resolve() if d.model.source_dir else None
            entry = (source_dir or base) / d.model.entry_point
            prefix = f"repacked/{d.name}"
            for index, uri in enumerate(stable_sorted(data_of.values())):
                assert uri is not None
                self.repacks[uri] = ModelRepack(
                    self, "Repack" if index == 0 else f"Repack{index + 1}", model_data=uri, entry_point=Path(entry), source_dir=source_dir,
                    dependencies=[(base / dep).resolve() for dep in d.model.dependencies], bucket=self.artifact_bucket, prefix=prefix, root=d.root,
                )
            for key, variant in zip(model_keys, variants or [None], strict=True):
                placeholder = "RepackedModelData" + (f".{variant.variant_name}" if variant is not None else "")
                values[placeholder] = self.repacks[data_of[key]].model_data_url  # type: ignore[index]  # every repacked variant has model data (asserted above)
            model_objects = [f"s3://{values['ArtifactBucket']}/{prefix}/*"]
        self.repack: ModelRepack | None = next(iter(self.repacks.values()), None)

        # A model that loads its inference code from an archive beside it (SAGEMAKER_SUBMIT_DIRECTORY).
        self.code: s3_assets.Asset | None = None
        if needs_code_archive(d):
            assert served.entry_point is not None
            source_dir = (d.base_dir / served.source_dir).resolve() if served.source_dir else None
            self.code = code_asset(
                self, "Code", entry_point=(source_dir or d.base_dir) / served.entry_point, source_dir=source_dir,
                dependencies=[(d.base_dir / dep).resolve() for dep in served.dependencies], root=d.root, dependency_prefix="",
            )
            values["SourceArchive"] = read(self.code, "s3_object_url")
            model_objects = [*model_objects, f"s3://{read(self.code, 's3_bucket_name')}/{read(self.code, 's3_object_key')}"]

        self.role: ModelExecutionRole | None = None
        if served.role is None:
            capture_prefixes = []
            if capture is not None:
                capture_prefixes = [capture.destination_s3_uri or f"s3://{values['ArtifactBucket']}/model-monitor/data-capture"]  # type: ignore[union-attr]  # a capture without a destination made the bucket
            kms = [k for k in (d.deploy.kms_key, capture.kms_key_id if capture else None) if k] + [k for a in access for k in a.kms_keys]
            responses = [fill({"p": prefix}, values)["p"] for a in access for prefix in a.write_prefixes]
            topics = [t for a in access for t in a.notification_topics]
            self.role = ModelExecutionRole(
                self, "ExecutionRole", model_data=model_objects, images=stable_sorted(rendered[k]["PrimaryContainer"]["Image"] for k in model_keys),
                endpoint_name=self.endpoint_name, kms_keys=kms, vpc=served.subnets is not None, capture_destinations=capture_prefixes,
                write_prefixes=responses, notification_topics=topics, inference_component_name=self.inference_component_name,
            )
            values["RoleArn"] = read(self.role.role, "role_arn")

        # CloudFormation names the models and the endpoint config (no fixed physical names).
        self.models: dict[str, SageMakerModel] = {}
        for key, variant in zip(model_keys, variants or [None], strict=True):
            rendered[key].pop("ModelName")
            construct_id = "Model" if variant is None else f"Model{variant.variant_name.title().replace('-', '')}"
            model = SageMakerModel(self, construct_id, request=fill(rendered[key], values))
            self.models[variant.variant_name if variant is not None else VARIANT_NAME] = model
            values["ModelName" + (f".{variant.variant_name}" if variant is not None else "")] = model.model_name
        self.model = next(iter(self.models.values()))
        # A model joining another descriptor's endpoint of inference components creates neither.
        self.endpoint_config: SageMakerEndpointConfig | None = None
        self.endpoint: SageMakerEndpoint | None = None
        if "CreateEndpointConfig" in rendered:
            self._endpoint(d, rendered, values)
        self.inference_component: SageMakerInferenceComponent | None = None
        if components:
            self.inference_component = SageMakerInferenceComponent(
                self, "InferenceComponent", request=fill(rendered["CreateInferenceComponent"], values), endpoint=self.endpoint.resource if self.endpoint is not None else None,
            )
        self.autoscaling: dict[str, VariantAutoscaling] = {}
        self.component_autoscaling: ComponentAutoscaling | None = None
        if d.deploy.autoscaling is not None and self.inference_component is not None:
            self.component_autoscaling = ComponentAutoscaling(
                self, "ComponentAutoscaling", component_name=self.inference_component.inference_component_name, config=d.deploy.autoscaling, component=self.inference_component.resource,
            )
        elif d.deploy.autoscaling is not None:
            assert self.endpoint is not None
            for name in variant_names(d):
                construct_id = "Autoscaling" if name == VARIANT_NAME else f"Autoscaling{name.title().replace('-', '')}"
                self.autoscaling[name] = VariantAutoscaling(
                    self, construct_id, endpoint_name=self.endpoint_name, variant=name, config=d.deploy.autoscaling, endpoint=self.endpoint.resource, scales_from_zero=scales_from_zero(d.deploy),
                )
        self.requests = {op: fill(req, values) for op, req in rendered.items()}
        # cdk.CfnOutput(self, ...), deferred: nothing reads them, and they are this construct's last children
        output(self, "EndpointName", value=self.endpoint_name, description=f"SageMaker endpoint of {d.name}")
        if self.inference_component_name is not None:
            output(self, "InferenceComponentName", value=self.inference_component_name, description=f"Inference component of {d.name} (invoke_endpoint's InferenceComponentName)")

    def _endpoint(self, d: ModelDescriptor, rendered: dict[str, dict[str, Any]], values: dict[str, str]) -> None:
        assert d.deploy is not None
        rendered["CreateEndpointConfig"].pop("EndpointConfigName")
        self.endpoint_config = SageMakerEndpointConfig(self, "EndpointConfig", request=fill(rendered["CreateEndpointConfig"], values))
        values["EndpointConfigName"] = self.endpoint_config.endpoint_config_name
        endpoint_request = fill(rendered["CreateEndpoint"], values)
        if d.deploy.autoscaling is not None and not d.deploy.inference_component_based():
            # On an update, keep the instance count Application Auto Scaling has set instead of
            # resetting it to initial_instance_count (a disruptive scale-in that fights the scaler,
            # hashicorp/terraform-provider-aws#48990); weights and data capture follow the new config.
            endpoint_request["RetainAllVariantProperties"] = True
            endpoint_request["ExcludeRetainedVariantProperties"] = [{"VariantPropertyType": "DesiredWeight"}, {"VariantPropertyType": "DataCaptureConfig"}]
        self.endpoint = SageMakerEndpoint(self, "Endpoint", request=endpoint_request)
