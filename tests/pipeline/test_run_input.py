"""The "Check run input" Lambda (constructs/sagestack/pipeline/run_input/index.py): validation of
the execution input and application of its overrides to the rendered CreateTrainingJob parts."""

from __future__ import annotations

import copy
import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[2]
_SPEC = importlib.util.spec_from_file_location(
    "run_input", REPO / "constructs/sagestack/pipeline/run_input/index.py")
assert _SPEC is not None and _SPEC.loader is not None
run_input = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(run_input)

DEFAULT_OUT = "s3://b/out/"


def _channel(name: str, uri: str) -> dict[str, Any]:
    return {"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": uri,
                                            "S3DataDistributionType": "FullyReplicated"}},
            "ChannelName": name}


def _event(run: Any = None, *, encoding: str = "json", readable: Any = "default",
           writable: Any = "default", overridable: list[str] | None = None,
           **request_parts: Any) -> dict[str, Any]:
    json_encoded = encoding == "json"
    request = {
        "HyperParameters": {
            "epochs": "10",
            "learning_rate": "0.01",
            "model_dir": json.dumps("s3://b/out/job-1/model") if json_encoded else "s3://b/out/job-1/model",
            "other": json.dumps("s3://elsewhere/x") if json_encoded else "s3://elsewhere/x",
        },
        "InputDataConfig": [_channel("train", "s3://b/mnist/train"), _channel("eval", "s3://b/mnist/eval")],
        "OutputDataConfig": {"S3OutputPath": DEFAULT_OUT, "KmsKeyId": "k"},
        "DebugHookConfig": {"S3OutputPath": DEFAULT_OUT, "CollectionConfigurations": []},
        "ProfilerConfig": {"S3OutputPath": DEFAULT_OUT, "DisableProfiler": False},
    }
    request.update(request_parts)
    return {
        "input": {} if run is None else run,
        "request": request,
        "overridable": ["epochs", "learning_rate"] if overridable is None else overridable,
        "encoding": encoding,
        "channels": ["eval", "train"],
        "output_path": DEFAULT_OUT,
        "readable": ["s3://b/mnist/train", "s3://b/mnist/eval"] if readable == "default" else readable,
        "writable": [DEFAULT_OUT] if writable == "default" else writable,
        "limits": {"hyperparameter_value_length": 2500, "s3_uri_pattern": "^(https|s3)://([^/]+)/?(.*)$",
                   "s3_uri_length": 1024},
    }


def _problems(run: Any, **kwargs: Any) -> str:
    result = run_input.check(_event(run, **kwargs))
    assert result["problems"], "expected problems"
    return result["problems"]


def _ok(run: Any, **kwargs: Any) -> dict[str, Any]:
    result = run_input.check(_event(run, **kwargs))
    assert result["problems"] == ""
    return result["request"]


# --- no overrides ---------------------------------------------------------------------------

@pytest.mark.parametrize("given", [{}, {"hyperparameters": {}, "inputs": {}}])
def test_empty_input_returns_request_unchanged(given: dict[str, Any]) -> None:
    event = _event(given)
    assert run_input.check(event) == {"problems": "", "request": event["request"]}


def test_handler_delegates_to_check() -> None:
    event = _event({"hyperparameters": {"epochs": 3}})
    assert run_input.handler(event, None) == run_input.check(event)


def test_module_docstring_documents_input_shape() -> None:
    doc = run_input.__doc__
    assert "Check run input" in doc
    for key in ('"hyperparameters"', '"inputs"', '"output_path"', '"promote_shadow"'):
        assert key in doc


# --- each rule ------------------------------------------------------------------------------

@pytest.mark.parametrize(("given", "got"), [([], "list"), ("x", "string"), (None, "null"), (3, "number")])
def test_input_not_an_object(given: Any, got: str) -> None:
    event = _event()
    event["input"] = given
    assert run_input.check(event)["problems"] == f"input: must be a JSON object (got: {got})"


def test_unknown_top_level_key_with_suggestion() -> None:
    assert _problems({"hyperparamters": {}}) == (
        "hyperparamters: unknown key (allowed: hyperparameters, inputs, output_path); "
        "did you mean hyperparameters?")


