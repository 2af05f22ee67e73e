"""Reading descriptors from files, keeping the line of every key, and validating them.

YAML is composed with libyaml (``yaml.CSafeLoader``) into nodes, which carry their line; the
loader builds plain Python data from the nodes and a map from each key path to its line, so
that every problem — from Pydantic or from a rule — is reported as ``file:line``. Python
descriptors (``*.py``) assign ``descriptor`` (a dict or a ModelDescriptor); their key lines
come from the source's syntax tree.

Nothing here raises for a user mistake: every problem becomes an :class:`Issue`.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from .base import V1_NAMES, format_allowed
from .descriptor import SECTIONS, ModelDescriptor
from .issues import Issue, format_path, from_pydantic
from .kinds import ESTIMATOR_TYPES, MODEL_TYPES
from .placements.inference_components import joins_endpoint
from .python_eval import DEFAULT_LIMITS, PythonLimits, evaluate_python
from .rules import Finding, run_rules

__all__ = ["load_descriptor", "load_catalog", "validate_data", "Catalog", "LoadResult", "DescriptorError", "DESCRIPTOR_SUFFIXES"]

DESCRIPTOR_SUFFIXES = (".yaml", ".yml", ".py")
Path_ = tuple[str | int, ...]

# Location elements pydantic adds that are not keys of the user's data: union tags and the
# normalized form of fit.inputs.
_NOT_USER_KEYS = frozenset(ESTIMATOR_TYPES) | frozenset(MODEL_TYPES) | {"channels", "records"}
_V1_OF: dict[str, list[str]] = {}


class DescriptorError(Exception):
    """Raised by the ``*_or_raise`` helpers; ``issues`` holds every problem found."""

    def __init__(self, issues: Sequence[Issue]) -> None:
        self.issues = list(issues)
        super().__init__("\n".join(issue.format() for issue in self.issues))


@dataclass
class LoadResult:
    """A descriptor (None when it has errors) and every problem found in its file."""

    file: str
    descriptor: ModelDescriptor | None
    issues: list[Issue] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]


@dataclass
class Catalog:
    """Every descriptor of a set of files or directories, and every problem found in them."""

    results: list[LoadResult]
    issues: list[Issue]

    @property
    def descriptors(self) -> list[ModelDescriptor]:
        return [r.descriptor for r in self.results if r.descriptor is not None]

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    def ok(self, *, strict: bool = False) -> bool:
        return not self.errors and not (strict and self.warnings)

    def or_raise(self, *, strict: bool = False) -> list[ModelDescriptor]:
        if not self.ok(strict=strict):
            raise DescriptorError(self.errors + (self.warnings if strict else []))
        return self.descriptors


def display_name(path: Path) -> str:
    """The path as shown in issues: relative to the working directory when inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


# ----------------------------------------------------------------------------------------
# YAML
# ----------------------------------------------------------------------------------------


#: Bounds on what one YAML file may expand to. Descriptors are small (the largest example holds a
#: few hundred values, five levels deep); these stop alias bombs ("billion laughs") and
#: pathological nesting long before they cost memory or recursion.
YAML_MAX_DEPTH = 40
YAML_MAX_VALUES = 20_000
_MERGE = "tag:yaml.org,2002:merge"


class _YamlLimit(Exception):
    def __init__(self, line: int, path: Path_, message: str, allowed: str, got: str) -> None:
        super().__init__(message)
        self.line, self.path, self.message, self.allowed, self.got = line, path, message, allowed, got


def _syntax_issue(exc: yaml.MarkedYAMLError, file: str) -> Issue:
    """A syntax error at the construct left open (the unclosed quote or bracket: libyaml's
    context mark), naming where the parser gave up (its problem mark)."""
    context, problem = exc.context_mark, exc.problem_mark
    if context is not None and exc.context:
        where = f"{exc.context} at line {context.line + 1}, column {context.column + 1}"
        found = f"{exc.problem} at line {problem.line + 1}, column {problem.column + 1}" if problem is not None else str(exc.problem)
        return Issue(file, context.line + 1, "<root>", f"YAML syntax error: {where}: {found}")
    mark = problem or context
    line = mark.line + 1 if mark is not None else 1
    column = f" (column {mark.column + 1})" if mark is not None else ""
    return Issue(file, line, "<root>", f"YAML syntax error{column}: {' '.join(str(p) for p in (exc.context, exc.problem) if p)}")


