"""The kind registry: every kind (one module of sagestack.descriptor.kinds) is complete — SDK
fixtures for training and for serving, its reference rows, its schema entries and an example
descriptor — and a type the registry does not know is one problem listing the kinds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from sagestack.descriptor.kinds import ESTIMATOR_TYPES, KINDS, MODEL_TYPES, Kind
from sagestack.descriptor.reference import markdown_reference
from sagestack.descriptor.schema import descriptor_schema

from ..fidelity.configs import CONFIGS
from .helpers import issues_of, tf_base

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fidelity" / "fixtures"
IDS = [k.estimator_type or k.model_type or "?" for k in KINDS]


def _example_types() -> set[str]:
    found: set[str] = set()
    for path in (REPO / "infra" / "models").glob("*.yaml"):
        data = yaml.safe_load(path.read_text())
        for section in ("estimator", "model"):
            if isinstance(data.get(section), dict):
                found.add(data[section]["type"])
    for path in (REPO / "infra" / "models").glob("*.py"):
        for type_name in ESTIMATOR_TYPES | MODEL_TYPES:
            if f'"type": "{type_name}"' in path.read_text():
                found.add(type_name)
    return found


def _fixtures(section: str, type_name: str) -> list[dict[str, object]]:
    names = [name for name, config in CONFIGS.items() if isinstance(config.get(section), dict) and config[section]["type"] == type_name]
    return [json.loads((FIXTURES / f"{name}.json").read_text())["requests"] for name in names]


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_every_kind_is_complete(kind: Kind) -> None:
    reference = markdown_reference()
    defs = descriptor_schema().get("$defs", {})
    examples = _example_types()
    assert kind.estimator is not None or kind.model is not None
    if kind.estimator is not None:
        recorded = _fixtures("estimator", kind.estimator_type or "")
        assert any("CreateTrainingJob" in r for r in recorded), f"no SDK training fixture for {kind.estimator_type}"
        assert any("CreateModel" in r for r in recorded), f"no SDK serving fixture (deploy or transform) for {kind.estimator_type}"
        assert f"## estimator: type {kind.estimator_type}\n" in reference
        assert kind.estimator.__name__ in defs
        assert kind.estimator_type in examples, f"no example descriptor in infra/models with type {kind.estimator_type}"
    if kind.model is not None:
        assert any("CreateModel" in r for r in _fixtures("model", kind.model_type or "")), f"no SDK fixture for {kind.model_type}"
        assert f"## model: type {kind.model_type}\n" in reference
        assert kind.model.__name__ in defs
        assert kind.model_type in examples, f"no example descriptor in infra/models with type {kind.model_type}"
    assert kind.image_family and kind.serving


def test_the_registry_is_every_module_of_the_package() -> None:
    package = REPO / "constructs" / "sagestack" / "descriptor" / "kinds"
    modules = sorted(p.stem for p in package.glob("*.py") if not p.stem.startswith("_"))
    owners = [k.estimator if k.estimator is not None else k.model for k in KINDS]
    assert sorted(str(cls.__module__).rsplit(".", 1)[1] for cls in owners) == modules
    orders = [k.order for k in KINDS]
    assert orders == sorted(set(orders)), "each kind has its own order"


@pytest.mark.parametrize(("section", "given", "suggestion"), [("estimator", "Tensorflow", "TensorFlow"), ("estimator", "KMean", "KMeans"), ("model", "MXNetModle", "MXNetModel")])
def test_an_unknown_type_lists_the_registry(tmp_path: Path, section: str, given: str, suggestion: str) -> None:
    doc = tf_base()
    doc[section] = {**doc.get(section, {}), "type": given}
    if section == "model":
        doc.pop("estimator")
        doc.pop("fit")
    [issue] = [i for i in issues_of(doc, tmp_path) if i.path == f"{section}.type"]
    names = ESTIMATOR_TYPES if section == "estimator" else MODEL_TYPES
    assert issue.allowed == ", ".join(names) and f"did you mean '{suggestion}'" in issue.message


def test_nothing_outside_a_kind_module_names_the_kind() -> None:
    """Code outside descriptor/kinds/ reads what differs by kind from the kind's classes: no
    type: literal or kind class name appears in it (prose in docstrings may still say TensorFlow)."""
    import re

    package = REPO / "constructs" / "sagestack"
    # "Model" and "Estimator" are also ordinary words (state and construct names): their classes are checked
    words = ({k.estimator_type for k in KINDS} | {k.model_type for k in KINDS}) - {None, "Model", "Estimator"}
    classes = {cls.__name__ for k in KINDS for cls in (k.estimator, k.model) if cls is not None}
    literal = re.compile("[\"'](" + "|".join(sorted(w for w in words if w)) + ")[\"']")
    named = re.compile(r"\b(" + "|".join(sorted(classes)) + r")\b")
    found = []
    for path in package.rglob("*.py"):
        if "kinds" in path.relative_to(package).parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if literal.search(line) or named.search(line):
                found.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)
