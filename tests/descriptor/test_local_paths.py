"""Local paths stay inside the repository: every local-path field of every section, found from the
models' annotations (not listed here), rejects absolute paths, ``..`` chains and symbolic links
that lead outside, at its own line, and accepts paths that stay inside (``../shared-code`` too)."""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from sagestack.descriptor import DescriptorError, Issue, ModelDescriptor, descriptor_from_dict
from sagestack.descriptor.loader import load_source
from sagestack.descriptor.paths import LocalPathKind, local_path_kind, path_problem, repository_root


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in get_args(annotation):
        yield from _models_in(arg)


def local_path_fields() -> list[tuple[str, type[BaseModel], str, LocalPathKind]]:
    """(section, section class, field, kind) of every local-path field; a section is a dotted path
    when one model holds another (``model.model``: a MultiDataModel's served model)."""
    found: list[tuple[str, type[BaseModel], str, LocalPathKind]] = []

    def walk(section: str, cls: type[BaseModel], depth: int) -> None:
        for name, field in cls.model_fields.items():
            kind = local_path_kind(field.annotation, field.metadata)
            if kind is not None:
                found.append((section, cls, name, kind))
            for nested in dict.fromkeys(_models_in(field.annotation)):
                if any(local_path_kind(f.annotation, f.metadata) for f in nested.model_fields.values()):
                    assert depth == 0, f"{cls.__name__}.{name}: local paths two levels down need a placement in this test"
                    walk(f"{section}.{name}", nested, depth + 1)

    for section, info in ModelDescriptor.model_fields.items():
        for cls in dict.fromkeys(_models_in(info.annotation)):
            walk(section, cls, 0)
    return found


def _base_key(section: str, cls_name: str) -> str:
    return cls_name if "." not in section else f"{section}:{cls_name}"


FIELDS = local_path_fields()

SCRIPT_TF = {"type": "TensorFlow", "entry_point": "train.py", "framework_version": "2.11", "py_version": "py39", "instance_type": "ml.c5.xlarge", "instance_count": 1}
FIT = {"inputs": "s3://sagestack-test/train"}
ENDPOINT = {"initial_instance_count": 1, "instance_type": "ml.m5.large"}

# One valid descriptor per section class (code paths relative to the descriptor's directory).
BASES: dict[str, dict[str, Any]] = {
    # Legacy mode, so that requirements_file is meaningful.
    "TensorFlowEstimator": {"estimator": {**SCRIPT_TF, "framework_version": "1.12", "py_version": "py2", "requirements_file": "requirements.txt"}, "fit": FIT, "deploy": ENDPOINT},
    "MXNetEstimator": {"estimator": {"type": "MXNet", "entry_point": "train.py", "framework_version": "1.9.0", "py_version": "py38", "instance_type": "ml.c5.xlarge"}, "fit": FIT},
    "TensorFlowModelSpec": {"model": {"type": "TensorFlowModel", "model_data": "s3://sagestack-test/model.tar.gz", "framework_version": "2.11"}, "deploy": ENDPOINT},
    "MXNetModelSpec": {"model": {"type": "MXNetModel", "model_data": "s3://sagestack-test/model.tar.gz", "framework_version": "1.9.0", "py_version": "py38", "entry_point": "train.py"}, "deploy": ENDPOINT},
    "HuggingFaceEstimator": {"estimator": {"type": "HuggingFace", "entry_point": "train.py", "transformers_version": "4.26", "pytorch_version": "1.13", "py_version": "py39", "instance_type": "ml.p3.2xlarge"}, "fit": FIT},
    "HuggingFaceModelSpec": {"model": {"type": "HuggingFaceModel", "model_data": "s3://sagestack-test/model.tar.gz", "transformers_version": "4.26", "pytorch_version": "1.13", "py_version": "py39", "entry_point": "train.py"}, "deploy": ENDPOINT},
    "PyTorchEstimator": {"estimator": {"type": "PyTorch", "entry_point": "train.py", "framework_version": "2.3.0", "py_version": "py311", "instance_type": "ml.g5.xlarge"}, "fit": FIT},
    "PyTorchModelSpec": {"model": {"type": "PyTorchModel", "model_data": "s3://sagestack-test/model.tar.gz", "framework_version": "2.3.0", "py_version": "py311", "entry_point": "train.py"}, "deploy": ENDPOINT},
    "XGBoostEstimator": {"estimator": {"type": "XGBoost", "entry_point": "train.py", "framework_version": "1.7-1", "instance_type": "ml.m5.xlarge"}, "fit": FIT, "deploy": ENDPOINT},
    "XGBoostModelSpec": {"model": {"type": "XGBoostModel", "model_data": "s3://sagestack-test/model.tar.gz", "framework_version": "1.7-1", "entry_point": "train.py"}, "deploy": ENDPOINT},
    "SKLearnEstimator": {"estimator": {"type": "SKLearn", "entry_point": "train.py", "framework_version": "1.2-1", "instance_type": "ml.m5.large"}, "fit": FIT},
    "SKLearnModelSpec": {"model": {"type": "SKLearnModel", "model_data": "s3://sagestack-test/model.tar.gz", "framework_version": "1.2-1", "entry_point": "train.py"}, "deploy": ENDPOINT},
    "Deploy": {"estimator": SCRIPT_TF, "fit": FIT, "deploy": ENDPOINT},
    # The model a MultiDataModel serves (its archives under the prefix); framework models without an
    # entry_point, which would be repacked into each archive (MultiDataModel refuses it).
    **{
        f"model.model:{cls}": {"model": {"type": "MultiDataModel", "model_data_prefix": "s3://sagestack-test/models/", "model": model}, "deploy": {"initial_instance_count": 1, "instance_type": "ml.c5.xlarge"}}
        for cls, model in {
            "TensorFlowModelSpec": {"type": "TensorFlowModel", "framework_version": "2.11"},
            "MXNetModelSpec": {"type": "MXNetModel", "framework_version": "1.9.0", "py_version": "py38"},
            "PyTorchModelSpec": {"type": "PyTorchModel", "framework_version": "2.3.0", "py_version": "py311"},
            "XGBoostModelSpec": {"type": "XGBoostModel", "framework_version": "1.7-1", "entry_point": "train.py"},
            "SKLearnModelSpec": {"type": "SKLearnModel", "framework_version": "1.2-1", "entry_point": "train.py"},
        }.items()
    },
    # A framework processor packs source_dir with the code; its paths resolve as the estimators' do.
    "processing.run:ProcessingRun": {"processing": [{
        "name": "prep", "processor": {"type": "PyTorchProcessor", "framework_version": "2.3", "py_version": "py311", "instance_type": "ml.m5.xlarge", "instance_count": 1},
        "run": {"code": "train.py"},
    }]},
    "Transformer": {"estimator": SCRIPT_TF, "fit": FIT, "transformer": {"instance_type": "ml.m5.large", "instance_count": 1}, "transform": {"data": "s3://sagestack-test/batch"}},
}