def _check_events(text: str) -> int | None:
    """Nesting depth from libyaml's event stream (no recursion, nothing composed yet); the first
    line past :data:`YAML_MAX_DEPTH`, else None. Composing a deeper document would recurse."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > YAML_MAX_DEPTH:
                return int(event.start_mark.line) + 1
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
    return None


def _read_yaml(text: str, file: str) -> tuple[Any, dict[Path_, int], list[Issue]]:
    """YAML → plain data and the line of every key path, or the problems. Scalar keys are taken
    as written (``on:`` is the key "on", not YAML 1.1's boolean); merge keys (``<<: *base``)
    follow YAML's merge rules (keys given here win over merged ones); aliases may not expand a
    file past :data:`YAML_MAX_VALUES` values, contain themselves, or nest past
    :data:`YAML_MAX_DEPTH` levels."""
    lines: dict[Path_, int] = {}
    issues: list[Issue] = []
    try:
        too_deep = _check_events(text)
    except yaml.MarkedYAMLError as exc:
        return None, lines, [_syntax_issue(exc, file)]
    except yaml.YAMLError as exc:
        return None, lines, [Issue(file, 1, "<root>", f"YAML error: {exc}")]
    if too_deep is not None:
        return None, lines, [Issue(file, too_deep, "<root>", f"nested deeper than {YAML_MAX_DEPTH} levels", allowed=f"at most {YAML_MAX_DEPTH} levels of mappings and lists", got="deeper")]
    loader = yaml.CSafeLoader(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            return None, lines, [_syntax_issue(exc, file)]
        except yaml.YAMLError as exc:
            return None, lines, [Issue(file, 1, "<root>", f"YAML error: {exc}")]
        if root is None or isinstance(root, yaml.ScalarNode) and root.tag == "tag:yaml.org,2002:null":
            return None, lines, [Issue(file, 1, "<root>", "the file holds no descriptor (it is empty, or only '---' or '~')", allowed="a mapping with name and sections", got="nothing")]
        built = 0
        active: set[int] = set()

        def key_of(node: yaml.Node) -> Any:
            if isinstance(node, yaml.ScalarNode):
                return node.value  # as written: YAML 1.1 would turn on/yes/off/no into booleans
            return loader.construct_object(node, deep=True)

        def merged_pairs(node: yaml.MappingNode, path: Path_) -> list[tuple[yaml.Node, yaml.Node]]:
            """The mapping's own pairs after the pairs its merge keys bring in (YAML merge rules:
            an own key wins over a merged one, an earlier merge source over a later one)."""
            own = [(k, v) for k, v in node.value if k.tag != _MERGE]
            merges = [v for k, v in node.value if k.tag == _MERGE]
            if not merges:
                return own
            sources: list[yaml.Node] = []
            for value in merges:
                sources.extend(value.value if isinstance(value, yaml.SequenceNode) else [value])
            own_keys = {key_of(k) for k, _v in own if isinstance(k, yaml.ScalarNode)}
            brought: dict[Any, tuple[yaml.Node, yaml.Node]] = {}
            for source in sources:
                if not isinstance(source, yaml.MappingNode):
                    raise _YamlLimit(source.start_mark.line + 1, path, "a merge key (<<) takes a mapping or a list of mappings", "<<: *anchor or <<: [*a, *b]", source.tag.rsplit(":", 1)[-1])
                if id(source) in active or source is node:
                    raise _YamlLimit(source.start_mark.line + 1, path, "a merge key (<<) refers to the mapping that contains it", "an anchor defined outside this mapping", "a cycle")
                active.add(id(source))
                try:
                    for key_node, value_node in merged_pairs(source, path):
                        key = key_of(key_node)
                        if key not in own_keys and key not in brought:
                            brought[key] = (key_node, value_node)
                finally:
                    active.discard(id(source))
            return list(brought.values()) + own

        def build(node: yaml.Node, path: Path_, depth: int) -> Any:
            nonlocal built
            line = node.start_mark.line + 1
            lines.setdefault(path, line)
            built += 1
            if built > YAML_MAX_VALUES:
                raise _YamlLimit(line, path, f"aliases expand this file past {YAML_MAX_VALUES} values (an alias bomb?)", f"at most {YAML_MAX_VALUES} values once aliases are expanded", "more")
            if depth > YAML_MAX_DEPTH:
                raise _YamlLimit(line, path, f"aliases nest this file deeper than {YAML_MAX_DEPTH} levels", f"at most {YAML_MAX_DEPTH} levels", "deeper")
            if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
                if id(node) in active:
                    raise _YamlLimit(line, path, "an alias refers to the mapping or list that contains it", "an anchor defined outside the value that uses it", "a cycle")
                active.add(id(node))
            try:
                if isinstance(node, yaml.MappingNode):
                    out: dict[Any, Any] = {}
                    for key_node, value_node in merged_pairs(node, path):
                        key = key_of(key_node)
                        if isinstance(key, (list, dict)):
                            issues.append(Issue(file, key_node.start_mark.line + 1, format_path(path), "keys must be plain names", got=repr(key)))
                            continue
                        key = str(key) if not isinstance(key, str) else key
                        if key in out:
                            issues.append(
                                Issue(
                                    file,
                                    key_node.start_mark.line + 1,
                                    format_path(path + (key,)),
                                    f"duplicate key (first given on line {lines.get(path + (key,), '?')}); YAML would silently keep the last",
                                )
                            )
                            continue
                        lines[path + (key,)] = key_node.start_mark.line + 1
                        out[key] = build(value_node, path + (key,), depth + 1)
                    return out
                if isinstance(node, yaml.SequenceNode):
                    return [build(item, path + (index,), depth + 1) for index, item in enumerate(node.value)]
                return loader.construct_object(node, deep=True)
            finally:
                active.discard(id(node))

        try:
            data = build(root, (), 0)
        except _YamlLimit as exc:
            return None, lines, [Issue(file, exc.line, format_path(exc.path), exc.message, allowed=exc.allowed, got=exc.got)]
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            return None, lines, [Issue(file, (mark.line + 1) if mark else 1, "<root>", f"YAML error: {getattr(exc, 'problem', exc)}")]
        return data, lines, issues
    finally:
        loader.dispose()


# ----------------------------------------------------------------------------------------
# Python descriptors
# ----------------------------------------------------------------------------------------


def _python_lines(source: str, variable: str = "descriptor") -> dict[Path_, int]:
    """Lines of the keys of ``descriptor = {...}`` / ``ModelDescriptor(...)`` from the syntax tree."""
    lines: dict[Path_, int] = {}
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return lines

    def walk(node: ast.AST, path: Path_) -> None:
        lines.setdefault(path, getattr(node, "lineno", 1))
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and isinstance(key.value, (str, int)):
                    lines[path + (key.value,)] = key.lineno
                    walk(value, path + (key.value,))
        elif isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg:
                    lines[path + (keyword.arg,)] = keyword.value.lineno
                    walk(keyword.value, path + (keyword.arg,))
            if len(node.args) == 1 and not node.keywords:
                walk(node.args[0], path)
        elif isinstance(node, (ast.List, ast.Tuple)):
            for index, item in enumerate(node.elts):
                walk(item, path + (index,))

    for statement in tree.body:
        if isinstance(statement, (ast.Assign, ast.AnnAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            if any(isinstance(t, ast.Name) and t.id == variable for t in targets) and statement.value is not None:
                walk(statement.value, ())
    return lines


def _read_python(path: Path, file: str, source: str, limits: PythonLimits = DEFAULT_LIMITS) -> tuple[Any, dict[Path_, int], list[Issue]]:
    """Evaluate a Python descriptor in a process of its own (:mod:`.python_eval`); only its
    ``descriptor`` value comes back, as data."""
    lines = _python_lines(source)
    outcome = evaluate_python(path, source, limits=limits)
    issues = [
        Issue(file, line or lines.get((), 1), "<root>", f"the Python descriptor wrote to standard {'output' if stream == 'stdout' else 'error'}; a descriptor must not print (it would mix into sagestack's own output)", got=text.strip()[:80] or repr(text))
        for stream, line, text in outcome.printed
    ]
    if outcome.errors is not None:  # ModelDescriptor(...) built at import time did not validate
        return None, lines, issues + issues_from_errors(outcome.errors, None, lines, file)
    if outcome.data is None:
        return None, lines, issues + [Issue(file, outcome.line or lines.get((), 1), "<root>", outcome.message or "the Python descriptor gave no descriptor")]
    return outcome.data, lines, issues


# ----------------------------------------------------------------------------------------
# Validation
# ----------------------------------------------------------------------------------------


def _v1_of(name: str) -> list[str]:
    if not _V1_OF:
        for v1, v2 in V1_NAMES.items():
            _V1_OF.setdefault(v2, []).append(v1)
    return _V1_OF.get(name, [])


# Location parts pydantic adds for the branch of a union it tried (``str``, ``dict[str,any]``,
# ``literal[False]``, a section class name) or for a map's key (``[key]``): not the user's keys.
_BRANCH_TAG = re.compile(r"^(str|int|float|bool|none|bytes|[a-z-]+\[.*\]|\[key\])$")


@cache  # every section class exists once the descriptor package is imported
def _section_class_names() -> frozenset[str]:
    from .base import SdkModel

    names: set[str] = set()
    todo = list(SdkModel.__subclasses__())
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return frozenset(names)


def _is_branch_tag(part: str | int) -> bool:
    return isinstance(part, str) and (part in _NOT_USER_KEYS or bool(_BRANCH_TAG.match(part)) or part in _section_class_names())


def _user_path(raw: Any, loc: Path_) -> Path_:
    """The location in the user's own spelling: v1 names kept, union tags dropped."""
    return _user_path_and_site(raw, loc)[0]


