"""Importing one notebook: drafts, YAML with comments, files written, validation at once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..descriptor.issues import Issue, format_path
from ..descriptor.loader import display_name, load_descriptor, load_source
from .build import PLACEHOLDER, REASONS, Draft, Uncovered, drafts, uncovered_calls
from .emit import emit
from .source import read_source
from .values import Notebook

__all__ = ["ImportedDescriptor", "NotebookImport", "import_notebook", "Status"]

Status = Literal["valid", "placeholders", "invalid", "exists"]
# Reason classes that make a descriptor wrong as written, whatever its placeholders.
_NOT_COVERED = frozenset({"missing-local-path", "jumpstart", "local-mode"})
_SECTIONS = ("processing", "estimator", "fit", "tuner", "model", "deploy", "transformer", "transform")
# Where a local path is given: a section's source_dir/entry_point/dependencies, a processing run's code.
_LOCAL_PATH = re.compile(r"^(estimator|model|model\.model|processing\[\d+\]\.run)\.(source_dir|entry_point|dependencies|code)\b")


@dataclass
class ImportedDescriptor:
    """One descriptor the import wrote (or would write, with --dry-run) and what validation said."""

    draft: Draft
    path: Path
    text: str
    issues: list[Issue] = field(default_factory=list)
    status: Status = "valid"
    written: bool = False
    #: Problems that are not a placeholder's (nor a missing local path's): the descriptor is wrong as written.
    unexplained: list[Issue] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]


@dataclass
class NotebookImport:
    source: Path
    descriptors: list[ImportedDescriptor] = field(default_factory=list)
    uncovered: list[Uncovered] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def status(self) -> Literal["valid", "placeholders", "none"]:
        """valid: every descriptor validates with no placeholder; placeholders: every problem is
        a placeholder to fill in; none: no descriptor, or one with other problems."""
        if not self.descriptors or any(d.status in ("invalid", "exists") for d in self.descriptors):
            return "none"
        return "placeholders" if any(d.status == "placeholders" for d in self.descriptors) else "valid"

    @property
    def reasons(self) -> list[str]:
        """The reason classes of what keeps the notebook from importing as it is."""
        found = {u.reason_class for u in self.uncovered}
        for d in self.descriptors:
            found |= d.draft.reasons
            if d.status == "invalid" and d.unexplained and not d.draft.reasons & (_NOT_COVERED - {"missing-local-path"}):
                found.add("invalid")
        if not self.descriptors and not found:
            found.add("no-sdk-calls")
        return [r for r in REASONS if r in found]


def _header(draft: Draft, source: Path) -> list[str]:
    cells = ", ".join(str(c) for c in sorted(draft.cells))
    lines = [f"Imported by `sagestack import` from {display_name(source)} (cells {cells}), without running it."]
    for section, where in draft.sections.items():
        lines.append(f"  {section}: cell {where.cell}, line {where.line}: {where.text}")
    if draft.uploads:
        lines.append("Data the notebook uploads: upload it to these S3 URIs before the first run (sagestack does not upload data).")
        lines.extend(f"  - {upload}" for upload in draft.uploads)
    if draft.notes:
        lines.append("Notes:")
        lines.extend(f"  - {note}" for note in draft.notes)
    if draft.placeholders:
        count = len(draft.placeholders)
        lines.append(f"{count} value{'s' if count != 1 else ''} could not be resolved: {PLACEHOLDER} below, each commented with the notebook's expression; fill {'them' if count != 1 else 'it'} in.")
    return lines


def _explained(issue: Issue, placeholder_paths: list[str]) -> bool:
    """Whether a problem is a placeholder's: at it, under it or around it, and not a field or
    argument that would be wrong whatever its value."""
    if issue.message.startswith(("unknown field", "not supported")):
        return False
    return any(issue.path == p or issue.path.startswith((p + ".", p + "[")) or p.startswith((issue.path + ".", issue.path + "[")) for p in placeholder_paths)


def import_notebook(path: Path, out_dir: Path, *, dry_run: bool = False, force: bool = False, text: str | None = None, taken: set[str] | None = None) -> NotebookImport:
    """Import one notebook or script into descriptors in ``out_dir`` (nothing written with
    ``dry_run``; an existing file is never replaced without ``force``); ``text`` is the file's
    content when it is not read from ``path`` (local paths still resolve beside ``path``);
    ``taken`` holds the names other notebooks of the same run were given (and is updated).
    Raises :class:`.source.SourceError` when the file cannot be read as a notebook or script."""
    source = read_source(path, text)
    written = source.written_files()
    notebook = Notebook(base_dir=path.parent, written=frozenset(written))
    for cell in source.cells:
        notebook.run_cell(cell.number, cell.text, cell.tree)
    result = NotebookImport(path, uncovered=uncovered_calls(notebook), notes=[*source.skipped, *notebook.notes])
    for draft in drafts(notebook, stem=path.stem, notebook_dir=path.parent, out_dir=out_dir, written=written, taken=taken):
        text, lines = emit(draft.data, comments=draft.comments, header=_header(draft, path), blank_before=frozenset(_SECTIONS))
        target = out_dir / f"{draft.name}.yaml"
        item = ImportedDescriptor(draft, target, text)
        result.descriptors.append(item)
        file = display_name(target)
        placeholder_issues = [
            Issue(file, _line(lines, p.path), format_path(p.path), f"unresolved placeholder: {p.where.text} (notebook cell {p.where.cell}, line {p.where.line}): {p.reason}")
            for p in draft.placeholders
        ]
        targets = [target, *(out_dir / rel for rel in draft.files)]
        existing = [t for t in targets if t.exists()]
        if existing and not force and not dry_run:
            item.status = "exists"
            item.issues = [Issue(display_name(t), 1, "<root>", "already exists: not overwritten (use --force to replace it)") for t in existing]
            continue
        if dry_run:
            issues = load_source(target, text).issues
            # Scripts the import would extract are not on disk yet: their paths are not checked.
            issues = [i for i in issues if not any(i.path.startswith((f"{s}.source_dir", f"{s}.entry_point", f"{s}.code")) for s in draft.extracted)]
        else:
            for rel, content in draft.files.items():
                (out_dir / rel).parent.mkdir(parents=True, exist_ok=True)
                (out_dir / rel).write_text(content, encoding="utf-8")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            item.written = True
            issues = load_descriptor(target).issues
        paths = [format_path(p.path) for p in draft.placeholders]
        # At a placeholder's own path, the placeholder's problem (with its origin) says it all.
        issues = [i for i in issues if i.path not in paths or not _explained(i, paths)]
        item.issues = sorted(set(issues) | set(placeholder_issues))
        errors = [i for i in issues if i.severity == "error"]
        item.unexplained = [i for i in errors if not _explained(i, paths) and not (_LOCAL_PATH.match(i.path) and "missing-local-path" in draft.reasons)]
        # A local path that is not there is a real problem, whatever else is a placeholder.
        if item.unexplained or draft.reasons & _NOT_COVERED:
            item.status = "invalid"
        else:
            item.status = "placeholders" if draft.placeholders else "valid"
    return result


def _line(lines: dict[tuple[str | int, ...], int], path: tuple[str | int, ...]) -> int:
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return 1
