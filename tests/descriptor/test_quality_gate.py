"""deploy.condition's report checks (report: {step, output, path, json_path}): each field and
each reference checked at its line, what a json_path may be (what a Step Functions reference path
names statically), and a report of a step before training accepted as well as after it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sagestack.descriptor.condition import JSON_PATH

from .helpers import assert_rule_case, issues_of
from .test_processing import processing_base

Mutation = Callable[[dict[str, Any]], None]
REPORT = {"step": "evaluate", "output": "evaluation", "path": "evaluation.json", "json_path": "metrics.accuracy.value"}


def gated_base() -> dict[str, Any]:
    """Prepare → train → evaluate, deployed when the evaluation report's accuracy is >= 0.7."""
    d = processing_base()
    d["deploy"] = {"initial_instance_count": 1, "instance_type": "ml.m5.large", "condition": [{"report": dict(REPORT), "greater_than_or_equal_to": 0.7}]}
    return d


def _report(**changes: Any) -> Mutation:
    def mutate(d: dict[str, Any]) -> None:
        d["deploy"]["condition"][0]["report"].update(changes)

    return mutate


def _check(**changes: Any) -> Mutation:
    def mutate(d: dict[str, Any]) -> None:
        d["deploy"]["condition"][0].update(changes)

    return mutate


def _none(d: dict[str, Any]) -> None:
    return None


RULE = "quality_gate_values_are_there"
CASES: list[tuple[str, Callable[[], dict[str, Any]], Mutation, Mutation, str, str, str]] = [
    (RULE, gated_base, _report(step="evaluation"), _none, "deploy.condition[0].report.step", "no processing step has this name", "error"),
    (RULE, gated_base, _report(step="training"), _none, "deploy.condition[0].report.step", "no processing step has this name", "error"),
    (RULE, gated_base, _report(output="metrics"), _none, "deploy.condition[0].report.output", "step 'evaluate' has no output of this name", "error"),
    (RULE, gated_base, _check(metric="validation:auc"), _none, "deploy.condition[0]", "a check reads one value", "error"),
    (RULE, gated_base, lambda d: d["deploy"]["condition"][0].pop("report"), _none, "deploy.condition[0]", "a check reads one value", "error"),
    (RULE, gated_base, _check(better_than_live=True, greater_than_or_equal_to=None, equal_to=0.7), _check(better_than_live=True),
     "deploy.condition[0].better_than_live", "equal_to has no direction", "error"),
    (RULE, gated_base, lambda d: (_check(better_than_live=True)(d), d["deploy"].update(endpoint_type="inference-component-based")), lambda d: d["deploy"].update(endpoint_type="inference-component-based"),
     "deploy.condition[0].better_than_live", "inference-component-based endpoint", "error"),
]


@pytest.mark.parametrize(("rule", "base", "bad", "good", "path", "fragment", "severity"), CASES, ids=[f"{c[4]}:{c[5][:24]}" for c in CASES])
def test_rule(tmp_path, rule, base, bad, good, path, fragment, severity) -> None:
    assert_rule_case(tmp_path, rule, base, bad, good, path, fragment, severity)


def test_the_base_is_clean(tmp_path) -> None:
    assert [i.format() for i in issues_of(gated_base(), tmp_path)] == []


def test_better_than_live_with_a_model_deployed_on_approval_is_accepted(tmp_path) -> None:
    """The approval run copies the registering run's recorded values (steps/approved_package.py)."""
    d = gated_base()
    _check(better_than_live=True)(d)
    d["register"] = {"approval_status": "PendingManualApproval", "inference_instances": ["ml.m5.large"]}
    assert [i.format() for i in issues_of(d, tmp_path)] == []


def _found(d: dict[str, Any], tmp_path) -> dict[str, tuple[str, Any]]:
    return {i.path: (i.message, i.got) for i in issues_of(d, tmp_path)}


def test_every_reference_mistake_at_once(tmp_path) -> None:
    d = gated_base()
    d["deploy"]["condition"] = [
        {"report": {**REPORT, "step": "evaluation"}, "greater_than": 0.7},
        {"report": {**REPORT, "output": "metrics"}, "greater_than": 0.7},
        {"less_than": 0.2},
    ]
    found = _found(d, tmp_path)
    assert found["deploy.condition[0].report.step"][1] == "evaluation"
    assert "allowed: evaluate, prep" in next(i.format() for i in issues_of(d, tmp_path) if i.path == "deploy.condition[0].report.step")
    assert found["deploy.condition[1].report.output"][1] == "metrics"
    assert found["deploy.condition[2]"] == ("a check reads one value: a training metric or a number in a report", "neither")


def test_a_data_report_before_training_may_gate_the_deploy(tmp_path) -> None:
    """A ConditionStep may read any earlier ProcessingStep's PropertyFile: a data-quality report
    of the preparation step keeps a model trained on bad data from deploying."""
    d = gated_base()
    d["processing"][0]["run"]["outputs"].append({"source": "/opt/ml/processing/quality", "output_name": "quality"})
    d["deploy"]["condition"].append({"report": {"step": "prep", "output": "quality", "path": "quality.json", "json_path": "rows"}, "greater_than": 1000})
    assert [i.format() for i in issues_of(d, tmp_path)] == []


@pytest.mark.parametrize("json_path", ["metrics.accuracy.value", "accuracy", "scores[0]", "[2].value", "a_b.c1[10][0].d"])
def test_json_paths_a_reference_path_names(json_path: str) -> None:
    assert JSON_PATH.match(json_path)


@pytest.mark.parametrize("json_path", [
    "$.metrics.accuracy", "metrics..accuracy", "metrics.*.value", "metrics[?(@.name == 'auc')].value", "metrics['auc']", "scores[-1]", "scores[0:2]",
    "eval-accuracy", "metrics.", ".metrics", "metrics accuracy", "length(metrics)",
])
def test_other_json_paths_are_refused_at_their_line(tmp_path, json_path: str) -> None:
    d = gated_base()
    d["deploy"]["condition"][0]["report"]["json_path"] = json_path
    [issue] = [i for i in issues_of(d, tmp_path) if i.path == "deploy.condition[0].report.json_path"]
    assert issue.got == json_path and "keys joined by dots and [index]" in (issue.allowed or "")


@pytest.mark.parametrize("path", ["/evaluation.json", "../evaluation.json", "reports/../evaluation.json", "reports/", "a//b.json", "./evaluation.json"])
def test_a_report_path_stays_inside_the_output(tmp_path, path: str) -> None:
    d = gated_base()
    d["deploy"]["condition"][0]["report"]["path"] = path
    [issue] = [i for i in issues_of(d, tmp_path) if i.path == "deploy.condition[0].report.path"]
    assert issue.got == path


def test_a_report_check_needs_every_field(tmp_path) -> None:
    d = gated_base()
    del d["deploy"]["condition"][0]["report"]["json_path"]
    assert "deploy.condition[0].report.json_path" in _found(d, tmp_path)