_ABSENT = object()  # below a key the user did not give


def _user_path_and_site(raw: Any, loc: Path_) -> tuple[Path_, int | None]:
    """The user's path of a pydantic location, and where in it pydantic chose among the forms a
    value may take (a union: None when there was no choice)."""
    out: list[str | int] = []
    site: int | None = None
    current = raw
    for part in loc:
        if isinstance(current, dict):
            if part in current:
                out.append(part)
                current = current[part]
                continue
            v1 = next((name for name in _v1_of(str(part)) if name in current), None)
            if v1 is not None:
                out.append(v1)
                current = current[v1]
                continue
            if part == 0 and current and not any(isinstance(v, (dict, list)) for v in current.values()):
                continue  # a list made from one mapping (a single RecordSet): the mapping is the item
            if isinstance(part, int) and 0 <= part < len(current):  # a list made from a mapping
                key = list(current)[part]
                out.append(key)
                current = current[key]
                continue
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            out.append(part)
            current = current[part]
            continue
        if _is_branch_tag(part):
            if site is None and part not in _NOT_USER_KEYS:
                site = len(out)
            continue
        if current is not _ABSENT and not isinstance(current, (dict, list)):
            break  # sagestack expanded the user's scalar (inputs: s3://... → a channel): the scalar is the place
        out.append(part)
        current = _ABSENT
    return tuple(out), site


