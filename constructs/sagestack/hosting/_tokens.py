"""Filling rendered requests' ``{{placeholders}}`` with CDK tokens."""

from __future__ import annotations

from typing import Any

from ..render import placeholders_in, substitute


def fill(request: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """``request`` with placeholders replaced by ``values`` (CDK tokens are strings too).

    Raises when a placeholder has no value: a construct must not emit ``{{...}}`` text.
    """
    missing = placeholders_in(request) - set(values)
    if missing:
        raise ValueError(f"no value for placeholders {sorted(missing)} in {sorted(request)}")
    return substitute(request, values)


def s3_bucket_and_key(uri: str) -> tuple[str, str]:
    """``s3://bucket/key`` → (bucket, key)."""
    assert uri.startswith("s3://"), uri
    bucket, _, key = uri[5:].partition("/")
    return bucket, key
