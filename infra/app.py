"""Build the CDK app from the descriptor catalog.

The catalog is validated before any CDK code runs (a selection: see below); when it has errors,
they are printed in the ``file:line: path: problem`` format and synthesis stops with exit code 1
and nothing written.

The app synthesizes into a fresh directory beside the output directory (``CDK_OUTDIR``, which the
cdk CLI sets; default ``cdk.out``) and replaces the output directory's contents with it only once
synthesis has succeeded: a failure at any point (construct code, cdk-nag findings, a full disk)
leaves the previous cloud assembly exactly as it was.

A large catalog is synthesized by several processes (:mod:`infra.parallel`). A ``-c models=``
selection whose own files are valid is synthesized while the rest of the catalog is validated
beside it (:mod:`infra.selection`), and published only if all of it is valid. Either way the cloud
assembly is the one a single process writes after validating the whole catalog.
"""

from __future__ import annotations

import gc
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from sagestack.descriptor import Catalog, ModelDescriptor, load_catalog

from . import parallel, selection

REPO_ROOT = Path(__file__).resolve().parent.parent


def catalog_dir(context_value: str | None = None) -> Path:
    """The catalog directory: CDK context ``sagestack:catalog`` (cdk.json), relative to the repo root."""
    return REPO_ROOT / (context_value or "infra/models")


def load(paths: Sequence[Path], *, meanwhile: Callable[[], None] | None = None) -> Catalog:
    return load_catalog(paths, meanwhile=meanwhile)


class CdkStart:
    """The CDK's start-up (aws-cdk-lib's import, which starts its Node process and loads its
    libraries there; sagestack's constructs and Node module; cdk-nag when it runs) made in a
    thread while the catalog is validated: the Node side of it overlaps validation, instead of
    following it. Only that thread talks to Node until :meth:`wait` returns; validation never
    does. Started once validation has forked its workers (a forked process inherits no thread)."""

    def __init__(self, *, nag: bool) -> None:
        self.nag = nag
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, name="sagestack-cdk-start", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            import aws_cdk  # noqa: F401  # starts the Node process and loads aws-cdk-lib into it

            from sagestack import jsii_batch

            from . import stacks  # noqa: F401  # the constructs' modules

            jsii_batch.load()
            if self.nag:
                import cdk_nag  # noqa: F401
        except BaseException as exc:  # raised again by wait(), in the main thread
            self.error = exc

    def run(self) -> None:
        """The start-up, here and now (in a synthesis worker, :mod:`infra.parallel`)."""
        self._run()
        if self.error is not None:
            raise self.error

    def wait(self) -> None:
        """Wait for the start-up; raise what it raised. A no-op when it never started."""
        if self.thread is not None:
            self.thread.join()
            self.thread = None
            if self.error is not None:
                raise self.error


def model_names(models: object) -> list[str]:
    """The names ``-c models=a,b`` gives, once each, in order (none when not given)."""
    return list(dict.fromkeys(m.strip() for m in str(models or "").split(",") if m.strip()))


