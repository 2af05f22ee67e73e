"""The import report over notebooks of aws/amazon-sagemaker-examples, embedded in docs/import.md
and README.md.

The notebooks belong to their repository and are not copied into this one: the report reads a
checkout of it, named by ``SAGESTACK_IMPORT_CORPUS`` (or ``--corpus``): a work tree at the
pinned commit, or a git directory (bare, like a mirror), read at the pinned commit with
``git ls-tree``/``git cat-file``. ``tests/importer/corpus.txt`` lists the notebooks of the table
and pins the commit. Each notebook is imported into a temporary directory (as ``sagestack
import`` does, nothing executed) and the report says how many import to descriptors that validate
with no placeholder, with placeholders only, or not at all, and why (the reason classes): per
listed notebook, and over every notebook of the archived folder.

    make import-corpus CORPUS=/path/to/amazon-sagemaker-examples   # rewrite the reports
    .venv/bin/python scripts/import_corpus_report.py --corpus PATH --check   # exit 1 when they are stale
    .venv/bin/python scripts/import_corpus_report.py --print DIR...   # the same report over other notebooks, on stdout
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "constructs"))

from sagestack.importer import REASONS, NotebookImport, SourceError, import_notebook  # noqa: E402 - after the path is set

ENV = "SAGESTACK_IMPORT_CORPUS"
REPOSITORY = "aws/amazon-sagemaker-examples"
#: The repository's archived folder: its name begins with a space (it sorts last there).
FOLDER = " archived"
LIST = REPO_ROOT / "tests" / "importer" / "corpus.txt"
DOC = REPO_ROOT / "docs" / "import.md"
README = REPO_ROOT / "README.md"
START, END = "<!-- import-corpus:start -->", "<!-- import-corpus:end -->"
#: Git snapshots of the repository lack files of this size and more; such notebooks are left out
#: of the folder's count in a work tree too, so both give the same figures.
MAX_BYTES = 4 * 1024 * 1024
_RESULT = {"valid": "validates, no placeholder", "placeholders": "placeholders only", "none": "not imported"}


@dataclass(frozen=True)
class CorpusList:
    commit: str
    paths: list[str]  # relative to FOLDER


def corpus_list(path: Path = LIST) -> CorpusList:
    """The listed notebooks and the commit they are pinned to (``# commit <sha>``)."""
    commit, paths = "", []
    for line in path.read_text().splitlines():
        if line.startswith("# commit "):
            commit = line.removeprefix("# commit ").strip()
        elif line.strip() and not line.startswith("#"):
            paths.append(line.strip())
    if len(commit) != 40:
        raise SystemExit(f"{path}: no '# commit <40 hex digits>' line")
    return CorpusList(commit, paths)


class CorpusError(Exception):
    """The checkout named is not one the report can read."""


def _git(git_dir: Path, *args: str, input: bytes | None = None) -> bytes:
    done = subprocess.run(["git", f"--git-dir={git_dir}", *args], input=input, capture_output=True, check=False)
    if done.returncode:
        raise CorpusError(f"git {' '.join(args[:2])} in {git_dir}: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


def _is_git_dir(path: Path) -> bool:
    return (path / "HEAD").is_file() and (path / "objects").is_dir()


def _extract(git_dir: Path, commit: str, target: Path) -> None:
    """Write the archived folder at ``commit`` under ``target``; a file the snapshot lacks (4 MiB
    and more) is written empty when it is not a notebook, so paths beside a notebook still exist."""
    listing = _git(git_dir, "ls-tree", "-r", "-z", "-l", commit, "--", FOLDER).split(b"\0")
    blobs: list[tuple[str, Path]] = []
    for entry in filter(None, listing):
        meta, name = entry.split(b"\t", 1)
        mode, kind, sha, _size = meta.split()
        if kind != b"blob" or mode == b"120000":
            continue  # submodules and symbolic links
        blobs.append((sha.decode(), target / name.decode()))
    checked = _git(git_dir, "cat-file", "--batch-check=%(objectname) present", input="".join(f"{s}\n" for s, _ in blobs).encode()).decode()
    present = {line.split()[0] for line in checked.splitlines() if line.endswith(" present")}
    with subprocess.Popen(["git", f"--git-dir={git_dir}", "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE) as cat:
        assert cat.stdin is not None and cat.stdout is not None
        for sha, path in blobs:
            path.parent.mkdir(parents=True, exist_ok=True)
            if sha not in present:
                if path.suffix != ".ipynb":
                    path.touch()
                continue
            cat.stdin.write(f"{sha}\n".encode())
            cat.stdin.flush()
            size = int(cat.stdout.readline().split()[2])
            path.write_bytes(cat.stdout.read(size))
            cat.stdout.read(1)  # the newline after each object
        cat.stdin.close()


@contextlib.contextmanager
def checkout(location: Path, commit: str) -> Iterator[Path]:
    """The root of a checkout of the repository at ``commit``: a git work tree as it is (its HEAD
    must be ``commit``), or a git directory's tree at ``commit``, written into a temporary
    directory."""
    if not location.is_dir():
        raise CorpusError(f"{location}: not a directory (a checkout of {REPOSITORY}, or its git directory)")
    if _is_git_dir(location):
        try:
            is_commit = _git(location, "cat-file", "-t", commit).strip() == b"commit"
        except CorpusError:
            is_commit = False
        if not is_commit:
            raise CorpusError(f"{location}: has no commit {commit} (git fetch it there)")
        with tempfile.TemporaryDirectory(prefix="import-corpus-") as tmp:
            _extract(location, commit, Path(tmp))
            (Path(tmp) / ".git").mkdir()  # the top of a work tree, as a checkout's is
            yield Path(tmp)
        return
    if not (location / FOLDER).is_dir():
        raise CorpusError(f"{location}: has no {FOLDER.strip()!r} folder (a checkout of {REPOSITORY}?)")
    if not (location / ".git").exists():
        # The commit could not be checked, and without a work tree's top the descriptors'
        # scripts would not count as inside one repository.
        raise CorpusError(f"{location}: not a git work tree (git clone https://github.com/{REPOSITORY})")
    head = subprocess.run(["git", "-C", str(location), "rev-parse", "HEAD"], capture_output=True, text=True, check=False).stdout.strip()
    if head != commit:
        raise CorpusError(f"{location}: is at commit {head or '?'}, the list is pinned to {commit} (git checkout {commit})")
    yield location


def commit_date(location: Path, commit: str) -> str:
    """The commit's date (YYYY-MM-DD), or "" when the location is not a git repository."""
    git_dir = location if _is_git_dir(location) else location / ".git"
    try:
        return _git(git_dir, "show", "-s", "--format=%cs", commit).decode().strip()
    except (CorpusError, OSError):
        return ""


def folder_notebooks(root: Path) -> list[Path]:
    """Every notebook of the archived folder under 4 MiB (see MAX_BYTES), sorted."""
    return sorted(p for p in (root / FOLDER).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts and p.stat().st_size < MAX_BYTES)


@dataclass
class Imported:
    path: Path
    result: NotebookImport | None  # None: the file is not a readable notebook
    error: str = ""

    @property
    def status(self) -> str:
        return self.result.status if self.result else "none"

    @property
    def reasons(self) -> list[str]:
        return self.result.reasons if self.result else ["unreadable"]


def corpus_imports(notebooks: list[Path], inside: Path | None = None) -> list[Imported]:
    """Each notebook imported into a directory of its own (written, then validated), in a
    temporary directory made ``inside`` a checkout when given: the scripts a notebook names are
    then inside the same repository as its descriptors, as when one imports into one's own."""
    out = []
    with tempfile.TemporaryDirectory(dir=inside, prefix=".sagestack-import-") as tmp:
        for index, path in enumerate(notebooks):
            try:
                out.append(Imported(path, import_notebook(path, Path(tmp) / str(index))))
            except SourceError as error:
                out.append(Imported(path, None, str(error)))
    return out


def _meaning(reason: str) -> str:
    return REASONS.get(reason, "the file does not parse as a notebook")


def _summary(results: list[Imported]) -> str:
    statuses = Counter(r.status for r in results)
    descriptors = sum(len(r.result.descriptors) for r in results if r.result)
    return (
        f"**{statuses['valid']}** import to descriptors that validate with no placeholder, "
        f"**{statuses['placeholders']}** to descriptors whose only problems are placeholders to fill in, "
        f"**{statuses['none']}** not at all ({descriptors} descriptors in all)"
    )


def _reason_table(results: list[Imported]) -> list[str]:
    counts = Counter(reason for r in results for reason in r.reasons)
    order = [*REASONS, "unreadable"]
    return ["| reason class | notebooks | what it means |", "|---|---|---|", *(f"| `{reason}` | {counts[reason]} | {_meaning(reason)} |" for reason in order if counts[reason])]


def report(results: list[Imported], root: Path | None, over: str) -> str:
    """The per-notebook table and its reason classes."""
    lines = [f"Over {over}: {_summary(results)}.", "", "| notebook | descriptors | result | reason classes |", "|---|---|---|---|"]
    for r in results:
        name = r.path.relative_to(root).as_posix() if root else r.path.name
        lines.append(f"| `{name}` | {len(r.result.descriptors) if r.result else 0} | {_RESULT[r.status]} | {', '.join(r.reasons) or '-'} |")
    return "\n".join([*lines, "", *_reason_table(results)]) + "\n"


@dataclass
class Reports:
    listed: list[Imported]
    folder: list[Imported]
    root: Path
    commit: str
    date: str

    @property
    def at(self) -> str:
        return f"{REPOSITORY} at commit `{self.commit[:12]}`" + (f" ({self.date})" if self.date else "")

    def doc(self) -> str:
        return (
            f"Over every notebook of `archived/` of {self.at}, {len(self.folder)} notebooks: {_summary(self.folder)}.\n\n"
            + "\n".join(_reason_table(self.folder))
            + "\n\n"
            + report(self.listed, self.root / FOLDER, f"the {len(self.listed)} listed notebooks (paths under `archived/`)")
        )

    def readme(self) -> str:
        return f"Over the {len(self.folder)} notebooks of `archived/` of {self.at}: {_summary(self.folder)}; the reasons are in [docs/import.md](docs/import.md#the-corpus-report).\n"


def reports(location: Path) -> Reports:
    listed = corpus_list()
    with checkout(location, listed.commit) as root:
        missing = [p for p in listed.paths if not (root / FOLDER / p).is_file()]
        if missing:
            raise CorpusError(f"{location}: lacks listed notebooks: {', '.join(missing)}")
        paths = [root / FOLDER / p for p in listed.paths]
        folder = corpus_imports(folder_notebooks(root), root)
        by_path = {r.path: r for r in folder}
        listed_results = [by_path.get(p) or corpus_imports([p], root)[0] for p in paths]
        return Reports(listed_results, folder, root, listed.commit, commit_date(location, listed.commit))


def with_report(text: str, table: str, file: Path) -> str:
    head, start, rest = text.partition(START)
    _old, end, tail = rest.partition(END)
    if not start or not end:
        raise SystemExit(f"{file.name} has no {START} ... {END} markers")
    return f"{head}{START}\n{table}{END}{tail}"


def updated_files(result: Reports) -> dict[Path, tuple[str, str]]:
    """Each file the report is embedded in: (its text now, its text with the report)."""
    out = {}
    for file, table in ((DOC, result.doc()), (README, result.readme())):
        text = file.read_text()
        out[file] = (text, with_report(text, table, file))
    return out


def main(argv: list[str]) -> int:
    if argv[:1] == ["--print"]:
        directories = [Path(a) for a in argv[1:]]
        notebooks = sorted(p for d in directories for p in d.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
        sys.stdout.write(report(corpus_imports(notebooks), None, ", ".join(f"`{d}`" for d in directories)))
        return 0
    location = argv[argv.index("--corpus") + 1] if "--corpus" in argv else os.environ.get(ENV, "")
    if not location:
        print(f"name a checkout of {REPOSITORY} (or its git directory): --corpus PATH or {ENV}=PATH", file=sys.stderr)
        return 2
    try:
        files = updated_files(reports(Path(location)))
    except CorpusError as error:
        print(error, file=sys.stderr)
        return 2
    stale = [file.name for file, (text, new) in files.items() if new != text]
    if "--check" in argv:
        if stale:
            print(f"the import corpus report is stale in {', '.join(stale)}: run make import-corpus CORPUS={location}", file=sys.stderr)
            return 1
        return 0
    for file, (text, new) in files.items():
        if new != text:
            file.write_text(new)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
