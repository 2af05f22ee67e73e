"""Problems found in descriptors, and their one-line format.

Every problem is one line::

    <file>:<line>: <dotted.path>: <problem> (allowed: <what is allowed>; got: <what was received>)

Warnings put ``warning: `` before the problem. The ``(allowed: ...; got: ...)`` part is left
out where it says nothing. Lines are sorted by file, line and path.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["Issue", "LINE_FORMAT", "format_path", "from_pydantic"]

Severity = Literal["error", "warning"]

#: The documented format of one issue line (tests check every line against it).
LINE_FORMAT = re.compile(
    r"^(?P<file>[^\n]+?):(?P<line>\d+): (?P<path>[^\s:]+): (?P<warning>warning: )?(?P<problem>[^\n]+?)"
    r"(?: \(allowed: (?P<allowed>[^\n]*); got: (?P<got>[^\n]*)\))?$"
)


def format_path(path: tuple[str | int, ...]) -> str:
    """``('fit', 'inputs', 'train', 's3_data')`` → ``fit.inputs.train.s3_data``; list indexes as ``[0]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            text = str(part)
            if re.fullmatch(r"[A-Za-z0-9_\-]+", text):
                out += ("." if out else "") + text
            else:  # keys with other characters: a JSON string in brackets, no spaces or colons
                quoted = json.dumps(text).replace(":", "\\u003a").replace(" ", "\\u0020")
                out += f"[{quoted}]"
    return out or "<root>"


def _short(value: Any, limit: int = 120) -> str:
    text = value if isinstance(value, str) else repr(value)
    text = text.replace("\n", "\\n")
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass(frozen=True, order=True)
class Issue:
    """One problem at one place."""

    file: str
    line: int
    path: str
    message: str
    severity: Severity = "error"
    allowed: str | None = field(default=None, compare=False)
    got: str | int | float | None = field(default=None, compare=False)

    def format(self) -> str:
        text = f"{self.file}:{self.line}: {self.path}: "
        if self.severity == "warning":
            text += "warning: "
        text += self.message.replace("\n", " ")
        if self.allowed is not None or self.got is not None:
            text += f" (allowed: {self.allowed if self.allowed is not None else '-'}; got: {self.got if self.got is not None else '-'})"
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "path": self.path,
            "severity": self.severity,
            "message": self.message,
            "allowed": self.allowed,
            "got": self.got,
        }


# Context names of sagestack's own validation errors (see base.user_error).
CTX_ALLOWED, CTX_GOT, CTX_KEY = "sagestack_allowed", "sagestack_got", "sagestack_key"

#: What a .inf or .nan anywhere in a descriptor is told (no API or template takes one).
NON_FINITE_MESSAGE = "not a finite number: .inf and .nan cannot be sent to SageMaker or written to a template"

# pydantic-core error types → (problem, allowed) with ctx fields filled in.
_PYDANTIC_MESSAGES: dict[str, tuple[str, str | None]] = {
    "missing": ("required field is missing", None),
    "string_type": ("expected a string (quote the value in YAML)", "a string"),
    "int_type": ("expected a whole number", "an integer"),
    "int_parsing": ("expected a whole number", "an integer"),
    "int_from_float": ("expected a whole number", "an integer"),
    "float_type": ("expected a number", "a number"),
    "float_parsing": ("expected a number", "a number"),
    "finite_number": (NON_FINITE_MESSAGE, "a finite number"),
    "bool_type": ("expected true or false", "true, false"),
    "bool_parsing": ("expected true or false", "true, false"),
    "dict_type": ("expected a mapping", "a mapping of keys to values"),
    "model_type": ("expected a mapping", "a mapping of keys to values"),
    "model_attributes_type": ("expected a mapping", "a mapping of keys to values"),
    "list_type": ("expected a list", "a list"),
    "tuple_type": ("expected a list", "a list"),
    "literal_error": ("not one of the allowed values", "{expected}"),
    "greater_than": ("too small", "> {gt}"),
    "greater_than_equal": ("too small", ">= {ge}"),
    "less_than": ("too large", "< {lt}"),
    "less_than_equal": ("too large", "<= {le}"),
    "string_too_long": ("too long", "at most {max_length} characters"),
    "string_too_short": ("too short", "at least {min_length} characters"),
    "too_long": ("too many entries", "at most {max_length}"),
    "too_short": ("too few entries", "at least {min_length}"),
    "string_pattern_mismatch": ("does not match the required pattern", "/{pattern}/"),
    "union_tag_not_found": ("'type' is missing", "{discriminator}"),
}


def from_pydantic(error: Mapping[str, Any]) -> tuple[tuple[str | int, ...], str, str | None, str | None]:
    """One pydantic error → (location, problem, allowed, got).

    Custom errors raised by sagestack's validators carry ``allowed``/``got``/``key`` in ``ctx``.
    """
    loc = tuple(error.get("loc", ()))
    ctx = error.get("ctx") or {}
    kind = error.get("type", "")
    received = error.get("input")
    if CTX_KEY in ctx:
        loc = loc + (tuple(ctx[CTX_KEY]) if isinstance(ctx[CTX_KEY], (tuple, list)) else (ctx[CTX_KEY],))
    if kind in _PYDANTIC_MESSAGES:
        problem, allowed_template = _PYDANTIC_MESSAGES[kind]
        allowed = allowed_template.format(**{k: _short(v) for k, v in ctx.items()}) if allowed_template else None
        if kind == "literal_error" and allowed is not None:  # YAML's spelling, not Python's
            allowed = re.sub(r"\bFalse\b", "false", re.sub(r"\bTrue\b", "true", re.sub(r"\bNone\b", "null", allowed)))
        got = None if kind == "missing" else _short(received)
        return loc, problem, allowed, got
    problem = error.get("msg", kind)
    problem = re.sub(r"^Value error, ", "", problem)
    allowed = ctx.get(CTX_ALLOWED)
    got = ctx.get(CTX_GOT, None if kind == "missing" else (received if not isinstance(received, dict) else None))
    return loc, problem, (None if allowed is None else _short(str(allowed), 1200)), (None if got is None else _short(got))
