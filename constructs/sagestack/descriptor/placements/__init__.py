"""Hosting placements: how an endpoint holds its model. One module per placement, the registry of
them.

Each module of this package declares one placement (a :class:`Placement`): the ``deploy`` fields
that are its own (and their sections), the rules they follow, the sections that carry instances,
the parts of the requests it renders (pure functions, the SDK's shapes), how an environment and a
preview size it, and what the model's role needs for it. A ``deploy`` section has one *capacity*
placement, the first in ``order`` that applies (serverless, A/B variants, inference components,
else one instance-backed variant), and the *traits* that apply beside it (asynchronous
inference, a shadow variant). Validation, rendering, environments and previews, the command and the
constructs iterate the registry; adding a placement is adding a module.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

__all__ = [
    "Placement", "PLACEMENTS", "VARIANT_NAME", "ModelAccess", "Served", "capacity_of", "traits_of", "placements_of",
    "sized_sections", "model_variants", "variant_settings", "PLACEMENT_FIELDS",
]

#: sagemaker.session.production_variant's default variant name: the variant of a single-variant endpoint.
VARIANT_NAME = "AllTraffic"

Path = tuple[str | int, ...]
#: A model's name in a request, given the variant that serves it (None: the endpoint's only model).
ModelName = Callable[[str | None], str]


@dataclass(frozen=True)
class ModelAccess:
    """What the model's execution role needs for a placement besides the model itself."""

    write_prefixes: tuple[str, ...] = ()
    notification_topics: tuple[str, ...] = ()
    kms_keys: tuple[str, ...] = ()
    #: Whether it writes to the artifact bucket (which is then created if none is given).
    artifact_bucket: bool = False


@dataclass(frozen=True)
class Served:
    """What rendering knows of the served model that an endpoint config may carry."""

    role_arn: str
    tags: list[dict[str, str]] = field(default_factory=list)
    network_isolation: bool = False
    vpc_config: dict[str, Any] | None = None


class Placement:
    """One placement. The defaults are those of a placement that adds nothing; each module
    overrides what its placement has.

    :cvar name: what messages and the command call it.
    :cvar order: place in the registry, lowest first (the first capacity placement that applies wins).
    :cvar capacity: True: the endpoint's capacity (one per deploy section); False: a trait beside it.
    :cvar fields: the ``deploy`` fields that are this placement's own; no module outside this
        package names them (tests/test_architecture.py).
    :cvar instance_backed: runs on instances the endpoint config names.
    :cvar real_time: answers each request as it comes.
    :cvar scales: what ``deploy.autoscaling`` scales: ``instances`` of each variant (checked by the
        general autoscaling rules) or ``copies`` (checked by the placement's own rules).
    """

    name: ClassVar[str]
    order: ClassVar[int]
    capacity: ClassVar[bool] = True
    fields: ClassVar[tuple[str, ...]] = ()
    instance_backed: ClassVar[bool] = True
    real_time: ClassVar[bool] = True
    scales: ClassVar[str] = "instances"

    def applies(self, dep: Any) -> bool:
        """Whether ``dep`` (a validated deploy section) uses this placement."""
        raise NotImplementedError

    # descriptor side

    def sized(self, dep: Any) -> list[tuple[Path, Any]]:
        """(path, section) of each section that carries instance_type, initial_instance_count and
        accelerator_type (what environments and previews size, what instance rules check)."""
        return []

    def sized_keys(self, dep: Any) -> tuple[str, ...]:
        """The sizing keys an environment or a preview may set in those sections."""
        return ("instance_type", "initial_instance_count")

    def model_variants(self, dep: Any) -> list[Any]:
        """The variants that get a model of their own (``CreateModel.<variant>``)."""
        return []

    def variant_names(self, dep: Any) -> list[str]:
        """The production variants autoscaling scales."""
        return [VARIANT_NAME]

    def summary(self, dep: Any) -> str:
        """One line for ``sagestack list``: what serves (a trait: what it adds)."""
        return f"{dep.initial_instance_count} x {dep.instance_type}"

    # rendering (pure; ``ctx`` is a render.RenderContext)

    def endpoint_config(self, d: Any, ctx: Any, served: Served) -> dict[str, Any] | None:
        """A CreateEndpointConfig of this placement's own, or None for the common one."""
        return None

    def production_variants(self, dep: Any, model_name: ModelName) -> list[dict[str, Any]]:
        """CreateEndpointConfig.ProductionVariants (capacity placements)."""
        return []

    def beside_variants(self, dep: Any, model_name: ModelName) -> dict[str, Any]:
        """CreateEndpointConfig members that follow the production variants."""
        return {}

    def endpoint_settings(self, d: Any, ctx: Any) -> dict[str, Any]:
        """CreateEndpointConfig members that follow the endpoint's own settings (KMS, capture)."""
        return {}

    def model_access(self, d: Any, ctx: Any) -> ModelAccess:
        return ModelAccess()

    # environments and previews (on the dumped deploy section)

    def preview(self, deploy: dict[str, Any], scaling: dict[str, Any] | None, preview_id: str) -> None:
        """Make ``deploy`` (its autoscaling already removed, given as ``scaling``) small for a preview."""


def variant_settings(section: Any) -> dict[str, Any]:
    """The production variant members every instance-backed variant may set (volume and timeouts)."""
    out: dict[str, Any] = {}
    for key, value in (
        ("VolumeSizeInGB", section.volume_size),
        ("ModelDataDownloadTimeoutInSeconds", section.model_data_download_timeout),
        ("ContainerStartupHealthCheckTimeoutInSeconds", section.container_startup_health_check_timeout),
    ):
        if value is not None:
            out[key] = value
    return out


def _discover() -> tuple[Placement, ...]:
    found = []
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not module.name.startswith("_"):
            found.append(importlib.import_module(f"{__name__}.{module.name}").PLACEMENT)
    return tuple(sorted(found, key=lambda p: p.order))


def capacity_of(dep: Any) -> Placement:
    """The capacity placement of ``dep``: the first that applies."""
    return next(p for p in PLACEMENTS if p.capacity and p.applies(dep))


def traits_of(dep: Any) -> list[Placement]:
    return [p for p in PLACEMENTS if not p.capacity and p.applies(dep)]


def placements_of(dep: Any) -> list[Placement]:
    """The capacity placement of ``dep``, then its traits."""
    return [capacity_of(dep), *traits_of(dep)]


def sized_sections(dep: Any) -> list[tuple[Path, Any]]:
    """(path, section) of every section of ``dep`` that carries instances (each variant and the
    shadow variant, or the deploy section itself; none when serverless)."""
    return [entry for p in placements_of(dep) for entry in p.sized(dep)]


def model_variants(dep: Any) -> list[Any]:
    """The variants of ``dep`` that get a model of their own (A/B variants and the shadow), or none
    (the endpoint's only model)."""
    return [v for p in placements_of(dep) for v in p.model_variants(dep)]


PLACEMENTS: tuple[Placement, ...] = _discover()
#: Every placement's own deploy fields.
PLACEMENT_FIELDS: frozenset[str] = frozenset(f for p in PLACEMENTS for f in p.fields)
