"""HyperparameterTuner imported as the descriptor's tuner: section: the ranges in positional and
keyword forms, both import spellings, tuner.fit as fit, tuner.deploy (and the best estimator's
deploy) as deploy, what is not static marked or reported."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from sagestack.descriptor.loader import load_descriptor
from sagestack.importer import PLACEHOLDER, ImportedDescriptor, import_notebook
from sagestack.importer.build import TUNED_NAME_MAX

from .helpers import XGB_ESTIMATOR, write_notebook

ESTIMATOR = XGB_ESTIMATOR

FROM_IMPORT = """
from sagemaker.tuner import HyperparameterTuner, ContinuousParameter, IntegerParameter, CategoricalParameter
ranges = {
    "eta": ContinuousParameter(0.01, 0.2, scaling_type="Logarithmic"),
    "alpha": ContinuousParameter(min_value=0, max_value=2),
    "max_depth": IntegerParameter(3, 10, "Linear"),
    "booster": CategoricalParameter(["gbtree", "dart"]),
    "grow_policy": CategoricalParameter("depthwise"),
}
tuner = HyperparameterTuner(xgb, "validation:auc", ranges, None, "Bayesian", "Maximize", 20, 3,
                            early_stopping_type="Auto", base_tuning_job_name="churn-hpo")
