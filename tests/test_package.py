"""sagestack is pip-installable: the wheel holds every module of constructs/sagestack/, the
Lambda handler directories (not Python packages) and py.typed — and no top-level `constructs`
package that would shadow the library (aws/aws-cdk#19301)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from .conftest import REPO_ROOT


def test_wheel_holds_the_library_and_its_handlers(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(tmp_path), str(REPO_ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    [wheel] = tmp_path.glob("sagestack-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    source = REPO_ROOT / "constructs"
    expected = {str(p.relative_to(source)) for p in (source / "sagestack").rglob("*") if p.is_file() and p.suffix in (".py", ".typed") and "__pycache__" not in p.parts}
    assert expected - names == set()
    assert {"sagestack/pipeline/run_input/index.py", "sagestack/handlers/teardown.py", "sagestack/handlers/repack.py", "sagestack/handlers/cfn_response.py", "sagestack/py.typed"} <= names
    # the Node module sagestack.jsii_batch loads, every file of it
    assert {f"sagestack/jsii_batch/{name}" for name in ("package.json", ".jsii", "index.js")} <= names
    assert not [n for n in names if n.startswith("constructs/")]
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    assert "Requires-Dist: aws-cdk-lib" in zipfile.ZipFile(wheel).read(metadata).decode()
