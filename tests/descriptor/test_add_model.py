"""add_model: (MultiDataModel.add_model after each run): the section's own rules, and the catalog's
check of the multi-model endpoint it names — each problem at its line, all at once."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sagestack.descriptor import load_catalog
from sagestack.descriptor.add_model import destination, model_data_stem

from .helpers import assert_rule_case, issues_of, model_base
from .test_rules import _all, _del, _set

Mutation = Callable[[dict[str, Any]], None]


def sklearn_base() -> dict[str, Any]:
    """A scikit-learn training pipeline that adds its model to an endpoint outside the catalog."""
    return {
        "name": "store-0042",
        "estimator": {"type": "SKLearn", "entry_point": "train.py", "framework_version": "1.2-1", "instance_type": "ml.m5.large", "instance_count": 1},
        "fit": {"inputs": {"train": "s3://sagestack-test/train"}},
        "add_model": {"model_data_prefix": "s3://sagestack-test/stores/", "model_data_path": "store-0042.tar.gz"},
    }


def _add(**changes: Any) -> Mutation:
    def mutate(d: dict[str, Any]) -> None:
        d["add_model"].update(changes)

    return mutate


R = "add_model_fits_the_descriptor"
CASES: list[tuple[str, Callable[[], dict[str, Any]], Mutation, Mutation, str, str, str]] = [
    (R, model_base, _all(_del("deploy"), _set("add_model", {"model_data_prefix": "s3://sagestack-test/stores/"})), lambda d: None, "add_model", "trains none", "error"),
    (R, sklearn_base, _set("deploy", {"initial_instance_count": 1, "instance_type": "ml.m5.large"}), lambda d: None, "deploy", "add_model and deploy exclude each other", "error"),
    (R, sklearn_base, _all(_set("transformer", {"instance_type": "ml.m5.large", "instance_count": 1}), _set("transform", {"data": "s3://sagestack-test/in"})), lambda d: None, "transformer", "add_model and transformer exclude", "error"),
    (R, sklearn_base, _set("register", {"inference_instances": ["ml.m5.large"]}), lambda d: None, "register", "add_model and register exclude", "error"),
    (R, sklearn_base, _add(multi_data_model="stores"), lambda d: None, "add_model", "exactly one multi-model endpoint", "error"),
    (R, sklearn_base, _add(model_data_prefix=None), lambda d: None, "add_model", "exactly one multi-model endpoint", "error"),
    (R, sklearn_base, _add(model_data_path="/store-0042.tar.gz"), lambda d: None, "add_model.model_data_path", "no leading or trailing /", "error"),
    (R, sklearn_base, _add(model_data_path="stores/../0042.tar.gz"), _add(model_data_path="stores/0042.tar.gz"), "add_model.model_data_path", "no empty, . or .. parts", "error"),
    (R, sklearn_base, _add(model_data_path="store 42.tar.gz"), lambda d: None, "add_model.model_data_path", "safe characters", "error"),
    (R, sklearn_base, _add(model_data_prefix="s3://sagestack-test/" + "p" * 950), lambda d: None, "add_model.model_data_path", "exceed S3's 1024 bytes", "error"),
    # Served as the training job wrote it: no repacked inference code, no legacy container.
    (R, sklearn_base, _set("estimator", {"type": "PyTorch", "entry_point": "train.py", "framework_version": "2.3", "py_version": "py311", "instance_type": "ml.m5.large", "instance_count": 1}),
     _set("estimator", {"type": "TensorFlow", "entry_point": "train.py", "framework_version": "2.11", "py_version": "py39", "instance_type": "ml.m5.large", "instance_count": 1}), "add_model", "repacked into model.tar.gz", "error"),
    (R, sklearn_base, _set("estimator.enable_network_isolation", True), lambda d: None, "add_model", "network-isolated SKLearn", "error"),
]


@pytest.mark.parametrize(("rule", "base", "bad", "good", "path", "fragment", "severity"), CASES, ids=[f"{c[4]}:{c[5][:24]}" for c in CASES])
def test_rule(tmp_path, rule, base, bad, good, path, fragment, severity) -> None:
    assert_rule_case(tmp_path, rule, base, bad, good, path, fragment, severity)


def test_the_base_is_clean(tmp_path) -> None:
    assert issues_of(sklearn_base(), tmp_path) == []


def test_each_run_writes_a_key_of_its_own_under_the_stem(tmp_path) -> None:
    """<prefix key>/<stem>/ (the SDK's s3_path_join: one / between the parts), the stem
    model_data_path without .tar.gz, by default the descriptor's name."""
    assert destination("s3://b/stores/", "store-0042") == ("b", "stores/store-0042/")
    assert destination("s3://b/stores", "store-0042") == ("b", "stores/store-0042/")
    assert destination("s3://b", "x") == ("b", "x/")
    from sagestack.descriptor import validate_data

    (tmp_path / "train.py").write_text("print('train')\n")
    d = validate_data(sklearn_base(), file="t.yaml", source=tmp_path / "t.yaml").descriptor
    assert d is not None and model_data_stem(d) == "store-0042"
    data = sklearn_base()
    data["add_model"].pop("model_data_path")
    d = validate_data(data, file="t.yaml", source=tmp_path / "t.yaml").descriptor
    assert d is not None and model_data_stem(d) == "store-0042" and d.add_model.model_data_path is None  # the name
    assert d.kind == "train SKLearn + add to multi-model"


MME = """\
name: stores
model:
  type: MultiDataModel
  model_data_prefix: s3://sagestack-test/stores/
  model:
    type: SKLearnModel
    framework_version: "1.2-1"
    entry_point: train.py
deploy: {initial_instance_count: 1, instance_type: ml.c5.xlarge}
"""
TRAINER = """\
name: {name}
estimator:
  type: {type}
  entry_point: train.py
  framework_version: "{version}"
  instance_type: ml.m5.large
  instance_count: 1
fit:
  inputs: s3://sagestack-test/train
add_model:
  multi_data_model: {target}
"""


def _catalog(tmp_path: Path, files: dict[str, str]) -> list[str]:
    (tmp_path / "train.py").write_text("print('train')\n")
    for name, text in files.items():
        (tmp_path / name).write_text(textwrap.dedent(text))
    return [Path(i.file).name + i.format()[len(i.file):] for i in load_catalog([tmp_path]).issues]


def test_a_catalog_endpoint_serves_the_trained_archive(tmp_path) -> None:
    issues = _catalog(tmp_path, {"stores.yaml": MME, "trainer.yaml": TRAINER.format(name="trainer", type="SKLearn", version="1.2-1", target="stores")})
    assert issues == []


def test_every_catalog_problem_at_its_line_at_once(tmp_path) -> None:
    """A name no descriptor has, a descriptor that is no multi-model endpoint, another framework's
    endpoint (an error) and another version of the same framework (a warning), each at the line of
    add_model.multi_data_model in its file."""
    files = {
        "stores.yaml": MME,
        "single.yaml": "name: single\nmodel: {type: SKLearnModel, model_data: 's3://sagestack-test/m.tar.gz', framework_version: '1.2-1', entry_point: train.py}\ndeploy: {initial_instance_count: 1, instance_type: ml.m5.large}\n",
        "a.yaml": TRAINER.format(name="a", type="SKLearn", version="1.2-1", target="nowhere"),
        "b.yaml": TRAINER.format(name="b", type="SKLearn", version="1.2-1", target="single"),
        "c.yaml": TRAINER.format(name="c", type="XGBoost", version="1.7-1", target="stores"),
        "d.yaml": TRAINER.format(name="d", type="SKLearn", version="1.0-1", target="stores"),
    }
    issues = _catalog(tmp_path, files)
    line = TRAINER.splitlines().index("  multi_data_model: {target}") + 1
    assert issues == [
        f"a.yaml:{line}: add_model.multi_data_model: names no descriptor of the catalog (allowed: stores; got: nowhere)",
        f"b.yaml:{line}: add_model.multi_data_model: names single, which is not a multi-model endpoint (SKLearnModel + deploy: a model.type MultiDataModel is) (allowed: stores; got: single)",
        f"c.yaml:{line}: add_model.multi_data_model: the multi-model endpoint stores serves SKLearnModel archives (sklearn), and this descriptor trains XGBoost (xgboost) (allowed: a MultiDataModel serving XGBoost models; got: stores (SKLearnModel))",
        f"d.yaml:{line}: add_model.multi_data_model: warning: trained with sklearn 1.0-1, served by stores's sklearn 1.2-1: a model saved by one version may not load in another (allowed: 1.2-1; got: 1.0-1)",
    ]
    catalog = load_catalog([tmp_path])
    assert sorted(d.name for d in catalog.descriptors) == ["d", "single", "stores"]  # a warning keeps its descriptor


def test_an_endpoint_of_your_own_image_is_trusted(tmp_path) -> None:
    own = MME.replace("  model:\n    type: SKLearnModel\n    framework_version: \"1.2-1\"\n    entry_point: train.py\n", "  image_uri: 123456789012.dkr.ecr.us-east-1.amazonaws.com/mme:1\n")
    assert _catalog(tmp_path, {"stores.yaml": own, "c.yaml": TRAINER.format(name="c", type="XGBoost", version="1.7-1", target="stores")}) == []


def test_the_sections_problems_at_their_lines_at_once(tmp_path) -> None:
    text = textwrap.dedent("""\
        name: both
        estimator: {type: SKLearn, entry_point: train.py, framework_version: "1.2-1", instance_type: ml.m5.large, enable_network_isolation: true}
        fit: {inputs: "s3://sagestack-test/train"}
        deploy: {initial_instance_count: 1, instance_type: ml.m5.large}
        add_model:
          multi_data_model: stores
          model_data_prefix: s3://sagestack-test/stores/
          model_data_path: /x.tar.gz
        """)
    issues = _catalog(tmp_path, {"both.yaml": text})
    assert [i.split(" (allowed")[0].split(": ", 2)[0:2] for i in issues] == [
        ["both.yaml:4", "deploy"], ["both.yaml:5", "add_model"], ["both.yaml:5", "add_model"], ["both.yaml:8", "add_model.model_data_path"],
    ], issues
