"""Run a definition locally with aws-local-stepfunctions (tests/pipeline/harness.mjs)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from ..conftest import REPO_ROOT

HARNESS = Path(__file__).with_name("harness.mjs")


def run(definition: dict[str, Any], tasks: dict[str, list[dict[str, Any]]], input: Any = None) -> dict[str, Any]:
    """Execute ``definition``; each Task named in ``tasks`` answers with its scripted responses."""
    spec = {"definition": definition, "input": input or {}, "tasks": tasks}
    env = {**os.environ, "SAGESTACK_PYTHON": sys.executable}
    proc = subprocess.run(["node", str(HARNESS)], input=json.dumps(spec), capture_output=True, text=True, cwd=REPO_ROOT, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def asl_problems(path: Path) -> str:
    """asl-validator's complaints about a definition file (empty when valid)."""
    proc = subprocess.run(["npx", "--no-install", "asl-validator", "--json-path", str(path)], capture_output=True, text=True, cwd=REPO_ROOT, timeout=120)
    return "" if proc.returncode == 0 else proc.stdout + proc.stderr
