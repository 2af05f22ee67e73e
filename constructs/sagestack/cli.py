"""``sagestack`` command line: validate descriptors, print their JSON Schema, list the catalog,
render requests, summarize a synthesized cloud assembly, say what a descriptor change does
(``diff``), and print the descriptor reference.

Exit codes: 0 valid, 1 invalid (or warnings with --strict), 2 usage error.
"""

from __future__ import annotations

import json
import os
import sys
from enum import Enum
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Declarative SageMaker: validate model descriptors and inspect the catalog.",
    pretty_exceptions_enable=False,
)
# User text (file names, values, messages) is printed literally: no markup, no emoji codes
# (``file:100:`` must not become an emoji); sagestack's own colours are marked up explicitly.
out = Console(highlight=False, soft_wrap=True, markup=False, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)

DEFAULT_CATALOG = "infra/models"
DEFAULT_ENVIRONMENTS = "infra/environments.yaml"


class Format(str, Enum):  # noqa: UP042 - StrEnum would change how typer shows and compares the choices
    text = "text"
    json = "json"


def _configured(key: str, default: str, start: Path | None = None) -> Path:
    """A path named in cdk.json's context (``key``), else ``default``; cdk.json is looked for in
    the working directory and its parents, and a relative path is relative to its directory."""
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        cdk_json = directory / "cdk.json"
        if cdk_json.is_file():
            try:
                context = json.loads(cdk_json.read_text()).get("context", {})
            except (OSError, ValueError):
                context = {}
            return directory / context.get(key, default)
    return here / default


def configured_catalog(start: Path | None = None) -> Path:
    """The catalog directory named in cdk.json (context ``sagestack:catalog``), else infra/models."""
    return _configured("sagestack:catalog", DEFAULT_CATALOG, start)


def configured_environments(start: Path | None = None) -> Path:
    """The environments file named in cdk.json (context ``sagestack:environments``), else infra/environments.yaml."""
    return _configured("sagestack:environments", DEFAULT_ENVIRONMENTS, start)


@app.command()
def validate(
    paths: list[Path] | None = typer.Argument(None, help="Descriptor files or directories (default: the configured catalog)."),
    strict: bool = typer.Option(False, "--strict", help="Treat warnings as errors."),
    fmt: Format = typer.Option(Format.text, "--format", help="text (one line per problem) or json."),
    environments: Path | None = typer.Option(
        None, "--environments", help="Environments file to check against the descriptors (default: cdk.json's sagestack:environments or infra/environments.yaml, when it exists)."
    ),
    no_environments: bool = typer.Option(False, "--no-environments", help="Check the descriptors alone."),
) -> None:
    """Validate descriptors: every problem in every file, one line each, sorted. When an
    environments file exists, also every environment's and the preview's sizing of every model."""
    from .descriptor.loader import load_catalog

    targets = paths or [configured_catalog()]
    catalog = load_catalog(targets)
    envs_file = environments or configured_environments()
    if environments is not None and not environments.is_file():
        err.print(f"sagestack validate: no environments file {environments}")
        raise typer.Exit(2)
    if envs_file.is_file() and not no_environments:
        from .environments import check_environments, load_environments

        catalog.issues.extend(check_environments(catalog.descriptors, load_environments(envs_file)))
    failed = not catalog.ok(strict=strict)
    if fmt is Format.json:
        payload = {
            "ok": not failed,
            "strict": strict,
            "files": [{"file": r.file, "name": r.descriptor.name if r.descriptor else None, "valid": r.descriptor is not None} for r in catalog.results],
            "issues": [i.as_dict() for i in catalog.issues],
        }
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")  # machine output: bytes as they are
    else:
        for issue in catalog.issues:
            out.print(issue.format())
        files = len(catalog.results)
        valid = len(catalog.descriptors)
        summary = f"{files} file{'s' if files != 1 else ''}: {valid} valid; {len(catalog.errors)} error{'s' if len(catalog.errors) != 1 else ''}, {len(catalog.warnings)} warning{'s' if len(catalog.warnings) != 1 else ''}"
        if strict and catalog.warnings:
            summary += " (--strict: warnings count as errors)"
        err.print(Text.assemble(("invalid" if failed else "valid", "red" if failed else "green"), ": " + summary))
    raise typer.Exit(1 if failed else 0)


