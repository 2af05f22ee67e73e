"""The model stack's template Description: what the descriptor layer sized, written whole."""

from __future__ import annotations

from pathlib import Path

from sagestack.descriptor import load_catalog
from sagestack.descriptor.descriptor import DESCRIPTION_MAX_BYTES, STACK_DESCRIPTION_MAX_BYTES

from .conftest import CATALOG


def test_a_description_of_the_limit_synthesizes_whole(tmp_path: Path) -> None:
    """Longer than aws-cdk-lib's 512-character check, within CloudFormation's 1,024 bytes."""
    import aws_cdk as cdk
    from aws_cdk import assertions

    from infra.stacks import ModelStack

    [kmeans] = [d for d in load_catalog([CATALOG]).descriptors if d.name == "kmeans"]
    description = "é" * (DESCRIPTION_MAX_BYTES // 2) + "a" * (DESCRIPTION_MAX_BYTES % 2)
    longest = kmeans.model_copy(update={"name": "m" * 32, "description": description})
    app = cdk.App(outdir=str(tmp_path))
    stack = ModelStack(app, descriptor=longest)
    written = assertions.Template.from_stack(stack).to_json()["Description"]
    assert written == longest.stack_description and written.endswith(" - " + description)
    assert len(written) > 512 and len(written.encode("utf-8")) <= STACK_DESCRIPTION_MAX_BYTES
