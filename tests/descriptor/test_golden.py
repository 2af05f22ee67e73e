"""The bad-file corpus gives exactly the golden lines (file:line: path: problem ...)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from sagestack.cli import app
from sagestack.descriptor import LINE_FORMAT

HERE = Path(__file__).parent


def test_bad_corpus_gives_golden_lines(monkeypatch) -> None:
    monkeypatch.chdir(HERE)
    result = CliRunner().invoke(app, ["validate", "bad"])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1
    expected = (HERE / "bad" / "golden.txt").read_text().splitlines()
    assert result.stdout.splitlines() == expected


def test_golden_lines_have_the_documented_format() -> None:
    lines = (HERE / "bad" / "golden.txt").read_text().splitlines()
    assert len(lines) >= 20
    for line in lines:
        assert LINE_FORMAT.match(line), line
    files = {line.split(":", 1)[0] for line in lines}
    assert len(files) == len(list((HERE / "bad").glob("*.yaml")) + list((HERE / "bad").glob("*.py")))


def test_every_problem_in_a_file_at_once() -> None:
    lines = [line for line in (HERE / "bad" / "golden.txt").read_text().splitlines() if line.startswith("bad/typos-and-types.yaml")]
    paths = [line.split(": ")[1] for line in lines]
    assert paths == [
        "name",
        "estimator.framework_version",
        "estimator.train_instance_type",
        "estimator.instance_count",
        "estimator.hyperparamters",
        "fit.inputs.train",  # the user wrote the URI as the channel value
        "deploy.wait",
    ]
