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


def ecr_repository(image: str) -> tuple[str, str, str] | None:
    """``<account>.dkr.ecr.<region>.<domain>/<repo>:<tag>`` → (account, region, repo); None otherwise."""
    host, _, rest = image.partition("/")
    parts = host.split(".")
    if len(parts) < 4 or parts[1] != "dkr" or parts[2] != "ecr":
        return None
    repo = rest.split("@", 1)[0]
    if ":" in repo.rsplit("/", 1)[-1]:
        repo = repo.rsplit(":", 1)[0]
    return parts[0], parts[3], repo
