"""Reading notebooks and scripts as code cells, without running anything.

A notebook's code cells are parsed one by one (a cell that does not parse is skipped and noted,
as Jupyter would fail it alone). IPython syntax is blanked line by line so line numbers stay
those of the cell: ``%line`` magics and ``!shell`` lines become ``pass`` (``x = !cmd`` assigns
nothing we can know). ``%%writefile path`` cells are scripts the notebook writes: they are kept
as files to extract; other ``%%`` cell magics (``%%bash``, ``%%sh``) are not Python and are
skipped, except ``%%time``/``%%capture``-style ones whose body is Python.
"""

from __future__ import annotations

import ast
import json
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Cell", "WrittenFile", "Source", "SourceError", "read_source"]

# Cell magics whose body is still Python.
_PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "python", "python3"})
_ASSIGNED_SHELL = re.compile(r"^(\s*)([A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_]\w*)*)\s*=\s*[!%]")


class SourceError(Exception):
    """The file is not a notebook or script we can read (the message says why)."""


@dataclass(frozen=True)
class Cell:
    """One code cell: its number in the notebook (1-based, counting every cell as Jupyter shows
    them) and its parsed statements; a script is one cell."""

    number: int
    text: str
    tree: ast.Module


@dataclass(frozen=True)
class WrittenFile:
    """A file written by a ``%%writefile`` cell (``-a`` appends)."""

    path: str
    text: str
    cell: int
    append: bool = False


@dataclass
class Source:
    path: Path
    cells: list[Cell] = field(default_factory=list)
    written: list[WrittenFile] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # notes: cells that do not parse, shell cells

    @property
    def is_notebook(self) -> bool:
        return self.path.suffix == ".ipynb"

    def written_files(self) -> dict[str, tuple[str, int]]:
        """Final content of each written path (appends applied in order) and the cell that wrote it last."""
        files: dict[str, tuple[str, int]] = {}
        for item in self.written:
            files[item.path] = (files.get(item.path, ("", 0))[0] + item.text if item.append else item.text, item.cell)
        return files


def _blank_ipython(text: str) -> str:
    """IPython-only lines as Python that does nothing, keeping the line count."""
    out = []
    continued = False  # a shell or magic line ending in a backslash goes on on the next line
    for line in text.split("\n"):
        stripped = line.lstrip()
        indent = line[: len(line) - len(stripped)]
        if continued:
            out.append("")
            continued = line.endswith("\\")
        elif stripped.startswith(("%", "!")):
            out.append(f"{indent}pass")
            continued = line.endswith("\\")
        elif (match := _ASSIGNED_SHELL.match(line)) is not None:
            out.append(f"{match.group(1)}{match.group(2)} = None")
        elif stripped.endswith("?") and not stripped.startswith("#") and re.fullmatch(r"[\w.]+\?\??", stripped):
            out.append(f"{indent}pass")  # obj? help
        else:
            out.append(line)
    return "\n".join(out)


def _cell_text(cell: dict[str, object]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def read_source(path: Path, text: str | None = None) -> Source:
    """The code cells of a notebook (``.ipynb``) or a script (``.py``); ``text`` is its content
    when it is not read from ``path``."""
    try:
        raw = text if text is not None else path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"cannot read {path}: {exc}") from None
    source = Source(path)
    if path.suffix == ".py":
        texts = [(1, raw)]
    elif path.suffix == ".ipynb":
        try:
            notebook = json.loads(raw)
            cells = notebook["cells"]
        except (ValueError, KeyError, TypeError):
            raise SourceError(f"{path} is not a Jupyter notebook (no cells in its JSON)") from None
        texts = [(number, _cell_text(cell)) for number, cell in enumerate(cells, 1) if isinstance(cell, dict) and cell.get("cell_type") == "code"]
    else:
        raise SourceError(f"{path}: not a notebook (.ipynb) or a script (.py)")
    for number, text in texts:
        first, _, body = text.partition("\n")
        magic = first.strip()
        if magic.startswith("%%"):
            name, *args = magic[2:].split()
            if name == "writefile":
                append = "-a" in args or "--append" in args
                target = [a for a in args if not a.startswith("-")]
                if target:
                    source.written.append(WrittenFile(target[0], body if body.endswith("\n") or not body else body + "\n", number, append))
                continue
            if name not in _PYTHON_CELL_MAGICS:
                source.skipped.append(f"cell {number}: %%{name} cell (not Python) skipped")
                continue
            text = "pass\n" + body  # keeps the body's line numbers
        try:
            with warnings.catch_warnings():
                # "\-" in a regex string: Python warns when it compiles the cell; the import is no place for it.
                warnings.simplefilter("ignore", (SyntaxWarning, DeprecationWarning))
                tree = ast.parse(_blank_ipython(text))
        except SyntaxError as exc:
            source.skipped.append(f"cell {number}: does not parse as Python (line {exc.lineno}: {exc.msg}); skipped")
            continue
        except (ValueError, RecursionError, MemoryError) as exc:  # null bytes, pathological nesting
            source.skipped.append(f"cell {number}: cannot be parsed ({type(exc).__name__}); skipped")
            continue
        source.cells.append(Cell(number, text, tree))
    return source
