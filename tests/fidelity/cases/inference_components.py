"""Inference components (``model.deploy(endpoint_type=EndpointType.INFERENCE_COMPONENT_BASED,
resources=ResourceRequirements(...), managed_instance_scaling=...)``) fidelity configurations,
and routing_config on a model-based endpoint."""

from __future__ import annotations

from typing import Any

from ..recorder import SERVED_MODEL_DATA

SK_MODEL = {"type": "SKLearnModel", "model_data": SERVED_MODEL_DATA, "framework_version": "1.2-1", "entry_point": "inference.py", "source_dir": "."}
IC = "inference-component-based"

CONFIGS: dict[str, dict[str, Any]] = {
    # An endpoint of inference components that may run no instance when idle.
    "sklearn-ic": {
        "model": SK_MODEL,
        "deploy": {
            "endpoint_type": IC, "instance_type": "ml.m5.xlarge", "initial_instance_count": 1,
            "resources": {"requests": {"memory": 1024, "num_cpus": 1, "copies": 2}, "limits": {"memory": 2048}},
            "managed_instance_scaling": {"MinInstanceCount": 0, "MaxInstanceCount": 2},
            "routing_config": {"RoutingStrategy": "LEAST_OUTSTANDING_REQUESTS"},
            "container_startup_health_check_timeout": 600, "tags": [{"Key": "team", "Value": "ml"}],
        },
    },
    # A GPU component with a name of its own; managed scaling's minimum defaults to the instance count.
    "pytorch-ic-gpu": {
        "model": {"type": "PyTorchModel", "model_data": SERVED_MODEL_DATA, "framework_version": "2.3.0", "py_version": "py311", "entry_point": "inference.py", "source_dir": "."},
        "deploy": {
            "endpoint_type": IC, "instance_type": "ml.g5.2xlarge", "initial_instance_count": 1, "inference_component_name": "fidelity-component",
            "resources": {"requests": {"memory": 8192, "num_accelerators": 1}}, "managed_instance_scaling": {"MaxInstanceCount": 2},
            "model_data_download_timeout": 900, "volume_size": 100,
        },
    },
    # A second model on an endpoint that is in service: only its model and component.
    "xgboost-ic-joins": {
        "model": {"type": "XGBoostModel", "model_data": SERVED_MODEL_DATA, "framework_version": "1.7-1", "entry_point": "inference.py", "source_dir": "."},
        "deploy": {"endpoint_type": IC, "endpoint_name": "shared-models", "instance_type": "ml.m5.xlarge", "resources": {"requests": {"memory": 512, "num_cpus": 0.5}}},
    },
    "sklearn-routing-config": {
        "model": SK_MODEL,
        "deploy": {"initial_instance_count": 2, "instance_type": "ml.c5.xlarge", "routing_config": {"RoutingStrategy": "RANDOM"}},
    },
}