@app.command()
def schema(output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file instead of standard output.")) -> None:
    """Print the JSON Schema of a descriptor (for yaml-language-server and editors)."""
    from .descriptor.schema import descriptor_schema

    text = json.dumps(descriptor_schema(), indent=2, sort_keys=False) + "\n"
    if output:
        output.write_text(text)
        err.print(f"wrote {output}")
    else:
        sys.stdout.write(text)


@app.command("list")
def list_(paths: list[Path] | None = typer.Argument(None, help="Files or directories (default: the configured catalog).")) -> None:
    """Show the catalog as a table; files with errors are listed as invalid."""
    from .descriptor.loader import load_catalog
    from .descriptor.placements import placements_of

    catalog = load_catalog(paths or [configured_catalog()])
    table = Table(title=f"{len(catalog.descriptors)} model(s)")
    for column in ("name", "does", "training", "serving", "file"):
        table.add_column(column)
    for result in catalog.results:
        d = result.descriptor
        if d is None:
            table.add_row(Text("invalid", style="red"), f"{len(result.errors)} error(s): run sagestack validate", "", "", result.file)
            continue
        training = f"{d.estimator.instance_count} x {d.estimator.instance_type}" if d.estimator else "-"
        if d.deploy is not None:
            serving = " + ".join(p.summary(d.deploy) for p in placements_of(d.deploy))
            if d.deploy.accelerator_type:
                serving += f" + {d.deploy.accelerator_type}"
            if d.deploy.autoscaling:
                serving += f" (autoscale {d.deploy.autoscaling.min_capacity}-{d.deploy.autoscaling.max_capacity})"
        elif d.transformer is not None:
            serving = f"batch {d.transformer.instance_count} x {d.transformer.instance_type}"
        elif d.add_model is not None:  # served by a multi-model endpoint: where each run's archive goes
            from .descriptor.add_model import model_data_stem

            where = d.add_model.multi_data_model or d.add_model.model_data_prefix
            serving = f"multi-model {where}: {model_data_stem(d)}/<run>.tar.gz"
        else:
            serving = "-"
        table.add_row(d.name, d.kind, training, serving, result.file)
    out.print(table)
    raise typer.Exit(0 if catalog.ok() else 1)


@app.command()
def render(
    path: Path = typer.Argument(..., help="One descriptor file."),
    region: str = typer.Option("us-east-1", "--region", help="Region the image URIs are resolved for."),
) -> None:
    """Print the SageMaker requests the descriptor stands for, as the SageMaker Python SDK would
    send them ({{placeholders}} for values known only at run time)."""
    from .descriptor.loader import load_descriptor
    from .render import RenderContext, render_requests
    from .render.images import ImageError

    result = load_descriptor(path)
    for issue in result.issues:
        err.print(issue.format())
    if result.descriptor is None:
        raise typer.Exit(1)
    try:
        requests = render_requests(result.descriptor, RenderContext(region=region))
    except ImageError as exc:
        err.print(f"{result.file}: {exc}")
        raise typer.Exit(1) from None
    sys.stdout.write(json.dumps(requests, indent=2) + "\n")


@app.command()
def summary(cdk_out: Path = typer.Argument(Path("cdk.out"), help="A synthesized cloud assembly.")) -> None:
    """Summarize a cloud assembly: stacks, models and CloudFormation resources."""
    from .assembly import summarize

    try:
        info = summarize(cdk_out)
    except FileNotFoundError as exc:
        err.print(Text.assemble(("error", "red"), f": {exc}"))
        raise typer.Exit(2) from None
    table = Table(title=f"{cdk_out}: {len(info.stacks)} stack(s), {info.models} model(s), {info.resources} resource(s)")
    for column in ("stack", "model", "resources", "template bytes"):
        table.add_column(column, justify="right" if column in ("resources", "template bytes") else "left")
    for stack in info.stacks:
        table.add_row(stack.name, stack.model or "-", str(stack.resources), str(stack.template_bytes))
    out.print(table)


@app.command()
def diff(
    paths: list[Path] | None = typer.Argument(None, help="Descriptor files or directories (default: the configured catalog)."),
    base: str = typer.Option("HEAD", "--base", help="Git revision to compare with (e.g. origin/main)."),
    fmt: Format = typer.Option(Format.text, "--format", help="text (one line per model) or json."),
) -> None:
    """Say what each changed descriptor does once it ships: retrains, redeploys, changes the
    pipeline, rescales, or only metadata (compares the SageMaker requests both versions render)."""
    from .descriptor.loader import descriptor_files, load_descriptor
    from .impact import impact

    files, problems = descriptor_files(paths or [configured_catalog()])
    for issue in problems:
        err.print(issue.format())
    try:
        root = Path(_git("rev-parse", "--show-toplevel").strip())
        _git("rev-parse", "--verify", f"{base}^{{commit}}")
    except RuntimeError as exc:
        err.print(f"sagestack diff: {exc}")
        raise typer.Exit(2) from None
    impacts, invalid = [], 0
    for path in files:
        new = load_descriptor(path)
        for issue in new.issues:
            err.print(issue.format())
        if new.descriptor is None:
            invalid += 1
            continue
        old = _base_descriptor(root, path.resolve(), base)
        result = impact(old, new.descriptor)
        if result.kind != "unchanged":
            impacts.append(result)
    for name in _removed(root, files, paths or [configured_catalog()], base):
        impacts.append(impact(name, None))
    if fmt is Format.json:
        sys.stdout.write(json.dumps([{"model": i.model, "kind": i.kind, "changes": list(i.changes)} for i in impacts], indent=2) + "\n")  # machine output: bytes as they are
    else:
        for i in impacts:
            out.print(i.describe())
        if not impacts:
            out.print(f"no descriptor changes since {base}")
    raise typer.Exit(1 if invalid else 0)


@app.command()
def previews(
    expired: bool = typer.Option(False, "--expired", help="Print only the ids of previews past their TTL, one per line."),
    destroy_expired: bool = typer.Option(False, "--destroy-expired", help="Delete the stacks of every expired preview (model stacks, then the shared stack)."),
    region: str | None = typer.Option(None, "--region", help="AWS region (default: the AWS_REGION of the environment)."),
) -> None:
    """List the pull-request previews deployed in this account and region, with their age and
    TTL (needs AWS credentials: the clean-up job runs it with the preview role)."""
    from datetime import UTC, datetime

    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    from .previews import deployed_previews, destroy_previews

    client = boto3.client("cloudformation", region_name=region)
    try:
        found = deployed_previews(client)
    except (BotoCoreError, ClientError) as exc:
        err.print(f"sagestack previews: cannot list stacks: {exc}")
        raise typer.Exit(2) from None
    now = datetime.now(UTC)
    if destroy_expired:
        doomed = [p for p in found if p.expired(now)]
        if not doomed:
            out.print("no expired previews")
        try:
            destroy_previews(client, doomed, say=lambda line: out.print(line))
        except (BotoCoreError, ClientError, RuntimeError) as exc:
            err.print(f"sagestack previews: {exc}")
            raise typer.Exit(1) from None
        return
    if expired:
        for preview in found:
            if preview.expired(now):
                out.print(preview.id)
        return
    table = Table("preview", "stacks", "created", "expires", "expired")
    for preview in found:
        table.add_row(preview.id, str(len(preview.stacks)), f"{preview.created:%Y-%m-%d %H:%M}Z", f"{preview.expires:%Y-%m-%d %H:%M}Z", "yes" if preview.expired(now) else "no")
    out.print(table if found else "no previews deployed")


def _git(*args: str) -> str:
    import subprocess

    proc = subprocess.run(["git", *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.strip() or f"git {' '.join(args)} failed")
    return proc.stdout


def _base_descriptor(root: Path, path: Path, base: str):  # -> ModelDescriptor | None
    """The descriptor at ``path`` as of ``base`` (None when it did not exist there, was not a
    descriptor there, or was invalid). Validated as that path, so relative paths (source_dir)
    resolve as they do now; nothing is written beside it."""
    from .descriptor.loader import is_descriptor, load_source

    try:
        text = _git("show", f"{base}:{path.relative_to(root).as_posix()}")
    except (RuntimeError, ValueError):
        return None
    if not is_descriptor(path, text):
        return None
    return load_source(path, text).descriptor


def _removed(root: Path, files: list[Path], roots: list[Path], base: str):  # -> Iterator[ModelDescriptor]
    """Descriptors that existed under the given directories at ``base`` and are gone now."""
    current = {p.resolve() for p in files}
    for directory in (r.resolve() for r in roots if r.is_dir()):
        try:
            listed = _git("ls-tree", "--name-only", f"{base}:{directory.relative_to(root).as_posix()}").split()
        except (RuntimeError, ValueError):
            continue
        for name in listed:
            path = directory / name
            if path not in current:
                old = _base_descriptor(root, path, base)
                if old is not None:
                    yield old


@app.command("import")
def import_(
    paths: list[Path] = typer.Argument(..., help="Notebooks (.ipynb) or scripts (.py) that call the SageMaker Python SDK; a directory: its notebooks."),
    out_dir: Path | None = typer.Option(None, "--out", help="Directory the descriptors are written to (default: the configured catalog)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the descriptors and their problems; write nothing."),
    force: bool = typer.Option(False, "--force", help="Replace descriptors (and extracted scripts) that already exist."),
) -> None:
    """Write a descriptor for each model a notebook trains or deploys, read without running it:
    values it cannot resolve become marked placeholders, and each descriptor is validated at once.
    Exit 1 when a descriptor does not validate (placeholders included) or was not written."""
    from .importer import REASONS, SourceError, import_notebook
    from .importer.source import read_source

    target = out_dir or configured_catalog()
    files = [f for p in paths for f in (sorted(p.glob("*.ipynb")) if p.is_dir() else [p])]
    try:  # every file is a notebook or script before anything is written
        for file in files:
            read_source(file)
    except SourceError as exc:
        err.print(f"sagestack import: {exc}")
        raise typer.Exit(2) from None
    if not files:
        err.print(f"sagestack import: no notebooks in {', '.join(map(str, paths))}")
        raise typer.Exit(2)
    failed, taken = False, set[str]()
    for path in files:
        try:
            result = import_notebook(path, target, dry_run=dry_run, force=force, taken=taken)
        except SourceError as exc:  # changed since it was read above
            err.print(f"sagestack import: {exc}")
            raise typer.Exit(2) from None
        for note in result.notes:
            err.print(f"{path}: {note}")
        for call in result.uncovered:
            err.print(f"{path}: not imported: {call.describe()}")
        if not result.descriptors:
            err.print(f"{path}: no descriptor: {REASONS['no-sdk-calls']}")
        for item in result.descriptors:
            if dry_run:
                out.print(f"--- {item.path} (not written: --dry-run)")
                sys.stdout.write(item.text)
            elif item.written:
                err.print(f"wrote {item.path}" + (f" and {len(item.draft.files)} extracted script(s)" if item.draft.files else ""))
            for issue in item.issues:
                out.print(issue.format())
            style = {"valid": "green", "placeholders": "yellow"}.get(item.status, "red")
            label = {"valid": "valid", "placeholders": f"{len(item.draft.placeholders)} placeholder(s) to fill in", "invalid": "invalid", "exists": "not written"}[item.status]
            err.print(Text.assemble((label, style), f": {item.path} (from {path}, cells {', '.join(map(str, sorted(item.draft.cells)))})"))
            failed = failed or item.status != "valid"
        failed = failed or not result.descriptors
    raise typer.Exit(1 if failed else 0)


@app.command()
def reference() -> None:
    """Print the descriptor reference (Markdown tables, one per section) that docs/reference.md embeds."""
    from .descriptor.reference import markdown_reference

    sys.stdout.write(markdown_reference())


def main() -> None:  # console-script entry point
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
    app()


if __name__ == "__main__":
    main()
