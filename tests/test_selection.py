"""``-c models=``: the selected models are synthesized while the whole catalog is validated beside
them, and the assembly is published only once all of it is valid: the same assembly as
validating first, and the same refusals."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from infra import selection

from .conftest import CATALOG, REPO_ROOT
from .test_synth_outdir import _assert_untouched, _previous, _snapshot

# app.py, saying on stderr whether the selection was built beside the validation ({before}: a patch)
RUN = """
import sys
import infra.selection as selection
started = selection.BackgroundValidation.__init__
def reported(self, *args, **kwargs):
    print("BESIDE", file=sys.stderr)
    started(self, *args, **kwargs)
selection.BackgroundValidation.__init__ = reported
{before}
from infra.app import main
main()
"""


def _synth(outdir: Path, context: dict[str, str], before: str = "") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, CDK_OUTDIR=str(outdir), CDK_CONTEXT_JSON=json.dumps(context))
    return subprocess.run([sys.executable, "-c", RUN.format(before=before)], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600)


def test_the_assembly_is_the_one_validating_first_gives(tmp_path: Path) -> None:
    beside, first = tmp_path / "beside", tmp_path / "first"
    proc = _synth(beside, {"models": "kmeans,mnist-tf"})
    assert proc.returncode == 0 and "BESIDE" in proc.stderr, proc.stderr[-3000:]
    proc = _synth(first, {"models": "kmeans,mnist-tf"}, "selection.early_descriptors = lambda *a: None")
    assert proc.returncode == 0 and "BESIDE" not in proc.stderr, proc.stderr[-3000:]
    assert _snapshot(beside) == _snapshot(first)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["beside", "first"], "no staging directory left"


def _catalog(tmp_path: Path, *extra: tuple[str, str]) -> Path:
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    shutil.copy(CATALOG / "kmeans.yaml", catalog / "kmeans.yaml")
    for name, text in extra:
        (catalog / name).write_text(text)
    return catalog


BROKEN = (REPO_ROOT / "tests" / "descriptor" / "bad" / "rules.yaml").read_text()


@pytest.mark.parametrize(
    "extra,expected",
    [
        (("broken.yaml", BROKEN), "broken.yaml:12: estimator.max_wait:"),
        (("again.yaml", (CATALOG / "kmeans.yaml").read_text()), "kmeans.yaml:20: name: model name already used by"),  # the file the selection was built from
    ],
    ids=["another file has errors", "another file takes the selected model's name"],
)
def test_nothing_is_written_unless_the_whole_catalog_is_valid(tmp_path: Path, extra: tuple[str, str], expected: str) -> None:
    catalog = _catalog(tmp_path, extra)
    outdir = tmp_path / "out" / "cdk.out"
    before = _previous(outdir)
    proc = _synth(outdir, {"sagestack:catalog": str(catalog), "models": "kmeans"})
    assert "BESIDE" in proc.stderr  # built while the catalog was validated
    assert proc.returncode == 1, proc.stderr[-3000:]
    assert expected in proc.stderr and "error(s) in the catalog; nothing synthesized" in proc.stderr and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    _assert_untouched(outdir, before)


def test_the_catalogs_warnings_are_printed_once(tmp_path: Path) -> None:
    proc = _synth(tmp_path / "cdk.out", {"models": "kmeans"})
    assert proc.returncode == 0 and "BESIDE" in proc.stderr, proc.stderr[-3000:]
    warnings = [line for line in proc.stderr.splitlines() if ": warning: " in line]
    assert warnings and len(warnings) == len(set(warnings))  # the Elastic Inference example's, once


def test_which_selections_start_early(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    monkeypatch.setattr(threading, "active_count", lambda: 1)
    assert [d.name for d in selection.early_descriptors(CATALOG, ["kmeans", "mnist-tf"]) or []] == ["kmeans", "mnist-tf"]
    assert selection.early_descriptors(CATALOG, ["no-such-model"]) is None
    assert selection.early_descriptors(CATALOG, ["sklearn-store-forecast"]) is None  # adds its model to another descriptor's endpoint
    catalog = _catalog(tmp_path, ("broken.yaml", BROKEN))
    (catalog / "kmeans.yaml").rename(catalog / "clusters.yaml")  # found by its name, not its file's
    assert [d.name for d in selection.early_descriptors(catalog, ["kmeans"]) or []] == ["kmeans"]
    assert selection.early_descriptors(catalog, ["rule-breaker"]) is None  # its own file has problems
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    assert selection.early_descriptors(CATALOG, ["kmeans"]) is None  # a forked process would inherit a thread
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setattr(sys, "platform", "darwin")
    assert selection.early_descriptors(CATALOG, ["kmeans"]) is None


def test_the_catalogs_errors_come_before_the_environments(tmp_path: Path) -> None:
    """As when the catalog is validated first: its errors are reported, not a bad -c env."""
    catalog = _catalog(tmp_path, ("broken.yaml", BROKEN))
    proc = _synth(tmp_path / "cdk.out", {"sagestack:catalog": str(catalog), "models": "kmeans", "env": "nowhere"})
    assert proc.returncode == 1 and "BESIDE" in proc.stderr, proc.stderr[-3000:]
    assert "broken.yaml:12: estimator.max_wait:" in proc.stderr and "error(s) in the catalog; nothing synthesized" in proc.stderr
    assert "-c env names no environment" not in proc.stderr and "Traceback" not in proc.stderr
