"""XGBoost (``sagemaker.xgboost.XGBoost`` / ``XGBoostModel``) fidelity configurations: framework
mode, serving from the code archive, network isolation, Graviton, serverless, batch transform."""

from __future__ import annotations

from typing import Any

from ..configs import DEPLOY_CPU
from ..recorder import SERVED_MODEL_DATA

XGB = {"type": "XGBoost", "entry_point": "train.py", "source_dir": ".", "framework_version": "1.7-1", "instance_type": "ml.m5.xlarge", "instance_count": 1}
TRAIN = {"inputs": {"train": {"s3_data": "s3://sagestack-data/xgb/train", "content_type": "text/csv"}, "validation": {"s3_data": "s3://sagestack-data/xgb/validation", "content_type": "text/csv"}}}


def _xgb(**kw: Any) -> dict[str, Any]:
    return {**XGB, **kw}


CONFIGS: dict[str, dict[str, Any]] = {
    # Built-in XGBoost: Estimator(image_uri=image_uris.retrieve("xgboost", region, "1.7-1"), ...)
    "xgboost-builtin-retrieve": {
        "estimator": {
            "type": "Estimator", "image_uri": {"framework": "xgboost", "version": "1.7-1"}, "instance_type": "ml.m5.xlarge", "instance_count": 1,
            "hyperparameters": {"max_depth": 5, "eta": 0.2, "objective": "binary:logistic", "num_round": 100},
        },
        "fit": TRAIN,
        "deploy": DEPLOY_CPU,
    },
    "xgboost-builtin-old-cpu": {
        "estimator": {"type": "Estimator", "image_uri": {"framework": "xgboost", "version": "1.0-1", "py_version": "py3", "instance_type": "ml.m5.xlarge"}, "instance_type": "ml.m5.xlarge", "instance_count": 1, "hyperparameters": {"num_round": 10}},
        "fit": TRAIN,
        "transformer": {"instance_count": 1, "instance_type": "ml.m5.large"},
        "transform": {"data": "s3://sagestack-data/xgb/batch", "content_type": "text/csv"},
    },
    "model-retrieve-image": {
        "model": {"type": "Model", "image_uri": {"framework": "pytorch", "version": "2.3.0", "py_version": "py311", "instance_type": "ml.g5.xlarge", "image_scope": "inference"}, "model_data": SERVED_MODEL_DATA},
        "deploy": {"initial_instance_count": 1, "instance_type": "ml.g5.xlarge"},
    },
    "xgboost-train-deploy": {
        "estimator": _xgb(hyperparameters={"max_depth": 5, "eta": 0.2, "objective": "binary:logistic", "num_round": 100}),
        "fit": TRAIN,
        "deploy": DEPLOY_CPU,
    },
    "xgboost-entry-point-only": {
        "estimator": {k: v for k, v in _xgb(framework_version="1.5-1", instance_count=2, container_log_level=10).items() if k != "source_dir"},
        "fit": {"inputs": "s3://sagestack-data/xgb/train"},
        "deploy": {**DEPLOY_CPU, "entry_point": "inference.py", "model_server_workers": 2},
    },
    "xgboost-old-version": {
        "estimator": _xgb(framework_version="1.0-1", instance_type="ml.m5.2xlarge"),
        "fit": TRAIN,
    },
    "xgboost-isolated": {
        "estimator": _xgb(enable_network_isolation=True),
        "fit": TRAIN,
        "deploy": DEPLOY_CPU,
    },
    "xgboost-batch-transform": {
        "estimator": _xgb(framework_version="1.3-1"),
        "fit": TRAIN,
        "transformer": {"instance_count": 1, "instance_type": "ml.m5.xlarge", "strategy": "MultiRecord", "assemble_with": "Line", "accept": "text/csv"},
        "transform": {"data": "s3://sagestack-data/xgb/batch", "content_type": "text/csv", "split_type": "Line"},
    },
    "xgboost-model-deploy": {
        "model": {"type": "XGBoostModel", "model_data": SERVED_MODEL_DATA, "framework_version": "1.7-1", "entry_point": "inference.py", "source_dir": "."},
        "deploy": DEPLOY_CPU,
    },
    "xgboost-model-no-script": {
        "model": {"type": "XGBoostModel", "model_data": SERVED_MODEL_DATA, "framework_version": "1.7-1"},
        "deploy": {"serverless_inference_config": {"memory_size_in_mb": 2048, "max_concurrency": 5}},
    },
    "xgboost-model-graviton": {
        "model": {"type": "XGBoostModel", "model_data": SERVED_MODEL_DATA, "framework_version": "1.5-1", "entry_point": "inference.py"},
        "deploy": {"initial_instance_count": 1, "instance_type": "ml.c6g.xlarge"},
    },
    "xgboost-model-isolated-transform": {
        "model": {"type": "XGBoostModel", "model_data": SERVED_MODEL_DATA, "framework_version": "1.7-1", "entry_point": "inference.py", "source_dir": ".", "enable_network_isolation": True},
        "transformer": {"instance_count": 1, "instance_type": "ml.m5.large"},
        "transform": {"data": "s3://sagestack-data/xgb/batch", "content_type": "text/csv"},
    },
}
