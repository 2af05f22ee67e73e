"""Static values of a notebook's expressions, and the SDK objects its calls create.

Nothing is executed. An expression resolves when it is made of literals, names assigned such
values earlier, f-strings, ``"...".format(...)``, ``%`` formatting, ``+`` and arithmetic,
``os.path.join``, ``sagemaker.s3.s3_path_join``, ``str``/``int``/``float``/``dict``, and dicts,
lists and tuples of those. ``sagemaker.Session()``, its ``default_bucket()`` and region, and
``get_execution_role()`` resolve to markers (sagestack provides the bucket and the roles). Every
other expression is :class:`Unresolved`, carrying its text, cell and line, never a guess.

SDK classes are recognized by what the notebook imported: a name or attribute that leads back
to a ``sagemaker`` module, whose class name is an estimator or model class of the kind registry,
or one of the helper classes the descriptor language mirrors.
"""

from __future__ import annotations

import ast
import itertools
import os
import posixpath
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..descriptor.kinds import KINDS, Kind

__all__ = ["Where", "Unresolved", "Located", "Marker", "SdkObject", "SdkClass", "TrainedModel", "StepRef", "Upload", "Notebook", "BUCKET", "ROLE", "SESSION", "REGION", "sdk_role", "processing_runs"]


@dataclass(frozen=True)
class Where:
    """An expression's place: notebook cell, line in the cell, and its source text."""

    cell: int
    line: int
    text: str

    def describe(self) -> str:
        return f"cell {self.cell}, line {self.line}"


@dataclass(frozen=True)
class Unresolved:
    """A value the importer cannot know without running the notebook."""

    where: Where
    reason: str
    reason_class: str = "unresolved-value"
    #: Where the value was first unknown, when it is a name's (the same unknown value wherever the name is used).
    origin: Where | None = field(default=None, compare=False)

    @property
    def identity(self) -> Where:
        """The same for every use of one unknown value (an output's destination read again)."""
        return self.origin or self.where


@dataclass(frozen=True)
class Marker:
    """Something sagestack provides itself: the session, its region, the execution role."""

    name: str

    def __repr__(self) -> str:
        return f"<{self.name}>"


class Located(str):
    """A resolved string in the notebook's default bucket, with the expression it came from
    (so its placeholder comment names that expression, not the call it is passed to)."""

    where: Where

    def __new__(cls, value: str, where: Where) -> Located:
        self = super().__new__(cls, value)
        self.where = where
        return self


SESSION = Marker("sagemaker session")
REGION = Marker("region")
ROLE = Marker("execution role")
#: The notebook's default bucket inside a resolved string (``f"s3://{bucket}/data"``).
BUCKET = "\x00default-bucket\x00"


#: The most items a ``for`` over known values is run item by item for.
_UNROLLED_MAX = 100
_JOB_ROLES = frozenset({"estimator", "model", "processor", "tuner", "transformer_class", "uncovered"})
_JOB_METHODS = frozenset({"fit", "deploy", "run", "transformer", "transform", "register", "set_hyperparameters"})


@dataclass
class _Loop:
    """A ``for`` run item by item: the branch depth it runs at, and whether a ``break`` or
    ``continue`` was met in a branch the importer cannot decide."""

    level: int
    uncertain: bool = False


class _LoopExit(Exception):
    def __init__(self, is_break: bool) -> None:
        super().__init__("break" if is_break else "continue")
        self.is_break = is_break


# Every SDK object and call is numbered as the notebook reaches it: a processor's run before or
# after an estimator's fit is a processing step before or after training.
_ORDER = itertools.count()


@dataclass(eq=False)
class SdkObject:
    """An SDK object the notebook created: its class, role and arguments; estimators and models
    collect the calls made on them (fit, deploy, transformer, set_hyperparameters), processors
    their runs (under "run:<n>")."""

    sdk: str  # dotted name as imported, e.g. sagemaker.tensorflow.TensorFlow
    role: str  # estimator, model, training_input, record_set, record_set_upload, serverless, data_capture, async, retrieve, transformer, predictor, tuner, best_estimator, parameter_range, processor, processing_run, processing_input, processing_output, network_config, uncovered
    where: Where
    args: list[tuple[str, Any, Where]] = field(default_factory=list)  # keyword name (or "#<n>" positional), value, place
    kind: Kind | None = None
    var: str | None = None
    calls: dict[str, SdkObject] = field(default_factory=dict)  # fit, deploy, transformer, transform, set_hyperparameters; an estimator's tuners under "tuner:<n>"
    parent: SdkObject | None = None
    extra_calls: list[tuple[str, Where]] = field(default_factory=list)  # calls later called again, or uncovered methods
    order: int = field(default_factory=lambda: next(_ORDER))

    @property
    def name(self) -> str:
        return self.sdk.rsplit(".", 1)[-1]

    @property
    def runs(self) -> list[SdkObject]:
        """A processor's runs, in the notebook's order."""
        return [call for key, call in self.calls.items() if key.startswith("run:")]


@dataclass(frozen=True)
class SdkClass:
    """An SDK estimator class named, not called (``FrameworkProcessor(estimator_cls=SKLearn)``)."""

    sdk: str

    @property
    def name(self) -> str:
        return self.sdk.rsplit(".", 1)[-1]


@dataclass(frozen=True)
class TrainedModel:
    """``estimator.model_data`` (``tuner.best_estimator().model_data``): the model artifact the
    training job of ``owner`` (the estimator, or the tuner) writes, known once it has run."""

    owner: SdkObject
    where: Where


@dataclass(frozen=True)
class StepRef:
    """The S3 prefix a processor's run writes one of its outputs to (``prep.latest_job.outputs[0].destination``)."""

    run: SdkObject
    output: str
    where: Where


@dataclass(frozen=True)
class _ProcessingJob:
    """``processor.latest_job`` / ``processor.jobs[n]``: the job one run started."""

    run: SdkObject


@dataclass(frozen=True)
class _JobDescription:
    """``job.describe()`` of a processing job the notebook runs, read down to its outputs
    (``["ProcessingOutputConfig"]["Outputs"]``): each output's name, and its S3 URI as a reference."""

    run: SdkObject
    keys: tuple[str, ...] = ()
    output: str | None = None  # the output this part describes, under ["Outputs"][n]

    def item(self, key: Any, where: Where) -> Any:
        path = (*self.keys, key)
        if self.output is None and path == ("ProcessingOutputConfig",):
            return _JobDescription(self.run, path)
        if self.output is None and path == ("ProcessingOutputConfig", "Outputs"):
            return [_JobDescription(self.run, (), output.name) for output in _job_outputs(self.run)]
        if self.output is not None and path == ("OutputName",):
            return self.output
        if self.output is not None and path == ("S3Output",):
            return _JobDescription(self.run, path, self.output)
        if self.output is not None and path == ("S3Output", "S3Uri"):
            return StepRef(self.run, self.output, where)
        raise _Cannot(f"[{key!r}] of the description of the job {_runner(self.run)} runs (known once it has run)", "job-output")


