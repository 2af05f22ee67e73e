"""Differential testing: sagestack against the real SageMaker SDK on generated configurations.

Each fidelity configuration (configs.CONFIGS, so every kind with one, including kinds added
later) seeds a Hypothesis strategy that redraws SDK arguments the seed's classes take: which
changes apply is read from sagestack's section classes (``model_fields``), never from the kind's
name. For each generated configuration:

- sagestack accepts it: the SDK must accept it too and send the same requests (after
  normalize.normalize), field by field;
- sagestack refuses it: the SDK must refuse it too, or every refused field is in STRICTER;
- a difference a KNOWN entry describes (its predicate on the configuration and the request
  fields it covers) is reported, not failed: those are sagestack bugs waiting for a fix.

Only test_differential.py imports this module: running a case imports the SDK.
"""

from __future__ import annotations

import copy
import fnmatch
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from hypothesis import strategies as st

from sagestack.descriptor import validate_data
from sagestack.descriptor.deploy import Deploy
from sagestack.descriptor.fit import Fit
from sagestack.descriptor.issues import Issue
from sagestack.descriptor.kinds import ESTIMATOR_TYPES, MODEL_TYPES
from sagestack.descriptor.transform import Transform, Transformer
from sagestack.render import render_requests

from .configs import CONFIGS
from .normalize import diff, sdk_requests
from .test_fidelity import CONTEXT

HERE = Path(__file__).parent
CODE = HERE / "code"
Config = dict[str, Any]

# --- what may change ------------------------------------------------------------------------