def _line(lines: dict[Path_, int], path: Path_) -> int:
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return 1


def issues_from_errors(errors: Sequence[Mapping[str, Any]], raw: Any, lines: dict[Path_, int], file: str) -> list[Issue]:
    """pydantic's errors as the user's problems: one mistake, one line, in the user's own path.

    Where a value may take several forms (a union), pydantic reports one error per form it
    tried; when the value has the shape of one form, that form's own errors are kept, else the
    forms become one "allowed" list. A required field missing because its name was misspelt is
    said once, by the unknown field's "did you mean"."""
    entries: list[tuple[Path_, int | None, str, str | None, str | None]] = []
    for error in errors:
        loc, problem, allowed, got = from_pydantic(error)
        path, site = _user_path_and_site(raw, loc) if raw is not None else (loc, None)
        entries.append((path, site, problem, allowed, got))
    def issue(path: Path_, problem: str, allowed: str | None, got: str | None) -> Issue:
        return Issue(file, _line(lines, path), format_path(path), problem, "error", allowed, got)

    out: list[Issue] = []
    sites: dict[Path_, list[tuple[Path_, int | None, str, str | None, str | None]]] = {}
    for entry in entries:
        if entry[1] is None:
            out.append(issue(entry[0], *entry[2:]))
        else:
            sites.setdefault(entry[0][: entry[1]], []).append(entry)
    for site_path, group in sites.items():
        deeper = [e for e in group if len(e[0]) > len(site_path)]
        if deeper or len(group) == 1:
            out.extend(issue(e[0], *e[2:]) for e in (deeper or group))
            continue
        forms = list(dict.fromkeys(e[3] or e[2] for e in group))
        out.append(issue(site_path, "not one of the forms this field takes", " or ".join(forms), group[0][4]))
    misspelt = {(i.path.rsplit(".", 1)[0] if "." in i.path else "", m.group(1)) for i in out if (m := re.search(r"did you mean '([^']+)'", i.message))}
    return [i for i in out if not (i.message == "required field is missing" and ((i.path.rsplit(".", 1)[0] if "." in i.path else ""), i.path.rsplit(".", 1)[-1]) in misspelt)]


