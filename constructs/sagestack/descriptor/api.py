"""Constraints of the SageMaker API, read from botocore's service model.

A descriptor field says where it lands in the API, for example
``ApiMember("CreateTrainingJob", "ResourceConfig.InstanceType")``. This module resolves
that member path to botocore's shape and exposes the shape's enum, min, max and pattern,
so validation uses the service's own limits instead of hand-written tables.

Path syntax: members separated by ``.``; ``Name[]`` steps into a list's member shape,
``Name{}`` into a map's value shape and ``Name{key}`` into a map's key shape.
Loading the model costs about 0.3 s once per process (botocore reads its gzipped JSON).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import Any

__all__ = ["ApiMember", "Limits", "limits", "shape_limits", "sagemaker_model"]


@lru_cache(maxsize=1)
def sagemaker_model() -> dict[str, Any]:
    """The raw botocore service model of SageMaker (``service-2.json``)."""
    from botocore.loaders import Loader

    model: dict[str, Any] = Loader().load_service_model("sagemaker", "service-2")
    return model


@dataclass(frozen=True)
class ApiMember:
    """A member of a SageMaker API request, e.g. ``CreateTrainingJob`` ``ResourceConfig.InstanceType``."""

    operation: str
    path: str

    def __str__(self) -> str:
        return f"{self.operation}.{self.path}"


@dataclass(frozen=True)
class Limits:
    """What botocore's model says about one shape."""

    shape: str
    type: str
    enum: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
    pattern: str | None = None

    def regex(self) -> re.Pattern[str] | None:
        return _compile(self.pattern) if self.pattern is not None else None


_SEGMENT = re.compile(r"^(?P<name>[A-Za-z0-9]+)(?P<step>\[\]|\{\}|\{key\})?$")




def python_pattern(pattern: str) -> str:
    """botocore's Java pattern in Python's (and JSON Schema's common) syntax."""
    if r"\p{" in pattern:
        # [\p{L}\p{Z}\p{N}_.:/=+\-@]* : letters, separators, numbers and the listed marks.
        pattern = pattern.replace(r"\p{L}\p{Z}\p{N}", r"\w\s")
        # letters, marks, separators, symbols, numbers, punctuation: all but control characters
        pattern = pattern.replace(r"[\p{L}\p{M}\p{Z}\p{S}\p{N}\p{P}]", r"[^\x00-\x1f\x7f]")
    # A length written as a repeat of the end anchor (CustomerMetadataKey's "(...)${1,128}"): the
    # shape's min and max say it.
    return re.sub(r"\$\{\d+,\d+\}$", "", pattern)


@cache
def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(python_pattern(pattern))


def shape_limits(shape_name: str) -> Limits:
    """Limits of a named botocore shape."""
    shape = sagemaker_model()["shapes"][shape_name]
    enum = shape.get("enum")
    return Limits(
        shape=shape_name,
        type=shape["type"],
        enum=tuple(enum) if enum else None,
        min=shape.get("min"),
        max=shape.get("max"),
        pattern=shape.get("pattern"),
    )


@cache
def limits(member: ApiMember) -> Limits:
    """Limits of the shape found at ``member``'s path in its operation's request."""
    model = sagemaker_model()
    try:
        shape_name = model["operations"][member.operation]["input"]["shape"]
    except KeyError:
        raise KeyError(f"no SageMaker operation {member.operation!r} in botocore's model") from None
    shapes = model["shapes"]
    documentation = step = ""
    for segment in member.path.split("."):
        match = _SEGMENT.match(segment)
        if match is None:
            raise KeyError(f"bad member path segment {segment!r} in {member}")
        members = shapes[shape_name].get("members", {})
        if match["name"] not in members:
            raise KeyError(f"{member}: {shape_name} has no member {match['name']!r}")
        shape_name = members[match["name"]]["shape"]
        documentation = members[match["name"]].get("documentation", "")
        step = match["step"]
        if step == "[]":
            shape_name = shapes[shape_name]["member"]["shape"]
        elif step == "{}":
            shape_name = shapes[shape_name]["value"]["shape"]
        elif step == "{key}":
            shape_name = shapes[shape_name]["key"]["shape"]
    found = shape_limits(shape_name)
    if found.max is None and found.type in ("integer", "long") and not step:
        documented = documented_max(documentation)
        if documented is not None:
            found = replace(found, max=documented)
    return found


# Limits the service states only in the member's documentation, not as a shape constraint
# (MaxPayloadInMB "cannot be greater than 100 MB"; MaxRuntimeInSeconds "The maximum value is
# 28 days"): read from that text, so a change in botocore's model changes them too.
_DOCUMENTED_MAX = (
    (re.compile(r"cannot be greater than (\d+) MB"), 1),
    (re.compile(r"[Tt]he maximum value is (\d+) days"), 86400),
)


def documented_max(documentation: str) -> float | None:
    """A maximum stated in a member's documentation, in the member's unit, or None."""
    for pattern, scale in _DOCUMENTED_MAX:
        match = pattern.search(documentation)
        if match:
            return float(int(match.group(1)) * scale)
    return None