@dataclass(frozen=True)
class _JobOutput:
    """One of ``job.outputs``: a ProcessingOutput as the SDK normalizes it (named, with its destination)."""

    run: SdkObject
    name: str
    output: SdkObject


@dataclass(frozen=True)
class Upload:
    """Local data the notebook uploads (``session.upload_data``, ``S3Uploader.upload``): the S3 URI
    the SDK returns for it, and how that was told."""

    uri: str
    local_path: str
    where: Where
    how: str  # "a file" / "a directory", and why


# SDK names other than the kinds' classes, by their last component.
_HELPERS = {
    "TrainingInput": "training_input",
    "s3_input": "training_input",
    "RecordSet": "record_set",
    "ServerlessInferenceConfig": "serverless",
    "DataCaptureConfig": "data_capture",
    "AsyncInferenceConfig": "async",
    "HyperparameterTuner": "tuner",
    "ContinuousParameter": "parameter_range",
    "IntegerParameter": "parameter_range",
    "CategoricalParameter": "parameter_range",
    "StrategyConfig": "strategy_config",
    "HyperbandStrategyConfig": "hyperband_strategy_config",
    "Transformer": "transformer_class",
    "DebuggerHookConfig": "debugger_hook_config",
    "CollectionConfig": "collection_config",
    "ProcessingInput": "processing_input",
    "ProcessingOutput": "processing_output",
    "NetworkConfig": "network_config",
}
_RETRIEVE = {"sagemaker.image_uris.retrieve", "sagemaker.amazon.amazon_estimator.get_image_uri", "sagemaker.amazon.amazon_estimator.image_uris.retrieve"}


def _kind_classes() -> tuple[dict[str, Kind], dict[str, Kind]]:
    estimators = {k.estimator_sdk.rsplit(".", 1)[-1]: k for k in KINDS if k.estimator_sdk}
    models = {k.model_sdk.rsplit(".", 1)[-1]: k for k in KINDS if k.model_sdk}
    return estimators, models


_ESTIMATORS, _MODELS = _kind_classes()


def sdk_role(dotted: str) -> tuple[str, Kind | None]:
    """What a call of the SDK name ``dotted`` creates, and its kind for estimators and models."""
    last = dotted.rsplit(".", 1)[-1]
    if dotted in _RETRIEVE or dotted.endswith("image_uris.retrieve"):
        return "retrieve", None
    if last in _ESTIMATORS:
        return "estimator", _ESTIMATORS[last]
    if last in _MODELS:
        return "model", _MODELS[last]
    if last in _HELPERS:
        return _HELPERS[last], None
    if last.endswith("Processor"):
        return "processor", None
    return "uncovered", None


class _Cannot(Exception):
    def __init__(self, reason: str, reason_class: str = "unresolved-value", origin: Where | None = None) -> None:
        super().__init__(reason)
        self.reason, self.reason_class, self.origin = reason, reason_class, origin


def _short(text: str, limit: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _s3_path_join(*parts: str | None, with_end_slash: bool = False) -> str:
    """sagemaker.s3.s3_path_join as the SDK computes it: the non-empty parts joined by one slash,
    repeated slashes collapsed (an s3:// scheme kept), no slash at either end."""
    merged = ""
    for index, part in enumerate(p for p in parts if p):
        merged += part if index == 0 or merged.endswith("/") or part.startswith("/") else "/" + part
    if with_end_slash and merged and not merged.endswith("/"):
        merged += "/"
    head, body = ("s3://", merged[5:]) if merged.startswith("s3://") else ("", merged)
    collapsed = head + "".join(c for i, c in enumerate(body) if not (c == "/" and (body[i - 1] == "/" if i else head.endswith("/"))))
    collapsed = collapsed.lstrip("/")
    return collapsed.rstrip("/") if not with_end_slash and collapsed != "s3://" else collapsed


_PURE_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "os.path.join": os.path.join,
    "posixpath.join": posixpath.join,
    "sagemaker.s3.s3_path_join": _s3_path_join,
    "sagemaker.s3_utils.s3_path_join": _s3_path_join,
}
_BUILTINS: dict[str, Callable[..., Any]] = {"str": str, "int": int, "float": float, "bool": bool, "dict": dict, "list": list, "tuple": tuple, "len": len, "round": round}
_STR_METHODS = frozenset({"format", "join", "lower", "upper", "strip", "lstrip", "rstrip", "replace", "split", "rsplit"})
_SESSION_CLASSES = frozenset({"sagemaker.Session", "sagemaker.session.Session", "sagemaker.LocalSession", "sagemaker.local.LocalSession"})
_ROLE_FUNCTIONS = frozenset({"get_execution_role"})
# deploy(endpoint_type=EndpointType...) in the descriptor's words.
_ENDPOINT_TYPES = {"sagemaker.enums.EndpointType.MODEL_BASED": "model-based", "sagemaker.enums.EndpointType.INFERENCE_COMPONENT_BASED": "inference-component-based"}


