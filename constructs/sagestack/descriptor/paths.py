"""Local paths in a descriptor stay inside the repository.

Code named by a descriptor (``source_dir``, ``entry_point``, ``dependencies``,
``requirements_file``) is packed into an archive that synthesis uploads to S3, so a path that
leaves the repository — absolute, a ``../..`` chain, or a symbolic link whose target is outside —
would upload whatever it reaches (a credentials file, ``/etc``). Every such path must resolve,
symbolic links followed, to a place inside the *repository root*:

1. the nearest directory, from the descriptor's own directory upwards, that holds ``cdk.json``
   (the CDK app), looking no higher than the top of the git work tree;
2. else the top of the git work tree (the nearest directory holding ``.git``);
3. else the descriptor's own directory.

Library callers may pass the root explicitly (``descriptor_from_dict(..., root=)``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, get_args

__all__ = ["LocalPathKind", "local_path_kind", "repository_root", "path_problem", "escaping_links", "allowed_paths"]


@dataclass(frozen=True)
class LocalPathKind:
    """Marks a field as a local path (in ``Annotated`` metadata), so that every such field is
    checked without a hand-kept list. ``relative_to``: ``"descriptor"`` (the descriptor's
    directory) or ``"source_dir"`` (the section's ``source_dir``, else the descriptor's
    directory). ``s3``: an ``s3://`` URI is also accepted (not a local path then)."""

    relative_to: str = "descriptor"
    s3: bool = False


def local_path_kind(annotation: Any, metadata: Iterable[Any] = ()) -> LocalPathKind | None:
    """The :class:`LocalPathKind` of a field: in its ``metadata`` (where Pydantic moves the
    top-level ``Annotated`` extras) or inside its annotation (``LocalPath | None``,
    ``tuple[LocalPath, ...]`` ...); None for other fields."""
    for arg in (*metadata, *get_args(annotation)):
        if isinstance(arg, LocalPathKind):
            return arg
        found = local_path_kind(arg)
        if found is not None:
            return found
    return None


def repository_root(start: Path) -> Path:
    """The repository root for a descriptor in directory ``start`` (see the module docstring).

    Found by looking at the directories themselves (no git command), so it works in a checkout
    without git installed and in a bare copy of the files.
    """
    start = Path(os.path.abspath(start))
    for directory in (start, *start.parents):
        if (directory / "cdk.json").is_file():
            return directory
        if (directory / ".git").exists():  # a directory, or a file in a worktree or submodule
            return directory
    return start


def allowed_paths(root: Path, relative_to: str = "the descriptor") -> str:
    """What a local path may be, for the ``allowed`` part of a message."""
    return f"a path inside the repository {root}, relative to {relative_to}"


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def path_problem(value: str, base: Path, root: Path) -> str | None:
    """Why ``value`` (relative to ``base``) is not a path inside ``root``, or None when it is.

    Checked twice: as written (``..`` collapsed without touching the disk, so a chain that leaves
    the root is refused even when nothing is there) and with symbolic links resolved.
    """
    if "\0" in value:
        return "a path cannot contain a NUL character"
    if PurePosixPath(value).is_absolute() or PureWindowsPath(value).is_absolute() or PureWindowsPath(value).drive:
        return "absolute paths are not allowed: code is packed from inside the repository only"
    # As written from the directories as given, or from their real locations (a root or base
    # reached through a link, such as a temporary directory, compares either way).
    lexical = _inside(Path(os.path.normpath(Path(os.path.abspath(base)) / value)), Path(os.path.abspath(root)))
    root = Path(os.path.realpath(root))
    if not lexical and not _inside(Path(os.path.normpath(Path(os.path.realpath(base)) / value)), root):
        return "the path leaves the repository: code is packed from inside the repository only"
    try:
        resolved = Path(os.path.realpath(Path(base) / value))
    except (OSError, ValueError):  # pragma: no cover - realpath does not raise on POSIX
        return "the path cannot be resolved"
    if not _inside(resolved, root):
        return f"the path leads through a symbolic link to {resolved}, outside the repository"
    return None


def escaping_links(directory: Path, root: Path, *, limit: int = 3) -> Iterator[tuple[Path, Path, str]]:
    """(link, its target, problem) for the symbolic links under ``directory`` that the archive
    must not follow: a target outside ``root``, or a directory the link is in (the archive would
    never end). At most ``limit`` of them, so a vendored tree does not flood the output."""
    root = Path(os.path.realpath(root))
    found = 0
    # Walk as the archiver does (links to directories followed), remembering the real path of
    # each directory on the way down so that a loop is seen instead of followed.
    stack: list[tuple[Path, frozenset[Path]]] = [(Path(directory), frozenset({Path(os.path.realpath(directory))}))]
    while stack and found < limit:
        current, ancestors = stack.pop()
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            path = Path(entry.path)
            if entry.is_symlink():
                target = Path(os.path.realpath(path))
                if not _inside(target, root):
                    found += 1
                    yield path, target, "a symbolic link to outside the repository"
                elif target in ancestors:
                    found += 1
                    yield path, target, "a symbolic link back to a directory it is in (a loop)"
                elif target.is_dir():
                    stack.append((path, ancestors | {target}))
            elif entry.is_dir(follow_symlinks=False):
                stack.append((path, ancestors | {Path(os.path.realpath(path))}))
            if found >= limit:
                return
