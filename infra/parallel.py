"""Synthesize a large catalog in several processes, and merge what they write into the cloud
assembly one process writes.

The CDK runs in one Node process per app, and a model stack's construction and synthesis there
are most of a large catalog's time, one core's worth. Model stacks share nothing but the shared
stack's named exports, so the app forks worker processes (before validation, so that their CDK
start-up overlaps it), gives each the shared stack and a share of the model stacks (a stack that
depends on another model's stack goes with it), and merges their assemblies: every stack's files
as the worker wrote them, and the manifest and construct tree put back in the order one process
gives them. The result is byte-identical to a synthesis in one process (a test compares every
file), so it does not depend on the number of cores.

What it cannot merge exactly, it does not merge: a worker's failure fails the synth, as in one
process; an assembly it does not recognize (a validation report with findings, a construct tree
split into several files, an unknown file in two workers) is synthesized again in this process.
CDK's built-in CloudFormation validation (one report for the whole app) runs in one process.

``-c sagestack:workers=N`` sets the number of processes (``1``: one process); by default it is one
per core, at most ``MAX_WORKERS``, from ``MIN_MODELS`` model stacks on Linux.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import signal
import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Fewest model stacks worth more than one process: below, a second CDK start-up costs more
#: than it saves (docs/benchmark.md).
MIN_MODELS = 24
#: Most processes by default: each holds a Node process of about 300 MiB before its stacks.
MAX_WORKERS = 4

_SINGLE_FILES = ("manifest.json", "tree.json", "cdk.out", "validation-report.json")


class NotMergeable(Exception):
    """The workers' assemblies hold something the merge does not reproduce exactly."""


class WorkerFailed(Exception):
    """A worker's synthesis failed: ``message`` is the one-paragraph message for a user's mistake
    (None for an internal error, whose traceback is ``details``)."""

    def __init__(self, message: str | None, details: str) -> None:
        super().__init__(message or details)
        self.message = message
        self.details = details


def worker_count(context: dict[str, Any], model_count: int) -> tuple[int, str | None]:
    """How many processes synthesize ``model_count`` model stacks, and a usage message for a bad
    ``-c sagestack:workers``. One when the built-in validation runs, and off Linux (processes are
    forked)."""
    import threading

    given = context.get("sagestack:workers")
    if given is not None:
        try:
            count = int(str(given))
        except ValueError:
            count = 0
        if count < 1:
            return 1, f"sagestack: -c sagestack:workers takes a whole number of processes, 1 or more (got: {given})"
    else:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        count = min(cores, MAX_WORKERS) if model_count >= MIN_MODELS else 1
    if str(context.get("sagestack:validation", "false")).lower() == "true" or sys.platform != "linux" or threading.active_count() > 1:
        return 1, None
    return max(1, min(count, model_count)), None