def select(descriptors: Sequence[ModelDescriptor], models: str | None) -> tuple[list[ModelDescriptor], str | None]:
    """The descriptors named in ``-c models=a,b`` (all when not given), or an error message."""
    wanted = model_names(models)
    if not wanted:
        return list(descriptors), None
    by_name = {d.name: d for d in descriptors}
    unknown = [m for m in wanted if m not in by_name]
    if unknown:
        return [], f"sagestack: -c models names no such model: {', '.join(unknown)} (allowed: {', '.join(sorted(by_name))})"
    return [by_name[m] for m in wanted], None


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
    preview: str | None = None, ttl_hours: int | None = None, region: str | None = None, account: str | None = None, validation: bool = False,
    catalog: Sequence[ModelDescriptor] | None = None,
):  # -> aws_cdk.App
    """An App with the shared stack and one stack per descriptor. Imports aws_cdk only here, after validation.

    :param nag: run cdk-nag's AwsSolutions pack on the synth (default; ``-c sagestack:nag=false``
        turns it off, e.g. to measure synthesis alone in bench/run.py).
    :param suffix: appended to every stack, endpoint and run name (default: none, the default
        environment); the environment's name, or the preview id.
    :param preview: the preview id (``-c preview=``): tags every stack with it and ``ttl_hours``,
        and makes every resource deleted with its stack.
    :param validation: also run aws-cdk-lib's built-in CloudFormation validation (its
        CloudFormationValidatePlugin: resource schemas and its rules, reported as warnings) on the
        synth (default off, ``-c sagestack:validation=true`` turns it on). It costs seconds per
        synth and proves nothing the tests do not: they run cfn-lint, which checks the same
        schemas and rules with errors as failures, over every template the catalog synthesizes.
    :param catalog: every descriptor of the catalog (default: ``descriptors``), where a pipeline's
        ``add_model.multi_data_model`` finds its multi-model endpoint when only some models are
        synthesized (``-c models=``).
    """
    import aws_cdk as cdk

    from .stacks import ModelStack, SharedStack

    # auto_synth off: under the cdk CLI, aws-cdk-lib would otherwise synthesize again when its
    # process exits, after a failed synth too.
    options = {"outdir": outdir} if outdir else {}
    app = cdk.App(auto_synth=False, builtin_cloud_formation_validation=validation, **options)
    # Every synth runs the AwsSolutions pack; an unacknowledged finding fails the synth.
    if nag:
        from cdk_nag import AwsSolutionsChecks

        cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))
    where = dict(environment=environment, suffix=suffix, preview=preview, ttl_hours=ttl_hours, region=region, account=account)
    shared = SharedStack(app, **where)  # type: ignore[arg-type]
    from sagestack.pipeline.steps.add_model import multi_model_target

    # A sized descriptor wins over the catalog's (an environment's overrides); the prefix is the same.
    known = {**{d.name: d for d in catalog or ()}, **{d.name: d for d in descriptors}}
    stacks = [
        ModelStack(app, descriptor=descriptor, shared=shared, multi_model=multi_model_target(descriptor, known, preview or environment, preview=preview is not None), **where)  # type: ignore[arg-type]
        for descriptor in descriptors
    ]
    # A model that adds its inference component to another descriptor's endpoint deploys after
    # that descriptor's stack (and is destroyed before it, so the endpoint goes last).
    owners: dict[str, list[ModelStack]] = {}
    for stack in stacks:
        endpoint, owns = _endpoint_of(stack)
        if endpoint is not None and owns:
            owners.setdefault(endpoint, []).append(stack)
    for stack in stacks:
        endpoint, owns = _endpoint_of(stack)
        if endpoint is not None and not owns:
            for owner in owners.get(endpoint, []):
                stack.add_stack_dependency(owner)
    # A pipeline that adds its model to a multi-model endpoint of the catalog deploys after it.
    by_name = {stack.descriptor.name: stack for stack in stacks}
    for stack in stacks:
        spec = stack.descriptor.add_model
        if spec is not None and spec.multi_data_model in by_name:
            stack.add_stack_dependency(by_name[spec.multi_data_model])
    return app


def _endpoint_of(stack: Any) -> tuple[str | None, bool]:
    """The endpoint a model stack serves on, and whether the stack (or its pipeline's runs) creates it."""
    if stack.hosting is not None:
        return stack.hosting.endpoint_name, stack.hosting.endpoint is not None
    if stack.training is not None and stack.training.endpoint_name is not None:
        return stack.training.endpoint_name, stack.training.owns_endpoint
    return None, False


def fail(problems: Sequence[object], summary: str) -> NoReturn:
    """Print every problem (issues in their file:line format, or messages), then ``summary``; exit 1."""
    from sagestack.descriptor import Issue

    for problem in problems:
        print(problem.format() if isinstance(problem, Issue) else problem, file=sys.stderr)
    print(summary, file=sys.stderr)
    sys.exit(1)


# What the cdk CLI keeps in the output directory while it runs the app: its lock files (and their
# write-then-rename temporaries) and the files it names in CDK_ERROR_FILE and CDK_PERF_COUNTERS_FILE.
# They are the CLI's, not the assembly's: never moved, replaced or removed.
_CLI_LOCKS = re.compile(r"^(synth\.lock|read\.[^.]+\.[^.]+\.lock)(\.[0-9]+_[0-9]+)?$")


def _cli_owned(outdir: Path) -> Callable[[str], bool]:
    named = {Path(os.environ[v]).name for v in ("CDK_ERROR_FILE", "CDK_PERF_COUNTERS_FILE") if os.environ.get(v) and Path(os.environ[v]).resolve().parent == outdir}
    return lambda name: bool(_CLI_LOCKS.match(name)) or name in named


