"""Runs one Python descriptor in a process of its own and writes its ``descriptor`` value back as
JSON data. Started by :mod:`sagestack.descriptor.python_eval` as ``python -I <this file> ...``;
standard library only, so that the child imports nothing the descriptor did not ask for.

Arguments: the JSON file with the job (descriptor path, its source, sys.path), the result file,
the progress file (8 bytes: the descriptor line last executed) and the limits.

The descriptor's own code can do anything its user can; what this process guarantees is that
whatever it does (exit, print, loop, crash, patch sagestack's modules) stays in this process and
comes back to the parent as one problem of this file.
"""

import builtins
import datetime
import json
import math
import mmap
import os
import struct
import sys
import threading
import traceback
from typing import TYPE_CHECKING, NoReturn, TextIO, cast

if TYPE_CHECKING:  # for annotations only (quoted below): the child imports no more than it runs
    from collections.abc import Iterable
    from types import FrameType

    from _typeshed import TraceFunction

_KINDS = "dicts, lists, strings, numbers, true/false, None and dates"


class _Unsupported(Exception):
    def __init__(self, path: list[str | int], what: str) -> None:
        super().__init__(path, what)
        self.path, self.what = path, what


def _encode(value: object, path: list[str | int]) -> object:
    """The value as JSON data; dates, non-finite numbers and non-string keys are tagged so that
    the parent gets back exactly what a YAML file could hold."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return {"$float": repr(value)}
    if isinstance(value, datetime.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dict):
        pairs: list[list[object]] = []
        for key, item in value.items():
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                raise _Unsupported(path, f"a key of type {type(key).__name__}")
            pairs.append([_encode(key, path), _encode(item, path + [key if isinstance(key, (str, int)) else str(key)])])
        return {"$map": pairs}
    if isinstance(value, (list, tuple)):
        return [_encode(item, path + [index]) for index, item in enumerate(value)]
    raise _Unsupported(path, f"a value of type {type(value).__name__}")


def _line_in(tb_or_frames: "Iterable[traceback.FrameSummary]", filename: str) -> int | None:
    line = None
    for frame in tb_or_frames:
        if frame.filename == filename and frame.lineno:
            line = frame.lineno
    return line


def main() -> None:
    job_file, result_file, progress_file, memory_bytes, cpu_seconds, output_bytes = sys.argv[1:7]
    with open(job_file, encoding="utf-8") as handle:
        job = json.load(handle)
    filename, source = job["path"], job["source"]

    try:  # limits first, before the descriptor runs a line
        import resource

        for limit, amount in ((resource.RLIMIT_AS, int(memory_bytes)), (resource.RLIMIT_CPU, int(cpu_seconds)), (resource.RLIMIT_FSIZE, int(output_bytes))):
            if amount > 0:
                soft, hard = resource.getrlimit(limit)
                wanted = amount if hard == resource.RLIM_INFINITY else min(amount, hard)
                resource.setrlimit(limit, (wanted, hard))
    except (ImportError, ValueError, OSError):  # pragma: no cover - platforms without rlimits
        pass

    progress_handle = open(progress_file, "r+b")
    progress = mmap.mmap(progress_handle.fileno(), 8)
    result_handle = open(result_file, "w", encoding="utf-8")
    write_result = result_handle.write
    dumps = json.dumps
    finish = os._exit

    def tracer(frame: "FrameType", event: str, arg: object) -> "TraceFunction | None":
        if frame.f_code.co_filename != filename:
            return None
        if event == "line":
            struct.pack_into("<Q", progress, 0, frame.f_lineno)
        return tracer

    printed: list[list[object]] = []

    class Recorder:
        """Standard output and error of the descriptor: recorded with the line that wrote them,
        never passed on (they would corrupt the caller's own output, such as --format json)."""

        encoding = "utf-8"
        errors = "strict"

        def __init__(self, stream: str) -> None:
            self.stream = stream

        def write(self, text: str) -> int:
            if text and len(printed) < 5:
                frame: FrameType | None = sys._getframe(1)
                line: int | None = None
                while frame is not None:
                    if frame.f_code.co_filename == filename:
                        line = frame.f_lineno
                        break
                    frame = frame.f_back
                printed.append([self.stream, line, str(text)[:200]])
            return len(text)

        def flush(self) -> None:
            pass

        def isatty(self) -> bool:
            return False

        def writable(self) -> bool:
            return True

    def send(payload: dict[str, object]) -> NoReturn:
        payload["printed"] = printed
        write_result(dumps(payload))
        result_handle.flush()
        finish(0)  # no atexit handlers, no waiting for threads the descriptor started

    sys.path[:] = job["sys_path"]
    # print(), warnings and tracebacks use only write/flush/isatty of a stream.
    sys.stdout, sys.stderr = cast(TextIO, Recorder("stdout")), cast(TextIO, Recorder("stderr"))
    sys.stdin = open(os.devnull)
    namespace: dict[str, object] = {"__name__": "sagestack_descriptor", "__file__": filename, "__builtins__": builtins}
    try:
        code = compile(source, filename, "exec", dont_inherit=True)
    except SyntaxError as exc:
        send({"error": "syntax", "line": exc.lineno or 1, "message": f"{exc.msg}"})
    threading.settrace(tracer)
    sys.settrace(tracer)
    try:
        exec(code, namespace)
    except SystemExit as exc:
        sys.settrace(None)
        line = _line_in(traceback.extract_tb(exc.__traceback__), filename)
        send({"error": "exit", "line": line, "message": f"exit({exc.code!r})"})
    except BaseException as exc:  # noqa: BLE001 - user code: every failure goes back as data
        sys.settrace(None)
        line = _line_in(traceback.extract_tb(exc.__traceback__), filename)
        errors = None
        if type(exc).__name__ == "ValidationError" and hasattr(exc, "errors"):
            try:  # ModelDescriptor(...) built at import time: pydantic's errors, as data
                errors = json.loads(json.dumps(exc.errors(include_url=False), default=repr))
            except Exception:  # noqa: BLE001
                errors = None
        send({"error": "exception", "line": line, "type": type(exc).__name__, "message": str(exc)[:500], "errors": errors})
    sys.settrace(None)
    threading.settrace(None)
    if "descriptor" not in namespace:
        send({"error": "missing"})
    value = namespace["descriptor"]
    if type(value).__name__ == "ModelDescriptor" and hasattr(value, "model_dump"):
        try:
            value = value.model_dump(mode="python", exclude_unset=True, exclude_defaults=False)
        except Exception as exc:  # noqa: BLE001
            send({"error": "exception", "line": None, "type": type(exc).__name__, "message": str(exc)[:500], "errors": None})
    if not isinstance(value, dict):
        send({"error": "not_a_mapping", "type": type(value).__name__})
    try:
        encoded = _encode(value, [])
    except _Unsupported as exc:
        send({"error": "unsupported", "path": [p if isinstance(p, (str, int)) else str(p) for p in exc.path], "what": exc.what, "kinds": _KINDS})
    except RecursionError:
        send({"error": "unsupported", "path": [], "what": "a value that contains itself", "kinds": _KINDS})
    send({"descriptor": encoded})


if __name__ == "__main__":
    main()
