"""A small YAML writer that keeps key order and puts comments where the importer wants them.

PyYAML has no comments; ruamel.yaml is not a dependency. Structure (block mappings and lists)
is written here; every scalar and key is written by PyYAML's own ``safe_dump``, so quoting is
YAML's (``"2.11"`` stays a string, ``on`` is quoted, ``5e-05`` reads back as a float). The
writer returns the line of every key path, so placeholders can be reported at ``file:line``.
"""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["emit", "scalar"]

Path_ = tuple[str | int, ...]


def scalar(value: Any) -> str:
    """One scalar as YAML text on one line."""
    text = str(yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=2**31 - 1))
    text = text.removesuffix("\n").removesuffix("\n...")
    if "\n" in text:  # a string PyYAML folded: write it double-quoted on one line instead
        text = str(yaml.safe_dump(value, default_style='"', allow_unicode=True, width=2**31 - 1)).strip().removesuffix("...").strip()
    return text


def _flow(value: Any) -> str | None:
    """Empty collections as flow ``{}``/``[]``; None for everything else."""
    if isinstance(value, dict) and not value:
        return "{}"
    if isinstance(value, (list, tuple)) and not value:
        return "[]"
    return None


def emit(data: dict[str, Any], *, comments: dict[Path_, str] | None = None, header: list[str] | None = None, blank_before: frozenset[str] = frozenset()) -> tuple[str, dict[Path_, int]]:
    """``data`` as block YAML: ``header`` lines as ``#`` comments first, ``comments[path]`` after
    the value of that key (or item), a blank line before each top-level key in ``blank_before``.
    Returns the text and the 1-based line of each path."""
    comments = comments or {}
    lines: list[str] = [f"# {line}".rstrip() for line in header or []]
    where: dict[Path_, int] = {}

    def put(text: str, path: Path_) -> None:
        comment = comments.get(path)
        lines.append(f"{text}  # {comment}" if comment else text)
        where[path] = len(lines)

    def mapping(value: dict[str, Any], indent: int, path: Path_) -> None:
        for key, item in value.items():
            if not path and key in blank_before and lines:
                lines.append("")
            prefix = " " * indent + scalar(str(key)) + ":"
            node(prefix, item, indent, path + (key,))

    def sequence(value: list[Any] | tuple[Any, ...], indent: int, path: Path_) -> None:
        for index, item in enumerate(value):
            node(" " * indent + "-", item, indent + 2, path + (index,), in_list=True)

    def node(prefix: str, item: Any, indent: int, path: Path_, in_list: bool = False) -> None:
        flow = _flow(item)
        if flow is not None or not isinstance(item, (dict, list, tuple)):
            put(f"{prefix} {flow if flow is not None else scalar(item)}", path)
            return
        child = indent if in_list else indent + 2
        if in_list and isinstance(item, dict):
            # "- key: value" with the mapping's other keys under the first
            first, *rest = item.items()
            node(f"{prefix} {scalar(str(first[0]))}:", first[1], child, path + (first[0],))
            where.setdefault(path, where[path + (first[0],)])
            mapping(dict(rest), child, path)
            return
        put(prefix, path)
        if isinstance(item, dict):
            mapping(item, child, path)
        else:
            sequence(item, child, path)

    mapping(data, 0, ())
    return "\n".join(lines) + "\n", where
