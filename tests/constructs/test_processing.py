"""Processing steps in the pipeline construct (with cdk-nag): each step's code is a deploy-time
asset the job runs under the asset's file name (a framework processor's runproc.sh unpacks the
archive by that name), the processing role reads exactly its inputs and code and writes exactly
its outputs, and a descriptor of processing jobs alone gets a pipeline of its own."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import assertions
from cdk_nag import AwsSolutionsChecks

from sagestack.descriptor import descriptor_from_dict, load_catalog
from sagestack.pipeline.construct import TrainingPipeline

from ..conftest import CATALOG
from ..pipeline.harness import resolve

EXAMPLE = next(d for d in load_catalog([CATALOG]).descriptors if d.name == "pytorch-pipeline")
FEATURES = descriptor_from_dict({
    "name": "features",
    "processing": [
        {"name": "tokenize", "processor": {"type": "PyTorchProcessor", "framework_version": "2.3", "py_version": "py311", "instance_type": "ml.m5.xlarge", "instance_count": 1},
         "run": {"code": "train.py", "source_dir": "pytorch-pipeline", "inputs": [{"source": "s3://sagestack-examples-data/text", "destination": "/opt/ml/processing/input"}],
                 "outputs": [{"source": "/opt/ml/processing/tokens", "output_name": "tokens", "destination": "s3://sagestack-examples-data/tokens"}]}},
    ],
}, base_dir=CATALOG)


@pytest.fixture(scope="module")
def synth(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    outdir = tmp_path_factory.mktemp("processing.out")
    app = cdk.App(outdir=str(outdir))
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))  # a finding fails the synth
    stacks = {}
    for d in (EXAMPLE, FEATURES):
        stack = cdk.Stack(app, f"processing-{d.name}", env=cdk.Environment(region="us-east-1", account="123456789012"))
        stacks[d.name] = (stack, TrainingPipeline(stack, "Training", descriptor=d))
    assembly = app.synth()
    return {"outdir": Path(assembly.directory), "stacks": stacks, "templates": {n: assertions.Template.from_stack(s).to_json() for n, (s, _p) in stacks.items()}}


def _definition(pipeline: TrainingPipeline) -> dict[str, Any]:
    return pipeline.definition


def _statements(template: dict[str, Any], logical_prefix: str) -> list[dict[str, Any]]:
    [role] = [v for k, v in template["Resources"].items() if v["Type"] == "AWS::IAM::Role" and k.startswith(logical_prefix)]
    return [s for p in role["Properties"].get("Policies", []) for s in p["PolicyDocument"]["Statement"]]


def _resources(statements: list[dict[str, Any]], action: str) -> set[str]:
    return {resolve(r) for s in statements if action in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]]) for r in (s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]])}


def test_a_script_runs_under_its_asset_name(synth: dict[str, Any]) -> None:
    _stack, pipeline = synth["stacks"]["pytorch-pipeline"]
    state = _definition(pipeline)["States"]["Process preprocess"]["Parameters"]
    [code] = [i for i in state["ProcessingInputs"] if i["InputName"] == "code"]
    uri = code["S3Input"]["S3Uri"]
    key = uri.rsplit("/", 1)[1]
    assert state["AppSpecification"]["ContainerEntrypoint"] == ["python3", f"/opt/ml/processing/input/code/{key}"]
    staged = synth["outdir"] / f"asset.{key}"  # CDK stages a file asset under its key
    assert staged.read_text() == (CATALOG / "pytorch-pipeline" / "preprocess.py").read_text()


def test_a_framework_processor_unpacks_its_archive_by_the_asset_name(synth: dict[str, Any]) -> None:
    _stack, pipeline = synth["stacks"]["features"]
    params = _definition(pipeline)["States"]["Process tokenize"]["Parameters"]
    inputs = {i["InputName"]: i["S3Input"]["S3Uri"] for i in params["ProcessingInputs"]}
    archive, runproc = inputs["code"].rsplit("/", 1)[1], inputs["entrypoint"].rsplit("/", 1)[1]
    assert params["AppSpecification"]["ContainerEntrypoint"] == ["/bin/bash", f"/opt/ml/processing/input/entrypoint/{runproc}"]
    script = (synth["outdir"] / f"asset.{runproc}").read_text()
    assert f"tar -xzf {archive}\n" in script and 'python train.py "$@"' in script  # the archive as the container finds it
    [packed] = synth["outdir"].glob(f"asset.{archive.split('.', 1)[0]}.*")
    with tarfile.open(packed) as tar:
        assert {"train.py", "preprocess.py", "evaluate.py"} <= set(tar.getnames())


def test_the_processing_role_reads_its_inputs_and_code_and_writes_its_outputs(synth: dict[str, Any]) -> None:
    statements = _statements(synth["templates"]["features"], "TrainingProcessingRole")
    reads, writes = _resources(statements, "s3:GetObject"), _resources(statements, "s3:PutObject")
    assert "arn:aws:s3:::sagestack-examples-data/text*" in reads
    assert sum("cdk-hnb659fds-assets" in r for r in reads) == 2  # the archive and runproc.sh, nothing else of the asset bucket
    assert writes == {"arn:aws:s3:::sagestack-examples-data/tokens*"}
    example = _statements(synth["templates"]["pytorch-pipeline"], "TrainingProcessingRole")
    example_writes = _resources(example, "s3:PutObject")
    assert all("pytorch-pipeline-????????????-" in w for w in example_writes), example_writes  # this model's run folders only
    assert any(r.endswith("pytorch-pipeline-????????????/output/model.tar.gz*") for r in _resources(example, "s3:GetObject"))  # the evaluation reads the model


def test_processing_alone_has_a_pipeline_without_training(synth: dict[str, Any]) -> None:
    template = synth["templates"]["features"]
    types = [v["Type"] for v in template["Resources"].values()]
    assert types.count("AWS::StepFunctions::StateMachine") == 1
    assert types.count("AWS::Lambda::Function") == 0  # no run-input check, no repack, no teardown
    machine = _statements(template, "TrainingStateMachineRole")
    assert _resources(machine, "sagemaker:CreateProcessingJob") == {"arn:aws:sagemaker:us-east-1:123456789012:processing-job/features-????????????-tokenize"}
    assert not _resources(machine, "sagemaker:CreateTrainingJob")
    passed = _resources(machine, "iam:PassRole")
    assert len(passed) == 1 and "processingrole" in json.dumps(sorted(passed)).lower()
