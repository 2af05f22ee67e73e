"""Our renderers against the real SageMaker Python SDK, request for request.

The fixtures (tests/fidelity/fixtures/*.json) hold what SDK 2.x sent for each configuration in
configs.py, recorded by `make record-fixtures` with run-time values normalized
(normalize.DELIBERATE_DIFFERENCES). Here each configuration is validated as a descriptor,
rendered with the same region, bucket, job and endpoint names the recording used, and compared
field by field. This module never imports the SDK.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sagestack.descriptor import validate_data
from sagestack.render import RenderContext, placeholders_in, render_requests, request_problems
from sagestack.render.context import base_name

from .configs import CONFIGS
from .driver import ENDPOINT_NAME, JOB_NAME, TRANSFORM_JOB_NAME
from .normalize import diff
from .recorder import BUCKET, REGION, ROLE

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
CONTEXT = RenderContext(region=REGION, default_bucket=BUCKET, job_name=JOB_NAME, role_arn=ROLE, endpoint_name=ENDPOINT_NAME, transform_job_name=TRANSFORM_JOB_NAME)


def _render(name: str) -> dict[str, dict[str, Any]]:
    result = validate_data({"name": name, **CONFIGS[name]}, file=f"{name}.yaml", source=HERE / "code" / "descriptor.yaml")
    assert result.descriptor is not None, [i.format() for i in result.issues]
    return render_requests(result.descriptor, CONTEXT)


def test_enough_configurations() -> None:
    assert len(CONFIGS) >= 20
    assert sorted(p.stem for p in FIXTURES.glob("*.json")) == sorted(CONFIGS), "run `make record-fixtures`"
    kinds = {c.get("estimator", c.get("model", {})).get("type") for c in CONFIGS.values()}
    assert kinds >= {"TensorFlow", "MXNet", "KMeans", "PCA", "LinearLearner", "Estimator", "TensorFlowModel", "MXNetModel", "Model"}


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_requests_match_the_sdk(name: str) -> None:
    fixture = json.loads((FIXTURES / f"{name}.json").read_text())
    ours = _render(name)
    assert sorted(ours) == sorted(fixture["requests"]), "different calls"
    problems = [f"{op}{line}" for op in ours for line in diff(ours[op], fixture["requests"][op])]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_requests_are_valid_for_botocore(name: str) -> None:
    for key, request in _render(name).items():
        operation = key.split(".", 1)[0]  # CreateModel.<variant>
        assert request_problems(operation, request) == [], operation
        assert {base_name(p) for p in placeholders_in(request)} <= {"SourceArchive", "ModelName", "ModelDataUrl", "RepackedModelData", "EndpointConfigName", "InferenceComponentName", "ProcessingCode", "ProcessingCodeFile", "ProcessingEntrypoint", "ProcessingEntrypointFile"}


def test_docs_list_every_deliberate_difference() -> None:
    from .normalize import DELIBERATE_DIFFERENCES

    page = (HERE.parent.parent / "docs" / "fidelity.md").read_text()
    section = page.split("## Deliberate differences", 1)[1].split("\n## ", 1)[0]
    for _sdk, ours, _why in DELIBERATE_DIFFERENCES:
        assert f"`{ours}`" in section, ours


def test_docs_count_the_configurations() -> None:
    page = (HERE.parent.parent / "docs" / "fidelity.md").read_text()
    assert f"`tests/fidelity/cases/<kind>.py` ({len(CONFIGS)})" in page
