"""Processing jobs (``processor.run(...)``) fidelity configurations: each processor class, inputs
and outputs with and without names and destinations, a step's output feeding training, and an
evaluation after training that reads the trained model."""

from __future__ import annotations

from typing import Any

SKLEARN = {"type": "SKLearnProcessor", "framework_version": "1.2-1", "instance_type": "ml.m5.xlarge", "instance_count": 1}
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/prep:1.0"
RAW = {"source": "s3://sagestack-data/raw", "destination": "/opt/ml/processing/input"}
PREP_OUTPUTS = [{"source": "/opt/ml/processing/train", "output_name": "train"}, {"source": "/opt/ml/processing/validation", "output_name": "validation"}]
PT = {"type": "PyTorch", "entry_point": "train.py", "source_dir": ".", "framework_version": "2.1", "py_version": "py310", "instance_type": "ml.m5.xlarge", "instance_count": 1}


def _prep(**run: Any) -> dict[str, Any]:
    return {"name": "prep", "processor": SKLEARN, "run": {"code": "train.py", "inputs": [RAW], "outputs": PREP_OUTPUTS, **run}}


CONFIGS: dict[str, dict[str, Any]] = {
    # SKLearnProcessor: the SDK's scikit-learn image, python3, default output destinations.
    "proc-sklearn": {"processing": [_prep(arguments=["--split", "0.2"])]},
    # ScriptProcessor with its own image and command; unnamed inputs and outputs, an explicit destination,
    # every ProcessingInput field, and the constructor's volume, KMS, runtime, env, tags and network settings.
    "proc-script": {"processing": [{
        "name": "featurize",
        "processor": {
            "type": "ScriptProcessor", "image_uri": IMAGE, "command": ["python3", "-u"], "instance_type": "ml.c5.2xlarge", "instance_count": 2,
            "volume_size_in_gb": 100, "volume_kms_key": "alias/volume", "output_kms_key": "alias/output", "max_runtime_in_seconds": 7200,
            "env": {"MODE": "full"}, "tags": [{"Key": "team", "Value": "ml"}],
            "network_config": {"enable_network_isolation": True, "encrypt_inter_container_traffic": True, "subnets": ["subnet-0abc"], "security_group_ids": ["sg-0abc"]},
        },
        "run": {
            "code": "train.py",
            "inputs": [
                {"source": "s3://sagestack-data/raw", "destination": "/opt/ml/processing/raw"},
                {"source": "s3://sagestack-data/lookup/manifest", "destination": "/opt/ml/processing/lookup", "input_name": "lookup", "s3_data_type": "ManifestFile",
                 "s3_input_mode": "Pipe", "s3_data_distribution_type": "ShardedByS3Key", "s3_compression_type": "Gzip"},
            ],
            "outputs": [
                {"source": "/opt/ml/processing/features"},
                {"source": "/opt/ml/processing/stats", "destination": "s3://sagestack-data/stats", "output_name": "stats", "s3_upload_mode": "Continuous"},
            ],
        },
    }]},
    # Processor: an image and its entrypoint, no code.
    "proc-image": {"processing": [{
        "name": "export",
        "processor": {"type": "Processor", "image_uri": IMAGE, "entrypoint": ["/usr/bin/export", "--all"], "instance_type": "ml.m5.large", "instance_count": 1},
        "run": {"inputs": [RAW], "outputs": [{"source": "/opt/ml/processing/out", "output_name": "exported"}], "arguments": ["--format", "parquet"]},
    }]},
    # ScriptProcessor whose code is already in S3 (nothing uploaded).
    "proc-script-s3-code": {"processing": [{
        "name": "clean",
        "processor": {"type": "ScriptProcessor", "image_uri": IMAGE, "command": ["python3"], "instance_type": "ml.m5.large", "instance_count": 1},
        "run": {"code": "s3://sagestack-data/code/clean.py", "inputs": [RAW]},
    }]},
    # PyTorchProcessor: source_dir packed with runproc.sh, the PyTorch training image.
    "proc-pytorch": {"processing": [{
        "name": "tokenize",
        "processor": {"type": "PyTorchProcessor", "framework_version": "2.1", "py_version": "py310", "instance_type": "ml.g5.xlarge", "instance_count": 1},
        "run": {"code": "train.py", "source_dir": ".", "inputs": [RAW], "outputs": [{"source": "/opt/ml/processing/tokens", "output_name": "tokens"}]},
    }]},
    # FrameworkProcessor with an estimator class and its own command.
    "proc-framework-sklearn": {"processing": [{
        "name": "prep",
        "processor": {"type": "FrameworkProcessor", "estimator_cls": "SKLearn", "framework_version": "1.2-1", "command": ["python3"], "instance_type": "ml.m5.xlarge", "instance_count": 1},
        "run": {"code": "train.py", "source_dir": ".", "outputs": [{"source": "/opt/ml/processing/out", "output_name": "out"}]},
    }]},
    # Prepare → train on its outputs → evaluate the trained model (after training).
    "proc-train-evaluate": {
        "processing": [
            _prep(),
            {"name": "evaluate", "when": "after_training", "processor": SKLEARN, "run": {
                "code": "train.py",
                "inputs": [{"source": {"step": "training", "output": "model"}, "destination": "/opt/ml/processing/model"},
                           {"source": {"step": "prep", "output": "validation"}, "destination": "/opt/ml/processing/validation"}],
                "outputs": [{"source": "/opt/ml/processing/evaluation", "output_name": "evaluation"}],
            }},
        ],
        "estimator": PT,
        "fit": {"inputs": {"train": {"step": "prep", "output": "train"}, "validation": {"step": "prep", "output": "validation"}}},
    },
}
