"""scikit-learn (``sagemaker.sklearn.SKLearn`` / ``SKLearnModel``) fidelity configurations."""

from __future__ import annotations

from typing import Any

from ..configs import DEPLOY_CPU
from ..recorder import SERVED_MODEL_DATA

SK = {"type": "SKLearn", "entry_point": "train.py", "source_dir": ".", "framework_version": "1.2-1", "instance_type": "ml.m5.large", "instance_count": 1}


def _sk(**kw: Any) -> dict[str, Any]:
    return {**SK, **kw}


CONFIGS: dict[str, dict[str, Any]] = {
    "sklearn-train-deploy": {
        "estimator": _sk(hyperparameters={"n_estimators": 100, "max_depth": 4, "criterion": "gini"}),
        "fit": {"inputs": {"train": "s3://sagestack-data/sk/train"}},
        "deploy": DEPLOY_CPU,
    },
    "sklearn-newest-training-only": {
        "estimator": _sk(framework_version="1.4-2", dependencies=["lib"]),
        "fit": {"inputs": {"train": "s3://sagestack-data/sk/train"}},
        "deploy": {**DEPLOY_CPU, "entry_point": "inference.py"},
    },
    "sklearn-isolated": {
        "estimator": _sk(enable_network_isolation=True),
        "fit": {"inputs": {"train": "s3://sagestack-data/sk/train"}},
        "deploy": DEPLOY_CPU,
    },
    "sklearn-batch-transform": {
        "estimator": _sk(framework_version="1.0-1", tags=[{"Key": "team", "Value": "ml"}]),
        "fit": {"inputs": {"train": "s3://sagestack-data/sk/train"}},
        "transformer": {"instance_count": 1, "instance_type": "ml.m5.large", "strategy": "SingleRecord", "max_payload": 6},
        "transform": {"data": "s3://sagestack-data/sk/batch", "content_type": "text/csv", "split_type": "Line"},
    },
    "sklearn-model-deploy": {
        "model": {"type": "SKLearnModel", "model_data": SERVED_MODEL_DATA, "framework_version": "1.2-1", "entry_point": "inference.py", "source_dir": ".", "env": {"SCALE": "1"}},
        "deploy": {**DEPLOY_CPU, "model_data_download_timeout": 600},
    },
    "sklearn-model-serverless": {
        "model": {"type": "SKLearnModel", "model_data": SERVED_MODEL_DATA, "framework_version": "1.2-1", "entry_point": "inference.py"},
        "deploy": {"serverless_inference_config": {"memory_size_in_mb": 3072, "max_concurrency": 2}},
    },
    "sklearn-model-graviton": {
        "model": {"type": "SKLearnModel", "model_data": SERVED_MODEL_DATA, "framework_version": "1.0-1", "entry_point": "inference.py", "source_dir": "."},
        "deploy": {"initial_instance_count": 1, "instance_type": "ml.m6g.large"},
    },
    # A multi-model endpoint: the scikit-learn container serves every archive under a prefix.
    "sklearn-multi-model": {
        "model": {"type": "MultiDataModel", "model_data_prefix": "s3://sagestack-data/sk/models/", "model": {"type": "SKLearnModel", "framework_version": "1.2-1", "entry_point": "inference.py", "source_dir": "."}},
        "deploy": {"initial_instance_count": 1, "instance_type": "ml.c5.xlarge", "tags": [{"Key": "team", "Value": "ml"}]},
    },
    "byo-multi-model": {
        "model": {"type": "MultiDataModel", "model_data_prefix": "s3://sagestack-data/byo/models/", "image_uri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/triton:24.01", "env": {"MODE": "multi"}},
        "deploy": {"initial_instance_count": 1, "instance_type": "ml.g5.xlarge"},
    },
}
