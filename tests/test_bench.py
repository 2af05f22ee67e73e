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
