"""Pull-request previews (`-c preview=<id>`): the base environment made small, isolated and
disposable. Two previews of one catalog share no physical name, and deleting a preview's pipeline
stack removes the endpoints, configs and models its runs created, and nothing of another preview."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sagestack.descriptor import load_catalog
from sagestack.descriptor.images import processor_for
from sagestack.environments import apply_preview, load_environments

from .conftest import CATALOG, REPO_ROOT, load_handler, synth_app
from .pipeline.harness import run, synthesized_definition

ENVIRONMENTS = REPO_ROOT / "infra" / "environments.yaml"
BY_NAME = {d.name: d for d in load_catalog([CATALOG]).descriptors}


def _preview(name: str, preview_id: str = "pr-7", envs: Path = ENVIRONMENTS) -> Any:
    applied, issues = apply_preview(BY_NAME[name], preview_id, load_environments(envs))
    assert applied is not None, [i.format() for i in issues]
    return applied


# ---- how a preview sizes a descriptor (no jsii) -----------------------------------------------


def test_a_preview_serves_on_one_small_cpu_instance_without_autoscaling() -> None:
    served = BY_NAME["mnist-serving"]
    assert served.deploy is not None and served.deploy.autoscaling is not None  # the catalog's version scales
    preview = _preview("mnist-serving")
    assert preview.deploy is not None
    assert (preview.deploy.instance_type, preview.deploy.initial_instance_count, preview.deploy.autoscaling) == ("ml.m5.large", 1, None)


def test_a_preview_drops_elastic_inference_and_sizes_every_variant() -> None:
    eia = _preview("tf-serving-eia")
    assert eia.deploy is not None and eia.deploy.accelerator_type is None and eia.deploy.instance_type == "ml.m5.large"
    ab = _preview("mnist-ab")
    assert ab.deploy is not None and ab.deploy.variants
    assert {(v.instance_type, v.initial_instance_count, v.accelerator_type) for v in ab.deploy.variants} == {("ml.m5.large", 1, None)}


def test_a_preview_trains_and_transforms_on_one_cpu_instance() -> None:
    for name in ("tf-horovod", "kmeans", "mxnet-ps"):
        est = _preview(name).estimator
        assert est is not None and (est.instance_type, est.instance_count) == ("ml.m5.xlarge", 1), name
    batch = _preview("pca-batch").transformer
    assert batch is not None and (batch.instance_type, batch.instance_count) == ("ml.m5.large", 1)


def test_a_preview_processes_on_one_cpu_instance() -> None:
    import yaml

    from sagestack.descriptor import descriptor_from_dict

    data = yaml.safe_load((CATALOG / "pytorch-pipeline.yaml").read_text())
    for step in data["processing"]:
        step["processor"].update(instance_type="ml.c5.4xlarge", instance_count=3)
    big = descriptor_from_dict(data, base_dir=CATALOG)
    applied, issues = apply_preview(big, "pr-7", load_environments(ENVIRONMENTS))
    assert applied is not None and applied.processing is not None, [i.format() for i in issues]
    assert [(s.name, s.processor.instance_type, s.processor.instance_count) for s in applied.processing] == [("preprocess", "ml.m5.xlarge", 1), ("evaluate", "ml.m5.xlarge", 1)]


def test_every_example_has_a_preview_on_cpu_only() -> None:
    """Except the training of a framework whose training images are GPU-only: one instance of its own type."""
    from sagestack.environments import _trains_on_cpu

    result = load_environments(ENVIRONMENTS)
    for descriptor in BY_NAME.values():
        applied, issues = apply_preview(descriptor, "pr-1", result)
        assert applied is not None, [i.format() for i in issues]
        trainers = [applied.estimator] if applied.estimator is not None and _trains_on_cpu(applied) else []
        if applied.estimator is not None and not trainers:
            assert (applied.estimator.instance_type, applied.estimator.instance_count) == (descriptor.estimator.instance_type, 1)
        types = [s.instance_type for s in (*trainers, applied.transformer) if s is not None and s.instance_type]
        types += [s.processor.instance_type for s in applied.processing or ()]
        if applied.deploy is not None:
            types += [v.instance_type for v in (applied.deploy.variants or [applied.deploy]) if v.instance_type]
        assert all(processor_for(t) == "cpu" for t in types), (descriptor.name, types)


def test_serverless_endpoints_keep_their_configuration() -> None:
    preview = _preview("mxnet-serverless")
    assert preview.deploy is not None and preview.deploy.serverless_inference_config == BY_NAME["mxnet-serverless"].deploy.serverless_inference_config  # type: ignore[union-attr]


def test_a_preview_of_inference_components_idles_at_zero() -> None:
    """The endpoint's owner: one instance at first, zero to one under managed scaling; each
    component: one copy, zero to one copy; both on the shared endpoint's preview name; the joiner
    stays a joiner (no instance count of its own)."""
    owner, joiner = _preview("ic-shared-sklearn"), _preview("ic-shared-xgboost")
    assert owner.deploy is not None and joiner.deploy is not None
    assert owner.deploy.endpoint_name == joiner.deploy.endpoint_name == "shared-models-pr-7"
    assert (owner.deploy.instance_type, owner.deploy.initial_instance_count) == ("ml.m5.large", 1)
    assert owner.deploy.managed_instance_scaling is not None
    assert (owner.deploy.managed_instance_scaling.MinInstanceCount, owner.deploy.managed_instance_scaling.MaxInstanceCount) == (0, 1)
    assert joiner.deploy.initial_instance_count is None and joiner.deploy.managed_instance_scaling is None
    for preview in (owner, joiner):
        assert preview.deploy is not None and preview.deploy.resources is not None and preview.deploy.autoscaling is not None
        assert preview.deploy.resources.requests.copies == 1
        assert (preview.deploy.autoscaling.min_capacity, preview.deploy.autoscaling.max_capacity, preview.deploy.autoscaling.target_invocations_per_copy) == (0, 1, 20)


def test_a_preview_of_a_pipeline_deploying_an_inference_component_idles_at_zero() -> None:
    """The pipeline's endpoint: zero to one instance; its component: one copy at first, zero to one
    copy (what the run registers)."""
    preview = _preview("xgboost-components")
    dep = preview.deploy
    assert dep is not None and dep.managed_instance_scaling is not None and dep.resources is not None and dep.autoscaling is not None
    assert (dep.instance_type, dep.initial_instance_count) == ("ml.m5.large", 1)
    assert (dep.managed_instance_scaling.MinInstanceCount, dep.managed_instance_scaling.MaxInstanceCount) == (0, 1)
    assert dep.resources.requests.copies == 1
    assert (dep.autoscaling.min_capacity, dep.autoscaling.max_capacity, dep.autoscaling.target_invocations_per_copy) == (0, 1, 20)


def test_an_explicit_endpoint_name_gets_the_preview_suffix(tmp_path: Path) -> None:
    from sagestack.descriptor import validate_data

    data = BY_NAME["mnist-serving"].model_dump(mode="json", exclude_unset=True)
    data["deploy"]["endpoint_name"] = "mnist-live"
    named = validate_data(data, file="named.yaml", source=BY_NAME["mnist-serving"].source).descriptor
    assert named is not None
    applied, issues = apply_preview(named, "pr-7", load_environments(ENVIRONMENTS))
    assert issues == [] and applied is not None and applied.deploy is not None and applied.deploy.endpoint_name == "mnist-live-pr-7"


def test_an_explicit_model_package_group_gets_the_preview_suffix() -> None:
    from sagestack.descriptor import validate_data

    data = BY_NAME["xgboost-tuned"].model_dump(mode="json", exclude_unset=True)
    data["register"]["model_package_group_name"] = "churn-models"
    named = validate_data(data, file="named.yaml", source=BY_NAME["xgboost-tuned"].source).descriptor
    assert named is not None
    applied, issues = apply_preview(named, "pr-7", load_environments(ENVIRONMENTS))
    assert issues == [] and applied is not None and applied.register is not None and applied.register.model_package_group_name == "churn-models-pr-7"


def test_preview_settings_are_validated_with_their_lines(tmp_path: Path) -> None:
    path = tmp_path / "environments.yaml"
    path.write_text(
        "default: dev\nenvironments:\n  dev: {}\npreview:\n  environment: staging\n  ttl_hours: 0\n  instance_type: ml.g5.xlarge\n  trainng_instance_type: ml.m5.large\n"
    )
    result = load_environments(path)
    assert result.environments is None
    found = {(i.line, i.path) for i in result.issues}
    assert {(6, "preview.ttl_hours"), (7, "preview.instance_type"), (8, "preview.trainng_instance_type")} <= found
    text = "\n".join(i.format() for i in result.issues)
    assert "previews run on CPU instances" in text and "ml.g5.xlarge" in text and "training_instance_type" in text  # did you mean
    path.write_text("default: dev\nenvironments:\n  dev: {}\npreview:\n  environment: staging\n")
    issues = load_environments(path).issues
    assert [(i.line, i.path, i.got) for i in issues] == [(5, "preview.environment", "staging")]


def test_preview_ids_are_short_and_never_an_environment_name() -> None:
    from sagestack.environments import check_preview_id

    result = load_environments(ENVIRONMENTS)
    assert check_preview_id("pr-123", result) is None and check_preview_id("pr-123456", result) is None
    for bad in ("PR-1", "pr-1234567890", "1pr", "pr-", "p", "pr_1"):
        assert (check_preview_id(bad, result) or ("",))[0] == "-c preview is not a preview id", bad
    assert check_preview_id("prod", result) == ("-c preview names an environment: previews and environments must not share names", "any id but dev, prod")


# ---- two previews synthesized (cdk-nag on for one of them) -------------------------------------


@pytest.fixture(scope="module")
def previews(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for preview_id, nag in (("pr-1", "true"), ("pr-2", "false")):
        outdir = tmp_path_factory.mktemp(preview_id)
        proc = synth_app(outdir, {"preview": preview_id, "sagestack:nag": nag})
        assert proc.returncode == 0, proc.stderr[-3000:]  # pr-1 also passes cdk-nag's AwsSolutions pack
        out[preview_id] = outdir
    return out


def _templates(outdir: Path) -> dict[str, dict[str, Any]]:
    manifest = json.loads((outdir / "manifest.json").read_text())
    return {
        name: json.loads((outdir / artifact["properties"]["templateFile"]).read_text())
        for name, artifact in manifest["artifacts"].items()
        if artifact["type"] == "aws:cloudformation:stack"
    }


def _run_prefix(template: dict[str, Any]) -> str | None:
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::StepFunctions::StateMachine":
            definition = json.loads(resource["Properties"]["DefinitionString"])
            return str(definition["States"]["Name the run"]["Comment"].rsplit(": ", 1)[1].rsplit("-", 1)[0])
    return None


def _physical_names(outdir: Path) -> set[str]:
    """Every name a preview gives AWS: stacks, exports, explicit *Name properties, outputs, and the
    prefix of every name its runs create."""
    names: set[str] = set()
    for stack, template in _templates(outdir).items():
        names.add(stack)
        for output in template.get("Outputs", {}).values():
            if isinstance(output.get("Export", {}).get("Name"), str):
                names.add(output["Export"]["Name"])
            if isinstance(output["Value"], str) and not output["Value"].startswith("arn:"):
                names.add(output["Value"])
        for resource in template["Resources"].values():
            for key, value in resource.get("Properties", {}).items():
                # A PolicyName is unique only within its role, which is itself uniquely named; a
                # MetricName names what CloudWatch measures, not a resource; an inference
                # component's VariantName is unique only within its endpoint.
                if (key.endswith("Name") or key == "NamePrefix") and key not in ("PolicyName", "MetricName", "VariantName") and isinstance(value, str):
                    names.add(value)
        prefix = _run_prefix(template)
        if prefix:
            names.add(prefix)
    return names


@pytest.mark.synth
def test_two_previews_share_no_physical_name(previews: dict[str, Path]) -> None:
    one, two = _physical_names(previews["pr-1"]), _physical_names(previews["pr-2"])
    assert {"sagestack-shared-pr-1", "sagestack-mnist-tf-pr-1", "mnist-serving-pr-1", "mnist-tf-pr-1"} <= one
    assert len(one) == len(two) > 30
    assert not (one & two), sorted(one & two)
    # And neither shares a name with the default environment's stacks, endpoints or run prefixes.
    assert not ({"sagestack-shared", "sagestack-mnist-tf", "mnist-serving-dev", "mnist-tf"} & (one | two))


@pytest.mark.synth
def test_a_preview_is_small_tagged_and_deleted_whole(previews: dict[str, Path]) -> None:
    manifest = json.loads((previews["pr-1"] / "manifest.json").read_text())
    stacks = {k: v for k, v in manifest["artifacts"].items() if v["type"] == "aws:cloudformation:stack"}
    assert len(stacks) == len(BY_NAME) + 1 and all(name.endswith("-pr-1") for name in stacks)
    for artifact in stacks.values():
        tags = artifact["properties"]["tags"]
        assert tags["sagestack:preview"] == "pr-1" and tags["sagestack:preview-ttl-hours"] == "72" and tags["sagestack:environment"] == "dev"
    text = "\n".join(json.dumps(t) for t in _templates(previews["pr-1"]).values())
    assert "AcceleratorType" not in text
    for stack, template in _templates(previews["pr-1"]).items():
        targets = [r["Properties"] for r in template["Resources"].values() if r["Type"] == "AWS::ApplicationAutoScaling::ScalableTarget"]
        # no autoscaling, except an asynchronous endpoint's between zero and one instance and
        # inference components' between zero and one copy
        assert all((t["MinCapacity"], t["MaxCapacity"]) == (0, 1) for t in targets), stack
        assert bool(targets) == (stack in ("sagestack-pytorch-async-pr-1", "sagestack-ic-shared-sklearn-pr-1", "sagestack-ic-shared-xgboost-pr-1")), stack
    types = set()
    for template in _templates(previews["pr-1"]).values():
        for logical_id, resource in template["Resources"].items():
            assert resource.get("DeletionPolicy", "Delete") == "Delete", logical_id  # nothing retained
            if resource["Type"] == "AWS::SageMaker::EndpointConfig":
                types |= {v["InstanceType"] for v in resource["Properties"]["ProductionVariants"] if "InstanceType" in v}
    assert types == {"ml.m5.large"}
    shared = _templates(previews["pr-1"])["sagestack-shared-pr-1"]["Resources"]
    assert sum(r["Type"] == "Custom::S3AutoDeleteObjects" for r in shared.values()) == 2  # both buckets emptied on delete


@pytest.mark.synth
def test_cfn_lint_is_clean_on_a_preview(previews: dict[str, Path]) -> None:
    templates = sorted(str(p) for p in previews["pr-1"].glob("*.template.json"))
    proc = subprocess.run([str(Path(sys.executable).parent / "cfn-lint"), "--", *templates], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.synth
def test_bad_preview_ids_synthesize_nothing(tmp_path: Path) -> None:
    for bad, message in (
        ("PR_1", "environments.yaml:1: preview: -c preview is not a preview id (allowed: 2-10 lower-case letters, digits and '-', starting with a letter, e.g. pr-123; got: PR_1)"),
        ("prod", "-c preview names an environment"),
    ):
        proc = synth_app(tmp_path / bad, {"preview": bad})
        assert proc.returncode == 1 and message in proc.stderr and "Traceback" not in proc.stderr, proc.stderr[-2000:]
        assert not (tmp_path / bad / "manifest.json").exists()


# ---- deleting a preview removes what its runs created ------------------------------------------


def _teardown_properties(template: dict[str, Any]) -> dict[str, Any]:
    for resource in template["Resources"].values():
        if resource["Type"] == "Custom::SageMakerPipelineTeardown":
            return dict(resource["Properties"])
    raise AssertionError("no teardown resource")


@pytest.mark.synth
def test_every_pipeline_that_creates_models_is_torn_down_by_its_run_names(previews: dict[str, Path]) -> None:
    """Runs of a pipeline that deploys or batch-scores create models (and an endpoint and configs):
    each such stack's teardown matches exactly the names its runs are given."""
    checked = 0
    for stack, template in _templates(previews["pr-1"]).items():
        model = stack.removeprefix("sagestack-").removesuffix("-pr-1")
        d = BY_NAME.get(model)
        if d is None or (d.estimator is None and d.transformer is None):
            continue  # the shared stack; hosting stacks (CloudFormation owns their resources)
        if d.deploy is None and d.transformer is None:
            assert not any(r["Type"] == "Custom::SageMakerPipelineTeardown" for r in template["Resources"].values()), stack  # train only: no model
            continue
        props = _teardown_properties(template)
        assert props["NamePrefix"] == _run_prefix(template) and props["NamePrefix"].endswith("-pr-1"), stack
        assert ("EndpointName" in props) == (d.deploy is not None), stack
        checked += 1
    assert checked >= 8