"""

FIT = 'tuner.fit({"train": TrainingInput(f"{data}/train", content_type="text/csv"), "validation": TrainingInput(f"{data}/validation", content_type="text/csv")}, include_cls_metadata=False, wait=False)'


def _one(tmp_path: Path, *cells: str, stem: str = "churn xgboost hyperparameter tuning") -> tuple[dict[str, Any], ImportedDescriptor]:
    nb = write_notebook(tmp_path / f"{stem}.ipynb", *cells)
    result = import_notebook(nb, tmp_path / "models")
    [item] = result.descriptors
    return yaml.safe_load(item.path.read_text()), item


def test_a_tuner_in_positional_form_imports_to_a_valid_tuner_section(tmp_path: Path) -> None:
    data, item = _one(tmp_path, ESTIMATOR, FROM_IMPORT, FIT, 'predictor = tuner.deploy(1, "ml.m5.large", endpoint_name=None)')
    assert item.status == "valid", [i.format() for i in item.issues]
    assert list(data) == ["name", "estimator", "fit", "tuner", "deploy"]
    assert data["tuner"] == {
        "objective_metric_name": "validation:auc",
        "hyperparameter_ranges": {
            "eta": {"type": "ContinuousParameter", "min_value": 0.01, "max_value": 0.2, "scaling_type": "Logarithmic"},
            "alpha": {"type": "ContinuousParameter", "min_value": 0, "max_value": 2},
            "max_depth": {"type": "IntegerParameter", "min_value": 3, "max_value": 10, "scaling_type": "Linear"},
            "booster": {"type": "CategoricalParameter", "values": ["gbtree", "dart"]},
            "grow_policy": {"type": "CategoricalParameter", "values": ["depthwise"]},  # one value is a list of one
        },
        "metric_definitions": None,
        "strategy": "Bayesian",
        "objective_type": "Maximize",
        "max_jobs": 20,
        "max_parallel_jobs": 3,
        "early_stopping_type": "Auto",
    }
    assert data["fit"] == {"inputs": {"train": {"s3_data": "s3://sagestack-examples-data/churn/train", "content_type": "text/csv"}, "validation": {"s3_data": "s3://sagestack-examples-data/churn/validation", "content_type": "text/csv"}}}
    assert data["deploy"] == {"initial_instance_count": 1, "instance_type": "ml.m5.large"}
    # A run names its tuning job from the descriptor's name: it is short enough for one.
    assert len(data["name"]) <= TUNED_NAME_MAX and data["name"] == "churn-xgboost"
    text = item.path.read_text()
    for left_out in ("tuner.base_tuning_job_name", "fit.include_cls_metadata", "fit.wait"):
        assert f"left out {left_out}" in text
    assert "tuner:  # HyperparameterTuner(...), cell 2" in text and "fit:  # tuner.fit(...), cell 3" in text
    descriptor = load_descriptor(item.path).descriptor
    assert descriptor is not None and descriptor.tuner is not None and descriptor.tuner.hyperparameter_ranges["eta"].scaling_type == "Logarithmic"


def test_keyword_form_the_sagemaker_tuner_spelling_and_hyperband(tmp_path: Path) -> None:
    tuner = """
    import sagemaker.tuner
    import sagemaker.parameter as params
    tuner = sagemaker.tuner.HyperparameterTuner(
        estimator=xgb,
        objective_metric_name="validation:rmse",
        objective_type="Minimize",
        hyperparameter_ranges={"eta": sagemaker.tuner.ContinuousParameter(min_value=0.1, max_value=0.5), "max_depth": params.IntegerParameter(max_value=9, min_value=2)},
        strategy="Hyperband",
        strategy_config=sagemaker.tuner.StrategyConfig(hyperband_strategy_config=sagemaker.tuner.HyperbandStrategyConfig(max_resource=10, min_resource=1)),
        max_jobs=10,
        max_parallel_jobs=2,
        random_seed=7,
    )
    tuner.fit(inputs=f"{data}/train")
    """
    data, item = _one(tmp_path, ESTIMATOR, tuner)
    assert item.status == "valid", [i.format() for i in item.issues]
    assert data["tuner"]["hyperparameter_ranges"] == {"eta": {"type": "ContinuousParameter", "min_value": 0.1, "max_value": 0.5}, "max_depth": {"type": "IntegerParameter", "max_value": 9, "min_value": 2}}
    assert data["tuner"]["strategy_config"] == {"hyperband_strategy_config": {"max_resource": 10, "min_resource": 1}}
    assert data["tuner"]["objective_type"] == "Minimize" and data["tuner"]["random_seed"] == 7
    assert data["fit"] == {"inputs": "s3://sagestack-examples-data/churn/train"} and "deploy" not in data


def test_the_best_estimator_deploy_and_attach_patterns_are_the_tuners_deploy(tmp_path: Path) -> None:
    deploys = {
        "best": 'predictor = tuner.best_estimator().deploy(initial_instance_count=1, instance_type="ml.m5.large")',
        "attached": 'best = Estimator.attach(tuner.best_training_job())\npredictor = best.deploy(1, "ml.m5.large")',
        "reattached": 'again = HyperparameterTuner.attach(tuner.latest_tuning_job.name)\npredictor = again.deploy(1, "ml.m5.large")',
    }
    for name, deploy in deploys.items():
        data, item = _one(tmp_path / name, ESTIMATOR, FROM_IMPORT, FIT, deploy)
        assert item.status == "valid", (name, [i.format() for i in item.issues])
        assert data["deploy"] == {"initial_instance_count": 1, "instance_type": "ml.m5.large"}, name


def test_what_is_not_static_is_marked_or_reported(tmp_path: Path) -> None:
    # A tuning job that ran elsewhere, and a transformer of the best estimator, are not imported.
    cells = (
        ESTIMATOR,
        FROM_IMPORT.replace('"validation:auc"', "objective"),
        FIT,
        'old = HyperparameterTuner.attach("churn-hpo-2024-01-01")\nold.deploy(1, "ml.m5.large")',
        'tuner.best_estimator().transformer(1, "ml.m5.xlarge")',
    )
    nb = write_notebook(tmp_path / "hpo.ipynb", *cells)
    result = import_notebook(nb, tmp_path / "models")
    [item] = result.descriptors
    data = yaml.safe_load(item.path.read_text())
    assert item.status == "placeholders" and data["tuner"]["objective_metric_name"] == PLACEHOLDER
    assert "deploy" not in data and "transformer" not in data
    assert any("HyperparameterTuner.attach" in note and "does not know" in note for note in result.notes)
    assert [(u.reason_class, u.what) for u in result.uncovered] == [("tuner", "tuner.best_estimator().transformer(...)")]
    assert "tuner" in result.reasons
    assert "not imported: tuner.best_estimator().transformer(...); the descriptor serves a tuned model with deploy" in item.path.read_text()


def test_an_estimator_fit_on_its_own_and_tuned_gives_two_descriptors(tmp_path: Path) -> None:
    nb = write_notebook(tmp_path / "churn.ipynb", ESTIMATOR, 'xgb.fit("{data}/train".format(data=data))', FROM_IMPORT, FIT)
    result = import_notebook(nb, tmp_path / "models")
    assert [d.path.stem for d in result.descriptors] == ["churn-xgb", "churn-tuner"]
    assert [d.status for d in result.descriptors] == ["valid", "valid"], [i.format() for d in result.descriptors for i in d.issues]
    trained, tuned = (yaml.safe_load(d.path.read_text()) for d in result.descriptors)
    assert "tuner" not in trained and trained["fit"] == {"inputs": "s3://sagestack-examples-data/churn/train"}
    assert tuned["estimator"] == trained["estimator"] and set(tuned["tuner"]["hyperparameter_ranges"]) == {"eta", "alpha", "max_depth", "booster", "grow_policy"}


def test_a_tuner_over_an_estimator_the_importer_does_not_know_is_reported(tmp_path: Path) -> None:
    cells = (ESTIMATOR, "def make():\n    return xgb", FROM_IMPORT.replace("HyperparameterTuner(xgb,", "HyperparameterTuner(make(),"), FIT)
    result = import_notebook(write_notebook(tmp_path / "hpo.ipynb", *cells), tmp_path / "models")
    assert result.descriptors == [] and result.status == "none"
    assert [u.reason_class for u in result.uncovered] == ["tuner"] and result.reasons == ["tuner"]


def test_a_tuner_over_several_estimators_is_reported(tmp_path: Path) -> None:
    create = 'tuner = HyperparameterTuner.create({"xgb": xgb}, {"xgb": "validation:auc"}, {"xgb": ranges}, max_jobs=4)\ntuner.fit({"xgb": data})'
    result = import_notebook(write_notebook(tmp_path / "hpo.ipynb", ESTIMATOR, FROM_IMPORT, create), tmp_path / "models")
    assert result.descriptors == [] and result.reasons == ["tuner"]
    assert [u.what for u in result.uncovered] == ["HyperparameterTuner.create(...) tunes several estimators (the descriptor tunes one)"]
