"""A catalog synthesized by several processes gives, byte for byte, the cloud assembly of one
process; what the merge cannot reproduce is synthesized again in one process; a failure in any
process fails the synth as it fails in one, with the output directory untouched."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from infra import parallel
from sagestack.descriptor import load_catalog

from .conftest import CATALOG, REPO_ROOT
from .test_synth_outdir import _assert_untouched, _previous, _snapshot

# app.py, with merges reported on stderr ({before} runs first: a patch)
RUN = """
import sys
import infra.parallel as parallel
merge = parallel.merge
def reported(into, parts, sizes, **kwargs):
    print("MERGED", list(sizes), file=sys.stderr)
    return merge(into, parts, sizes, **kwargs)
parallel.merge = reported
{before}
from infra.app import main
main()
"""


def _synth(outdir: Path, context: dict[str, str], before: str = "") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, CDK_OUTDIR=str(outdir), CDK_CONTEXT_JSON=json.dumps(context))
    return subprocess.run([sys.executable, "-c", RUN.format(before=before)], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600)


def _merged(proc: subprocess.CompletedProcess[str]) -> list[list[int]]:
    return [json.loads(line.split(" ", 1)[1]) for line in proc.stderr.splitlines() if line.startswith("MERGED ")]


@pytest.fixture(scope="module")
def one_process(tmp_path_factory: pytest.TempPathFactory) -> Path:
    outdir = tmp_path_factory.mktemp("serial") / "cdk.out"
    proc = _synth(outdir, {"sagestack:workers": "1"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert _merged(proc) == []
    return outdir


@pytest.mark.parametrize("workers", ["2", "3"])
def test_several_processes_write_the_assembly_of_one(one_process: Path, tmp_path: Path, workers: str) -> None:
    """Every file: templates, asset manifests, metadata, assets, the manifest, the construct tree
    and cdk-nag's validation report (the catalog's stacks depend on each other, and it holds
    Python descriptors)."""
    outdir = tmp_path / "cdk.out"
    proc = _synth(outdir, {"sagestack:workers": workers})
    assert proc.returncode == 0, proc.stderr[-3000:]
    [sizes] = _merged(proc)
    assert len(sizes) == int(workers) and sum(sizes) == len(load_catalog([CATALOG]).descriptors)
    assert f"sagestack: synthesizing {sum(sizes)} model stacks and the shared stack in {workers} processes" in proc.stderr
    assert _snapshot(outdir) == _snapshot(one_process)
    assert sorted(p.name for p in outdir.parent.iterdir()) == ["cdk.out"], "no staging or part directory left"


def test_a_preview_too(tmp_path: Path) -> None:
    serial, split = tmp_path / "serial", tmp_path / "split"
    for outdir, workers in ((serial, "1"), (split, "2")):
        proc = _synth(outdir, {"preview": "pr-7", "sagestack:workers": workers})
        assert proc.returncode == 0, proc.stderr[-3000:]
    assert _snapshot(split) == _snapshot(serial)


def test_what_the_merge_does_not_reproduce_is_synthesized_in_one_process(one_process: Path, tmp_path: Path) -> None:
    outdir = tmp_path / "cdk.out"
    before = "def refuse(*args, **kwargs):\n    raise parallel.NotMergeable('injected')\nmerge = refuse"
    proc = _synth(outdir, {"sagestack:workers": "2"}, before)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert len(_merged(proc)) == 1  # tried, refused, then one process
    assert _snapshot(outdir) == _snapshot(one_process)


# ModelStack.__init__ raising for one model: built in the second process of two
FAILS_IN = """
import infra.stacks as stacks
original = stacks.ModelStack.__init__
def patched(self, *args, descriptor, **kwargs):
    if descriptor.name == "mnist-tf":
{action}
    original(self, *args, descriptor=descriptor, **kwargs)