def test_unknown_top_level_key_without_suggestion() -> None:
    assert _problems({"zzz": 1}) == "zzz: unknown key (allowed: hyperparameters, inputs, output_path)"


@pytest.mark.parametrize("key", ["hyperparameters", "inputs"])
def test_section_not_an_object(key: str) -> None:
    assert _problems({key: [1]}) == f"{key}: must be an object of name -> value (got: list)"


def test_hyperparameter_not_overridable() -> None:
    problems = _problems({"hyperparameters": {"epoch": 5}})
    assert problems.startswith(
        "hyperparameters.epoch: not a hyperparameter this model sets; add it to the descriptor to "
        "make it overridable (allowed: epochs, learning_rate)")
    assert problems.endswith("did you mean epochs?")


def test_hyperparameter_when_model_sets_none() -> None:
    assert _problems({"hyperparameters": {"epochs": 5}}, overridable=[]) == (
        "hyperparameters.epochs: not a hyperparameter this model sets; add it to the descriptor to "
        "make it overridable (this model sets none)")


@pytest.mark.parametrize(("value", "got"), [([1, 2], "[1, 2]"), (None, "null"), ({"a": 1}, '{"a": 1}')])
def test_hyperparameter_value_type(value: Any, got: str) -> None:
    assert _problems({"hyperparameters": {"epochs": value}}) == (
        f"hyperparameters.epochs: must be a string, number or boolean (got: {got})")


@pytest.mark.parametrize(("encoding", "length"), [("json", 2601), ("str", 2599)])
def test_hyperparameter_too_long_once_encoded(encoding: str, length: int) -> None:
    # json adds the two quotes; str does not, so 2599 characters is over the limit either way
    assert _problems({"hyperparameters": {"epochs": "x" * 2599}}, encoding=encoding) == (
        f"hyperparameters.epochs: longer than 2500 characters once encoded (got: {length} characters)")


def test_hyperparameter_at_the_length_limit_is_fine() -> None:
    request = _ok({"hyperparameters": {"epochs": "x" * 2498}})
    assert len(request["HyperParameters"]["epochs"]) == 2500


def test_unknown_channel() -> None:
    assert _problems({"inputs": {"trian": "s3://b/mnist/train/x"}}) == (
        "inputs.trian: not a channel of this model (allowed: eval, train); did you mean train?")


@pytest.mark.parametrize(("value", "got"), [("foo", "'foo'"), (5, "5"), (None, "null"), ("s3://", "'s3://'")])
def test_channel_not_an_s3_uri(value: Any, got: str) -> None:
    assert _problems({"inputs": {"train": value}}) == (
        f"inputs.train: must be an S3 URI like s3://bucket/prefix (got: {got})")


def test_uri_too_long() -> None:
    uri = "s3://b/mnist/train/" + "a" * 1100
    problems = _problems({"inputs": {"train": uri}})
    assert problems.startswith("inputs.train: must be an S3 URI like s3://bucket/prefix")
    assert f"(got: {len(uri)} characters)" in problems


def test_output_path_not_an_s3_uri() -> None:
    assert _problems({"output_path": "/tmp/out"}) == (
        "output_path: must be an S3 URI like s3://bucket/prefix (got: '/tmp/out')")


def test_channel_outside_generated_role() -> None:
    assert _problems({"inputs": {"train": "s3://other/x"}}, readable=["s3://b/mnist/train"]) == (
        "inputs.train: the generated execution role reads only s3://b/mnist/train*; use a URI under "
        "it or set estimator.role (got: 's3://other/x')")


def test_channel_outside_generated_role_with_several_prefixes() -> None:
    problems = _problems({"inputs": {"train": "s3://other/x"}})
    assert "reads only s3://b/mnist/train*, s3://b/mnist/eval*; use a URI under one of them" in problems


def test_output_path_outside_generated_role() -> None:
    assert _problems({"output_path": "s3://other/out"}) == (
        "output_path: the generated execution role writes only s3://b/out/*; use a URI under it or "
        "set estimator.role (got: 's3://other/out')")


