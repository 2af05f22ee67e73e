"""A descriptor's description is sized to CloudFormation's 1,024-byte stack description, counting
UTF-8 bytes (not characters) and leaving room for what sagestack puts before it."""

from __future__ import annotations

from pathlib import Path

import pytest

from sagestack.descriptor import load_descriptor
from sagestack.descriptor.descriptor import _LONGEST_PREFIX, DESCRIPTION_MAX_BYTES, STACK_DESCRIPTION_MAX_BYTES

from ..conftest import CATALOG
from .helpers import find, issues_of, kmeans_base

# One, two, three and four bytes of UTF-8 per character.
FILLERS = ["a", "é", "界", "🚀"]


def _of_bytes(size: int, filler: str) -> str:
    """A string of exactly ``size`` bytes: ``filler`` as often as fits, then ASCII."""
    count = size // len(filler.encode("utf-8"))
    text = filler * count
    return text + "a" * (size - len(text.encode("utf-8")))


def test_the_limit_leaves_room_for_the_longest_prefix() -> None:
    assert DESCRIPTION_MAX_BYTES + len(_LONGEST_PREFIX.encode("utf-8")) == STACK_DESCRIPTION_MAX_BYTES == 1024
    assert 800 < DESCRIPTION_MAX_BYTES < 1000


@pytest.mark.parametrize("filler", FILLERS, ids=["ascii", "2-byte", "3-byte", "4-byte"])
def test_a_description_of_the_limit_fits_and_one_byte_more_does_not(filler: str) -> None:
    raw = kmeans_base()
    raw["description"] = _of_bytes(DESCRIPTION_MAX_BYTES, filler)
    assert not find(issues_of(raw), "description")
    raw["description"] = _of_bytes(DESCRIPTION_MAX_BYTES + 1, filler)
    [issue] = find(issues_of(raw), "description")
    assert issue.severity == "error" and "stack description" in issue.message and "1024 bytes" in issue.message
    assert issue.allowed == f"at most {DESCRIPTION_MAX_BYTES} bytes of UTF-8"
    assert issue.got is not None and issue.got.startswith(f"{DESCRIPTION_MAX_BYTES + 1} bytes (")


def test_characters_are_not_bytes() -> None:
    """400 CJK characters are well under the limit in characters, but 1,200 bytes."""
    raw = kmeans_base()
    raw["description"] = "界" * 400
    [issue] = find(issues_of(raw), "description")
    assert issue.got == "1200 bytes (400 characters)"


def test_reported_at_the_description_line(tmp_path: Path) -> None:
    source = (CATALOG / "mnist-ab.yaml").read_text()
    long = "モデル" * 400
    text = source.replace("description: Champion/challenger A/B test of two MNIST model versions on one endpoint", f"description: {long}")
    path = tmp_path / "mnist-ab.yaml"
    path.write_text(text, encoding="utf-8")
    [issue] = load_descriptor(path).issues
    assert issue.path == "description" and text.splitlines()[issue.line - 1].startswith("description: モデル")


def test_every_example_stack_description_fits_with_the_longest_description() -> None:
    """Whatever the name and sections, a description of the limit gives a stack description
    CloudFormation takes."""
    from sagestack.descriptor import load_catalog

    for descriptor in load_catalog([CATALOG]).descriptors:
        longest = descriptor.model_copy(update={"name": "m" * 32, "description": _of_bytes(DESCRIPTION_MAX_BYTES, "🚀")})
        assert len(longest.stack_description.encode("utf-8")) <= STACK_DESCRIPTION_MAX_BYTES, descriptor.name
