"""Reading YAML: bounded expansion and depth, YAML's merge rules, keys as written, empty files,
syntax and encoding errors at the line that causes them — each reported at its line while every
other file of the directory is still read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sagestack.descriptor.loader import YAML_MAX_DEPTH, YAML_MAX_VALUES, _read_yaml, load_catalog, load_descriptor
from sagestack.descriptor.loader import _load_yaml_chunk as _CHUNK

MODEL = """name: {name}
model:
  type: Model
  image_uri: 123456789012.dkr.ecr.us-east-1.amazonaws.com/serve:1
  model_data: s3://sagestack-test/m.tar.gz
deploy:
  initial_instance_count: 1
  instance_type: ml.m5.large
"""


def _issues(tmp_path: Path, text: str | bytes) -> list[tuple[int, str, str]]:
    path = tmp_path / "file.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return [(i.line, i.path, i.message) for i in load_descriptor(path).issues]


def _bomb(levels: int) -> str:
    body = ['  a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    body += [f"  a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return MODEL.format(name="bomb") + "tags:\n" + "\n".join(body) + "\n"


def test_an_alias_bomb_stops_at_the_bound(tmp_path: Path) -> None:
    issues = _issues(tmp_path, _bomb(9))  # 9 ** 9 values if expanded
    assert len(issues) == 1 and f"past {YAML_MAX_VALUES} values" in issues[0][2]
    assert issues[0][0] in range(10, 20)


@pytest.mark.parametrize("nesting", ["x: " + "[" * 500 + "]" * 500, "".join("  " * i + f"k{i}:\n" for i in range(300)) + "  " * 300 + "v: 1"])
def test_deep_nesting_is_one_problem_at_its_line(tmp_path: Path, nesting: str) -> None:
    issues = _issues(tmp_path, "name: deep\n" + nesting + "\n")
    assert issues == [(issues[0][0], "<root>", f"nested deeper than {YAML_MAX_DEPTH} levels")]
    assert issues[0][0] >= 2


@pytest.mark.parametrize("text", ["name: x\nestimator: &e\n  type: Estimator\n  x: *e\n", "name: x\ntags: &t [1, *t]\n", "name: x\nmodel: &m\n  <<: *m\n"])
def test_an_alias_that_contains_itself_is_reported(tmp_path: Path, text: str) -> None:
    issues = _issues(tmp_path, text)
    assert len(issues) == 1 and ("contains it" in issues[0][2]), issues


def test_merge_keys_follow_yaml_merge_rules(tmp_path: Path) -> None:
    text = MODEL.format(name="merged") + """  env: &env
    A: "1"
    B: "1"