@pytest.mark.synth
def test_deleting_a_preview_removes_its_runtime_endpoints_and_spares_the_other(previews: dict[str, Path], aws: None) -> None:
    """What runs of mnist-tf in pr-1 and pr-2 create (named as the synthesized definitions name
    them), then pr-1's teardown as the synthesized custom resource configures it."""
    import boto3

    handler = load_handler("teardown")

    sm, sfn = boto3.client("sagemaker", region_name="us-east-1"), boto3.client("stepfunctions", region_name="us-east-1")
    role = "arn:aws:iam::123456789012:role/sagemaker"
    container = {"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/tf:2", "ModelDataUrl": "s3://models/model.tar.gz"}
    made: dict[str, dict[str, set[str]]] = {}
    props: dict[str, dict[str, Any]] = {}
    for preview_id in ("pr-1", "pr-2"):
        template = _templates(previews[preview_id])[f"sagestack-mnist-tf-{preview_id}"]
        prefix, teardown = _run_prefix(template), _teardown_properties(template)
        assert teardown["NamePrefix"] == prefix == f"mnist-tf-{preview_id}"  # teardown covers exactly what runs name
        runs = [f"{prefix}-{n:012x}" for n in (0x3F2A9C1B7D4E, 0xA0B1C2D3E4F5)]  # two runs: two models, two configs
        for run_name in runs:
            sm.create_model(ModelName=run_name, ExecutionRoleArn=role, PrimaryContainer=container)
            sm.create_endpoint_config(EndpointConfigName=run_name, ProductionVariants=[{"VariantName": "AllTraffic", "ModelName": run_name, "InitialInstanceCount": 1, "InstanceType": "ml.m5.large"}])
        sm.create_endpoint(EndpointName=teardown["EndpointName"], EndpointConfigName=runs[-1])
        definition = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}})
        teardown["StateMachineArn"] = sfn.create_state_machine(name=f"mnist-tf-{preview_id}", definition=definition, roleArn=role)["stateMachineArn"]
        made[preview_id] = {"models": set(runs), "configs": set(runs), "endpoints": {teardown["EndpointName"]}}
        props[preview_id] = teardown

    clients = handler.Clients(sagemaker=sm, autoscaling=boto3.client("application-autoscaling", region_name="us-east-1"), stepfunctions=sfn)
    removed, failures = handler.teardown(props["pr-1"], clients)

    assert failures == []
    assert "deleted endpoint mnist-tf-pr-1" in removed
    assert {m["ModelName"] for m in sm.list_models()["Models"]} == made["pr-2"]["models"]
    assert {c["EndpointConfigName"] for c in sm.list_endpoint_configs()["EndpointConfigs"]} == made["pr-2"]["configs"]
    assert {e["EndpointName"] for e in sm.list_endpoints()["Endpoints"]} == made["pr-2"]["endpoints"] == {"mnist-tf-pr-2"}


