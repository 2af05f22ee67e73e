"""Configurations recorded with SDK v1 (1.72.1, its own venv): what only v1 could do —
legacy-mode TensorFlow and v1-only arguments."""

from __future__ import annotations

from typing import Any

V1_CONFIGS: dict[str, dict[str, Any]] = {
    "tf-legacy-training": {
        "estimator": {
            "type": "TensorFlow", "entry_point": "train.py", "source_dir": ".", "framework_version": "1.12", "py_version": "py2",
            "train_instance_count": 1, "train_instance_type": "ml.c5.xlarge", "training_steps": 1000, "evaluation_steps": 100,
            "requirements_file": "requirements.txt", "hyperparameters": {"learning_rate": 0.1, "save_checkpoints_secs": 60},
        },
        "fit": {"inputs": "s3://sagestack-data/iris"},
    },
    "tf-legacy-defaults": {
        "estimator": {
            "type": "TensorFlow", "entry_point": "train.py", "framework_version": "1.10", "py_version": "py2",
            "train_instance_count": 2, "train_instance_type": "ml.p3.2xlarge", "training_steps": 500,
            "checkpoint_path": "s3://sagestack-data/ckpt",
        },
        "fit": {"inputs": {"training": "s3://sagestack-data/iris", "eval": "s3://sagestack-data/iris-eval"}},
    },
    "mxnet-v1-cloudwatch": {
        "estimator": {
            "type": "MXNet", "entry_point": "train.py", "source_dir": ".", "framework_version": "1.4.1", "py_version": "py3",
            "train_instance_count": 2, "train_instance_type": "ml.c5.2xlarge", "distributions": {"parameter_server": {"enabled": True}},
            "enable_cloudwatch_metrics": True,
        },
        "fit": {"inputs": "s3://sagestack-data/mx"},
    },
    # SDK 1.72 serves a legacy-mode model with the legacy Python serving container (the script's
    # serving functions), not TensorFlow Serving, unless deploy asks for endpoint_type
    # "tensorflow-serving".
    "tf-legacy-deploy": {
        "estimator": {
            "type": "TensorFlow", "entry_point": "train.py", "source_dir": ".", "framework_version": "1.12", "py_version": "py2",
            "train_instance_count": 1, "train_instance_type": "ml.c5.xlarge", "training_steps": 100, "requirements_file": "requirements.txt",
        },
        "fit": {"inputs": "s3://sagestack-data/iris"},
        "deploy": {"initial_instance_count": 1, "instance_type": "ml.m5.xlarge"},
    },
    "tf-legacy-deploy-tfs": {
        "estimator": {
            "type": "TensorFlow", "entry_point": "train.py", "source_dir": ".", "framework_version": "1.12", "py_version": "py2",
            "train_instance_count": 1, "train_instance_type": "ml.c5.xlarge", "training_steps": 100,
        },
        "fit": {"inputs": "s3://sagestack-data/iris"},
        "deploy": {"initial_instance_count": 1, "instance_type": "ml.m5.xlarge", "endpoint_type": "tensorflow-serving"},
    },
}
