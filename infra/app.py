"""Build the CDK app from the descriptor catalog.

The catalog is validated before any CDK code runs; when it has errors, they are printed in the
``file:line: path: problem`` format and synthesis stops with exit code 1 and nothing written.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NoReturn, Sequence

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


ENVIRONMENTS_FILE = "infra/environments.yaml"


def for_environment(descriptors: Sequence[ModelDescriptor], envs_file: Path, name: str | None, *, preview: str | None = None) -> tuple[list[ModelDescriptor], object, str, list]:
    """The descriptors as environment ``name`` (default: the file's default; for a preview, the
    preview's environment) sizes them, then as the preview sizes them; the environments, the
    chosen environment's name, and every problem (file:line issues or a usage message)."""
    from sagestack.descriptor import Issue
    from sagestack.environments import apply_environment, apply_preview, check_preview_id, load_environments

    result = load_environments(envs_file)
    if result.environments is None:
        return [], result, "", result.issues
    if preview is not None:
        problem = check_preview_id(preview, result)
        if problem:
            return [], result, "", [Issue(result.file, 1, "preview", problem[0], allowed=problem[1], got=preview)]
    chosen = name or (result.environments.preview.environment if preview else None) or result.environments.default
    if chosen not in result.environments.environments:
        allowed = ", ".join(sorted(result.environments.environments))
        return [], result, chosen, [Issue(result.file, 1, "environments", "-c env names no environment", allowed=allowed, got=chosen)]
    sized, issues = [], []
    for descriptor in descriptors:
        applied, problems = apply_environment(descriptor, chosen, result)
        if applied is not None and preview is not None:
            applied, more = apply_preview(applied, preview, result)
            problems = problems + more
        issues += problems
        if applied is not None:
            sized.append(applied)
    return sized, result, chosen, issues


def build_app(
    descriptors: Sequence[ModelDescriptor], *, outdir: str | None = None, nag: bool = True, environment: str = "dev", suffix: str | None = None,
    preview: str | None = None, ttl_hours: int | None = None, region: str | None = None, account: str | None = None,
):  # -> aws_cdk.App
    """An App with the shared stack and one stack per descriptor. Imports aws_cdk only here, after validation.

    :param nag: run cdk-nag's AwsSolutions pack on the synth (default; ``-c sagestack:nag=false``
        turns it off, e.g. to measure synthesis alone in bench/run.py).
    :param suffix: appended to every stack, endpoint and run name (default: none, the default
        environment); the environment's name, or the preview id.
    :param preview: the preview id (``-c preview=``): tags every stack with it and ``ttl_hours``,
        and makes every resource deleted with its stack.
    """
    import aws_cdk as cdk

    from .stacks import ModelStack, SharedStack

    app = cdk.App(outdir=outdir) if outdir else cdk.App()
    # Every synth runs the AwsSolutions pack; an unacknowledged finding fails the synth.
    if nag:
        from cdk_nag import AwsSolutionsChecks

        cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))
    where = dict(environment=environment, suffix=suffix, preview=preview, ttl_hours=ttl_hours, region=region, account=account)
    shared = SharedStack(app, **where)  # type: ignore[arg-type]
    for descriptor in descriptors:
        ModelStack(app, descriptor=descriptor, shared=shared, **where)  # type: ignore[arg-type]
    return app


def fail(problems: Sequence[object], summary: str) -> NoReturn:
    """Print every problem (issues in their file:line format, or messages), then ``summary``; exit 1."""
    from sagestack.descriptor import Issue

    for problem in problems:
        print(problem.format() if isinstance(problem, Issue) else problem, file=sys.stderr)
    print(summary, file=sys.stderr)
    sys.exit(1)


def main() -> None:
    # The catalog path comes from cdk.json's context, which the cdk CLI passes in CDK_CONTEXT_JSON.
    import json

    context = json.loads(os.environ.get("CDK_CONTEXT_JSON", "{}") or "{}")
    catalog = load([catalog_dir(context.get("sagestack:catalog"))])
    for issue in catalog.issues:
        print(issue.format(), file=sys.stderr)
    if not catalog.ok():
        fail([], f"sagestack: {len(catalog.errors)} error(s) in the catalog; nothing synthesized")
    # -c models=mnist-tf[,kmeans]: synthesize only these models' stacks (the whole catalog is still
    # validated, so a selection never hides a broken descriptor).
    selected, problem = select(catalog.descriptors, context.get("models"))
    if problem:
        fail([problem], "sagestack: nothing synthesized")
    # -c env=prod: the environment's account, region and overrides (infra/environments.yaml).
    # -c preview=pr-123: the preview's base environment, made small, isolated and disposable.
    preview = context.get("preview") or None
    sized, envs, chosen, issues = for_environment(selected, REPO_ROOT / context.get("sagestack:environments", ENVIRONMENTS_FILE), context.get("env"), preview=preview)
    if any(i.severity == "error" for i in issues) or envs.environments is None:  # type: ignore[attr-defined]
        fail(issues, f"sagestack: {sum(1 for i in issues if i.severity == 'error')} problem(s) with the environments or the preview; nothing synthesized")
    settings = envs.environments.environments[chosen]  # type: ignore[attr-defined]
    suffix = preview or (None if chosen == envs.environments.default else chosen)  # type: ignore[attr-defined]
    build_app(
        sized, nag=str(context.get("sagestack:nag", "true")).lower() != "false", environment=chosen, suffix=suffix, preview=preview,
        ttl_hours=envs.environments.preview.ttl_hours if preview else None, region=settings.region, account=settings.account,  # type: ignore[attr-defined]
    ).synth()