@pytest.mark.synth
def test_a_preview_run_trains_and_serves_small_under_its_own_names(previews: dict[str, Path]) -> None:
    """pr-1's synthesized mnist-tf definition, executed locally (every request checked against
    botocore's model): one CPU training instance, one ml.m5.large endpoint instance, no scaling
    steps, every name carrying the preview id, and the run reported to the shared topic."""
    import re

    template = _templates(previews["pr-1"])["sagestack-mnist-tf-pr-1"]
    machine = next(r for r in template["Resources"].values() if r["Type"] == "AWS::StepFunctions::StateMachine")
    definition = synthesized_definition(machine["Properties"])
    assert not [s for s in definition["States"] if "scaling" in s.lower()]
    ok: dict[str, Any] = {"result": {}}
    tasks = {
        "Check run input": [{"python": str(REPO_ROOT / "constructs/sagestack/pipeline/run_input/index.py")}],
        "Train": [{"result": {"TrainingJobName": "x", "TrainingJobStatus": "Completed", "ModelArtifacts": {"S3ModelArtifacts": "s3://shared-artifacts/m/model.tar.gz"}}}],
        "Create model": [ok], "Create endpoint config": [ok], "Find endpoint": [{"error": "SageMaker.SageMakerException", "cause": "Could not find endpoint"}],
        "Create endpoint": [ok], "Check endpoint": [{"result": {"EndpointStatus": "InService", "EndpointConfigName": "{{call:Create endpoint config.EndpointConfigName}}"}}],
        "Notify success": [{"result": {"MessageId": "1"}}],
    }
    out = run(definition, tasks)
    assert out["status"] == "SUCCEEDED", out
    [train] = out["calls"]["Train"]
    assert re.fullmatch(r"mnist-tf-pr-1-[0-9a-f]{12}", train["TrainingJobName"])
    assert (train["ResourceConfig"]["InstanceType"], train["ResourceConfig"]["InstanceCount"]) == ("ml.m5.xlarge", 1)
    assert "-cpu-" in train["AlgorithmSpecification"]["TrainingImage"]  # the SDK's CPU image for a CPU instance
    assert train["OutputDataConfig"]["S3OutputPath"].startswith("s3://shared-artifacts/")
    [config] = out["calls"]["Create endpoint config"]
    assert [(v["InstanceType"], v["InitialInstanceCount"]) for v in config["ProductionVariants"]] == [("ml.m5.large", 1)]
    assert config["EndpointConfigName"] == train["TrainingJobName"] and "AcceleratorType" not in json.dumps(config)
    assert out["calls"]["Create endpoint"][0]["EndpointName"] == "mnist-tf-pr-1"
    assert out["calls"]["Notify success"][0]["TopicArn"] == "arn:aws:sns:us-east-1:123456789012:shared-runs"


