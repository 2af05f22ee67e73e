"""Non-finite numbers (.inf, -.inf, .nan) are rejected wherever a descriptor has a number: every
float field of every section, found by walking the models, and free-form maps (hyperparameters)."""

from __future__ import annotations

import math
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from sagestack.descriptor import ModelDescriptor, load_descriptor
from sagestack.descriptor.base import SdkModel
from sagestack.descriptor.issues import NON_FINITE_MESSAGE, from_pydantic
from sagestack.environments import Environments

from ..conftest import CATALOG
from .helpers import find, issues_of, tf_base

NON_FINITE = [math.inf, -math.inf, math.nan]


def _types_in(annotation: Any) -> Iterator[Any]:
    yield annotation
    for arg in typing.get_args(annotation):
        yield from _types_in(arg)


def _sections(root: type[BaseModel], seen: set[type[BaseModel]] | None = None) -> set[type[BaseModel]]:
    """Every section class reachable from ``root`` through its fields' types (unions included)."""
    seen = set() if seen is None else seen
    if root in seen:
        return seen
    seen.add(root)
    for info in root.model_fields.values():
        for t in _types_in(info.annotation):
            if isinstance(t, type) and issubclass(t, SdkModel):  # (a Tag's Key and Value are strings)
                _sections(t, seen)
    return seen


def _number_fields() -> list[tuple[type[BaseModel], str, Any, tuple[str | int, ...]]]:
    """(section, field, value holder, location suffix) for every field of plain data where YAML
    could put a number (float and int fields, maps and lists of them, strings, Any), not the
    fields that hold sections (their own fields are walked)."""
    out = []
    for cls in sorted(_sections(ModelDescriptor) | _sections(Environments), key=lambda c: c.__qualname__):
        for name, info in cls.model_fields.items():
            kinds = list(_types_in(info.annotation))
            if any(isinstance(t, type) and issubclass(t, BaseModel) for t in kinds):
                continue
            origins = {typing.get_origin(t) for t in kinds}
            if dict in origins:
                out.append((cls, name, lambda v: {"k": v}, ("k",)))
            elif list in origins or tuple in origins:
                out.append((cls, name, lambda v: [v], (0,)))
            else:
                out.append((cls, name, lambda v: v, ()))
    return out


FLOAT_FIELDS = _number_fields()


def test_the_walk_finds_the_float_fields() -> None:
    found = {f"{cls.__name__}.{name}" for cls, name, _, _ in FLOAT_FIELDS}
    for expected in ("Autoscaling.target_invocations_per_instance", "CustomMetric.target_value", "ProductionVariant.initial_weight", "GenericEstimator.hyperparameters",
                     "TensorFlowEstimator.hyperparameters", "KMeansEstimator.tol", "Autoscaling.scale_in_cooldown"):
        assert expected in found, sorted(found)


@pytest.mark.parametrize("value", NON_FINITE, ids=["inf", "-inf", "nan"])
@pytest.mark.parametrize("cls,name,hold,suffix", FLOAT_FIELDS, ids=[f"{c.__name__}.{n}" for c, n, _, _ in FLOAT_FIELDS])
def test_every_number_field_rejects_non_finite(cls: type[SdkModel], name: str, hold: Any, suffix: tuple, value: float) -> None:
    with pytest.raises(ValidationError) as info:
        cls.model_validate({name: hold(value)})
    at_field = [e for e in info.value.errors() if e["loc"] == (name,)]
    assert len(at_field) == 1, at_field  # one mistake, one error: not one per union branch
    loc, problem, allowed, got = from_pydantic(at_field[0])
    assert at_field[0]["type"] == "non_finite" and problem == NON_FINITE_MESSAGE and allowed == "a finite number"
    assert loc == (name, *suffix) and got == repr(value)


@pytest.mark.parametrize("text", ["inf", "-Infinity", "nan"])
def test_non_finite_strings_given_to_float_fields_are_rejected(text: str) -> None:
    raw = {"name": "x", "model": {"type": "TensorFlowModel", "model_data": "s3://b/m.tar.gz", "framework_version": "2.11"}, "deploy": {"initial_instance_count": 1, "instance_type": "ml.m5.large", "autoscaling": {"min_capacity": 1, "max_capacity": 2, "target_invocations_per_instance": text}}}
    [issue] = find(issues_of(raw), "deploy.autoscaling.target_invocations_per_instance")
    assert issue.message == NON_FINITE_MESSAGE and issue.allowed == "a finite number"


def test_nested_free_form_values_are_searched() -> None:
    raw = tf_base()
    raw["estimator"]["hyperparameters"] = {"layers": [64, {"dropout": math.nan}], "epochs": 3}
    [issue] = [i for i in issues_of(raw) if i.message == NON_FINITE_MESSAGE]
    assert issue.path == "estimator.hyperparameters.layers[1].dropout" and issue.got == "nan"


def test_yaml_non_finite_numbers_are_reported_at_their_line(tmp_path: Path) -> None:
    """The spellings YAML reads as non-finite floats, each at its own line, and nothing else wrong."""
    source = (CATALOG / "mnist-ab.yaml").read_text()
    text = source.replace("initial_weight: 9 ", "initial_weight: .NaN").replace("target_invocations_per_instance: 500", "target_invocations_per_instance: .inf")
    text = text.replace("max_capacity: 3", "max_capacity: 3\n    scale_in_cooldown: -.Inf")  # a whole-number field
    text = text.replace("initial_weight: 1\n", "initial_weight: 1.0e+400\n")  # overflows to inf
    path = tmp_path / "mnist-ab.yaml"
    path.write_text(text)
    issues = load_descriptor(path).issues
    lines = text.splitlines()
    by_path = {i.path: i for i in issues}
    assert set(by_path) == {
        "deploy.variants[0].initial_weight", "deploy.variants[1].initial_weight", "deploy.autoscaling.target_invocations_per_instance", "deploy.autoscaling.scale_in_cooldown",
    }, [i.format() for i in issues]
    for issue in issues:
        assert issue.severity == "error"
        assert issue.path.rsplit(".", 1)[-1] + ":" in lines[issue.line - 1], issue.format()
    assert all(i.message == NON_FINITE_MESSAGE and i.allowed == "a finite number" for i in issues)
    assert [by_path[p].got for p in sorted(by_path)] == ["-inf", "inf", "nan", "inf"]


def test_finite_numbers_still_validate() -> None:
    raw = tf_base()
    raw["estimator"]["hyperparameters"] = {"lr": 1e-300, "big": 1.7e308, "layers": [0.5, -2.0]}
    assert not [i for i in issues_of(raw) if i.message == NON_FINITE_MESSAGE]
