"""The built-in algorithms whose fields come from the SDK's hp() declarations
(FactorizationMachines, RandomCutForest, NTM, LDA, KNN, Object2Vec, IPInsights): the generated
data matches the installed SDK, a value the SDK would refuse is an error at its own line and
field naming what is allowed, and compliant descriptors have none."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sagestack.descriptor.issues import Issue
from sagestack.descriptor.loader import load_descriptor

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "generate_builtin_hyperparameters.py"

RECORDS = """\
fit:
  inputs:
    s3_data: s3://sagestack-test/records/train.manifest
    num_records: 20000
    feature_dim: 50
"""


def _load(tmp_path: Path, text: str) -> list[Issue]:
    path = tmp_path / "d.yaml"
    path.write_text(text)
    return load_descriptor(path).issues


def _estimator(type_and_fields: str, fit: str = RECORDS) -> str:
    return f"name: builtin-test\nestimator:\n  instance_type: ml.m5.xlarge\n{type_and_fields}{fit}"


def test_the_generated_data_is_in_sync_with_the_installed_sdk() -> None:
    result = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr


COMPLIANT = {
    "FactorizationMachines": "  type: FactorizationMachines\n  num_factors: 4\n  predictor_type: regressor\n",
    "RandomCutForest": "  type: RandomCutForest\n  num_trees: 50\n",
    "NTM": "  type: NTM\n  num_topics: 2\n  encoder_layers: [10, 5]\n",
    "LDA": "  type: LDA\n  num_topics: 3\n",
    "KNN": "  type: KNN\n  k: 3\n  sample_size: 100\n  predictor_type: classifier\n",
    "Object2Vec": "  type: Object2Vec\n  epochs: 1\n  enc0_max_seq_len: 5\n  enc0_vocab_size: 10\n  comparator_list: hadamard, concat\n",
    "IPInsights": "  type: IPInsights\n  num_entity_vectors: 10\n  vector_dim: 4\n",
}


@pytest.mark.parametrize("kind", sorted(COMPLIANT))
def test_compliant_descriptors_have_no_issues(tmp_path: Path, kind: str) -> None:
    fit = RECORDS + "  mini_batch_size: 100\n" if kind == "LDA" else RECORDS
    assert _load(tmp_path, _estimator(COMPLIANT[kind], fit)) == []


# (estimator lines, fit lines, path, line, fragment of message or allowed)
CASES = [
    ("  type: RandomCutForest\n  num_trees: 10\n", RECORDS, "estimator.num_trees", 5, ">= 50"),
    ("  type: NTM\n  num_topics: 2\n  optimizer: adamw\n", RECORDS, "estimator.optimizer", 6, "adadelta"),
    ("  type: KNN\n  k: 3\n  predictor_type: classifier\n", RECORDS, "estimator.sample_size", 2, "required"),
    ("  type: Object2Vec\n  epochs: 1\n  enc0_max_seq_len: 5\n  enc0_vocab_size: 10\n  comparator_list: hadamard,dot\n", RECORDS, "estimator.comparator_list", 8, "abs_diff, concat, hadamard"),
    ("  type: IPInsights\n  num_entity_vectors: 10\n  vector_dim: 5000\n", RECORDS, "estimator.vector_dim", 6, "<= 4096"),
    ("  type: FactorizationMachines\n  num_factors: 4\n  predictor_type: multiclass\n", RECORDS, "estimator.predictor_type", 6, "binary_classifier"),
    # what fit() sets is checked like a hyperparameter
    ("  type: RandomCutForest\n", RECORDS.replace("feature_dim: 50", "feature_dim: 20000"), "fit.inputs.feature_dim", 9, "<= 10000"),
    ("  type: RandomCutForest\n", RECORDS + "  mini_batch_size: 500\n", "fit.mini_batch_size", 10, "1000"),
    ("  type: NTM\n  num_topics: 2\n", RECORDS + "  mini_batch_size: 15000\n", "fit.mini_batch_size", 11, "<= 10000"),
    ("  type: Object2Vec\n  epochs: 1\n  enc0_max_seq_len: 5\n  enc0_vocab_size: 10\n", RECORDS + "  mini_batch_size: 12000\n", "fit.mini_batch_size", 13, "<= 10000"),
    ("  type: IPInsights\n  num_entity_vectors: 10\n  vector_dim: 4\n", RECORDS.replace("20000", "900000") + "  mini_batch_size: 600000\n", "fit.mini_batch_size", 12, "<= 500000"),
    ("  type: LDA\n  num_topics: 3\n", RECORDS, "fit.mini_batch_size", 6, "needs mini_batch_size"),
    ("  type: LDA\n  num_topics: 3\n  instance_count: 2\n", RECORDS + "  mini_batch_size: 10\n", "estimator.instance_count", 6, "single instance"),
    ("  type: KNN\n  k: 3\n  sample_size: 10\n  predictor_type: regressor\n  dimension_reduction_type: sign\n", RECORDS, "estimator.dimension_reduction_target", 2, "required when"),
]


@pytest.mark.parametrize(("estimator", "fit", "path", "line", "fragment"), CASES, ids=[f"{c[2]}:{c[4]}" for c in CASES])
def test_what_the_sdk_refuses_is_an_error_at_its_line(tmp_path: Path, estimator: str, fit: str, path: str, line: int, fragment: str) -> None:
    issues = [i for i in _load(tmp_path, _estimator(estimator, fit)) if i.severity == "error"]
    assert [(i.path, i.line) for i in issues] == [(path, line)], [i.format() for i in issues]
    assert fragment in f"{issues[0].message} {issues[0].allowed}", issues[0].format()


def test_object2vec_constructor_mini_batch_is_a_warning(tmp_path: Path) -> None:
    issues = _load(tmp_path, _estimator(COMPLIANT["Object2Vec"] + "  mini_batch_size: 16\n"))
    assert [(i.path, i.severity) for i in issues] == [("estimator.mini_batch_size", "warning")]
