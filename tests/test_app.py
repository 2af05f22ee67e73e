"""The whole app, synthesized once per test session (jsii start-up costs about a second)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sagestack.assembly import MODEL_TAG, summarize
from sagestack.descriptor import load_catalog

from .conftest import CATALOG, REPO_ROOT


def _synth(outdir: Path) -> Path:
    from infra.app import build_app

    catalog = load_catalog([CATALOG])
    assert catalog.ok(), [i.format() for i in catalog.errors]
    build_app(catalog.descriptors, outdir=str(outdir)).synth()
    return outdir


@pytest.fixture(scope="session")
def assembly(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _synth(tmp_path_factory.mktemp("cdk.out"))


def test_one_stack_per_model_plus_the_shared_stack(assembly: Path) -> None:
    names = {d.name for d in load_catalog([CATALOG]).descriptors}
    info = summarize(assembly)
    assert sorted(s.model for s in info.stacks if s.model) == sorted(names)
    assert {s.name for s in info.stacks} == {f"sagestack-{n}" for n in names} | {"sagestack-shared"}


def test_model_stacks_use_the_shared_bucket_and_topic(assembly: Path) -> None:
    """No model stack has its own bucket; every pipeline notifies the shared, KMS-encrypted topic
    (no example names its own), and may use the topic's key; the shared stack exports them."""
    templates = {p.name.removesuffix(".template.json"): json.loads(p.read_text()) for p in assembly.glob("*.template.json")}
    shared = templates.pop("sagestack-shared")
    assert sorted(o["Export"]["Name"] for o in shared["Outputs"].values()) == ["sagestack-shared:ArtifactBucketName", "sagestack-shared:KeyArn", "sagestack-shared:TopicArn"]
    kinds = [r["Type"] for r in shared["Resources"].values()]
    assert kinds.count("AWS::S3::Bucket") == 2 and "AWS::KMS::Key" in kinds and "AWS::SNS::Topic" in kinds
    topic = next(r for r in shared["Resources"].values() if r["Type"] == "AWS::SNS::Topic")
    assert "KmsMasterKeyId" in topic["Properties"]
    artifacts = next(r for r in shared["Resources"].values() if r["Type"] == "AWS::S3::Bucket" and "LoggingConfiguration" in r["Properties"])
    assert artifacts["DeletionPolicy"] == "Retain"  # it can hold the only copy of a served repacked model
    pipelines = 0
    for name, template in templates.items():
        assert not any(r["Type"] == "AWS::S3::Bucket" for r in template["Resources"].values()), name
        for resource in template["Resources"].values():
            if resource["Type"] == "AWS::StepFunctions::StateMachine":
                pipelines += 1
                states = json.loads(resource["Properties"]["DefinitionString"])["States"]
                assert "Notify success" in states and "Notify failure" in states, name
                text = json.dumps(template)
                assert '"Fn::ImportValue": "sagestack-shared:TopicArn"' in text and '"Fn::ImportValue": "sagestack-shared:KeyArn"' in text, name
    assert pipelines >= 10


def test_stacks_carry_description_and_tags(assembly: Path) -> None:
    manifest = json.loads((assembly / "manifest.json").read_text())
    stacks = {k: v for k, v in manifest["artifacts"].items() if v["type"] == "aws:cloudformation:stack"}
    assert stacks
    for name, artifact in stacks.items():
        template = json.loads((assembly / artifact["properties"]["templateFile"]).read_text())
        assert artifact["properties"]["tags"]["sagestack:environment"] == "dev"
        if name == "sagestack-shared":
            assert template["Description"].startswith("sagestack shared resources")
            continue
        assert template["Description"].startswith("sagestack model ")
        assert artifact["properties"]["tags"][MODEL_TAG] == name.removeprefix("sagestack-")


def test_a_component_joining_an_endpoint_deploys_after_the_stack_that_creates_it(assembly: Path) -> None:
    manifest = json.loads((assembly / "manifest.json").read_text())["artifacts"]
    assert "sagestack-ic-shared-sklearn" in manifest["sagestack-ic-shared-xgboost"]["dependencies"]
    assert "sagestack-ic-shared-xgboost" not in manifest["sagestack-ic-shared-sklearn"]["dependencies"]
    assert not any(name.startswith("sagestack-ic-") for name in manifest["sagestack-mnist-serving"]["dependencies"])


