"""Hyperparameter tuning (``HyperparameterTuner(estimator, ...).fit(inputs)``, then
``tuner.deploy(...)`` of the best training job) fidelity configurations: built-in XGBoost on its
own metric, a framework script on its metric definitions, each strategy and range type."""

from __future__ import annotations

from typing import Any

from ..configs import DEPLOY_CPU

XGB_BUILTIN = {
    "type": "Estimator", "image_uri": {"framework": "xgboost", "version": "1.7-1"}, "instance_type": "ml.m5.xlarge", "instance_count": 1,
    "hyperparameters": {"objective": "binary:logistic", "num_round": 100, "max_depth": 5},
}
XGB_TRAIN = {"inputs": {"train": {"s3_data": "s3://sagestack-data/xgb/train", "content_type": "text/csv"}, "validation": {"s3_data": "s3://sagestack-data/xgb/validation", "content_type": "text/csv"}}}
PT = {"type": "PyTorch", "entry_point": "train.py", "source_dir": ".", "framework_version": "2.1", "py_version": "py310", "instance_type": "ml.m5.xlarge", "instance_count": 1, "hyperparameters": {"epochs": 10, "optimizer": "adam"}}
PT_METRICS = [{"Name": "validation:loss", "Regex": "val_loss=([0-9\\.]+)"}, {"Name": "validation:accuracy", "Regex": "val_acc=([0-9\\.]+)"}]
ETA = {"type": "ContinuousParameter", "min_value": 0.01, "max_value": 0.3, "scaling_type": "Logarithmic"}
DEPTH = {"type": "IntegerParameter", "min_value": 3, "max_value": 10}


def _xgb_tuner(**kw: Any) -> dict[str, Any]:
    return {"objective_metric_name": "validation:auc", "hyperparameter_ranges": {"eta": ETA, "max_depth": DEPTH}, "max_jobs": 20, "max_parallel_jobs": 3, **kw}


# Names are descriptor names, and a tuned one takes at most 19 characters (its runs name tuning jobs).
CONFIGS: dict[str, dict[str, Any]] = {
    # Built-in XGBoost tuned on its own validation:auc; max_depth's static value gives way to its range.
    "tune-xgb": {"estimator": XGB_BUILTIN, "fit": XGB_TRAIN, "tuner": _xgb_tuner()},
    # tuner.deploy(): the best training job's model behind an endpoint.
    "tune-xgb-deploy": {"estimator": XGB_BUILTIN, "fit": XGB_TRAIN, "tuner": _xgb_tuner(tags=[{"Key": "team", "Value": "ml"}]), "deploy": DEPLOY_CPU},
    # A script's metric, Bayesian with early stopping, minimized.
    "tune-pt-bayesian": {
        "estimator": PT,
        "fit": {"inputs": {"train": "s3://sagestack-data/pt/train", "validation": "s3://sagestack-data/pt/validation"}},
        "tuner": {
            "objective_metric_name": "validation:loss", "objective_type": "Minimize", "metric_definitions": PT_METRICS, "strategy": "Bayesian", "early_stopping_type": "Auto",
            "hyperparameter_ranges": {"lr": {"type": "ContinuousParameter", "min_value": 0.0001, "max_value": 0.1, "scaling_type": "Logarithmic"}, "batch_size": {"type": "IntegerParameter", "min_value": 16, "max_value": 256}},
            "max_jobs": 12, "max_parallel_jobs": 2, "max_runtime_in_seconds": 36000,
        },
    },
    # Hyperband with its resource bounds, and a Categorical range over a framework's JSON hyperparameter.
    "tune-pt-hyperband": {
        "estimator": PT,
        "fit": {"inputs": "s3://sagestack-data/pt/train"},
        "tuner": {
            "objective_metric_name": "validation:accuracy", "metric_definitions": PT_METRICS, "strategy": "Hyperband",
            "strategy_config": {"hyperband_strategy_config": {"min_resource": 1, "max_resource": 10}},
            "hyperparameter_ranges": {"optimizer": {"type": "CategoricalParameter", "values": ["adam", "sgd"]}, "lr": {"type": "ContinuousParameter", "min_value": 0.001, "max_value": 0.1}},
            "max_jobs": 30, "max_parallel_jobs": 5, "random_seed": 7,
        },
    },
    # Random search over a Categorical range of the built-in algorithm (plain strings there).
    "tune-xgb-random": {
        "estimator": XGB_BUILTIN, "fit": XGB_TRAIN,
        "tuner": _xgb_tuner(strategy="Random", hyperparameter_ranges={"booster": {"type": "CategoricalParameter", "values": ["gbtree", "dart"]}, "eta": {**ETA, "scaling_type": "Linear"}}),
    },
    # Grid search walks every combination of Categorical ranges (max_jobs: their number).
    "tune-xgb-grid": {
        "estimator": XGB_BUILTIN, "fit": XGB_TRAIN,
        "tuner": {"objective_metric_name": "validation:auc", "strategy": "Grid", "max_jobs": 6, "max_parallel_jobs": 2,
                  "hyperparameter_ranges": {"max_depth": {"type": "CategoricalParameter", "values": [3, 5, 7]}, "booster": {"type": "CategoricalParameter", "values": ["gbtree", "dart"]}}},
    },
    # Warm start from one earlier tuning job, stopping early when the objective stops improving.
    "tune-xgb-warm": {
        "estimator": XGB_BUILTIN, "fit": XGB_TRAIN,
        "tuner": _xgb_tuner(
            warm_start_config={"warm_start_type": "TransferLearning", "parents": ["churn-tune-2026-11"]},
            completion_criteria_config={"max_number_of_training_jobs_not_improving": 5, "complete_on_convergence": True, "target_objective_metric_value": 0.95},
        ),
    },
}
