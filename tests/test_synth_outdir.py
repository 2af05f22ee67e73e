"""A synth that fails, at any stage, leaves the output directory byte for byte as it was; one that
succeeds replaces its contents whole (no stale files), and the cdk CLI's own files stay alone."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sagestack.assembly import summarize

from .conftest import REPO_ROOT

# Runs the app as app.py does, with ModelStack.__init__ wrapped: {action} runs after each model
# stack is built (its assets already staged), with the stacks built so far in `built`.
INJECT = """
import os, sys
import aws_cdk as cdk
import infra.stacks as stacks
from infra.app import main
original = stacks.ModelStack.__init__
built = []
def patched(self, *args, **kwargs):
    original(self, *args, **kwargs)
    built.append(self)
    staging = cdk.Stage.of(self).outdir
    print("STAGING", staging, sorted(n for n in os.listdir(staging) if n.startswith("asset.")), file=sys.stderr)
{action}
stacks.ModelStack.__init__ = patched
main()
"""
MODELS = "kmeans,mnist-tf"  # two model stacks, code assets among them


def _snapshot(root: Path) -> dict[str, str]:
    """Every file and directory under ``root``, files with their SHA-256."""
    out = {}
    for directory, dirs, files in os.walk(root):
        for name in dirs:
            out[os.path.relpath(os.path.join(directory, name), root) + "/"] = "dir"
        for name in files:
            path = os.path.join(directory, name)
            out[os.path.relpath(path, root)] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return out


def _previous(outdir: Path) -> dict[str, str]:
    """A previous cloud assembly (what matters is that its bytes stay or go, not what it says)."""
    (outdir / "asset.0ld").mkdir(parents=True)
    (outdir / "asset.0ld" / "train.py").write_text("print('previous')\n")
    (outdir / "manifest.json").write_text('{"version": "previous"}\n')
    (outdir / "sagestack-gone.template.json").write_text("{}\n")
    return _snapshot(outdir)


def _run(outdir: Path, context: dict[str, str], action: str | None = None, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, CDK_OUTDIR=str(outdir), CDK_CONTEXT_JSON=json.dumps(context), **(extra_env or {}))
    command = [sys.executable, "-c", INJECT.format(action=action)] if action else [sys.executable, "app.py"]
    return subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600)


def _staging_dirs(proc: subprocess.CompletedProcess[str]) -> list[Path]:
    return [Path(line.split()[1]) for line in proc.stderr.splitlines() if line.startswith("STAGING ")]


def _assert_untouched(outdir: Path, before: dict[str, str]) -> None:
    assert _snapshot(outdir) == before
    assert sorted(p.name for p in outdir.parent.iterdir()) == [outdir.name], "no staging directory left beside it"


def test_invalid_catalog_leaves_the_outdir_untouched(tmp_path: Path) -> None:
    outdir = tmp_path / "cdk.out"
    before = _previous(outdir)
    proc = _run(outdir, {"sagestack:catalog": "tests/descriptor/bad"})
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and "nothing synthesized" in proc.stderr
    _assert_untouched(outdir, before)


@pytest.mark.parametrize(
    "action,expected",
    [
        # an expected failure class: one paragraph, no traceback
        ('    from sagestack.render.images import ImageError\n    raise ImageError("no TensorFlow 9.9 image in region xx-test-1 (injected)")', "synthesis failed: no container image: no TensorFlow 9.9 image"),
        # a bug: its traceback, and still nothing written
        ('    if len(built) == 2:\n        raise RuntimeError("injected internal error")', "RuntimeError: injected internal error"),
    ],
    ids=["image-error", "internal-error"],
)
def test_a_construct_time_exception_leaves_the_outdir_untouched(tmp_path: Path, action: str, expected: str) -> None:
    outdir = tmp_path / "cdk.out"
    before = _previous(outdir)
    proc = _run(outdir, {"models": MODELS}, action)
    assert proc.returncode == 1, proc.stderr[-3000:]
    assert expected in proc.stderr and f"{outdir}/ is left as it was" in proc.stderr, proc.stderr[-3000:]
    assert ("Traceback" in proc.stderr) == ("internal" in expected)
    staging = _staging_dirs(proc)
    assert staging and all(s.parent == outdir.parent and not s.exists() for s in staging)
    _assert_untouched(outdir, before)


def test_a_cdk_nag_finding_leaves_the_outdir_untouched(tmp_path: Path) -> None:
    outdir = tmp_path / "cdk.out"
    before = _previous(outdir)
    proc = _run(outdir, {"models": "kmeans"}, '    from aws_cdk import aws_s3\n    aws_s3.Bucket(self, "UnacknowledgedBucket")')
    assert proc.returncode == 1, proc.stderr[-3000:]
    assert "AwsSolutions-S1" in proc.stderr  # the report names the finding
    [summary] = [line for line in proc.stderr.splitlines() if line.startswith("sagestack: synthesis failed")]
    assert summary.startswith("sagestack: synthesis failed: ValidationFailed") and summary.endswith(f"({outdir}/ is left as it was)")
    assert "can be found in" not in summary  # the report's copy went with the staging directory
    assert "Traceback" not in proc.stderr
    _assert_untouched(outdir, before)


def test_a_successful_synth_replaces_the_contents_and_keeps_the_cli_files(tmp_path: Path) -> None:
    outdir = tmp_path / "cdk.out"
    _previous(outdir)
    # What the cdk CLI keeps there while the app runs: locks, their temporaries, its error and
    # performance-counter files (named to the app in the environment).
    cli_files = {"synth.lock": "4242", "read.4242.1.lock": "4242", "read.4242.2.lock.4242_7": "4242", "error.txt": "", "performance-counters.json": "{}"}
    for name, text in cli_files.items():
        (outdir / name).write_text(text)
    env = {"CDK_ERROR_FILE": str(outdir / "error.txt"), "CDK_PERF_COUNTERS_FILE": str(outdir / "performance-counters.json")}
    proc = _run(outdir, {"models": "kmeans", "sagestack:nag": "false"}, extra_env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    names = {p.name for p in outdir.iterdir()}
    assert not {"asset.0ld", "sagestack-gone.template.json"} & names
    assert all((outdir / name).read_text() == text for name, text in cli_files.items())
    assert sorted(s.name for s in summarize(outdir).stacks) == ["sagestack-kmeans", "sagestack-shared"]
    manifest = json.loads((outdir / "manifest.json").read_text())
    assert manifest["version"] != "previous"
    assert sorted(p.name for p in outdir.parent.iterdir()) == [outdir.name]


@pytest.mark.synth
def test_the_cdk_cli_leaves_the_outdir_untouched_when_synth_fails(tmp_path: Path) -> None:
    """Through the pinned CLI (its locks and error file in the outdir): a construct-time failure
    after assets were staged."""
    outdir = tmp_path / "assembly" / "cdk.out"
    before = _previous(outdir)
    script = tmp_path / "failing_app.py"
    script.write_text(f"import sys\nsys.path.insert(0, {str(REPO_ROOT)!r})\n" + INJECT.format(action='    if len(built) == 2:\n        raise RuntimeError("injected")'))
    proc = subprocess.run(
        ["npx", "--no-install", "cdk", "synth", "--quiet", "--no-notices", "--no-version-reporting", "-o", str(outdir), "--app", f"{sys.executable} {script}", "-c", f"models={MODELS}"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode != 0
    assert "injected" in proc.stderr and _staging_dirs(proc), proc.stderr[-3000:]
    _assert_untouched(outdir, before)
