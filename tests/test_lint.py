"""Static checks, configured in pyproject.toml: ruff over the code, tests and scripts, and
mypy --strict over the pure layers (with pydantic's plugin). Each fails with the tool's report."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from .conftest import REPO_ROOT

BIN = Path(sys.executable).parent


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, cwd=REPO_ROOT, timeout=300)


def test_ruff_finds_nothing() -> None:
    result = _run(str(BIN / "ruff"), "check", "--no-fix", "--output-format", "concise", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_on_the_pure_layers() -> None:
    # The cache (.mypy_cache, ignored by git) keeps a rerun to a second or two.
    result = _run(str(BIN / "mypy"), "--no-error-summary")
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_type_ignore_names_its_error_and_why() -> None:
    """A `# type: ignore` that stays says which error it silences and, after it, why."""
    bare = []
    for path in sorted((REPO_ROOT / "constructs").rglob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if "type: ignore" in line and not re.search(r"# type: ignore\[[a-z-]+(, ?[a-z-]+)*\]\s*(#\s*)?\w", line):
                bare.append(f"{path.relative_to(REPO_ROOT)}:{number}: {line.strip()}")
    assert not bare, "\n".join(bare)
