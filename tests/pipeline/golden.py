"""Golden dumps of every pipeline: the pure definition (example values) and, from a synthesized
stack, the state machine's definition and its role's policy statements. The refactor of the
definition into step fragments keeps them identical (tests/pipeline/test_golden.py); regenerate
with ``python -m tests.pipeline.golden`` only when a change to a pipeline is intended."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sagestack.descriptor import ModelDescriptor, load_catalog
from sagestack.pipeline import PipelineResources, RepackStep, pipeline_definition
from sagestack.render import RenderContext
from sagestack.render.check import EXAMPLE_VALUES

from ..conftest import CATALOG

GOLDEN = Path(__file__).with_name("golden")
CTX = RenderContext(region="us-east-1")
CHECK = "arn:aws:lambda:us-east-1:123456789012:function:sagestack-check-run-input"
TOPIC = "arn:aws:sns:us-east-1:123456789012:sagestack-runs"


def async_mnist() -> ModelDescriptor:
    """mnist-tf, deployed as an asynchronous endpoint that scales to zero."""
    import yaml

    from sagestack.descriptor import validate_data

    path = CATALOG / "mnist-tf.yaml"
    data = yaml.safe_load(path.read_text())
    data["deploy"] = {
        "initial_instance_count": 1, "instance_type": "ml.g4dn.xlarge",
        "async_inference_config": {"notification_config": {"ErrorTopic": "arn:aws:sns:us-east-1:123456789012:failed"}},
        "autoscaling": {"min_capacity": 0, "max_capacity": 3, "target_backlog_per_instance": 5},
    }
    result = validate_data(data, file="mnist-async.yaml", source=path)
    assert result.descriptor is not None, [i.format() for i in result.issues]
    return result.descriptor


def joining_components() -> ModelDescriptor:
    """xgboost-components, its component added to an endpoint another descriptor creates."""
    import yaml

    from sagestack.descriptor import validate_data

    path = CATALOG / "xgboost-components.yaml"
    data = yaml.safe_load(path.read_text())
    for key in ("initial_instance_count", "managed_instance_scaling"):
        del data["deploy"][key]
    data["deploy"]["endpoint_name"] = "shared-models"
    result = validate_data(data, file="xgboost-joins.yaml", source=path)
    assert result.descriptor is not None, [i.format() for i in result.issues]
    return result.descriptor


def cases() -> dict[str, tuple[ModelDescriptor, str]]:
    """Case name → (descriptor, topic: "none", "topic" or "encrypted-topic")."""
    pipelines = {d.name: d for d in load_catalog([CATALOG]).descriptors if d.estimator is not None or d.transformer is not None or d.processing is not None}
    out: dict[str, tuple[ModelDescriptor, str]] = {name: (d, "none") for name, d in sorted(pipelines.items())}
    for name in ("mnist-tf", "mnist-batch", "kmeans"):
        out[f"{name}+topic"] = (pipelines[name], "topic")
    out["mnist-tf+encrypted-topic"] = (pipelines["mnist-tf"], "encrypted-topic")
    mnist_async = async_mnist()
    out["mnist-async"] = (mnist_async, "none")
    out["mnist-async+topic"] = (mnist_async, "topic")
    out["xgboost-components+joins"] = (joining_components(), "none")
    return out


def multi_model(d: ModelDescriptor):  # -> MultiModelTarget | None
    """The multi-model endpoint of an add_model descriptor, from the catalog (dev)."""
    from sagestack.pipeline.steps.add_model import multi_model_target

    return multi_model_target(d, {c.name: c for c in load_catalog([CATALOG]).descriptors}, "dev") if d.add_model is not None else None


def example_resources(d: ModelDescriptor, topic: bool) -> PipelineResources:
    return PipelineResources(
        static=EXAMPLE_VALUES,
        check_input_function=CHECK if d.estimator is not None else None,
        endpoint_name=(d.deploy.endpoint_name or f"{d.name}-dev") if d.deploy is not None else None,
        inference_component_name=(d.deploy.inference_component_name or f"{d.name}-dev") if d.deploy is not None and d.deploy.inference_component_based() else None,
        repack=RepackStep("arn:aws:lambda:us-east-1:123456789012:function:sagestack-repack", "cdk-assets-bucket", "code0123.tar.gz", EXAMPLE_VALUES["ArtifactBucket"], f"repacked/{d.name}"),
        topic_arn=TOPIC if topic else None,
        model_package_group=f"{d.name}-dev" if d.register is not None else None,
        multi_model=multi_model(d),
    )


def pure_definition(d: ModelDescriptor, topic: bool) -> dict[str, Any]:
    return pipeline_definition(d, CTX, example_resources(d, topic))


def synthesized(selected: dict[str, tuple[ModelDescriptor, str]]) -> dict[str, dict[str, Any]]:
    """Case → {"definition": the state machine's DefinitionString (parsed) and substitutions,
    "statements": the role's inline policy statements, "template": the whole template}, from one
    app with a stack per case."""
    import aws_cdk as cdk
    from aws_cdk import assertions
    from aws_cdk import aws_kms as kms
    from aws_cdk import aws_sns as sns

    from sagestack.pipeline.construct import TrainingPipeline

    app = cdk.App()
    stacks = {}
    for index, (case, (d, topic)) in enumerate(selected.items()):
        stack = cdk.Stack(app, f"golden{index}", env=cdk.Environment(region="us-east-1"))
        notification = None
        if topic == "topic":
            notification = sns.Topic(stack, "Runs")
        elif topic == "encrypted-topic":
            notification = sns.Topic(stack, "Runs", master_key=kms.Key(stack, "RunsKey"))
        TrainingPipeline(stack, "Training", descriptor=d, notification_topic=notification, multi_model=multi_model(d))
        stacks[case] = stack
    out = {}
    for case, stack in stacks.items():
        template = assertions.Template.from_stack(stack).to_json()
        [machine] = [v["Properties"] for v in template["Resources"].values() if v["Type"] == "AWS::StepFunctions::StateMachine"]
        [role] = [v for k, v in template["Resources"].items() if v["Type"] == "AWS::IAM::Role" and k.startswith("TrainingStateMachineRole")]
        [inline] = role["Properties"]["Policies"]
        out[case] = {
            "definition": json.loads(machine["DefinitionString"]),
            "substitutions": machine.get("DefinitionSubstitutions", {}),
            "statements": inline["PolicyDocument"]["Statement"],
            "template": template,
        }
    return out


def dump(selected: dict[str, tuple[ModelDescriptor, str]] | None = None) -> dict[str, dict[str, Any]]:
    selected = selected if selected is not None else cases()
    synth = synthesized(selected)
    return {
        case: {"pure_definition": pure_definition(d, topic != "none"), **{k: v for k, v in synth[case].items() if k != "template"}}
        for case, (d, topic) in selected.items()
    }


def text(entry: dict[str, Any]) -> str:
    return json.dumps(entry, indent=1, sort_keys=False) + "\n"


if __name__ == "__main__":
    for old in GOLDEN.glob("*.json"):
        old.unlink()
    for case, entry in dump().items():
        (GOLDEN / f"{case}.json").write_text(text(entry))
        print(case)
