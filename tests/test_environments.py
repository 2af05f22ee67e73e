"""Environments (infra/environments.yaml, `-c env=`): validated like descriptors, overrides applied
and re-validated, and an environment's stacks, endpoints and run names kept apart from the
default environment's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sagestack.descriptor import load_catalog
from sagestack.environments import apply_environment, load_environments

from .conftest import CATALOG, REPO_ROOT, synth_app

ENVIRONMENTS = REPO_ROOT / "infra" / "environments.yaml"
BY_NAME = {d.name: d for d in load_catalog([CATALOG]).descriptors}


def test_the_example_file_is_valid_and_its_overrides_apply() -> None:
    result = load_environments(ENVIRONMENTS)
    assert result.issues == [] and result.environments is not None and result.environments.default == "dev"
    serving, issues = apply_environment(BY_NAME["mnist-serving"], "prod", result)
    assert issues == [] and serving is not None and serving.deploy is not None and serving.deploy.autoscaling is not None
    assert (serving.deploy.initial_instance_count, serving.deploy.autoscaling.min_capacity, serving.deploy.autoscaling.max_capacity) == (2, 2, 8)
    batch, _ = apply_environment(BY_NAME["pca-batch"], "prod", result)
    assert batch is not None and batch.transformer is not None and batch.transformer.instance_count == 4
    untouched, _ = apply_environment(BY_NAME["tf-pipe"], "prod", result)
    assert untouched is BY_NAME["tf-pipe"]


def test_a_missing_file_means_one_dev_environment(tmp_path: Path) -> None:
    result = load_environments(tmp_path / "environments.yaml")
    assert result.environments is not None and list(result.environments.environments) == ["dev"]


def test_every_problem_in_the_file_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "environments.yaml"
    path.write_text("default: staging\nenvironments:\n  prod:\n    acount: '123'\n    account: '123'\n    models:\n      kmeans: {instance_typ: ml.c5.xlarge}\n")
    result = load_environments(path)
    assert result.environments is None
    lines = [i.format() for i in result.issues]
    assert any(":4: environments.prod.acount: unknown field; did you mean 'account'?" in line for line in lines), lines
    assert any(":5: environments.prod.account:" in line for line in lines), lines
    assert any(":7: environments.prod.models.kmeans.instance_typ: unknown field; did you mean 'instance_type'?" in line for line in lines), lines


def test_an_override_that_breaks_a_rule_is_reported_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "environments.yaml"
    path.write_text("default: dev\nenvironments:\n  dev: {}\n  prod:\n    models:\n      '*': {min_capacity: 3}\n")
    result = load_environments(path)
    d, issues = apply_environment(BY_NAME["mnist-serving"], "prod", result)
    assert d is None
    [issue] = issues
    assert issue.line == 6 and "makes mnist-serving invalid: deploy.initial_instance_count: initial_instance_count outside the autoscaling bounds" in issue.format()


def test_deploy_false_leaves_an_endpoint_model_out_and_a_pipeline_training_only(tmp_path: Path) -> None:
    path = tmp_path / "environments.yaml"
    path.write_text("default: dev\nenvironments:\n  dev:\n    models:\n      '*': {deploy: false}\n")
    result = load_environments(path)
    assert apply_environment(BY_NAME["mnist-serving"], "dev", result) == (None, [])
    trained, _ = apply_environment(BY_NAME["kmeans"], "dev", result)
    assert trained is not None and trained.deploy is None and trained.estimator is not None


def _physical_names(outdir: Path) -> set[str]:
    names: set[str] = set()
    for template in outdir.glob("*.template.json"):
        data = json.loads(template.read_text())
        names |= {o["Value"] for o in data.get("Outputs", {}).values() if isinstance(o["Value"], str)}
        for resource in data["Resources"].values():
            props = resource.get("Properties", {})
            if resource["Type"] == "AWS::StepFunctions::StateMachine":
                names.add(json.loads(props["DefinitionString"])["States"]["Name the run"]["Comment"].rsplit(": ", 1)[1].rsplit("-", 1)[0])
            if resource["Type"] == "AWS::SageMaker::Endpoint":
                names.add(props["EndpointName"])
    return names


@pytest.mark.synth
def test_an_environment_gets_its_own_stacks_endpoints_and_run_names(tmp_path: Path) -> None:
    proc = synth_app(tmp_path / "prod", {"env": "prod", "models": "kmeans,mnist-serving"})
    assert proc.returncode == 0, proc.stderr[-2000:]  # cdk-nag runs on this synth too
    manifest = json.loads((tmp_path / "prod" / "manifest.json").read_text())
    stacks = {k: v for k, v in manifest["artifacts"].items() if v["type"] == "aws:cloudformation:stack"}
    assert sorted(stacks) == ["sagestack-kmeans-prod", "sagestack-mnist-serving-prod", "sagestack-shared-prod"]
    assert {v["environment"] for v in stacks.values()} == {"aws://123456789012/us-east-1"}
    assert synth_app(tmp_path / "dev", {"models": "kmeans,mnist-serving", "sagestack:nag": "false"}).returncode == 0
    prod, dev = _physical_names(tmp_path / "prod"), _physical_names(tmp_path / "dev")
    assert {"kmeans-prod", "mnist-serving-prod"} <= prod and {"kmeans-dev", "mnist-serving-dev"} <= dev
    assert "kmeans-prod" in prod and "kmeans" in dev  # run names: kmeans-prod-<12 hex> vs kmeans-<12 hex>
    assert not (prod & dev)
    bad = synth_app(tmp_path / "bad", {"env": "staging"})
    assert bad.returncode == 1 and "-c env names no environment (allowed: dev, prod; got: staging)" in bad.stderr and "Traceback" not in bad.stderr


@pytest.mark.synth
def test_cfn_lint_is_clean_on_every_prod_stack(tmp_path: Path) -> None:
    """cfn-lint over the whole catalog as prod sizes it (the default environment and a preview have
    their own checks): with these, every template the example catalog synthesizes is linted."""
    import subprocess
    import sys

    proc = synth_app(tmp_path / "prod", {"env": "prod", "sagestack:nag": "false"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    templates = sorted(str(p) for p in (tmp_path / "prod").glob("*.template.json"))
    assert len(templates) == len(load_catalog([CATALOG]).descriptors) + 1
    lint = subprocess.run([str(Path(sys.executable).parent / "cfn-lint"), "--", *templates], capture_output=True, text=True, timeout=600)
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_validate_checks_every_environment_and_the_preview_without_synthesizing(tmp_path: Path) -> None:
    """`sagestack validate` applies every environment's and the preview's sizing to every model, so
    the pull-request check catches a breaking override in milliseconds."""
    from typer.testing import CliRunner

    from sagestack.cli import app

    runner = CliRunner()
    ok = runner.invoke(app, ["validate", str(CATALOG), "--environments", str(ENVIRONMENTS)])
    assert ok.exit_code == 0, ok.output
    path = tmp_path / "environments.yaml"
    path.write_text('default: dev\nenvironments:\n  dev: {}\n  prod:\n    models:\n      "*": {min_capacity: 3}\n      kmeans: {instance_type: ml.c5.xlarge}\n')
    bad = runner.invoke(app, ["validate", str(CATALOG), "--environments", str(path)])
    assert bad.exit_code == 1
    assert 'environments.yaml:6: environments.prod.models["*"]: makes mnist-serving invalid: deploy.initial_instance_count' in bad.output
    assert bad.output.count("environments.yaml:") == 14  # mnist-serving, mnist-tf, pytorch-ddp, pytorch-async, xgboost-serving, xgboost-shadow (its production variant), both variants of mnist-ab, and two each for the inference components of ic-shared and xgboost-components (min above max, copies outside)
    missing = runner.invoke(app, ["validate", str(CATALOG), "--environments", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 2 and "no environments file" in missing.output