@cache
def _section_adapter(section: str) -> TypeAdapter[Any]:
    annotation = ModelDescriptor.model_fields[section].annotation
    assert annotation is not None  # every section is declared with its type
    return TypeAdapter(annotation)


def validate_data(
    raw: Any,
    *,
    file: str = "<descriptor>",
    lines: dict[Path_, int] | None = None,
    source: Path | None = None,
    root: Path | None = None,
) -> LoadResult:
    """Validate descriptor data (as read from YAML or given in Python): fields, then rules.
    Local paths must stay inside ``root`` (default: the repository root found from the source's
    directory, see :func:`.paths.repository_root`).

    Rules run on every section that validated on its own, so a type error in ``deploy`` does not
    hide a cross-field problem in ``estimator``.
    """
    lines = lines or {}
    if not isinstance(raw, dict):
        return LoadResult(file, None, [Issue(file, _line(lines, ()), "<root>", "a descriptor is a mapping", allowed="name, estimator, fit, model, deploy, transformer, transform", got=type(raw).__name__)])
    issues: list[Issue] = []
    descriptor: ModelDescriptor | None = None
    try:
        descriptor = ModelDescriptor.model_validate(raw)
        view: Any = descriptor
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        issues.extend(issues_from_errors(errors, raw, lines, file))
        broken = {err["loc"][0] for err in errors if err.get("loc")}
        parts: dict[str, Any] = {}
        for section in SECTIONS:
            if section in raw and section not in broken:
                try:
                    parts[section] = _section_adapter(section).validate_python(raw[section])
                except ValidationError:  # pragma: no cover - validated above as part of the whole
                    parts[section] = None
            else:
                parts[section] = None
        view = SimpleNamespace(**parts, name=raw.get("name") if "name" not in broken else None)
    present = {key for key in raw if isinstance(key, str)}
    base_dir = source.parent if source is not None else Path.cwd()
    for finding in run_rules(view, present=present, base_dir=base_dir, root=root):
        path = _user_path(raw, finding.path)
        issues.append(Issue(file, _line(lines, path), format_path(path), finding.message, finding.severity, finding.allowed, finding.got))
    if descriptor is not None:
        if any(i.severity == "error" for i in issues):
            descriptor = None
        else:
            descriptor._source = source
            descriptor._root = Path(root).resolve() if root is not None else None
            descriptor._lines = dict(lines)
    return LoadResult(file, descriptor, sorted(set(issues)))


