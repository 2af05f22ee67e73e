"""Fidelity configurations of the built-in algorithms whose fields come from the SDK's hp()
declarations: FactorizationMachines, RandomCutForest, NTM, LDA, KNN, Object2Vec, IPInsights —
each trained and served (deploy or batch transform)."""

from __future__ import annotations

from typing import Any

from ..configs import DEPLOY_CPU, RECORDS

_TEST = {**RECORDS, "channel": "test", "s3_data": "s3://sagestack-data/records/test.manifest"}
_TRANSFORMER = {"instance_count": 1, "instance_type": "ml.m5.large"}
_TRANSFORM = {"data": "s3://sagestack-data/batch/in", "content_type": "application/x-recordio-protobuf", "split_type": "RecordIO"}
_CPU = {"instance_count": 1, "instance_type": "ml.c5.xlarge"}

CONFIGS: dict[str, dict[str, Any]] = {
    "fm-deploy": {
        "estimator": {"type": "FactorizationMachines", **_CPU, "instance_count": 2, "num_factors": 8, "predictor_type": "binary_classifier", "epochs": 5, "bias_init_method": "normal", "factors_lr": 0.01, "clip_gradient": 5},
        "fit": {"inputs": [RECORDS, _TEST], "mini_batch_size": 100},
        "deploy": DEPLOY_CPU,
    },
    "rcf-deploy": {
        "estimator": {"type": "RandomCutForest", **_CPU, "num_trees": 100, "num_samples_per_tree": 256, "eval_metrics": ["accuracy", "precision_recall_fscore"]},
        "fit": {"inputs": [RECORDS, _TEST]},
        "deploy": {"initial_instance_count": 1, "instance_type": "ml.m5.large"},
    },
    "rcf-fixed-mini-batch-transform": {
        "estimator": {"type": "RandomCutForest", **_CPU, "instance_count": 2},
        "fit": {"inputs": {**RECORDS, "num_records": 5000}, "mini_batch_size": 1000},
        "transformer": _TRANSFORMER,
        "transform": {**_TRANSFORM, "content_type": "text/csv", "split_type": "Line"},
    },
    "ntm-batch-transform": {
        "estimator": {"type": "NTM", **_CPU, "num_topics": 20, "encoder_layers": [64, 32], "epochs": 10, "optimizer": "adam", "batch_norm": True, "learning_rate": 0.01},
        "fit": {"inputs": RECORDS, "mini_batch_size": 64},
        "transformer": _TRANSFORMER,
        "transform": _TRANSFORM,
    },
    "lda-deploy": {
        "estimator": {"type": "LDA", "instance_type": "ml.c5.2xlarge", "num_topics": 10, "alpha0": 1.0, "max_restarts": 3, "tol": 1e-5},
        "fit": {"inputs": RECORDS, "mini_batch_size": 200},
        "deploy": DEPLOY_CPU,
    },
    "knn-batch-transform": {
        "estimator": {"type": "KNN", **_CPU, "k": 5, "sample_size": 500, "predictor_type": "classifier", "dimension_reduction_type": "sign", "dimension_reduction_target": 10, "index_type": "faiss.IVFFlat", "index_metric": "L2", "faiss_index_ivf_nlists": "auto"},
        "fit": {"inputs": RECORDS},
        "transformer": _TRANSFORMER,
        "transform": _TRANSFORM,
    },
    "object2vec-deploy": {
        "estimator": {"type": "Object2Vec", "instance_count": 1, "instance_type": "ml.p3.2xlarge", "epochs": 3, "enc0_max_seq_len": 20, "enc0_vocab_size": 1000, "enc_dim": 64,
                      "mlp_activation": "relu", "output_layer": "softmax", "num_classes": 2, "comparator_list": "hadamard,abs_diff", "enc0_network": "bilstm", "enc1_network": "enc0",
                      "tied_token_embedding_weight": True, "dropout": 0.2},
        "fit": {"inputs": RECORDS},
        "deploy": {"initial_instance_count": 1, "instance_type": "ml.m5.large"},
    },
    "object2vec-fit-mini-batch": {
        "estimator": {"type": "Object2Vec", **_CPU, "epochs": 2, "enc0_max_seq_len": 10, "enc0_vocab_size": 50, "mini_batch_size": 16},
        "fit": {"inputs": RECORDS, "mini_batch_size": 128},
    },
    "ipinsights-batch-transform": {
        "estimator": {"type": "IPInsights", **_CPU, "num_entity_vectors": 20000, "vector_dim": 64, "epochs": 4, "batch_metrics_publish_interval": 1000, "random_negative_sampling_rate": 1, "weight_decay": 0.0},
        "fit": {"inputs": {**RECORDS, "num_records": 20000}, "mini_batch_size": 5000},
        "transformer": _TRANSFORMER,
        "transform": {"data": "s3://sagestack-data/ipinsights/in", "content_type": "text/csv", "split_type": "Line"},
    },
}
