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


# Placement fields that are also ordinary names elsewhere (pipeline and IAM resources, construct
# attributes): the test cannot tell those uses from the field's, so it checks the others.
SHARED_WORDS = {"resources", "inference_component_name"}


def _placement_field_uses(source: str, fields: frozenset[str]) -> list[tuple[int, str]]:
    """(line, field) of each attribute, string constant or keyword in ``source`` that names one of
    ``fields``; docstrings and prose inside longer strings do not count."""
    import ast

    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute):
            name = node.attr
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            name = node.value
        elif isinstance(node, ast.keyword):
            name = node.arg or ""
        else:
            continue
        if name in fields:
            found.append((node.lineno, name))
    return sorted(found)


def _checked_fields() -> frozenset[str]:
    from sagestack.descriptor.placements import PLACEMENT_FIELDS

    return frozenset(PLACEMENT_FIELDS - SHARED_WORDS)


def test_nothing_outside_a_placement_module_names_a_placement_field() -> None:
    """What differs by placement (serverless, A/B variants, shadow, asynchronous, inference
    components...) is decided in its module of sagestack.descriptor.placements: no other module
    reads or writes one of the placements' own deploy fields; the deploy section only declares them."""
    package = REPO_ROOT / "constructs" / "sagestack"
    placements = package / "descriptor" / "placements"
    declared = package / "descriptor" / "deploy.py"
    fields = _checked_fields()
    found = [
        f"{path.relative_to(REPO_ROOT)}:{line}: {name}"
        for path in sorted(package.rglob("*.py"))
        if placements not in path.parents and path != declared
        for line, name in _placement_field_uses(path.read_text(), fields)
    ]
    assert not found, "\n".join(found)


def test_the_placement_check_catches_a_field_read_elsewhere() -> None:
    """The check above flags an attribute read, a name passed to getattr and a dict key, and lets
    prose mentioning the field pass (so it cannot pass by matching nothing)."""
    fields = _checked_fields()
    assert {"serverless_inference_config", "async_inference_config", "shadow_variant", "variants", "managed_instance_scaling"} <= fields
    source = '"""Mentions serverless_inference_config in prose."""\nif d.deploy.serverless_inference_config:\n    x = getattr(dep, "shadow_variant")\n    y = data["variants"]\n'
    assert _placement_field_uses(source, fields) == [(2, "serverless_inference_config"), (3, "shadow_variant"), (4, "variants")]


def test_the_placement_registry_is_every_module_of_its_package() -> None:
    """Each module of descriptor/placements declares one placement; their orders are distinct, every
    field a placement claims is a deploy field, no two claim the same, and the last capacity
    placement applies to any deploy section (so every section has one)."""
    from sagestack.descriptor.deploy import Deploy
    from sagestack.descriptor.placements import PLACEMENTS

    package = REPO_ROOT / "constructs" / "sagestack" / "descriptor" / "placements"
    modules = sorted(p.stem for p in package.glob("*.py") if not p.stem.startswith("_"))
    assert sorted(type(p).__module__.rsplit(".", 1)[1] for p in PLACEMENTS) == modules
    orders = [p.order for p in PLACEMENTS]
    assert orders == sorted(set(orders))
    claimed = [f for p in PLACEMENTS for f in p.fields]
    assert len(claimed) == len(set(claimed)) and set(claimed) <= set(Deploy.model_fields)
    fallback = [p for p in PLACEMENTS if p.capacity][-1]
    assert fallback.applies(Deploy()) and not any(p.applies(Deploy()) for p in PLACEMENTS if p is not fallback)
