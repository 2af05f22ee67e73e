"""Run a definition locally with aws-local-stepfunctions (tests/pipeline/harness.mjs)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from ..conftest import REPO_ROOT

HARNESS = Path(__file__).with_name("harness.mjs")


def run(definition: dict[str, Any], tasks: dict[str, list[dict[str, Any]]], input: Any = None) -> dict[str, Any]:
    """Execute ``definition``; each Task named in ``tasks`` answers with its scripted responses."""
    spec = {"definition": definition, "input": input or {}, "tasks": tasks}
    env = {**os.environ, "SAGESTACK_PYTHON": sys.executable}
    proc = subprocess.run(["node", str(HARNESS)], input=json.dumps(spec), capture_output=True, text=True, cwd=REPO_ROOT, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def asl_problems(path: Path) -> str:
    """asl-validator's complaints about a definition file (empty when valid)."""
    proc = subprocess.run(["npx", "--no-install", "asl-validator", "--json-path", str(path)], capture_output=True, text=True, cwd=REPO_ROOT, timeout=120)
    return "" if proc.returncode == 0 else proc.stdout + proc.stderr


def resolve(value: Any) -> str:
    """A synthesized string with its CloudFormation functions replaced by example values."""
    if isinstance(value, str):
        return value
    if "Fn::Join" in value:
        sep, parts = value["Fn::Join"]
        return sep.join(resolve(p) for p in parts)
    if "Ref" in value:
        return {"AWS::Partition": "aws", "AWS::AccountId": "123456789012", "AWS::Region": "us-east-1"}.get(value["Ref"], f"ref-{value['Ref'].lower()}")
    if "Fn::GetAtt" in value:
        logical, attribute = value["Fn::GetAtt"]
        return f"arn:aws:iam::123456789012:role/{logical}" if attribute == "Arn" else f"{logical}-{attribute}".lower()
    if "Fn::Sub" in value:
        return value["Fn::Sub"].replace("${AWS::Partition}", "aws").replace("${AWS::Region}", "us-east-1").replace("${AWS::AccountId}", "123456789012")
    if "Fn::ImportValue" in value:  # the shared stack's exports
        export = value["Fn::ImportValue"].rsplit(":", 1)[1]
        return {
            "ArtifactBucketName": "shared-artifacts",
            "TopicArn": "arn:aws:sns:us-east-1:123456789012:shared-runs",
            "KeyArn": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        }[export]
    raise AssertionError(f"unexpected {value}")


def synthesized_definition(machine: dict[str, Any]) -> dict[str, Any]:
    """A synthesized state machine's definition (its Properties), with every substitution resolved."""
    text = machine["DefinitionString"]
    for name, value in machine["DefinitionSubstitutions"].items():
        text = text.replace("${" + name + "}", resolve(value))
    assert "${" not in text
    return dict(json.loads(text))