@dataclass
class Notebook:
    """The state of a notebook read statement by statement: imported names, assigned values and
    every SDK object created, in order."""

    imports: dict[str, str] = field(default_factory=dict)
    env: dict[str, Any] = field(default_factory=dict)
    objects: list[SdkObject] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Where the notebook is (upload_data of a local path tells a file from a directory there).
    base_dir: Path | None = None
    #: Paths the notebook writes with %%writefile (files, whether or not they are beside it).
    written: frozenset[str] = frozenset()
    uploads: list[Upload] = field(default_factory=list)
    #: The estimators, models and tuners whose register() the notebook calls, in order.
    registered: list[SdkObject] = field(default_factory=list)
    cell: int = 0
    text: str = ""
    _conditional: int = 0
    #: The loops being read, innermost last: a loop run item by item (its frame), or None.
    _loops: list[_Loop | None] = field(default_factory=list)

    # -- statements ---------------------------------------------------------------------

    def run_cell(self, number: int, text: str, tree: ast.Module) -> None:
        self.cell, self.text = number, text
        for statement in tree.body:
            self._statement(statement)

    def _where(self, node: ast.AST) -> Where:
        segment = ast.get_source_segment(self.text, node) or ast.unparse(node)
        return Where(self.cell, getattr(node, "lineno", 1), _short(segment))

    def _statement(self, node: ast.stmt) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    self.imports[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    self.imports[top] = top
        elif isinstance(node, ast.ImportFrom):
            if node.module and not node.level:
                for alias in node.names:
                    if alias.name != "*":
                        self.imports[alias.asname or alias.name] = f"{node.module}.{alias.name}"
                        self.env.pop(alias.asname or alias.name, None)
        elif isinstance(node, ast.Assign):
            value = self.value(node.value)
            for target in node.targets:
                self._assign(target, value, node.value)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            self._assign(node.target, self.value(node.value), node.value)
        elif isinstance(node, ast.AugAssign):
            combined = ast.BinOp(left=_load(node.target), op=node.op, right=node.value)
            ast.copy_location(combined, node)
            self._assign(node.target, self.value(combined), node.value)
        elif isinstance(node, ast.Expr):
            self.value(node.value)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for statement in node.body:
                self._statement(statement)
        elif isinstance(node, ast.Try):
            for statement in [*node.body, *node.orelse, *node.finalbody]:
                self._statement(statement)
        elif isinstance(node, ast.If) and (taken := self._static_test(node.test)) is not None:
            # A condition the notebook's own values decide (bucket = None; if bucket is None: ...):
            # only the branch it takes runs.
            for statement in node.body if taken else node.orelse:
                self._statement(statement)
        elif isinstance(node, ast.For) and not self._makes_jobs(node) and (items := self._static_items(node.iter)) is not None:
            self._unrolled(node, items)
        elif isinstance(node, (ast.Break, ast.Continue)) and self._loops and self._loops[-1] is not None:
            frame = self._loops[-1]
            if self._conditional == frame.level:
                raise _LoopExit(isinstance(node, ast.Break))
            frame.uncertain = True  # in a branch the importer cannot decide: the loop may end or skip here
        elif isinstance(node, (ast.If, ast.For, ast.AsyncFor, ast.While)):
            # A branch or loop may run any number of times: what it assigns is unknown after it.
            if isinstance(node, (ast.For, ast.AsyncFor)):
                self._assign(node.target, Unresolved(self._where(node.target), "a loop variable"), node.target)
            self._conditional += 1
            self._loops.append(None if not isinstance(node, ast.If) else self._loops[-1] if self._loops else None)
            try:
                for statement in [*node.body, *node.orelse]:
                    self._statement(statement)
            finally:
                self._conditional -= 1
                self._loops.pop()
            if isinstance(node, (ast.For, ast.AsyncFor)):
                self._assign(node.target, Unresolved(self._where(node.target), "a loop variable"), node.target)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self.env[node.name] = Unresolved(self._where(node), f"{node.name} is defined in the notebook (its result is known only by running it)")
        elif isinstance(node, ast.Delete):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self.env.pop(target.id, None)

    def _makes_jobs(self, loop: ast.For) -> bool:
        """Whether a loop's body creates estimators, models, processors or tuners, or fits, deploys
        or runs them: such a loop (a sweep, one job per item) stays one conditional pass, one
        descriptor with a note, not one per item."""
        for node in ast.walk(loop):
            if not isinstance(node, ast.Call):
                continue
            dotted = self.dotted(node.func)
            if dotted is not None and dotted.startswith("sagemaker") and sdk_role(dotted)[0] in _JOB_ROLES:
                return True
            if isinstance(node.func, ast.Attribute) and node.func.attr in _JOB_METHODS:
                return True
        return False

    def _static_items(self, iterable: ast.expr) -> list[Any] | None:
        """The items a ``for`` goes over, when the notebook's values give them (a short list)."""
        try:
            items = self._eval(iterable)
        except (_Cannot, TypeError, ValueError, KeyError, IndexError, AttributeError, ZeroDivisionError, OverflowError, RecursionError):
            return None
        if isinstance(items, dict):
            items = list(items)
        return list(items) if isinstance(items, (list, tuple)) and len(items) <= _UNROLLED_MAX else None

    def _unrolled(self, node: ast.For, items: list[Any]) -> None:
        """A ``for`` over known items, run item by item as the notebook runs it; once a ``break`` or
        ``continue`` sits in a branch the importer cannot decide, the rest is conditional."""
        frame = _Loop(self._conditional)
        self._loops.append(frame)
        extra = 0
        try:
            for item in items:
                self._assign(node.target, item, node.target)
                try:
                    for statement in node.body:
                        if frame.uncertain and not extra:
                            extra = 1
                            self._conditional += 1
                        self._statement(statement)
                except _LoopExit as exit_:
                    if exit_.is_break:
                        break
            else:
                for statement in node.orelse:
                    self._statement(statement)
        finally:
            self._conditional -= extra
            self._loops.pop()
        if frame.uncertain:
            self._assign(node.target, Unresolved(self._where(node.target), "a loop variable"), node.target)

    def _static_test(self, test: ast.expr) -> bool | None:
        """Whether an ``if`` takes its branch, when the notebook's values decide it; None otherwise."""
        try:
            return self._truth(self._eval(test))
        except (_Cannot, TypeError, ValueError, KeyError, IndexError, AttributeError, ZeroDivisionError, OverflowError, RecursionError):
            return None

    def _truth(self, value: Any) -> bool:
        """The truth of a resolved value: SDK objects and the session are objects (true); what
        stands for something unknown has no truth value here."""
        if isinstance(value, (SdkObject, SdkClass)) or value is SESSION:
            return True
        if isinstance(value, (Marker, Unresolved, TrainedModel, StepRef, _ProcessingJob, _JobOutput, _JobDescription)):
            raise _Cannot("a condition on a value known only by running the notebook")
        if isinstance(value, (str, int, float, list, tuple, dict)) or value is None:
            return bool(value)
        raise _Cannot(f"the truth of {_describe(value)}")

    def _assign(self, target: ast.expr, value: Any, source: ast.expr) -> None:
        if isinstance(target, ast.Name):
            if self._conditional and not isinstance(value, SdkObject):
                value = Unresolved(self._where(source), f"{target.id} is assigned in a branch or loop (cell {self.cell}, line {source.lineno})")
            if isinstance(value, SdkObject) and value.var is None:
                value.var = target.id
            self.env[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            items = value if isinstance(value, (tuple, list)) and len(value) == len(target.elts) else None
            for index, element in enumerate(target.elts):
                item = items[index] if items is not None else Unresolved(self._where(source), f"unpacked from {_short(ast.unparse(source))}")
                self._assign(element, item, source)
        elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
            container = self.env.get(target.value.id)
            key = self.value(target.slice)
            if isinstance(container, dict) and isinstance(key, (str, int)) and not self._conditional:
                container[key] = value
            elif isinstance(container, (dict, list)):
                self.env[target.value.id] = Unresolved(self._where(target), f"{target.value.id} is changed item by item (cell {self.cell}, line {target.lineno})")
        elif isinstance(target, ast.Attribute):
            # An attribute set on an SDK object after it was made (predictor.serializer = ...)
            # is not an argument of any call the descriptor mirrors: said, not imported.
            owner = self.value(target.value)
            if isinstance(owner, SdkObject):
                why = "client-side" if owner.role == "predictor" else "set after the object is made; give it as an argument of its call"
                self.notes.append(f"cell {self.cell}, line {target.lineno}: not imported: {_short(ast.unparse(target))} = ... ({why})")

    # -- expressions ----------------------------------------------------------------------

    def value(self, node: ast.expr) -> Any:
        """The static value of ``node``, or :class:`Unresolved` with its text, cell and line."""
        try:
            found = self._eval(node)
            if isinstance(found, str) and BUCKET in found and not isinstance(found, Located):
                return Located(found, self._where(node))
            return found
        except _Cannot as exc:
            return Unresolved(self._where(node), exc.reason, exc.reason_class, exc.origin)
        except (TypeError, ValueError, KeyError, IndexError, AttributeError, ZeroDivisionError, OverflowError, RecursionError) as exc:
            return Unresolved(self._where(node), f"cannot be computed statically ({type(exc).__name__})")

    def dotted(self, node: ast.expr) -> str | None:
        """The imported name an expression names (``tf.TensorFlow`` → sagemaker.tensorflow.TensorFlow)."""
        if isinstance(node, ast.Name):
            if node.id in self.env:
                return None
            return self.imports.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self.dotted(node.value)
            return f"{base}.{node.attr}" if base else None
        return None

    def _eval(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            if node.id in self.env:
                value = self.env[node.id]
                if isinstance(value, Unresolved):
                    raise _Cannot(f"{node.id}: {value.reason}" if not value.reason.startswith(node.id) else value.reason, value.reason_class, value.identity)
                return value
            if node.id in ("True", "False", "None"):
                return {"True": True, "False": False, "None": None}[node.id]
            if node.id in self.imports and sdk_role(self.imports[node.id])[0] == "estimator":
                return SdkClass(self.imports[node.id])
            raise _Cannot(f"{node.id} is not assigned a value the importer can read" if node.id not in self.imports else f"{node.id} is imported ({self.imports[node.id]})")
        if isinstance(node, ast.JoinedStr):
            return "".join(self._formatted(part) for part in node.values)
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            if any(isinstance(e, ast.Starred) for e in node.elts):
                raise _Cannot("a list built with *unpacking")
            items = [self.value(e) for e in node.elts]
            return tuple(items) if isinstance(node, ast.Tuple) else items
        if isinstance(node, ast.Dict):
            out: dict[Any, Any] = {}
            for key, item in zip(node.keys, node.values, strict=True):
                if key is None:
                    spread = self._eval(item)
                    if not isinstance(spread, dict):
                        raise _Cannot("a dict built with **unpacking")
                    out.update(spread)
                    continue
                k = self._eval(key)
                if not isinstance(k, (str, int, float, bool)) or k is None:
                    raise _Cannot("a dict key that is not a literal")
                out[k] = self.value(item)
            return out
        if isinstance(node, ast.BinOp):
            left, right = self._eval(node.left), self._eval(node.right)
            _plain(left)
            _plain(right)
            return _binop(node.op, left, right)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = self._eval(node.operand)
            if isinstance(operand, (int, float)) and not isinstance(operand, bool):
                return -operand if isinstance(node.op, ast.USub) else operand
            raise _Cannot("a sign on a value that is not a number")
        if isinstance(node, ast.Subscript):
            container = self._eval(node.value)
            key = self._eval(node.slice)
            found: Any
            if isinstance(container, _JobDescription):
                return container.item(key, self._where(node))
            if isinstance(container, dict) and isinstance(key, (str, int)):
                found = container[key]
            elif isinstance(container, (list, tuple, str)) and isinstance(key, int):
                found = container[key]
            else:
                raise _Cannot("an item of a value the importer cannot read")
            if isinstance(found, Unresolved):
                raise _Cannot(found.reason, found.reason_class)
            return found
        if isinstance(node, ast.Attribute):
            return self._attribute(node)
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.Compare):
            return self._compare(node)
        if isinstance(node, ast.BoolOp):
            # a or b / a and b: the operand Python would return, each evaluated only when reached.
            for index, operand in enumerate(node.values):
                value = self._eval(operand)
                if index == len(node.values) - 1 or self._truth(value) == isinstance(node.op, ast.Or):
                    return value
        if isinstance(node, ast.IfExp):
            return self._eval(node.body if self._truth(self._eval(node.test)) else node.orelse)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return not self._truth(self._eval(node.operand))
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            return self._comprehension(node)
        raise _Cannot(f"a {type(node).__name__} expression is not evaluated statically")

    def _compare(self, node: ast.Compare) -> bool:
        left = self._eval(node.left)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = self._eval(right_node)
            if isinstance(op, (ast.Is, ast.IsNot)):
                if left is not None and right is not None:
                    _plain(left)
                    _plain(right)
                # Identity with None is known for whatever stands for an object (the session).
                result = (left is None and right is None) if left is None or right is None else left == right
                result = result if isinstance(op, ast.Is) else not result
            else:
                _plain_deep(left)
                _plain_deep(right)
                result = _COMPARE[type(op)](left, right)
            if not result:
                return False
            left = right
        return True

    def _comprehension(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp) -> Any:
        """A comprehension over a list the importer knows, one loop, its own names unseen after it."""
        if len(node.generators) != 1 or node.generators[0].is_async:
            raise _Cannot("a comprehension over several loops is not evaluated statically")
        loop = node.generators[0]
        items = self._eval(loop.iter)
        if isinstance(items, dict):
            items = list(items)
        if not isinstance(items, (list, tuple)) or len(items) > 1000:
            raise _Cannot("a comprehension over a value the importer cannot read")
        names = [n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)]
        saved = {n: self.env[n] for n in names if n in self.env}
        keyed: dict[Any, Any] = {}
        listed: list[Any] = []
        try:
            for item in items:
                self._bind(loop.target, item)
                if not all(self._truth(self._eval(test)) for test in loop.ifs):
                    continue
                if isinstance(node, ast.DictComp):
                    key = self._eval(node.key)
                    if not isinstance(key, (str, int, float, bool)):
                        raise _Cannot("a dict key that is not a literal")
                    keyed[key] = self.value(node.value)
                else:
                    listed.append(self.value(node.elt))
        finally:
            for n in names:
                self.env.pop(n, None)
            self.env.update(saved)
        return keyed if isinstance(node, ast.DictComp) else listed

    def _bind(self, target: ast.expr, value: Any) -> None:
        if isinstance(target, ast.Name):
            self.env[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (tuple, list)) and len(value) == len(target.elts):
            for element, item in zip(target.elts, value, strict=True):
                self._bind(element, item)
        else:
            raise _Cannot("a comprehension target the importer cannot unpack")

    def _formatted(self, part: ast.expr) -> str:
        if isinstance(part, ast.Constant):
            return str(part.value)
        assert isinstance(part, ast.FormattedValue)
        value = self._eval(part.value)
        _plain(value)
        spec = self._eval(part.format_spec) if part.format_spec is not None else ""
        if part.conversion == ord("r"):
            value = repr(value)
        elif part.conversion in (ord("s"), ord("a")):
            value = str(value)
        return format(value, spec)

    def _attribute(self, node: ast.Attribute) -> Any:
        dotted = self.dotted(node)
        if dotted is not None:
            if sdk_role(dotted)[0] == "estimator":
                return SdkClass(dotted)
            if dotted in _ENDPOINT_TYPES:
                return _ENDPOINT_TYPES[dotted]
            raise _Cannot(f"{dotted} is a module attribute")
        base = self._eval(node.value)
        if base is SESSION and node.attr in ("boto_region_name", "region_name", "_region_name"):
            return REGION
        if base is SESSION and node.attr == "boto_session":
            return SESSION
        if isinstance(base, SdkObject) and base.role in ("estimator", "tuner") and node.attr in ("jobs", "latest_training_job", "latest_tuning_job_name"):
            raise _Cannot(f"{base.var or base.name}.{node.attr}: a job the notebook runs (known once it has run)", "job-output")
        if isinstance(base, SdkObject) and node.attr == "model_data" and base.role in ("estimator", "best_estimator"):
            return TrainedModel(base if base.role == "estimator" else base.parent or base, self._where(node))
        if isinstance(base, SdkObject) and base.role == "processor" and node.attr in ("latest_job", "jobs"):
            jobs = [_ProcessingJob(run) for run in base.runs]
            if node.attr == "jobs":
                return jobs
            if not jobs:
                raise _Cannot(f"{base.var or base.name}.latest_job before any run", "job-output")
            return jobs[-1]
        if isinstance(base, _ProcessingJob) and node.attr == "outputs":
            return _job_outputs(base.run)
        if isinstance(base, _JobOutput) and node.attr == "destination":
            return StepRef(base.run, base.name, self._where(node))
        if isinstance(base, _JobOutput) and node.attr == "output_name":
            return base.name
        if isinstance(base, _JobOutput) and node.attr == "source":
            return next((v for k, v, _w in base.output.args if k in ("source", positional(0))), None)
        if isinstance(base, (_ProcessingJob, _JobOutput)):
            raise _Cannot(f"the attribute .{node.attr} of a job {_runner(base.run)} runs (known once it has run)", "job-output")
        if isinstance(base, SdkObject) and node.attr == "sagemaker_session" and base.role in ("estimator", "model", "tuner"):
            return SESSION
        if isinstance(base, SdkObject) and base.role == "tuner" and node.attr == "latest_tuning_job":
            return _LatestTuningJob(base)
        if isinstance(base, _LatestTuningJob) and node.attr in ("name", "job_name"):
            return base
        if isinstance(base, _LatestTuningJob):
            raise _Cannot(f"the attribute .{node.attr} of the tuning job {base.tuner.var or 'tuner'} runs")
        raise _Cannot(f"the attribute .{node.attr} of {_describe(base)}")

    def _call(self, node: ast.Call) -> Any:
        func = node.func
        dotted = self.dotted(func)
        if dotted is not None:
            return self._call_name(dotted, node)
        if isinstance(func, ast.Name) and func.id == "dict" and not node.args and "dict" not in self.env:
            # dict(key=value, ...) as a dict literal: each item on its own (an SDK object, the
            # role or one unknown item does not make the whole dict unknown).
            out: dict[str, Any] = {}
            for keyword in node.keywords:
                if keyword.arg is None:
                    spread = self._eval(keyword.value)
                    if not isinstance(spread, dict):
                        raise _Cannot("a dict built with **unpacking")
                    out.update(spread)
                else:
                    out[keyword.arg] = self.value(keyword.value)
            return out
        if isinstance(func, ast.Name) and func.id in _BUILTINS and func.id not in self.env:
            args, kwargs = self._plain_args(node)
            return _BUILTINS[func.id](*args, **kwargs)
        if isinstance(func, ast.Attribute):
            if isinstance(func.value, ast.Constant) and isinstance(func.value.value, str) and func.attr in _STR_METHODS:
                args, kwargs = self._plain_args(node)
                return getattr(func.value.value, func.attr)(*args, **kwargs)
            try:
                base = self._eval(func.value)
            except _Cannot as exc:
                # fit/transform of other libraries (scikit-learn, Keras) are not worth a note.
                if func.attr in _TRACKED_METHODS and exc.reason_class != "not-sdk":
                    self._unknown_receiver(func, node, exc)
                raise
            return self._method(base, func.attr, node)
        raise _Cannot(f"{_short(ast.unparse(func))}(...) is known only by running it", "not-sdk" if isinstance(func, ast.Name) and func.id in self.env else "unresolved-value")

    def _unknown_receiver(self, func: ast.Attribute, node: ast.Call, exc: _Cannot) -> None:
        self.notes.append(f"cell {self.cell}, line {node.lineno}: {_short(ast.unparse(func))}(...) is called on something the importer does not know ({exc.reason}); not imported")

    def _plain_args(self, node: ast.Call) -> tuple[list[Any], dict[str, Any]]:
        if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
            raise _Cannot("a call with *args or **kwargs")
        args = [self._eval(a) for a in node.args]
        kwargs = {k.arg: self._eval(k.value) for k in node.keywords if k.arg}
        for item in [*args, *kwargs.values()]:
            _plain(item)
        return args, kwargs

    def _call_name(self, dotted: str, node: ast.Call) -> Any:
        last = dotted.rsplit(".", 1)[-1]
        if dotted in _PURE_FUNCTIONS:
            args, kwargs = self._plain_args(node)
            return _PURE_FUNCTIONS[dotted](*args, **kwargs)
        if dotted in _SESSION_CLASSES or dotted in ("boto3.Session", "boto3.session.Session"):
            return SESSION
        if last in _ROLE_FUNCTIONS and dotted.startswith("sagemaker"):
            return ROLE
        if not dotted.startswith("sagemaker"):
            raise _Cannot(f"{dotted}(...) is known only by running it", "not-sdk")
        if dotted.endswith("S3Uploader.upload"):
            return self._upload(node, "S3Uploader.upload")
        if dotted.endswith("HyperparameterTuner.attach"):
            return self._attach_tuner(node)
        if dotted.endswith("HyperparameterTuner.create"):
            # A tuner over several estimators (estimator_dict): the descriptor tunes one.
            tuner = SdkObject(dotted, "tuner", self._where(node), self._arguments(node))
            self.objects.append(tuner)
            return tuner
        if dotted.endswith("Estimator.attach") or (last == "attach" and sdk_role(dotted.rsplit(".", 1)[0])[0] == "estimator"):
            return self._attach_estimator(node)
        if last == "ModelPackage" and len(set(self.registered)) == 1:
            # ModelPackage(role, model_package_arn=...) after the notebook's one register(): the
            # package it registered (its ARN is known once it has run).
            owner = self.registered[0]
            self.notes.append(f"cell {self.cell}, line {node.lineno}: {_short(ast.unparse(node.func))}(...) is read as the package {owner.var or owner.name} registers")
            return SdkObject(dotted, "model_package", self._where(node), [], parent=owner)
        role, kind = sdk_role(dotted)
        if dotted.startswith(("sagemaker.script_uris", "sagemaker.model_uris", "sagemaker.jumpstart")) and not last[:1].isupper():
            raise _Cannot(f"{dotted}(...) names a JumpStart artifact", "jumpstart")
        if role == "uncovered" and not last[:1].isupper():
            # An SDK function (S3Uploader.upload, a session helper): its result is known by running it.
            raise _Cannot(f"{dotted}(...) is known only by running it", "uploaded-data" if "upload" in last else "unresolved-value")
        obj = SdkObject(dotted, role, self._where(node), self._arguments(node), kind)
        self.objects.append(obj)
        if self._conditional:
            obj.extra_calls.append(("created in a branch or loop", obj.where))
        estimator = tuned_estimator(obj)
        if estimator is not None:
            estimator.calls[f"tuner:{sum(k.startswith('tuner:') for k in estimator.calls)}"] = obj
        return obj

    def _attach_tuner(self, node: ast.Call) -> Any:
        """``HyperparameterTuner.attach(tuner.latest_tuning_job.name)``: the notebook's own tuner
        again; a tuning job named otherwise ran elsewhere (not imported)."""
        job = self.value(node.args[0]) if node.args else next((self.value(k.value) for k in node.keywords if k.arg == "tuning_job_name"), None)
        if isinstance(job, _LatestTuningJob):
            return job.tuner
        raise _Cannot("HyperparameterTuner.attach() to a tuning job that ran elsewhere (known only by running it)", "tuner")

    def _attach_estimator(self, node: ast.Call) -> Any:
        """``Estimator.attach(tuner.best_training_job())``: the tuner's best estimator."""
        job = self.value(node.args[0]) if node.args else next((self.value(k.value) for k in node.keywords if k.arg == "training_job_name"), None)
        if isinstance(job, _BestTrainingJob):
            tuner = job.tuner
            return SdkObject(f"{tuner.sdk}.best_estimator", "best_estimator", self._where(node), [], parent=tuner, var=f"{tuner.var or 'tuner'}.best_estimator()")
        raise _Cannot("Estimator.attach() to a training job that ran elsewhere (known only by running it)")

    def _upload(self, node: ast.Call, how: str) -> str:
        """The S3 URI ``session.upload_data(path, bucket, key_prefix)`` returns (``S3Uploader.upload(
        local_path, desired_s3_uri)`` calls it with the URI's bucket and key): ``s3://bucket/prefix``
        for a directory, ``s3://bucket/prefix/<file name>`` for a file; the default bucket when
        none is given."""
        what = f"{how}(...) uploads local files"
        if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
            raise _Cannot(f"{what}, with *args or **kwargs", "uploaded-data")
        names = ("path", "bucket", "key_prefix", "callback", "extra_args") if how == "upload_data" else ("local_path", "desired_s3_uri", "kms_key", "sagemaker_session", "callback")
        given: dict[str, ast.expr] = {names[i]: a for i, a in enumerate(node.args) if i < len(names)}
        given.update({k.arg: k.value for k in node.keywords if k.arg})

        def text(name: str, default: str | None) -> str | None:
            if name not in given:
                return default
            try:
                value = self._eval(given[name])
            except _Cannot as exc:
                raise _Cannot(f"{what}; its {name} is not known ({exc.reason})", "uploaded-data") from None
            if value is None:
                return None
            if value == BUCKET and name == "bucket":
                return BUCKET
            _plain(value)
            if not isinstance(value, str) or (BUCKET in value and name not in ("bucket", "desired_s3_uri")):
                raise _Cannot(f"{what}; its {name} is not a string the importer can read", "uploaded-data")
            return value

        local = text(names[0], None)
        if local is None:
            raise _Cannot(f"{what}; no local path given", "uploaded-data")
        if how == "upload_data":
            bucket, key_prefix = text("bucket", None), text("key_prefix", "data")
        else:
            desired = text("desired_s3_uri", None)
            if desired is None or not desired.startswith("s3://"):
                raise _Cannot(f"{what}; its desired_s3_uri is not an S3 URI", "uploaded-data")
            bucket, _, key_prefix = desired[len("s3://"):].partition("/")
        if not bucket:
            # The session's default bucket (and its default prefix, none in a notebook without
            # SageMaker config), the key prefix joined as s3_path_join joins it.
            bucket, key_prefix = BUCKET, _s3_path_join(key_prefix)
        elif key_prefix is None:
            raise _Cannot(f"{what}; its key_prefix is None", "uploaded-data")
        is_dir, why = self._local_kind(local)
        uri = f"s3://{bucket}/{key_prefix}" + ("" if is_dir else f"/{os.path.split(local)[1]}")
        self.uploads.append(Upload(uri, local, self._where(node), why))
        return uri

    def _local_kind(self, local: str) -> tuple[bool, str]:
        """Whether upload_data would find a directory at ``local`` (it lists one, and sends a
        file as itself), and why the importer reads it so."""
        if os.path.normpath(local) in {os.path.normpath(w) for w in self.written}:
            return False, "a file the notebook writes (%%writefile)"
        if self.base_dir is not None and (self.base_dir / local).exists():
            return (self.base_dir / local).is_dir(), ("a directory" if (self.base_dir / local).is_dir() else "a file") + " beside the notebook"
        if local.endswith(("/", os.sep)) or not os.path.splitext(os.path.split(local)[1])[1]:
            return True, "read as a directory: it is not beside the notebook and its name has no file extension"
        return False, "read as a file: it is not beside the notebook and its name has a file extension"

    def _arguments(self, node: ast.Call) -> list[tuple[str, Any, Where]]:
        out: list[tuple[str, Any, Where]] = []
        for index, arg in enumerate(node.args):
            if isinstance(arg, ast.Starred):
                out.append((positional(index), Unresolved(self._where(arg), "*args are not read statically"), self._where(arg)))
            else:
                out.append((positional(index), self.value(arg), self._where(arg)))
        for keyword in node.keywords:
            if keyword.arg is None:
                spread = self.value(keyword.value)
                if isinstance(spread, dict):
                    out.extend((str(k), v, self._where(keyword.value)) for k, v in spread.items())
                else:
                    out.append(("**", Unresolved(self._where(keyword.value), "**kwargs the importer cannot read"), self._where(keyword.value)))
            else:
                out.append((keyword.arg, self.value(keyword.value), self._where(keyword.value)))
        return out

    def _method(self, base: Any, method: str, node: ast.Call) -> Any:
        if base is SESSION:
            if method == "default_bucket":
                return BUCKET
            if method == "upload_data":
                return self._upload(node, "upload_data")
            raise _Cannot(f"session.{method}() talks to AWS")
        if isinstance(base, str) and method in _STR_METHODS:
            args, kwargs = self._plain_args(node)
            return getattr(base, method)(*args, **kwargs)
        if isinstance(base, dict) and method == "get":
            args, kwargs = self._plain_args(node)
            return base.get(*args, **kwargs)
        if isinstance(base, SdkObject):
            return self._sdk_method(base, method, node)
        if isinstance(base, _ProcessingJob) and method == "describe":
            return _JobDescription(base.run)
        if isinstance(base, dict) and method in ("items", "keys", "values") and not node.args and not node.keywords:
            return list(getattr(base, method)())
        if isinstance(base, _ProcessingJob):
            raise _Cannot(f".{method}() of the job {_runner(base.run)} ran asks SageMaker (known once it has run)", "job-output")
        raise _Cannot(f".{method}() of {_describe(base)}")

    def _sdk_method(self, base: SdkObject, method: str, node: ast.Call) -> Any:
        where = self._where(node)
        args = self._arguments(node)
        if base.role in ("estimator", "model") and method in ("fit", "deploy", "transformer", "set_hyperparameters"):
            call = SdkObject(f"{base.sdk}.{method}", method if method != "transformer" else "transformer", where, args, base.kind, parent=base)
            if method == "set_hyperparameters":
                previous = base.calls.get(method)
                if previous is not None:
                    call.args = previous.args + args
            elif method in base.calls:
                base.extra_calls.append((f"{method}() called again", where))
                return SdkObject(f"{base.sdk}.{method}", "predictor" if method == "deploy" else "uncovered", where, args) if method != "transformer" else base.calls[method]
            if self._conditional:
                base.extra_calls.append((f"{method}() called in a branch or loop", where))
            base.calls[method] = call
            if method == "deploy":
                return SdkObject(f"{base.sdk}.deploy", "predictor", where, [], parent=base)
            return call if method == "transformer" else None
        if base.role == "estimator" and method == "create_model":
            # estimator.create_model().deploy(...): the trained model deploys itself, as
            # estimator.deploy() would (and with inference-component arguments it does not pass on).
            if args:
                base.extra_calls.append(("create_model() arguments", where))
            return SdkObject(f"{base.sdk}.create_model", "created_model", where, [], parent=base, var=f"{base.var or base.name}.create_model()")
        if base.role == "created_model" and method in ("deploy", "transformer", "register"):
            assert base.parent is not None
            return self._sdk_method(base.parent, method, node)
        if base.role in ("estimator", "model", "best_estimator") and method == "register":
            # The package each run registers: the estimator's, or with a tuner its best training job's.
            owner = base.parent if base.role == "best_estimator" else base
            assert owner is not None
            if "register" in owner.calls:
                owner.extra_calls.append(("register() called again", where))
            else:
                if self._conditional:
                    owner.extra_calls.append(("register() called in a branch or loop", where))
                owner.calls["register"] = SdkObject(f"{base.sdk}.register", "register", where, args, parent=owner)
            self.registered.append(owner)
            return SdkObject(f"{base.sdk}.register", "model_package", where, [], parent=owner)
        if base.role == "model_package" and method == "deploy":
            # The registered package behind the endpoint: what the descriptor's deploy serves.
            assert base.parent is not None
            owner = base.parent
            if "deploy" in owner.calls:
                owner.extra_calls.append(("deploy() called again", where))
            else:
                if self._conditional:
                    owner.extra_calls.append(("deploy() called in a branch or loop", where))
                owner.calls["deploy"] = SdkObject(f"{owner.sdk}.deploy", "deploy", where, args, owner.kind, parent=owner)
            return SdkObject(f"{owner.sdk}.deploy", "predictor", where, [], parent=owner)
        if base.role == "tuner" and method in ("fit", "deploy"):
            if method in base.calls:
                base.extra_calls.append((f"{method}() called again", where))
            else:
                if self._conditional:
                    base.extra_calls.append((f"{method}() called in a branch or loop", where))
                base.calls[method] = SdkObject(f"{base.sdk}.{method}", method, where, args, parent=base)
            return SdkObject(f"{base.sdk}.deploy", "predictor", where, [], parent=base) if method == "deploy" else None
        if base.role == "tuner" and method == "best_estimator":
            return SdkObject(f"{base.sdk}.best_estimator", "best_estimator", where, args, parent=base, var=f"{base.var or 'tuner'}.best_estimator()")
        if base.role == "tuner" and method == "best_training_job":
            return _BestTrainingJob(base)
        if base.role == "tuner" and method in ("wait", "describe", "analytics", "stop_tuning_job"):
            raise _Cannot(f"{base.var or 'tuner'}.{method}() talks to AWS")
        if base.role == "best_estimator" and method == "deploy":
            # The best training job's model behind an endpoint: what tuner.deploy() does.
            tuner = base.parent
            assert tuner is not None
            if "deploy" in tuner.calls:
                tuner.extra_calls.append(("deploy() called again", where))
            else:
                tuner.calls["deploy"] = SdkObject(f"{tuner.sdk}.deploy", "deploy", where, args, parent=tuner)
            return SdkObject(f"{tuner.sdk}.deploy", "predictor", where, [], parent=tuner)
        if base.role == "best_estimator":
            assert base.parent is not None
            base.parent.extra_calls.append((f"{base.var}.{method}()", where))
            raise _Cannot(f"{base.var}.{method}() of the best training job", "tuner")
        if base.role == "processor" and method == "run":
            run = SdkObject(f"{base.sdk}.run", "processing_run", where, args, parent=base)
            base.calls[f"run:{len(base.runs)}"] = run
            if self._conditional:
                run.extra_calls.append(("run in a branch or loop", where))
            return None
        if base.role == "predictor" and method in _ENDPOINT_UPDATES:
            self.notes.append(f"cell {self.cell}, line {node.lineno}: not imported: {_short(ast.unparse(node.func))}(...) changes the endpoint after deploy ({_ENDPOINT_UPDATES[method]})")
            return None
        if base.role == "estimator" and method == "record_set":
            obj = SdkObject(f"{base.sdk}.record_set", "record_set_upload", where, args, parent=base)
            return obj
        if base.role == "transformer" and method == "transform":
            if "transform" in base.calls:
                base.extra_calls.append(("transform() called again", where))
            else:
                base.calls["transform"] = SdkObject(f"{base.sdk}.transform", "transform", where, args, parent=base)
            return None
        if method in ("register", "run", "fit", "deploy", "compile_model", "create_model", "attach", "tune", "transform", "transformer"):
            base.extra_calls.append((f"{method}()", where))
            role = {"deploy": "predictor"}.get(method, "uncovered")
            return SdkObject(f"{base.sdk}.{method}", role, where, args, parent=base)
        raise _Cannot(f".{method}() of the SDK object {base.var or base.name}")

    def estimators_and_models(self) -> Iterator[SdkObject]:
        yield from (o for o in self.objects if o.role in ("estimator", "model"))


_TRACKED_METHODS = frozenset({"fit", "deploy", "transformer", "transform"})
# Predictor calls that change the endpoint deploy() made: the descriptor says it at deploy.
_ENDPOINT_UPDATES = {
    "update_data_capture_config": "give deploy.data_capture_config instead",
    "enable_data_capture": "give deploy.data_capture_config instead",
    "disable_data_capture": "leave out deploy.data_capture_config instead",
    "update_endpoint": "give the deploy arguments it sets instead",
}
_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: lambda a, b: bool(a == b),
    ast.NotEq: lambda a, b: bool(a != b),
    ast.Lt: lambda a, b: bool(a < b),
    ast.LtE: lambda a, b: bool(a <= b),
    ast.Gt: lambda a, b: bool(a > b),
    ast.GtE: lambda a, b: bool(a >= b),
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}