def test_user_role_is_not_checked() -> None:
    request = _ok({"inputs": {"train": "s3://other/x"}, "output_path": "s3://other/out"},
                  readable=None, writable=None)
    assert request["InputDataConfig"][0]["DataSource"]["S3DataSource"]["S3Uri"] == "s3://other/x"
    assert request["OutputDataConfig"]["S3OutputPath"] == "s3://other/out"


def test_uri_under_a_readable_prefix_is_fine() -> None:
    _ok({"inputs": {"eval": "s3://b/mnist/eval/2024"}, "output_path": "s3://b/out/run-7"})


def test_all_problems_reported_sorted_by_path() -> None:
    event = _event({"output_path": "nope", "zzz": 1, "inputs": {"train": "x", "bad": "s3://b/mnist/train"},
                    "hyperparameters": {"epochs": None, "learning_rate": [0]}})
    result = run_input.check(event)
    problems = result["problems"]
    fragments = ["hyperparameters.epochs: must be a string, number or boolean (got: null)",
                 "hyperparameters.learning_rate: must be a string, number or boolean (got: [0])",
                 "inputs.bad: not a channel of this model (allowed: eval, train)",
                 "inputs.train: must be an S3 URI like s3://bucket/prefix (got: 'x')",
                 "output_path: must be an S3 URI like s3://bucket/prefix (got: 'nope')",
                 "zzz: unknown key (allowed: hyperparameters, inputs, output_path)"]
    positions = [problems.index(fragment) for fragment in fragments]
    assert positions == sorted(positions) and positions[0] == 0
    assert problems == "; ".join(fragments)
    assert result["request"] == event["request"]  # unchanged when there are problems


def test_problem_count_is_capped() -> None:
    problems = _problems({f"k{i:03}": 0 for i in range(80)})
    assert problems.count("unknown key") == run_input.MAX_PROBLEMS
    assert problems.endswith("and 30 more problems")


# --- encoding -------------------------------------------------------------------------------

VALUES = [10, "x", True, False, 0.01, -3, 1e-7, "s3://b/x", ""]


@pytest.mark.parametrize("value", VALUES)
def test_json_encoding_is_json_dumps(value: Any) -> None:
    assert run_input.encode(value, "json") == json.dumps(value)
    assert _ok({"hyperparameters": {"epochs": value}})["HyperParameters"]["epochs"] == json.dumps(value)


@pytest.mark.parametrize("value", VALUES)
def test_str_encoding_is_str(value: Any) -> None:
    assert run_input.encode(value, "str") == str(value)
    request = _ok({"hyperparameters": {"epochs": value}}, encoding="str")
    assert request["HyperParameters"]["epochs"] == str(value)


def test_examples_of_both_encodings() -> None:
    assert [run_input.encode(v, "json") for v in (10, "x", True, 0.01)] == ["10", '"x"', "true", "0.01"]
    assert [run_input.encode(v, "str") for v in (10, "x", True)] == ["10", "x", "True"]


# --- applying overrides ---------------------------------------------------------------------

def test_hyperparameter_and_channel_overrides() -> None:
    event = _event({"hyperparameters": {"epochs": 20}, "inputs": {"eval": "s3://b/mnist/eval/v2"}})
    request = run_input.check(event)["request"]
    expected = copy.deepcopy(event["request"])
    expected["HyperParameters"]["epochs"] = "20"
    expected["InputDataConfig"][1]["DataSource"]["S3DataSource"]["S3Uri"] = "s3://b/mnist/eval/v2"
    assert request == expected


def test_output_path_override_moves_derived_paths() -> None:
    request = _ok({"output_path": "s3://b/out/new/p"})
    assert request["OutputDataConfig"] == {"S3OutputPath": "s3://b/out/new/p", "KmsKeyId": "k"}
    assert request["DebugHookConfig"]["S3OutputPath"] == "s3://b/out/new/p"
    assert request["ProfilerConfig"] == {"S3OutputPath": "s3://b/out/new/p", "DisableProfiler": False}
    assert request["HyperParameters"]["model_dir"] == '"s3://b/out/new/p/job-1/model"'
    assert request["HyperParameters"]["other"] == '"s3://elsewhere/x"'
    assert request["HyperParameters"]["epochs"] == "10"