def test_every_local_path_field_is_found_and_has_a_base() -> None:
    names = {(section, name) for section, _cls, name, _kind in FIELDS}
    # What the SDK calls local paths, as a floor: discovery must find at least these.
    assert {("estimator", "source_dir"), ("estimator", "entry_point"), ("estimator", "dependencies"), ("estimator", "requirements_file"),
            ("model", "source_dir"), ("model", "entry_point"), ("model", "dependencies"), ("deploy", "entry_point"), ("deploy", "source_dir"),
            ("transformer", "entry_point")} <= names
    missing = sorted({_base_key(s, cls.__name__) for s, cls, _n, _k in FIELDS} - set(BASES))
    assert not missing, f"add a valid base descriptor for {missing}"


# The repository: <tmp>/repo (cdk.json) with descriptors in repo/infra/models; <tmp>/outside is
# what must never be reachable.
@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    top = tmp_path_factory.mktemp("paths")
    outside = top / "outside"
    (outside / "inner").mkdir(parents=True)
    (outside / "secret.txt").write_text("secret\n")
    repo = top / "repo"
    models = repo / "infra" / "models"
    (models / "code").mkdir(parents=True)
    (repo / "infra" / "shared-code").mkdir()
    (repo / "cdk.json").write_text("{}")
    for directory in (models, models / "code", repo / "infra" / "shared-code"):
        (directory / "train.py").write_text("print('train')\n")
        (directory / "requirements.txt").write_text("numpy\n")
    (repo / "tools").mkdir()
    (repo / "tools" / "helper.py").write_text("")
    os.symlink(outside / "secret.txt", models / "out-file")
    os.symlink(outside, models / "out-dir")
    os.symlink(models / "chain2", models / "chain1")  # a chain: chain1 -> chain2 -> outside
    os.symlink(outside / "secret.txt", models / "chain2")
    os.symlink("../shared-code", models / "in-link")  # stays inside
    for name, target in (("leak-file", outside / "secret.txt"), ("leak-dir", outside), ("leak-chain", models / "chain1")):
        code = models / f"code-with-{name}"
        (code / "pkg").mkdir(parents=True)
        (code / "train.py").write_text("")
        os.symlink(target, code / "pkg" / name)
    loop = models / "code-with-loop"
    (loop / "pkg").mkdir(parents=True)
    (loop / "train.py").write_text("")
    os.symlink("..", loop / "pkg" / "up")
    return models