def processing_runs(objects: list[SdkObject]) -> list[SdkObject]:
    """Every processor run of the notebook, in its order."""
    return sorted((run for obj in objects if obj.role == "processor" for run in obj.runs), key=lambda run: run.order)


def _runner(run: SdkObject) -> str:
    return (run.parent.var if run.parent is not None else None) or "the processor"


def _job_outputs(run: SdkObject) -> list[_JobOutput]:
    """The outputs of the job a run starts, named as the SDK names them (output-<n> when unnamed)."""
    given = next((v for k, v, _w in run.args if k == "outputs"), None)
    if not isinstance(given, (list, tuple)) or not all(isinstance(o, SdkObject) and o.role == "processing_output" for o in given):
        raise _Cannot("the outputs of a run whose outputs the importer cannot read", "job-output")
    out = []
    for number, output in enumerate(given, 1):
        name = next((v for k, v, _w in output.args if k in ("output_name", positional(2))), None)
        if name is not None and not isinstance(name, str):
            raise _Cannot("an output whose output_name the importer cannot read", "job-output")
        out.append(_JobOutput(run, name or f"output-{number}", output))
    return out


def positional(index: int) -> str:
    """The key of a call's positional argument ``index`` in :attr:`SdkObject.args`."""
    return f"#{index}"