def test_output_path_override_with_str_encoding_and_trailing_slash() -> None:
    request = _ok({"output_path": "s3://new/p/"}, encoding="str", writable=None)
    assert request["HyperParameters"]["model_dir"] == "s3://new/p/job-1/model"
    assert request["HyperParameters"]["other"] == "s3://elsewhere/x"


def test_output_path_override_leaves_custom_debug_path_and_disabled_profiler() -> None:
    request = _ok({"output_path": "s3://b/out/new"},
                  DebugHookConfig={"S3OutputPath": "s3://b/debug/"},
                  ProfilerConfig={"DisableProfiler": True})
    assert request["DebugHookConfig"] == {"S3OutputPath": "s3://b/debug/"}
    assert request["ProfilerConfig"] == {"DisableProfiler": True}


def test_explicit_hyperparameter_wins_over_output_path_move() -> None:
    request = _ok({"output_path": "s3://b/out/new", "hyperparameters": {"model_dir": "s3://b/out/m"}},
                  overridable=["epochs", "model_dir"])
    assert request["HyperParameters"]["model_dir"] == '"s3://b/out/m"'


def test_request_without_optional_configs() -> None:
    event = _event({"output_path": "s3://b/out/x"})
    del event["request"]["DebugHookConfig"], event["request"]["ProfilerConfig"]
    request = run_input.check(event)["request"]
    assert set(request) == {"HyperParameters", "InputDataConfig", "OutputDataConfig"}


def test_event_is_not_mutated() -> None:
    event = _event({"hyperparameters": {"epochs": 20}, "inputs": {"train": "s3://b/mnist/train/2"},
                    "output_path": "s3://b/out/new"})
    before = copy.deepcopy(event)
    result = run_input.check(event)
    assert result["problems"] == ""
    assert event == before
    assert result["request"] is not event["request"]


# --- never raises ---------------------------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12)
KEYS = st.sampled_from(["hyperparameters", "inputs", "output_path", "epochs", "train", "eval",
                        "learning_rate", "s3://b/mnist/train/x", "s3://b/out/y"])
SHAPED = st.recursive(
    JSON | KEYS,
    lambda children: st.dictionaries(KEYS | st.text(max_size=8), children, max_size=4),
    max_leaves=12)


@settings(max_examples=100, deadline=None)
@given(given_input=JSON | SHAPED, encoding=st.sampled_from(["json", "str"]))
def test_any_json_input_never_raises(given_input: Any, encoding: str) -> None:
    event = _event(encoding=encoding)
    event["input"] = given_input
    before = copy.deepcopy(event)
    result = run_input.check(event)
    assert isinstance(result, dict)
    assert isinstance(result["problems"], str)
    assert isinstance(result["request"], dict)
    assert set(result["request"]) == set(event["request"])
    if result["problems"]:
        assert result["request"] == event["request"]
    assert event == before


def test_input_shape_matches_the_definition_module() -> None:
    """The keys the Lambda accepts are the ones the pipeline documents (sagestack.pipeline.INPUT_KEYS)."""
    from sagestack.pipeline import INPUT_KEYS

    assert tuple(run_input.TOP_LEVEL) == INPUT_KEYS


TUNED_LIMITS = {"MaxNumberOfTrainingJobs": 20, "MaxParallelTrainingJobs": 3}


def test_a_tuned_models_limits_are_overridden() -> None:
    event = _event({"tuner": {"max_jobs": 50}}, ResourceLimits=dict(TUNED_LIMITS))
    result = run_input.check(event)
    assert result["problems"] == ""
    assert result["request"]["ResourceLimits"] == {"MaxNumberOfTrainingJobs": 50, "MaxParallelTrainingJobs": 3}
    assert event["request"]["ResourceLimits"] == TUNED_LIMITS  # the event is not mutated


