"""The training pipeline's "Check run input" step: validate the execution input and apply it.

A training state machine renders a SageMaker CreateTrainingJob request from its descriptor. The
execution input may override a few values of that request::

    {
      "hyperparameters": {"epochs": 20},          # hyperparameters the descriptor sets
      "inputs": {"train": "s3://bucket/prefix"},  # channel name -> S3 URI of its data
      "output_path": "s3://bucket/prefix",        # where the model artifacts go
      "tuner": {"max_jobs": 50, "max_parallel_jobs": 5},  # a tuned model's training jobs
      "processing": {"preprocess": {"arguments": ["--test-fraction", "0.3"]}},  # a step's arguments
      "promote_shadow": true                      # promote the shadow variant's model, train nothing
    }

Every key is optional; ``{}`` (or a missing key) means "the descriptor's values". Hyperparameter
values are strings, numbers or booleans; they are encoded as the SageMaker Python SDK encodes them
for this estimator (``json.dumps`` for the TensorFlow/MXNet framework estimators, ``str`` for the
built-in algorithms and the generic Estimator).

The state machine invokes this Lambda with::

    {"input": <execution input>, "request": {HyperParameters, InputDataConfig, OutputDataConfig,
     [DebugHookConfig], [ProfilerConfig], [ResourceLimits]}, "overridable": [...],
     "encoding": "json" | "str", "channels": [...], "output_path": "s3://...",
     "readable": [...] | null, "writable": [...] | null, "limits": {...}}

(``ResourceLimits``, the tuning job's, only for a model with a tuner; with processing steps that
have arguments, ``request`` also holds ``ProcessingArguments`` (step key -> arguments) and the
event ``"processing": {"steps": {name: key}, "max_arguments", "argument_length", "argument_pattern"}``;
with a shadow variant, the event has ``"shadow": true`` and ``promote_shadow`` is a key of the input:
a promotion run trains nothing, so it takes no other key.)

and gets back ``{"problems": str, "request": {...}}`` (plus ``"output": {"bucket", "copy_source"}``
when the event has ``"locate_output": true``: a run that copies its model archive, add_model).
``problems`` is empty when the input is valid, and ``request`` then carries the overrides; otherwise ``problems`` lists every problem
(sorted by path, joined by "; ") and ``request`` is returned unchanged, and the state machine fails
with that text. Bad user input never raises.

Standard library only: this file is deployed as is (Python 3.14 runtime).
"""

from __future__ import annotations

import copy
import difflib
import json
import re
from typing import Any

TOP_LEVEL = ("hyperparameters", "inputs", "output_path", "tuner", "processing", "promote_shadow")
TUNER_KEYS = {"max_jobs": "MaxNumberOfTrainingJobs", "max_parallel_jobs": "MaxParallelTrainingJobs"}
MAX_PROBLEMS = 50  # keeps the Fail state's cause readable (and within its size limit)
SHOW_LENGTH = 120  # characters of a shown value or key before it is cut


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The Lambda entry point."""
    return check(event)


def check(event: dict[str, Any]) -> dict[str, Any]:
    """Validate ``event["input"]``; return ``{"problems": str, "request": dict}`` (never raises
    for bad input; the event itself is not mutated)."""
    request = copy.deepcopy(event["request"])
    problems = input_problems(event)
    answer: dict[str, Any] = {"problems": join_problems(problems), "request": request} if problems else {"problems": "", "request": apply_overrides(event, request)}
    if event.get("locate_output"):  # also with problems: the state machine's ResultSelector names it
        answer["output"] = output_location(answer["request"]["OutputDataConfig"]["S3OutputPath"])
    return answer


def output_location(s3_output_path: str) -> dict[str, str]:
    """Where the run's training jobs write, as S3 CopyObject names a source: ``copy_source`` is
    ``<bucket>/<key prefix>`` URL-encoded, so that ``copy_source + <training job name> +
    "/output/model.tar.gz"`` is the CopySource of the job's model archive (SageMaker writes it to
    ``<S3OutputPath>/<job name>/output/model.tar.gz``). States Language cannot cut ``s3://`` off
    the job's S3ModelArtifacts, so the run reads the source from here."""
    from urllib.parse import quote

    bucket, _, prefix = s3_output_path.removeprefix("s3://").partition("/")
    prefix = prefix.strip("/")
    return {"bucket": bucket, "copy_source": quote(f"{bucket}/{prefix + '/' if prefix else ''}", safe="/")}


