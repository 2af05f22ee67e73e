"""add_model: executed locally — a run trains, then copies its model archive under the
multi-model endpoint's prefix to a key of its own (S3 CopyObject, as MultiDataModel.add_model
copies an S3 source), and its output names the TargetModel; a failed copy fails the run with
AddModelFailed; the copy's source follows a run's output_path and a tuning job's best job; the
requests are valid for botocore's S3 model; the grants are exactly the archives and the keys."""

from __future__ import annotations

import copy
import re
from typing import Any

import yaml

from sagestack.descriptor import ModelDescriptor, validate_data
from sagestack.pipeline.steps import GrantContext, MultiModelTarget, grants
from sagestack.render.check import EXAMPLE_VALUES

from ..conftest import CATALOG
from .golden import example_resources
from .harness import run
from .test_pipeline_definition import CATALOG_BY_NAME, CHECKED, CTX, TRAINED, _failed, assert_requests_valid, definition, tuned_tasks

NAME = "sklearn-store-forecast"
ARTIFACTS = EXAMPLE_VALUES["ArtifactBucket"]
COPIED = {"result": {"CopyObjectResult": {"ETag": '"9b2cf535f27731c974343645a3985328"', "LastModified": "2026-12-03T10:00:00Z"}}}
RUN = re.compile(rf"{NAME}-[0-9a-f]{{12}}")


def tasks() -> dict[str, list[dict[str, Any]]]:
    return {"Check run input": [CHECKED], "Train": [TRAINED], "Add model": [COPIED]}


def test_a_run_copies_its_model_to_a_key_of_its_own_and_names_the_target_model() -> None:
    defn = definition(NAME)
    out = run(defn, tasks())
    assert out["status"] == "SUCCEEDED", out
    assert out["path"] == ["Draw run id", "Name the run", "Check run input", "Input accepted?", "Train", "Add model", "Summarize"]
    run_name = out["output"]["run_name"]
    assert RUN.fullmatch(run_name)
    job = out["calls"]["Train"][0]["TrainingJobName"]
    [request] = out["calls"]["Add model"]
    # s3://sagestack-examples-models/store-forecasts/ is sklearn-multi-model's model_data_prefix
    assert request == {"Bucket": "sagestack-examples-models", "Key": f"store-forecasts/store-0042/{run_name}.tar.gz", "CopySource": f"{ARTIFACTS}/{job}/output/model.tar.gz"}
    assert out["output"]["target_model"] == f"store-0042/{run_name}.tar.gz"
    assert out["output"]["added_model_data"] == f"s3://sagestack-examples-models/store-forecasts/store-0042/{run_name}.tar.gz"
    assert out["output"]["endpoint_name"] == "sklearn-multi-model-dev"
    assert "model_name" not in out["output"]  # nothing deployed: no model, no endpoint of its own
    assert assert_requests_valid(defn, out) == 2  # CreateTrainingJob and CopyObject


def test_two_runs_never_write_the_same_key() -> None:
    defn = definition(NAME)
    keys = {run(defn, tasks())["calls"]["Add model"][0]["Key"] for _ in range(2)}
    assert len(keys) == 2


def test_the_copy_follows_a_runs_output_path_url_encoded() -> None:
    given = {"output_path": f"s3://{ARTIFACTS}/{NAME}/exp 1/"}
    out = run(definition(NAME), tasks(), input=given)
    assert out["status"] == "SUCCEEDED", out
    job = out["calls"]["Train"][0]["TrainingJobName"]
    assert out["calls"]["Train"][0]["OutputDataConfig"]["S3OutputPath"] == given["output_path"]
    assert out["calls"]["Add model"][0]["CopySource"] == f"{ARTIFACTS}/{NAME}/exp%201/{job}/output/model.tar.gz"


def test_bad_run_input_still_fails_as_invalid_input() -> None:
    out = run(definition(NAME), tasks(), input={"hyperparameters": {"n_estimator": 3}})
    _failed(out, "InvalidInput", "Input failed")
    assert out["calls"]["Add model"] == []


def test_a_failed_copy_fails_the_run_by_name() -> None:
    t = tasks()
    t["Add model"] = [{"error": "S3.S3Exception", "cause": "Access Denied (Service: S3, Status Code: 403)"}]
    out = run(definition(NAME), t)
    _failed(out, "AddModelFailed", "Add model failed")
    assert "Access Denied" in out["cause"]


def test_throttling_is_retried() -> None:
    t = tasks()
    t["Add model"] = [{"error": "S3.SlowDownException", "cause": "Please reduce your request rate."}, COPIED]
    out = run(definition(NAME), t)
    assert out["status"] == "SUCCEEDED", out
    assert len(out["calls"]["Add model"]) == 2 and out["calls"]["Add model"][0] == out["calls"]["Add model"][1]


def tuned_adding() -> ModelDescriptor:
    """xgboost-tuned, its best job's model added to a multi-model endpoint outside the catalog."""
    path = CATALOG / "xgboost-tuned.yaml"
    data = copy.deepcopy(yaml.safe_load(path.read_text()))
    del data["deploy"], data["register"]
    data["estimator"]["output_kms_key"] = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    data["add_model"] = {"model_data_prefix": "s3://churn-models/by-region", "model_data_path": "eu/churn.tar.gz"}
    result = validate_data(data, file="xgboost-tuned.yaml", source=path)
    assert result.descriptor is not None, [i.format() for i in result.issues]
    return result.descriptor


