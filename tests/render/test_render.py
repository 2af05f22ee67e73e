"""The rendering layer without the SDK: catalog requests are valid, placeholders are known,
archives are deterministic, regions change image URIs, and nothing imports aws_cdk."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from sagestack.descriptor import load_catalog
from sagestack.render import PLACEHOLDERS, RenderContext, image_uri, image_uris_by_region, placeholders_in, render_requests, request_problems, substitute
from sagestack.render.check import EXAMPLE_VALUES
from sagestack.render.context import base_name
from sagestack.render.sourcedir import archive_members, sourcedir_archive, write_sourcedir

from ..conftest import CATALOG, modules_imported_by

DESCRIPTORS = {d.name: d for d in load_catalog([CATALOG]).descriptors}


@pytest.mark.parametrize("name", sorted(DESCRIPTORS))
def test_catalog_requests_are_valid(name: str) -> None:
    requests = render_requests(DESCRIPTORS[name], RenderContext(region="us-east-1"))
    assert requests
    for key, request in requests.items():
        operation = key.split(".", 1)[0]  # CreateModel.<variant>
        assert request_problems(operation, request) == [], (operation, request_problems(operation, request))
        assert {base_name(p) for p in placeholders_in(request)} <= set(PLACEHOLDERS)


def test_placeholders_have_examples() -> None:
    assert set(EXAMPLE_VALUES) == set(PLACEHOLDERS)


def test_request_problems_catches_what_botocore_validate_skips() -> None:
    request = render_requests(DESCRIPTORS["mnist-tf"], RenderContext(region="us-east-1"))["CreateTrainingJob"]
    bad = json.loads(json.dumps(request))
    bad["ResourceConfig"]["InstanceType"] = "ml.nope.xlarge"  # enum: validate_parameters ignores it
    bad["TrainingJobName"] = "x" * 64  # max length
    bad["HyperParameters"] = {f"k{i}": "v" for i in range(101)}  # map max
    problems = request_problems("CreateTrainingJob", bad)
    assert any("InstanceType" in p and "not in TrainingInstanceType" in p for p in problems)
    assert any("TrainingJobName" in p and "more than 63" in p for p in problems)
    assert any("HyperParameters" in p and "more than 100" in p for p in problems)
    missing = json.loads(json.dumps(request))
    del missing["RoleArn"]
    assert any("RoleArn" in p for p in request_problems("CreateTrainingJob", missing))


def test_substitute_fills_placeholders() -> None:
    request = render_requests(DESCRIPTORS["mnist-tf"], RenderContext(region="us-east-1"))["CreateTrainingJob"]
    filled = substitute(request, EXAMPLE_VALUES)
    assert placeholders_in(filled) == set()
    assert json.loads(filled["HyperParameters"]["sagemaker_job_name"]) == EXAMPLE_VALUES["TrainingJobName"]


def test_image_uris_follow_the_region() -> None:
    kwargs = dict(version="2.11", py_version="py39", instance_type="ml.p3.2xlarge")
    assert image_uri("tensorflow", region="us-east-1", **kwargs) == "763104351884.dkr.ecr.us-east-1.amazonaws.com/tensorflow-training:2.11-gpu-py39"
    assert image_uri("tensorflow", region="cn-north-1", **kwargs).startswith("727897471807.dkr.ecr.cn-north-1.amazonaws.com.cn/")
    assert image_uri("tensorflow", region="af-south-1", **kwargs).startswith("626614931356.")
    by_region = image_uris_by_region("tensorflow", **kwargs)
    assert len(by_region) > 30 and by_region["us-east-1"] == image_uri("tensorflow", region="us-east-1", **kwargs)


def _tree(tmp: Path) -> Path:
    (tmp / "src" / "pkg" / "__pycache__").mkdir(parents=True)
    (tmp / "src" / "train.py").write_text("print('train')\n")
    (tmp / "src" / "pkg" / "util.py").write_text("X = 1\n")
    (tmp / "src" / "pkg" / "__pycache__" / "util.cpython-311.pyc").write_bytes(b"\0")
    (tmp / "src" / "run.sh").write_text("#!/bin/sh\n")
    (tmp / "src" / "run.sh").chmod(0o755)
    (tmp / "libs" / "helpers").mkdir(parents=True)
    (tmp / "libs" / "helpers" / "h.py").write_text("Y = 2\n")
    return tmp


def test_archive_is_deterministic(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    args = dict(entry_point=root / "src" / "train.py", source_dir=root / "src", dependencies=[root / "libs" / "helpers"])
    first = sourcedir_archive(**args)
    (root / "src" / "train.py").touch()  # a new mtime changes nothing
    (root / "src" / "pkg" / "util.py").chmod(0o600)  # nor do permission bits other than execute
    assert sourcedir_archive(**args) == first
    (root / "src" / "train.py").write_text("print('changed')\n")
    assert sourcedir_archive(**args) != first
    with tarfile.open(fileobj=io.BytesIO(first), mode="r:gz") as tar:
        members = {m.name: m for m in tar.getmembers()}
    assert sorted(members) == ["helpers", "helpers/h.py", "pkg", "pkg/util.py", "run.sh", "train.py"]
    assert members["run.sh"].mode == 0o755 and members["train.py"].mode == 0o644
    assert all(m.mtime == 0 and m.uid == 0 for m in members.values())
    assert first[:2] == b"\x1f\x8b" and first[4:8] == b"\0\0\0\0"  # gzip header: no timestamp


def test_lone_entry_point_archive(tmp_path: Path) -> None:
    (tmp_path / "train.py").write_text("x")
    names = [name for name, _ in archive_members(entry_point=tmp_path / "train.py", source_dir=None, dependencies=[])]
    assert names == ["train.py"]


def test_catalog_archives_have_stable_paths(tmp_path: Path) -> None:
    d = DESCRIPTORS["mnist-tf"]
    first = write_sourcedir(d, tmp_path / "a")
    second = write_sourcedir(d, tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()
    assert first.relative_to(tmp_path / "a") == second.relative_to(tmp_path / "b")


def test_rendering_imports_no_cdk_and_no_sdk() -> None:
    code = (
        "from sagestack.descriptor import load_catalog\n"
        "from sagestack.render import render_requests, RenderContext\n"
        "import sagestack.pipeline\n"
        f"cat = load_catalog([{str(CATALOG)!r}])\n"
        "[render_requests(d, RenderContext(region='us-east-1')) for d in cat.descriptors]\n"
    )
    assert modules_imported_by(code, ("aws_cdk", "jsii", "sagemaker")) == []


def test_warm_start_parents_are_a_set_sent_in_the_order_given() -> None:
    """WarmStartConfig keeps its parents as a set: a name given twice is sent once."""
    from sagestack.descriptor import ModelDescriptor
    from sagestack.render.tuning import create_hyper_parameter_tuning_job

    from ..descriptor.helpers import tuned_base

    raw = tuned_base()
    raw["tuner"]["warm_start_config"] = {"warm_start_type": "IdenticalDataAndAlgorithm", "parents": ["tune-b", "tune-a", "tune-b"]}
    raw["tuner"]["completion_criteria_config"] = {"complete_on_convergence": False}
    request = create_hyper_parameter_tuning_job(ModelDescriptor.model_validate(raw), RenderContext(region="us-east-1"))
    assert request["WarmStartConfig"] == {
        "WarmStartType": "IdenticalDataAndAlgorithm",
        "ParentHyperParameterTuningJobs": [{"HyperParameterTuningJobName": "tune-b"}, {"HyperParameterTuningJobName": "tune-a"}],
    }
    assert request["HyperParameterTuningJobConfig"]["TuningJobCompletionCriteria"] == {"ConvergenceDetected": {"CompleteOnConvergence": "Disabled"}}
    assert request_problems("CreateHyperParameterTuningJob", request) == []