def encode(value: Any, encoding: str) -> str:
    """Encode a hyperparameter value as the SageMaker Python SDK does for this estimator."""
    if encoding == "json":
        return json.dumps(value)
    return str(value)


def decode(text: str, encoding: str) -> Any:
    """Inverse of :func:`encode` for strings (a value that is not JSON decodes to itself)."""
    if encoding == "json":
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


def join_problems(problems: list[tuple[str, str]]) -> str:
    """``(path, message)`` pairs -> one text, sorted by path (stable for equal paths)."""
    ordered = [message for _, message in sorted(problems, key=lambda p: p[0])]
    if len(ordered) > MAX_PROBLEMS:
        rest = len(ordered) - MAX_PROBLEMS
        ordered = ordered[:MAX_PROBLEMS] + [f"and {rest} more problem{'s' if rest > 1 else ''}"]
    return "; ".join(ordered)


def input_problems(event: dict[str, Any]) -> list[tuple[str, str]]:
    """Every problem of ``event["input"]`` as ``(path, message)`` pairs, unsorted."""
    given = event.get("input")
    if not isinstance(given, dict):
        return [("input", f"input: must be a JSON object (got: {type_name(given)})")]
    problems: list[tuple[str, str]] = []
    # "tuner" is a key of tuned models only (their request carries the tuning job's limits),
    # "processing" of models whose processing steps have arguments
    # "promote_shadow" of models whose endpoint has a shadow variant
    available = [
        k for k in TOP_LEVEL
        if (k != "tuner" or "ResourceLimits" in event["request"]) and (k != "processing" or event.get("processing")) and (k != "promote_shadow" or event.get("shadow"))
    ]
    for key in given:
        if key not in TOP_LEVEL:
            path = show_key(key)
            problems.append((path, f"{path}: unknown key (allowed: {', '.join(available)})"
                                   f"{did_you_mean(key, available)}"))
    if "hyperparameters" in given:
        problems += _hyperparameter_problems(given["hyperparameters"], event)
    if "inputs" in given:
        problems += _input_problems(given["inputs"], event)
    if "output_path" in given:
        problems += _uri_problems("output_path", given["output_path"], event,
                                  event.get("writable"), "writes")
    if "tuner" in given:
        problems += _tuner_problems(given["tuner"], event)
    if "processing" in given:
        problems += _processing_problems(given["processing"], event)
    if "promote_shadow" in given:
        problems += _promotion_problems(given, event)
    return problems


def _promotion_problems(given: dict[str, Any], event: dict[str, Any]) -> list[tuple[str, str]]:
    value = given["promote_shadow"]
    if not event.get("shadow"):
        return [("promote_shadow", "promote_shadow: this model's endpoint has no shadow variant (deploy.shadow_variant) to promote")]
    if not isinstance(value, bool):
        return [("promote_shadow", f"promote_shadow: must be true or false (got: {show(value)})")]
    if not value:
        return []
    return [(show_key(key), f"{show_key(key)}: a promotion run trains nothing; start it with {{\"promote_shadow\": true}} alone") for key in given if key != "promote_shadow" and key in TOP_LEVEL]


def _processing_problems(given: Any, event: dict[str, Any]) -> list[tuple[str, str]]:
    contract = event.get("processing")
    if not contract:
        return [("processing", "processing: no processing step of this model has arguments (a run input may replace the arguments a step's run.arguments sets)")]
    if not isinstance(given, dict):
        return [("processing", f"processing: must be an object of step name -> {{arguments: [...]}} (got: {type_name(given)})")]
    steps = list(contract["steps"])
    problems: list[tuple[str, str]] = []
    for name, value in given.items():
        path = f"processing.{show_key(name)}"
        if name not in steps:
            problems.append((path, f"{path}: not a processing step with arguments; add run.arguments to the step to make them replaceable (allowed: {', '.join(steps)}){did_you_mean(name, steps)}"))
            continue
        if not isinstance(value, dict):
            problems.append((path, f"{path}: must be an object with arguments (got: {type_name(value)})"))
            continue
        for key in value:
            if key != "arguments":
                problems.append((f"{path}.{show_key(key)}", f"{path}.{show_key(key)}: unknown key (allowed: arguments)"))
        if "arguments" in value:
            problems += _arguments_problems(f"{path}.arguments", value["arguments"], contract)
    return problems


