"""The code archive never packs anything from outside the repository root: a symbolic link that
leads out (to a file or a directory, directly or through a chain) or loops is refused, whatever
validation said; links that stay inside are followed as before."""

from __future__ import annotations

import gzip
import io
import os
import tarfile
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sagestack.descriptor import validate_data
from sagestack.render.sourcedir import UnsafeCodePath, archive_members, sourcedir_archive, write_sourcedir

SECRET = b"outside-the-repository\n"


def _layout(top: Path) -> tuple[Path, Path, Path]:
    """(repository root, source_dir, outside directory)."""
    outside = top / "outside"
    (outside / "inner").mkdir(parents=True)
    (outside / "secret.txt").write_bytes(SECRET)
    (outside / "inner" / "deep.txt").write_bytes(SECRET)
    root = top / "repo"
    src = root / "src"
    (src / "pkg").mkdir(parents=True)
    (src / "train.py").write_text("print('train')\n")
    (root / "shared").mkdir()
    (root / "shared" / "util.py").write_text("X = 1\n")
    return root, src, outside


def _contents(archive: bytes) -> dict[str, bytes | None]:
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(archive))) as tar:
        return {m.name: (tar.extractfile(m).read() if m.isfile() else None) for m in tar.getmembers()}  # type: ignore[union-attr]


@pytest.mark.parametrize("target", ["outside/secret.txt", "outside", "outside/inner", "chain"])
def test_a_link_out_of_the_root_is_refused(tmp_path: Path, target: str) -> None:
    root, src, _outside = _layout(tmp_path)
    if target == "chain":  # src/pkg/link -> repo/hop -> outside/secret.txt
        os.symlink(tmp_path / "outside" / "secret.txt", root / "hop")
        os.symlink(root / "hop", src / "pkg" / "link")
    else:
        os.symlink(tmp_path / target, src / "pkg" / "link")
    for boundary in (root, None):  # with the root, and with each input as its own boundary
        with pytest.raises(UnsafeCodePath, match="outside"):
            sourcedir_archive(entry_point=src / "train.py", source_dir=src, dependencies=[], root=boundary)


def test_a_dependency_or_lone_entry_point_that_links_out_is_refused(tmp_path: Path) -> None:
    root, src, outside = _layout(tmp_path)
    os.symlink(outside, root / "vendored")
    with pytest.raises(UnsafeCodePath):
        archive_members(entry_point=src / "train.py", source_dir=src, dependencies=[root / "vendored"], root=root)
    os.symlink(outside / "secret.txt", root / "serve.py")
    with pytest.raises(UnsafeCodePath):
        archive_members(entry_point=root / "serve.py", source_dir=None, dependencies=[], root=root)


def test_a_source_dir_outside_the_root_is_refused(tmp_path: Path) -> None:
    root, _src, outside = _layout(tmp_path)
    with pytest.raises(UnsafeCodePath):
        archive_members(entry_point=outside / "secret.txt", source_dir=outside, dependencies=[], root=root)


def test_a_link_loop_is_refused(tmp_path: Path) -> None:
    root, src, _outside = _layout(tmp_path)
    os.symlink("..", src / "pkg" / "up")
    with pytest.raises(UnsafeCodePath, match="loop|directory it is in"):
        archive_members(entry_point=src / "train.py", source_dir=src, dependencies=[], root=root)


def test_links_inside_the_root_are_followed(tmp_path: Path) -> None:
    root, src, _outside = _layout(tmp_path)
    os.symlink(root / "shared", src / "pkg" / "shared")
    os.symlink("../train.py", src / "pkg" / "again.py")
    members = _contents(sourcedir_archive(entry_point=src / "train.py", source_dir=src, dependencies=[], root=root))
    assert members["pkg/shared/util.py"] == b"X = 1\n" and members["pkg/again.py"] == b"print('train')\n"


def test_write_sourcedir_refuses_a_link_added_after_validation(tmp_path: Path) -> None:
    root, src, outside = _layout(tmp_path)
    (root / "cdk.json").write_text("{}")
    raw = {"name": "arch", "estimator": {"type": "MXNet", "entry_point": "train.py", "source_dir": "src", "framework_version": "1.9.0", "py_version": "py38", "instance_type": "ml.c5.xlarge"}, "fit": {"inputs": "s3://sagestack-test/x"}}
    d = validate_data(raw, file="arch.yaml", source=root / "arch.yaml").descriptor
    assert d is not None and d.root == root
    os.symlink(outside, src / "pkg" / "late")
    with pytest.raises(UnsafeCodePath):
        write_sourcedir(d, tmp_path / "out")


# Random trees of files, directories and links (to inside and outside, chained): the archive
# either is refused or holds nothing from outside.
ENTRY = st.tuples(
    st.sampled_from(["a", "b", "pkg/c", "pkg/d", "pkg/sub/e"]),
    st.sampled_from(["file", "dir", "link-out-file", "link-out-dir", "link-in-file", "link-in-dir", "link-chain-out", "link-up"]),
)


@settings(max_examples=60, deadline=None)
@given(entries=st.lists(ENTRY, max_size=6, unique_by=lambda e: e[0]))
def test_random_trees_never_pack_outside_content(entries: list[tuple[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as top:
        root, src, outside = _layout(Path(top).resolve())
        for name, kind in entries:
            path = src / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists() or path.is_symlink():
                continue
            if kind == "file":
                path.write_text(name)
            elif kind == "dir":
                path.mkdir()
            else:
                target = {
                    "link-out-file": outside / "secret.txt", "link-out-dir": outside / "inner", "link-in-file": src / "train.py",
                    "link-in-dir": root / "shared", "link-chain-out": root / "hop", "link-up": src,
                }[kind]
                if kind == "link-chain-out" and not (root / "hop").is_symlink():
                    os.symlink(outside, root / "hop")
                os.symlink(target, path)
        try:
            archive = sourcedir_archive(entry_point=src / "train.py", source_dir=src, dependencies=[root / "shared"], root=root)
        except UnsafeCodePath:
            assert any(kind in ("link-out-file", "link-out-dir", "link-chain-out", "link-up") for _n, kind in entries)
            return
        assert SECRET not in b"".join(v for v in _contents(archive).values() if v)
        for _name, path in archive_members(entry_point=src / "train.py", source_dir=src, dependencies=[root / "shared"], root=root):
            assert Path(os.path.realpath(path)).is_relative_to(root)
