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


def select(descriptors: Sequence[ModelDescriptor], models: str | None) -> tuple[list[ModelDescriptor], str | None]:
    """The descriptors named in ``-c models=a,b`` (all when not given), or an error message."""
    if not models:
        return list(descriptors), None
    wanted = [m.strip() for m in models.split(",") if m.strip()]
    by_name = {d.name: d for d in descriptors}
    unknown = [m for m in wanted if m not in by_name]
    if unknown:
        return [], f"sagestack: -c models names no such model: {', '.join(unknown)} (allowed: {', '.join(sorted(by_name))})"
    return [by_name[m] for m in dict.fromkeys(wanted)], None


def build_app(descriptors: Sequence[ModelDescriptor], *, outdir: str | None = None, nag: bool = True):  # -> aws_cdk.App
    """An App with one stack per descriptor. Imports aws_cdk only here, after validation.

    :param nag: run cdk-nag's AwsSolutions pack on the synth (default; ``-c sagestack:nag=false``
        turns it off, e.g. to measure synthesis alone in bench/run.py).
    """
    import aws_cdk as cdk

    from .stacks import ModelStack

    app = cdk.App(outdir=outdir) if outdir else cdk.App()
    # Every synth runs the AwsSolutions pack; an unacknowledged finding fails the synth.
    if nag:
        from cdk_nag import AwsSolutionsChecks

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
    # -c models=mnist-tf[,kmeans]: synthesize only these models' stacks (the whole catalog is still
    # validated, so a selection never hides a broken descriptor).
    selected, problem = select(catalog.descriptors, context.get("models"))
    if problem:
        print(problem, file=sys.stderr)
        sys.exit(1)
    build_app(selected, nag=str(context.get("sagestack:nag", "true")).lower() != "false").synth()
