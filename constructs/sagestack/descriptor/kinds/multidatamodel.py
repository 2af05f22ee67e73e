"""Multi-model endpoints: ``sagemaker.multidatamodel.MultiDataModel``.

One endpoint serves every model archive under ``model_data_prefix``; a request names the archive
(``TargetModel``) and the container loads it on first use (``Mode: MultiModel``). The container is
the one of ``model`` — any model class whose inference container supports multi-model endpoints
— or ``image_uri`` (a container of your own, for instance Triton on GPU). The model archives are
used as they are: a model whose inference code would be repacked into each archive cannot be
served this way.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from ..base import Api, sdk_field, typed_union
from ..images import processor_for
from ..model import CM, ModelBase
from ..placements import model_variants, placements_of
from ..retrieve import ImageUriRetrieve
from ..rules import Context, Finding, _check_code_paths, rule
from ..types import S3Uri, ServingStyle
from . import Kind

if TYPE_CHECKING:
    InnerModelSpec = ModelBase

ModelClass = type[ModelBase]  # outside the class, whose field "type" would shadow the builtin


class MultiDataModelSpec(ModelBase):
    """``sagemaker.multidatamodel.MultiDataModel``."""

    SERVING: ClassVar[ServingStyle] = "multi-model"
    #: MultiDataModel(name, model_data_prefix, model, image_uri, role, ...): its own positional order.
    SDK_POSITIONAL: ClassVar[tuple[str, ...]] = ("name", "model_data_prefix", "model", "image_uri", "role", "sagemaker_session")
    #: MultiDataModel takes no model_data: the archives are under model_data_prefix.
    model_data: ClassVar[None] = None  # type: ignore[misc]  # removes the inherited field
    type: Literal["MultiDataModel"] = sdk_field(doc="The SDK class.", lands_in=None)
    model_data_prefix: Annotated[S3Uri, Api(CM, "PrimaryContainer.ModelDataUrl")] = sdk_field(
        doc="S3 prefix of the model archives the endpoint serves (required); a request's TargetModel is a key under it.", lands_in="CreateModel.PrimaryContainer.ModelDataUrl"
    )
    model: InnerModelSpec | None = sdk_field(
        None, doc="The model whose container serves the archives (its type: and arguments, without model_data); or image_uri.", lands_in="CreateModel.PrimaryContainer"
    )
    image_uri: Annotated[str, Api(CM, "PrimaryContainer.Image")] | ImageUriRetrieve | None = sdk_field(
        None, doc="A multi-model container of your own instead of model (a URI, or image_uris.retrieve() arguments).", lands_in="CreateModel.PrimaryContainer.Image"
    )

    @classmethod
    def complete(cls, model_types: Mapping[str, ModelClass]) -> None:
        """The served model may be any other model class of the registry whose container serves
        multi-model endpoints (known once the registry is built)."""
        inner = typed_union({name: t for name, t in model_types.items() if t is not cls and t.MULTI_MODEL}, "multi-model serving model")
        cls.model_rebuild(force=True, _types_namespace={"InnerModelSpec": inner})

    def served(self) -> ModelBase:
        """What the container is: the given model, or your image with this section's settings."""
        if self.model is not None:
            return self.model
        from .estimator import GenericModelSpec

        return GenericModelSpec(type="Model", image_uri=self.image_uri or "", role=self.role, env=self.env, subnets=self.subnets, security_group_ids=self.security_group_ids, enable_network_isolation=self.enable_network_isolation)


@rule("model")
def multi_model_container(d: Any, ctx: Context) -> Iterator[Finding]:
    """MultiDataModel.__init__ (model, or image_uri with its own settings, not both) and the
    containers that support multi-model endpoints (on CPU; on GPU only a container of your own)."""
    spec = d.model
    if not isinstance(spec, MultiDataModelSpec):
        return
    own = ("image_uri", "role", "env", "subnets", "security_group_ids")
    if spec.model is None and spec.image_uri is None:
        yield Finding(("model",), "a MultiDataModel serves the archives with a model's container or an image", "model: {type: ...} or image_uri", "neither")
    if spec.model is not None:
        given = [name for name in own if getattr(spec, name) is not None] + (["enable_network_isolation"] if "enable_network_isolation" in spec.model_fields_set else [])
        for name in given:
            yield Finding(("model", name), "with model, the served model carries its own settings (MultiDataModel refuses both)", f"model.{name}", name)
        inner = spec.model
        if getattr(inner, "model_data", None) is not None:
            yield Finding(("model", "model", "model_data"), "the archives come from model_data_prefix", "no model_data", inner.model_data)
        repacks = inner.serving(getattr(d, "deploy", None)) in ("framework", "tfs", "default-handler") or inner.enable_network_isolation
        entry = getattr(inner, "entry_point", None)
        if repacks and entry is not None:
            yield Finding(("model", "model", "entry_point"), "the archives are served as they are: inference code that would be repacked into each archive (or that an isolated model cannot download) must already be in them", "no entry_point (code inside each archive), or a model served from a code archive without network isolation", entry)
        yield from _check_code_paths(("model", "model"), inner, ctx, s3_archive=False)
    if getattr(d, "transformer", None) is not None:
        yield Finding(("transformer",), "a MultiDataModel serves an endpoint; batch transform takes one model", "deploy", "transformer")
    dep = getattr(d, "deploy", None)
    if dep is None:
        return
    if any(not (p.instance_backed and p.real_time) for p in placements_of(dep)) or model_variants(dep):
        yield Finding(("deploy",), "a multi-model endpoint here is one real-time variant on instances (MultiDataModel.deploy)", "instance_type and initial_instance_count", "serverless, async or variants")
    for name in ("volume_size", "model_data_download_timeout", "container_startup_health_check_timeout"):
        if getattr(dep, name) is not None:
            yield Finding(("deploy", name), "MultiDataModel.deploy() takes no volume or timeouts (they would be dropped without a word)", "remove it", name)
    custom = spec.model is None or isinstance(getattr(spec.model, "image_uri", None), (str, ImageUriRetrieve))
    if dep.instance_type and processor_for(dep.instance_type) == "gpu" and not custom:
        yield Finding(("deploy", "instance_type"), "the SDK's framework containers serve multi-model endpoints on CPU; GPU multi-model endpoints need a Triton container (image_uri)", "a CPU instance type", dep.instance_type)


KIND = Kind(
    order=85,
    estimator=None,
    estimator_sdk=None,
    model=MultiDataModelSpec,
    model_sdk="sagemaker.multidatamodel.MultiDataModel",
    image_family="the served model's",
    serving="the served model's container in MultiModel mode, loading each archive under model_data_prefix on first request",
)