def groups(descriptors: Sequence[Any], label: str) -> list[list[int]]:
    """Indices of ``descriptors`` that must be built in one app, in catalog order: models that
    serve on one endpoint (one stack deploys after the other's), and a pipeline with the
    multi-model endpoint it adds its model to."""
    from sagestack.descriptor.descriptor import endpoint_name_for

    parent = list(range(len(descriptors)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i: int, j: int) -> None:
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    by_endpoint: dict[str, int] = {}
    by_name = {d.name: i for i, d in enumerate(descriptors)}
    for i, d in enumerate(descriptors):
        if d.deploy is not None:
            join(i, by_endpoint.setdefault(endpoint_name_for(d, label), i))
        target = d.add_model.multi_data_model if d.add_model is not None else None
        if target in by_name:
            join(i, by_name[target])
    members: dict[int, list[int]] = {}
    for i in range(len(descriptors)):
        members.setdefault(find(i), []).append(i)
    return list(members.values())


def shares(grouped: Sequence[Sequence[int]], workers: int) -> list[list[int]]:
    """At most ``workers`` lists of indices, none empty, each sorted: whole groups, each given in
    catalog order to the share with the fewest stacks so far (the first of them on a tie), so that
    neighbouring models, often of one kind, are spread over the shares."""
    out: list[list[int]] = [[] for _ in range(max(1, workers))]
    for g in grouped:
        min(out, key=len).extend(g)
    return [sorted(s) for s in out if s]


@dataclass
class _Worker:
    pid: int
    jobs: int  # write end: the job, pickled
    results: int  # read end: the outcome, pickled


def read_all(fd: int) -> bytes:
    """Everything until the writer closes its end."""
    chunks = []
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def as_child() -> None:
    """In a process this app forked: the default end on SIGTERM (the app stops it so), and Ctrl-C
    left to the app, which stops it."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class Workers:
    """Processes forked now, while this one has no thread and no Node process: each starts the
    CDK at once, then waits for its share of the catalog (:meth:`synthesize`). ``start`` is run in
    each (the CDK's start-up), ``build`` there makes the app of a share."""

    def __init__(self, count: int, *, start: Callable[[], None], build: Callable[..., Any]) -> None:
        self.workers: list[_Worker] = []
        for _ in range(count):
            job_read, job_write = os.pipe()
            result_read, result_write = os.pipe()
            pid = os.fork()
            if pid == 0:  # the worker: never returns into the caller's code
                code = 1
                try:
                    os.close(job_write)
                    os.close(result_read)
                    for other in self.workers:
                        os.close(other.jobs)
                        os.close(other.results)
                    as_child()
                    code = _serve(job_read, result_write, start, build)
                except BaseException:  # the parent reports a worker that ends without a result
                    traceback.print_exc()
                finally:
                    sys.stdout.flush()
                    sys.stderr.flush()
                    os._exit(code)
            os.close(job_read)
            os.close(result_write)
            self.workers.append(_Worker(pid, job_write, result_read))

    def synthesize(self, staging: Path, descriptors: Sequence[Any], split: Sequence[Sequence[int]], *, catalog: Sequence[Any], options: dict[str, Any]) -> None:
        """Each worker builds the app of one share of ``descriptors`` (``split``: their indices;
        the shared stack, then these descriptors' stacks in order) into a directory of its own;
        then their assemblies are merged into ``staging``. Raises :class:`WorkerFailed` (the first
        failing worker's) or :class:`NotMergeable`."""
        parts = [[descriptors[i] for i in share] for share in split]
        where = {i: (w, position) for w, share in enumerate(split) for position, i in enumerate(share)}
        dirs = [Path(tempfile.mkdtemp(prefix=".part-", dir=staging)) for _ in parts]
        for worker, part, outdir in zip(self.workers, parts, dirs, strict=False):  # the workers beyond the parts get none
            job = pickle.dumps({"descriptors": list(part), "catalog": list(catalog), "outdir": str(outdir), "options": options}, protocol=pickle.HIGHEST_PROTOCOL)
            try:
                write_all(worker.jobs, job)
            except BrokenPipeError:
                raise WorkerFailed(None, "a synthesis process ended before it was given its models") from None
            finally:
                os.close(worker.jobs)
                worker.jobs = -1
        self.close()  # workers without a part exit now
        outcomes = []
        for worker in self.workers[: len(parts)]:
            data = read_all(worker.results)
            outcomes.append(pickle.loads(data) if data else ("internal", None, "a synthesis process ended without a result"))
        self.wait()
        for kind, message, details in outcomes:
            if kind != "ok":
                raise WorkerFailed(message if kind == "failed" else None, details)
        merge(staging, dirs, [len(p) for p in parts], order=[where[i] for i in range(len(descriptors))])
        for outdir in dirs:
            os.rmdir(outdir)

    def close(self) -> None:
        """Tell every worker that has no job yet that there is none (it exits)."""
        for worker in self.workers:
            if worker.jobs >= 0:
                os.close(worker.jobs)
                worker.jobs = -1

    def wait(self) -> None:
        for worker in self.workers:
            if worker.results >= 0:
                os.close(worker.results)
                worker.results = -1
            if worker.pid:
                os.waitpid(worker.pid, 0)
                worker.pid = 0

    def stop(self) -> None:
        """End every worker still running (on any way out of the app)."""
        self.close()
        for worker in self.workers:
            if worker.pid:
                try:
                    os.kill(worker.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        self.wait()


def _serve(job_read: int, result_write: int, start: Callable[[], None], build: Callable[..., Any]) -> int:
    """A worker: start the CDK, wait for a job, build and synthesize it, report the outcome."""
    try:
        start()
    except BaseException:  # reported once a job comes (none may come: the catalog may be invalid)
        started_error = traceback.format_exc()
    else:
        started_error = None
    data = read_all(job_read)
    os.close(job_read)
    if not data:
        return 0
    job = pickle.loads(data)
    outcome: tuple[str, str | None, str]
    if started_error is not None:
        outcome = ("internal", None, started_error)
    else:
        try:
            build(job["descriptors"], outdir=job["outdir"], catalog=job["catalog"], **job["options"]).synth()
            outcome = ("ok", None, "")
        except Exception as exc:  # reported by the app, as it reports a failure in one process
            from .app import _synth_failure

            message = _synth_failure(exc)
            outcome = ("failed", message, "") if message is not None else ("internal", None, traceback.format_exc())
    write_all(result_write, pickle.dumps(outcome))
    os.close(result_write)
    return 0


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _manifest_segments(manifest: dict[str, Any]) -> tuple[list[list[tuple[str, Any]]], list[tuple[str, Any]]]:
    """A manifest's artifacts cut after each stack (a stack's asset manifest comes before it), and
    what follows the last stack (the tree)."""
    segments: list[list[tuple[str, Any]]] = []
    current: list[tuple[str, Any]] = []
    for key, artifact in manifest["artifacts"].items():
        current.append((key, artifact))
        if artifact.get("type") == "aws:cloudformation:stack":
            segments.append(current)
            current = []
    return segments, current


def merge(into: Path, parts: Sequence[Path], sizes: Sequence[int], *, order: Sequence[tuple[int, int]]) -> None:
    """Merge the assemblies in ``parts`` (part ``w`` holds the shared stack, then ``sizes[w]``
    model stacks) into ``into``, as one process writes them: ``order`` lists each model stack's
    (part, position), in the order one process builds them. Raises :class:`NotMergeable` before
    moving anything when a part holds what this does not reproduce."""
    if not all((p / "manifest.json").is_file() for p in parts):
        raise NotMergeable("a part has no manifest")
    manifests = [_load(p / "manifest.json") for p in parts]
    has_tree = {(p / "tree.json").is_file() for p in parts}
    if len(has_tree) != 1:
        raise NotMergeable("some parts have a construct tree, some none")
    trees = [_load(p / "tree.json") for p in parts] if has_tree == {True} else None  # none: the app writes no tree
    first = manifests[0]
    for m in manifests:
        if set(m) - {"version", "artifacts", "minimumCliVersion"} or m["version"] != first["version"] or m.get("minimumCliVersion") != first.get("minimumCliVersion"):
            raise NotMergeable("manifests differ beyond their artifacts")
    for name in ("cdk.out", "validation-report.json"):
        texts = {(p / name).read_bytes() if (p / name).exists() else None for p in parts}
        if len(texts) != 1:
            raise NotMergeable(f"{name} differs between the parts")
    segmented = [_manifest_segments(m) for m in manifests]
    for (segments, tail), size in zip(segmented, sizes, strict=True):
        if len(segments) != size + 1 or tail != segmented[0][1]:
            raise NotMergeable("a part's manifest does not hold the shared stack and its model stacks")
    shared_segment = segmented[0][0][0]
    if any(s[0][0] != shared_segment for s in segmented):
        raise NotMergeable("the parts' shared stacks differ")
    kept = [shared_segment, *(segmented[w][0][i + 1] for w, i in order), segmented[0][1]]
    artifacts = {key: artifact for segment in kept for key, artifact in segment}
    if len(artifacts) != sum(len(segment) for segment in kept):
        raise NotMergeable("two parts hold an artifact of the same name")
    manifest = {**first, "artifacts": artifacts}

    def stack_ids(segments: list[list[tuple[str, Any]]]) -> list[str]:
        return [seg[-1][0] for seg in segments]

    tree = None
    if trees is not None:
        root = trees[0]["tree"]
        if any(set(t) != {"version", "tree"} or set(t["tree"]) != set(root) for t in trees):
            raise NotMergeable("the construct trees differ in form")
        stacks = [stack_ids(s) for s, _ in segmented]
        children = [t["tree"].get("children", {}) for t in trees]
        if any(not set(ids) <= set(kids) for ids, kids in zip(stacks, children, strict=True)):
            raise NotMergeable("a stack is missing from its part's construct tree")
        ordered_stacks = [stacks[0][0], *(stacks[w][i + 1] for w, i in order)]
        keys = list(children[0])
        before = [k for k in keys[: keys.index(stacks[0][0])] if k not in stacks[0]]
        after = [k for k in keys[keys.index(stacks[0][0]) :] if k not in stacks[0]]
        if any([k for k in kids if k not in ids] != before + after for ids, kids in zip(stacks, children, strict=True)):
            raise NotMergeable("the construct trees differ outside their stacks")
        owner = {stacks[0][0]: 0, **{stacks[w][i + 1]: w for w, i in order}}
        merged_children = {k: children[0][k] for k in before}
        merged_children.update({s: children[owner[s]][s] for s in ordered_stacks})
        merged_children.update({k: children[0][k] for k in after})
        tree = {**trees[0], "tree": {**root, "children": merged_children}}

    # Every other entry: unique to a part, or the same in each (the shared stack's files; assets,
    # named by their content's hash).
    moves: dict[str, Path] = {}
    for part in parts:
        for entry in sorted(part.iterdir()):
            if entry.name in _SINGLE_FILES:
                continue
            seen = moves.get(entry.name)
            if seen is None:
                moves[entry.name] = entry
            elif entry.name.startswith("asset."):
                continue
            elif not (entry.is_file() and seen.is_file() and entry.read_bytes() == seen.read_bytes()):
                raise NotMergeable(f"two parts wrote {entry.name} differently")
    for name, entry in moves.items():
        entry.rename(into / name)
    (into / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    if tree is not None:
        (into / "tree.json").write_text(json.dumps(tree, separators=(",", ":"), ensure_ascii=False), encoding="utf-8")
    for name in ("cdk.out", "validation-report.json"):
        if (parts[0] / name).exists():
            (parts[0] / name).rename(into / name)
    for part in parts:
        for entry in part.iterdir():
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()
