"""The pipelines stay what they were: every example's definition (pure and synthesized) is
byte-identical to its golden file, and its state machine role holds the same statements
(tests/pipeline/golden.py writes them)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from .golden import GOLDEN, cases, dump, text

CASES = cases()


@pytest.fixture(scope="module")
def current() -> dict[str, dict[str, Any]]:
    return dump(CASES)


def test_every_case_has_a_golden_file() -> None:
    assert sorted(p.stem for p in GOLDEN.glob("*.json")) == sorted(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_definitions_are_byte_identical(case: str, current: dict[str, dict[str, Any]]) -> None:
    golden = json.loads((GOLDEN / f"{case}.json").read_text())
    now = current[case]
    assert json.dumps(now["pure_definition"]) == json.dumps(golden["pure_definition"])
    assert json.dumps(now["definition"]) == json.dumps(golden["definition"])
    assert now["substitutions"] == golden["substitutions"]


@pytest.mark.parametrize("case", sorted(CASES))
def test_role_statements_are_equal(case: str, current: dict[str, dict[str, Any]]) -> None:
    """The same statements; their order follows the fragments' order (a set, compared sorted)."""
    golden = json.loads((GOLDEN / f"{case}.json").read_text())
    key = lambda s: json.dumps(s, sort_keys=True)  # noqa: E731
    assert sorted(map(key, current[case]["statements"])) == sorted(map(key, golden["statements"]))


def test_golden_text_is_stable() -> None:
    """The files are exactly what golden.py writes (so a regeneration shows as a diff)."""
    case = "mnist-tf"
    assert (GOLDEN / f"{case}.json").read_text() == text(json.loads((GOLDEN / f"{case}.json").read_text()))