""".replace("  env", "  volume_size: 10\n  env", 0)
    text = MODEL.format(name="merged").replace("deploy:\n", 'deploy:\n  env: {<<: [*one, *two], C: "own"}\n').replace(
        "model:\n", 'model:\n  env: &one {A: "one", C: "one"}\n'
    ).replace("name: merged\n", 'name: merged\ndescription: &two "x"\n')
    # a merge source must be a mapping: the scalar anchor is refused at its line
    issues = _issues(tmp_path, text)
    assert any("merge key (<<) takes a mapping" in m for _l, _p, m in issues), issues
    good = MODEL.format(name="merged") + 'tags:\n  - &one {Key: "one", Value: "one"}\n  - {<<: [*one, {Key: "two", Value: "two"}], Value: "own"}\n'
    path = tmp_path / "good.yaml"
    path.write_text(good)
    result = load_descriptor(path)
    assert result.descriptor is not None, result.issues
    # own keys win over merged ones, an earlier merge source over a later one
    assert [t.model_dump() for t in result.descriptor.tags] == [{"Key": "one", "Value": "one"}, {"Key": "one", "Value": "own"}]


def test_keys_are_taken_as_written() -> None:
    data, _lines, issues = _read_yaml("hyperparameters: {on: 1, off: 2, yes: 3, 1.0: 4, ~: 5, 'quoted': 6}\n", "f.yaml")
    assert not issues
    assert data == {"hyperparameters": {"on": 1, "off": 2, "yes": 3, "1.0": 4, "~": 5, "quoted": 6}}


@pytest.mark.parametrize("text", ["", "---\n", "~\n", "# only a comment\n", "--- ~\n"])
def test_a_file_without_a_descriptor_is_an_error(tmp_path: Path, text: str) -> None:
    issues = _issues(tmp_path, text)
    assert len(issues) == 1 and "holds no descriptor" in issues[0][2]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("name: x\nmodel: {type: Model,\n  image_uri: 'abc\n\nfit:\n  inputs: s3://a/b\n", 3),  # unclosed quote
        ("name: x\ntags: [1, 2\nfit:\n  inputs: s3://a/b\nmore: 1\n", 2),  # unclosed bracket
        ("name: x\nmodel: {type: Model\nfit: 1\n", 2),
    ],
)
def test_syntax_errors_point_at_what_is_left_open(tmp_path: Path, text: str, line: int) -> None:
    issues = _issues(tmp_path, text)
    assert len(issues) == 1 and issues[0][0] == line and issues[0][2].startswith("YAML syntax error"), issues


def test_encoding_errors_give_the_line(tmp_path: Path) -> None:
    issues = _issues(tmp_path, b"name: x\n\ndescription: caf\xe9\n")
    assert issues[0][0] == 3 and "not UTF-8" in issues[0][2] and "column 17" in issues[0][2]


def test_every_other_file_is_still_read(tmp_path: Path) -> None:
    (tmp_path / "a-bomb.yaml").write_text(_bomb(9))
    (tmp_path / "b-deep.yaml").write_text("name: deep\nx: " + "[" * 500 + "]" * 500 + "\n")
    (tmp_path / "c-self.yaml").write_text("name: x\ntags: &t [1, *t]\n")
    (tmp_path / "d-good.yaml").write_text(MODEL.format(name="good"))
    catalog = load_catalog([tmp_path])
    assert [d.name for d in catalog.descriptors] == ["good"]
    assert sorted({Path(i.file).name for i in catalog.errors}) == ["a-bomb.yaml", "b-deep.yaml", "c-self.yaml"]


def _ic(name: str, endpoint: str, *, owner: bool) -> str:
    count = "  initial_instance_count: 1\n" if owner else ""
    return (
        f"name: {name}\nmodel:\n  type: Model\n  image_uri: 123456789012.dkr.ecr.us-east-1.amazonaws.com/serve:1\n  model_data: s3://sagestack-test/m.tar.gz\n"
        f"deploy:\n  endpoint_type: inference-component-based\n  endpoint_name: {endpoint}\n  instance_type: ml.m5.xlarge\n{count}  resources: {{requests: {{memory: 512}}}}\n"
    )


def test_components_share_an_endpoint_that_only_one_descriptor_creates(tmp_path: Path) -> None:
    """Several descriptors may add their component to one endpoint; only one creates it, and the
    endpoint they join must not be a model-based one of this catalog."""
    (tmp_path / "a-owner.yaml").write_text(_ic("owner", "shared", owner=True))
    (tmp_path / "b-joins.yaml").write_text(_ic("joins", "shared", owner=False))
    (tmp_path / "c-joins.yaml").write_text(_ic("joins-too", "shared", owner=False))
    (tmp_path / "d-elsewhere.yaml").write_text(_ic("elsewhere", "created-outside", owner=False))
    assert load_catalog([tmp_path]).ok()
    (tmp_path / "e-second-owner.yaml").write_text(_ic("second-owner", "shared", owner=True))
    (tmp_path / "f-plain.yaml").write_text(MODEL.format(name="plain").replace("deploy:\n", "deploy:\n  endpoint_name: plain-endpoint\n"))
    (tmp_path / "g-joins-plain.yaml").write_text(_ic("joins-plain", "plain-endpoint", owner=False))
    catalog = load_catalog([tmp_path])
    messages = sorted((Path(i.file).name, i.path, i.message.replace(str(Path(i.file).parent), "<dir>")) for i in catalog.errors)
    assert [(name, path) for name, path, _ in messages] == [("e-second-owner.yaml", "deploy.endpoint_name"), ("g-joins-plain.yaml", "deploy.endpoint_name")]
    assert messages[0][2].startswith("endpoint name already used by") and messages[0][2].endswith("a-owner.yaml")
    assert "f-plain.yaml, which is model-based: it holds no inference components" in messages[1][2]


PIPELINE_OWNER = """name: trained-owner
estimator:
  type: Estimator
  image_uri: {framework: xgboost, version: "1.7-1"}
  instance_count: 1
  instance_type: ml.m5.xlarge
fit:
  inputs: s3://sagestack-test/train
deploy:
  endpoint_type: inference-component-based
  endpoint_name: trained-shared
  instance_type: ml.m5.xlarge
  initial_instance_count: 1
  resources: {requests: {memory: 1024}}
