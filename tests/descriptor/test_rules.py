"""Each cross-field rule with a non-compliant case (the finding appears, at the right path) and
a compliant one (the same descriptor, fixed, has no such finding)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sagestack.descriptor.rules import RULES

from .helpers import assert_rule_case, errors, find, issues_of, kmeans_base, model_base, tf_base, tuned_base

Mutation = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Mutation:
    def mutate(d: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node = d
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value

    return mutate


def _del(path: str) -> Mutation:
    def mutate(d: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node = d
        for part in parents:
            node = node[part]
        node.pop(last)

    return mutate


def ic_base() -> dict[str, Any]:
    """An inference-component-based endpoint that scales to zero instances."""
    d = model_base()
    d["deploy"] = {
        "endpoint_type": "inference-component-based", "instance_type": "ml.m5.xlarge", "initial_instance_count": 1,
        "resources": {"requests": {"memory": 1024, "num_cpus": 1, "copies": 1}}, "managed_instance_scaling": {"MinInstanceCount": 0, "MaxInstanceCount": 2},
    }
    return d


def _all(*mutations: Mutation) -> Mutation:
    def mutate(d: dict[str, Any]) -> None:
        for m in mutations:
            m(d)

    return mutate


# (rule, base, bad mutation, good mutation, path, message fragment, severity)
CASES: list[tuple[str, Callable[[], dict[str, Any]], Mutation, Mutation, str, str, str]] = [
    ("sections_fit_together", tf_base, _del("fit"), lambda d: None, "estimator", "needs a fit section", "error"),
    # Shadow tests: one production variant and one shadow.
    ("shadow_variant_fits", model_base, _set("deploy.shadow_variant", {"variant_name": "candidate", "instance_type": "ml.m5.large"}), _set("deploy", {"variants": [{"variant_name": "production", "instance_type": "ml.m5.large"}], "shadow_variant": {"variant_name": "candidate", "instance_type": "ml.m5.large"}}), "deploy.shadow_variant", "exactly one production variant", "error"),
    ("shadow_variant_fits", model_base, _set("deploy", {"variants": [{"variant_name": "a", "instance_type": "ml.m5.large"}], "shadow_variant": {"variant_name": "a", "instance_type": "ml.m5.large"}}), _set("deploy", {"variants": [{"variant_name": "a", "instance_type": "ml.m5.large"}], "shadow_variant": {"variant_name": "b", "instance_type": "ml.m5.large"}}), "deploy.shadow_variant.variant_name", "a name of its own", "error"),
    ("shadow_variant_fits", model_base, _all(_del("model"), _set("deploy.shadow_variant", {"variant_name": "candidate", "instance_type": "ml.m5.large"})), lambda d: None, "deploy.shadow_variant", "use a model: section", "error"),
    # A training pipeline's shadow serves the run's model: no model_data, not AllTraffic, no better_than_live.
    ("shadow_variant_fits", tf_base, _set("deploy.shadow_variant", {"variant_name": "candidate", "instance_type": "ml.m5.large", "model_data": "s3://sagestack-test/other.tar.gz"}), _set("deploy.shadow_variant", {"variant_name": "candidate", "instance_type": "ml.m5.large"}), "deploy.shadow_variant.model_data", "newly trained model", "error"),
    ("shadow_variant_fits", tf_base, _set("deploy.shadow_variant", {"variant_name": "AllTraffic", "instance_type": "ml.m5.large"}), _set("deploy.shadow_variant", {"variant_name": "candidate", "instance_type": "ml.m5.large"}), "deploy.shadow_variant.variant_name", "a name of its own", "error"),
    (
        "shadow_variant_fits", tuned_base,
        _all(_set("deploy.shadow_variant", {"variant_name": "candidate", "instance_type": "ml.m5.large"}), _set("deploy.condition", [{"metric": "validation:auc", "greater_than": 0.7, "better_than_live": True}])),
        _all(_set("deploy.shadow_variant", {"variant_name": "candidate", "instance_type": "ml.m5.large"}), _set("deploy.condition", [{"metric": "validation:auc", "greater_than": 0.7}])),
        "deploy.condition[0].better_than_live", "promotion run decides", "error",
    ),
    # Asynchronous endpoints, and scaling to zero.
    ("async_inference_fits", model_base, _set("deploy", {"serverless_inference_config": {"memory_size_in_mb": 2048, "max_concurrency": 1}, "async_inference_config": {}}), _set("deploy.async_inference_config", {}), "deploy.async_inference_config", "asynchronous or serverless", "error"),
    ("async_inference_fits", model_base, _set("deploy", {"variants": [{"variant_name": "a", "instance_type": "ml.m5.large"}], "async_inference_config": {}}), _set("deploy.async_inference_config", {}), "deploy.variants", "one variant", "error"),
    ("async_inference_fits", model_base, _set("deploy.async_inference_config", {"notification_config": {"SuccessTopic": "arn:aws:sns:us-east-1:123456789012:t", "IncludeInferenceResponseIn": ["ERROR_NOTIFICATION_TOPIC"]}}), _set("deploy.async_inference_config", {"notification_config": {"SuccessTopic": "arn:aws:sns:us-east-1:123456789012:t", "IncludeInferenceResponseIn": ["SUCCESS_NOTIFICATION_TOPIC"]}}), "deploy.async_inference_config.notification_config.IncludeInferenceResponseIn[0]", "not configured", "error"),
    # Inference components: resources, instances that host them, a joining descriptor, copies.
    ("inference_components_fit", ic_base, _del("deploy.resources"), lambda d: None, "deploy.endpoint_type", "needs the resources each copy reserves", "error"),
    ("inference_components_fit", ic_base, _set("deploy.resources.requests.num_cpus", 0.1), _set("deploy.resources.requests.num_cpus", 0.25), "deploy.resources.requests.num_cpus", "a quarter of a core", "error"),
    ("inference_components_fit", ic_base, _set("deploy.resources.limits", {"memory": 512}), _set("deploy.resources.limits", {"memory": 2048}), "deploy.resources.limits.memory", "below the memory each copy reserves", "error"),
    ("inference_components_fit", ic_base, _set("deploy.instance_type", "ml.t2.medium"), _set("deploy.instance_type", "ml.m5.xlarge"), "deploy.instance_type", "burstable", "error"),
    ("inference_components_fit", ic_base, _set("deploy.async_inference_config", {}), lambda d: None, "deploy.async_inference_config", "hold no inference components", "error"),
    ("inference_components_fit", ic_base, _set("deploy.accelerator_type", "ml.eia2.medium"), lambda d: None, "deploy.accelerator_type", "num_accelerators", "error"),
    ("inference_components_fit", ic_base, _set("deploy.variants", [{"variant_name": "a", "instance_type": "ml.m5.large"}]), lambda d: None, "deploy.variants", "one variant, AllTraffic", "error"),
    ("inference_components_fit", ic_base, _del("deploy.initial_instance_count"), _all(_del("deploy.initial_instance_count"), _del("deploy.managed_instance_scaling"), _set("deploy.endpoint_name", "shared-models")), "deploy.initial_instance_count", "required for an inference-component-based endpoint", "error"),
    ("inference_components_fit", ic_base, _all(_del("deploy.initial_instance_count"), _set("deploy.endpoint_name", "shared-models")), _all(_del("deploy.initial_instance_count"), _del("deploy.managed_instance_scaling"), _set("deploy.endpoint_name", "shared-models")), "deploy.managed_instance_scaling", "the endpoint's settings belong to that descriptor", "error"),
    ("inference_components_fit", ic_base, _set("deploy.managed_instance_scaling", {"MinInstanceCount": 3, "MaxInstanceCount": 2}), _set("deploy.managed_instance_scaling", {"MinInstanceCount": 0, "MaxInstanceCount": 2}), "deploy.managed_instance_scaling.MinInstanceCount", "above MaxInstanceCount", "error"),
    ("inference_components_fit", ic_base, _set("deploy.autoscaling", {"min_capacity": 0, "max_capacity": 4, "target_invocations_per_instance": 4}), _set("deploy.autoscaling", {"min_capacity": 0, "max_capacity": 4, "target_invocations_per_copy": 4}), "deploy.autoscaling.target_invocations_per_instance", "scales its copies on invocations per copy", "error"),
    ("inference_components_fit", ic_base, _set("deploy.autoscaling", {"min_capacity": 3, "max_capacity": 4, "target_invocations_per_copy": 4}), _set("deploy.autoscaling", {"min_capacity": 1, "max_capacity": 4, "target_invocations_per_copy": 4}), "deploy.resources.requests.copies", "outside the autoscaling bounds", "error"),
    ("inference_components_fit", ic_base, _all(_set("deploy.autoscaling", {"min_capacity": 0, "max_capacity": 4, "target_invocations_per_copy": 4}), _set("deploy.managed_instance_scaling", {"MinInstanceCount": 1, "MaxInstanceCount": 2})), _set("deploy.autoscaling", {"min_capacity": 0, "max_capacity": 4, "target_invocations_per_copy": 4}), "deploy.managed_instance_scaling.MinInstanceCount", "the instances never do", "warning"),
    ("inference_components_fit", model_base, _set("deploy.resources", {"requests": {"memory": 1024}}), lambda d: None, "deploy.resources", "belongs to an inference-component-based endpoint", "error"),
    ("inference_components_fit", model_base, _set("deploy.autoscaling", {"max_capacity": 2, "target_invocations_per_copy": 4}), _set("deploy.autoscaling", {"max_capacity": 2, "target_invocations_per_instance": 4}), "deploy.autoscaling.target_invocations_per_copy", "only on an inference-component-based endpoint", "error"),
    # A trained model deploys as an inference component of the endpoint its pipeline creates, under the same rules.
    ("inference_components_fit", tf_base, _set("deploy", {"endpoint_type": "inference-component-based", "instance_type": "ml.t2.medium", "initial_instance_count": 1, "resources": {"requests": {"memory": 1024}}}), _set("deploy", {"endpoint_type": "inference-component-based", "instance_type": "ml.m5.xlarge", "initial_instance_count": 1, "resources": {"requests": {"memory": 1024}}}), "deploy.instance_type", "burstable", "error"),
    ("inference_components_fit", lambda: {"name": "mme-ic", "model": {"type": "MultiDataModel", "model_data_prefix": "s3://sagestack-test/models/", "model": {"type": "XGBoostModel", "framework_version": "1.7-1"}}, "deploy": ic_base()["deploy"]}, lambda d: None, _set("deploy.endpoint_type", "model-based"), "model.type", "not as inference components", "error"),
    ("serverless_fits", model_base, _set("deploy", {"serverless_inference_config": {"memory_size_in_mb": 2048, "max_concurrency": 1}, "routing_config": {"RoutingStrategy": "RANDOM"}}), _set("deploy.routing_config", {"RoutingStrategy": "RANDOM"}), "deploy.routing_config", "route requests themselves", "error"),
    ("async_autoscaling_fits", model_base, _set("deploy.autoscaling", {"min_capacity": 0, "max_capacity": 2, "target_invocations_per_instance": 50}), _all(_set("deploy.async_inference_config", {}), _set("deploy.autoscaling", {"min_capacity": 0, "max_capacity": 2, "target_backlog_per_instance": 5})), "deploy.autoscaling.min_capacity", "only asynchronous endpoints scale to zero", "error"),
    ("async_autoscaling_fits", model_base, _set("deploy.autoscaling", {"max_capacity": 2, "target_backlog_per_instance": 5}), _all(_set("deploy.async_inference_config", {}), _set("deploy.autoscaling", {"max_capacity": 2, "target_backlog_per_instance": 5})), "deploy.autoscaling.target_backlog_per_instance", "only for asynchronous endpoints", "error"),
    ("async_autoscaling_fits", model_base, _all(_set("deploy.async_inference_config", {}), _set("deploy.autoscaling", {"min_capacity": 0, "max_capacity": 2, "target_invocations_per_instance": 50})), _all(_set("deploy.async_inference_config", {}), _set("deploy.autoscaling", {"min_capacity": 0, "max_capacity": 2, "target_backlog_per_instance": 5})), "deploy.autoscaling", "track its backlog", "error"),
    # What sagestack import could not resolve, in a field that takes any string.
    ("import_placeholders_are_filled", tf_base, _set("estimator.hyperparameters", {"epochs": "<unresolved>"}), _set("estimator.hyperparameters", {"epochs": 5}), "estimator.hyperparameters.epochs", "placeholder left by sagestack import", "error"),
    ("import_placeholders_are_filled", tf_base, _set("estimator.hyperparameters", {"data": "s3://<default-bucket>/train"}), lambda d: None, "estimator.hyperparameters.data", "the notebook's default bucket", "error"),
    # What the SDK call refuses with a TypeError (or leaves out without a word).
    ("serving_arguments_are_taken", tf_base, _set("deploy", {"initial_instance_count": 1, "instance_type": "ml.m5.large", "model_server_workers": 2}), _set("deploy", {"initial_instance_count": 1, "instance_type": "ml.m5.large"}), "deploy.model_server_workers", "takes no model_server_workers", "error"),
    ("serving_arguments_are_taken", kmeans_base, _set("transformer", {"instance_count": 1, "instance_type": "ml.m5.large", "model_server_workers": 2}), lambda d: None, "transformer.model_server_workers", "takes no model_server_workers", "error"),
    ("serving_arguments_are_taken", model_base, _set("model.model_server_workers", 2), lambda d: None, "model.model_server_workers", "takes no model_server_workers", "error"),
    ("serving_arguments_are_taken", model_base, _all(_del("deploy"), _set("model.enable_network_isolation", True), _set("transformer", {"instance_count": 1, "instance_type": "ml.m5.large", "env": {"A": "1"}}), _set("transform", {"data": "s3://sagestack-test/batch"})), _all(_del("deploy"), _set("model.enable_network_isolation", True), _set("transformer", {"instance_count": 1, "instance_type": "ml.m5.large"}), _set("transform", {"data": "s3://sagestack-test/batch"})), "transformer.env", "drops env", "error"),
    ("serving_arguments_are_taken", model_base, _set("deploy.env", {"A": "1"}), _set("model.env", {"A": "1"}), "deploy.env", "takes no env", "error"),
    ("serverless_fits", model_base, _set("deploy", {"serverless_inference_config": {"memory_size_in_mb": 2048, "max_concurrency": 1}, "model_data_download_timeout": 600}), _set("deploy", {"serverless_inference_config": {"memory_size_in_mb": 2048, "max_concurrency": 1}}), "deploy.model_data_download_timeout", "serverless endpoints take no", "error"),
    ("sections_fit_together", model_base, _del("deploy"), lambda d: None, "model", "needs deploy or transformer", "error"),
    ("sections_fit_together", tf_base, _set("model", {"type": "Model", "image_uri": "x"}), lambda d: None, "model", "not both", "error"),
    ("sections_fit_together", tf_base, _set("transformer", {"instance_type": "ml.m5.large"}), _all(_set("transformer", {"instance_type": "ml.m5.large"}), _set("transform", {"data": "s3://sagestack-test/in"})), "transformer", "needs a transform", "error"),
    ("framework_image_exists", tf_base, _set("estimator.framework_version", "2.15"), lambda d: None, "estimator.framework_version", "no SageMaker TensorFlow training image", "error"),
    ("framework_image_exists", tf_base, _set("estimator.py_version", "py27"), lambda d: None, "estimator.py_version", "no TensorFlow 2.11.0 training image", "error"),
    ("framework_image_exists", tf_base, _del("estimator.py_version"), _all(_del("estimator.py_version"), _set("estimator.image_uri", "123456789012.dkr.ecr.us-east-1.amazonaws.com/tf:1")), "estimator.py_version", "required without image_uri", "error"),
    ("tensorflow_mode_matches_version", tf_base, _set("estimator.training_steps", 100), _all(_set("estimator.training_steps", 100), _set("estimator.framework_version", "1.12"), _set("estimator.py_version", "py2")), "estimator.framework_version", "legacy mode", "error"),
    ("tensorflow_mode_matches_version", tf_base, _all(_set("estimator.framework_version", "1.10"), _set("estimator.py_version", "py2")), _all(_set("estimator.framework_version", "1.10"), _set("estimator.py_version", "py2"), _set("estimator.script_mode", False)), "estimator.framework_version", "only legacy-mode images", "error"),
    ("legacy_checkpoint_hyperparameters_exclusive", tf_base, _set("estimator.hyperparameters", {"save_checkpoints_secs": 60, "save_checkpoints_steps": 100}), _set("estimator.hyperparameters", {"save_checkpoints_secs": 60}), "estimator.hyperparameters.save_checkpoints_steps", "cannot both", "error"),
    ("distribution_is_consistent", tf_base, _set("estimator.distribution", {"mpi": {"enabled": True}, "parameter_server": {"enabled": True}}), _set("estimator.distribution", {"mpi": {"enabled": True}}), "estimator.distribution", "only one distribution", "error"),
    ("distribution_is_consistent", tf_base, _all(_set("estimator.framework_version", "1.11"), _set("estimator.py_version", "py3"), _set("estimator.distribution", {"mpi": {"enabled": True}})), _all(_set("estimator.framework_version", "1.12"), _set("estimator.py_version", "py3"), _set("estimator.distribution", {"mpi": {"enabled": True}})), "estimator.framework_version", "Horovod (mpi) needs TensorFlow 1.12", "error"),
    ("distribution_is_consistent", tf_base, _set("estimator.distribution", {"multi_worker_mirrored_strategy": {"enabled": True}}) and _all(_set("estimator.framework_version", "2.8"), _set("estimator.py_version", "py39"), _set("estimator.distribution", {"multi_worker_mirrored_strategy": {"enabled": True}})), _set("estimator.distribution", {"multi_worker_mirrored_strategy": {"enabled": True}}), "estimator.framework_version", "multi_worker_mirrored_strategy needs TensorFlow 2.9", "error"),
    ("distribution_is_consistent", tf_base, _set("estimator.instance_count", 2), _all(_set("estimator.instance_count", 2), _set("estimator.distribution", {"parameter_server": {"enabled": True}})), "estimator.instance_count", "each instance runs the script on its own", "warning"),
    ("distribution_is_consistent", tf_base, _set("estimator.distribution", {"parameter_server": {"enabled": True}}), _all(_set("estimator.instance_count", 2), _set("estimator.distribution", {"parameter_server": {"enabled": True}})), "estimator.distribution.parameter_server", "single instance", "warning"),
    ("distribution_fits_instance", tf_base, _all(_set("estimator.instance_type", "ml.c5.18xlarge"), _set("estimator.distribution", {"smdistributed": {"dataparallel": {"enabled": True}}})), _all(_set("estimator.instance_type", "ml.p4d.24xlarge"), _set("estimator.distribution", {"smdistributed": {"dataparallel": {"enabled": True}}})), "estimator.instance_type", "distributed data parallel runs only", "error"),
    ("distribution_fits_instance", tf_base, _set("estimator.distribution", {"mpi": {"enabled": True, "processes_per_host": 4}}), _all(_set("estimator.instance_type", "ml.p3.8xlarge"), _set("estimator.distribution", {"mpi": {"enabled": True, "processes_per_host": 4}})), "estimator.distribution.mpi.processes_per_host", "more MPI processes than the 1 GPU", "warning"),
    ("distribution_fits_instance", tf_base, _all(_set("estimator.instance_count", 2), _set("estimator.instance_type", "ml.p3.8xlarge"), _set("estimator.distribution", {"parameter_server": {"enabled": True}})), _all(_set("estimator.instance_count", 2), _set("estimator.distribution", {"parameter_server": {"enabled": True}})), "estimator.distribution.parameter_server", "leave the other GPUs", "warning"),
    ("spot_and_stopping_condition", tf_base, _set("estimator.max_wait", 90000), _all(_set("estimator.max_wait", 90000), _set("estimator.use_spot_instances", True), _set("estimator.checkpoint_s3_uri", "s3://sagestack-test/ckpt")), "estimator.max_wait", "only to managed spot", "error"),
    ("spot_and_stopping_condition", tf_base, _set("estimator.use_spot_instances", True), _all(_set("estimator.max_wait", 90000), _set("estimator.use_spot_instances", True), _set("estimator.checkpoint_s3_uri", "s3://sagestack-test/ckpt")), "estimator.use_spot_instances", "needs max_wait", "error"),
    ("spot_and_stopping_condition", tf_base, _all(_set("estimator.use_spot_instances", True), _set("estimator.max_wait", 3600)), _all(_set("estimator.use_spot_instances", True), _set("estimator.max_wait", 86400)), "estimator.max_wait", "at least max_run", "error"),
    ("spot_and_stopping_condition", tf_base, _set("estimator.max_run", 24), _set("estimator.max_run", 7200), "estimator.max_run", "in seconds", "warning"),
    ("vpc_config_complete", tf_base, _set("estimator.subnets", ["subnet-0abc"]), _all(_set("estimator.subnets", ["subnet-0abc"]), _set("estimator.security_group_ids", ["sg-0abc"])), "estimator.security_group_ids", "needs both", "error"),
    ("hyperparameters_fit_the_api", tf_base, _set("estimator.hyperparameters", {"sagemaker_program": "x.py"}), _set("estimator.hyperparameters", {"program": "x.py"}), "estimator.hyperparameters.sagemaker_program", "set by the SDK", "error"),
    ("hyperparameters_fit_the_api", tf_base, _set("estimator.hyperparameters", {"big": "x" * 2499}), _set("estimator.hyperparameters", {"big": "x" * 2497}), "estimator.hyperparameters.big", "encoded value too long", "error"),
    ("hyperparameters_fit_the_api", tf_base, _set("estimator.hyperparameters", {f"h{i}": i for i in range(95)}), _set("estimator.hyperparameters", {f"h{i}": i for i in range(94)}), "estimator.hyperparameters", "too many hyperparameters", "error"),
    ("linear_learner_classes", lambda: {**kmeans_base(), "estimator": {"type": "LinearLearner", "predictor_type": "multiclass_classifier", "instance_type": "ml.c5.xlarge"}}, lambda d: None, _set("estimator.num_classes", 3), "estimator.num_classes", "at least 3", "error"),
    ("fit_values_the_class_accepts", lambda: {**kmeans_base(), "estimator": {"type": "RandomCutForest", "instance_type": "ml.m5.xlarge"}}, _set("fit.mini_batch_size", 500), _set("fit.mini_batch_size", 1000), "fit.mini_batch_size", "takes mini_batch_size 1000", "error"),
    ("knn_dimension_reduction", lambda: {**kmeans_base(), "estimator": {"type": "KNN", "k": 5, "sample_size": 100, "predictor_type": "regressor", "instance_type": "ml.m5.xlarge", "dimension_reduction_type": "fjlt"}}, lambda d: None, _set("estimator.dimension_reduction_target", 8), "estimator.dimension_reduction_target", "required when dimension_reduction_type", "error"),
    ("lda_single_instance", lambda: {**kmeans_base(), "estimator": {"type": "LDA", "num_topics": 5, "instance_type": "ml.c5.xlarge"}, "fit": {**kmeans_base()["fit"], "mini_batch_size": 100}}, _set("estimator.instance_count", 2), lambda d: None, "estimator.instance_count", "single instance", "error"),
    ("object2vec_constructor_mini_batch", lambda: {**kmeans_base(), "estimator": {"type": "Object2Vec", "epochs": 1, "enc0_max_seq_len": 5, "enc0_vocab_size": 10, "instance_type": "ml.m5.xlarge"}}, _set("estimator.mini_batch_size", 16), _set("fit.mini_batch_size", 16), "estimator.mini_batch_size", "has no effect", "warning"),
    ("inputs_match_estimator", kmeans_base, _set("fit.inputs", "s3://sagestack-test/km"), lambda d: None, "fit.inputs", "trains on RecordSets", "error"),
    ("inputs_match_estimator", kmeans_base, _set("fit.inputs.channel", "test"), lambda d: None, "fit.inputs", "needs a RecordSet on the train channel", "error"),
    ("inputs_match_estimator", kmeans_base, _set("fit.mini_batch_size", 5000), _set("fit.mini_batch_size", 500), "fit.mini_batch_size", "larger than the train RecordSet", "error"),
    ("inputs_match_estimator", tf_base, _set("fit.mini_batch_size", 32), lambda d: None, "fit.mini_batch_size", "put it in hyperparameters", "error"),
    ("pipe_mode_supported", kmeans_base, _all(_set("estimator.input_mode", "Pipe"), _set("fit.inputs", {"train": {"s3_data": "s3://sagestack-test/km", "content_type": "text/csv"}})), _all(_set("estimator.input_mode", "File"), _set("fit.inputs", {"train": {"s3_data": "s3://sagestack-test/km", "content_type": "text/csv"}})), "fit.inputs.train.content_type", "RecordIO-protobuf", "error"),
    ("one_job_name_prefix", tf_base, _all(_set("estimator.base_job_name", "a"), _set("fit.job_name", "b")), _set("fit.job_name", "b"), "fit.job_name", "both", "error"),
    ("transform_job_name_needs_no_estimator", tf_base, _all(_del("deploy"), _set("transformer", {"instance_type": "ml.m5.large"}), _set("transform", {"data": "s3://sagestack-test/in", "job_name": "scores"})), _all(_del("deploy"), _set("transformer", {"instance_type": "ml.m5.large"}), _set("transform", {"data": "s3://sagestack-test/in"}), _set("estimator.base_job_name", "scores")), "transform.job_name", "training prefix", "error"),
    ("endpoint_type_needs_tensorflow", model_base, _set("deploy.endpoint_type", "tensorflow-serving"), lambda d: None, "deploy.endpoint_type", "belongs to a TensorFlow estimator", "error"),
    ("endpoint_type_needs_tensorflow", tf_base, _set("deploy.endpoint_type", "tensorflow-serving"), lambda d: None, "deploy.endpoint_type", "always served by TensorFlow Serving", "warning"),
    ("deploy_code_paths_exist", model_base, _all(_set("deploy.entry_point", "inference.py"), _set("deploy.source_dir", "s3://sagestack-test/code.tar.gz")), lambda d: None, "deploy.source_dir", "inference code in S3 is not supported", "error"),
    ("checkpoint_local_path_needs_s3", tf_base, _set("estimator.checkpoint_local_path", "/opt/ml/checkpoints"), _all(_set("estimator.checkpoint_local_path", "/opt/ml/checkpoints"), _set("estimator.checkpoint_s3_uri", "s3://sagestack-test/ckpt")), "estimator.checkpoint_local_path", "checkpoint_s3_uri", "error"),
    ("serverless_fits", tf_base, _set("deploy.serverless_inference_config", {"memory_size_in_mb": 2048}), _all(_set("deploy", {"serverless_inference_config": {"memory_size_in_mb": 2048}})), "deploy.instance_type", "serverless endpoints have no instances", "error"),
    ("instance_fits", tf_base, _del("deploy.instance_type"), lambda d: None, "deploy.instance_type", "required for an instance-backed endpoint", "error"),
    ("serverless_fits", tf_base, _set("deploy", {"serverless_inference_config": {"memory_size_in_mb": 1500}}), _set("deploy", {"serverless_inference_config": {"memory_size_in_mb": 3072}}), "deploy.serverless_inference_config.memory_size_in_mb", "1024 MB steps", "error"),
    ("elastic_inference", model_base, _set("deploy.accelerator_type", "ml.eia2.medium"), lambda d: None, "deploy.accelerator_type", "end of life", "warning"),
    ("elastic_inference", model_base, _set("deploy.accelerator_type", "ml.eia2.medium"), _all(_set("deploy.accelerator_type", "ml.eia2.medium"), _set("model.framework_version", "2.3")), "model.framework_version", "no Elastic Inference image", "error"),
    ("elastic_inference", kmeans_base, _set("deploy", {"initial_instance_count": 1, "instance_type": "ml.m5.large", "accelerator_type": "ml.eia1.medium"}), lambda d: None, "deploy.accelerator_type", "Elastic Inference images existed only for", "error"),
    ("autoscaling_bounds", tf_base, _set("deploy.autoscaling", {"min_capacity": 2, "max_capacity": 4, "target_invocations_per_instance": 70}), _set("deploy.autoscaling", {"min_capacity": 1, "max_capacity": 4, "target_invocations_per_instance": 70}), "deploy.initial_instance_count", "outside the autoscaling bounds", "error"),
    ("autoscaling_bounds", tf_base, _set("deploy.autoscaling", {"min_capacity": 5, "max_capacity": 4, "target_invocations_per_instance": 70}), _set("deploy.autoscaling", {"min_capacity": 1, "max_capacity": 4, "target_invocations_per_instance": 70}), "deploy.autoscaling.min_capacity", "above max_capacity", "error"),
    ("autoscaling_bounds", tf_base, _set("deploy.autoscaling", {"max_capacity": 4}), _set("deploy.autoscaling", {"max_capacity": 4, "target_gpu_utilization": 60}), "deploy.autoscaling", "choose what to track", "error"),
    ("autoscaling_bounds", tf_base, _all(_set("deploy.instance_type", "ml.t2.medium"), _set("deploy.autoscaling", {"max_capacity": 4, "target_invocations_per_instance": 70})), _all(_set("deploy.instance_type", "ml.m5.large"), _set("deploy.autoscaling", {"max_capacity": 4, "target_invocations_per_instance": 70})), "deploy.instance_type", "burstable", "error"),
    ("autoscaling_bounds", tf_base, _all(_set("deploy.instance_type", "ml.m5.large"), _set("deploy.autoscaling", {"max_capacity": 4, "target_gpu_utilization": 60})), _set("deploy.autoscaling", {"max_capacity": 4, "target_gpu_utilization": 60}), "deploy.autoscaling.target_gpu_utilization", "only by GPU instances", "error"),
    ("inference_image_exists", lambda: {**tf_base(), "estimator": {**tf_base()["estimator"], "framework_version": "2.19", "py_version": "py312"}}, _set("deploy.instance_type", "ml.inf1.xlarge"), lambda d: None, "deploy.instance_type", "inference images are built for", "error"),
    ("model_is_complete", model_base, _del("model.model_data"), lambda d: None, "model.model_data", "serves existing model data", "error"),
    ("model_is_complete", model_base, _set("model.type", "MXNetModel") , _all(_set("model.type", "MXNetModel"), _set("model.entry_point", "train.py"), _set("model.framework_version", "1.9.0"), _set("model.py_version", "py38")), "model.entry_point", "needs an inference script", "error"),
    ("deployment_config_is_coherent", model_base, _set("deploy.deployment_config", {"traffic_routing": {"type": "CANARY"}}), _set("deploy.deployment_config", {"traffic_routing": {"type": "CANARY", "canary_size": {"value": 10}}}), "deploy.deployment_config.traffic_routing.canary_size", "needs canary_size", "error"),
    ("deployment_config_is_coherent", model_base, _set("deploy.deployment_config", {"traffic_routing": {"type": "LINEAR", "linear_step_size": {"value": 5}}}), _set("deploy.deployment_config", {"traffic_routing": {"type": "LINEAR", "linear_step_size": {"value": 20}}}), "deploy.deployment_config.traffic_routing.linear_step_size.value", "outside the percentage", "error"),
    ("deployment_config_is_coherent", model_base, _set("deploy.deployment_config", {"traffic_routing": {"linear_step_size": {"value": 20}}}), _set("deploy.deployment_config", {"traffic_routing": {}}), "deploy.deployment_config.traffic_routing.linear_step_size", "applies only to LINEAR", "error"),
    ("deployment_config_is_coherent", model_base, _set("deploy.deployment_config", {"termination_wait_seconds": 600, "maximum_execution_timeout_seconds": 800}), _set("deploy.deployment_config", {"termination_wait_seconds": 600, "maximum_execution_timeout_seconds": 1800}), "deploy.deployment_config.maximum_execution_timeout_seconds", "larger than the waits", "error"),
    ("variants_fit", model_base, _set("deploy.variants", [{"variant_name": "a", "instance_type": "ml.m5.large"}]), _set("deploy", {"variants": [{"variant_name": "a", "instance_type": "ml.m5.large"}]}), "deploy.instance_type", "each variant carries its own", "error"),
    ("variants_fit", model_base, _set("deploy", {"variants": [{"variant_name": "a", "instance_type": "ml.m5.large"}, {"variant_name": "a", "instance_type": "ml.m5.large"}]}), _set("deploy", {"variants": [{"variant_name": "a", "instance_type": "ml.m5.large"}, {"variant_name": "b", "instance_type": "ml.m5.large"}]}), "deploy.variants[1].variant_name", "unique", "error"),
    ("variants_fit", tf_base, _set("deploy", {"variants": [{"variant_name": "a", "instance_type": "ml.m5.large"}]}), lambda d: None, "deploy.variants", "serve existing model data", "error"),
    ("variants_fit", model_base, _set("deploy", {"variants": [{"variant_name": "a", "instance_type": "ml.m5.large"}], "routing_config": {"RoutingStrategy": "RANDOM"}}), _set("deploy", {"variants": [{"variant_name": "a", "instance_type": "ml.m5.large"}]}), "deploy.routing_config", "single variant of model.deploy", "error"),
    ("autoscaling_bounds", model_base, _set("deploy", {"variants": [{"variant_name": "a", "instance_type": "ml.m5.large", "initial_instance_count": 5}], "autoscaling": {"max_capacity": 4, "target_invocations_per_instance": 9}}), _set("deploy", {"variants": [{"variant_name": "a", "instance_type": "ml.m5.large", "initial_instance_count": 4}], "autoscaling": {"max_capacity": 4, "target_invocations_per_instance": 9}}), "deploy.variants[0].initial_instance_count", "outside the autoscaling bounds", "error"),
    ("elastic_inference", model_base, _set("deploy", {"variants": [{"variant_name": "a", "instance_type": "ml.c5.large", "accelerator_type": "ml.eia2.medium"}]}), lambda d: None, "deploy.variants[0].accelerator_type", "end of life", "warning"),
    ("notebook_side_arguments", tf_base, _set("fit.wait", False), lambda d: None, "fit.wait", "no effect in a pipeline", "warning"),
    ("pipeline_options_need_a_pipeline", model_base, _set("notification_topic", "arn:aws:sns:us-east-1:123456789012:runs"), lambda d: None, "notification_topic", "only pipeline runs notify", "error"),
    ("pipeline_options_need_a_pipeline", model_base, _set("deploy.wait_timeout_seconds", 1200), lambda d: None, "deploy.wait_timeout_seconds", "only a pipeline run waits", "error"),
    ("local_paths_stay_inside_the_repository", tf_base, _set("estimator.entry_point", "../../../../../../etc/passwd"), _set("estimator.entry_point", "./sub/../train.py"), "estimator.entry_point", "leaves the repository", "error"),
    ("local_paths_stay_inside_the_repository", tf_base, _set("estimator.dependencies", ["/etc"]), _set("estimator.dependencies", ["train.py"]), "estimator.dependencies[0]", "absolute paths are not allowed", "error"),
    ("pipeline_options_need_a_pipeline", tf_base, _set("notification_topic", "not-an-arn"), _set("notification_topic", "arn:aws:sns:us-east-1:123456789012:runs"), "notification_topic", "does not match the required pattern", "error"),
    ("schedule_starts_a_pipeline", model_base, _set("schedule", {"expression": "rate(1 day)"}), lambda d: None, "schedule", "only a pipeline runs on a schedule", "error"),
    ("schedule_starts_a_pipeline", tf_base, _set("schedule", {"expression": "rate(1 day)", "input": {"inputs": {"test": "s3://sagestack-test/t"}}}), _set("schedule", {"expression": "rate(1 day)", "input": {"inputs": {"train": "s3://sagestack-test/t"}}}), "schedule.input.inputs.test", "names no channel", "error"),
    ("schedule_starts_a_pipeline", tf_base, _set("schedule", {"on_new_data": "s3://sagestack-test/other/"}), _set("schedule", {"on_new_data": "s3://sagestack-test/train/"}), "schedule.on_new_data", "not under any fit channel", "warning"),
    # Hyperparameter tuning.
    ("tuner_tunes_an_estimator", model_base, _set("tuner", tuned_base()["tuner"]), lambda d: None, "tuner", "tunes the descriptor's estimator", "error"),
    ("tuner_tunes_an_estimator", tuned_base, _all(_del("deploy"), _set("transformer", {"instance_type": "ml.m5.large"}), _set("transform", {"data": "s3://sagestack-test/in"})), lambda d: None, "transformer", "no transformer()", "error"),
    ("tuner_tunes_an_estimator", tuned_base, _set("schedule", {"expression": "rate(1 day)", "input": {"hyperparameters": {"eta": 0.1}}}), _set("schedule", {"expression": "rate(1 day)", "input": {"hyperparameters": {"num_round": 50}}}), "schedule.input.hyperparameters.eta", "overrides only static hyperparameters", "error"),
    ("tuner_tunes_an_estimator", tuned_base, _set("name", "a-tuned-model-named-long"), _set("name", "a-tuned-model-named"), "name", "too long to name a tuning job", "error"),
    ("tuner_objective_is_emitted", tuned_base, _set("tuner.objective_metric_name", "validation:acc"), _set("tuner.objective_metric_name", "validation:logloss"), "tuner.objective_metric_name", "built-in XGBoost emits no such metric", "error"),
    ("tuner_objective_is_emitted", tuned_base, _set("estimator.image_uri", "123456789012.dkr.ecr.us-east-1.amazonaws.com/own:1"), _all(_set("estimator.image_uri", "123456789012.dkr.ecr.us-east-1.amazonaws.com/own:1"), _set("tuner.metric_definitions", [{"Name": "validation:auc", "Regex": "auc=([0-9.]+)"}])), "tuner.objective_metric_name", "come from tuner.metric_definitions", "error"),
    # a built-in algorithm's image (here linear-learner, through retrieve()) emits its own metrics
    ("tuner_objective_is_emitted", tuned_base, _set("estimator.image_uri", "123456789012.dkr.ecr.us-east-1.amazonaws.com/own:1"), _all(_set("estimator.image_uri", {"framework": "linear-learner"}), _set("estimator.hyperparameters", {"predictor_type": "regressor", "feature_dim": 10}), _set("tuner.objective_metric_name", "validation:objective_loss"), _set("tuner.objective_type", "Minimize"), _set("tuner.hyperparameter_ranges", {"learning_rate": {"type": "ContinuousParameter", "min_value": 0.001, "max_value": 0.1}})), "tuner.objective_metric_name", "come from tuner.metric_definitions", "error"),
    ("tuner_objective_is_emitted", lambda: {**tf_base(), "tuner": {"objective_metric_name": "loss", "objective_type": "Minimize", "hyperparameter_ranges": {"lr": {"type": "ContinuousParameter", "min_value": 0.001, "max_value": 0.1}}}}, lambda d: None, _set("tuner.metric_definitions", [{"Name": "loss", "Regex": "loss=([0-9.]+)"}]), "tuner.objective_metric_name", "come from tuner.metric_definitions", "error"),
    ("tuner_ranges_are_coherent", tuned_base, _set("tuner.hyperparameter_ranges.eta.min_value", 0.5), _set("tuner.hyperparameter_ranges.eta.min_value", 0.1), "tuner.hyperparameter_ranges.eta.min_value", "above max_value", "error"),
    ("tuner_ranges_are_coherent", tuned_base, _del("tuner.hyperparameter_ranges.eta.max_value"), lambda d: None, "tuner.hyperparameter_ranges.eta", "needs min_value and max_value", "error"),
    ("tuner_ranges_are_coherent", tuned_base, _set("tuner.hyperparameter_ranges.max_depth.max_value", 9.5), lambda d: None, "tuner.hyperparameter_ranges.max_depth.max_value", "bounds are integers", "error"),
    ("tuner_ranges_are_coherent", tuned_base, _all(_set("tuner.hyperparameter_ranges.eta.min_value", 0), _set("tuner.hyperparameter_ranges.eta.scaling_type", "Logarithmic")), _set("tuner.hyperparameter_ranges.eta.scaling_type", "Logarithmic"), "tuner.hyperparameter_ranges.eta.min_value", "above 0", "error"),
    ("tuner_ranges_are_coherent", tuned_base, _set("tuner.hyperparameter_ranges.max_depth.scaling_type", "ReverseLogarithmic"), _set("tuner.hyperparameter_ranges.max_depth.scaling_type", "Linear"), "tuner.hyperparameter_ranges.max_depth.scaling_type", "ContinuousParameter ranges only", "error"),
    ("tuner_ranges_are_coherent", tuned_base, _all(_set("tuner.hyperparameter_ranges.eta.scaling_type", "ReverseLogarithmic"), _set("tuner.hyperparameter_ranges.eta.max_value", 1.5)), _set("tuner.hyperparameter_ranges.eta.scaling_type", "ReverseLogarithmic"), "tuner.hyperparameter_ranges.eta", "max_value < 1", "error"),
    ("tuner_ranges_are_coherent", tuned_base, _set("tuner.hyperparameter_ranges.booster", {"type": "CategoricalParameter", "min_value": 1, "values": ["gbtree"]}), _set("tuner.hyperparameter_ranges.booster", {"type": "CategoricalParameter", "values": ["gbtree"]}), "tuner.hyperparameter_ranges.booster.min_value", "takes only values", "error"),
    ("tuner_ranges_are_coherent", tuned_base, _set("tuner.hyperparameter_ranges.booster", {"type": "CategoricalParameter"}), _set("tuner.hyperparameter_ranges.booster", {"type": "CategoricalParameter", "values": ["gbtree", "dart"]}), "tuner.hyperparameter_ranges.booster", "needs its values", "error"),
    ("tuner_ranges_are_coherent", tuned_base, _set("tuner.hyperparameter_ranges.booster", {"type": "CategoricalParameter", "values": [str(i) for i in range(31)]}), _set("tuner.hyperparameter_ranges.booster", {"type": "CategoricalParameter", "values": [str(i) for i in range(30)]}), "tuner.hyperparameter_ranges.booster.values", "too many values", "error"),
    ("tuner_ranges_are_coherent", tuned_base, _set("tuner.hyperparameter_ranges", {f"h{i}": {"type": "IntegerParameter", "min_value": 1, "max_value": 2} for i in range(31)}), _set("tuner.hyperparameter_ranges", {f"h{i}": {"type": "IntegerParameter", "min_value": 1, "max_value": 2} for i in range(30)}), "tuner.hyperparameter_ranges", "too many IntegerParameter ranges", "error"),
    ("tuner_ranges_are_coherent", tuned_base, _set("tuner.hyperparameter_ranges.sagemaker_program", {"type": "CategoricalParameter", "values": ["a"]}), lambda d: None, "tuner.hyperparameter_ranges.sagemaker_program", "set by the SDK", "error"),
    ("tuner_ranges_replace_static_values", tuned_base, _set("estimator.hyperparameters.eta", 0.2), _set("estimator.hyperparameters.gamma", 0.2), "estimator.hyperparameters.eta", "never sent", "warning"),
    ("tuner_strategy_fits", tuned_base, _set("tuner.strategy", "Grid"), _all(_set("tuner.strategy", "Grid"), _set("tuner.hyperparameter_ranges", {"booster": {"type": "CategoricalParameter", "values": ["gbtree", "dart"]}})), "tuner.hyperparameter_ranges.eta.type", "Categorical ranges only", "error"),
    ("tuner_strategy_fits", tuned_base, _all(_set("tuner.strategy", "Hyperband"), _set("tuner.early_stopping_type", "Auto")), _set("tuner.strategy", "Hyperband"), "tuner.early_stopping_type", "stops training jobs itself", "error"),
    ("tuner_strategy_fits", tuned_base, _set("tuner.strategy_config", {"hyperband_strategy_config": {"min_resource": 1, "max_resource": 10}}), _all(_set("tuner.strategy", "Hyperband"), _set("tuner.strategy_config", {"hyperband_strategy_config": {"min_resource": 1, "max_resource": 10}})), "tuner.strategy_config", "only the Hyperband strategy", "error"),
    ("tuner_strategy_fits", tuned_base, _all(_set("tuner.strategy", "Hyperband"), _set("tuner.strategy_config", {"hyperband_strategy_config": {"min_resource": 20, "max_resource": 10}})), _all(_set("tuner.strategy", "Hyperband"), _set("tuner.strategy_config", {"hyperband_strategy_config": {"min_resource": 2, "max_resource": 10}})), "tuner.strategy_config.hyperband_strategy_config.min_resource", "above max_resource", "error"),
    ("schedule_starts_a_pipeline", tuned_base, _set("schedule", {"expression": "rate(1 day)", "input": {"tuner": {"max_parallel_jobs": 6}}}), _set("schedule", {"expression": "rate(1 day)", "input": {"tuner": {"max_jobs": 6, "max_parallel_jobs": 6}}}), "schedule.input.tuner.max_parallel_jobs", "more parallel jobs than jobs", "error"),
    ("schedule_starts_a_pipeline", lambda: {**tf_base(), "schedule": {"expression": "rate(1 day)", "input": {"tuner": {"max_jobs": 6}}}}, lambda d: None, lambda d: d["schedule"]["input"].pop("tuner"), "schedule.input.tuner", "this model has no tuner", "error"),
    ("tuner_strategy_fits", tuned_base, _set("tuner.max_parallel_jobs", 5), _set("tuner.max_parallel_jobs", 4), "tuner.max_parallel_jobs", "more parallel jobs than jobs", "error"),
    ("tuner_strategy_fits", tuned_base, _all(_set("tuner.strategy", "Grid"), _del("tuner.max_jobs"), _set("tuner.max_parallel_jobs", 1), _set("tuner.hyperparameter_ranges", {"booster": {"type": "CategoricalParameter", "values": ["gbtree", "dart"]}, "max_depth": {"type": "CategoricalParameter", "values": [3, 5, 7]}})), _all(_set("tuner.strategy", "Grid"), _set("tuner.max_jobs", 6), _set("tuner.hyperparameter_ranges", {"booster": {"type": "CategoricalParameter", "values": ["gbtree", "dart"]}, "max_depth": {"type": "CategoricalParameter", "values": [3, 5, 7]}})), "tuner.max_jobs", r"Grid search needs max_jobs", "error"),
    # The quality gate (deploy.condition).
    ("quality_gate_checks_compare_once", tuned_base, _set("deploy.condition", [{"metric": "validation:auc"}]), _set("deploy.condition", [{"metric": "validation:auc", "greater_than": 0.8}]), "deploy.condition[0]", "give a comparison", "error"),
    ("quality_gate_checks_compare_once", tuned_base, _set("deploy.condition", [{"metric": "validation:auc", "greater_than": 0.8, "less_than": 0.99}]), _set("deploy.condition", [{"metric": "validation:auc", "greater_than": 0.8}, {"metric": "validation:auc", "less_than": 0.99}]), "deploy.condition[0]", "a check of its own", "error"),
    ("quality_gate_checks_compare_once", tuned_base, _set("deploy.condition", []), _set("deploy.condition", [{"metric": "validation:auc", "equal_to": 1}]), "deploy.condition", "checks nothing", "error"),
    ("quality_gate_metrics_are_reported", tuned_base, _set("deploy.condition", [{"metric": "validation:acu", "greater_than": 0.8}]), _set("deploy.condition", [{"metric": "validation:logloss", "less_than": 0.3}]), "deploy.condition[0].metric", "did you mean 'validation:auc'", "error"),
    ("quality_gate_metrics_are_reported", model_base, _set("deploy.condition", [{"metric": "validation:auc", "greater_than": 0.8}]), lambda d: None, "deploy.condition", "not trained here", "error"),
    ("quality_gate_metrics_are_reported", tf_base, _set("deploy.condition", [{"metric": "loss", "less_than": 0.5}]), _all(_set("deploy.condition", [{"metric": "loss", "less_than": 0.5}]), _set("estimator.metric_definitions", [{"Name": "loss", "Regex": "loss=([0-9.]+)"}])), "deploy.condition[0].metric", "reports no metrics", "error"),
    # with a tuner, the training jobs report the tuner's metric_definitions, not the estimator's
    ("quality_gate_metrics_are_reported", tuned_base, _all(_set("estimator.image_uri", "123456789012.dkr.ecr.us-east-1.amazonaws.com/own:1"), _set("estimator.metric_definitions", [{"Name": "f1", "Regex": "f1=([0-9.]+)"}]), _set("tuner.metric_definitions", [{"Name": "validation:auc", "Regex": "auc=([0-9.]+)"}]), _set("deploy.condition", [{"metric": "f1", "greater_than": 0.5}])),
     _all(_set("estimator.image_uri", "123456789012.dkr.ecr.us-east-1.amazonaws.com/own:1"), _set("tuner.metric_definitions", [{"Name": "validation:auc", "Regex": "auc=([0-9.]+)"}, {"Name": "f1", "Regex": "f1=([0-9.]+)"}]), _set("deploy.condition", [{"metric": "f1", "greater_than": 0.5}])), "deploy.condition[0].metric", "reports no such metric", "error"),
    # The model registry (register).
    ("register_needs_a_trained_model", model_base, _set("register", {"content_types": ["text/csv"]}), lambda d: None, "register", "trains none", "error"),
    ("register_needs_a_trained_model", tuned_base, _set("register", {"approval_status": "Rejected"}), _set("register", {"approval_status": "Approved"}), "register.approval_status", "can never be deployed", "error"),
    ("register_needs_a_trained_model", tuned_base, _set("register", {"task": "CLASSIFY"}), _set("register", {"task": "CLASSIFICATION"}), "register.task", "not a task the SDK documents", "error"),
    ("register_needs_a_trained_model", tuned_base, _set("register", {"customer_metadata_properties": {"sagestack_run": "x"}}), _set("register", {"customer_metadata_properties": {"run": "x"}}), "register.customer_metadata_properties.sagestack_run", "the ones each run adds", "error"),
    ("register_needs_a_trained_model", tuned_base, _set("register", {"customer_metadata_properties": {f"k{i}": "v" for i in range(49)}}), _set("register", {"customer_metadata_properties": {f"k{i}": "v" for i in range(48)}}), "register.customer_metadata_properties", "too many entries", "error"),
    ("register_needs_a_trained_model", tuned_base, _all(_del("deploy"), _set("transformer", {"instance_type": "ml.m5.large"}), _set("transform", {"data": "s3://sagestack-test/in"}), _set("register", {})), lambda d: None, "register", "batch transform is not supported", "error"),
    ("framework_package_needs_an_instance_type", tf_base, _set("register", {"content_types": ["application/json"]}), _set("register", {"inference_instances": ["ml.g4dn.xlarge"]}), "register.inference_instances", "first inference instance type", "error"),
]


@pytest.mark.parametrize(
    ("rule", "base", "bad", "good", "path", "fragment", "severity"),
    CASES,
    ids=[f"{c[0]}:{c[4]}:{c[5][:24]}" for c in CASES],
)
def test_rule(tmp_path, rule, base, bad, good, path, fragment, severity) -> None:
    assert_rule_case(tmp_path, rule, base, bad, good, path, fragment, severity)


def _kind_cases() -> list[tuple[Any, ...]]:
    """The CASES of each kind's own rule tests (tests/descriptor/test_kind_<kind>.py)."""
    import importlib
    from pathlib import Path

    found: list[tuple[Any, ...]] = []
    for path in sorted(Path(__file__).parent.glob("test_kind_*.py")):
        found.extend(importlib.import_module(f"{__package__}.{path.stem}").CASES)
    return found


