"""The benchmark compares like with like: for a generated catalog holding every example, the
hand-written baseline (bench/handwritten_app.py) synthesizes the same CloudFormation resources,
type by type, as sagestack. (The timings themselves are bench/run.py's job, never a test's.)"""

from __future__ import annotations

import collections
import importlib.util
import json
from pathlib import Path

import pytest

from .conftest import REPO_ROOT

_spec = importlib.util.spec_from_file_location("bench_run", REPO_ROOT / "bench" / "run.py")
bench = importlib.util.module_from_spec(_spec)
assert _spec.loader is not None
_spec.loader.exec_module(bench)


def _types(out: Path) -> collections.Counter[str]:
    counts: collections.Counter[str] = collections.Counter()
    for template in out.glob("*.template.json"):
        counts.update(r["Type"] for r in json.loads(template.read_text())["Resources"].values())
    return counts


@pytest.mark.synth
def test_baseline_synthesizes_the_same_resources(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    manifest = bench.generate_catalog(len(bench.examples()), catalog)
    assert sorted(m["example"] for m in manifest) == sorted(p.stem for p in bench.examples())
    bench.write_definitions(catalog)
    bench.synth_sagestack(catalog, tmp_path / "s", nag=False)
    bench.synth_handwritten(catalog, tmp_path / "h")
    ours, theirs = _types(tmp_path / "s"), _types(tmp_path / "h")
    assert sum(ours.values()) > 100
    assert ours == theirs


def test_fit_line_recovers_fixed_and_per_model_cost() -> None:
    fixed, per_model = bench.fit_line([(1, 5.2), (10, 6.1), (100, 15.1)])
    assert fixed == pytest.approx(5.1, abs=0.01) and per_model == pytest.approx(0.1, abs=0.001)


@pytest.mark.synth
def test_no_stack_exceeds_cloudformation_limits_at_300_models(tmp_path: Path) -> None:
    """One stack per model keeps every template far under 500 resources and 1 MB, whatever the
    catalog size: a generated catalog of 300 models (every example, repeated) synthesizes so."""
    from sagestack.assembly import summarize

    catalog = tmp_path / "catalog"
    bench.generate_catalog(300, catalog)
    bench.synth_sagestack(catalog, tmp_path / "out", nag=False)
    info = summarize(tmp_path / "out")
    assert len(info.stacks) == 301 and info.models == 300  # one per model, plus the shared stack
    assert max(s.resources for s in info.stacks) <= 500
    assert max(s.template_bytes for s in info.stacks) <= 1024 * 1024


def test_worst_residual_is_the_point_furthest_from_the_line() -> None:
    points = [(1, 5.0), (10, 6.0), (100, 15.0), (200, 26.0)]
    at, residual = bench.worst_residual(points)
    fixed, slope = bench.fit_line(points)
    assert residual == pytest.approx(max((y - fixed - slope * x for x, y in points), key=abs))
    assert at == max(points, key=lambda p: abs(p[1] - fixed - slope * p[0]))[0]


def test_tables_report_every_size_and_say_where_the_baseline_did_not_run(tmp_path: Path) -> None:
    """The tables the bench writes, from made-up figures: sizes both apps ran show the ratios;
    above the baseline's largest size sagestack is reported alone, and the page says so."""

    def row(n: int, both: bool) -> dict[str, object]:
        out: dict[str, object] = {"n": n, "sagestack_seconds": 2 + n * 0.03, "sagestack_mib": 400, "sagestack_validation_seconds": 9 + n * 0.03, "sagestack_validation_mib": 500,
                                  "sagestack_nag_seconds": 3 + n * 0.05, "sagestack_nag_mib": 450, "sagestack_resources": 11 * n, "max_resources_per_stack": 19, "max_template_bytes": 52000}
        if both:
            out.update(handwritten_seconds=9 + n * 0.05, handwritten_mib=420, handwritten_no_validation_seconds=2 + n * 0.05, handwritten_no_validation_mib=410, handwritten_resources=11 * n)
            out.update(ratio=out["sagestack_seconds"] / out["handwritten_seconds"], same_settings_ratio=1.0, no_validation_ratio=0.9, nag_ratio=0.5)  # type: ignore[operator]
        return out

    rows = [row(1, True), row(100, True), row(200, True), row(1000, False)]
    synth: dict[str, object] = {"rows": rows, "sagestack_same_sizes_per_model_seconds": 0.03}
    for key in ("sagestack", "handwritten"):
        points = [(r["n"], r[f"{key}_seconds"]) for r in rows if f"{key}_seconds" in r]
        fixed, per = bench.fit_line(points)  # type: ignore[arg-type]
        at, residual = bench.worst_residual(points)  # type: ignore[arg-type]
        synth[key] = {"fixed_seconds": fixed, "per_model_seconds": per, "worst_residual_seconds": residual, "worst_residual_n": at, "sizes": [p[0] for p in points]}
    results = {
        "date": "2026-01-01", "machine": "a machine", "repeats": 2, "handwritten_max": 500, "command": "make bench", "synth": synth, "processes": {"from_models": 24, "count": 2},
        "floor": {"validation_on_seconds": 9.0, "validation_off_seconds": 1.5}, "transitions": 19,
        "validate": {"count": 1000, "cli_seconds": 1.5, "per_descriptor_ms": 1.5, "in_process_seconds": 1.2, "imports_aws_cdk": False, "with_environments_seconds": 1.9},
        "selective": [{"catalog": 200, "one_model_seconds": 3.0, "selected_seconds": 3.3, "ratio": 1.1, "stacks": 2}, {"catalog": 1000, "one_model_seconds": 3.0, "selected_seconds": 3.9, "ratio": 1.3, "stacks": 2}],
    }
    page = bench.table(results)
    assert "| 1,000 | 32.0 s | not run |" in page and "not run above 500 models (N = 1,000)" in page
    assert "| sagestack synth ≤ 0.7× the hand-written app at N = 100 (each with its defaults) | 0.36× | **met** |" in page
    assert "| one model out of 1,000 (`-c models=`) ≤ 1.2× a 1-model catalog | 3.9 s / 3.0 s = 1.30×" in page and "**not met**" in page
    assert "Floor, an app with one empty stack: 9.0 s with CDK's built-in validation, 1.5 s without." in page
    assert "a catalog of 24 models or more in 2 processes here" in page
    readme = bench.summary_table(results)
    assert readme.count("\n| ") == 5 + len(bench.targets(results)) - 1  # header and four sizes; the targets (but their rule)
    assert "Least-squares fit of synth time against N:" in readme and "Floor, an app with one empty stack" in readme
    text = f"before\n{bench.START}\nold\n{bench.END}\nafter\n"
    assert bench.with_table(text, readme) == f"before\n{bench.START}\n{readme}{bench.END}\nafter\n"