@pytest.mark.synth
def test_a_preview_run_adds_its_model_to_its_own_bucket_never_the_environments_prefix(previews: dict[str, Path]) -> None:
    """sklearn-store-forecast adds each run's model under sklearn-multi-model's prefix; a preview's
    runs copy into the preview's artifact bucket instead (emptied and deleted with the preview),
    and may write nothing under the environment's prefix."""
    template = _templates(previews["pr-1"])["sagestack-sklearn-store-forecast-pr-1"]
    text = json.dumps(template)
    assert "sagestack-examples-models" not in text  # the environment's prefix's bucket: neither copied to nor granted
    [machine] = [r for r in template["Resources"].values() if r["Type"] == "AWS::StepFunctions::StateMachine"]
    states = json.loads(machine["Properties"]["DefinitionString"])["States"]
    assert states["Add model"]["Parameters"]["Bucket"] == "${ArtifactBucket}"
    assert "Fn::ImportValue" in machine["Properties"]["DefinitionSubstitutions"]["ArtifactBucket"]  # the preview's shared artifact bucket
    assert states["Add model"]["Parameters"]["Key.$"].startswith("States.Format('multi-model/store-0042/{}.tar.gz'")
    assert "endpoint_name" not in states["Summarize"]["Parameters"]  # no endpoint serves a preview's copies
    assert "/multi-model/store-0042/sklearn-store-forecast-pr-1-????????????.tar.gz\"" in text  # the PutObject grant
