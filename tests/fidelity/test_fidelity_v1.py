"""Legacy-mode TensorFlow against SDK v1 (1.72.1), the only SDK that had it.

Fixtures in fixtures/v1/ are recorded by the SDK v1 venv (`make record-fixtures`). Legacy
configurations must match field by field. A v1-spelled script-mode configuration renders SDK v2
requests by design (SDK v2 accepts the v1 spellings and sends v2 requests); the differences from
what SDK v1 sent are listed here, each with its reason.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sagestack.descriptor import validate_data
from sagestack.render import render_requests, request_problems

from .configs_v1 import V1_CONFIGS
from .normalize import diff
from .test_fidelity import CONTEXT

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures" / "v1"

# config → {difference line prefix: reason}
EXPECTED_DIFFERENCES = {
    "mxnet-v1-cloudwatch": {
        "CreateTrainingJob.HyperParameters.sagemaker_enable_cloudwatch_metrics": "v1-only, always false in SDK 1.72; SDK v2 dropped it",
        "CreateTrainingJob.ProfilerConfig": "SDK v2 turns the profiler on by default; SDK 1.72 had none",
    },
}


def _render(name: str) -> dict:
    result = validate_data({"name": name, **V1_CONFIGS[name]}, file=f"{name}.yaml", source=HERE / "code" / "descriptor.yaml")
    assert result.descriptor is not None, [i.format() for i in result.issues]
    return render_requests(result.descriptor, CONTEXT)


def test_every_v1_config_has_a_fixture() -> None:
    assert sorted(p.stem for p in FIXTURES.glob("*.json")) == sorted(V1_CONFIGS), "run `make record-fixtures`"
    assert all(json.loads(p.read_text())["sdk"].startswith("sagemaker 1.72") for p in FIXTURES.glob("*.json"))


@pytest.mark.parametrize("name", sorted(V1_CONFIGS))
def test_requests_match_sdk_v1(name: str) -> None:
    fixture = json.loads((FIXTURES / f"{name}.json").read_text())
    ours = _render(name)
    assert sorted(ours) == sorted(fixture["requests"])
    differences = [f"{op}{line}" for op in ours for line in diff(ours[op], fixture["requests"][op])]
    expected = EXPECTED_DIFFERENCES.get(name, {})
    unexpected = [d for d in differences if not any(d.startswith(prefix) for prefix in expected)]
    assert not unexpected, "\n".join(unexpected)
    for prefix in expected:  # the listed differences are real, not stale
        assert any(d.startswith(prefix) for d in differences), prefix
    for operation, request in ours.items():
        assert request_problems(operation, request) == []