def test_every_rule_has_a_case() -> None:
    import importlib
    import pkgutil

    from .. import descriptor
    from .test_add_model import CASES as ADD_MODEL_CASES
    from .test_processing import CASES as PROCESSING_CASES
    from .test_quality_gate import CASES as GATE_CASES

    tested = {case[0] for case in [*CASES, *_kind_cases(), *PROCESSING_CASES, *GATE_CASES, *ADD_MODEL_CASES]}
    for module in pkgutil.iter_modules(descriptor.__path__):
        if module.name.startswith("test_kind_"):  # a kind's own rules may be listed by name in its module
            tested |= set(getattr(importlib.import_module(f"{descriptor.__name__}.{module.name}"), "RULE_CASES", ()))
    untested = {name for name, _needs, _fn in RULES} - tested - {"code_paths_exist", "deploy_code_paths_exist", "model_transform_image_exists"}
    assert not untested, f"rules without a compliant/non-compliant case: {sorted(untested)}"


def test_bases_are_clean(tmp_path) -> None:
    for base in (tf_base, kmeans_base, model_base, tuned_base, ic_base):
        assert issues_of(base(), tmp_path) == [], base.__name__


def test_code_paths_exist(tmp_path) -> None:
    d = tf_base()
    d["estimator"]["source_dir"] = "src"
    found = find(issues_of(d, tmp_path), "estimator.source_dir", "directory not found")
    assert found and found[0].got == "src"
    (tmp_path / "src").mkdir()
    found = find(issues_of(d, tmp_path), "estimator.entry_point", "file not found relative to source_dir")
    assert found
    (tmp_path / "src" / "train.py").write_text("")
    assert errors(issues_of(d, tmp_path)) == []
    d["estimator"]["source_dir"] = "s3://sagestack-test/code/sourcedir.zip"
    assert find(issues_of(d, tmp_path), "estimator.source_dir", ".tar.gz archive")
    d["estimator"]["dependencies"] = ["libs/missing"]
    d["estimator"]["source_dir"] = "src"
    assert find(issues_of(d, tmp_path), "estimator.dependencies[0]", "path not found")