def read_source(path: Path) -> tuple[str | None, Issue | None]:
    """A descriptor file's text, or the problem reading it (an encoding error at its line)."""
    file = display_name(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, Issue(file, 1, "<root>", f"cannot read the file: {exc.strerror or exc}")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, Issue(file, line, "<root>", f"not UTF-8 text: byte {data[exc.start:exc.start + 1]!r} at column {column} ({exc.reason})", allowed="a UTF-8 encoded file")


def load_source(path: Path, text: str, python_limits: PythonLimits = DEFAULT_LIMITS) -> LoadResult:
    """Validate a descriptor's ``text`` as the file ``path`` (relative paths resolve against its
    directory), whether or not the file on disk holds that text."""
    limits = python_limits
    file = display_name(path)
    if path.suffix == ".py":
        raw, lines, issues = _read_python(path, file, text, limits)
    else:
        raw, lines, issues = _read_yaml(text, file)
    if raw is None or issues and any(i.path == "<root>" for i in issues):
        return LoadResult(file, None, sorted(set(issues)))
    result = validate_data(raw, file=file, lines=lines, source=path.resolve())
    result.issues = sorted(set(result.issues) | set(issues))
    if issues:
        result.descriptor = None if any(i.severity == "error" for i in issues) else result.descriptor
    return result


def load_descriptor(path: str | os.PathLike[str], *, python_limits: PythonLimits = DEFAULT_LIMITS) -> LoadResult:
    """Read and validate one descriptor file (YAML, or Python evaluated in a process of its own
    within ``python_limits``)."""
    [result] = load_files([Path(path)], python_limits=python_limits)
    return result


def load_descriptor_or_raise(path: str | os.PathLike[str], *, strict: bool = False) -> ModelDescriptor:
    """One descriptor file, or :class:`DescriptorError` with every problem in it (warnings too
    with ``strict``)."""
    result = load_descriptor(path)
    errors = [i for i in result.issues if i.severity == "error" or strict]
    if result.descriptor is None or errors:
        raise DescriptorError(errors or result.issues)
    return result.descriptor


def descriptor_from_dict(
    data: dict[str, Any], *, base_dir: str | os.PathLike[str] | None = None, root: str | os.PathLike[str] | None = None, strict: bool = False
) -> ModelDescriptor:
    """A descriptor given as Python data (the same keys as a YAML descriptor), validated with the
    same fields and rules; relative paths (``source_dir``, ``entry_point``) resolve against
    ``base_dir`` (default: the working directory) and must stay inside ``root``, symbolic links
    followed (default: the nearest directory at or above ``base_dir`` holding ``cdk.json``, else the
    top of the git work tree, else ``base_dir`` itself). Raises :class:`DescriptorError` with
    every problem."""
    base = Path(base_dir) if base_dir is not None else Path.cwd()
    name = data.get("name", "descriptor") if isinstance(data, dict) else "descriptor"
    result = validate_data(data, file=f"<{name}>", source=(base / f"{name}.py").resolve(), root=Path(root) if root is not None else None)
    errors = [i for i in result.issues if i.severity == "error" or strict]
    if result.descriptor is None or errors:
        raise DescriptorError(errors or result.issues)
    return result.descriptor


def is_descriptor(path: Path, text: str | None = None) -> bool:
    """Whether a file in a catalog directory is a descriptor: ``*.yaml``/``*.yml``, and ``*.py``
    files that assign ``descriptor`` at top level (decided from the syntax tree, without running
    it, so training scripts beside descriptors are never executed); names starting with ``_`` or
    ``.`` are not. ``text`` is the file's content when it is not read from ``path`` (a file as of
    another git revision). Every command decides with this function."""
    if path.suffix not in DESCRIPTOR_SUFFIXES or path.name.startswith(("_", ".")):
        return False
    if path.suffix != ".py":
        return True
    try:
        tree = ast.parse(text if text is not None else path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return False
    for statement in tree.body:
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target] if isinstance(statement, ast.AnnAssign) else []
        if any(isinstance(t, ast.Name) and t.id == "descriptor" for t in targets):
            return True
    return False


def descriptor_files(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[Path], list[Issue]]:
    """Descriptor files of the given files and directories (directories: sorted, not recursive,
    :func:`is_descriptor` decides); a file named explicitly is always read as a descriptor."""
    files: list[Path] = []
    issues: list[Issue] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.is_file() and is_descriptor(p)))
        elif path.is_file():
            files.append(path)
        else:
            issues.append(Issue(display_name(path), 1, "<root>", "no such file or directory"))
    return files, issues


#: Fewest YAML descriptors worth validating in more than one process (below, forking costs more).
PARALLEL_FROM = 64


def _load_yaml_chunk(chunk: Sequence[tuple[Path, str]], python_limits: PythonLimits) -> list[LoadResult]:
    return [load_source(path, text, python_limits) for path, text in chunk]


