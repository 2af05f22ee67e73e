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


def _batched_asset_calls() -> list[tuple[Path, ast.Tuple]]:
    """Assets made through sagestack.jsii_batch: a ("fromAsset", path, options) step."""
    steps = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Tuple) and node.elts and isinstance(node.elts[0], ast.Constant) and node.elts[0].value in ASSET_STEPS:
                steps.append((path, node))
    return steps


ASSET_STEPS = {"fromAsset", "fromDockerBuild"}


def test_every_asset_blocks_external_links() -> None:
    calls = _asset_calls()
    batched = _batched_asset_calls()
    assert len(calls) + len(batched) >= 4  # the training archive, the inference code, the functions' code, processing code
    loose = []
    for path, call in calls:
        mode = next((k.value for k in call.keywords if k.arg in ("follow_symlinks", "follow")), None)
        if not (isinstance(mode, ast.Attribute) and mode.attr in ("BLOCK_EXTERNAL", "NEVER")):
            loose.append(f"{path.relative_to(REPO_ROOT)}:{call.lineno}")
    for path, step in batched:
        options = step.elts[2] if len(step.elts) > 2 else None
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
