"""The docs (README.md and docs/, built as a site by mkdocs.yml) stay true: the site builds with
--strict (no broken link or anchor), every file path they name exists, every `make` target and
`sagestack` command they show exists, the quick start is `make synth` then `make test`, and they
cite no internal issue numbers."""

from __future__ import annotations

import glob
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sagestack.cli import app

from .conftest import REPO_ROOT

PAGES = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]
# Top-level entries of the repository a path in the docs may start with.
ROOTS = ("app.py", "cdk.json", "Makefile", "mkdocs.yml", ".importlinter", "requirements.txt", "requirements-", "requirements*", "package.json", "package-lock.json", "package*", "pyproject.toml",
         "infra/", "constructs/", "tests/", "bench/", "scripts/", "schema/", "examples/", "docs/", ".github/", ".ci/")
# Paths the docs name on purpose although they are not in the repository.
NOT_FILES = {"infra/models/churn.yaml"}  # the walkthrough's new model, which the reader adds
CODE_SPAN = re.compile(r"`([^`\n]+)`")
BARE_ISSUE = re.compile(r"(?<![\w/.&-])#\d+\b")  # a hash and digits alone; not owner/repo then a number, nor an HTML entity


def _named_paths(text: str) -> set[str]:
    paths: set[str] = set()
    spans = CODE_SPAN.findall(text)
    blocks = re.findall(r"^```[^\n]*\n(.*?)^```", text, flags=re.M | re.S)
    for chunk in [*spans, *(line.split()[0] for block in blocks for line in block.splitlines() if line.split())]:
        for word in chunk.split():
            word = word.strip("()',;").split(":")[0]  # file:line: ... and yaml keys
            if word.startswith(ROOTS) and "<" not in word:
                paths.add(word.rstrip("."))
    return paths


def test_site_builds_strictly(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        capture_output=True, text=True, cwd=REPO_ROOT, timeout=300, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr
    reference = (tmp_path / "site" / "reference" / "index.html").read_text()
    assert "framework_version" in reference and "CreateTrainingJob.HyperParameters" in reference  # the generated tables are in the site
    assert 'class="mermaid"' in (tmp_path / "site" / "pipelines" / "index.html").read_text()


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_path_the_docs_name_exists(page: Path) -> None:
    missing = [p for p in sorted(_named_paths(page.read_text())) if p not in NOT_FILES and not glob.glob(str(REPO_ROOT / p))]
    assert not missing, missing


def test_the_path_check_sees_paths() -> None:
    """The extraction finds paths in code spans and in code blocks (the layout's first column)."""
    found = _named_paths("see `tests/x.py` and `infra/models/`\n```\ninfra/          this app\n```\n`infra/environments.yaml:8: prod`")
    assert found == {"tests/x.py", "infra/models/", "infra/", "infra/environments.yaml"}


def test_quick_start_is_make_synth_then_make_test() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    quick_start = readme.split("## Quick start", 1)[1]
    first_block = re.search(r"```sh\n(.*?)```", quick_start, flags=re.S)
    assert first_block is not None
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()]
    assert commands[:2] == ["make synth", "make test"]


def test_every_make_target_the_docs_show_exists() -> None:
    makefile = (REPO_ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, flags=re.M))
    shown = {t for page in PAGES for t in re.findall(r"(?:`|^)make ([a-z][a-z-]+)", page.read_text(), flags=re.M)}
    assert shown and not shown - targets, sorted(shown - targets)


def test_every_sagestack_command_the_docs_show_exists() -> None:
    shown = {c for page in PAGES for c in re.findall(r"\.venv/bin/sagestack\s+([a-z]+)", page.read_text())}
    assert {"validate", "diff", "render"} <= shown
    for command in sorted(shown):
        result = CliRunner().invoke(app, [command, "--help"])
        assert result.exit_code == 0, (command, result.output)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_no_internal_issue_numbers(page: Path) -> None:
    """Public cross-repository references (owner/repo and a number) stay; a bare number means
    nothing to a reader."""
    bare = BARE_ISSUE.findall(page.read_text())
    assert not bare, bare


def test_code_cites_no_internal_documents_or_issue_numbers() -> None:
    """Comments, docstrings and the templates they end up in (state Comments) cite the fact or a
    public source, never a file users do not have or an internal issue number."""
    sources = [REPO_ROOT / "app.py", REPO_ROOT / "Makefile", REPO_ROOT / ".ci" / "run", *(REPO_ROOT / ".github" / "workflows").glob("*.yml")]
    for folder in ("constructs", "infra", "tests", "bench", "scripts", "examples"):
        sources += [p for p in (REPO_ROOT / folder).rglob("*") if p.suffix in {".py", ".mjs", ".yaml", ".yml"} and "fixtures" not in p.parts]
    found = [f"{p.relative_to(REPO_ROOT)}:{n}: {line.strip()}" for p in sources for n, line in enumerate(p.read_text().splitlines(), 1)
             if "DESIGN" + ".md" in line or BARE_ISSUE.search(line)]
    assert not found, "\n".join(found)
