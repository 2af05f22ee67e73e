"""A Mermaid flowchart of a pipeline definition (the README's diagram is generated from it).

Every state is a node, except the ``<step> failed`` recorders: each Catch and each failing Choice
branch is drawn as a dotted edge to one "record failure" node, which leads to the notifier (when
there is one) and ``Run failed``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["mermaid"]

_SHAPES = {"Task": ('["', '"]'), "Choice": ('{"', '"}'), "Wait": ('(["', '"])'), "Pass": ('["', '"]'), "Fail": ('[["', '"]]'), "Succeed": ('[["', '"]]')}
RECORD = "failure"


def _condition(rule: dict[str, Any]) -> str:
    if "And" in rule:
        return " and ".join(_condition(r) for r in rule["And"])
    if "Not" in rule:
        return f"not {_condition(rule['Not'])}"
    variable = rule.get("Variable", "").removeprefix("$.")
    for key, value in rule.items():
        if key in ("Variable", "Next"):
            continue
        if key == "IsPresent":
            return f"{variable} present" if value else f"{variable} absent"
        op = {"StringEquals": "=", "StringEqualsPath": "=", "StringMatches": "~", "NumericGreaterThan": ">", "NumericGreaterThanEquals": "≥"}.get(key, key)
        shown = "''" if value == "" else str(value).removeprefix("$.").replace('"', "'")
        return f"{variable} {op} {shown}"
    return "?"


def _is_recorder(name: str, state: dict[str, Any]) -> bool:
    return state["Type"] == "Pass" and name.endswith(" failed") and "ResultPath" in state and state["ResultPath"] == "$.failure"


def mermaid(definition: dict[str, Any]) -> str:
    states: dict[str, dict[str, Any]] = definition["States"]
    ids = {name: f"s{index}" for index, name in enumerate(states)}
    lines = ["flowchart TD"]
    for name, state in states.items():
        if _is_recorder(name, state):
            continue
        left, right = _SHAPES.get(state["Type"], ('["', '"]'))
        lines.append(f"  {ids[name]}{left}{name}{right}")
    lines.append(f'  {RECORD}["record failure: step, error, cause"]')

    def target(name: str) -> str:
        return RECORD if _is_recorder(name, states[name]) else ids[name]

    edges: list[str] = []
    after_record = None
    for name, state in states.items():
        if _is_recorder(name, state):
            after_record = state["Next"]
            continue
        here = ids[name]
        def edge(next_state: str, label: str, here: str = here) -> str:
            if _is_recorder(next_state, states[next_state]):  # labelled with the error the run fails with
                return f'  {here} -.->|"{states[next_state]["Parameters"]["error"]}"| {RECORD}'
            return f'  {here} -->|"{label}"| {target(next_state)}' if label else f"  {here} --> {target(next_state)}"

        for rule in state.get("Choices", []):
            edges.append(edge(rule["Next"], _condition(rule)))
        if "Default" in state:
            edges.append(edge(state["Default"], "otherwise"))
        if "Next" in state:
            edges.append(edge(state["Next"], ""))
        for catch in state.get("Catch", []):
            edges.append(edge(catch["Next"], "error" if catch["ErrorEquals"] == ["States.ALL"] else " / ".join(e.split(".")[-1] for e in catch["ErrorEquals"])))
    if after_record is not None:
        edges.append(f"  {RECORD} --> {ids[after_record]}")
    return "\n".join(lines + list(dict.fromkeys(edges))) + "\n"
