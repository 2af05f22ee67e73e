"""A template does not depend on when its CDK tokens were made. A token's text holds a number
from a counter that runs for the whole process, so an app that makes more or fewer tokens first
(a platform team's own constructs, another model before this one) numbers them differently, and
ordering a policy's resources by their raw text would reorder them: a spurious change in every
`cdk diff`. sagestack orders them with the tokens blinded, keeping first-seen order among values
that differ only in their tokens."""

from __future__ import annotations

import json
import subprocess
import sys

from sagestack.render.context import stable_sorted, token_blind

from ..conftest import REPO_ROOT

# Two pairs of buckets known only at deploy time (imported names): the first pair's token
# numbers straddle a change of digit count (999, 1000), where text order and creation order
# disagree; the second pair's do not (1001, 1002).
SCRIPT = r"""
import json, re, sys
import aws_cdk as cdk
from aws_cdk import assertions
from sagestack.hosting.role import ModelExecutionRole

app = cdk.App()
stack = cdk.Stack(app, "roles", env=cdk.Environment(account="123456789012", region="us-east-1"))
number = lambda token: int(re.search(r"TOKEN\.(\d+)", token).group(1))
while number(cdk.Fn.import_value("probe")) < 998:  # the next import is token 999
    pass
pairs = [(cdk.Fn.import_value("first-a"), cdk.Fn.import_value("first-b")), (cdk.Fn.import_value("second-a"), cdk.Fn.import_value("second-b"))]
assert [number(t) for pair in pairs for t in pair] == [999, 1000, 1001, 1002], [number(t) for pair in pairs for t in pair]
for index, (a, b) in enumerate(pairs):
    ModelExecutionRole(stack, f"Role{index}", model_data=[f"s3://{a}/m.tar.gz", f"s3://{b}/m.tar.gz"], images=[], endpoint_name=f"endpoint-{index}")
resources = assertions.Template.from_stack(stack).to_json()["Resources"]
order = []
for logical_id in sorted(resources):
    if resources[logical_id]["Type"] == "AWS::IAM::Role":
        [reads] = [s for s in resources[logical_id]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"] if s["Action"] == "s3:GetObject"]
        order.append([part["Fn::ImportValue"] for arn in reads["Resource"] for part in arn["Fn::Join"][1] if isinstance(part, dict) and "Fn::ImportValue" in part])
print(json.dumps(order))
"""


def test_a_policy_keeps_its_order_wherever_its_tokens_are_numbered() -> None:
    """In a process of its own, so the token numbers are the ones the script arranges."""
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300, cwd=REPO_ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == [["first-a", "first-b"], ["second-a", "second-b"]]


def test_token_blind_order() -> None:
    a, b = "arn:aws:s3:::${Token[TOKEN.1002]}/model/*", "arn:aws:s3:::${Token[TOKEN.99]}/model/*"
    assert token_blind(a) == token_blind(b) == "arn:aws:s3:::\x00/model/*"
    assert stable_sorted([a, b, a]) == [a, b] and stable_sorted([b, a]) == [b, a]  # ties: first seen
    assert stable_sorted(["arn:aws:s3:::z/k", b, "arn:aws:s3:::a/k"]) == [b, "arn:aws:s3:::a/k", "arn:aws:s3:::z/k"]
