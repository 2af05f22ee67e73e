"""The differential test (differential.py): generated configurations through sagestack and the
real SDK. A few examples per seed configuration by default; ``make test-differential`` runs 200.

    SAGESTACK_DIFFERENTIAL_EXAMPLES=20   examples per seed configuration (default 2)
    SAGESTACK_DIFFERENTIAL_LOG=cases.jsonl   one JSON line per generated case and its verdict
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from .configs import CONFIGS

# Running a case imports the SDK; the rest of the suite never does, so only this test needs it.
needs_sdk = pytest.mark.skipif(importlib.util.find_spec("sagemaker") is None, reason="the SageMaker Python SDK (sagemaker) is not installed")

EXAMPLES = int(os.environ.get("SAGESTACK_DIFFERENTIAL_EXAMPLES", "2"))
LOG = os.environ.get("SAGESTACK_DIFFERENTIAL_LOG")
OUTCOMES: Counter[str] = Counter()
DOCS = Path(__file__).parent.parent.parent / "docs" / "fidelity.md"


@pytest.fixture(scope="module")
def sdk() -> Iterator[tuple[list[tuple[str, dict[str, Any]]], Any]]:
    """One recording (moto, botocore intercepted) for every case; what recording() changes in the
    process (fake credentials, the network guard) is undone afterwards for the rest of the suite."""
    import requests

    from .recorder import recording

    saved_env, saved_request = dict(os.environ), requests.sessions.Session.request
    if LOG:
        Path(LOG).write_text("")
    try:
        with recording() as (calls, session):
            yield calls, session
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        requests.sessions.Session.request = saved_request  # type: ignore[method-assign]
        print(f"\ndifferential: {sum(OUTCOMES.values())} configurations, {dict(OUTCOMES)}", file=sys.stderr)


# The generator varies estimator, model, fit, deploy and transform sections: configurations of
# processing jobs alone have none (their requests are compared with the SDK's by the fixtures).
VARIED = sorted(name for name, config in CONFIGS.items() if "estimator" in config or "model" in config)


@needs_sdk
@pytest.mark.parametrize("seed", VARIED)
def test_sdk_and_sagestack_agree(seed: str, sdk: tuple[list[tuple[str, dict[str, Any]]], Any]) -> None:
    from . import differential

    calls, session = sdk

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(differential.variations(seed))
    def case(generated: tuple[dict[str, Any], dict[str, Any]]) -> None:
        config, changes = generated
        verdict = differential.check(seed, config, changes, calls, session)
        OUTCOMES[verdict.outcome] += 1
        if LOG:
            with open(LOG, "a") as log:
                log.write(verdict.as_json() + "\n")
        assert verdict.ok, f"{seed} with {changes}:\n" + "\n".join(verdict.details)

    case()


def test_docs_list_every_known_and_stricter_entry() -> None:
    from .differential import KNOWN, STRICTER

    section = DOCS.read_text().split("## Differential testing", 1)[1].split("\n## ", 1)[0]
    for entry in KNOWN:
        assert f"`{entry.name}`" in section, entry.name
    for stricter in STRICTER:
        assert f"`{stricter.path}`" in section, stricter.path
