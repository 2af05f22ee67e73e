"""The step fragments (sagestack.pipeline.steps): one module per fragment, every state of a
definition added by exactly one fragment, and every link between fragments resolved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sagestack.pipeline import steps
from sagestack.pipeline.steps.base import FAILURE, NEXT, STATIC_PLACEHOLDERS, Builder, StepContext, run_prefix

from .golden import CTX, cases, example_resources, pure_definition

CASES = cases()


def test_one_module_per_fragment() -> None:
    modules = {p.stem for p in Path(steps.__file__).parent.glob("*.py")} - {"__init__", "base"}
    assert sorted(type(f).__module__.rsplit(".", 1)[1] for f in steps.FRAGMENTS) == sorted(modules)
    assert len({f.name for f in steps.FRAGMENTS}) == len(steps.FRAGMENTS)


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_state_comes_from_one_fragment_and_every_link_is_resolved(case: str) -> None:
    d, topic = CASES[case]
    definition = pure_definition(d, topic != "none")
    assert NEXT not in json.dumps(definition) and FAILURE not in json.dumps(definition)
    resources = example_resources(d, topic != "none")
    static = {k: v for k, v in resources.static.items() if k in STATIC_PLACEHOLDERS}
    added: list[str] = []
    for fragment in steps.fragments(d, resources):  # each on its own builder
        b = Builder()
        fragment.states(b, StepContext(d=d, ctx=CTX, resources=resources, prefix=run_prefix(d), static=static, runtime=dict(steps.RUNTIME)))
        added += [name for name in b.states if not name.endswith(" failed")]  # recorders are shared
    assert sorted(added) == sorted(name for name in definition["States"] if not name.endswith(" failed"))
