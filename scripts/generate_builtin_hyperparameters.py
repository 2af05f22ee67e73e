"""Write the built-in algorithms' hyperparameters as data, read from the installed SageMaker SDK.

    .venv/bin/python scripts/generate_builtin_hyperparameters.py          # write the file
    .venv/bin/python scripts/generate_builtin_hyperparameters.py --check  # exit 1 if it differs

Each ``sagemaker.amazon`` estimator declares its hyperparameters as ``Hyperparameter`` descriptors
(``sagemaker/amazon/hyperparameter.py``): the key sent, the type it is converted to and validation
functions (``sagemaker/amazon/validation.py``: gt, ge, lt, le, isin; Object2Vec's own
_list_check_subset). This script reads them — the functions' bounds from their closures — with
the constructor's documentation of each argument, the image repository and version and the
class's mini-batch constants, and writes
``constructs/sagestack/descriptor/kinds/_builtin_hyperparameters.json`` (sorted keys, so the same
SDK gives the same bytes). The kind modules build their fields from that file.
"""

from __future__ import annotations

import importlib
import inspect
import json
import logging
import re
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "constructs" / "sagestack" / "descriptor" / "kinds" / "_builtin_hyperparameters.json"

# type: value → the SDK class.
CLASSES = {
    "FactorizationMachines": "sagemaker.amazon.factorization_machines.FactorizationMachines",
    "IPInsights": "sagemaker.amazon.ipinsights.IPInsights",
    "KMeans": "sagemaker.amazon.kmeans.KMeans",
    "KNN": "sagemaker.amazon.knn.KNN",
    "LDA": "sagemaker.amazon.lda.LDA",
    "LinearLearner": "sagemaker.amazon.linear_learner.LinearLearner",
    "NTM": "sagemaker.amazon.ntm.NTM",
    "Object2Vec": "sagemaker.amazon.object2vec.Object2Vec",
    "PCA": "sagemaker.amazon.pca.PCA",
    "RandomCutForest": "sagemaker.amazon.randomcutforest.RandomCutForest",
}
# SDK v2 gives every constructor argument the default None, and most classes document the ones
# the algorithm needs as "Required." or leave "Optional." off them. These classes mark neither:
# their required arguments are the positional ones of their SDK v1 signatures.
UNMARKED_REQUIRED = {
    "FactorizationMachines": ("num_factors", "predictor_type"),
    "KMeans": ("k",),
    "LinearLearner": ("predictor_type",),
    "PCA": ("num_components",),
}
# Set by _prepare_for_training from fit()'s records and mini_batch_size, not by the constructor.
FIT_SET = ("feature_dim", "mini_batch_size")
TYPES = {int: "int", float: "float", str: "str", bool: "bool", list: "list"}


def _validation(validate: Any) -> dict[str, Any]:
    """The constraint one SDK validation function stands for."""
    kind = validate.__qualname__.split(".")[0]
    cells = [cell.cell_contents for cell in (validate.__closure__ or ())]
    if kind in ("gt", "ge", "lt", "le"):
        return {kind: cells[0]}
    if kind == "isin":
        return {"choices": list(cells[0])}
    if kind == "_list_check_subset":  # Object2Vec: a comma-separated subset of these
        return {"subset_of": sorted(cells[0])}
    if kind == "Hyperparameter":  # the default ``lambda _: True``
        return {}
    raise SystemExit(f"unknown SDK validation function {validate.__qualname__}: teach {Path(__file__).name} what it allows")


def _argument_docs(cls: type) -> dict[str, str]:
    """The constructor docstring's text for each argument (``name (type): text``)."""
    doc = inspect.getdoc(cls.__init__) or ""  # type: ignore[misc]
    out: dict[str, str] = {}
    current: str | None = None
    for line in doc.splitlines():
        match = re.match(r"^ {4}(\w+) \([^)]*\): ?(.*)$", line)
        if match:
            current = match.group(1)
            out[current] = match.group(2).strip()
        elif current and re.match(r"^ {6,}\S", line):
            out[current] += " " + line.strip()
        else:
            current = None
    return out


def _summary(text: str) -> str:
    """The first sentence, without the Optional./Required. marker."""
    text = re.sub(r"^(Optional|Required)\.\s*", "", text.strip())
    first = re.split(r"(?<=[a-z0-9)\]\"'])\.\s+(?=[A-Z])", text, maxsplit=1)[0].strip().rstrip(".")
    return first[:1].upper() + first[1:] + "." if first else ""


def _hyperparameter(hp: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"key": hp.name, "type": TYPES[hp.data_type]}
    for validate in hp.validation:
        entry.update(_validation(validate))
    return entry


def describe(type_name: str, path: str) -> dict[str, Any]:
    from sagemaker.amazon.hyperparameter import Hyperparameter

    module, _, name = path.rpartition(".")
    cls = getattr(importlib.import_module(module), name)
    declared: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):  # a subclass's declaration replaces its base's
        declared.update({attribute: value for attribute, value in vars(klass).items() if isinstance(value, Hyperparameter)})
    docs = _argument_docs(cls)
    marked = any(text.startswith(("Optional.", "Required.")) for text in docs.values())
    arguments = list(inspect.signature(cls.__init__).parameters)
    hyperparameters = []
    for argument in arguments:
        if argument not in declared or argument in FIT_SET:
            continue
        entry = _hyperparameter(declared[argument])
        text = docs.get(argument, "")
        entry["required"] = (not text.startswith("Optional.")) if marked else argument in UNMARKED_REQUIRED.get(type_name, ())
        entry["argument"] = argument
        entry["doc"] = _summary(text)
        hyperparameters.append(entry)
    missing = sorted(set(declared) - set(arguments) - set(FIT_SET))
    if missing:
        raise SystemExit(f"{type_name}: hyperparameters that are no constructor argument: {missing}")
    return {
        "sdk_class": f"sagemaker.{name}",
        "repo_name": cls.repo_name,
        "repo_version": cls.repo_version,
        "DEFAULT_MINI_BATCH_SIZE": cls.DEFAULT_MINI_BATCH_SIZE,
        "MINI_BATCH_SIZE": getattr(cls, "MINI_BATCH_SIZE", None),
        "fit_hyperparameters": {attribute: _hyperparameter(declared[attribute]) for attribute in FIT_SET},
        "constructor_fit_hyperparameters": [a for a in arguments if a in FIT_SET],
        "hyperparameters": hyperparameters,
    }


def render() -> str:
    logging.disable(logging.WARNING)
    data = {
        "generated_by": f"scripts/{Path(__file__).name}",
        "sdk": f"sagemaker {metadata.version('sagemaker')}",
        "classes": {type_name: describe(type_name, path) for type_name, path in sorted(CLASSES.items())},
    }
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


def main(args: list[str]) -> int:
    text = render()
    if "--check" in args:
        if not OUT.exists() or OUT.read_text() != text:
            print(f"{OUT.relative_to(ROOT)} is out of date: run scripts/{Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text)
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
