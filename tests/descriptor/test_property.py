"""Property-based: mutated descriptors never raise, every line has the documented format, and a
descriptor with a known mistake exits 1."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sagestack.cli import app
from sagestack.descriptor import LINE_FORMAT

from .helpers import kmeans_base, model_base, tf_base

FREE_FORM = {"hyperparameters", "env", "environment", "dimensions", "hook_parameters", "parameters", "tags"}
WRONG_VALUES = [None, -5, 3.7, True, "junk", [1, 2], {"x": 1}, "", "s3://", "ml.nope.huge", 10**12, float("inf"), float("nan")]


def _bases() -> list[dict[str, Any]]:
    pca = {
        "name": "pca-test",
        "estimator": {"type": "PCA", "num_components": 3, "instance_type": "ml.c5.xlarge"},
        "fit": {"inputs": [{"s3_data": "s3://sagestack-test/p", "num_records": 100, "feature_dim": 10}]},
        "transformer": {"instance_type": "ml.m5.large", "strategy": "MultiRecord"},
        "transform": {"data": "s3://sagestack-test/in", "content_type": "text/csv", "split_type": "Line"},
    }
    return [tf_base(), kmeans_base(), model_base(), pca]


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = []
    if isinstance(node, dict):
        for key, value in node.items():
            out.append(prefix + (key,))
            if key not in FREE_FORM:
                out.extend(_paths(value, prefix + (key,)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out.append(prefix + (index,))
            out.extend(_paths(value, prefix + (index,)))
    return out


def _mappings(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if isinstance(node, dict) else []
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in FREE_FORM and key != "inputs":
                out.extend(_mappings(value, prefix + (key,)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out.extend(_mappings(value, prefix + (index,)))
    return out


def _get(node: Any, path: tuple) -> Any:
    for part in path:
        node = node[part]
    return node


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    doc = copy.deepcopy(draw(st.sampled_from(_bases())))
    # Random extra damage: delete or retype values anywhere.
    for _ in range(draw(st.integers(0, 3))):
        paths = _paths(doc)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _get(doc, path[:-1])
        if draw(st.booleans()) and isinstance(parent, dict):
            parent.pop(path[-1], None)
        else:
            parent[path[-1]] = copy.deepcopy(draw(st.sampled_from(WRONG_VALUES)))
    # One certain mistake: an unknown key in a mapping that allows no extra keys.
    targets = _mappings(doc)
    target = _get(doc, draw(st.sampled_from(targets))) if targets else doc
    if isinstance(target, dict):
        target[draw(st.sampled_from(["zz_unknown", "instance_typo", "trian_instance_type", "k_means"]))] = 1
    return doc


def _run(tmp: Path, text: str) -> Any:
    path = tmp / "mutant.yaml"
    path.write_text(text)
    return CliRunner().invoke(app, ["validate", str(path)])


def _check_lines(output: str) -> None:
    for line in output.splitlines():
        assert LINE_FORMAT.match(line), line


@settings(max_examples=1000, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(doc=mutated())
def test_mutated_descriptors_are_rejected_cleanly(tmp_path: Path, doc: dict[str, Any]) -> None:
    result = _run(tmp_path, yaml.safe_dump(doc, sort_keys=False))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 1, result.stdout
    assert result.stdout.strip(), "an invalid descriptor must produce at least one line"
    _check_lines(result.stdout)


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(base=st.sampled_from(_bases()), cut=st.integers(0, 2000), junk=st.text(alphabet=":{}[]-#&*!|>'\"\n\t @%", max_size=8))
def test_corrupted_yaml_text_never_raises(tmp_path: Path, base: dict[str, Any], cut: int, junk: str) -> None:
    text = yaml.safe_dump(base, sort_keys=False)
    cut = cut % (len(text) + 1)
    result = _run(tmp_path, text[:cut] + junk + text[cut:])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1)
    _check_lines(result.stdout)


def _bomb(levels: int, fanout: int) -> str:
    parts = ["&b0 [" + ", ".join(["lol"] * fanout) + "]"]
    parts += [f"&b{i} [" + ", ".join([f"*b{i - 1}"] * fanout) + "]" for i in range(1, levels)]
    return "[" + ", ".join(parts) + "]"


HOSTILE_YAML = st.one_of(
    st.integers(30, 800).map(lambda n: "[" * n + "]" * n),  # deep nesting
    st.integers(30, 400).map(lambda n: "{a: " * n + "1" + "}" * n),
    st.tuples(st.integers(2, 12), st.integers(2, 12)).map(lambda lf: _bomb(*lf)),  # alias bombs
    st.sampled_from(["&s [1, *s]", "&m {k: *m}", "&m {<<: *m, k: 1}", "{<<: [*nowhere]}", "{<<: {a: 1}, a: 2}", "{<<: 3}"]),  # cycles and merges
    st.sampled_from([".inf", "-.inf", ".nan", ".NaN", "-.Inf", "1e400"]),  # non-finite numbers
    st.sampled_from(["2026-12-02", "2026-12-02 10:00:00", "2026-12-02T10:00:00Z", "{day: 2026-12-02}"]),  # dates
    st.sampled_from(["{on: 1, off: 2}", "{yes: 1, no: 2}", "{y: 1, n: 2, true: 3}", "{~: 1, null: 2}", "{1: a, 1.0: b}"]),  # YAML 1.1 keys
)


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(base=st.sampled_from(_bases()), where=st.integers(0, 10**6), snippet=HOSTILE_YAML)
def test_hostile_yaml_anywhere_is_reported_not_raised(tmp_path: Path, base: dict[str, Any], where: int, snippet: str) -> None:
    """Deep nesting, alias bombs, cycles, merge keys, non-finite numbers, dates and YAML 1.1 keys at
    any value of a valid descriptor: never a traceback, every line in the documented format, and a
    file that expands past the bounds is an error that says so."""
    doc = copy.deepcopy(base)
    paths = _paths(doc)
    path = paths[where % len(paths)]
    _get(doc, path[:-1])[path[-1]] = "__HOSTILE__"
    text = yaml.safe_dump(doc, sort_keys=False, width=10**6).replace("__HOSTILE__", snippet)
    result = _run(tmp_path, text)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1), result.stdout
    _check_lines(result.stdout)
    if snippet.startswith("[[" * 20) or snippet.startswith("{a: " * 41):
        assert result.exit_code == 1 and "levels" in result.stdout
    if snippet.startswith("[&b0"):
        levels, fanout = snippet.count("&b"), snippet.split("]")[0].count("lol")
        if fanout ** levels > 20_000:
            assert result.exit_code == 1 and "aliases expand this file past" in result.stdout