def test_a_pipeline_whose_component_joins_an_endpoint_deploys_after_its_owner(tmp_path: Path) -> None:
    """A pipeline's runs may add their inference component to an endpoint another descriptor
    creates: its stack deploys after the owner's and is destroyed (its component deleted) first."""
    from infra.app import build_app

    from .pipeline.golden import joining_components

    owner = next(d for d in load_catalog([CATALOG]).descriptors if d.name == "ic-shared-sklearn")
    build_app([owner, joining_components()], outdir=str(tmp_path), nag=False).synth()
    manifest = json.loads((tmp_path / "manifest.json").read_text())["artifacts"]
    assert "sagestack-ic-shared-sklearn" in manifest["sagestack-xgboost-components"]["dependencies"]
    assert "sagestack-xgboost-components" not in manifest["sagestack-ic-shared-sklearn"]["dependencies"]


def test_cfn_lint_is_clean_on_every_stack(assembly: Path) -> None:
    templates = sorted(str(p) for p in assembly.glob("*.template.json"))
    proc = subprocess.run([str(Path(sys.executable).parent / "cfn-lint"), "--", *templates], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_synthesis_is_deterministic(assembly: Path, tmp_path: Path) -> None:
    again = _synth(tmp_path / "again")
    for template in sorted(assembly.glob("*.template.json")):
        assert template.read_bytes() == (again / template.name).read_bytes(), template.name


def test_invalid_catalog_synthesizes_nothing(tmp_path: Path) -> None:
    outdir = tmp_path / "out"
    env = dict(os.environ, CDK_OUTDIR=str(outdir), CDK_CONTEXT_JSON=json.dumps({"sagestack:catalog": "tests/descriptor/bad"}))
    proc = subprocess.run([sys.executable, "app.py"], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "tests/descriptor/bad/rules.yaml:12: estimator.max_wait:" in proc.stderr
    assert "nothing synthesized" in proc.stderr
    assert not (outdir / "manifest.json").exists()


def test_selecting_models_synthesizes_only_their_stacks(tmp_path: Path) -> None:
    outdir = tmp_path / "out"
    env = dict(os.environ, CDK_OUTDIR=str(outdir), CDK_CONTEXT_JSON=json.dumps({"models": "kmeans"}))
    proc = subprocess.run([sys.executable, "app.py"], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert sorted(s.name for s in summarize(outdir).stacks) == ["sagestack-kmeans", "sagestack-shared"]  # and what it needs
    env["CDK_CONTEXT_JSON"] = json.dumps({"models": "kmeans,kmean"})
    proc = subprocess.run([sys.executable, "app.py"], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1 and "no such model: kmean (allowed: " in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.synth
def test_cdk_cli_synth_from_cdk_json(tmp_path: Path) -> None:
    """`npx cdk synth` as make synth runs it: the pinned CLI reads cdk.json and the app's assembly,
    which replaces a previous one whole (no stale files; the CLI's locks released)."""
    outdir = tmp_path / "assembly" / "cli.out"
    (outdir / "asset.0ld").mkdir(parents=True)
    (outdir / "sagestack-gone.template.json").write_text("{}\n")
    proc = subprocess.run(
        ["npx", "--no-install", "cdk", "synth", "--quiet", "--no-notices", "--no-version-reporting", "-o", str(outdir)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    info = summarize(outdir)
    assert info.models == len(load_catalog([CATALOG]).descriptors)
    names = {p.name for p in outdir.iterdir()}
    assert not {"asset.0ld", "sagestack-gone.template.json"} & names and not [n for n in names if n.endswith(".lock")]
    assert [p.name for p in outdir.parent.iterdir()] == [outdir.name]  # no staging directory left


# -- IAM policy linting (parliament) and CloudFormation static analysis (checkov) ------------------

ACCOUNT, REGION = "123456789012", "us-east-1"
#: What the shared stack exports, as example values.
EXPORTS = {
    "sagestack-shared:ArtifactBucketName": "sagestack-shared-artifacts",
    "sagestack-shared:KeyArn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "sagestack-shared:TopicArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:sagestack-runs",
}
#: ARN of a resource of each type a policy refers to by GetAtt/Ref (parliament checks ARN shapes per action).
ARN_OF = {
    "AWS::IAM::Role": f"arn:aws:iam::{ACCOUNT}:role/{{}}",
    "AWS::Lambda::Function": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{{}}",
    "AWS::Logs::LogGroup": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{{}}:*",
    "AWS::StepFunctions::StateMachine": f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{{}}",
}
#: parliament findings that are not problems, per (issue, action), each with its reason.
PARLIAMENT_ACCEPTED = {
    ("RESOURCE_MISMATCH", "states:ListExecutions"): "AWS's service reference lists stateMachine and mapRun as required resource "
    "types of ListExecutions; either one is accepted, and the teardown lists its own state machine's executions.",
    ("RESOURCE_MISMATCH", "states:DescribeExecution"): "AWS's service reference lists execution and express as required resource "
    "types; either one is accepted, and the teardown describes its own state machine's (standard) executions.",
    **{("RESOURCE_STAR", f"application-autoscaling:{a}"): "A scalable target's ARN carries an id Application Auto Scaling makes "
       "when it is registered; the statement is conditioned to SageMaker variant instance counts."
       for a in ("RegisterScalableTarget", "DeregisterScalableTarget", "PutScalingPolicy", "PutScheduledAction")},
}


def _example_value(node: Any, resources: dict[str, Any]) -> Any:
    """A policy document with its CloudFormation functions replaced by example values of the right shape."""
    import re

    pseudo = {"AWS::Partition": "aws", "AWS::AccountId": ACCOUNT, "AWS::Region": REGION, "AWS::URLSuffix": "amazonaws.com"}
    if isinstance(node, list):
        return [_example_value(v, resources) for v in node]
    if not isinstance(node, dict):
        return node
    if len(node) == 1:
        (fn, arg), = node.items()
        if fn == "Ref":
            if arg in pseudo:
                return pseudo[arg]
            kind = resources[arg]["Type"]
            return ARN_OF[kind].format(arg.lower()) if kind == "AWS::StepFunctions::StateMachine" else arg.lower()
        if fn == "Fn::GetAtt":
            logical, attribute = arg
            return logical.lower() if attribute == "Name" else ARN_OF[resources[logical]["Type"]].format(logical.lower())
        if fn == "Fn::Join":
            return arg[0].join(_example_value(p, resources) for p in arg[1])
        if fn == "Fn::ImportValue":
            return EXPORTS[arg]
        if fn == "Fn::Sub":
            return re.sub(r"\$\{([^}]+)\}", lambda m: pseudo[m[1]], arg)
    return {k: _example_value(v, resources) for k, v in node.items()}


def _identity_policies(assembly: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every identity policy of every stack (roles' inline policies, AWS::IAM::Policy), resolved."""
    for path in sorted(assembly.glob("*.template.json")):
        resources = json.loads(path.read_text())["Resources"]
        for logical, resource in resources.items():
            properties = resource.get("Properties", {})
            if resource["Type"] == "AWS::IAM::Role":
                for policy in properties.get("Policies", []):
                    yield f"{path.name} {logical}", _example_value(policy["PolicyDocument"], resources)
            elif resource["Type"] == "AWS::IAM::Policy":
                yield f"{path.name} {logical}", _example_value(properties["PolicyDocument"], resources)


def test_parliament_finds_nothing_in_any_policy(assembly: Path) -> None:
    import parliament

    policies = list(_identity_policies(assembly))
    assert len(policies) >= 40
    problems, accepted = [], set()
    for name, document in policies:
        for finding in parliament.analyze_policy_string(json.dumps(document)).findings:
            detail = finding.detail if isinstance(finding.detail, list) else [finding.detail]
            actions = [d["action"] if isinstance(d, dict) else d for d in detail]
            keys = {(finding.issue, a) for a in actions}
            if actions and keys <= PARLIAMENT_ACCEPTED.keys():
                accepted |= keys
            else:
                problems.append(f"{name}: {finding.issue} {finding.detail}")
    assert problems == []
    assert accepted == PARLIAMENT_ACCEPTED.keys()  # each acceptance still matches something


CHECKOV = REPO_ROOT / ".venv-checkov" / "bin" / "checkov"


def test_checkov_finds_nothing_unacknowledged(assembly: Path) -> None:
    """One checkov run over the whole assembly; every skip is in the template, with its reason."""
    assert CHECKOV.exists(), "checkov lives in its own venv: `make test` (or `make .venv-checkov/.installed`) installs it"
    env = dict(os.environ, CKV_SKIP_PACKAGE_UPDATE_CHECK="true", BC_SKIP_MAPPING="TRUE")  # no update check, no platform
    proc = subprocess.run(
        [str(CHECKOV), "-d", str(assembly), "--framework", "cloudformation", "-o", "json", "--compact", "--skip-download"],
        capture_output=True, text=True, timeout=600, env=env,
    )
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    [report] = [r for r in (lambda o: o if isinstance(o, list) else [o])(json.loads(proc.stdout)) if r["check_type"] == "cloudformation"]
    results, summary = report["results"], report["summary"]
    assert [(f["check_id"], f["file_path"], f["resource"]) for f in results["failed_checks"]] == []
    assert summary["parsing_errors"] == 0 and proc.returncode == 0
    scanned = {Path(c["file_path"]).name for c in results["passed_checks"] + results["skipped_checks"]}
    assert scanned == {p.name for p in assembly.glob("*.template.json")}
    assert results["skipped_checks"] and all(c["check_result"].get("suppress_comment", "").strip() for c in results["skipped_checks"])  # each says why


def test_cdk_builtin_validation_runs_only_when_asked(tmp_path: Path) -> None:
    """aws-cdk-lib's CloudFormation validation plugin is off unless ``-c sagestack:validation=true``
    (cfn-lint, above, checks every template instead). When on, it reports the Elastic Inference
    example's AcceleratorType, which sagestack acknowledges, and nothing else."""
    from .conftest import synth_app

    context = {"models": "tf-serving-eia", "sagestack:nag": "false"}
    assert synth_app(tmp_path / "off", context).returncode == 0
    assert not (tmp_path / "off" / "validation-report.json").exists()  # no plugin ran
    proc = synth_app(tmp_path / "on", {**context, "sagestack:validation": "true"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads((tmp_path / "on" / "validation-report.json").read_text())
    assert [(r["pluginName"], r["conclusion"], r["violations"]) for r in report["pluginReports"]] == [("CloudFormation Validate", "success", [])]
    assert [v["acknowledgedId"] for v in report["pluginReports"][0]["suppressedViolations"]] == ["CloudFormation-Validate::F3002"]


def test_a_pipeline_adding_its_model_to_a_multi_model_endpoint_deploys_after_it(assembly: Path) -> None:
    """sklearn-store-forecast adds its model under sklearn-multi-model's prefix: its stack deploys
    after that endpoint's, and its state machine writes there, to the key of the run only."""
    manifest = json.loads((assembly / "manifest.json").read_text())["artifacts"]
    assert "sagestack-sklearn-multi-model" in manifest["sagestack-sklearn-store-forecast"]["dependencies"]
    assert "sagestack-sklearn-store-forecast" not in manifest["sagestack-sklearn-multi-model"]["dependencies"]
    template = json.loads((assembly / manifest["sagestack-sklearn-store-forecast"]["properties"]["templateFile"]).read_text())
    text = json.dumps(template)
    assert "arn:aws:states:::aws-sdk:s3:copyObject" in text
    assert ":s3:::sagestack-examples-models/store-forecasts/store-0042/sklearn-store-forecast-????????????.tar.gz" in text
    outputs = {k: v for k, v in template["Outputs"].items() if k.startswith("TrainingMultiModelPrefix")}
    assert [v["Value"] for v in outputs.values()] == ["s3://sagestack-examples-models/store-forecasts/"]


def test_only_the_selected_pipeline_still_finds_its_multi_model_endpoint(tmp_path: Path) -> None:
    """-c models=sklearn-store-forecast: the endpoint's stack is not synthesized, its prefix comes from the catalog."""
    from infra.app import build_app

    catalog = load_catalog([CATALOG]).descriptors
    [pipeline] = [d for d in catalog if d.name == "sklearn-store-forecast"]
    build_app([pipeline], outdir=str(tmp_path), nag=False, catalog=catalog).synth()
    manifest = json.loads((tmp_path / "manifest.json").read_text())["artifacts"]
    assert manifest["sagestack-sklearn-store-forecast"]["dependencies"] == ["sagestack-shared"] or "sagestack-sklearn-multi-model" not in manifest["sagestack-sklearn-store-forecast"]["dependencies"]
    template = (tmp_path / manifest["sagestack-sklearn-store-forecast"]["properties"]["templateFile"]).read_text()
    assert "store-forecasts/store-0042/" in template
    with pytest.raises(ValueError, match="give multi_model"):
        build_app([pipeline], outdir=str(tmp_path / "again"), nag=False)
