"""Test-wide guards: nothing may reach AWS or any network (no metadata probes, no AWS config or
credentials files, no CDK version check or telemetry, a fixed region)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import subprocess

GUARDS = {
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    "CDK_DISABLE_VERSION_CHECK": "1",
    "CDK_DISABLE_CLI_TELEMETRY": "true",
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
    "CDK_DEFAULT_REGION": "us-east-1",
    "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
    "JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION": "1",
    "SAGEMAKER_SUPPRESS_V2_WARNING": "1",
}
for key, value in GUARDS.items():
    os.environ[key] = value

# Fake credentials for tests that run moto: set per test (monkeypatch), never in the environment.
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture()
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """moto's in-memory AWS, with fake credentials in this test process only."""
    for key, value in FAKE_CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    from moto import mock_aws

    with mock_aws():
        yield


REPO_ROOT = Path(__file__).resolve().parent.parent
CATALOG = REPO_ROOT / "infra" / "models"


def modules_imported_by(code: str, roots: tuple[str, ...]) -> list[str]:
    """Run ``code`` in a fresh interpreter; the loaded modules whose top-level package is in ``roots``."""
    import json
    import subprocess
    import sys

    probe = code + f"\nimport sys as _s, json as _j\nprint(_j.dumps(sorted(m for m in _s.modules if m.split('.')[0] in {roots!r})))\n"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO_ROOT, check=True, timeout=120)
    return json.loads(out.stdout.strip().splitlines()[-1])


def synth_app(outdir: Path, context: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run app.py as the cdk CLI would, with ``context`` (e.g. {"preview": "pr-1"}), into ``outdir``."""
    import json
    import subprocess
    import sys

    env = dict(os.environ, CDK_OUTDIR=str(outdir), CDK_CONTEXT_JSON=json.dumps(context))
    return subprocess.run([sys.executable, "app.py"], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600)


HANDLERS = REPO_ROOT / "constructs" / "sagestack" / "handlers"


def load_handler(name: str) -> Any:
    """A custom resource handler module (``handlers/<name>.py``) as its Lambda imports it: with its
    directory, the asset's root, on the import path (for ``cfn_response``)."""
    import importlib.util
    import sys

    if str(HANDLERS) not in sys.path:
        sys.path.insert(0, str(HANDLERS))
    spec = importlib.util.spec_from_file_location(f"{name}_handler", HANDLERS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
