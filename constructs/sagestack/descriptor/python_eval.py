"""Evaluating Python descriptors, each in a process of its own.

A Python descriptor is code, run on every validate, synth and pull request. Run in sagestack's
own process it could end the run (``os._exit(0)``) and hide every other file's errors, change
the exit code (``atexit``), patch the rules for the files after it, corrupt ``--format json``
with ``print()``, or hang the run (a loop, a thread). So each one runs in a fresh interpreter
(``python -I``: no user site, no environment-driven imports) with a wall-clock time limit, an
address-space limit, a CPU-time limit and a cap on the bytes it may write, in an empty working
directory, with its output captured; only its ``descriptor`` value comes back, as JSON data.
Whatever went wrong — an exception, ``exit()``, ``os._exit``, a signal, a timeout, the memory
limit, a ``print`` — becomes one problem of that file, at the line it happened when the child
could tell (the child records the last descriptor line it executed).

What this does not do: confine the file system. A descriptor runs with its user's permissions;
sagestack reads every descriptor's source before it runs any of them, so a descriptor cannot
change what another descriptor file says, but review ``.py`` descriptors as the code they are.
"""

from __future__ import annotations

import json
import os
import signal
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

__all__ = ["PythonLimits", "PythonOutcome", "evaluate_python"]

_CHILD = Path(__file__).with_name("_python_child.py")
_MAX_RESULT_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class PythonLimits:
    """Limits for one Python descriptor's process.

    :param timeout_seconds: wall-clock time the descriptor's own code may run before the process
        (and any it started) is killed. It counts from the descriptor's first line, so a slow
        interpreter start on a busy machine does not count against it.
    :param startup_seconds: wall-clock time the process may take to reach that first line.
    :param memory_mb: address-space limit (``RLIMIT_AS``); imports of pydantic and sagestack fit
        well within the default.
    :param cpu_seconds: CPU-time limit (``RLIMIT_CPU``), a second line behind the timeout.
    :param output_mb: largest file the process may write (``RLIMIT_FSIZE``), its result included.
    """

    timeout_seconds: float = 20.0
    startup_seconds: float = 60.0
    memory_mb: int = 1024
    cpu_seconds: int = 30
    output_mb: int = 16


DEFAULT_LIMITS = PythonLimits()


@dataclass(frozen=True)
class PythonOutcome:
    """What came back: the descriptor data, or one problem (message and line, None when unknown).

    ``errors`` holds pydantic's errors when the descriptor built a ``ModelDescriptor`` that did
    not validate; ``printed`` the (stream, line, text) of what it tried to print.
    """

    data: dict[str, Any] | None
    message: str | None = None
    line: int | None = None
    errors: list[dict[str, Any]] | None = None
    printed: tuple[tuple[str, int | None, str], ...] = ()


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(item) for item in value]
    if isinstance(value, dict):
        if "$map" in value:
            return {_decode(k): _decode(v) for k, v in value["$map"]}
        if "$date" in value:
            return date.fromisoformat(value["$date"])
        if "$datetime" in value:
            return datetime.fromisoformat(value["$datetime"])
        if "$float" in value:
            return float(value["$float"])
        raise ValueError("untagged object in a descriptor result")
    return value


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


_POLL_SECONDS = 0.05
_NO_LINE = b"\0" * 8  # the progress file before the descriptor's first line runs


def _wait(proc: subprocess.Popen[bytes], progress: Path, limits: PythonLimits) -> str | None:
    """Wait for the process to end; what it ran out of (``startup`` or ``timeout``), if anything."""
    started = False
    deadline = time.monotonic() + limits.startup_seconds
    while True:
        try:
            proc.wait(timeout=_POLL_SECONDS)
            return None
        except subprocess.TimeoutExpired:
            pass
        now = time.monotonic()
        if not started and progress.read_bytes()[:8] != _NO_LINE:
            started, deadline = True, now + limits.timeout_seconds
        if now >= deadline:
            return "timeout" if started else "startup"