def tuned_estimator(tuner: SdkObject) -> SdkObject | None:
    """The estimator a HyperparameterTuner tunes, when it is one the notebook created."""
    if tuner.role != "tuner":
        return None
    estimator = next((v for k, v, _w in tuner.args if k in (positional(0), "estimator")), None)
    return estimator if isinstance(estimator, SdkObject) and estimator.role == "estimator" and estimator.kind is not None else None


@dataclass(frozen=True)
class _LatestTuningJob:
    """``tuner.latest_tuning_job`` (and its ``.name``): the tuning job the tuner's fit starts."""

    tuner: SdkObject


@dataclass(frozen=True)
class _BestTrainingJob:
    """``tuner.best_training_job()``: the name of the tuning job's best training job."""

    tuner: SdkObject


def _load(target: ast.expr) -> ast.expr:
    copy = ast.parse(ast.unparse(target), mode="eval").body
    ast.copy_location(copy, target)
    return copy


def _describe(value: Any) -> str:
    if isinstance(value, SdkObject):
        return f"the SDK object {value.var or value.name}"
    if isinstance(value, Marker):
        return f"the {value.name}"
    return f"a {type(value).__name__}"


def _plain(value: Any) -> None:
    """Refuse values that stand for something sagestack provides or the SDK creates."""
    if isinstance(value, Marker):
        if value is REGION:
            raise _Cannot("built from the notebook's region (the stack's region is known only when it deploys)", "notebook-region")
        raise _Cannot(f"the notebook's {value.name} (sagestack provides its own)", "notebook-session")
    if isinstance(value, SdkObject):
        raise _Cannot(f"the SDK object {value.var or value.name} is not a value")
    if isinstance(value, Unresolved):
        raise _Cannot(value.reason, value.reason_class)
    if isinstance(value, (_LatestTuningJob, _BestTrainingJob)):
        raise _Cannot(f"the name of a job {value.tuner.var or 'the tuner'} starts (known once it has run)")
    if isinstance(value, TrainedModel):
        raise _Cannot(f"the model data {value.owner.var or value.owner.name} trains (known once its job has run)", "model-from-training")
    if isinstance(value, StepRef):
        raise _Cannot("built from a processing job's output: a {step, output} reference names the whole output, not a path under it", "job-output")
    if isinstance(value, (_ProcessingJob, _JobOutput, _JobDescription)):
        raise _Cannot("a processing job the notebook runs (known once it has run)", "job-output")
    if isinstance(value, SdkClass):
        raise _Cannot(f"the class {value.name} is not a value")


def _plain_deep(value: Any) -> None:
    """:func:`_plain` for a value and every item inside it (a comparison reads them all)."""
    _plain(value)
    if isinstance(value, (list, tuple)):
        for item in value:
            _plain_deep(item)
    elif isinstance(value, dict):
        for item in value.values():
            _plain_deep(item)


def _binop(op: ast.operator, left: Any, right: Any) -> Any:
    if isinstance(op, ast.Add):
        return left + right
    if isinstance(op, ast.Sub):
        return left - right
    if isinstance(op, ast.Mult):
        if isinstance(left, (str, list, tuple)) or isinstance(right, (str, list, tuple)):
            count = right if isinstance(left, (str, list, tuple)) else left
            if not isinstance(count, int) or count > 1000:
                raise _Cannot("a repeated string or list too long to write")
        return left * right
    if isinstance(op, ast.Div):
        return left / right
    if isinstance(op, ast.FloorDiv):
        return left // right
    if isinstance(op, ast.Mod):
        return left % (tuple(right) if isinstance(right, list) else right)
    if isinstance(op, ast.Pow) and isinstance(right, int) and abs(right) < 64:
        return left**right
    raise _Cannot(f"the operator {type(op).__name__} is not evaluated statically")