def test_a_tuned_run_adds_the_best_training_jobs_model() -> None:
    d = tuned_adding()
    defn = definition(d)
    t = {k: v for k, v in tuned_tasks().items() if k in ("Check run input", "Tune", "Describe best job")}
    t["Add model"] = [COPIED]
    out = run(defn, t)
    assert out["status"] == "SUCCEEDED", out
    best = out["calls"]["Describe best job"][0]["TrainingJobName"]
    run_name = out["output"]["run_name"]
    assert out["calls"]["Add model"][0] == {"Bucket": "churn-models", "Key": f"by-region/eu/churn/{run_name}.tar.gz", "CopySource": f"{ARTIFACTS}/{best}/output/model.tar.gz"}
    assert out["output"]["target_model"] == f"eu/churn/{run_name}.tar.gz" and "endpoint_name" not in out["output"]  # an endpoint outside the catalog


def _context(d: ModelDescriptor, prefix: str) -> GrantContext:
    from sagestack.pipeline.definition import run_prefix

    p = run_prefix(d)
    return GrantContext(
        partition="aws", region="us-east-1", account="123456789012", runs=f"{p.lower()}-{'?' * 12}", check_input_function="arn:aws:lambda:us-east-1:123456789012:function:check",
        training_role_arn="arn:aws:iam::123456789012:role/training", artifact_bucket=ARTIFACTS, run_folders=f"{p}-{'?' * 12}", multi_model_prefix=prefix,
    )


def _s3_statements(d: ModelDescriptor, prefix: str) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    statements = grants(d, example_resources(d, False), _context(d, prefix))
    return [(s.actions, s.resources) for s in statements if any(a.startswith(("s3:", "kms:")) for a in s.actions)]


def test_grants_are_the_runs_archives_and_exactly_the_keys_runs_write() -> None:
    d = CATALOG_BY_NAME[NAME]
    assert _s3_statements(d, "s3://sagestack-examples-models/store-forecasts/") == [
        (("s3:GetObject",), (f"arn:aws:s3:::{ARTIFACTS}/{NAME}-????????????/output/model.tar.gz", f"arn:aws:s3:::{ARTIFACTS}/{NAME}/*/output/model.tar.gz")),
        (("s3:PutObject",), (f"arn:aws:s3:::sagestack-examples-models/store-forecasts/store-0042/{NAME}-????????????.tar.gz",)),
    ]
    tuned = tuned_adding()
    assert _s3_statements(tuned, "s3://churn-models/by-region") == [
        (("s3:GetObject",), (f"arn:aws:s3:::{ARTIFACTS}/xgboost-tuned-????????????-???-????????/output/model.tar.gz", f"arn:aws:s3:::{ARTIFACTS}/xgboost-tuned/*/output/model.tar.gz")),
        (("s3:PutObject",), ("arn:aws:s3:::churn-models/by-region/eu/churn/xgboost-tuned-????????????.tar.gz",)),
        (("kms:Decrypt",), ("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",)),  # the archive the training job encrypted
    ]


def test_a_descriptor_output_path_is_granted_under_it() -> None:
    d = CATALOG_BY_NAME[NAME]
    d = d.model_copy(update={"estimator": d.estimator.model_copy(update={"output_path": "s3://store-artifacts/forecasts/"})})
    [get, _put] = _s3_statements(d, "s3://sagestack-examples-models/store-forecasts/")
    assert get == (("s3:GetObject",), ("arn:aws:s3:::store-artifacts/forecasts/*/output/model.tar.gz",))


def test_the_pipeline_needs_the_multi_model_endpoint_it_names() -> None:
    import dataclasses

    import pytest

    from sagestack.pipeline import pipeline_definition

    d = CATALOG_BY_NAME[NAME]
    with pytest.raises(AssertionError, match="MultiModelTarget"):
        pipeline_definition(d, CTX, dataclasses.replace(example_resources(d, False), multi_model=None))
    other = pipeline_definition(d, CTX, dataclasses.replace(example_resources(d, False), multi_model=MultiModelTarget("s3://b/p", None)))
    assert other["States"]["Add model"]["Parameters"]["Bucket"] == "b" and "endpoint_name" not in other["States"]["Summarize"]["Parameters"]


def test_a_preview_copies_into_its_own_artifact_bucket_and_names_no_endpoint() -> None:
    """A preview never writes into an environment's multi-model prefix: its runs copy under
    multi-model/ in the artifact bucket, which is granted exactly that, and no endpoint serves it."""
    import dataclasses

    from sagestack.pipeline import pipeline_definition
    from sagestack.pipeline.steps.add_model import PREVIEW_PREFIX, multi_model_target

    d = CATALOG_BY_NAME[NAME]
    target = multi_model_target(d, CATALOG_BY_NAME, "pr-1", preview=True)
    assert target == MultiModelTarget(PREVIEW_PREFIX)
    defn = pipeline_definition(d, CTX, dataclasses.replace(example_resources(d, False), multi_model=target))
    out = run(defn, tasks())
    assert out["status"] == "SUCCEEDED", out
    run_name = out["output"]["run_name"]
    [request] = out["calls"]["Add model"]
    assert (request["Bucket"], request["Key"]) == (ARTIFACTS, f"multi-model/store-0042/{run_name}.tar.gz")
    assert out["output"]["added_model_data"] == f"s3://{ARTIFACTS}/multi-model/store-0042/{run_name}.tar.gz"
    assert out["output"]["target_model"] == f"store-0042/{run_name}.tar.gz" and "endpoint_name" not in out["output"]
    assert assert_requests_valid(defn, out) == 2
    [_get, put] = _s3_statements(d, PREVIEW_PREFIX)
    assert put == (("s3:PutObject",), (f"arn:aws:s3:::{ARTIFACTS}/multi-model/store-0042/{NAME}-????????????.tar.gz",))
