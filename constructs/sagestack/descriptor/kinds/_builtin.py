"""Built-in algorithm fields from the SDK's own ``hp(...)`` declarations.

``_builtin_hyperparameters.json`` is generated from the installed SDK by
``scripts/generate_builtin_hyperparameters.py`` (a test keeps it in sync): for each
``sagemaker.amazon`` class, every hyperparameter's constructor argument, the key sent, its type,
the bounds and choices of its validation functions, whether the algorithm needs it, its doc, and
the class's image repository and mini-batch constants. A kind module's class body calls
:func:`add_hyperparameters` with ``vars()`` and gets one annotated field per hyperparameter, so
no range is copied by hand.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, Field

from ..base import user_error
from ..estimator import BuiltinEstimator, hp_field
from ..rules import Context, Finding, rule

__all__ = ["GeneratedBuiltinEstimator", "add_hyperparameters", "algorithm_data"]

DATA_FILE = Path(__file__).with_name("_builtin_hyperparameters.json")
_BOUNDS = ("gt", "ge", "lt", "le")
_SCALARS: dict[str, Any] = {"int": int, "float": float, "bool": bool}


@cache
def _classes() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA_FILE.read_text())["classes"]
    return data


def algorithm_data(type_name: str) -> dict[str, Any]:
    """The generated entry of one SDK class (``type:`` value)."""
    entry: dict[str, Any] = _classes()[type_name]
    return entry


def _subset_of(allowed: list[str]) -> Callable[[str], str]:
    """Object2Vec's _list_check_subset: a comma-separated list of some of ``allowed``."""

    def check(value: str) -> str:
        given = [item.strip() for item in value.split(",")]
        unknown = [item for item in given if item not in allowed]
        if unknown:
            raise user_error("not_in_subset", f"not one of the allowed items: {', '.join(unknown)}", allowed=f"a comma-separated list of {', '.join(allowed)}", got=value)
        return value

    return check


def _annotation(entry: dict[str, Any]) -> Any:
    annotation: Any
    if "choices" in entry:
        annotation = Literal[tuple(entry["choices"])]
    elif "subset_of" in entry:
        annotation = Annotated[str, AfterValidator(_subset_of(entry["subset_of"]))]
    elif entry["type"] == "list":
        annotation = tuple[str | int | float, ...]  # sent JSON-encoded
    elif entry["type"] == "str":
        annotation = str | int  # the SDK sends str() of it
    else:
        annotation = _SCALARS[entry["type"]]
    bounds = {name: entry[name] for name in _BOUNDS if name in entry}
    return Annotated[annotation, Field(**bounds)] if bounds else annotation


def add_hyperparameters(namespace: dict[str, Any], type_name: str) -> None:
    """Adds the SDK class's hyperparameters to a class body (``add_hyperparameters(vars(), "NTM")``)
    as fields in constructor order — required ones without a default — and its image
    repository and default mini-batch size as the class's constants."""
    data = algorithm_data(type_name)
    annotations = namespace.setdefault("__annotations__", {})
    for entry in data["hyperparameters"]:
        name, required = entry["argument"], entry["required"]
        annotation = _annotation(entry)
        annotations[name] = annotation if required else annotation | None
        doc = f"{entry['doc'][:-1]} (required)." if required else entry["doc"]
        namespace[name] = hp_field(entry["key"], ... if required else None, doc=doc)
    namespace["algorithm"] = data["repo_name"]
    namespace["IMAGE_VERSION"] = data["repo_version"]
    namespace.setdefault("DEFAULT_MINI_BATCH_SIZE", data["DEFAULT_MINI_BATCH_SIZE"])
    namespace["FIT_BOUNDS"] = {name: {k: v for k, v in spec.items() if k in _BOUNDS} for name, spec in data["fit_hyperparameters"].items()}


class GeneratedBuiltinEstimator(BuiltinEstimator):
    """A built-in algorithm whose fields come from the generated data (:func:`add_hyperparameters`)."""

    #: Bounds of what fit() sets (feature_dim, mini_batch_size) from the class's hp() declarations.
    FIT_BOUNDS: ClassVar[dict[str, dict[str, float]]] = {}
    #: Bounds on fit's mini_batch_size that the class's _prepare_for_training checks in code.
    MINI_BATCH_SIZE_RANGE: ClassVar[tuple[int, int] | None] = None
    #: The class's fit() raises without a mini_batch_size.
    MINI_BATCH_SIZE_REQUIRED: ClassVar[bool] = False


def _within(value: int, bounds: dict[str, float]) -> bool:
    compare = {"gt": operator.gt, "ge": operator.ge, "lt": operator.lt, "le": operator.le}
    return all(compare[name](value, bound) for name, bound in bounds.items())


def _describe(bounds: dict[str, float]) -> str:
    symbols = {"gt": ">", "ge": ">=", "lt": "<", "le": "<="}
    return " and ".join(f"{symbols[name]} {bounds[name]:g}" for name in _BOUNDS if name in bounds)


@rule("estimator", "fit")
def fit_values_the_class_accepts(d: Any, ctx: Context) -> Iterator[Finding]:
    """What fit() sets is validated like a constructor argument (the class's hp() declarations,
    its _prepare_for_training's checks): feature_dim of the train RecordSet and mini_batch_size."""
    est, fit = d.estimator, d.fit
    if not isinstance(est, GeneratedBuiltinEstimator) or fit.inputs.records is None:
        return
    for index, record in enumerate(fit.inputs.records):
        bounds = est.FIT_BOUNDS.get("feature_dim", {})
        if record.channel == "train" and not _within(record.feature_dim, bounds):
            yield Finding(("fit", "inputs", index, "feature_dim"), f"{est.type} takes feature_dim {_describe(bounds)}", _describe(bounds), record.feature_dim)
    size = fit.mini_batch_size
    if size is None:
        if est.MINI_BATCH_SIZE_REQUIRED:
            yield Finding(("fit", "mini_batch_size"), f"{est.type}.fit() needs mini_batch_size", "a positive integer", "nothing")
        return
    bounds = dict(est.FIT_BOUNDS.get("mini_batch_size", {}))
    if est.MINI_BATCH_SIZE_RANGE is not None:
        bounds.update({"ge": est.MINI_BATCH_SIZE_RANGE[0], "le": est.MINI_BATCH_SIZE_RANGE[1]})
        bounds.pop("gt", None)
    if not _within(size, bounds):
        allowed = f"{bounds['ge']:g}" if bounds.get("ge") == bounds.get("le") else _describe(bounds)
        yield Finding(("fit", "mini_batch_size"), f"{est.type} takes mini_batch_size {allowed}", allowed, size)
