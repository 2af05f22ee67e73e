"""The processing: section: each processor class's own arguments, processor.run()'s, and the
references between steps ({step, output}), each checked at its line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .helpers import assert_rule_case, errors, find, issues_of

Mutation = Callable[[dict[str, Any]], None]

SKLEARN = {"type": "SKLearnProcessor", "framework_version": "1.2-1", "instance_type": "ml.m5.xlarge", "instance_count": 1}
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/prep:1"


def processing_base() -> dict[str, Any]:
    """Prepare → train (reading the prepared data) → evaluate (reading the model)."""
    return {
        "name": "processed-test",
        "estimator": {"type": "Estimator", "image_uri": IMAGE, "instance_type": "ml.m5.xlarge", "instance_count": 1},
        "fit": {"inputs": {"train": {"step": "prep", "output": "train"}}},
        "processing": [
            {
                "name": "prep",
                "processor": dict(SKLEARN),
                "run": {
                    "code": "train.py",
                    "inputs": [{"source": "s3://sagestack-test/raw", "destination": "/opt/ml/processing/input"}],
                    "outputs": [{"source": "/opt/ml/processing/train", "output_name": "train"}],
                },
            },
            {
                "name": "evaluate",
                "when": "after_training",
                "processor": dict(SKLEARN),
                "run": {
                    "code": "train.py",
                    "inputs": [{"source": {"step": "training", "output": "model"}, "destination": "/opt/ml/processing/model"}],
                    "outputs": [{"source": "/opt/ml/processing/evaluation", "output_name": "evaluation"}],
                },
            },
        ],
    }


def _at(index: int, *path: str | int, value: Any) -> Mutation:
    def mutate(d: dict[str, Any]) -> None:
        node: Any = d["processing"][index]
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value

    return mutate


def _none(d: dict[str, Any]) -> None:
    return None


def _channel(value: Any) -> Mutation:
    def mutate(d: dict[str, Any]) -> None:
        d["fit"]["inputs"]["train"] = value

    return mutate


RULE = "processing_steps_fit_together"
CASES: list[tuple[str, Callable[[], dict[str, Any]], Mutation, Mutation, str, str, str]] = [
    (RULE, processing_base, _at(1, "name", value="prep"), _none, "processing[1].name", "two processing steps are named 'prep'", "error"),
    (RULE, processing_base, _at(1, "name", value="training"), _none, "processing[1].name", "names the training step", "error"),
    (RULE, processing_base, _channel({"step": "prep", "output": "validation"}), _none, "fit.inputs.train.output", "has no output of this name", "error"),
    (RULE, processing_base, _channel({"step": "clean", "output": "train"}), _none, "fit.inputs.train.step", "no processing step has this name", "error"),
    (RULE, processing_base, _channel({"step": "evaluate", "output": "evaluation"}), _none, "fit.inputs.train.step", "runs after training", "error"),
    (RULE, processing_base, _channel({"step": "training", "output": "model"}), _none, "fit.inputs.train", "cannot read the model it trains", "error"),
    (RULE, processing_base, _at(1, "when", value="before_training"), _none, "processing[1].run.inputs[0].source", "exists only after training", "error"),
    (RULE, processing_base, _at(1, "run", "inputs", 0, "source", value={"step": "training", "output": "weights"}), _none, "processing[1].run.inputs[0].source.output", "output is its model", "error"),
    (RULE, processing_base, _at(0, "run", "inputs", 0, "source", value={"step": "evaluate", "output": "evaluation"}), _none, "processing[0].run.inputs[0].source.step", "a step reads only earlier steps' outputs", "error"),
    (RULE, processing_base, _at(0, "run", "code", value="missing.py"), _none, "processing[0].run.code", "file not found", "error"),
    (RULE, processing_base, _at(0, "processor", value={"type": "Processor", "image_uri": IMAGE, "instance_type": "ml.m5.xlarge", "instance_count": 1}), _none, "processing[0].run.code", "Processor.run() takes no code", "error"),
    (RULE, processing_base, _at(0, "run", "source_dir", value="."), _none, "processing[0].run.source_dir", "takes no source_dir", "error"),
    (RULE, processing_base, _at(0, "run", "inputs", 0, "input_name", value="code"), _at(0, "run", "inputs", 0, "input_name", value="raw"), "processing[0].run.inputs[0]", "names its code input", "error"),
    (RULE, processing_base, _at(0, "run", "inputs", 0, "s3_compression_type", value="Gzip"), (lambda d: (_at(0, "run", "inputs", 0, "s3_compression_type", value="Gzip")(d), _at(0, "run", "inputs", 0, "s3_input_mode", value="Pipe")(d))),
     "processing[0].run.inputs[0].s3_compression_type", "only be gzipped when the input mode is Pipe", "error"),
    (RULE, processing_base, _at(0, "processor", "network_config", value={"subnets": ["subnet-1"]}), _at(0, "processor", "network_config", value={"subnets": ["subnet-1"], "security_group_ids": ["sg-1"]}),
     "processing[0].processor.network_config", "needs both subnets and security_group_ids", "error"),
    (RULE, processing_base, _at(0, "processor", "base_job_name", value="prep"), _none, "processing[0].processor.base_job_name", "ignored", "warning"),
    (RULE, processing_base, _at(0, "run", "job_name", value="prep-1"), _none, "processing[0].run.job_name", "named <run name>-<step name>", "warning"),
    (RULE, processing_base, _at(0, "run", "wait", value=False), _none, "processing[0].run.wait", "always waits", "warning"),
]


@pytest.mark.parametrize(("rule", "base", "bad", "good", "path", "fragment", "severity"), CASES, ids=[f"{c[4]}:{c[5][:24]}" for c in CASES])
def test_rule(tmp_path, rule, base, bad, good, path, fragment, severity) -> None:
    assert_rule_case(tmp_path, rule, base, bad, good, path, fragment, severity)


def test_the_base_is_clean(tmp_path) -> None:
    assert [i.format() for i in issues_of(processing_base(), tmp_path)] == []


def test_processing_alone_is_a_descriptor(tmp_path) -> None:
    data = processing_base()
    for key in ("estimator", "fit"):
        data.pop(key)
    data["processing"].pop(1)
    assert [i.format() for i in issues_of(data, tmp_path)] == []


def test_after_training_needs_training(tmp_path) -> None:
    data = processing_base()
    for key in ("estimator", "fit"):
        data.pop(key)
    found = [i for i in issues_of(data, tmp_path) if i.path == "processing[1].when"]
    assert found and "needs a training step" in found[0].message


@pytest.mark.parametrize(("processor", "path", "fragment"), [
    ({"type": "ScriptProcessor", "image_uri": IMAGE, "instance_type": "ml.m5.xlarge", "instance_count": 1}, "processing[0].processor.command", "required field is missing"),
    ({**SKLEARN, "instance_type": "ml.nothing"}, "processing[0].processor.instance_type", "not a value SageMaker accepts"),
    ({**SKLEARN, "type": "FrameworkProcessor", "estimator_cls": "Keras"}, "processing[0].processor.estimator_cls", "not one of the allowed values"),
    ({**SKLEARN, "type": "Spark"}, "processing[0].processor.type", "not an SDK processor class"),
    ({**SKLEARN, "max_runtime_in_seconds": 0}, "processing[0].processor.max_runtime_in_seconds", "below the minimum"),
])
def test_processor_arguments_are_the_sdk_classes(tmp_path, processor: dict[str, Any], path: str, fragment: str) -> None:
    data = processing_base()
    data["processing"][0]["processor"] = processor
    found = [i for i in issues_of(data, tmp_path) if i.path == path]
    assert found and fragment in found[0].message, [i.format() for i in issues_of(data, tmp_path)]


def test_a_bad_bucket_is_one_problem(tmp_path) -> None:
    data = processing_base()
    data["processing"][0]["run"]["inputs"][0]["source"] = "s3://10.0.0.1/raw"
    found = [i for i in issues_of(data, tmp_path) if i.path.startswith("processing[0].run.inputs[0]")]
    assert len(found) == 1 and "IP address" in found[0].message, [i.format() for i in found]


def test_a_schedules_run_input_replaces_arguments_only_of_steps_that_set_them(tmp_path: Path) -> None:
    raw = processing_base()
    raw["processing"][0]["run"]["arguments"] = ["--test-fraction", "0.2"]
    raw["schedule"] = {"expression": "rate(1 day)", "input": {"processing": {"prep": {"arguments": ["--test-fraction", "0.3"]}, "evaluate": {"arguments": ["--x"]}}}}
    found = errors(issues_of(raw, tmp_path))
    assert [i.path for i in found] == ["schedule.input.processing.evaluate"], found
    assert "only the arguments of processing steps that set run.arguments (allowed: prep" in found[0].format()
    raw["schedule"]["input"]["processing"] = {"prep": {"arguments": []}}
    assert find(errors(issues_of(raw, tmp_path)), "schedule.input.processing.prep.arguments")
