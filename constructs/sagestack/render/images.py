"""Image URIs resolved from the SageMaker Python SDK's own image data, as
``sagemaker.image_uris.retrieve`` builds them (tests compare the two for every example).

Regions: an image URI depends on the region (the registry account and the ECR hostname). A
stack bound to a region gets the URI for that region; a region-agnostic stack gets one URI per
region the SDK knows, for a CloudFormation mapping (:func:`image_uris_by_region`).
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

from ..descriptor.images import GRAVITON_FAMILIES, GRAVITON_FRAMEWORKS, default_image_scope, image_config, instance_family, processor_for

__all__ = ["image_uri", "image_uris_by_region", "retrieved_image_uri", "resolved_image_uri", "ecr_hostname", "ImageError"]


class ImageError(ValueError):
    """No SDK image for the combination (validation reports these before rendering)."""


# sagemaker.image_uris._get_image_tag: container versions chosen automatically on p4d or with
# smdistributed (a test compares this table with the SDK's behaviour).
AUTO_CONTAINER_VERSIONS = {
    "tensorflow-2.3-gpu-py37": "cu110-ubuntu18.04-v3",
    "tensorflow-2.3.1-gpu-py37": "cu110-ubuntu18.04",
    "tensorflow-2.3.2-gpu-py37": "cu110-ubuntu18.04",
    "tensorflow-1.15-gpu-py37": "cu110-ubuntu18.04-v8",
    "tensorflow-1.15.4-gpu-py37": "cu110-ubuntu18.04",
    "tensorflow-1.15.5-gpu-py37": "cu110-ubuntu18.04",
    "mxnet-1.8-gpu-py37": "cu110-ubuntu16.04-v1",
    "mxnet-1.8.0-gpu-py37": "cu110-ubuntu16.04",
    "pytorch-1.6-gpu-py36": "cu110-ubuntu18.04-v3",
    "pytorch-1.6.0-gpu-py36": "cu110-ubuntu18.04",
    "pytorch-1.6-gpu-py3": "cu110-ubuntu18.04-v3",
    "pytorch-1.6.0-gpu-py3": "cu110-ubuntu18.04",
}
# image_uris._get_image_tag: the arm64 tags of XGBoost and scikit-learn (their data has none)
ARM64_TAGS = {"xgboost": {"1.5-1": "1.5-1-arm64", "1.3-1": "1.3-1-arm64"}, "sklearn": {"1.0-1": "1.0-1-arm64-cpu-py3"}}


@lru_cache(maxsize=1)
def _resolver() -> Any:
    from botocore.loaders import Loader
    from botocore.regions import EndpointResolver

    return EndpointResolver(Loader().load_data("endpoints"))


@cache
def ecr_hostname(region: str) -> str:
    """ECR's hostname in a region, from botocore's endpoint data (as the SDK finds it)."""
    data = _resolver().construct_endpoint("ecr", region)
    if not data:
        if region == "il-central-1":
            return f"ecr.{region}.amazonaws.com"
        raise ImageError(f"botocore knows no ECR endpoint in {region}")
    return str(data["hostname"])


def _scope_config(framework: str, scope: str, instance_type: str | None) -> Any:
    if framework in GRAVITON_FRAMEWORKS and instance_type and instance_family(instance_type) in GRAVITON_FAMILIES:
        scope = "inference_graviton"
    config = image_config(framework, scope)
    if config is None:
        raise ImageError(f"no {scope} images for {framework}")
    return config, scope


def _version_entry(
    framework: str, scope: str, version: str, py_version: str | None, instance_type: str | None, base_framework_version: str | None = None
) -> tuple[dict[str, Any], str | None, Any]:
    config, scope = _scope_config(framework, scope, instance_type)
    full = config.resolve(version)
    if full is None and len(config.versions) == 1 and version not in config.aliases:
        full = config.versions[0]  # algorithms: one version, whatever was asked
        version = full
    if full is None:
        raise ImageError(f"no {framework} {scope} image for version {version}")
    entry = config.config["versions"][full]
    if base_framework_version is not None:
        # retrieve(): a version's entries keyed by the base framework (``pytorch1.13.1``), with aliases
        base = entry.get("version_aliases", {}).get(base_framework_version, base_framework_version)
        if base == "version_aliases" or base not in entry:
            raise ImageError(f"no {framework} {version} {scope} image for {base_framework_version}")
        entry = entry[base]
    available = entry.get("py_versions") if "repository" in entry else list(entry.keys())
    if not available:
        py_version = None
    elif py_version is None and len(available) == 1:
        py_version = available[0]
    elif py_version not in available:
        raise ImageError(f"no {framework} {version} {scope} image for {py_version}")
    if "repository" not in entry:
        entry = entry[py_version]
    return entry, py_version, config


def image_uri(
    framework: str,
    *,
    region: str,
    version: str | None,
    py_version: str | None = None,
    instance_type: str | None = None,
    scope: str = "training",
    accelerator_type: str | None = None,
    distribution: dict[str, Any] | None = None,
    serverless: bool = False,
    base_framework_version: str | None = None,
    tag_prefix: str | None = None,
    container_version: str | None = None,
    inference_tool: str | None = None,
) -> str:
    """The URI ``sagemaker.image_uris.retrieve`` returns for these arguments.

    ``base_framework_version`` selects the entry of a framework whose versions are keyed by a base
    framework (``pytorch1.13``); ``tag_prefix`` replaces the version part of the tag (the SDK
    builds it per framework); ``container_version`` is the tag's suffix when the image data has none
    for the processor, as retrieve() takes it; ``inference_tool`` is named in the tag in place of
    the processor (e.g. neuron)."""
    if accelerator_type:
        scope = "eia"
    raw_config = image_config(framework, scope)
    if raw_config is not None and "scope" in raw_config.config:  # algorithms: one image for all scopes
        version = version or raw_config.versions[0]
    entry, py_version, config = _version_entry(framework, scope, version or "", py_version, instance_type, base_framework_version)
    registry = entry["registries"].get(region)
    if registry is None:
        raise ImageError(f"no {framework} image in region {region}")
    processors = config.config.get("processors") or entry.get("processors")
    if not processors:
        processor = None
    elif serverless:
        processor = "cpu"
    elif instance_type is None and len(processors) == 1:
        processor = processors[0]
    else:
        family = instance_family(instance_type or "") or ""
        processor = family if family in processors else processor_for(instance_type or "")
        if processor not in processors:
            raise ImageError(f"{framework} {version} images are built for {', '.join(processors)}, not {processor}")
    if entry.get("container_version"):
        container_version = entry["container_version"].get(processor)
    if entry.get("sdk_versions") and container_version:  # retrieve(): the Neuron SDK's latest version leads
        container_version = sorted(entry["sdk_versions"], reverse=True)[0] + "-" + container_version
    tag_prefix = tag_prefix or entry.get("tag_prefix", version)
    tag = "-".join(x for x in (tag_prefix, inference_tool or processor, py_version, container_version) if x)
    if framework in ARM64_TAGS and config.scope == "inference_graviton":
        tag = ARM64_TAGS[framework][version or ""]
    if instance_type and (instance_family(instance_type) == "p4d" or (distribution and "smdistributed" in distribution)):
        tag = "-".join([tag, AUTO_CONTAINER_VERSIONS[f"{framework}-{tag}"]]) if f"{framework}-{tag}" in AUTO_CONTAINER_VERSIONS else tag
    repository = entry["repository"]
    if repository == f"{framework}-inference-graviton":
        tag = f"{tag}-sagemaker" if container_version else tag
    uri = f"{registry}.dkr.{ecr_hostname(region)}/{repository}"
    return f"{uri}:{tag}" if tag else uri


def retrieved_image_uri(spec: Any, region: str) -> str:
    """The URI ``image_uris.retrieve`` returns for an ``image_uri`` mapping, in ``region``."""
    scope = spec.image_scope or default_image_scope(spec.framework) or "training"
    return image_uri(
        spec.framework, region=region, version=spec.version, py_version=spec.py_version, instance_type=spec.instance_type, scope=scope,
        container_version=spec.container_version, base_framework_version=spec.base_framework_version,
    )


def resolved_image_uri(value: Any, region: str) -> str:
    """An ``image_uri`` field's value as a URI: given, or retrieved from the SDK's data."""
    return value if isinstance(value, str) else retrieved_image_uri(value, region)


def image_uris_by_region(framework: str, **kwargs: Any) -> dict[str, str]:
    """One URI per region the SDK has this image in (for a CloudFormation mapping)."""
    kwargs.pop("region", None)
    scope = "eia" if kwargs.get("accelerator_type") else kwargs.get("scope", "training")
    entry, _py, _config = _version_entry(framework, scope, kwargs.get("version") or "", kwargs.get("py_version"), kwargs.get("instance_type"), kwargs.get("base_framework_version"))
    out = {}
    for region in sorted(entry["registries"]):
        try:
            out[region] = image_uri(framework, region=region, **kwargs)
        except ImageError:
            continue
    return out