@pytest.mark.parametrize(("tuner", "problem"), [
    ({"max_jobs": 0}, "tuner.max_jobs: must be a whole number of at least 1 (got: 0)"),
    ({"max_jobs": True}, "tuner.max_jobs: must be a whole number of at least 1 (got: true)"),
    ({"max_jobs": 2.5}, "tuner.max_jobs: must be a whole number of at least 1 (got: 2.5)"),
    ({"max_parallel_jobs": 21}, "tuner.max_parallel_jobs: more parallel jobs than jobs in all (allowed: at most max_jobs, 20; got: 21)"),
    ({"max_jobs": 2}, "tuner.max_parallel_jobs: more parallel jobs than jobs in all (allowed: at most max_jobs, 2; got: 3)"),
    ({"strategy": "Random"}, "tuner.strategy: unknown key (allowed: max_jobs, max_parallel_jobs)"),
    ([5], "tuner: must be an object of max_jobs and max_parallel_jobs (got: list)"),
])
def test_bad_tuner_input_is_refused_with_its_reason(tuner: Any, problem: str) -> None:
    result = run_input.check(_event({"tuner": tuner}, ResourceLimits=dict(TUNED_LIMITS)))
    assert result["problems"] == problem
    assert result["request"]["ResourceLimits"] == TUNED_LIMITS


def test_a_tuner_input_for_a_model_without_a_tuner_is_refused() -> None:
    result = run_input.check(_event({"tuner": {"max_jobs": 5}}))
    assert result["problems"].startswith("tuner: this model has no tuner")


# --- processing steps' arguments ------------------------------------------------------------

ARGUMENTS_CONTRACT = {"steps": {"preprocess": "preprocess", "split-data": "split_data"}, "max_arguments": 100, "argument_length": 256, "argument_pattern": ".*"}
ARGUMENTS = {"preprocess": ["--test-fraction", "0.2"], "split_data": ["--seed", "1"]}


def _processing_event(run: Any) -> dict[str, Any]:
    event = _event(run, ProcessingArguments=copy.deepcopy(ARGUMENTS))
    event["processing"] = ARGUMENTS_CONTRACT
    return event


def test_a_steps_arguments_are_replaced_for_the_run() -> None:
    event = _processing_event({"processing": {"split-data": {"arguments": ["--seed", "7", "--fraction", "0.5"]}}})
    result = run_input.check(event)
    assert result["problems"] == ""
    assert result["request"]["ProcessingArguments"] == {"preprocess": ["--test-fraction", "0.2"], "split_data": ["--seed", "7", "--fraction", "0.5"]}
    assert event["request"]["ProcessingArguments"] == ARGUMENTS  # the event is not mutated


@pytest.mark.parametrize(("processing", "problem"), [
    ({"prepocess": {"arguments": ["a"]}}, "processing.prepocess: not a processing step with arguments; add run.arguments to the step to make them replaceable (allowed: preprocess, split-data); did you mean preprocess?"),
    ({"preprocess": ["a"]}, "processing.preprocess: must be an object with arguments (got: list)"),
    ({"preprocess": {"args": ["a"]}}, "processing.preprocess.args: unknown key (allowed: arguments)"),
    ({"preprocess": {"arguments": []}}, "processing.preprocess.arguments: must be a list of 1 to 100 strings (got: 0 items)"),
    ({"preprocess": {"arguments": "--a"}}, "processing.preprocess.arguments: must be a list of 1 to 100 strings (got: string)"),
    ({"preprocess": {"arguments": ["x"] * 101}}, "processing.preprocess.arguments: must be a list of 1 to 100 strings (got: 101 items)"),
    ({"preprocess": {"arguments": ["--seed", 7]}}, "processing.preprocess.arguments[1]: must be a string, as the container receives it (got: 7)"),
    ({"preprocess": {"arguments": ["x" * 257]}}, "processing.preprocess.arguments[0]: at most 256 characters (got: 257 characters)"),
    ({"preprocess": {"arguments": ["a\nb"]}}, "processing.preprocess.arguments[0]: must match .*, one line (got: 'a\\nb')"),
    ("x", "processing: must be an object of step name -> {arguments: [...]} (got: string)"),
])
def test_bad_processing_input_is_refused_with_its_reason(processing: Any, problem: str) -> None:
    result = run_input.check(_processing_event({"processing": processing}))
    assert result["problems"] == problem
    assert result["request"]["ProcessingArguments"] == ARGUMENTS


