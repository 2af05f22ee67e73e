"""The training code archive, ``sourcedir.tar.gz``, built deterministically.

Same members as the SDK's ``fw_utils.tar_and_upload_dir``: the contents of ``source_dir`` at the
archive's root (or the lone ``entry_point``), plus each dependency directory under its own name.
Unlike the SDK's archive, the bytes depend only on the files' contents and relative paths —
members sorted, mtime 0, owner 0, modes 0644/0755, no gzip timestamp or name — so two synths of
the same code give the same CDK asset hash and ``cdk diff`` shows no change. Python bytecode
caches (``__pycache__``, ``*.pyc``) are left out: they change with the interpreter, not the code.
Symbolic links are followed only while they stay inside the repository root: one that leads out
of it is refused (:class:`UnsafeCodePath`), never packed.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import stat
import tarfile
from pathlib import Path

from ..descriptor import ModelDescriptor
from ..descriptor.estimator import FrameworkEstimator

__all__ = ["sourcedir_archive", "write_sourcedir", "archive_members", "ARCHIVE_NAME", "UnsafeCodePath"]

ARCHIVE_NAME = "sourcedir.tar.gz"
_SKIP_DIRS = {"__pycache__"}
_SKIP_SUFFIXES = (".pyc", ".pyo")


class UnsafeCodePath(ValueError):
    """A member the archive would take from outside the repository, or a symbolic link loop.

    Validation reports these at the descriptor's line first; this is the archiver's own guard,
    for callers that build archives from paths that were never validated."""


def _inside(path: Path, boundary: Path) -> Path:
    """``path`` with symbolic links resolved, which must be inside ``boundary``."""
    real = Path(os.path.realpath(path))
    if real != boundary and boundary not in real.parents:
        what = "is a symbolic link to" if path.is_symlink() else "leads to"
        raise UnsafeCodePath(f"{path} {what} {real}, outside {boundary}: code is packed only from inside the repository")
    return real


def _walk(top: Path, arc_root: str, boundary: Path) -> list[tuple[str, Path]]:
    """(archive name, path) for top and everything under it. Symbolic links are followed only
    while they stay inside ``boundary``; one that leaves it, or loops back to a directory it is in,
    raises :class:`UnsafeCodePath` instead of being packed."""
    real = _inside(top, boundary)
    if not top.is_dir():
        return [(arc_root, top)]
    out: list[tuple[str, Path]] = [(arc_root, top)]
    stack: list[tuple[Path, str, frozenset[Path]]] = [(top, arc_root, frozenset({real}))]
    while stack:
        directory, arc, ancestors = stack.pop()
        for child in sorted(directory.iterdir(), key=lambda p: p.name):
            is_dir = child.is_dir()
            if child.name in _SKIP_DIRS if is_dir else child.name.endswith(_SKIP_SUFFIXES):
                continue
            child_real = _inside(child, boundary)
            name = f"{arc}/{child.name}"
            out.append((name, child))
            if is_dir:
                if child_real in ancestors:
                    raise UnsafeCodePath(f"{child} is a symbolic link back to {child_real}, a directory it is in: the archive would never end")
                stack.append((child, name, ancestors | {child_real}))
    return out


def archive_members(
    *, entry_point: Path, source_dir: Path | None, dependencies: list[Path], dependency_prefix: str = "", root: Path | None = None
) -> list[tuple[str, Path]]:
    """Members of the archive in order: (name inside the archive, file or directory on disk).

    ``dependency_prefix``: where dependencies go ("" for training code at the root; "lib/" for
    inference code repacked under code/, as the SDK's ``repack_model`` does). ``root``: the
    repository root no member may come from outside of (symbolic links resolved); without it,
    each of source_dir, a dependency or the lone entry point is its own boundary.
    """
    def boundary(path: Path) -> Path:
        if root is not None:
            return Path(os.path.realpath(root))
        return Path(os.path.realpath(path if path.is_dir() and not path.is_symlink() else path.parent))

    members: list[tuple[str, Path]] = []
    if source_dir is None:
        members.extend(_walk(entry_point, entry_point.name, boundary(entry_point)))
    else:
        limit = boundary(source_dir)
        _inside(source_dir, limit)
        for child in sorted(source_dir.iterdir(), key=lambda p: p.name):
            if child.name in _SKIP_DIRS or child.name.endswith(_SKIP_SUFFIXES):
                continue
            members.extend(_walk(child, child.name, limit))
    for dep in dependencies:
        members.extend(_walk(dep, dependency_prefix + dep.name, boundary(dep)))
    seen: dict[str, Path] = {}
    for name, path in members:
        seen.setdefault(name, path)  # the SDK's tar keeps the first of a repeated name too
    return sorted(seen.items())


def sourcedir_archive(
    *, entry_point: Path, source_dir: Path | None, dependencies: list[Path], dependency_prefix: str = "", root: Path | None = None
) -> bytes:
    """The gzip-compressed tar archive's bytes (members as :func:`archive_members`)."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, path in archive_members(entry_point=entry_point, source_dir=source_dir, dependencies=dependencies, dependency_prefix=dependency_prefix, root=root):
            info = tarfile.TarInfo(name)
            info.mtime = 0
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            if path.is_dir():
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                tar.addfile(info)
            else:
                data = path.read_bytes()
                info.size = len(data)
                info.mode = 0o755 if path.stat().st_mode & stat.S_IXUSR else 0o644
                tar.addfile(info, io.BytesIO(data))
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def code_paths(d: ModelDescriptor) -> tuple[Path, Path | None, list[Path]]:
    """(entry_point, source_dir, dependencies) of the training code, as absolute paths."""
    est = d.estimator
    assert isinstance(est, FrameworkEstimator)
    base = d.base_dir
    source_dir = (base / est.source_dir).resolve() if est.source_dir and not est.source_dir.startswith("s3://") else None
    entry = (source_dir / est.entry_point) if source_dir else (base / est.entry_point).resolve()
    return entry, source_dir, [(base / dep).resolve() for dep in est.dependencies]


def write_sourcedir(d: ModelDescriptor, out_dir: Path) -> Path:
    """Write the descriptor's training archive into ``out_dir/<sha256>/sourcedir.tar.gz``.

    The directory is named after the content hash, so a CDK file asset of it is stable.
    """
    entry, source_dir, deps = code_paths(d)
    data = sourcedir_archive(entry_point=entry, source_dir=source_dir, dependencies=deps, root=d.root)
    target = out_dir / hashlib.sha256(data).hexdigest()[:32] / ARCHIVE_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists() or target.read_bytes() != data:
        target.write_bytes(data)
    return target
