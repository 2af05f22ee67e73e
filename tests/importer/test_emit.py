"""The YAML writer: what it writes reads back as the same data, in the same order, with the
comments where they were asked for and the line of every key."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from sagestack.importer.emit import emit

TRICKY: dict[str, Any] = {
    "name": "x",
    "estimator": {
        "type": "TensorFlow",
        "framework_version": "2.10",  # a float to YAML unless quoted
        "version": "1.7-1",
        "flag": "on",  # YAML 1.1's boolean unless quoted
        "learning_rate": 5e-05,
        "count": 3,
        "none": None,
        "yes": True,
        "regex": "val_accuracy: ([0-9\\.]+)",
        "hash": "a # not a comment",
        "multi": "line one\nline two",
        "quote": "it's \"quoted\"",
        "unicode": "größe",
        "empty_list": [],
        "empty_map": {},
        "metric_definitions": [{"Name": "a:b", "Regex": "x"}, {"Name": "c", "Regex": "y: ([0-9]+)", "Nested": {"k": [1, 2]}}],
        "nested": [[1, 2], ["a"]],
        "weird key: with colon": 1,
        "123": "numeric key",
    },
}


def test_what_is_written_reads_back_as_the_same_data_in_order() -> None:
    text, _lines = emit(TRICKY)
    back = yaml.safe_load(text)
    assert back == TRICKY
    assert list(back["estimator"]) == list(TRICKY["estimator"])


def test_comments_header_and_lines() -> None:
    data = {"name": "x", "fit": {"inputs": {"train": "<unresolved>", "test": "s3://b/t"}}, "deploy": {"variants": [{"variant_name": "a", "instance_type": "ml.m5.large"}]}}
    comments = {("fit", "inputs", "train"): "unresolved: train (cell 4, line 1)", ("fit",): "estimator.fit(...)", ("deploy", "variants", 0, "instance_type"): "t"}
    text, lines = emit(data, comments=comments, header=["Imported from nb.ipynb", ""], blank_before=frozenset({"fit", "deploy"}))
    rows = text.splitlines()
    assert rows[:2] == ["# Imported from nb.ipynb", "#"]
    assert rows[lines[("fit", "inputs", "train")] - 1] == "    train: <unresolved>  # unresolved: train (cell 4, line 1)"
    assert rows[lines[("fit",)] - 1] == "fit:  # estimator.fit(...)"
    assert rows[lines[("fit",)] - 2] == ""  # a blank line before each section
    assert rows[lines[("deploy", "variants", 0)] - 1] == "    - variant_name: a"
    assert rows[lines[("deploy", "variants", 0, "instance_type")] - 1] == "      instance_type: ml.m5.large  # t"
    assert yaml.safe_load(text) == data


@pytest.mark.parametrize("value", ["2.10", "1.0", "null", "~", "true", "no", "0x1F", "-", "@x", "*a", "&a", "!tag", "%x", "`x", "'", '"', "[x]", "{x}", " lead", "trail ", ""])
def test_strings_that_look_like_something_else_stay_strings(value: str) -> None:
    text, _ = emit({"k": value, "l": [value]})
    assert yaml.safe_load(text) == {"k": value, "l": [value]}
