"""Model registry (``estimator.register(...)``, ``tuner.best_estimator().register(...)``) fidelity
configurations: built-in XGBoost registered for approval, a framework estimator whose package
holds its repacked model and inference code, a tuned model registered as Approved and deployed."""

from __future__ import annotations

from typing import Any

from ..configs import DEPLOY_CPU
from .pytorch import PT
from .tuning import XGB_BUILTIN, XGB_TRAIN, _xgb_tuner

CSV = {"content_types": ["text/csv"], "response_types": ["text/csv"]}

CONFIGS: dict[str, dict[str, Any]] = {
    # The SDK's defaults: PendingManualApproval, no content types.
    "register-xgb-defaults": {"estimator": XGB_BUILTIN, "fit": XGB_TRAIN, "register": {"model_package_group_name": "churn"}},
    # Every argument sagestack takes.
    "register-xgb-pending": {
        "estimator": XGB_BUILTIN, "fit": XGB_TRAIN, "deploy": DEPLOY_CPU,
        "register": {
            "model_package_group_name": "churn-models", "approval_status": "PendingManualApproval", **CSV,
            "inference_instances": ["ml.m5.large", "ml.m5.xlarge"], "transform_instances": ["ml.m5.xlarge"],
            "description": "Customer churn, built-in XGBoost", "customer_metadata_properties": {"team": "growth"},
            "domain": "MACHINE_LEARNING", "task": "CLASSIFICATION", "sample_payload_url": "s3://sagestack-data/xgb/sample.csv",
            "skip_model_validation": "All",
        },
    },
    # A framework estimator: the package's model is repacked with the script under code/.
    "register-pytorch": {
        "estimator": {**PT, "instance_type": "ml.m5.xlarge"}, "fit": {"inputs": "s3://sagestack-data/pt/train"}, "deploy": DEPLOY_CPU,
        "register": {"model_package_group_name": "pt-models", "content_types": ["application/json"], "response_types": ["application/json"], "inference_instances": ["ml.m5.large"]},
    },
    # The best training job registered as Approved (and deployed by the same run).
    "register-tuned": {
        "estimator": XGB_BUILTIN, "fit": XGB_TRAIN, "tuner": _xgb_tuner(), "deploy": DEPLOY_CPU,
        "register": {"model_package_group_name": "tuned", "approval_status": "Approved", **CSV},
    },
}
