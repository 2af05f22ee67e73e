"""Round trip: each example of infra/models/ carries, in its header comment, the SDK notebook code
it mirrors. Imported, that code gives an equivalent descriptor: the same validated model, modulo
what no SDK call says (description, autoscaling, schedules, roles sagestack generates) and the
few fields an example sets beyond the code it quotes (listed here, with the examples whose code
cannot round-trip and why; docs/import.md repeats the list)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sagestack.descriptor.loader import load_descriptor, load_source
from sagestack.importer import import_notebook

from ..conftest import CATALOG

# What no notebook call says: sagestack's own additions.
SAGESTACK_ONLY = {"name", "description", "tags", "schedule", "notification_topic", "deploy.autoscaling", "deploy.deployment_config", "deploy.condition"}

# Fields an example sets beyond the notebook code its header quotes.
BEYOND_THE_HEADER: dict[str, set[str]] = {
    "hf-finetune": {"estimator.max_run", "estimator.metric_definitions"},
    "mnist-tf": {"estimator.max_run", "estimator.metric_definitions"},
    "mxnet-ps": {"estimator.max_run", "deploy.model_server_workers"},
    "pytorch-ddp": {"estimator.max_run", "estimator.metric_definitions"},
    "pytorch-pipeline": {"estimator.max_run"},
    "tf-horovod": {"estimator.max_run"},
    "tf-pipe": {"estimator.max_run", "estimator.volume_size"},
    "xgboost-shadow": {"deploy.shadow_variant"},  # no SDK call: the header quotes the first run's code and a later run's boto3 config
}

_RECORD_SET = "record_set() uploads a numpy array: the descriptor names the manifest, record count and feature count that upload produced"
# Examples whose header code cannot round-trip, and why.
CANNOT_ROUND_TRIP: dict[str, str] = {
    "byo-estimator": "the header uses KMS_KEY_ARN, a constant it does not define",
    "churn-byo-v1": "the header calls sagemaker.estimator.Estimator without importing sagemaker",
    "fm-clicks": _RECORD_SET,
    "kmeans": _RECORD_SET,
    "knn-neighbors": _RECORD_SET,
    "lda-topics": _RECORD_SET,
    "linear-learner": _RECORD_SET,
    "ntm-topics": _RECORD_SET,
    "pca-batch": _RECORD_SET,
    "rcf-anomaly": _RECORD_SET,
    "ipinsights-logins": "RecordSet(s3_uri, ...) over a name the header does not define (nor does it import RecordSet)",
    "object2vec-pairs": "RecordSet(s3_uri, ...) over a name the header does not define (nor does it import RecordSet)",
    "mnist-ab": "A/B variants through session.endpoint_from_production_variants, which the importer does not cover",
    "mnist-batch": "the header abbreviates its S3 URIs as s3://.../",
    "mnist-serving": "the header abbreviates its S3 URIs as s3://.../",
    "ic-shared-sklearn": "the header abbreviates its S3 URIs as s3://.../",
    "ic-shared-xgboost": "the header abbreviates its S3 URIs as s3://.../ and leaves out its imports (the ones ic-shared-sklearn shows)",
    "mnist-shadow": "shadow variants have no SDK call: the header is boto3's create_endpoint_config",
}

# Sections of an example the header shows but `sagestack import` does not read yet: the rest of
# the descriptor must round-trip.
NOT_IMPORTED: dict[str, tuple[tuple[str, ...], str]] = {
    "sklearn-store-forecast": (("add_model",), "MultiDataModel.add_model() after fit (the header's mme is sklearn-multi-model's)"),
}

EXAMPLES = sorted(p for p in CATALOG.iterdir() if p.suffix in (".yaml", ".py") and p.is_file())


def header_code(text: str) -> str:
    """The indented code block of a descriptor's header comment (``#   code``, blank ``#`` lines
    inside it), up to the first comment line of prose after it; the block after the line that
    introduces the code, when there is one (the prose before may quote a request)."""
    code: list[str] = []
    lines = text.splitlines()
    intro = next((n for n, line in enumerate(lines) if line.startswith("#") and "code this descriptor mirrors" in line), None)
    for line in lines[intro + 1 if intro is not None else 0 :]:
        if not line.startswith("#"):
            break
        if line.startswith("#   "):
            code.append(line[4:])
        elif code and line.strip() == "#":
            code.append("")
        elif code:
            break
    return "\n".join(code).strip() + "\n"


def _flat(value: Any, prefix: str = "") -> dict[str, Any]:
    """Sections' fields as dotted keys (one level into each section)."""
    out: dict[str, Any] = {}
    for key, item in value.items():
        if isinstance(item, dict) and not prefix:
            out.update({f"{key}.{k}": v for k, v in item.items()})
        else:
            out[f"{prefix}{key}"] = item
    return out


def _differences(imported: dict[str, Any], example: dict[str, Any]) -> set[str]:
    a, b = _flat(imported), _flat(example)
    return {key for key in set(a) | set(b) if a.get(key) != b.get(key) and key not in SAGESTACK_ONLY and key.split(".")[-1] != "role"}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_the_header_code_imports_to_an_equivalent_descriptor(example: Path) -> None:
    code = header_code(example.read_text())
    assert code.strip(), f"{example.name} has no notebook code in its header"
    # Imported as a script beside the example, so its local paths resolve as the example's do.
    result = import_notebook(example.with_name(f"{example.stem}.notebook.py"), example.parent, dry_run=True, text=code)
    if example.stem in CANNOT_ROUND_TRIP:
        assert result.status != "valid", f"{example.name} round-trips now: remove it from CANNOT_ROUND_TRIP"
        return
    assert result.status == "valid", [i.format() for d in result.descriptors for i in d.issues] + result.notes
    [item] = result.descriptors
    imported = load_source(item.path, item.text).descriptor
    expected = load_descriptor(example).descriptor
    assert imported is not None and expected is not None
    skipped = NOT_IMPORTED.get(example.stem, ((), ""))[0]
    differences = {key for key in _differences(imported.model_dump(), expected.model_dump()) if key.split(".")[0] not in skipped}
    assert differences == BEYOND_THE_HEADER.get(example.stem, set())
    assert all(getattr(imported, section) is None for section in skipped), f"{example.name} imports {skipped} now: remove it from NOT_IMPORTED"


def test_the_lists_name_only_examples_that_exist() -> None:
    stems = {p.stem for p in EXAMPLES}
    assert set(CANNOT_ROUND_TRIP) <= stems and set(BEYOND_THE_HEADER) <= stems and set(NOT_IMPORTED) <= stems
