"""The sagestack command: exit codes, --strict, --format json, schema, list, summary."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import yaml
from typer.testing import CliRunner

from sagestack.cli import app, configured_catalog

from .conftest import CATALOG, REPO_ROOT

runner = CliRunner()
BAD = Path(__file__).parent / "descriptor" / "bad"
WARN_ONLY = BAD.parent / "warn-only"


def test_example_catalog_is_valid() -> None:
    result = runner.invoke(app, ["validate", str(CATALOG)])
    assert result.exit_code == 0, result.stdout
    assert "error" not in result.stdout.replace("warning", "")


def test_invalid_exits_1() -> None:
    result = runner.invoke(app, ["validate", str(BAD / "rules.yaml")])
    assert result.exit_code == 1


def test_usage_error_exits_2() -> None:
    result = runner.invoke(app, ["validate", "--format", "xml"])
    assert result.exit_code == 2
    result = runner.invoke(app, ["no-such-command"])
    assert result.exit_code == 2


def test_missing_path_is_an_issue_not_a_traceback(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 1
    assert "no such file or directory" in result.stdout


def test_strict_turns_warnings_into_errors(tmp_path: Path) -> None:
    (tmp_path / "train.py").write_text("")
    doc = {
        "name": "warned",
        "estimator": {"type": "TensorFlow", "entry_point": "train.py", "framework_version": "2.11", "py_version": "py39", "instance_type": "ml.p3.2xlarge", "max_run": 24},
        "fit": {"inputs": "s3://sagestack-test/x"},
    }
    path = tmp_path / "warned.yaml"
    path.write_text(yaml.safe_dump(doc))
    relaxed = runner.invoke(app, ["validate", str(path)])
    assert relaxed.exit_code == 0 and ": warning: " in relaxed.stdout
    strict = runner.invoke(app, ["validate", "--strict", str(path)])
    assert strict.exit_code == 1


def test_json_format() -> None:
    result = runner.invoke(app, ["validate", "--format", "json", str(BAD)])
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["ok"] is False
    assert {f["file"].rsplit("/", 1)[-1] for f in payload["files"]} >= {"rules.yaml", "eia.yaml"}
    issue = next(i for i in payload["issues"] if i["path"] == "estimator.max_wait")
    assert issue["severity"] == "error" and issue["line"] == 12 and issue["allowed"]


def test_schema_is_valid_json_schema_and_accepts_the_catalog() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for path in sorted(CATALOG.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text())
        errors = [e.message for e in validator.iter_errors(doc)]
        assert not errors, (path.name, errors[:3])
    # v1 spellings are in the schema too, so editors accept pasted v1 code
    tf = schema["$defs"]["TensorFlowEstimator"]["properties"]
    assert tf["train_instance_type"]["deprecated"] is True
    assert "ml.p3.2xlarge" in tf["instance_type"]["enum"]
    assert validator.iter_errors({"name": "x", "estimator": {"type": "TensorFlow", "instance_typo": 1}}) is not None
    assert any("instance_typo" in e.message for e in validator.iter_errors({"name": "x", "estimator": {"type": "TensorFlow", "entry_point": "a", "instance_type": "ml.m5.large", "instance_typo": 1}}))


def test_list_shows_every_model() -> None:
    result = CliRunner().invoke(app, ["list", str(CATALOG)], env={"COLUMNS": "250"})
    assert result.exit_code == 0
    for path in sorted(CATALOG.glob("*.yaml")):
        name = yaml.safe_load(path.read_text())["name"]
        assert name in result.stdout


def test_list_says_where_inference_components_run() -> None:
    result = CliRunner().invoke(app, ["list", str(CATALOG)], env={"COLUMNS": "250"})
    assert "1 component copies on 1 x ml.m5.xlarge (autoscale 0-2)" in result.stdout  # ic-shared-sklearn creates the endpoint
    assert "1 component copies on endpoint shared-models (autoscale 0-2)" in result.stdout  # ic-shared-xgboost joins it


def test_list_says_what_each_placement_serves() -> None:
    result = CliRunner().invoke(app, ["list", str(CATALOG)], env={"COLUMNS": "250"})
    assert "champion 2 x ml.c5.xlarge (weight 9), challenger 1 x ml.c5.xlarge (weight 1) (autoscale 1-3)" in result.stdout  # mnist-ab
    assert "production 2 x ml.c5.xlarge (weight 1) + shadow candidate 1 x ml.c5.xlarge" in result.stdout  # mnist-shadow
    assert "1 x ml.g5.xlarge + asynchronous (autoscale 0-4)" in result.stdout  # pytorch-async
    assert "multi-model sklearn-multi-model: store-0042/<run>.tar.gz" in result.stdout  # sklearn-store-forecast adds its model there
    assert "None" not in result.stdout


def test_configured_catalog_comes_from_cdk_json(tmp_path: Path) -> None:
    assert configured_catalog(REPO_ROOT / "infra") == CATALOG
    (tmp_path / "cdk.json").write_text(json.dumps({"context": {"sagestack:catalog": "models"}}))
    assert configured_catalog(tmp_path) == tmp_path / "models"


def test_console_script_runs_without_traceback() -> None:
    """The installed entry point, in a subprocess: bad input gives lines and exit 1, no traceback."""
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "sagestack"), "validate", str(BAD)],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=120,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "invalid: " in proc.stderr


def test_render_prints_the_requests() -> None:
    result = runner.invoke(app, ["render", str(CATALOG / "mnist-tf.yaml"), "--region", "eu-west-1"])
    assert result.exit_code == 0, result.stdout
    requests = json.loads(result.stdout)
    assert list(requests) == ["CreateTrainingJob", "CreateModel", "CreateEndpointConfig", "CreateEndpoint"]
    assert requests["CreateTrainingJob"]["AlgorithmSpecification"]["TrainingImage"].startswith("763104351884.dkr.ecr.eu-west-1.amazonaws.com/")
    bad = runner.invoke(app, ["render", str(BAD / "rules.yaml")])
    assert bad.exit_code == 1 and "estimator.max_wait" in bad.stdout + (bad.stderr or "")
    unknown_region = runner.invoke(app, ["render", str(CATALOG / "mnist-tf.yaml"), "--region", "xx-nowhere-1"])
    assert unknown_region.exit_code == 1 and "Traceback" not in unknown_region.stdout