def evaluate_python(path: Path, source: str, *, limits: PythonLimits = DEFAULT_LIMITS) -> PythonOutcome:
    """Run one Python descriptor's ``source`` (read from ``path``) in a child process and return
    its ``descriptor`` value as data, or the problem that stopped it."""
    filename = str(path)
    with tempfile.TemporaryDirectory(prefix="sagestack-py-") as tmp:
        work = Path(tmp)
        job, result, progress = work / "job.json", work / "result.json", work / "progress"
        cwd = work / "cwd"
        cwd.mkdir()
        job.write_text(json.dumps({"path": filename, "source": source, "sys_path": [p for p in sys.path if p]}), encoding="utf-8")
        progress.write_bytes(_NO_LINE)
        result.touch()
        args = [
            sys.executable, "-I", str(_CHILD), str(job), str(result), str(progress),
            str(limits.memory_mb * 1024 * 1024), str(limits.cpu_seconds), str(limits.output_mb * 1024 * 1024),
        ]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        with open(work / "out", "wb") as out:
            proc = subprocess.Popen(args, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
            try:
                ran_out = _wait(proc, progress, limits)
            finally:
                _kill_group(proc)  # the descriptor's own children too
                proc.wait()
        (last_line,) = struct.unpack("<Q", progress.read_bytes()[:8])
        line = int(last_line) or None
        text = result.read_bytes()[:_MAX_RESULT_BYTES] if result.stat().st_size <= _MAX_RESULT_BYTES else b""
        raw_output = (work / "out").read_bytes()[:400].decode("utf-8", "replace").strip()

    if ran_out == "startup":
        return PythonOutcome(None, f"the Python interpreter for the descriptor did not start within {limits.startup_seconds:g} s (is the machine overloaded?); it was stopped", None)
    if ran_out == "timeout":
        return PythonOutcome(None, f"the Python descriptor did not finish within {limits.timeout_seconds:g} s (a loop, a wait, or a thread that never ends?); it was stopped", line)
    payload: dict[str, Any] | None = None
    if text:
        try:
            payload = json.loads(text)
        except ValueError:
            payload = None
    if not isinstance(payload, dict):
        code = proc.returncode
        if code is not None and code < 0:
            name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
            why = {"SIGXCPU": f"it used more than {limits.cpu_seconds} s of CPU", "SIGXFSZ": f"it wrote more than {limits.output_mb} MB", "SIGKILL": "it was killed (out of memory?)"}.get(name, "")
            message = f"the Python descriptor's process ended on signal {name}" + (f": {why}" if why else "")
        else:
            message = f"the Python descriptor ended its process (exit status {code}, e.g. os._exit) before sagestack could read 'descriptor'"
        if raw_output:
            message += f"; it wrote: {raw_output[:200]}"
        return PythonOutcome(None, message, line)
    printed = tuple((str(p[0]), p[1] if isinstance(p[1], int) else None, str(p[2])) for p in payload.get("printed", []) if isinstance(p, list) and len(p) == 3)
    error = payload.get("error")
    if error is None:
        try:
            data = _decode(payload.get("descriptor"))
        except (ValueError, TypeError, KeyError, AttributeError):
            return PythonOutcome(None, "the Python descriptor's result could not be read back", line)
        if raw_output and not printed:
            printed = (("stdout", line, raw_output),)  # written below sys.stdout (os.write): the last line run
        return PythonOutcome(data if isinstance(data, dict) else None, None, None, None, printed)
    where = payload.get("line") if isinstance(payload.get("line"), int) else line
    if error == "syntax":
        return PythonOutcome(None, f"the Python descriptor has a syntax error: {payload.get('message')}", where)
    if error == "exit":
        return PythonOutcome(None, f"the Python descriptor called {payload.get('message')}; a descriptor only assigns 'descriptor'", where)
    if error == "exception":
        errors = payload.get("errors") if isinstance(payload.get("errors"), list) else None
        return PythonOutcome(None, f"the Python descriptor raised {payload.get('type')}: {payload.get('message')}", where, errors, printed)
    if error == "missing":
        return PythonOutcome(None, "a Python descriptor must assign 'descriptor'", 1)
    if error == "not_a_mapping":
        return PythonOutcome(None, f"'descriptor' must be a dict or a ModelDescriptor, not {payload.get('type')}", None)
    if error == "unsupported":
        at = ".".join(str(p) for p in payload.get("path") or []) or "<root>"
        return PythonOutcome(None, f"'descriptor' holds {payload.get('what')} at {at}; a descriptor holds only {payload.get('kinds')}", None)
    return PythonOutcome(None, "the Python descriptor's result could not be read back", line)