# Instance types the SDK's image data covers for every framework (CPU and GPU), so a change of
# processor is tested, not only a change of size.
INSTANCE_TYPES = ("ml.m5.large", "ml.m5.xlarge", "ml.c5.xlarge", "ml.c5.2xlarge", "ml.p3.2xlarge", "ml.g4dn.xlarge", "ml.g5.2xlarge")
_WORD = st.text("abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=8)
_ENV_KEY = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ_", min_size=1, max_size=8)
_ENV = st.dictionaries(_ENV_KEY, st.text("abcdefghijklmnopqrstuvwxyz0123456789 ./:=-", max_size=10), max_size=3)
_TAGS = st.lists(st.fixed_dictionaries({"Key": _WORD, "Value": st.text("abcdefghijklmnopqrstuvwxyz0123456789 .:/=+-@", max_size=10)}), max_size=3, unique_by=lambda t: t["Key"])
_HYPERPARAMETER = st.one_of(
    st.integers(-5, 10**6),
    st.floats(min_value=1e-6, max_value=1e4, allow_nan=False, allow_infinity=False),
    st.booleans(),
    _WORD,
    st.lists(st.integers(1, 512), min_size=1, max_size=3),
)
_SERVERLESS = st.fixed_dictionaries({"memory_size_in_mb": st.sampled_from((1024, 2048, 3072, 4096, 5120, 6144)), "max_concurrency": st.integers(1, 200)})
# Instance-backed deploy arguments: a serverless endpoint has none of them.
_INSTANCE_DEPLOY = ("initial_instance_count", "instance_type", "accelerator_type", "volume_size", "model_data_download_timeout", "container_startup_health_check_timeout", "data_capture_config")


def _always(section: dict[str, Any]) -> bool:
    return True


def _instance_backed(section: dict[str, Any]) -> bool:
    return "variants" not in section and "serverless_inference_config" not in section


@dataclass(frozen=True)
class Change:
    """One SDK argument of one section and the values it may take."""

    section: str
    field: str
    values: st.SearchStrategy[Any]
    when: Callable[[dict[str, Any]], bool] = _always  # what else the section must (not) have

    @property
    def name(self) -> str:
        return f"{self.section}.{self.field}"


CHANGES: tuple[Change, ...] = (
    Change("estimator", "instance_type", st.sampled_from(INSTANCE_TYPES)),
    Change("estimator", "instance_count", st.integers(1, 4)),
    Change("estimator", "volume_size", st.integers(1, 512)),
    Change("estimator", "max_run", st.integers(60, 5 * 86400)),
    Change("estimator", "container_log_level", st.sampled_from((10, 20, 30, 40, 50))),
    Change("estimator", "tags", _TAGS),
    Change("estimator", "environment", _ENV),
    Change("estimator", "hyperparameters", st.dictionaries(_WORD, _HYPERPARAMETER, max_size=4)),
    Change("estimator", "max_retry_attempts", st.integers(1, 30)),
    Change("estimator", "enable_network_isolation", st.booleans()),
    Change("model", "container_log_level", st.sampled_from((10, 20, 30, 40, 50))),
    Change("model", "env", _ENV),
    Change("model", "enable_network_isolation", st.booleans()),
    Change("fit", "mini_batch_size", st.integers(1, 1000), when=lambda fit: "mini_batch_size" in fit),
    Change("deploy", "initial_instance_count", st.integers(1, 4), when=_instance_backed),
    Change("deploy", "instance_type", st.sampled_from(INSTANCE_TYPES), when=lambda d: _instance_backed(d) and "accelerator_type" not in d),
    Change("deploy", "volume_size", st.integers(1, 512), when=_instance_backed),
    Change("deploy", "model_data_download_timeout", st.integers(60, 3600), when=_instance_backed),
    Change("deploy", "container_startup_health_check_timeout", st.integers(60, 3600), when=_instance_backed),
    Change("deploy", "serverless_inference_config", _SERVERLESS, when=lambda d: "variants" not in d),
    # The driver deploys A/B variants with endpoint_from_production_variants, which it gives no tags.
    Change("deploy", "tags", _TAGS, when=lambda d: "variants" not in d),
    Change("deploy", "env", _ENV, when=lambda d: "variants" not in d),
    Change("transformer", "instance_type", st.sampled_from(INSTANCE_TYPES)),
    Change("transformer", "instance_count", st.integers(1, 4)),
    Change("transformer", "strategy", st.sampled_from(("SingleRecord", "MultiRecord"))),
    Change("transformer", "max_payload", st.integers(0, 100)),
    Change("transformer", "max_concurrent_transforms", st.integers(1, 8)),
    Change("transformer", "accept", st.sampled_from(("text/csv", "application/json", "application/jsonlines"))),
    Change("transformer", "assemble_with", st.sampled_from(("None", "Line"))),
    Change("transformer", "output_path", st.builds("s3://sagestack-data/{}/out".format, _WORD)),
    Change("transformer", "env", _ENV),
    Change("transformer", "tags", _TAGS),
    Change("transform", "content_type", st.sampled_from(("text/csv", "application/json", "application/jsonlines", "application/x-recordio-protobuf"))),
    Change("transform", "split_type", st.sampled_from(("None", "Line", "RecordIO", "TFRecord"))),
    Change("transform", "compression_type", st.sampled_from(("None", "Gzip"))),
)


def _section_class(config: Config, section: str) -> Any:
    """The sagestack class of one section of ``config``: the one whose fields are the SDK's."""
    if section == "estimator":
        return ESTIMATOR_TYPES[config["estimator"]["type"]]
    if section == "model":
        return MODEL_TYPES[config["model"]["type"]]
    return {"fit": Fit, "deploy": Deploy, "transformer": Transformer, "transform": Transform}[section]


def _scalar_type(annotation: Any) -> type | None:
    """bool, int or float when a field takes only that (or None), else None: ``model_dir`` is
    false or a string, so true is no value of it."""
    args = [a for a in (get_args(annotation) if get_origin(annotation) in (Union, UnionType) else (annotation,)) if a is not type(None)]
    args = [get_args(a)[0] if get_origin(a) is Annotated else a for a in args]
    return args[0] if len(args) == 1 and args[0] in (bool, int, float) else None


def _scalar_changes(config: Config, section: str) -> list[Change]:
    """Redraws of the seed's own numeric and boolean arguments that no Change names: the
    built-in algorithms' hyperparameters are constructor arguments of their own classes."""
    named = {c.field for c in CHANGES if c.section == section}
    fields = _section_class(config, section).model_fields
    out = []
    for key, value in config[section].items():
        kind = _scalar_type(fields[key].annotation) if key in fields and key not in named else None
        if kind is bool:
            out.append(Change(section, key, st.booleans()))
        elif kind is int and isinstance(value, int):
            out.append(Change(section, key, st.integers(1, max(2 * value, 10))))
        elif kind is float and isinstance(value, int | float) and value > 0:
            out.append(Change(section, key, st.floats(min_value=value / 10, max_value=value * 10, allow_nan=False)))
    return out


def applicable(seed: str) -> list[Change]:
    """The changes a seed configuration can take (its sections, its classes' fields)."""
    config = CONFIGS[seed]
    out = []
    for section in config:
        if not isinstance(config[section], dict) or section not in ("estimator", "model", "fit", "deploy", "transformer", "transform"):
            continue
        fields = _section_class(config, section).model_fields
        out.extend(c for c in CHANGES if c.section == section and c.field in fields and c.when(config[section]))
        out.extend(_scalar_changes(config, section))
    return out


def apply(config: Config, changes: dict[str, Any]) -> Config:
    """``config`` with each ``section.field`` set to its new value."""
    out = copy.deepcopy(config)
    for name, value in changes.items():
        section, key = name.split(".", 1)
        if key == "serverless_inference_config":
            for dropped in _INSTANCE_DEPLOY:
                out[section].pop(dropped, None)
        out[section][key] = value
    return out


@st.composite
def variations(draw: st.DrawFn, seed: str) -> tuple[Config, dict[str, Any]]:
    """A configuration derived from ``seed`` by one to four changes, and the changes."""
    picked = draw(st.lists(st.sampled_from(applicable(seed)), min_size=1, max_size=4, unique_by=lambda c: c.name))
    changes = {c.name: draw(c.values, label=c.name) for c in picked}
    return apply(CONFIGS[seed], changes), changes


# --- what is expected to differ ---------------------------------------------------------------

@dataclass(frozen=True)
class Stricter:
    """A field where sagestack refuses a value the SDK accepts, on purpose: the issue's path (an
    fnmatch pattern) and a regular expression its message matches, so other refusals of the same
    field are still checked."""

    path: str
    message: str
    reason: str

    def covers(self, issue: Issue) -> bool:
        return fnmatch.fnmatchcase(issue.path, self.path) and re.search(self.message, issue.message) is not None


STRICTER: tuple[Stricter, ...] = (
    Stricter(
        "tuner.max_jobs", "Grid search needs max_jobs",
        "a Grid search without max_jobs: the SDK sends MaxNumberOfTrainingJobs as null, which botocore refuses when the tuner is fitted",
    ),
    Stricter(
        "estimator.train_*", "both the SDK v1 spelling",
        "a v1 spelling and its v2 spelling together: the SDK silently keeps one of them, sagestack asks which was meant",
    ),
    Stricter(
        "estimator.max_wait", "max_wait must be at least max_run|max_wait applies only to managed spot training",
        "CreateTrainingJob refuses a MaxWaitTimeInSeconds below MaxRuntimeInSeconds or without spot training; the SDK sends it and the job fails to start",
    ),
    Stricter(
        "estimator.instance_count", "trains on a single instance",
        "an algorithm that trains on one instance (LDA): the SDK silently trains on 1, sagestack refuses the count it would not honour",
    ),
    Stricter(
        "estimator.instance_type", "distributed data parallel.* runs only on",
        "SageMaker distributed data parallel runs only on a few multi-GPU instance types; the SDK sends any and the job fails when it starts",
    ),
    Stricter(
        "deploy.*", "serverless endpoints take no volume or instance timeouts",
        "volume_size or the download/startup timeouts next to serverless_inference_config: the SDK leaves them out without a word, sagestack says they do not apply",
    ),
    Stricter(
        "deploy.env", r"model.deploy\(\) takes no env",
        "deploy.env with a model: section: Model.deploy() swallows env in its **kwargs, so it never reaches the container; sagestack points to model.env",
    ),
    Stricter(
        "transformer.env", r"drops env when the model is network-isolated",
        "transformer.env under network isolation through Model.transformer(): the SDK drops env without a word, sagestack says the job would run without it",
    ),
    Stricter(
        "deploy.async_inference_config", "asynchronous or serverless, not both",
        "async_inference_config next to serverless_inference_config: the SDK sends both and CreateEndpointConfig refuses them together",
    ),
    Stricter(
        "model.enable_network_isolation", "without an entry_point has no model data",
        "a network-isolated model served from a code archive (XGBoostModel, SKLearnModel) without a script: the SDK sends no ModelDataUrl at all",
    ),
    Stricter(
        "deploy.*", r"MultiDataModel.deploy\(\) takes no volume or timeouts",
        "volume_size or the download/startup timeouts on a multi-model endpoint: MultiDataModel.deploy() swallows them in its **kwargs, sagestack says they do not apply",
    ),
    Stricter(
        "deploy.*", "serverless endpoints have no instances",
        "instance arguments next to serverless_inference_config: the SDK silently deploys serverless, sagestack asks which was meant",
    ),
)


@dataclass(frozen=True)
class Known:
    """A sagestack bug found by this test: the configurations it shows in, the request fields it
    gets wrong (``Operation.Field.Path`` fnmatch patterns; ``sdk-refuses`` when the SDK raises
    where sagestack renders), and what goes wrong."""

    name: str
    applies: Callable[[Config], bool]
    fields: tuple[str, ...]
    reason: str


# None today: each difference found so far was fixed in the renderers or refused with a reason (STRICTER).
KNOWN: tuple[Known, ...] = ()


# --- one case -------------------------------------------------------------------------------

@dataclass
class Verdict:
    """What one generated configuration showed."""

    seed: str
    changes: dict[str, Any]
    outcome: str  # match | both-refuse | stricter | known | FAIL
    details: list[str] = field(default_factory=list)
    known: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.outcome != "FAIL"

    def as_json(self) -> str:
        return json.dumps({"seed": self.seed, "changes": self.changes, "outcome": self.outcome, "known": self.known, "details": self.details}, default=str)


_DIFF_PATH = re.compile(r"^(\S+?): ")


def _uncovered(config: Config, lines: list[str]) -> tuple[list[str], list[str]]:
    """The difference lines no KNOWN entry covers, and the names of the entries that covered some."""
    entries = [k for k in KNOWN if k.applies(config)]
    used: set[str] = set()
    left = []
    for line in lines:
        match = _DIFF_PATH.match(line)
        path = match.group(1) if match else line
        covering = [k for k in entries if any(fnmatch.fnmatchcase(path, pattern) for pattern in k.fields)]
        if covering:
            used.update(k.name for k in covering)
        else:
            left.append(line)
    return left, sorted(used)


def check(seed: str, config: Config, changes: dict[str, Any], calls: list[tuple[str, dict[str, Any]]], session: Any) -> Verdict:
    """Run one configuration through sagestack and the SDK (inside an open recording())."""
    result = validate_data({"name": seed, **config}, file=f"{seed}.yaml", source=CODE / "descriptor.yaml")
    try:
        sdk: dict[str, dict[str, Any]] | None = sdk_requests(config, calls, session, CODE)
        sdk_error = ""
    except Exception as exc:  # any refusal by the SDK counts: it raises ValueError, TypeError, ...
        sdk, sdk_error = None, f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
    if result.descriptor is None:
        errors = [i for i in result.issues if i.severity == "error"]
        if sdk is None:
            return Verdict(seed, changes, "both-refuse", [i.format() for i in errors] + [f"SDK: {sdk_error}"])
        unlisted = [i for i in errors if not any(s.covers(i) for s in STRICTER)]
        if not unlisted:
            return Verdict(seed, changes, "stricter", [i.format() for i in errors])
        return Verdict(seed, changes, "FAIL", ["sagestack refuses what the SDK accepts:", *(i.format() for i in unlisted)])
    if sdk is None:
        left, used = _uncovered(config, [f"sdk-refuses: {sdk_error}"])
        return Verdict(seed, changes, "known" if not left else "FAIL", left or [f"SDK: {sdk_error}"], used)
    try:
        ours = render_requests(result.descriptor, CONTEXT)
    except Exception as exc:  # a renderer crash on a validated descriptor is a failure like any other
        return Verdict(seed, changes, "FAIL", [f"sagestack's renderer raised {type(exc).__name__}: {exc}"])
    lines = [f"calls: sagestack {sorted(ours)} != SDK {sorted(sdk)}"] if sorted(ours) != sorted(sdk) else []
    lines += [f"{op}{line}" for op in ours if op in sdk for line in diff(ours[op], sdk[op])]
    if not lines:
        return Verdict(seed, changes, "match")
    left, used = _uncovered(config, lines)
    return Verdict(seed, changes, "known" if not left else "FAIL", left or lines, used)