def test_errors_do_not_hide_other_sections(tmp_path) -> None:
    """A field error in deploy does not stop estimator rules (every problem at once)."""
    d = tf_base()
    d["deploy"]["instance_type"] = "ml.nope.xlarge"
    d["estimator"]["max_wait"] = 90000
    issues = issues_of(d, tmp_path)
    assert find(issues, "deploy.instance_type", "not a value SageMaker accepts")
    assert find(issues, "estimator.max_wait", "only to managed spot")


def test_a_builtin_algorithms_own_metrics_may_be_tuned_and_gated() -> None:
    """linear-learner (through retrieve()) reports metrics no SDK data lists: neither the tuner's
    objective nor a quality gate on one is refused (a metric it does not report fails the run)."""
    raw = tuned_base()
    raw["estimator"]["image_uri"] = {"framework": "linear-learner"}
    raw["estimator"]["hyperparameters"] = {"predictor_type": "regressor", "feature_dim": 10}
    raw["tuner"].update(objective_metric_name="validation:objective_loss", objective_type="Minimize", hyperparameter_ranges={"learning_rate": {"type": "ContinuousParameter", "min_value": 0.001, "max_value": 0.1}})
    raw["deploy"]["condition"] = [{"metric": "validation:rmse", "less_than": 3.5}]
    assert errors(issues_of(raw)) == []