DEPTH = 3  # directories between the root and the deepest base a test path resolves against
NAMES = st.sampled_from(["etc", "passwd", ".aws", "credentials", "x.py", "outside", "secret.txt"])
NOISE = st.lists(st.sampled_from([".", "a/..", "./b/../.", "a/b/../.."]), max_size=3)  # each part goes nowhere
SEPARATOR = st.sampled_from(["/", "//", "/./"])

ABSOLUTE = st.builds(lambda parts, lead: lead + "/".join(parts), st.lists(NAMES, max_size=3), st.sampled_from(["/", "//", "/./", "/../"]))
DOT_DOT = st.builds(
    lambda noise, extra, tail, sep: sep.join([*noise, *[".."] * (DEPTH + 1 + extra), *tail]),
    NOISE, st.integers(0, 4), st.lists(NAMES, max_size=3), SEPARATOR,
)
LINKS = st.sampled_from(["out-file", "out-dir", "out-dir/secret.txt", "out-dir/inner", "./out-dir/../out-file", "chain1", "code/../chain2",
                         "code-with-leak-file", "code-with-leak-dir", "code-with-leak-chain", "code-with-loop"])
ESCAPING = st.one_of(ABSOLUTE, DOT_DOT, LINKS)

INSIDE = st.one_of(
    st.sampled_from(["train.py", "./train.py", "code", "code/train.py", "./code/./", "../shared-code", "../shared-code/train.py", "../../tools",
                     "../../tools/helper.py", "in-link", "in-link/train.py", "../../infra/models/train.py", "../models/code/train.py"]),
    st.builds(lambda noise, target: "/".join([*noise, target]), NOISE, st.sampled_from(["train.py", "code", "../shared-code", "../../tools"])),
)


def _place(cls_name: str, section: str, name: str, value: str) -> tuple[dict[str, Any], str]:
    """The base descriptor with ``value`` at the field, and the issue path it is reported at."""
    data = {"name": "paths-test", **copy.deepcopy(BASES[_base_key(section, cls_name)])}
    spec: Any = data
    shown = []
    for part in section.split("."):
        spec = spec[part]
        shown.append(part)
        if isinstance(spec, list):  # a section that is a list (processing): its first entry
            spec = spec[0]
            shown[-1] += "[0]"
    where = ".".join(shown)
    is_list = _is_sequence(cls_name, name)
    spec[name] = [value] if is_list else value
    return data, f"{where}.{name}[0]" if is_list else f"{where}.{name}"


def _is_sequence(cls_name: str, name: str) -> bool:
    cls = next(c for _s, c, n, _k in FIELDS if c.__name__ == cls_name and n == name)
    return any(getattr(a, "__origin__", None) in (tuple, list) or a in (tuple, list) for a in (cls.model_fields[name].annotation, *get_args(cls.model_fields[name].annotation)))


def _line_of(text: str, section: str, name: str, is_list: bool) -> int:
    lines = text.splitlines()
    start = -1
    for depth, part in enumerate(section.split(".")):  # each level of a dotted section, indented
        start = next(i for i in range(start + 1, len(lines)) if lines[i] == "  " * depth + f"{part}:")
    indent = "  " * len(section.split("."))
    key = next(i for i in range(start + 1, len(lines)) if re.match(rf"^{indent}{re.escape(name)}:", lines[i]))
    return key + (2 if is_list else 1)


def _load(models: Path, data: dict[str, Any]) -> tuple[list[Issue], str]:
    text = yaml.safe_dump(data, sort_keys=False, width=1 << 20, allow_unicode=True)
    return load_source(models / "paths-test.yaml", text).issues, text


def _escapes(issues: list[Issue], path: str) -> list[Issue]:
    return [i for i in issues if i.path == path and i.severity == "error" and ("inside the repository" in (i.allowed or "") or "symbolic link" in i.message)]


CASES = [pytest.param(cls.__name__, section, name, id=f"{section}.{name}:{cls.__name__}") for section, cls, name, _kind in FIELDS]


@pytest.mark.parametrize(("cls_name", "section", "name"), CASES)
def test_base_is_valid(tree: Path, cls_name: str, section: str, name: str) -> None:
    issues, _text = _load(tree, {"name": "paths-test", **BASES[_base_key(section, cls_name)]})
    assert [i.format() for i in issues if i.severity == "error"] == []


@pytest.mark.parametrize(("cls_name", "section", "name"), CASES)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=ESCAPING)
def test_escaping_paths_are_rejected_at_their_line(tree: Path, cls_name: str, section: str, name: str, value: str) -> None:
    data, path = _place(cls_name, section, name, value)
    issues, text = _load(tree, data)
    found = _escapes(issues, path)
    assert found, f"{value!r} at {path} was not refused: {[i.format() for i in issues]}"
    assert {i.line for i in found} == {_line_of(text, section, name, path.endswith("]"))}
    assert all(str(tree.parent.parent) in (i.allowed or "") for i in found), "the message names the repository root"