def _parallel_workers(count: int, workers: int | None) -> int:
    """How many processes validate ``count`` YAML descriptors: given, or one per core for a large
    catalog where forking is safe (Linux, no other thread that a forked child would inherit
    stopped mid-lock)."""
    if workers is not None:
        return max(1, workers)
    import multiprocessing
    import sys
    import threading

    if count < PARALLEL_FROM or sys.platform != "linux" or threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def _load_yaml_files(items: list[tuple[Path, str]], python_limits: PythonLimits, workers: int, started: Callable[[], None] = lambda: None) -> list[LoadResult]:
    """Validate YAML descriptors, in order: split over ``workers`` processes (forked, so they start
    with every module loaded; this process validates the first share itself). Validation is pure,
    so the results are the same however many processes share it; a pool that breaks falls back to
    validating here. ``started`` is called once the other processes are forked (or before
    validating, in one process)."""
    if workers <= 1 or len(items) < 2:
        started()
        return _load_yaml_chunk(items, python_limits)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    size = -(-len(items) // workers)
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    try:
        with ProcessPoolExecutor(max_workers=len(chunks) - 1, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(_load_yaml_chunk, chunk, python_limits) for chunk in chunks[1:]]
            started()  # the workers are forked (submit starts them)
            first = _load_yaml_chunk(chunks[0], python_limits)
            return first + [result for future in futures for result in future.result()]
    except (BrokenProcessPool, OSError):
        return _load_yaml_chunk(items, python_limits)


def load_files(files: Sequence[Path], *, python_limits: PythonLimits = DEFAULT_LIMITS, workers: int | None = None, meanwhile: Callable[[], None] | None = None) -> list[LoadResult]:
    """Load descriptor files: every file's source is read before any Python descriptor runs (so
    none can change what another file says), then Python descriptors are evaluated side by side,
    each in its own process.

    :param workers: processes that validate the YAML descriptors (default: one per core for a
        catalog of ``PARALLEL_FROM`` files or more, else one); the results do not depend on it.
    :param meanwhile: called once, as validation starts, and once any worker process is forked
        (so it may start threads): work to overlap with validation (the app starts the CDK).
    """
    from concurrent.futures import ThreadPoolExecutor

    sources = [read_source(path) for path in files]
    results: list[LoadResult | None] = [None] * len(files)
    python: list[int] = []
    yaml_files: list[int] = []
    for index, (path, (text, problem)) in enumerate(zip(files, sources, strict=True)):
        if text is None:
            assert problem is not None
            results[index] = LoadResult(problem.file, None, [problem])
        elif path.suffix == ".py":
            python.append(index)
        else:
            yaml_files.append(index)
    items = [(files[i], sources[i][0] or "") for i in yaml_files]
    calls: list[bool] = []

    def started() -> None:
        if meanwhile is not None and not calls:
            calls.append(True)
            meanwhile()

    for index, result in zip(yaml_files, _load_yaml_files(items, python_limits, _parallel_workers(len(items), workers), started), strict=True):
        results[index] = result
    started()  # no YAML descriptor
    if python:
        with ThreadPoolExecutor(max_workers=max(1, min(len(python), os.cpu_count() or 1))) as pool:
            loaded = pool.map(lambda i: load_source(files[i], sources[i][0] or "", python_limits), python)
            for index, result in zip(python, loaded, strict=True):
                results[index] = result
    return [r for r in results if r is not None]


def _reject(result: LoadResult, issue: Issue) -> Issue:
    """A check across files refuses ``result``'s descriptor: ``issue`` joins its file's problems
    and the descriptor is dropped (nothing half-built). Returns ``issue``."""
    result.issues.append(issue)
    result.descriptor = None
    return issue


def load_catalog(paths: Iterable[str | os.PathLike[str]], *, python_limits: PythonLimits = DEFAULT_LIMITS, workers: int | None = None, meanwhile: Callable[[], None] | None = None) -> Catalog:
    """Every descriptor under ``paths``, validated; plus checks across files (unique names).
    ``workers`` and ``meanwhile``: as :func:`load_files` takes them."""
    files, issues = descriptor_files(paths)
    results = load_files(files, python_limits=python_limits, workers=workers, meanwhile=meanwhile)
    for result in results:
        issues.extend(result.issues)
    seen: dict[str, LoadResult] = {}
    endpoints: dict[str, LoadResult] = {}
    joiners: list[LoadResult] = []
    for result in results:
        desc = result.descriptor
        if desc is None:
            continue
        if desc.name in seen:
            issues.append(_reject(result, Issue(result.file, desc.line_of("name"), "name", f"model name already used by {seen[desc.name].file}", allowed="a name unique in the catalog", got=desc.name)))
            continue
        seen[desc.name] = result
        if desc.deploy is not None and desc.deploy.endpoint_name and joins_endpoint(desc.deploy):
            joiners.append(result)  # adds its inference component to an endpoint: checked below
        elif desc.deploy is not None and desc.deploy.endpoint_name:
            other = endpoints.get(desc.deploy.endpoint_name)
            if other is not None:
                issues.append(_reject(result, Issue(result.file, desc.line_of("deploy", "endpoint_name"), "deploy.endpoint_name", f"endpoint name already used by {other.file}", got=desc.deploy.endpoint_name)))
            else:
                endpoints[desc.deploy.endpoint_name] = result
    for result in joiners:
        # An endpoint created in this catalog must hold inference components; one created
        # elsewhere is the deployer's to provide.
        desc = result.descriptor
        assert desc is not None and desc.deploy is not None and desc.deploy.endpoint_name is not None
        owner = endpoints.get(desc.deploy.endpoint_name)
        if owner is not None and owner.descriptor is not None and owner.descriptor.deploy is not None and not owner.descriptor.deploy.inference_component_based():
            issues.append(_reject(result, Issue(
                result.file, desc.line_of("deploy", "endpoint_name"), "deploy.endpoint_name", f"names the endpoint of {owner.file}, which is model-based: it holds no inference components",
                allowed="an endpoint with endpoint_type inference-component-based", got=desc.deploy.endpoint_name,
            )))
        elif owner is not None and owner.descriptor is not None and owner.descriptor.estimator is not None and desc.estimator is None:
            # CloudFormation would create this component at deploy time, before any run of the
            # owner's pipeline has created the endpoint: the first deploy would fail.
            issues.append(_reject(result, Issue(
                result.file, desc.line_of("deploy", "endpoint_name"), "deploy.endpoint_name",
                f"names the endpoint of {owner.file}, which its pipeline creates at run time: CloudFormation cannot add this component before a run has created it",
                allowed="an endpoint a model: descriptor owns (model + deploy with initial_instance_count), or an estimator descriptor whose pipeline adds the component", got=desc.deploy.endpoint_name,
            )))
    issues += _check_add_model(results, seen)
    return Catalog(results, sorted(set(issues)))


def _check_add_model(results: Sequence[LoadResult], seen: Mapping[str, LoadResult]) -> list[Issue]:
    """``add_model.multi_data_model`` names a MultiDataModel descriptor of the catalog whose
    container serves the trained archive (:func:`.add_model.compatibility`)."""
    from .add_model import compatibility

    def serves_many(desc: ModelDescriptor) -> bool:  # a model.type: MultiDataModel
        return desc.model is not None and desc.model.SERVING == "multi-model"

    found: list[Issue] = []
    multi = sorted(name for name, r in seen.items() if r.descriptor is not None and serves_many(r.descriptor))
    for result in results:
        desc = result.descriptor
        if desc is None or desc.add_model is None or desc.add_model.multi_data_model is None:
            continue
        name = desc.add_model.multi_data_model
        owner = seen.get(name)
        where = ("add_model", "multi_data_model")
        problems: list[Finding] = []
        if owner is None or owner.descriptor is None:
            problems.append(Finding(where, "names no descriptor of the catalog" if owner is None else f"names {name}, whose descriptor has errors ({owner.file})", format_allowed(multi, what="MultiDataModel descriptors") if multi else "a model.type: MultiDataModel descriptor", name))
        elif not serves_many(owner.descriptor):
            problems.append(Finding(where, f"names {name}, which is not a multi-model endpoint ({owner.descriptor.kind}: a model.type MultiDataModel is)", format_allowed(multi, what="MultiDataModel descriptors") if multi else "a model.type: MultiDataModel descriptor", name))
        else:
            problems += compatibility(desc, owner.descriptor)
        for finding in problems:
            issue = Issue(result.file, desc.line_of(*finding.path), format_path(finding.path), finding.message, finding.severity, finding.allowed, finding.got)
            found.append(issue)
            result.issues.append(issue)
        if any(f.severity == "error" for f in problems):
            result.descriptor = None
    return found


__all__ += ["Finding", "descriptor_files", "display_name", "is_descriptor", "load_files", "load_source", "read_source", "PythonLimits"]