def _publish(staged: Path, outdir: Path) -> None:
    """Replace the contents of ``outdir`` (but the CLI's own files) with those of ``staged``.

    The previous entries are moved aside first and put back if any move in fails, so the output
    directory holds either the old assembly or the new one.
    """
    cli_owned = _cli_owned(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    aside = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.previous-", dir=outdir.parent))
    moved_out: list[str] = []
    moved_in: list[str] = []
    try:
        for entry in sorted(outdir.iterdir()):
            if not cli_owned(entry.name):
                shutil.move(str(entry), str(aside / entry.name))
                moved_out.append(entry.name)
        for entry in sorted(staged.iterdir()):
            shutil.move(str(entry), str(outdir / entry.name))
            moved_in.append(entry.name)
    except BaseException:
        for name in reversed(moved_in):
            shutil.move(str(outdir / name), str(staged / name))
        for name in reversed(moved_out):
            shutil.move(str(aside / name), str(outdir / name))
        shutil.rmtree(aside)
        raise
    shutil.rmtree(aside, ignore_errors=True)


def synthesize_into(outdir: Path, synthesize: Callable[[str], object], *, before_publish: Callable[[], None] | None = None) -> None:
    """Run ``synthesize(staging_dir)``, then ``before_publish()`` (when given), then make
    ``outdir`` hold exactly what was written.

    The staging directory is created beside ``outdir`` (same file system: entries move, not copy)
    and removed whatever happens; on any exception (or exit) ``outdir`` is left untouched and the
    exception propagates.
    """
    outdir = outdir.resolve()
    outdir.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.synth-", dir=outdir.parent))
    try:
        synthesize(str(staged))
        if before_publish is not None:
            before_publish()
        _publish(staged, outdir)
    finally:
        shutil.rmtree(staged, ignore_errors=True)


def _synth_failure(exc: BaseException) -> str | None:
    """A one-paragraph message for the failures a user can act on, None for internal errors."""
    from jsii.errors import JavaScriptError, JSIIError

    from sagestack.render.images import ImageError

    # aws-cdk-lib's own validation errors, cdk-nag's findings among them (jsii raises them as a
    # RuntimeError caused by the JavaScript error).
    if isinstance(exc, JSIIError) or isinstance(exc.__cause__, JavaScriptError):
        text = " ".join(str(exc).split())
        # The report's copy was in the staging directory, which is gone; the report was printed.
        text = re.sub(r"\s*A copy of this report can be found in: \S+", " (the validation report above lists each finding)", text)
        return f"sagestack: synthesis failed: {text[:2000]}"
    if isinstance(exc, ImageError):
        return f"sagestack: synthesis failed: no container image: {exc}"
    if isinstance(exc, OSError):
        return f"sagestack: synthesis failed: cannot write the cloud assembly: {exc}"
    return None


def _terminated(signum: int, frame: object) -> NoReturn:
    # As for Ctrl-C: unwind, so the staging directory is removed and the output left as it was.
    raise SystemExit(128 + signum)


def main() -> None:
    # The catalog path comes from cdk.json's context, which the cdk CLI passes in CDK_CONTEXT_JSON.
    import json

    from sagestack.descriptor.loader import descriptor_files

    # A synthesis is one short process that keeps nearly everything it makes until it ends, so the
    # cyclic collector's passes over a heap that only grows free little and cost about a tenth of
    # a large catalog's time: what is loaded so far is never scanned again, and passes are rare
    # (reference counting still frees everything else at once).
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    context = json.loads(os.environ.get("CDK_CONTEXT_JSON", "{}") or "{}")
    nag = str(context.get("sagestack:nag", "true")).lower() != "false"
    cdk_start = CdkStart(nag=nag)
    # A large catalog is synthesized by several processes (infra.parallel), forked now, before
    # validation starts any thread: their CDK start-up overlaps validation.
    wanted = model_names(context.get("models"))
    count, problem = parallel.worker_count(context, len(wanted) if wanted else len(descriptor_files([catalog_dir(context.get("sagestack:catalog"))])[0]))
    if problem:
        fail([problem], "sagestack: nothing synthesized")
    workers = parallel.Workers(count, start=CdkStart(nag=nag).run, build=build_app) if count > 1 else None
    background: list[selection.BackgroundValidation] = []  # stopped however the app ends
    try:
        _main(context, cdk_start, workers, background)
    finally:
        cdk_start.wait()  # also before exiting on a user's mistake: no thread is left talking to Node
        if workers is not None:
            workers.stop()
        for validation in background:
            validation.stop()


def _report(catalog: Catalog) -> None:
    """Print the catalog's issues; exit 1 (nothing synthesized) when it has errors."""
    for issue in catalog.issues:
        print(issue.format(), file=sys.stderr)
    if not catalog.ok():
        fail([], f"sagestack: {len(catalog.errors)} error(s) in the catalog; nothing synthesized")


def _main(context: dict[str, Any], cdk_start: CdkStart, workers: parallel.Workers | None = None, background: list[selection.BackgroundValidation] | None = None) -> None:
    path = catalog_dir(context.get("sagestack:catalog"))
    wanted = model_names(context.get("models"))
    # -c models=mnist-tf[,kmeans]: synthesize only these models' stacks. The whole catalog is still
    # validated, so a selection never hides a broken descriptor; when the selected models' own
    # files are valid, that runs beside their synthesis (infra.selection), and nothing is written
    # unless the catalog is valid.
    early = selection.early_descriptors(path, wanted) if wanted and workers is None else None
    validating = None
    if early is not None:
        validating = selection.BackgroundValidation([path], wanted)  # forked before any thread starts
        if background is not None:
            background.append(validating)
        cdk_start.start()
        selected = early
    else:
        # Without workers, the CDK starts in a thread while the catalog is validated.
        catalog = load([path], meanwhile=cdk_start.start if workers is None else None)
        _report(catalog)
        selected, problem = select(catalog.descriptors, context.get("models"))
        if problem:
            fail([problem], "sagestack: nothing synthesized")
    checked: list[bool] = []

    def validated() -> None:  # the whole catalog, when it was validated beside the synthesis (once)
        if validating is not None and not checked:
            checked.append(True)
            found = validating.result()
            _report(found)
            if not selection.same_selection(found, selected):
                raise RuntimeError("the catalog's validation gave the selected models other descriptors than their own files did")

    # -c env=prod: the environment's account, region and overrides (infra/environments.yaml).
    # -c preview=pr-123: the preview's base environment, made small, isolated and disposable.
    preview = context.get("preview") or None
    sized, envs, chosen, issues = for_environment(selected, REPO_ROOT / context.get("sagestack:environments", ENVIRONMENTS_FILE), context.get("env"), preview=preview)
    if any(i.severity == "error" for i in issues) or envs.environments is None:  # type: ignore[attr-defined]
        validated()  # the catalog's problems first, as when it is validated before
        fail(issues, f"sagestack: {sum(1 for i in issues if i.severity == 'error')} problem(s) with the environments or the preview; nothing synthesized")
    settings = envs.environments.environments[chosen]  # type: ignore[attr-defined]
    suffix = preview or (None if chosen == envs.environments.default else chosen)  # type: ignore[attr-defined]
    outdir = Path(os.environ.get("CDK_OUTDIR") or "cdk.out")
    signal.signal(signal.SIGTERM, _terminated)
    options = dict(
        nag=cdk_start.nag, environment=chosen, suffix=suffix, preview=preview,
        ttl_hours=envs.environments.preview.ttl_hours if preview else None, region=settings.region, account=settings.account,  # type: ignore[attr-defined]
        validation=str(context.get("sagestack:validation", "false")).lower() == "true",
    )
    if workers is not None:
        split = parallel.shares(parallel.groups(sized, preview or chosen), len(workers.workers))
        try:
            if len(split) > 1:
                print(f"sagestack: synthesizing {len(sized):,} model stacks and the shared stack in {len(split)} processes", file=sys.stderr)
                synthesize_into(outdir, lambda staging: workers.synthesize(Path(staging), sized, split, catalog=catalog.descriptors, options=options))
                return
        except parallel.WorkerFailed as exc:
            if exc.message is None:
                print(f"sagestack: synthesis failed with an internal error (traceback below); {outdir}/ is left as it was", file=sys.stderr)
                print(exc.details, file=sys.stderr)
                sys.exit(1)
            fail([], f"{exc.message} ({outdir}/ is left as it was)")
        except parallel.NotMergeable:
            pass  # synthesized again below, in this process, which gives the same assembly
        finally:
            workers.stop()
        cdk_start.start()
    cdk_start.wait()
    try:
        synthesize_into(outdir, lambda staging: build_app(sized, outdir=staging, catalog=selected if validating is not None else catalog.descriptors, **options).synth(), before_publish=validated)  # type: ignore[arg-type]
    except Exception as exc:
        validated()  # a catalog with errors is reported as such, before any failure of its synthesis
        message = _synth_failure(exc)
        if message is None:
            print(f"sagestack: synthesis failed with an internal error (traceback below); {outdir}/ is left as it was", file=sys.stderr)
            raise
        fail([], f"{message} ({outdir}/ is left as it was)")
