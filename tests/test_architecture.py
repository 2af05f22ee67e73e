"""The layers of docs/architecture.md hold: import-linter's contracts (.importlinter) are kept by
the code, and they do fail on an import that breaks them (so they cannot pass by matching nothing)."""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import REPO_ROOT

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
CONFIG = REPO_ROOT / ".importlinter"


def _lint_imports(root: Path, pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(pythonpath)} if pythonpath else dict(os.environ)
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", "--config", str(root / ".importlinter")],
        capture_output=True, text=True, cwd=root, env=env, timeout=300,
    )


def _contracts() -> list[str]:
    parser = configparser.ConfigParser()
    parser.read(CONFIG)
    return [s for s in parser.sections() if s.startswith("importlinter:contract:")]


def test_the_code_keeps_every_import_contract() -> None:
    result = _lint_imports(REPO_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(_contracts())} kept, 0 broken." in result.stdout, result.stdout


def test_the_contracts_catch_an_import_that_breaks_a_layer(tmp_path: Path) -> None:
    """A copy of the package where the descriptor layer imports aws_cdk and rendering imports a
    construct module: both contracts are broken, naming the offending modules."""
    source = tmp_path / "constructs"
    shutil.copytree(REPO_ROOT / "constructs" / "sagestack", source / "sagestack", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO_ROOT / "infra", tmp_path / "infra", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(CONFIG, tmp_path / ".importlinter")
    with (source / "sagestack" / "descriptor" / "issues.py").open("a") as f:
        f.write("\nimport aws_cdk  # breaks: the descriptor layer is pure\n")
    with (source / "sagestack" / "render" / "context.py").open("a") as f:
        f.write("\nfrom ..hosting import model  # breaks: rendering sits below the constructs\n")
    result = _lint_imports(tmp_path, pythonpath=source)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "0 kept, 2 broken" in result.stdout, result.stdout
    assert "sagestack.descriptor is not allowed to import aws_cdk" in result.stdout
    assert re.search(r"sagestack\.render(\.context)? is not allowed to import sagestack\.hosting", result.stdout)


def test_architecture_page_names_every_module() -> None:
    """Each top-level module and package of the library appears in docs/architecture.md, so a new
    one gets a place in the layers (and, if it belongs to one, in .importlinter)."""
    page = (REPO_ROOT / "docs" / "architecture.md").read_text()
    library = REPO_ROOT / "constructs" / "sagestack"
    names = {p.stem for p in library.glob("*.py") if p.stem != "__init__"} | {p.name for p in library.iterdir() if p.is_dir() and p.name != "__pycache__"}
    missing = sorted(n for n in names if not re.search(rf"\b{re.escape(n)}(\.py|/|\b)", page))
    assert not missing, missing
