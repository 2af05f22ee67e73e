"""The whole app, synthesized once per test session (jsii start-up costs about a second)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

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
