"""Build the CDK app from the descriptor catalog.

The catalog is validated before any CDK code runs; when it has errors, they are printed in the
``file:line: path: problem`` format and synthesis stops with exit code 1 and nothing written.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Sequence

from sagestack.descriptor import Catalog, ModelDescriptor, load_catalog

REPO_ROOT = Path(__file__).resolve().parent.parent


def catalog_dir(context_value: str | None = None) -> Path:
    """The catalog directory: CDK context ``sagestack:catalog`` (cdk.json), relative to the repo root."""
    return REPO_ROOT / (context_value or "infra/models")


def load(paths: Sequence[Path]) -> Catalog:
    return load_catalog(paths)


def build_app(descriptors: Sequence[ModelDescriptor], *, outdir: str | None = None):  # -> aws_cdk.App
    """An App with one stack per descriptor. Imports aws_cdk only here, after validation."""
    import aws_cdk as cdk
    from cdk_nag import AwsSolutionsChecks

    from .stacks import ModelStack

    app = cdk.App(outdir=outdir) if outdir else cdk.App()
    # Every synth runs the AwsSolutions pack; an unacknowledged finding fails the synth.
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))
    for descriptor in descriptors:
        ModelStack(app, descriptor=descriptor)
    return app


def main() -> None:
    # The catalog path comes from cdk.json's context, which the cdk CLI passes in CDK_CONTEXT_JSON.
    import json

    context = json.loads(os.environ.get("CDK_CONTEXT_JSON", "{}") or "{}")
    catalog = load([catalog_dir(context.get("sagestack:catalog"))])
    for issue in catalog.issues:
        print(issue.format(), file=sys.stderr)
    if not catalog.ok():
        print(f"sagestack: {len(catalog.errors)} error(s) in the catalog; nothing synthesized", file=sys.stderr)
        sys.exit(1)
    build_app(catalog.descriptors).synth()
