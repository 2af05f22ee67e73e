"""Descriptor configurations run through both the real SDK (recorded as fixtures) and our
renderers. Each is a descriptor as a user writes it; its keys are the SDK's arguments."""

from __future__ import annotations

from typing import Any

from .recorder import BUCKET, SERVED_MODEL_DATA

TF = {"type": "TensorFlow", "entry_point": "train.py", "source_dir": ".", "framework_version": "2.11", "py_version": "py39", "instance_count": 1}
MX = {"type": "MXNet", "entry_point": "train.py", "source_dir": ".", "framework_version": "1.9.0", "py_version": "py38", "instance_count": 1}
DEPLOY_GPU = {"initial_instance_count": 1, "instance_type": "ml.g4dn.xlarge"}
DEPLOY_CPU = {"initial_instance_count": 2, "instance_type": "ml.m5.large"}
RECORDS = {"s3_data": "s3://sagestack-data/records/train.manifest", "num_records": 1000, "feature_dim": 50, "channel": "train"}


def _tf(**kw: Any) -> dict[str, Any]:
    return {**TF, **kw}


def _mx(**kw: Any) -> dict[str, Any]:
    return {**MX, **kw}


CONFIGS: dict[str, dict[str, Any]] = {
    "tf-script-gpu-deploy": {
        "estimator": _tf(instance_type="ml.p3.2xlarge", hyperparameters={"epochs": 10, "learning_rate": 0.01, "optimizer": "adam", "augment": True, "layers": [64, 32]}),
        "fit": {"inputs": {"train": "s3://sagestack-data/mnist/train", "eval": "s3://sagestack-data/mnist/eval"}},
        "deploy": DEPLOY_GPU,
    },
    "tf-v1-spellings": {
        "estimator": {"type": "TensorFlow", "entry_point": "train.py", "source_dir": ".", "framework_version": "2.11", "py_version": "py39", "train_instance_count": 1, "train_instance_type": "ml.c5.xlarge", "train_volume_size": 50, "train_max_run": 7200},
        "fit": {"inputs": "s3://sagestack-data/mnist/train"},
    },
    "tf-parameter-server": {
        "estimator": _tf(instance_type="ml.c5.2xlarge", instance_count=2, distribution={"parameter_server": {"enabled": True}}),
        "fit": {"inputs": "s3://sagestack-data/mnist/train"},
    },
    "tf-horovod": {
        "estimator": _tf(instance_type="ml.p3.8xlarge", instance_count=2, distribution={"mpi": {"enabled": True, "processes_per_host": 4, "custom_mpi_options": "-x NCCL_DEBUG=INFO"}}),
        "fit": {"inputs": "s3://sagestack-data/mnist/train"},
    },
    "tf-multi-worker-mirrored": {
        "estimator": _tf(instance_type="ml.p3.2xlarge", instance_count=2, distribution={"multi_worker_mirrored_strategy": {"enabled": True}}),
        "fit": {"inputs": "s3://sagestack-data/mnist/train"},
    },
    "tf-pipe-channels": {
        "estimator": _tf(instance_type="ml.c5.xlarge", input_mode="Pipe"),
        "fit": {"inputs": {
            "training": {"s3_data": "s3://sagestack-data/tfrecords/train", "compression": "Gzip", "record_wrapping": "RecordIO", "content_type": "application/x-tfrecord", "shuffle_config": {"seed": 7}},
            "validation": {"s3_data": "s3://sagestack-data/tfrecords/val.manifest", "s3_data_type": "ManifestFile", "distribution": "ShardedByS3Key", "input_mode": "File"},
        }},
    },
    "tf-network-isolation": {
        "estimator": _tf(instance_type="ml.c5.xlarge", enable_network_isolation=True, encrypt_inter_container_traffic=True),
        "fit": {"inputs": "s3://sagestack-data/mnist/train"},
    },
    "tf-options": {
        "estimator": _tf(
            instance_type="ml.m5.xlarge", model_dir=False, container_log_level=10, max_retry_attempts=3,
            environment={"TF_CPP_MIN_LOG_LEVEL": "2"}, metric_definitions=[{"Name": "loss", "Regex": "loss: ([0-9.]+)"}],
            tags=[{"Key": "team", "Value": "vision"}], output_path="s3://sagestack-data/output", output_kms_key="alias/out", volume_kms_key="alias/vol",
            base_job_name="ignored-when-job-name-given",
        ),
        "fit": {"inputs": "s3://sagestack-data/mnist/train"},
    },
    "tf-debugger-profiler": {
        "estimator": _tf(instance_type="ml.m5.xlarge", disable_profiler=True, debugger_hook_config={"s3_output_path": "s3://sagestack-data/debug", "hook_parameters": {"save_interval": "100"}, "collection_configs": [{"name": "losses", "parameters": {"save_interval": "10"}}]}),
        "fit": {"inputs": "s3://sagestack-data/mnist/train"},
    },
    "tf-spot-checkpoints-distributed": {
        "estimator": _tf(instance_type="ml.p3.2xlarge", instance_count=2, use_spot_instances=True, max_run=3600, max_wait=7200, checkpoint_s3_uri="s3://sagestack-data/ckpt", checkpoint_local_path="/opt/ml/checkpoints", distribution={"mpi": {"enabled": True}}),
        "fit": {"inputs": "s3://sagestack-data/mnist/train"},
    },
    # The SDK turns the Debugger hook off for checkpointing "distributed" jobs, and what counts as
    # distributed differs by class: TensorFlow always has a distribution (an empty one), MXNet only
    # with more than one instance.
    "tf-checkpoints-single-instance": {
        "estimator": _tf(instance_type="ml.c5.xlarge", checkpoint_s3_uri="s3://sagestack-data/ckpt", checkpoint_local_path="/opt/ml/checkpoints"),
        "fit": {"inputs": "s3://sagestack-data/mnist/train"},
    },
    "mxnet-checkpoints-one-instance": {
        "estimator": _mx(instance_type="ml.c5.xlarge", checkpoint_s3_uri="s3://sagestack-data/ckpt", checkpoint_local_path="/opt/ml/checkpoints"),
        "fit": {"inputs": "s3://sagestack-data/mnist/train"},
    },
    "mxnet-checkpoints-two-instances": {
        "estimator": _mx(instance_type="ml.c5.xlarge", instance_count=2, checkpoint_s3_uri="s3://sagestack-data/ckpt", checkpoint_local_path="/opt/ml/checkpoints"),
        "fit": {"inputs": "s3://sagestack-data/mnist/train"},
    },
    "mxnet-checkpoints-ps": {
        "estimator": _mx(instance_type="ml.c5.xlarge", checkpoint_s3_uri="s3://sagestack-data/ckpt", checkpoint_local_path="/opt/ml/checkpoints", distribution={"parameter_server": {"enabled": True}}),
        "fit": {"inputs": "s3://sagestack-data/mnist/train"},
    },
    "tf-deploy-inference-script": {
        "estimator": _tf(instance_type="ml.c5.xlarge"),
        "fit": {"inputs": "s3://sagestack-data/mnist/train"},
        "deploy": {**DEPLOY_CPU, "entry_point": "inference.py", "env": {"MODEL_VARIANT": "a"}, "tags": [{"Key": "stage", "Value": "prod"}]},
    },
    "tf-batch-transform": {
        "estimator": _tf(instance_type="ml.c5.xlarge"),
        "fit": {"inputs": "s3://sagestack-data/mnist/train"},
        "transformer": {"instance_count": 2, "instance_type": "ml.m5.xlarge", "strategy": "MultiRecord", "assemble_with": "Line", "output_path": "s3://sagestack-data/batch-out", "accept": "application/jsonlines", "max_concurrent_transforms": 4, "max_payload": 6, "env": {"BATCH": "1"}},
        "transform": {"data": "s3://sagestack-data/batch-in", "content_type": "application/jsonlines", "split_type": "Line", "compression_type": "None", "input_filter": "$[1:]", "output_filter": "$[0,-1]", "join_source": "Input"},
    },
    # TensorFlow's transformer() goes through the model's: the training job's tags stay on it.
    "tf-transform-estimator-tags": {
        "estimator": _tf(instance_type="ml.c5.xlarge", tags=[{"Key": "team", "Value": "vision"}]),
        "fit": {"inputs": "s3://sagestack-data/mnist/train"},
        "transformer": {"instance_count": 1, "instance_type": "ml.m5.xlarge"},
        "transform": {"data": "s3://sagestack-data/batch-in"},
    },
    "tfs-model-eia": {
        "model": {"type": "TensorFlowModel", "model_data": SERVED_MODEL_DATA, "framework_version": "2.3"},
        "deploy": {"initial_instance_count": 1, "instance_type": "ml.c5.xlarge", "accelerator_type": "ml.eia2.medium"},
    },
    "tfs-model-serverless": {
        "model": {"type": "TensorFlowModel", "model_data": SERVED_MODEL_DATA, "framework_version": "2.11", "container_log_level": 30},
        "deploy": {"serverless_inference_config": {"memory_size_in_mb": 3072, "max_concurrency": 10}},
    },
    "tfs-model-data-capture": {
        "model": {"type": "TensorFlowModel", "model_data": SERVED_MODEL_DATA, "framework_version": "2.11", "env": {"A": "b"}},
        "deploy": {**DEPLOY_GPU, "kms_key": "alias/endpoint", "volume_size": 40, "data_capture_config": {"enable_capture": True, "sampling_percentage": 50, "destination_s3_uri": "s3://sagestack-data/capture", "csv_content_types": ["text/csv"]}},
    },
    "mxnet-ps-deploy": {
        "estimator": _mx(instance_type="ml.c5.2xlarge", instance_count=2, distribution={"parameter_server": {"enabled": True}}, hyperparameters={"epochs": 5, "lr": 0.1}),
        "fit": {"inputs": {"train": "s3://sagestack-data/mx/train"}},
        "deploy": DEPLOY_CPU,
    },
    "mxnet-horovod": {
        "estimator": _mx(instance_type="ml.p3.8xlarge", instance_count=2, distribution={"mpi": {"enabled": True, "processes_per_host": 4}}),
        "fit": {"inputs": "s3://sagestack-data/mx/train"},
    },
    # Before MXNet 1.4 (no Multi Model Server) the code is uploaded beside the model, not repacked.
    "mxnet-before-mms-deploy": {
        "estimator": _mx(framework_version="1.3.0", py_version="py3", instance_type="ml.c5.xlarge"),
        "fit": {"inputs": {"train": "s3://sagestack-data/mx/train"}},
        "deploy": DEPLOY_CPU,
    },
    "mxnet-model-before-mms": {
        "model": {"type": "MXNetModel", "model_data": SERVED_MODEL_DATA, "entry_point": "inference.py", "framework_version": "1.2.1", "py_version": "py3"},
        "deploy": DEPLOY_CPU,
    },
    # deploy() keeps the estimator's network isolation for some classes only; transformer() for all.
    "mxnet-isolated-deploy": {
        "estimator": _mx(instance_type="ml.c5.xlarge", enable_network_isolation=True),
        "fit": {"inputs": {"train": "s3://sagestack-data/mx/train"}},
        "deploy": DEPLOY_CPU,
    },
    "kmeans-isolated-deploy": {
        "estimator": {"type": "KMeans", "k": 4, "instance_count": 1, "instance_type": "ml.c5.xlarge", "enable_network_isolation": True},
        "fit": {"inputs": RECORDS},
        "deploy": DEPLOY_CPU,
    },
    "kmeans-isolated-transform": {
        "estimator": {"type": "KMeans", "k": 4, "instance_count": 1, "instance_type": "ml.c5.xlarge", "enable_network_isolation": True},
        "fit": {"inputs": RECORDS},
        "transformer": {"instance_count": 1, "instance_type": "ml.m5.large"},
        "transform": {"data": "s3://sagestack-data/km/batch", "content_type": "application/x-recordio-protobuf"},
    },
    "mxnet-model-deploy": {
        "model": {"type": "MXNetModel", "model_data": SERVED_MODEL_DATA, "entry_point": "inference.py", "source_dir": ".", "framework_version": "1.8.0", "py_version": "py37", "model_server_workers": 2},
        "deploy": DEPLOY_CPU,
    },
    "mxnet-model-eia": {
        "model": {"type": "MXNetModel", "model_data": SERVED_MODEL_DATA, "entry_point": "inference.py", "framework_version": "1.7.0", "py_version": "py3"},
        "deploy": {"initial_instance_count": 1, "instance_type": "ml.c5.xlarge", "accelerator_type": "ml.eia2.medium"},
    },
    "kmeans-deploy": {
        "estimator": {"type": "KMeans", "k": 10, "instance_count": 1, "instance_type": "ml.c5.xlarge", "init_method": "kmeans++", "max_iterations": 20, "tol": 0.01, "epochs": 2, "eval_metrics": ["msd", "ssd"]},
        "fit": {"inputs": RECORDS, "mini_batch_size": 200},
        "deploy": DEPLOY_CPU,
    },
    "kmeans-default-mini-batch": {
        "estimator": {"type": "KMeans", "k": 4, "instance_count": 2, "instance_type": "ml.c5.xlarge"},
        "fit": {"inputs": [RECORDS, {**RECORDS, "channel": "test", "s3_data": "s3://sagestack-data/records/test.manifest"}]},
    },
    "pca-batch-transform": {
        "estimator": {"type": "PCA", "num_components": 3, "algorithm_mode": "randomized", "subtract_mean": True, "extra_components": 2, "instance_count": 1, "instance_type": "ml.c5.xlarge"},
        "fit": {"inputs": [{**RECORDS, "num_records": 300}]},
        "transformer": {"instance_count": 1, "instance_type": "ml.m5.large", "strategy": "MultiRecord", "assemble_with": "Line"},
        "transform": {"data": "s3://sagestack-data/pca/in", "content_type": "text/csv", "split_type": "Line"},
    },
    "linear-learner-capture": {
        "estimator": {"type": "LinearLearner", "predictor_type": "binary_classifier", "instance_count": 2, "instance_type": "ml.c5.xlarge", "epochs": 3, "learning_rate": 0.05, "use_bias": False, "loss": "logistic"},
        "fit": {"inputs": [{**RECORDS, "num_records": 5000}, {**RECORDS, "channel": "validation", "s3_data": "s3://sagestack-data/records/val.manifest"}]},
        "deploy": {**DEPLOY_CPU, "data_capture_config": {"enable_capture": True, "sampling_percentage": 10, "destination_s3_uri": "s3://sagestack-data/capture"}},
    },
    "byo-spot-vpc-kms": {
        "estimator": {
            "type": "Estimator", "image_uri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/algo:1.0", "instance_count": 2, "instance_type": "ml.m5.xlarge",
            "use_spot_instances": True, "max_run": 3600, "max_wait": 7200, "checkpoint_s3_uri": "s3://sagestack-data/ckpt",
            "subnets": ["subnet-0abc"], "security_group_ids": ["sg-0abc"], "volume_kms_key": "alias/vol", "output_kms_key": "alias/out",
            "hyperparameters": {"depth": 6, "eta": 0.3, "objective": "reg:squarederror", "verbose": True},
            "enable_network_isolation": True, "tags": [{"Key": "team", "Value": "pricing"}], "environment": {"LOG": "1"},
            "metric_definitions": [{"Name": "rmse", "Regex": "rmse=([0-9.]+)"}],
        },
        "fit": {"inputs": {"train": {"s3_data": "s3://sagestack-data/byo/train", "content_type": "text/csv", "distribution": "ShardedByS3Key"}}},
        "deploy": DEPLOY_CPU,
    },
    "tfs-ab-variants": {
        "model": {"type": "TensorFlowModel", "model_data": SERVED_MODEL_DATA, "framework_version": "2.11"},
        "deploy": {"variants": [
            {"variant_name": "champion", "instance_type": "ml.c5.xlarge", "initial_instance_count": 2, "initial_weight": 9},
            {"variant_name": "challenger", "instance_type": "ml.g4dn.xlarge", "initial_instance_count": 1, "initial_weight": 1, "model_data": f"s3://{BUCKET}/served/model.tar.gz"},
        ]},
    },
    "byo-model-deploy": {
        "model": {"type": "Model", "image_uri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/serve:2", "model_data": SERVED_MODEL_DATA, "env": {"WORKERS": "4"}, "enable_network_isolation": True},
        "deploy": {**DEPLOY_CPU, "model_data_download_timeout": 600, "container_startup_health_check_timeout": 600},
    },
}

BUCKET_NAME = BUCKET


def _merge_cases() -> None:
    """Adds the CONFIGS of every module of tests/fidelity/cases (one kind each)."""
    import importlib
    import pkgutil

    from . import cases

    for module in sorted(pkgutil.iter_modules(cases.__path__), key=lambda m: m.name):
        found = importlib.import_module(f"{cases.__name__}.{module.name}").CONFIGS
        clash = sorted(set(found) & set(CONFIGS))
        assert not clash, f"fidelity configurations named twice: {clash}"
        CONFIGS.update(found)


_merge_cases()