stacks.ModelStack.__init__ = patched
"""


@pytest.mark.parametrize(
    "action,expected",
    [
        ('        from sagestack.render.images import ImageError\n        raise ImageError("no TensorFlow 9.9 image in region xx-test-1 (injected)")', "sagestack: synthesis failed: no container image: no TensorFlow 9.9 image"),
        ('        raise RuntimeError("injected internal error")', "RuntimeError: injected internal error"),
    ],
    ids=["image-error", "internal-error"],
)
def test_a_failure_in_one_process_fails_the_synth_and_writes_nothing(tmp_path: Path, action: str, expected: str) -> None:
    outdir = tmp_path / "cdk.out"
    before = _previous(outdir)
    proc = _synth(outdir, {"models": "kmeans,mnist-tf", "sagestack:workers": "2"}, FAILS_IN.format(action=action))
    assert proc.returncode == 1, proc.stderr[-3000:]
    assert proc.stderr.count(expected) == 1, proc.stderr[-3000:]
    assert f"{outdir}/ is left as it was" in proc.stderr
    assert ("Traceback" in proc.stderr) == ("internal" in expected)
    assert _merged(proc) == []
    _assert_untouched(outdir, before)


UNACKNOWLEDGED = """
import infra.stacks as stacks
original = stacks.ModelStack.__init__
def patched(self, *args, descriptor, **kwargs):
    original(self, *args, descriptor=descriptor, **kwargs)
    if descriptor.name == "mnist-tf":
        from aws_cdk import aws_s3
        aws_s3.Bucket(self, "UnacknowledgedBucket")
