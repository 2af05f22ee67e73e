"""A pipeline whose endpoint has a shadow variant (xgboost-shadow), executed locally by
aws-local-stepfunctions: the first run creates the endpoint with its model in production and no
shadow; a later run keeps the live model in production (read from the endpoint's config) and puts
its own in the shadow, replacing an earlier candidate, with the production variant's autoscaling
deregistered and registered again around the update; a run started with {"promote_shadow": true}
trains nothing and moves the shadow's model to production, or fails with NoShadowToPromote. Every
request a task receives is valid for botocore."""

from __future__ import annotations

import json
from typing import Any

import yaml

from sagestack.descriptor import ModelDescriptor, validate_data
from sagestack.pipeline import pipeline_definition

from ..conftest import CATALOG
from .golden import CTX, example_resources
from .harness import run
from .test_pipeline_definition import CATALOG_BY_NAME, CHECKED, NOT_FOUND, OK, TRAINED, assert_requests_valid, endpoint, example_with_deploy

NAME = "xgboost-shadow"
ENDPOINT = "xgboost-shadow-dev"
LIVE = "xgboost-shadow-0123456789ab"  # the run whose config the endpoint serves
LIVE_MODEL = "xgboost-shadow-00000000aaaa"  # the production model of that config
OLD_CANDIDATE = "xgboost-shadow-0000bbbbcccc"
SCALING = {"Register scaling target": [OK], "Put scaling policy": [OK]}
RESOURCE_ID = f"endpoint/{ENDPOINT}/variant/AllTraffic"
PROMOTE = {"promote_shadow": True}


def descriptor(**deploy: Any) -> ModelDescriptor:
    """xgboost-shadow, its deploy section changed by ``deploy`` (a key set to None is removed)."""
    return example_with_deploy(NAME, **deploy)


def definition(d: ModelDescriptor | None = None) -> dict[str, Any]:
    d = d or CATALOG_BY_NAME[NAME]
    return pipeline_definition(d, CTX, example_resources(d, False))


def live_config(*, production: str = LIVE_MODEL, shadow: str | None = None, name: str = LIVE) -> dict[str, Any]:
    """A DescribeEndpointConfig answer."""
    answer: dict[str, Any] = {
        "EndpointConfigName": name, "EndpointConfigArn": f"arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/{name}",
        "ProductionVariants": [{"VariantName": "AllTraffic", "ModelName": production, "InitialInstanceCount": 2, "InstanceType": "ml.m5.xlarge", "InitialVariantWeight": 1.0}],
        "CreationTime": "2026-11-23T10:00:00Z",
    }
    if shadow is not None:
        answer["ShadowProductionVariants"] = [{"VariantName": "candidate", "ModelName": shadow, "InitialInstanceCount": 1, "InstanceType": "ml.m5.xlarge", "InitialVariantWeight": 1.0}]
    return {"result": answer}


def first_run_tasks() -> dict[str, list[dict[str, Any]]]:
    return {
        "Check run input": [CHECKED], "Train": [TRAINED], "Create model": [OK],
        "Find endpoint": [NOT_FOUND], "Create endpoint config": [OK], "Create endpoint": [OK],
        "Check endpoint": [endpoint("Creating"), endpoint("InService")], **SCALING,
    }