def test_processing_input_for_a_model_without_arguments_is_refused() -> None:
    result = run_input.check(_event({"processing": {"preprocess": {"arguments": ["a"]}}}))
    assert result["problems"].startswith("processing: no processing step of this model has arguments")
    assert "processing" not in _problems({"zzz": 1})  # not offered where it cannot apply
    assert "processing" in run_input.check(_processing_event({"zzz": 1}))["problems"]


# --- promote_shadow (a pipeline whose endpoint has a shadow variant) -------------------------

def _shadow_event(run: Any) -> dict[str, Any]:
    event = _event(run)
    event["shadow"] = True
    return event


@pytest.mark.parametrize("value", [True, False])
def test_promote_shadow_is_accepted_and_changes_no_request(value: bool) -> None:
    event = _shadow_event({"promote_shadow": value})
    result = run_input.check(event)
    assert result["problems"] == ""
    assert result["request"] == event["request"]  # the promotion branch reads promote_shadow from the input itself


@pytest.mark.parametrize(("run", "problem"), [
    ({"promote_shadow": "yes"}, "promote_shadow: must be true or false (got: 'yes')"),
    ({"promote_shadow": 1}, "promote_shadow: must be true or false (got: 1)"),
    ({"promote_shadow": True, "hyperparameters": {"epochs": 3}, "output_path": "s3://b/out/x"},
     'hyperparameters: a promotion run trains nothing; start it with {"promote_shadow": true} alone; '
     'output_path: a promotion run trains nothing; start it with {"promote_shadow": true} alone'),
    ({"promote_shadw": True}, "promote_shadw: unknown key (allowed: hyperparameters, inputs, output_path, promote_shadow); did you mean promote_shadow?"),
])
def test_bad_promote_shadow_input_is_refused_with_its_reason(run: Any, problem: str) -> None:
    assert run_input.check(_shadow_event(run))["problems"] == problem


def test_promote_shadow_for_a_model_without_a_shadow_is_refused() -> None:
    assert run_input.check(_event({"promote_shadow": True}))["problems"] == "promote_shadow: this model's endpoint has no shadow variant (deploy.shadow_variant) to promote"
    assert "promote_shadow" not in _problems({"zzz": 1})  # not offered where it cannot apply
    assert "promote_shadow" in run_input.check(_shadow_event({"zzz": 1}))["problems"]


# --- the output location (add_model) --------------------------------------------------------

def test_the_output_location_is_answered_only_when_asked() -> None:
    assert "output" not in run_input.check(_event({"output_path": "s3://b/out/exp/"}))
    event = {**_event({"output_path": "s3://b/out/exp 1/"}), "locate_output": True}
    assert run_input.check(event)["output"] == {"bucket": "b", "copy_source": "b/out/exp%201/"}  # the override's, URL-encoded


@pytest.mark.parametrize(("path", "copy_source"), [("s3://b/", "b/"), ("s3://b", "b/"), ("s3://b/a/b", "b/a/b/"), ("s3://b/a+b/", "b/a%2Bb/")])
def test_the_copy_source_prefix_joins_as_sagemaker_writes(path: str, copy_source: str) -> None:
    """SageMaker writes <S3OutputPath>/<job>/output/model.tar.gz: one / after the prefix."""
    assert run_input.output_location(path)["copy_source"] == copy_source


def test_bad_input_still_answers_the_output_location() -> None:
    """The state machine's ResultSelector names it: without it the run would fail as
    RunInputCheckFailed instead of InvalidInput with the problems."""
    result = run_input.check({**_event({"hyperparameters": {"epoch": 3}}), "locate_output": True})
    assert result["problems"] and result["output"] == {"bucket": "b", "copy_source": "b/out/"}