"""


def test_a_model_component_cannot_join_an_endpoint_a_pipeline_creates(tmp_path: Path) -> None:
    """CloudFormation would add the model: descriptor's component at deploy time, before a run of
    the owner's pipeline has created the endpoint; a pipeline that joins it adds its component at
    run time, after the owner's run, so that one is fine."""
    (tmp_path / "a-owner.yaml").write_text(PIPELINE_OWNER)
    (tmp_path / "b-pipeline-joins.yaml").write_text(PIPELINE_OWNER.replace("trained-owner", "trained-joiner").replace("  initial_instance_count: 1\n", ""))
    assert load_catalog([tmp_path]).ok()
    (tmp_path / "c-model-joins.yaml").write_text(_ic("model-joins", "trained-shared", owner=False))
    catalog = load_catalog([tmp_path])
    [issue] = catalog.errors
    assert (Path(issue.file).name, issue.path, issue.line) == ("c-model-joins.yaml", "deploy.endpoint_name", 8)
    assert "which its pipeline creates at run time" in issue.message and issue.message.endswith("before a run has created it")
    assert [d.name for d in catalog.descriptors] == ["trained-owner", "trained-joiner"]


def _recording_chunk(items: Any, limits: Any) -> Any:
    """The loader's share of the validation, noting which process ran it (at module level: a
    forked worker receives the function by its name)."""
    import os

    (_recording_chunk.pids / str(os.getpid())).touch()  # type: ignore[attr-defined]
    return _CHUNK(items, limits)


def test_a_large_catalog_validates_the_same_in_several_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A catalog of PARALLEL_FROM files or more is validated by one process per core; the
    descriptors, their lines and every problem are the same, in the same order, as in one."""
    import os
    import shutil
    import sys

    import yaml

    from sagestack.descriptor.loader import PARALLEL_FROM, _parallel_workers

    from ..conftest import CATALOG

    for directory in (p for p in CATALOG.iterdir() if p.is_dir()):
        shutil.copytree(directory, tmp_path / directory.name)
    examples = sorted(CATALOG.glob("*.yaml"))
    for i in range(PARALLEL_FROM + 6):
        data = yaml.safe_load(examples[i % len(examples)].read_text())
        data["name"] = f"{data['name']}-{i}"
        if isinstance(data.get("deploy"), dict) and data["deploy"].get("endpoint_name"):
            data["deploy"]["endpoint_name"] += f"-{i}"
        if isinstance(data.get("add_model"), dict):
            data.pop("add_model")  # its endpoint is renamed too: not what this test is about
            data["deploy"] = {"instance_type": "ml.m5.large", "initial_instance_count": 1}
        text = yaml.safe_dump(data, sort_keys=False)
        if i % 9 == 0:
            text += "unknown_section: 1\n"  # a problem at a line of its own
        (tmp_path / f"m{i:03d}.yaml").write_text(text)
    from sagestack.descriptor import loader

    pids = tmp_path / "pids"
    pids.mkdir()
    one = load_catalog([tmp_path], workers=1)
    monkeypatch.setattr(loader, "_load_yaml_chunk", _recording_chunk)
    monkeypatch.setattr(_recording_chunk, "pids", pids, raising=False)
    several = load_catalog([tmp_path], workers=2)
    assert len(list(pids.iterdir())) == 2  # this process and a forked one
    assert [i.format() for i in one.issues] == [i.format() for i in several.issues]
    assert sum(i.path == "unknown_section" for i in one.errors) == len(range(0, PARALLEL_FROM + 6, 9))
    assert [d.model_dump() for d in one.descriptors] == [d.model_dump() for d in several.descriptors]
    assert [d.line_of("name") for d in one.descriptors] == [d.line_of("name") for d in several.descriptors]
    assert _parallel_workers(PARALLEL_FROM - 1, None) == 1 and _parallel_workers(10, 3) == 3
    if sys.platform == "linux" and (os.cpu_count() or 1) > 1:
        import threading

        assert _parallel_workers(PARALLEL_FROM, None) == (1 if threading.active_count() > 1 else min(os.cpu_count() or 1, 8))
    # What the app overlaps with validation (the CDK's start-up) starts once, after the workers
    # are forked (it may start threads, which a forked worker must not inherit); with one
    # process, or no YAML file at all, before validating.
    import multiprocessing

    seen: list[int] = []
    load_catalog([tmp_path], workers=2, meanwhile=lambda: seen.append(len(multiprocessing.active_children())))
    assert len(seen) == 1 and seen[0] >= 1
    for paths in ([tmp_path], []):
        seen.clear()
        load_catalog(paths, workers=1, meanwhile=lambda: seen.append(len(multiprocessing.active_children())))
        assert seen == [0]