def _arguments_problems(path: str, value: Any, contract: dict[str, Any]) -> list[tuple[str, str]]:
    most, length = contract["max_arguments"], contract["argument_length"]
    if not isinstance(value, list) or not value or len(value) > most:
        got = f"{len(value)} items" if isinstance(value, list) else type_name(value)
        return [(path, f"{path}: must be a list of 1 to {most} strings (got: {got})")]
    problems: list[tuple[str, str]] = []
    for index, item in enumerate(value):
        where = f"{path}[{index}]"
        if not isinstance(item, str):
            problems.append((where, f"{where}: must be a string, as the container receives it (got: {show(item)})"))
        elif len(item) > length:
            problems.append((where, f"{where}: at most {length} characters (got: {len(item)} characters)"))
        elif not re.fullmatch(contract["argument_pattern"], item):
            problems.append((where, f"{where}: must match {contract['argument_pattern']}, one line (got: {show(item)})"))
    return problems


def _tuner_problems(given: Any, event: dict[str, Any]) -> list[tuple[str, str]]:
    limits = event["request"].get("ResourceLimits")
    if limits is None:
        return [("tuner", "tuner: this model has no tuner (a run input may change a tuned model's max_jobs and max_parallel_jobs)")]
    if not isinstance(given, dict):
        return [("tuner", f"tuner: must be an object of max_jobs and max_parallel_jobs (got: {type_name(given)})")]
    problems: list[tuple[str, str]] = []
    for key, value in given.items():
        path = f"tuner.{show_key(key)}"
        if key not in TUNER_KEYS:
            problems.append((path, f"{path}: unknown key (allowed: {', '.join(TUNER_KEYS)}){did_you_mean(key, TUNER_KEYS)}"))
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            problems.append((path, f"{path}: must be a whole number of at least 1 (got: {show(value)})"))
    if problems:
        return problems
    jobs = given.get("max_jobs", limits.get("MaxNumberOfTrainingJobs"))
    parallel = given.get("max_parallel_jobs", limits["MaxParallelTrainingJobs"])
    if jobs is not None and parallel > jobs:
        return [("tuner.max_parallel_jobs", f"tuner.max_parallel_jobs: more parallel jobs than jobs in all (allowed: at most max_jobs, {jobs}; got: {parallel})")]
    return []


def _hyperparameter_problems(given: Any, event: dict[str, Any]) -> list[tuple[str, str]]:
    if not isinstance(given, dict):
        return [("hyperparameters", "hyperparameters: must be an object of name -> value "
                                    f"(got: {type_name(given)})")]
    overridable = list(event.get("overridable") or [])
    limit = event["limits"]["hyperparameter_value_length"]
    problems: list[tuple[str, str]] = []
    for key, value in given.items():
        path = f"hyperparameters.{show_key(key)}"
        if key not in overridable:
            allowed = f"allowed: {', '.join(overridable)}" if overridable else "this model sets none"
            problems.append((path, f"{path}: not a hyperparameter this model sets; add it to the "
                                   f"descriptor to make it overridable ({allowed})"
                                   f"{did_you_mean(key, overridable)}"))
        if not isinstance(value, (str, int, float, bool)):
            problems.append((path, f"{path}: must be a string, number or boolean "
                                   f"(got: {show(value)})"))
            continue
        try:
            length = len(encode(value, event["encoding"]))
        except ValueError:  # an integer beyond Python's int-to-str digit limit
            length = None
        if length is None or length > limit:
            got = "an integer too long to encode" if length is None else f"{length} characters"
            problems.append((path, f"{path}: longer than {limit} characters once encoded "
                                   f"(got: {got})"))
    return problems


def _input_problems(given: Any, event: dict[str, Any]) -> list[tuple[str, str]]:
    if not isinstance(given, dict):
        return [("inputs", f"inputs: must be an object of name -> value (got: {type_name(given)})")]
    channels = list(event.get("channels") or [])
    problems: list[tuple[str, str]] = []
    for key, value in given.items():
        path = f"inputs.{show_key(key)}"
        if key not in channels:
            allowed = f"allowed: {', '.join(channels)}" if channels else "this model has none"
            problems.append((path, f"{path}: not a channel of this model ({allowed})"
                                   f"{did_you_mean(key, channels)}"))
        problems += _uri_problems(path, value, event, event.get("readable"), "reads")
    return problems


