"""``-c models=``: the selected models are built while the rest of the catalog is validated.

A selection still validates the whole catalog, so that it never hides a broken descriptor, and
nothing is written unless all of it is valid. What changes is the order: the selected models'
own files are validated first, in this process; the whole catalog is validated again beside the
synthesis, in a forked process at a lower priority, and the cloud assembly is published only once
it has been found valid (with the same descriptors for the selected models). A catalog with
errors reports them as before, and the output directory stays as it was.

A selection this cannot start early (a model it finds no YAML file for, a file with problems, a
pipeline that adds its model to another descriptor's endpoint; off Linux, where the validation is
not forked) is validated first, as a whole catalog is.
"""

from __future__ import annotations

import os
import pickle
import re
import signal
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sagestack.descriptor import Catalog, ModelDescriptor
from sagestack.descriptor.loader import descriptor_files, load_catalog, load_files

from .parallel import as_child, read_all, write_all

#: A YAML descriptor's top-level ``name:`` as most files write it (the validated name decides).
_NAME = re.compile(r"^name:[ \t]*([\"']?)([A-Za-z0-9][A-Za-z0-9-]*)\1[ \t]*(?:#.*)?$", re.MULTILINE)


def _named(path: Path) -> str | None:
    try:
        found = _NAME.search(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    return found.group(2) if found else None


def early_descriptors(catalog: Path, wanted: Sequence[str]) -> list[ModelDescriptor] | None:
    """The ``wanted`` models' descriptors, validated from their own files (found by their
    ``name:``, a file named after the model first), or None when the selection must wait for the
    whole catalog: on a system where the validation cannot be forked safely (other than Linux, or
    with another thread running), too."""
    import threading

    if sys.platform != "linux" or threading.active_count() > 1:
        return None
    files = [f for f in descriptor_files([catalog])[0] if f.suffix in (".yaml", ".yml")]
    by_stem = {f.stem: f for f in files}
    by_name: dict[str, Path] = {}  # every file's name:, read once when a stem does not tell
    chosen: list[Path] = []
    for name in wanted:
        guess = by_stem.get(name)
        if guess is None or _named(guess) != name:
            if not by_name:
                by_name = {n: f for f in reversed(files) if (n := _named(f)) is not None}  # the first file of a name
            guess = by_name.get(name)
        if guess is None:
            return None
        chosen.append(guess)
    results = load_files(chosen, workers=1)
    descriptors = [r.descriptor for r in results]
    if any(r.errors or r.descriptor is None for r in results) or [d.name for d in descriptors if d is not None] != list(wanted):
        return None
    if any(d is not None and d.add_model is not None for d in descriptors):  # needs the descriptor it adds to
        return None
    return [d for d in descriptors if d is not None]


class BackgroundValidation:
    """The whole catalog validated in a process forked now (before any thread starts), at a lower
    priority than the synthesis it runs beside. :meth:`result` is the catalog: every issue, and of
    the descriptors only the ``wanted`` ones."""

    def __init__(self, paths: Sequence[Path], wanted: Sequence[str]) -> None:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the validating process: never returns into the caller's code
            try:
                os.close(read)
                as_child()
                os.nice(10)
                catalog = load_catalog(paths)
                kept = [r for r in catalog.results if r.descriptor is not None and r.descriptor.name in set(wanted)]
                write_all(write, pickle.dumps(Catalog(kept, catalog.issues), protocol=pickle.HIGHEST_PROTOCOL))
            except BaseException:
                traceback.print_exc()
            finally:
                sys.stderr.flush()
                os._exit(0)
        os.close(write)
        self.pid, self.read = pid, read
        self._result: Catalog | None = None

    def result(self) -> Catalog:
        """Wait for the validation; its catalog (raises RuntimeError if the process ended without one)."""
        if self._result is None:
            data = read_all(self.read)
            self.stop()
            if not data:
                raise RuntimeError("the process validating the catalog ended without a result")
            self._result = pickle.loads(data)
        return self._result

    def stop(self) -> None:
        if self.read >= 0:
            os.close(self.read)
            self.read = -1
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            os.waitpid(self.pid, 0)
            self.pid = 0


def same_selection(catalog: Catalog, early: Sequence[ModelDescriptor]) -> bool:
    """The whole catalog's validation gave the selected models the descriptors they were built from."""
    found: dict[str, Any] = {d.name: d for d in catalog.descriptors}
    return all(found.get(d.name) == d for d in early)