def later_run_tasks(*, shadow: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """A later run: the endpoint is InService on ``LIVE``'s config (with an earlier candidate in
    its shadow when ``shadow``)."""
    updated = "{{call:Create shadow config.EndpointConfigName}}"
    return {
        "Check run input": [CHECKED], "Train": [TRAINED], "Create model": [OK],
        "Find endpoint": [endpoint("InService", config=LIVE)], "Read live config": [live_config(shadow=shadow)], "Create shadow config": [OK],
        "Deregister scaling target": [OK], "Update endpoint": [OK],
        "Check endpoint": [endpoint("Updating", config=LIVE), endpoint("InService", config=updated)], **SCALING,
    }


def promotion_tasks(*, shadow: str | None = OLD_CANDIDATE) -> dict[str, list[dict[str, Any]]]:
    promoted = "{{call:Create promoted config.EndpointConfigName}}"
    return {
        "Check run input": [CHECKED],
        "Find live endpoint": [endpoint("InService", config=LIVE)], "Read config to promote": [live_config(shadow=shadow)], "Create promoted config": [OK],
        "Deregister scaling target": [OK], "Update endpoint": [OK],
        "Check endpoint": [endpoint("Updating", config=LIVE), endpoint("InService", config=promoted)], **SCALING,
    }


def test_the_first_run_creates_the_endpoint_with_its_model_in_production_and_no_shadow() -> None:
    defn = definition()
    out = run(defn, first_run_tasks())
    assert out["status"] == "SUCCEEDED", out
    steps = [s for s in out["path"] if s in ("Promote shadow?", "Train", "Create model", "Find endpoint", "Create endpoint config", "Create endpoint", "Register scaling target", "Summarize")]
    assert steps == ["Promote shadow?", "Train", "Create model", "Find endpoint", "Create endpoint config", "Create endpoint", "Register scaling target", "Summarize"]
    assert not {"Read live config", "Create shadow config", "Deregister scaling target", "Update endpoint"} & set(out["path"])
    run_name = out["output"]["run_name"]
    [config] = out["calls"]["Create endpoint config"]
    assert config["EndpointConfigName"] == run_name and "ShadowProductionVariants" not in config
    assert config["ProductionVariants"] == [{"VariantName": "AllTraffic", "ModelName": run_name, "InitialVariantWeight": 1, "InitialInstanceCount": 2, "InstanceType": "ml.m5.xlarge"}]
    assert config["DataCaptureConfig"]["InitialSamplingPercentage"] == 100
    assert out["calls"]["Create endpoint"][0]["EndpointConfigName"] == run_name
    assert out["calls"]["Register scaling target"][0]["ResourceId"] == RESOURCE_ID
    assert out["output"]["model_name"] == run_name and out["output"]["endpoint_config_name"] == run_name
    assert assert_requests_valid(defn, out) >= 8


def test_a_later_run_keeps_the_live_model_in_production_and_shadows_its_own() -> None:
    defn = definition()
    out = run(defn, later_run_tasks())
    assert out["status"] == "SUCCEEDED", out
    assert not {"Create endpoint config", "Create endpoint"} & set(out["path"])
    order = [s for s in out["path"] if s in ("Find endpoint", "Read live config", "Create shadow config", "Deregister scaling target", "Update endpoint", "Register scaling target", "Put scaling policy")]
    assert order == ["Find endpoint", "Read live config", "Create shadow config", "Deregister scaling target", "Update endpoint", "Register scaling target", "Put scaling policy"]
    run_name = out["output"]["run_name"]
    assert out["calls"]["Read live config"][0] == {"EndpointConfigName": LIVE}
    [config] = out["calls"]["Create shadow config"]
    assert config["EndpointConfigName"] == run_name
    assert config["ProductionVariants"] == [{"VariantName": "AllTraffic", "ModelName": LIVE_MODEL, "InitialVariantWeight": 1, "InitialInstanceCount": 2, "InstanceType": "ml.m5.xlarge"}]
    assert config["ShadowProductionVariants"] == [{"VariantName": "candidate", "ModelName": run_name, "InitialVariantWeight": 1.0, "InitialInstanceCount": 1, "InstanceType": "ml.m5.xlarge"}]
    assert "DataCaptureConfig" in config  # both variants' answers are captured for the comparison
    # the production variant's autoscaling: deregistered before the update, its scaled count kept, registered again
    [update] = out["calls"]["Update endpoint"]
    assert update["EndpointConfigName"] == run_name and update["RetainAllVariantProperties"] is True
    assert out["calls"]["Deregister scaling target"][0]["ResourceId"] == RESOURCE_ID
    register = out["calls"]["Register scaling target"][0]
    assert (register["ResourceId"], register["MinCapacity"], register["MaxCapacity"]) == (RESOURCE_ID, 2, 4)
    assert out["output"]["model_name"] == run_name
    assert assert_requests_valid(defn, out) >= 10


def test_a_new_candidate_replaces_an_unpromoted_shadow() -> None:
    out = run(definition(), later_run_tasks(shadow=OLD_CANDIDATE))
    assert out["status"] == "SUCCEEDED", out
    [config] = out["calls"]["Create shadow config"]
    assert config["ProductionVariants"][0]["ModelName"] == LIVE_MODEL
    assert [v["ModelName"] for v in config["ShadowProductionVariants"]] == [out["output"]["run_name"]]
    assert OLD_CANDIDATE not in json.dumps(config)


def test_without_autoscaling_the_update_resets_nothing_it_need_not() -> None:
    d = descriptor(autoscaling=None)
    defn = definition(d)
    tasks = later_run_tasks()
    for name in ("Deregister scaling target", *SCALING):
        del tasks[name]
    out = run(defn, tasks)
    assert out["status"] == "SUCCEEDED", out
    assert out["calls"]["Update endpoint"][0] == {"EndpointName": ENDPOINT, "EndpointConfigName": out["output"]["run_name"]}
    assert "Deregister scaling target" not in defn["States"]


def test_a_failed_endpoint_is_replaced_by_one_without_a_shadow() -> None:
    tasks = first_run_tasks()
    tasks["Find endpoint"] = [endpoint("Failed", config=LIVE), NOT_FOUND]
    tasks["Delete failed endpoint"] = [OK]
    out = run(definition(), tasks)
    assert out["status"] == "SUCCEEDED", out
    order = [s for s in out["path"] if s in ("Find endpoint", "Delete failed endpoint", "Create endpoint config", "Create endpoint")]
    assert order == ["Find endpoint", "Delete failed endpoint", "Find endpoint", "Create endpoint config", "Create endpoint"]
    assert "ShadowProductionVariants" not in out["calls"]["Create endpoint config"][0]


def test_promotion_moves_the_shadows_model_to_production_and_drops_the_shadow() -> None:
    defn = definition()
    out = run(defn, promotion_tasks(), PROMOTE)
    assert out["status"] == "SUCCEEDED", out
    assert not {"Train", "Create model", "Find endpoint", "Create endpoint config", "Create shadow config"} & set(out["path"])
    order = [s for s in out["path"] if s in ("Check run input", "Promote shadow?", "Find live endpoint", "Read config to promote", "Create promoted config", "Deregister scaling target", "Update endpoint", "Register scaling target", "Summarize promotion")]
    assert order == ["Check run input", "Promote shadow?", "Find live endpoint", "Read config to promote", "Create promoted config", "Deregister scaling target", "Update endpoint", "Register scaling target", "Summarize promotion"]
    run_name = out["output"]["run_name"]
    assert out["calls"]["Read config to promote"][0] == {"EndpointConfigName": LIVE}
    [config] = out["calls"]["Create promoted config"]
    assert config["EndpointConfigName"] == run_name and "ShadowProductionVariants" not in config
    # the shadow's model on the deploy section's production settings
    assert config["ProductionVariants"] == [{"VariantName": "AllTraffic", "ModelName": OLD_CANDIDATE, "InitialVariantWeight": 1, "InitialInstanceCount": 2, "InstanceType": "ml.m5.xlarge"}]
    [update] = out["calls"]["Update endpoint"]
    assert update["EndpointConfigName"] == run_name and update["RetainAllVariantProperties"] is True
    assert out["calls"]["Register scaling target"][0]["ResourceId"] == RESOURCE_ID
    assert out["output"] == {
        "model": NAME, "run_name": run_name, "promoted": True, "model_name": OLD_CANDIDATE, "replaced_model_name": LIVE_MODEL,
        "endpoint_name": ENDPOINT, "endpoint_config_name": run_name,
    }
    assert assert_requests_valid(defn, out) >= 8


def test_promotion_without_a_shadow_fails_with_no_shadow_to_promote() -> None:
    out = run(definition(), promotion_tasks(shadow=None), PROMOTE)
    assert out["status"] == "FAILED" and out["error"] == "NoShadowToPromote", out
    assert f"endpoint {ENDPOINT} serves config {LIVE}, which has no shadow variant" in json.dumps(out["cause"])
    assert "Create promoted config" not in out["path"] and "Update endpoint" not in out["path"]


def test_promotion_without_an_endpoint_fails_with_no_shadow_to_promote() -> None:
    tasks = promotion_tasks()
    tasks["Find live endpoint"] = [NOT_FOUND]
    out = run(definition(), tasks, PROMOTE)
    assert out["status"] == "FAILED" and out["error"] == "NoShadowToPromote", out
    assert "does not exist: nothing to promote" in json.dumps(out["cause"])


def test_promotion_of_a_busy_endpoint_fails_saying_so() -> None:
    tasks = promotion_tasks()
    tasks["Find live endpoint"] = [endpoint("Updating", config=LIVE)]
    out = run(definition(), tasks, PROMOTE)
    assert out["status"] == "FAILED" and out["error"] == "EndpointBusy", out
    assert "is Updating: promote its shadow once it is InService" in json.dumps(out["cause"])


def test_promote_shadow_false_trains_as_usual() -> None:
    out = run(definition(), first_run_tasks(), {"promote_shadow": False})
    assert out["status"] == "SUCCEEDED", out
    assert "Train" in out["path"] and "Find live endpoint" not in out["path"]


def test_a_promotion_input_with_training_keys_is_refused_before_anything_runs() -> None:
    out = run(definition(), promotion_tasks(), {"promote_shadow": True, "hyperparameters": {"num_round": 10}})
    assert out["status"] == "FAILED" and out["error"] == "InvalidInput", out
    assert "a promotion run trains nothing" in json.dumps(out["cause"])
    assert "Find live endpoint" not in out["path"]


def test_a_pipeline_without_a_shadow_refuses_promote_shadow() -> None:
    out = run(pipeline_definition(CATALOG_BY_NAME["kmeans"], CTX, example_resources(CATALOG_BY_NAME["kmeans"], False)), {"Check run input": [CHECKED]}, PROMOTE)
    assert out["status"] == "FAILED" and out["error"] == "InvalidInput", out
    assert "has no shadow variant" in json.dumps(out["cause"])


def registered_with_shadow() -> ModelDescriptor:
    """xgboost-tuned (registered for approval) with a shadow variant."""
    path = CATALOG / "xgboost-tuned.yaml"
    data = yaml.safe_load(path.read_text())
    data["deploy"]["shadow_variant"] = {"variant_name": "candidate", "instance_type": "ml.m5.large"}
    result = validate_data(data, file="xgboost-tuned.yaml", source=path)
    assert result.descriptor is not None, [i.format() for i in result.issues]
    return result.descriptor


def test_an_approval_run_deploys_its_package_as_the_shadow() -> None:
    from .test_register import PACKAGE_ARN, package

    d = registered_with_shadow()
    defn = definition(d)
    live = "xgboost-tuned-0123456789ab"
    tasks = {
        "Describe package": [package()], "Create model": [OK],
        "Find endpoint": [endpoint("InService", config=live)], "Read live config": [live_config(name=live)], "Create shadow config": [OK], "Update endpoint": [OK],
        "Check endpoint": [endpoint("Updating", config=live), endpoint("InService", config="{{call:Create shadow config.EndpointConfigName}}")],
    }
    out = run(defn, tasks, {"model_package_arn": PACKAGE_ARN})
    assert out["status"] == "SUCCEEDED", out
    [config] = out["calls"]["Create shadow config"]
    model = out["calls"]["Create model"][0]["ModelName"]
    assert config["ProductionVariants"][0]["ModelName"] == LIVE_MODEL and config["ShadowProductionVariants"][0]["ModelName"] == model
    assert out["output"]["model_package_arn"] == PACKAGE_ARN
    assert assert_requests_valid(defn, out) >= 7


def test_an_approval_and_a_promotion_are_different_runs() -> None:
    from .test_register import PACKAGE_ARN

    out = run(definition(registered_with_shadow()), {}, {"model_package_arn": PACKAGE_ARN, "promote_shadow": True})
    assert out["status"] == "FAILED" and out["error"] == "InvalidInput", out
    assert "model_package_arn and promote_shadow start different runs" in json.dumps(out["cause"])
