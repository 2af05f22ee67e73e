"""The GitHub Actions workflows (.github/workflows/): actionlint (with shellcheck for every `run:`
script) finds nothing, and they do what docs/previews.md says: check every pull request, deploy its
preview with OIDC only, comment the diff, destroy the preview on close, clean up expired ones."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from sagestack.cli import app

from .conftest import REPO_ROOT

WORKFLOWS = sorted((REPO_ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent


def _actionlint(*paths: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")  # shellcheck from the venv
    return subprocess.run([str(BIN / "actionlint"), "-no-color", *map(str, paths)], capture_output=True, text=True, timeout=120, env=env)


def _load(name: str) -> dict[Any, Any]:
    data = yaml.safe_load((REPO_ROOT / ".github" / "workflows" / name).read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def _runs(job: dict[str, Any]) -> str:
    return "\n".join(step.get("run", "") for step in job["steps"])


def test_actionlint_and_shellcheck_find_nothing() -> None:
    assert WORKFLOWS and shutil.which("shellcheck", path=str(BIN))
    proc = _actionlint(*WORKFLOWS)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    """The linter is really checking: a typo'd job key, an unknown action input and an unquoted
    variable in a script are each reported."""
    broken = (REPO_ROOT / ".github" / "workflows" / "preview.yml").read_text()
    broken = broken.replace("runs-on: ubuntu-24.04\n    timeout-minutes: 60", "runs-onn: ubuntu-24.04\n    timeout-minutes: 60", 1)
    broken = broken.replace("fetch-depth: 0", "fetch-dept: 0", 1)
    broken = broken.replace('run: gh pr comment "$PR" --body-file comment.md --edit-last', "run: gh pr comment $PR --body-file comment.md --edit-last", 1)
    path = tmp_path / "preview.yml"
    path.write_text(broken)
    proc = _actionlint(path)
    assert proc.returncode == 1
    assert 'unexpected key "runs-onn"' in proc.stdout
    assert 'input "fetch-dept" is not defined' in proc.stdout
    assert "SC2086" in proc.stdout  # shellcheck: double quote to prevent globbing and word splitting


def test_pull_requests_are_checked_then_previewed_and_destroyed_on_close() -> None:
    wf = _load("preview.yml")
    assert set(wf["on"]["pull_request"]["types"]) >= {"opened", "synchronize", "reopened", "closed"}
    assert wf["permissions"] == {"contents": "read"} and wf["concurrency"]["cancel-in-progress"] is False
    assert wf["env"]["PREVIEW"] == "pr-${{ github.event.pull_request.number }}"
    check, preview, destroy = (wf["jobs"][k] for k in ("check", "preview", "destroy"))
    script = _runs(check)
    for command in ("make setup", "sagestack validate", 'cdk synth --all --quiet -c preview="$PREVIEW"', "cfn-lint", "make test"):
        assert command in script, command
    assert "closed" in check["if"] and "!=" in check["if"]
    assert preview["needs"] == "check"
    assert 'cdk deploy --all -c preview="$PREVIEW"' in _runs(preview) and "gh pr comment" in _runs(preview)
    assert "sagestack diff --base" in _runs(preview) and "cdk diff --all" in _runs(preview)
    assert "== 'closed'" in destroy["if"]
    assert 'cdk destroy --all -c preview="$PREVIEW" --force' in _runs(destroy)
    for job in (preview, destroy):
        # OIDC only: a token for the role, never stored keys; forks are never deployed.
        assert job["permissions"]["id-token"] == "write"
        assert "github.event.pull_request.head.repo.full_name == github.repository" in job["if"]
        creds = next(s for s in job["steps"] if s.get("uses", "").startswith("aws-actions/configure-aws-credentials@"))
        assert set(creds["with"]) == {"role-to-assume", "role-session-name", "aws-region"}


def test_no_workflow_holds_or_reads_stored_aws_keys() -> None:
    for path in WORKFLOWS:
        text = path.read_text()
        assert not re.search(r"aws-(access-key-id|secret-access-key)|AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY)|secrets\.AWS", text), path.name


def test_expired_previews_are_cleaned_up_nightly() -> None:
    wf = _load("preview-cleanup.yml")
    assert "schedule" in wf["on"] and "workflow_dispatch" in wf["on"]
    assert "sagestack previews --destroy-expired" in _runs(wf["jobs"]["cleanup"])


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_sagestack_command_the_workflows_run_exists(path: Path) -> None:
    """Each `sagestack <command> --option` in a workflow is a real command with that option."""
    for line in path.read_text().splitlines():
        match = re.search(r"\.venv/bin/sagestack (.*)", line)
        if not match:
            continue
        words = [w for w in shlex.split(match.group(1).split(">")[0]) if not w.startswith("$")]
        command, options = words[0], [w for w in words[1:] if w.startswith("--")]
        help_text = CliRunner().invoke(app, [command, "--help"], terminal_width=200)
        assert help_text.exit_code == 0, (command, help_text.output)
        for option in options:
            assert option in help_text.output, (command, option)
