"""The SageMaker Python SDK's own image data, read without importing the SDK.

The SDK ships one JSON file per framework or algorithm under ``sagemaker/image_uri_config/``;
``sagemaker.image_uris.retrieve`` decides from them which versions, Python versions,
processors and scopes (training, inference, eia) exist. ``import sagemaker`` costs seconds
and probes the network, so this module locates the files through the package's distribution
metadata and reads them directly (about 30 ms). The version and Python-version rules below
follow ``sagemaker.image_uris`` (``_version_for_config``, ``_validate_py_version_and_set_if_needed``,
``_processor``); the differential tests compare them with ``image_uris.retrieve``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import metadata
from typing import Any

__all__ = [
    "ImageConfig",
    "image_config",
    "processor_for",
    "gpu_count",
    "is_burstable",
    "GRAVITON_FAMILIES",
    "GRAVITON_FRAMEWORKS",
    "default_image_scope",
]


@cache
def _raw(framework: str) -> dict[str, Any]:
    path = metadata.distribution("sagemaker").locate_file(f"sagemaker/image_uri_config/{framework}.json")
    with open(str(path), encoding="utf-8") as handle:
        config: dict[str, Any] = json.load(handle)
    return config


@dataclass(frozen=True)
class ImageConfig:
    """One framework's images in one scope (``training``, ``inference`` or ``eia``)."""

    framework: str
    scope: str
    config: dict[str, Any]

    @property
    def versions(self) -> list[str]:
        return list(self.config["versions"])

    @property
    def aliases(self) -> dict[str, str]:
        return dict(self.config.get("version_aliases", {}))

    @property
    def processors(self) -> list[str]:
        return list(self.config.get("processors", []))

    def processors_for(self, version: str) -> list[str]:
        """Processors with an image for ``version``: the scope's list, else the version's own."""
        full = self.resolve(version)
        entry = self.config["versions"].get(full, {}) if full is not None else {}
        return self.processors or list(entry.get("processors", []))

    def accepted_versions(self) -> list[str]:
        """Every spelling the SDK accepts: full versions and aliases (``2.11`` → ``2.11.0``)."""
        return self.versions + [a for a in self.aliases if a not in self.config["versions"]]

    def resolve(self, version: str) -> str | None:
        """The full version the SDK uses for ``version``, or None when it has no image."""
        full = self.aliases.get(version, version)
        return full if full in self.config["versions"] else None

    def py_versions(self, version: str) -> list[str]:
        """Python versions with an image for ``version`` (empty: the image takes none)."""
        full = self.resolve(version)
        if full is None:
            return []
        entry = self.config["versions"][full]
        if "repository" in entry:
            return list(entry.get("py_versions", []))
        return list(entry.keys())

    def repository(self, version: str, py_version: str | None = None) -> str | None:
        full = self.resolve(version)
        if full is None:
            return None
        entry = self.config["versions"][full]
        if "repository" not in entry and py_version in entry:
            entry = entry[py_version]
        repository: str | None = entry.get("repository")
        return repository


@cache
def image_config(framework: str, scope: str) -> ImageConfig | None:
    """The SDK's image configuration for ``framework`` in ``scope``, or None when it has none."""
    raw = _raw(framework)
    if "scope" in raw:  # algorithms: one image for every scope listed
        return ImageConfig(framework, scope, raw) if scope in raw["scope"] else None
    if scope not in raw:
        return None
    return ImageConfig(framework, scope, raw[scope])


# sagemaker.fw_utils.GRAVITON_ALLOWED_TARGET_INSTANCE_FAMILY / GRAVITON_ALLOWED_FRAMEWORKS: these
# instance families serve from the framework's inference_graviton images.
GRAVITON_FAMILIES = ("m6g", "m6gd", "c6g", "c6gd", "c6gn", "c7g", "r6g", "r6gd")
GRAVITON_FRAMEWORKS = ("tensorflow", "pytorch", "xgboost", "sklearn")

# image_uris._get_final_image_scope: retrieve() without an image_scope takes these families'
# training images (their data has separate scopes but no top-level "scope" key).
TRAINING_SCOPE_BY_DEFAULT = ("xgboost", "sklearn")


def default_image_scope(framework: str) -> str | None:
    """The scope retrieve() uses without ``image_scope``, or None when it needs one."""
    raw = _raw(framework)
    if framework in TRAINING_SCOPE_BY_DEFAULT:
        return "training"
    if "scope" in raw:  # algorithms: one image for every scope listed
        return str(raw["scope"][0])
    scopes = [k for k in raw if isinstance(raw[k], dict) and "versions" in raw[k]]
    return scopes[0] if len(scopes) == 1 else None


_FAMILY = re.compile(r"^ml[._]([a-z\d\-]+)\.?\w*$")


def instance_family(instance_type: str) -> str | None:
    """``ml.p3.2xlarge`` → ``p3`` (the SDK's ``utils.get_instance_type_family``)."""
    match = _FAMILY.match(instance_type)
    return match[1] if match else None


def processor_for(instance_type: str) -> str:
    """The processor kind the SDK derives from an instance type: cpu, gpu, inf, trn or neuron."""
    family = instance_family(instance_type) or ""
    if family.startswith("inf"):
        return "inf"
    if family.startswith("trn"):
        return "trn"
    if family[:1] in ("g", "p"):
        return "gpu"
    return "cpu"


def is_burstable(instance_type: str) -> bool:
    """Burstable (T-family) instances, which Application Auto Scaling does not scale."""
    family = instance_family(instance_type) or ""
    return family[:1] == "t" and family[1:2].isdigit()


@lru_cache(maxsize=1)
def _gpu_info() -> dict[str, Any]:
    return _raw("instance_gpu_info")


def gpu_count(instance_type: str) -> int | None:
    """Number of GPUs of an instance type, from the SDK's ``instance_gpu_info.json`` (any region)."""
    for region_info in _gpu_info().values():
        if instance_type in region_info:
            return int(region_info[instance_type]["Count"])
    return None
