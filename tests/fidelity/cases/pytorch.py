"""PyTorch (``sagemaker.pytorch.PyTorch`` and ``PyTorchModel``): training, each distribution
strategy, serving from the estimator, with an inference script, PyTorchModel, batch transform."""

from __future__ import annotations

from typing import Any

from ..configs import DEPLOY_CPU, DEPLOY_GPU
from ..recorder import SERVED_MODEL_DATA

PT = {"type": "PyTorch", "entry_point": "train.py", "source_dir": ".", "framework_version": "2.3.0", "py_version": "py311", "instance_count": 1}
PT_22 = {**PT, "framework_version": "2.2.0", "py_version": "py310"}
TRAIN = {"inputs": {"train": "s3://sagestack-data/pt/train", "test": "s3://sagestack-data/pt/test"}}


def _pt(**kw: Any) -> dict[str, Any]:
    return {**PT, **kw}


CONFIGS: dict[str, dict[str, Any]] = {
    "pytorch-train-deploy": {
        "estimator": _pt(instance_type="ml.g5.2xlarge", hyperparameters={"epochs": 10, "lr": 0.001, "backend": "nccl", "amp": True, "layers": [128, 64]}),
        "fit": TRAIN,
        "deploy": DEPLOY_GPU,
    },
    "pytorch-torch-distributed": {
        "estimator": _pt(instance_type="ml.g5.12xlarge", instance_count=2, distribution={"torch_distributed": {"enabled": True}}),
        "fit": TRAIN,
    },
    "pytorch-pytorchddp": {
        "estimator": {**PT_22, "instance_type": "ml.p4d.24xlarge", "instance_count": 2, "distribution": {"pytorchddp": {"enabled": True}}},
        "fit": TRAIN,
    },
    "pytorch-smddp": {
        "estimator": {**PT_22, "instance_type": "ml.p3.16xlarge", "instance_count": 2, "distribution": {"smdistributed": {"dataparallel": {"enabled": True, "custom_mpi_options": "-verbose"}}}},
        "fit": TRAIN,
    },
    "pytorch-smp-mpi": {
        "estimator": {
            **PT_22, "instance_type": "ml.p3.16xlarge", "instance_count": 1,
            "distribution": {"smdistributed": {"modelparallel": {"enabled": True, "parameters": {"partitions": 2, "microbatches": 4, "placement_strategy": "spread", "pipeline": "interleaved", "optimize": "speed", "ddp": True}}}, "mpi": {"enabled": True, "processes_per_host": 8, "custom_mpi_options": "-verbose -x NCCL_DEBUG=WARN"}},
        },
        "fit": TRAIN,
    },
    "pytorch-smp-torchrun": {
        "estimator": {**PT_22, "instance_type": "ml.p4d.24xlarge", "instance_count": 2, "distribution": {"torch_distributed": {"enabled": True}, "smdistributed": {"modelparallel": {"enabled": True, "parameters": {"hybrid_shard_degree": 8}}}}},
        "fit": TRAIN,
    },
    "pytorch-mpi": {
        "estimator": _pt(instance_type="ml.g5.12xlarge", instance_count=2, distribution={"mpi": {"enabled": True, "processes_per_host": 4}}),
        "fit": TRAIN,
    },
    "pytorch-trainium": {
        "estimator": {**PT, "framework_version": "1.11.0", "py_version": "py38", "instance_type": "ml.trn1.32xlarge", "instance_count": 2, "distribution": {"torch_distributed": {"enabled": True}}},
        "fit": TRAIN,
    },
    "pytorch-checkpoints": {
        "estimator": _pt(instance_type="ml.g5.xlarge", checkpoint_s3_uri="s3://sagestack-data/ckpt", checkpoint_local_path="/opt/ml/checkpoints", container_log_level=10),
        "fit": TRAIN,
    },
    "pytorch-deploy-script": {
        "estimator": _pt(instance_type="ml.g5.xlarge"),
        "fit": TRAIN,
        "deploy": {**DEPLOY_CPU, "entry_point": "inference.py", "model_server_workers": 2, "env": {"TS_MAX_RESPONSE_SIZE": "20000000"}},
    },
    "pytorch-image-uri-deploy": {
        "estimator": _pt(image_uri="123456789012.dkr.ecr.us-east-1.amazonaws.com/my-pytorch:2.3", py_version=None, instance_type="ml.g5.xlarge", instance_count=2, distribution={"torch_distributed": {"enabled": True}}),
        "fit": TRAIN,
        "deploy": DEPLOY_GPU,
    },
    "pytorch-batch-transform": {
        "estimator": _pt(instance_type="ml.m5.xlarge"),
        "fit": TRAIN,
        "transformer": {"instance_count": 2, "instance_type": "ml.m5.xlarge", "strategy": "MultiRecord", "assemble_with": "Line", "accept": "application/json"},
        "transform": {"data": "s3://sagestack-data/pt/batch", "content_type": "application/json", "split_type": "Line"},
    },
    "pytorch-model-deploy": {
        "model": {"type": "PyTorchModel", "model_data": SERVED_MODEL_DATA, "entry_point": "inference.py", "source_dir": ".", "framework_version": "2.1", "py_version": "py310", "model_server_workers": 1},
        "deploy": DEPLOY_GPU,
    },
    "pytorch-model-no-script": {
        "model": {"type": "PyTorchModel", "model_data": SERVED_MODEL_DATA, "framework_version": "2.6.0", "py_version": "py312", "env": {"TS_DEFAULT_WORKERS_PER_MODEL": "2"}},
        "deploy": DEPLOY_CPU,
    },
    # Asynchronous inference: requests queue, responses in S3 (default folders, and given ones with SNS).
    "pytorch-async-deploy": {
        "model": {"type": "PyTorchModel", "model_data": SERVED_MODEL_DATA, "entry_point": "inference.py", "framework_version": "2.3.0", "py_version": "py311"},
        "deploy": {"initial_instance_count": 1, "instance_type": "ml.g5.xlarge", "async_inference_config": {"max_concurrent_invocations_per_instance": 4}},
    },
    "pytorch-async-notify": {
        "estimator": _pt(instance_type="ml.g5.2xlarge"),
        "fit": TRAIN,
        "deploy": {
            "initial_instance_count": 1, "instance_type": "ml.g5.xlarge",
            "async_inference_config": {
                "output_path": "s3://sagestack-data/async/out", "failure_path": "s3://sagestack-data/async/failed", "kms_key_id": "alias/async",
                "notification_config": {"SuccessTopic": "arn:aws:sns:us-east-1:123456789012:done", "ErrorTopic": "arn:aws:sns:us-east-1:123456789012:failed", "IncludeInferenceResponseIn": ["SUCCESS_NOTIFICATION_TOPIC"]},
            },
        },
    },
    # Graviton (arm64) endpoints serve from PyTorch's inference_graviton images.
    "pytorch-model-graviton": {
        "model": {"type": "PyTorchModel", "model_data": SERVED_MODEL_DATA, "entry_point": "inference.py", "framework_version": "2.0.1", "py_version": "py310"},
        "deploy": {"initial_instance_count": 1, "instance_type": "ml.c7g.xlarge"},
    },
}
