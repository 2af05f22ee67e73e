"""Calls on CDK objects sent as data, so that many of them cost one jsii request.

Each call from Python on a CDK object is a round trip to the CDK's Node process, and building a
model's constructs is mostly such round trips. This module sends calls as data to a small Node
module (``jsii_batch/``, loaded into the same Node process as aws-cdk-lib), which makes them:

- :func:`call` for calls whose result nothing reads (metadata, an override, a dependency, a grant,
  a tag, an acknowledgment): inside ``with deferred():`` it is queued, and the queue runs, in
  order, in one request when the outermost block ends. The constructs open the block in their
  ``__init__`` (``nag.gathers_acknowledgments``), so a construct is complete, as before, when it
  returns; outside any block a call runs at once.
- :func:`evaluate` for several calls whose results Python needs (a construct and its ARN): one
  request, now, returning each result.

A call is written as its target and the path to it, in aws-cdk-lib's own (JavaScript) names, so
that what runs in Node is exactly what the Python call would run::

    call(function, "node", "defaultChild", ("addMetadata", "checkov", {...}))   # function.node.default_child.add_metadata(...)
    call("aws-cdk-lib:Tags", ("of", stack), ("add", "team", "ml"))              # cdk.Tags.of(stack).add(...)
    role, arn = evaluate(("aws-cdk-lib:aws_iam.Role", ("new", scope, "Role", {...})), (result(0), "roleArn"))

A step is a property name, ``(method, *arguments)`` or ``("new", *arguments)``; a target is a jsii
object, ``"aws-cdk-lib:<export>"`` or a :func:`result`. An argument that Node must look up when
the call runs (a child a queued grant creates) is a :func:`value`. Nothing may read, before a
deferred block ends, what a queued call changes: such a read goes through jsii at once and would
see the construct without it.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jsii

__all__ = ["call", "deferred", "evaluate", "load", "output", "result", "value", "Step"]

NODE_MODULE = Path(__file__).parent / "jsii_batch"
_NAME = "sagestack-jsii-batch"
_VERSION = "1.0.0"
_FILES = ("package.json", ".jsii", "index.js")

#: One step of a path: a property name, or a method's name (or "new") and its arguments.
Step = str | tuple[Any, ...]
#: A target and the steps from it.
Expression = tuple[Any, ...]


class _Batch:
    """The Node module's class, as jsii names it (a static method needs only its name)."""

    __jsii_type__ = f"{_NAME}.Batch"


_queues: list[list[list[Any]]] = []
_loaded: list[bool] = []


def _encoded(target: Any, path: tuple[Step, ...]) -> list[Any]:
    if not path:
        raise ValueError("a call needs a path")
    return [target, *(s if isinstance(s, str) else list(s) for s in path)]


def value(target: Any, *path: Step) -> dict[str, Any]:
    """An argument that Node evaluates when the call that takes it runs: ``target`` followed along
    ``path`` (``value(role, "node", ("findChild", "DefaultPolicy"))``)."""
    return {"sagestack:value": _encoded(target, path) if path else [target]}


def result(index: int) -> dict[str, int]:
    """The result of the ``index``-th expression of the same :func:`evaluate` (or queue)."""
    return {"sagestack:result": index}


def call(target: Any, *path: Step) -> None:
    """Queue ``target`` followed along ``path`` (its last step a call), or run it at once outside
    any :func:`deferred` block."""
    encoded = _encoded(target, path)
    if _queues:
        _queues[-1].append(encoded)
    else:
        _send("run", [encoded])


@contextmanager
def deferred() -> Iterator[None]:
    """Queue the calls made in the block and run them when it ends (when the outermost block ends,
    if blocks nest); nothing runs if the block raises."""
    if _queues:
        yield
        return
    queue: list[list[Any]] = []
    _queues.append(queue)
    try:
        yield
    finally:
        _queues.pop()
    if queue:
        _send("run", queue)


def evaluate(*expressions: Expression) -> list[Any]:
    """Each expression's result, evaluated in order in one request (a :func:`result` names an
    earlier one). Queued calls do not run first."""
    return list(_send("evaluate", [_encoded(e[0], e[1:]) for e in expressions]))


def output(scope: Any, construct_id: str, *, value: str, description: str, export_name: str | None = None) -> None:
    """``cdk.CfnOutput(scope, construct_id, value=value, description=description,
    export_name=export_name)``, as a :func:`call`: for outputs nothing reads, made last in their
    scope (a deferred one is made when the block ends, after what the scope makes meanwhile)."""
    props = {"value": value, "description": description, **({"exportName": export_name} if export_name else {})}
    call("aws-cdk-lib:CfnOutput", ("new", scope, construct_id, props))


def load() -> None:
    """Load the Node module into the CDK's Node process (once; the first call does it otherwise)."""
    if not _loaded:
        jsii.kernel.load(_NAME, _VERSION, str(_tarball()))
        _loaded.append(True)


def _send(method: str, expressions: list[list[Any]]) -> Any:
    """One request: the expressions as JSON text, each jsii object in them replaced by its index in
    a list sent beside it (jsii then passes one string and a list of references instead of
    converting every value, in Python and in Node)."""
    load()
    objects: list[Any] = []
    index: dict[int, int] = {}

    def reference(obj: Any) -> dict[str, int]:
        if not hasattr(obj, "__jsii_ref__") and not hasattr(obj, "__jsii_type__"):
            raise TypeError(f"a jsii batch takes JSON values and jsii objects, not {type(obj).__name__}")
        if id(obj) not in index:
            index[id(obj)] = len(objects)
            objects.append(obj)
        return {"sagestack:object": index[id(obj)]}

    text = json.dumps(expressions, default=reference, separators=(",", ":"), allow_nan=False)
    return jsii.kernel.sinvoke(_Batch, method, [text, objects])


def _tarball() -> Path:
    """The Node module as the npm tarball jsii loads: built from its files, under a name that is
    their hash (a changed module is a new file, and concurrent processes write the same bytes)."""
    contents = {name: (NODE_MODULE / name).read_bytes() for name in _FILES}
    digest = hashlib.sha256(b"".join(name.encode() + b"\0" + data for name, data in contents.items())).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"{_NAME}-{digest}.tgz"
    if not path.exists():
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
            for name, data in contents.items():
                info = tarfile.TarInfo(f"package/{name}")
                info.size, info.mode, info.mtime = len(data), 0o644, 0
                archive.addfile(info, io.BytesIO(data))
        staging = path.with_name(f"{path.name}.{id(buffer)}.tmp")
        staging.write_bytes(buffer.getvalue())
        staging.replace(path)
    return path
