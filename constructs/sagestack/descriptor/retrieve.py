"""``image_uri`` as ``sagemaker.image_uris.retrieve(...)`` arguments.

Notebooks write ``Estimator(image_uri=image_uris.retrieve("xgboost", region, "1.7-1"), ...)``
for built-in XGBoost and other SDK images that no estimator class wraps. In a descriptor the same
call is a mapping of retrieve()'s arguments (the region is the stack's):

    image_uri: {framework: xgboost, version: "1.7-1"}

It is checked against the SDK's image data here and resolved to the URI retrieve() returns when
the requests are rendered.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from importlib import metadata
from typing import Any, ClassVar, Literal

from pydantic import field_validator

from .base import SdkModel, format_allowed, sdk_field
from .images import default_image_scope, image_config, instance_family, processor_for
from .rules import Context, Finding, rule
from .types import VersionStr

__all__ = ["ImageUriRetrieve", "image_families"]

IMAGE = "CreateTrainingJob.AlgorithmSpecification.TrainingImage or CreateModel.PrimaryContainer.Image"


@cache
def image_families() -> tuple[str, ...]:
    """The ``framework`` values retrieve() knows: the files of the SDK's image data."""
    files = metadata.distribution("sagemaker").files or ()
    return tuple(sorted(f.stem for f in files if f.parent.name == "image_uri_config" and f.suffix == ".json" and f.stem != "instance_gpu_info"))


class ImageUriRetrieve(SdkModel):
    """Arguments of ``sagemaker.image_uris.retrieve`` (region: the stack's)."""

    section_title: ClassVar[str] = "image_uri"
    framework: str = sdk_field(doc="The image family of the SDK's image data: xgboost, sklearn, pytorch, tensorflow, an algorithm ...", lands_in=IMAGE)
    version: VersionStr | None = sdk_field(None, doc="Framework or algorithm version (quoted), e.g. \"1.7-1\"; retrieve()'s default when the family has one version.", lands_in=IMAGE)
    py_version: str | None = sdk_field(None, doc="Python version of the image, where the family has several.", lands_in=IMAGE)
    instance_type: str | None = sdk_field(None, doc="Instance type the image is for (picks CPU or GPU images), where the family has several processors.", lands_in=IMAGE)
    image_scope: Literal["training", "inference", "eia", "inference_graviton"] | None = sdk_field(
        None, doc="training or inference, for families whose images differ (xgboost and sklearn default to training).", lands_in=IMAGE
    )
    container_version: str | None = sdk_field(None, doc="Container version suffix of the tag, where retrieve() takes one.", lands_in=IMAGE)
    base_framework_version: str | None = sdk_field(None, doc="Base framework of families keyed by one (huggingface: pytorch1.13).", lands_in=IMAGE)

    @field_validator("framework")
    @classmethod
    def _known_family(cls, value: str) -> str:
        families = image_families()
        if value not in families:
            import difflib

            close = difflib.get_close_matches(value, families, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise ValueError(f"the SDK's image data has no '{value}' images{hint} (known: {', '.join(families)})")
        return value


@rule()
def image_uri_retrieve_exists(d: Any, ctx: Context) -> Iterator[Finding]:
    """An image_uri mapping names an image the SDK's data has (what retrieve() checks)."""
    for section in ("estimator", "model"):
        spec = getattr(getattr(d, section, None), "image_uri", None)
        if isinstance(spec, ImageUriRetrieve):
            yield from _retrieve_problems((section, "image_uri"), spec)


def _retrieve_problems(at: tuple[str | int, ...], spec: ImageUriRetrieve) -> Iterator[Finding]:
    scope = spec.image_scope or default_image_scope(spec.framework)
    if scope is None:
        yield Finding(at + ("image_scope",), f"{spec.framework} has separate training and inference images: retrieve() needs image_scope", "training, inference", "nothing")
        return
    config = image_config(spec.framework, scope)
    if config is None:
        yield Finding(at + ("image_scope",), f"the SDK's data has no {scope} images for {spec.framework}", "another image_scope", scope)
        return
    version = spec.version
    if len(config.versions) == 1 and version not in config.aliases:
        version = config.versions[0]  # retrieve(): one version, whatever was asked
    if version is None:
        yield Finding(at + ("version",), f"retrieve() needs the {spec.framework} version", format_allowed(config.accepted_versions(), limit=40), "nothing")
        return
    if config.resolve(version) is None:
        yield Finding(at + ("version",), f"no {spec.framework} {scope} image for this version", format_allowed(config.accepted_versions(), limit=40), version)
        return
    py_versions = config.py_versions(version)
    if spec.base_framework_version is None and py_versions and spec.py_version not in py_versions and not (spec.py_version is None and len(py_versions) == 1):
        yield Finding(at + ("py_version",), f"no {spec.framework} {version} {scope} image for this Python version", ", ".join(py_versions), spec.py_version or "nothing")
    processors = config.processors_for(version)
    if len(processors) > 1 and spec.instance_type is None:
        yield Finding(at + ("instance_type",), f"{spec.framework} {version} has images for {', '.join(processors)}: retrieve() needs the instance type to choose", "an instance type such as ml.m5.xlarge", "nothing")
    elif processors and spec.instance_type is not None and processor_for(spec.instance_type) not in processors and instance_family(spec.instance_type) not in processors:
        yield Finding(at + ("instance_type",), f"{spec.framework} {version} images are built for {', '.join(processors)}", ", ".join(processors) + " instances", spec.instance_type)
