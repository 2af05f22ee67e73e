"""The kinds of estimator and model: one module per SDK class family, the registry of them.

Each module in this package declares one kind: its estimator class (the SDK estimator's
constructor arguments as fields), its model class (the SDK model for existing model data), and a
:class:`Kind` naming the SDK classes, the image family in the SDK's image data and how the kind
is served. Descriptor parsing, the JSON Schema and the reference read the registry built here
(every module of the package, in ``Kind.order``); adding a kind is adding a module.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Any, get_args

from ..base import typed_union
from ..estimator import EstimatorBase
from ..model import ModelBase

__all__ = ["Kind", "KINDS", "ESTIMATOR_TYPES", "MODEL_TYPES", "EstimatorSpec", "ModelSpec", "type_name"]


@dataclass(frozen=True)
class Kind:
    """One SDK class family.

    :param order: place in lists (messages, schema, reference), lowest first.
    :param estimator: the estimator class (``type:`` of ``estimator:``), or None.
    :param estimator_sdk: the SDK class it mirrors, as the reference shows it.
    :param model: the model class (``type:`` of ``model:``), or None when the kind serves only
        what it trained (built-in algorithms).
    :param model_sdk: the SDK model class, as the reference shows it.
    :param image_family: the framework key of the SDK's image data, or ``your image``.
    :param serving: how a model of this kind is served, in one line (the docs' kinds table).
    :param note: what the reference adds after the SDK class names, if anything.
    """

    order: int
    estimator: type[EstimatorBase] | None
    estimator_sdk: str | None
    model: type[ModelBase] | None
    model_sdk: str | None
    image_family: str
    serving: str
    note: str | None = None

    @property
    def estimator_type(self) -> str | None:
        return type_name(self.estimator) if self.estimator is not None else None

    @property
    def model_type(self) -> str | None:
        return type_name(self.model) if self.model is not None else None


def type_name(cls: type[Any]) -> str:
    """The ``type:`` value of a section class (the argument of its ``Literal`` type field)."""
    (name,) = get_args(cls.model_fields["type"].annotation)
    return str(name)


def _discover() -> tuple[Kind, ...]:
    found = []
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not module.name.startswith("_"):
            found.append(importlib.import_module(f"{__name__}.{module.name}").KIND)
    return tuple(sorted(found, key=lambda kind: kind.order))


KINDS: tuple[Kind, ...] = _discover()
ESTIMATOR_TYPES: dict[str, type[EstimatorBase]] = {type_name(k.estimator): k.estimator for k in KINDS if k.estimator is not None}
MODEL_TYPES: dict[str, type[ModelBase]] = {type_name(k.model): k.model for k in KINDS if k.model is not None}
for _cls in MODEL_TYPES.values():  # classes that hold another model class (MultiDataModel)
    if hasattr(_cls, "complete"):
        _cls.complete(MODEL_TYPES)

EstimatorSpec = typed_union(ESTIMATOR_TYPES, "estimator")
"""One of the estimator classes, chosen by ``type:``."""
ModelSpec = typed_union(MODEL_TYPES, "model")
"""One of the model classes, chosen by ``type:``."""