def _uri_problems(path: str, value: Any, event: dict[str, Any], prefixes: list[str] | None,
                  verb: str) -> list[tuple[str, str]]:
    """An S3 URI's shape, length and (when ``prefixes`` is not None) reach of the generated role."""
    limits = event["limits"]
    what = "must be an S3 URI like s3://bucket/prefix"
    if not isinstance(value, str) or not re.fullmatch(limits["s3_uri_pattern"], value):
        return [(path, f"{path}: {what} (got: {show(value)})")]
    if len(value) > limits["s3_uri_length"]:
        return [(path, f"{path}: {what}, at most {limits['s3_uri_length']} characters "
                       f"(got: {len(value)} characters)")]
    if prefixes is None or any(value.startswith(prefix) for prefix in prefixes):
        return []
    if not prefixes:
        reach = f"{verb} no S3 location; set estimator.role"
    else:
        where = "it" if len(prefixes) == 1 else "one of them"
        reach = (f"{verb} only {', '.join(p + '*' for p in prefixes)}; use a URI under {where} "
                 "or set estimator.role")
    return [(path, f"{path}: the generated execution role {reach} (got: {show(value)})")]


def apply_overrides(event: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
    """Apply a valid ``event["input"]`` to ``request`` (modified in place and returned).

    The output path goes first, so that hyperparameters derived from it (``model_dir``, legacy
    ``checkpoint_path``) move with it unless the input sets them explicitly."""
    given = event["input"]
    encoding = event["encoding"]
    if "output_path" in given:
        move_output_path(request, event["output_path"], given["output_path"], encoding)
    hyperparameters = request.setdefault("HyperParameters", {})
    for key, value in given.get("hyperparameters", {}).items():
        hyperparameters[key] = encode(value, encoding)
    for name, uri in given.get("inputs", {}).items():
        for channel in request.get("InputDataConfig", []):
            if channel.get("ChannelName") == name:
                channel["DataSource"]["S3DataSource"]["S3Uri"] = uri
    for key, value in given.get("tuner", {}).items():
        request["ResourceLimits"][TUNER_KEYS[key]] = value
    for name, value in given.get("processing", {}).items():
        if "arguments" in value:
            request["ProcessingArguments"][event["processing"]["steps"][name]] = list(value["arguments"])
    return request


def move_output_path(request: dict[str, Any], default: str, new: str, encoding: str) -> None:
    """Point ``request`` at ``new`` instead of ``default``: OutputDataConfig always, the debugger
    and profiler paths when they are the default, and hyperparameters under the default."""
    request["OutputDataConfig"]["S3OutputPath"] = new
    for key in ("DebugHookConfig", "ProfilerConfig"):
        config = request.get(key)
        if isinstance(config, dict) and "S3OutputPath" in config and \
                config["S3OutputPath"].rstrip("/") == default.rstrip("/"):
            config["S3OutputPath"] = new
    old_prefix, new_prefix = default.rstrip("/") + "/", new.rstrip("/") + "/"
    hyperparameters = request.get("HyperParameters") or {}
    for key, text in hyperparameters.items():
        value = decode(text, encoding)
        if isinstance(value, str) and value.startswith(old_prefix):
            hyperparameters[key] = encode(new_prefix + value[len(old_prefix):], encoding)


def did_you_mean(word: Any, choices: Any) -> str:
    """``"; did you mean X?"`` for a close match of ``word`` among ``choices``, else ``""``."""
    if not isinstance(word, str):
        return ""
    matches = difflib.get_close_matches(word, list(choices), n=1)
    return f"; did you mean {matches[0]}?" if matches else ""


def type_name(value: Any) -> str:
    """The JSON type of ``value``, as a user would name it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def show(value: Any) -> str:
    """A short, readable rendering of a user value: strings as Python literals, others as JSON."""
    if isinstance(value, str):
        text = repr(value)
    else:
        try:
            text = json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError):
            text = repr(value)
    return _cut(text)


def show_key(key: Any) -> str:
    """An object key as it appears in a problem's path."""
    return _cut(str(key))


def _cut(text: str) -> str:
    return text if len(text) <= SHOW_LENGTH else text[:SHOW_LENGTH - 3] + "..."