stacks.ModelStack.__init__ = patched
"""


def test_a_cdk_nag_finding_in_one_process(tmp_path: Path) -> None:
    outdir = tmp_path / "cdk.out"
    before = _previous(outdir)
    proc = _synth(outdir, {"models": "kmeans,mnist-tf", "sagestack:workers": "2"}, UNACKNOWLEDGED)
    assert proc.returncode == 1, proc.stderr[-3000:]
    assert "AwsSolutions-S1" in proc.stderr
    [summary] = [line for line in proc.stderr.splitlines() if line.startswith("sagestack: synthesis failed")]
    assert summary.startswith("sagestack: synthesis failed: ValidationFailed") and summary.endswith(f"({outdir}/ is left as it was)")
    assert "Traceback" not in proc.stderr
    _assert_untouched(outdir, before)


def test_an_invalid_catalog_ends_the_waiting_processes(tmp_path: Path) -> None:
    proc = _synth(tmp_path / "cdk.out", {"sagestack:catalog": "tests/descriptor/bad", "sagestack:workers": "2"})
    assert proc.returncode == 1 and "nothing synthesized" in proc.stderr and "Traceback" not in proc.stderr


# The plan: pure, no CDK.


def _descriptors() -> list:
    catalog = load_catalog([CATALOG])
    assert catalog.ok()
    return catalog.descriptors


def test_models_on_one_endpoint_and_a_multi_model_pipeline_stay_together() -> None:
    descriptors = _descriptors()
    names = [d.name for d in descriptors]
    grouped = [[names[i] for i in g] for g in parallel.groups(descriptors, "dev")]
    assert sorted(n for g in grouped for n in g) == sorted(names)
    together = {frozenset(g) for g in grouped if len(g) > 1}
    assert frozenset({"ic-shared-sklearn", "ic-shared-xgboost"}) in together
    assert frozenset({"sklearn-multi-model", "sklearn-store-forecast"}) in together


def test_a_default_endpoint_name_joins_its_group_too() -> None:
    def descriptor(name: str, endpoint: str | None = None, adds_to: str | None = None) -> SimpleNamespace:
        deploy = SimpleNamespace(endpoint_name=endpoint)
        return SimpleNamespace(name=name, deploy=deploy, add_model=SimpleNamespace(multi_data_model=adds_to) if adds_to else None)

    found = parallel.groups([descriptor("a"), descriptor("b", "a-prod"), descriptor("c"), descriptor("d", adds_to="c"), descriptor("e")], "prod")
    assert found == [[0, 1], [2, 3], [4]]


def test_shares_keep_groups_whole_and_spread_neighbours() -> None:
    grouped = [[0], [1, 5], [2], [3], [4], [6], [7]]
    assert parallel.shares(grouped, 2) == [[0, 2, 3, 6], [1, 4, 5, 7]]  # four stacks each, the group [1, 5] whole
    assert parallel.shares([[0], [1]], 4) == [[0], [1]]
    assert parallel.shares([list(range(6))], 3) == [list(range(6))]


def test_worker_count(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    cores = len(os.sched_getaffinity(0))
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    assert parallel.worker_count({"sagestack:workers": "3"}, 100) == (1, None)  # a forked process would inherit a thread
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    assert parallel.worker_count({}, parallel.MIN_MODELS - 1) == (1, None)
    assert parallel.worker_count({}, 1000) == (min(cores, parallel.MAX_WORKERS), None)
    assert parallel.worker_count({"sagestack:workers": "3"}, 2) == (2, None)  # never more than the stacks
    assert parallel.worker_count({"sagestack:workers": "3", "sagestack:validation": "true"}, 100) == (1, None)  # one report for the app
    count, problem = parallel.worker_count({"sagestack:workers": "two"}, 100)
    assert problem == "sagestack: -c sagestack:workers takes a whole number of processes, 1 or more (got: two)"


def _part(root: Path, name: str, stacks: list[str], *, report: str = '{"pluginReports": []}') -> Path:
    part = root / name
    part.mkdir()
    artifacts: dict = {}
    for stack in stacks:
        artifacts[f"{stack}.assets"] = {"type": "cdk:asset-manifest"}
        artifacts[stack] = {"type": "aws:cloudformation:stack", "properties": {"templateFile": f"{stack}.template.json"}}
        (part / f"{stack}.template.json").write_text(json.dumps({"stack": stack}))
    artifacts["Tree"] = {"type": "cdk:tree"}
    (part / "manifest.json").write_text(json.dumps({"version": "1", "artifacts": artifacts}))
    (part / "tree.json").write_text(json.dumps({"version": "tree", "tree": {"id": "App", "children": {**{s: {"id": s} for s in stacks}, "Tree": {"id": "Tree"}}}}))
    (part / "validation-report.json").write_text(report)
    (part / "cdk.out").write_text('{"version":"1"}')
    (part / "asset.abc").mkdir()
    return part


def test_merge_puts_the_stacks_back_in_catalog_order(tmp_path: Path) -> None:
    into = tmp_path / "into"
    into.mkdir()
    parts = [_part(tmp_path, "p0", ["shared", "a", "c"]), _part(tmp_path, "p1", ["shared", "b"])]
    parallel.merge(into, parts, [2, 1], order=[(0, 0), (1, 0), (0, 1)])
    manifest = json.loads((into / "manifest.json").read_text())
    assert list(manifest["artifacts"]) == ["shared.assets", "shared", "a.assets", "a", "b.assets", "b", "c.assets", "c", "Tree"]
    assert list(json.loads((into / "tree.json").read_text())["tree"]["children"]) == ["shared", "a", "b", "c", "Tree"]
    assert sorted(p.name for p in into.iterdir()) == sorted(["manifest.json", "tree.json", "cdk.out", "validation-report.json", "asset.abc", *(f"{s}.template.json" for s in ("shared", "a", "b", "c"))])
    assert all(not any(p.iterdir()) for p in parts)


@pytest.mark.parametrize(
    "spoil",
    [
        lambda p: (p / "validation-report.json").write_text('{"pluginReports": [{"pluginName": "cdk-nag", "violations": [1]}]}'),
        lambda p: (p / "shared.template.json").write_text("{}"),
        lambda p: (p / "trees-1.json").write_text("{}"),
        lambda p: (p / "tree.json").unlink(),
    ],
    ids=["a report with findings", "the shared stack differs", "a split construct tree", "one part without its tree"],
)
def test_merge_refuses_what_it_cannot_reproduce_and_moves_nothing(tmp_path: Path, spoil) -> None:
    into = tmp_path / "into"
    into.mkdir()
    parts = [_part(tmp_path, "p0", ["shared", "a"]), _part(tmp_path, "p1", ["shared", "b"])]
    spoil(parts[1])
    if (parts[1] / "trees-1.json").exists():
        (parts[0] / "trees-1.json").write_text('{"other": 1}')
    before = [_snapshot(p) for p in parts]
    with pytest.raises(parallel.NotMergeable):
        parallel.merge(into, parts, [1, 1], order=[(0, 0), (1, 0)])
    assert [_snapshot(p) for p in parts] == before and not any(into.iterdir())


def test_merge_without_construct_trees(tmp_path: Path) -> None:
    into = tmp_path / "into"
    into.mkdir()
    parts = [_part(tmp_path, "p0", ["shared", "a"]), _part(tmp_path, "p1", ["shared", "b"])]
    for part in parts:
        (part / "tree.json").unlink()
    parallel.merge(into, parts, [1, 1], order=[(0, 0), (1, 0)])
    assert not (into / "tree.json").exists()
    assert [k for k in json.loads((into / "manifest.json").read_text())["artifacts"] if "." not in k] == ["shared", "a", "b", "Tree"]
