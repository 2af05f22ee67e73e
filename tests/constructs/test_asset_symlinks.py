"""CDK assets never copy what a symbolic link reaches outside: CDK's own default (EXTERNAL)
follows such links into the asset, so every asset sagestack creates says BLOCK_EXTERNAL."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_s3_assets as s3_assets

from ..conftest import REPO_ROOT

PACKAGE = REPO_ROOT / "constructs" / "sagestack"
ASSET_CALLS = {"Asset", "from_asset", "AssetStaging", "DockerImageAsset", "from_docker_build"}


def _asset_calls() -> list[tuple[Path, ast.Call]]:
    calls = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
                if name in ASSET_CALLS:
                    calls.append((path, node))
    return calls


def _batched_asset_calls() -> list[tuple[Path, ast.Tuple, ast.expr | None]]:
    """Assets made through sagestack.jsii_batch, with their options: a ("fromAsset", path,
    options) step, or a ("aws-cdk-lib:aws_s3_assets.Asset", ("new", scope, id, props)) expression."""
    found: list[tuple[Path, ast.Tuple, ast.expr | None]] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not (isinstance(node, ast.Tuple) and node.elts and isinstance(node.elts[0], ast.Constant)):
                continue
            if node.elts[0].value in ASSET_STEPS:
                found.append((path, node, node.elts[2] if len(node.elts) > 2 else None))
            elif node.elts[0].value in ASSET_CLASSES:
                new = node.elts[1] if len(node.elts) > 1 and isinstance(node.elts[1], ast.Tuple) else None
                found.append((path, node, new.elts[3] if new is not None and len(new.elts) > 3 else None))
    return found


ASSET_STEPS = {"fromAsset", "fromDockerBuild"}
ASSET_CLASSES = {"aws-cdk-lib:aws_s3_assets.Asset", "aws-cdk-lib:aws_ecr_assets.DockerImageAsset"}


def test_every_asset_blocks_external_links() -> None:
    calls = _asset_calls()
    batched = _batched_asset_calls()
    # every file asset (training and inference code archives, processing code) is made by
    # sagestack.assets.file_asset, the functions' code by sagestack.functions: the scan finds both
    assert {path.name for path, _, _ in batched} >= {"assets.py", "functions.py"}, batched
    loose = []
    for path, call in calls:
        mode = next((k.value for k in call.keywords if k.arg in ("follow_symlinks", "follow")), None)
        if not (isinstance(mode, ast.Attribute) and mode.attr in ("BLOCK_EXTERNAL", "NEVER")):
            loose.append(f"{path.relative_to(REPO_ROOT)}:{call.lineno}")
    for path, step, options in batched:
        modes = [v for k, v in zip(options.keys, options.values, strict=True) if isinstance(k, ast.Constant) and k.value == "followSymlinks"] if isinstance(options, ast.Dict) else []
        if not any(ast.unparse(m).endswith(("SymlinkFollowMode.BLOCK_EXTERNAL')", "SymlinkFollowMode.NEVER')")) for m in modes):
            loose.append(f"{path.relative_to(REPO_ROOT)}:{step.lineno}")
    assert not loose, f"assets without follow_symlinks=cdk.SymlinkFollowMode.BLOCK_EXTERNAL: {loose}"


def test_block_external_refuses_a_link_out_of_an_asset_directory(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("secret")
    code = tmp_path / "code"
    code.mkdir()
    (code / "index.py").write_text("")
    os.symlink(outside, code / "leak.txt")
    stack = cdk.Stack(cdk.App(outdir=str(tmp_path / "out")), "S")
    with pytest.raises(Exception, match="external symbolic link|symlink"):
        s3_assets.Asset(stack, "Code", path=str(code), follow_symlinks=cdk.SymlinkFollowMode.BLOCK_EXTERNAL)