@pytest.mark.parametrize(("cls_name", "section", "name"), CASES)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=INSIDE)
def test_paths_inside_the_repository_are_accepted(tree: Path, cls_name: str, section: str, name: str, value: str) -> None:
    data, path = _place(cls_name, section, name, value)
    issues, _text = _load(tree, data)
    assert _escapes(issues, path) == [], [i.format() for i in issues]


def test_shared_code_beside_the_catalog_is_valid(tree: Path) -> None:
    data = {"name": "paths-test", **copy.deepcopy(BASES["MXNetEstimator"])}
    data["estimator"].update(source_dir="../shared-code", dependencies=["../../tools", "in-link"])
    issues, _text = _load(tree, data)
    assert [i.format() for i in issues if i.severity == "error"] == []


def test_code_paths_resolve_against_source_dir(tree: Path) -> None:
    data = {"name": "paths-test", **copy.deepcopy(BASES["TensorFlowEstimator"])}
    data["estimator"].update(source_dir="code", entry_point="../../../../etc/passwd")  # inside from models/, outside from models/code/
    issues, _text = _load(tree, data)
    found = _escapes(issues, "estimator.entry_point")
    assert found and "relative to source_dir" in (found[0].allowed or "")
    data["estimator"].update(entry_point="../code/train.py")
    assert _escapes(_load(tree, data)[0], "estimator.entry_point") == []


def test_an_escaping_source_dir_is_reported_once(tree: Path) -> None:
    data = {"name": "paths-test", **copy.deepcopy(BASES["TensorFlowEstimator"])}
    data["estimator"]["source_dir"] = "../../../outside"
    issues, _text = _load(tree, data)
    assert [i.path for i in issues if i.severity == "error"] == ["estimator.source_dir"]


def test_deploy_code_is_checked_against_the_training_source_dir(tree: Path) -> None:
    data = {"name": "paths-test", **copy.deepcopy(BASES["Deploy"])}
    data["estimator"]["source_dir"] = "code"
    data["deploy"]["entry_point"] = "../../../../x.py"  # inside from models/, outside from models/code/
    assert _escapes(_load(tree, data)[0], "deploy.entry_point")


def test_s3_source_dir_is_not_a_local_path(tree: Path) -> None:
    data = {"name": "paths-test", **copy.deepcopy(BASES["MXNetEstimator"])}
    data["estimator"]["source_dir"] = "s3://sagestack-test/code/sourcedir.tar.gz"
    assert [i.format() for i in _load(tree, data)[0] if i.severity == "error"] == []


def test_nul_character_is_refused(tree: Path) -> None:
    assert path_problem("train\0.py", tree, tree.parent.parent) is not None


# ----------------------------------------------------------------------------------------
# The repository root
# ----------------------------------------------------------------------------------------


def test_root_is_the_nearest_cdk_app(tmp_path: Path) -> None:
    app = tmp_path / "work" / "app"
    (app / "infra" / "models").mkdir(parents=True)
    (tmp_path / "work" / ".git").mkdir()
    (app / "cdk.json").write_text("{}")
    assert repository_root(app / "infra" / "models") == app


def test_root_is_the_git_work_tree_without_a_cdk_app(tmp_path: Path) -> None:
    (tmp_path / "cdk.json").write_text("{}")  # above the work tree: not this repository's
    repo = tmp_path / "repo"
    (repo / "models").mkdir(parents=True)
    (repo / ".git").write_text("gitdir: elsewhere\n")  # a worktree's .git is a file
    assert repository_root(repo / "models") == repo


def test_root_is_the_descriptor_directory_otherwise(tmp_path: Path) -> None:
    assert repository_root(tmp_path) == tmp_path


def test_library_callers_pass_the_root(tree: Path) -> None:
    data = {"name": "paths-test", **copy.deepcopy(BASES["MXNetEstimator"])}
    data["estimator"]["source_dir"] = "../shared-code"
    assert descriptor_from_dict(data, base_dir=tree).root == tree.parent.parent
    with pytest.raises(DescriptorError) as raised:
        descriptor_from_dict(data, base_dir=tree, root=tree)  # ../shared-code is outside this root
    assert [i.path for i in raised.value.issues] == ["estimator.source_dir"]
    assert descriptor_from_dict(data, base_dir=tree, root=tree.parent).root == tree.parent.resolve()


def test_a_root_reached_through_a_link_compares_by_either_name(tmp_path: Path) -> None:
    (tmp_path / "real" / "repo" / "models").mkdir(parents=True)
    os.symlink(tmp_path / "real", tmp_path / "alias")
    real, alias = tmp_path / "real" / "repo", tmp_path / "alias" / "repo"
    assert path_problem("../code", alias / "models", real) is None
    assert path_problem("../code", real / "models", alias) is None
    assert path_problem("../../code", alias / "models", real) is not None
