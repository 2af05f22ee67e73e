"""Hugging Face (``sagemaker.huggingface.HuggingFace`` / ``HuggingFaceModel``) fidelity configurations."""

from __future__ import annotations

from typing import Any

from ..configs import DEPLOY_CPU, DEPLOY_GPU
from ..recorder import SERVED_MODEL_DATA

HF = {"type": "HuggingFace", "entry_point": "train.py", "source_dir": ".", "transformers_version": "4.26", "pytorch_version": "1.13", "py_version": "py39", "instance_count": 1}
HF_MODEL = {"type": "HuggingFaceModel", "transformers_version": "4.26", "pytorch_version": "1.13", "py_version": "py39"}


def _hf(**kw: Any) -> dict[str, Any]:
    return {**HF, **kw}


CONFIGS: dict[str, dict[str, Any]] = {
    "hf-finetune-deploy": {
        "estimator": _hf(instance_type="ml.p3.2xlarge", hyperparameters={"epochs": 1, "train_batch_size": 32, "model_name": "distilbert-base-uncased"}),
        "fit": {"inputs": {"train": "s3://sagestack-data/hf/train", "test": "s3://sagestack-data/hf/test"}},
        "deploy": DEPLOY_GPU,
    },
    "hf-tensorflow": {
        "estimator": {**{k: v for k, v in HF.items() if k != "pytorch_version"}, "transformers_version": "4.17", "tensorflow_version": "2.6", "py_version": "py38", "instance_type": "ml.p3.2xlarge"},
        "fit": {"inputs": "s3://sagestack-data/hf/train"},
    },
    "hf-full-versions": {
        "estimator": _hf(transformers_version="4.4.2", pytorch_version="1.6.0", py_version="py36", instance_type="ml.g4dn.xlarge", container_log_level=10),
        "fit": {"inputs": "s3://sagestack-data/hf/train"},
    },
    "hf-torch-distributed": {
        "estimator": _hf(transformers_version="4.28.1", pytorch_version="2.0.0", py_version="py310", instance_type="ml.p4d.24xlarge", instance_count=2, distribution={"torch_distributed": {"enabled": True}}),
        "fit": {"inputs": "s3://sagestack-data/hf/train"},
    },
    "hf-smdataparallel": {
        "estimator": _hf(transformers_version="4.28.1", pytorch_version="2.0.0", py_version="py310", instance_type="ml.p3.16xlarge", instance_count=2, distribution={"smdistributed": {"dataparallel": {"enabled": True}}}),
        "fit": {"inputs": "s3://sagestack-data/hf/train"},
    },
    "hf-pytorchddp-off-mpi": {
        "estimator": _hf(instance_type="ml.p3.8xlarge", instance_count=2, distribution={"pytorchddp": {"enabled": False}, "mpi": {"enabled": True, "processes_per_host": 4}}),
        "fit": {"inputs": "s3://sagestack-data/hf/train"},
    },
    "hf-deploy-inference-script": {
        "estimator": _hf(instance_type="ml.p3.2xlarge"),
        "fit": {"inputs": "s3://sagestack-data/hf/train"},
        "deploy": {**DEPLOY_CPU, "entry_point": "inference.py", "env": {"HF_TASK": "text-classification"}},
    },
    "hf-batch-transform": {
        "estimator": _hf(instance_type="ml.p3.2xlarge"),
        "fit": {"inputs": "s3://sagestack-data/hf/train"},
        "transformer": {"instance_count": 1, "instance_type": "ml.g4dn.xlarge", "strategy": "SingleRecord", "accept": "application/json"},
        "transform": {"data": "s3://sagestack-data/hf/batch", "content_type": "application/json", "split_type": "Line"},
    },
    "hf-model-deploy": {
        "model": {**HF_MODEL, "model_data": SERVED_MODEL_DATA, "model_server_workers": 2},
        "deploy": DEPLOY_GPU,
    },
    "hf-model-inference-script": {
        "model": {**HF_MODEL, "model_data": SERVED_MODEL_DATA, "entry_point": "inference.py", "source_dir": ".", "container_log_level": 30},
        "deploy": DEPLOY_CPU,
    },
    "hf-model-hub": {
        "model": {**HF_MODEL, "transformers_version": "4.37.0", "pytorch_version": "2.1.0", "py_version": "py310", "env": {"HF_MODEL_ID": "distilbert-base-uncased-finetuned-sst-2-english", "HF_TASK": "text-classification"}},
        "deploy": DEPLOY_CPU,
    },
    "hf-model-serverless": {
        "model": {**HF_MODEL, "env": {"HF_MODEL_ID": "sentence-transformers/all-MiniLM-L6-v2", "HF_TASK": "feature-extraction"}},
        "deploy": {"serverless_inference_config": {"memory_size_in_mb": 4096, "max_concurrency": 5}},
    },
    "hf-model-batch-transform": {
        "model": {**HF_MODEL, "model_data": SERVED_MODEL_DATA},
        "transformer": {"instance_count": 2, "instance_type": "ml.m5.xlarge", "strategy": "MultiRecord", "assemble_with": "Line"},
        "transform": {"data": "s3://sagestack-data/hf/batch", "content_type": "application/json", "split_type": "Line"},
    },
}
