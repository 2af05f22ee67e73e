"""SageMaker API requests rendered from a validated descriptor, as the SageMaker Python SDK
would send them. Pure functions; never imports aws_cdk.

``render_requests(descriptor, RenderContext(region=...))`` returns the requests of every call
the descriptor makes, keyed by operation name; values known only at run time are ``{{Name}}``
placeholders (see :mod:`.context`).
"""

from __future__ import annotations

from typing import Any

from ..descriptor import ModelDescriptor
from ..descriptor.placements import model_variants
from .check import request_problems
from .context import PLACEHOLDERS, RenderContext, placeholders_in, substitute
from .hosting import create_endpoint, create_endpoint_config, create_inference_component, create_model, needs_repack
from .images import image_uri, image_uris_by_region
from .inference_component import creates_endpoint
from .processing import create_processing_job
from .register import create_model_package, create_model_package_group
from .training import create_training_job
from .transform import create_transform_job
from .tuning import create_hyper_parameter_tuning_job

__all__ = [
    "render_requests",
    "RenderContext",
    "PLACEHOLDERS",
    "placeholders_in",
    "substitute",
    "request_problems",
    "create_training_job",
    "create_processing_job",
    "create_hyper_parameter_tuning_job",
    "create_model",
    "create_endpoint_config",
    "create_endpoint",
    "create_inference_component",
    "create_transform_job",
    "create_model_package",
    "create_model_package_group",
    "needs_repack",
    "image_uri",
    "image_uris_by_region",
]


def render_requests(d: ModelDescriptor, ctx: RenderContext) -> dict[str, dict[str, Any]]:
    """Every SageMaker request the descriptor's SDK calls send, in call order, keyed by operation
    (``CreateModel.<variant>`` for each variant with a model of its own)."""
    out: dict[str, dict[str, Any]] = {}
    steps = d.processing or ()
    for step in (s for s in steps if s.when == "before_training"):  # one CreateProcessingJob.<step> each
        out[f"CreateProcessingJob.{step.name}"] = create_processing_job(d, step, ctx)
    if d.estimator is not None and d.tuner is not None:  # tuner.fit(): the tuning job trains
        out["CreateHyperParameterTuningJob"] = create_hyper_parameter_tuning_job(d, ctx)
    elif d.estimator is not None:
        out["CreateTrainingJob"] = create_training_job(d, ctx)
    for step in (s for s in steps if s.when == "after_training"):
        out[f"CreateProcessingJob.{step.name}"] = create_processing_job(d, step, ctx)
    if d.register is not None:  # register(): the group (when it does not exist yet), then the package
        out["CreateModelPackageGroup"] = create_model_package_group(d, ctx)
        out["CreateModelPackage"] = create_model_package(d, ctx)
    variants = model_variants(d.deploy) if d.deploy is not None else []
    if variants:
        for variant in variants:  # one model per variant (and shadow); keys "CreateModel.<variant>"
            out[f"CreateModel.{variant.variant_name}"] = create_model(d, ctx, variant)
    elif d.deploy is not None or d.transformer is not None:
        out["CreateModel"] = create_model(d, ctx)
    if d.deploy is not None and creates_endpoint(d):  # not when the model joins another descriptor's endpoint
        out["CreateEndpointConfig"] = create_endpoint_config(d, ctx)
        out["CreateEndpoint"] = create_endpoint(d, ctx)
    if d.deploy is not None and d.deploy.inference_component_based():
        out["CreateInferenceComponent"] = create_inference_component(d, ctx)
    if d.transformer is not None:
        out["CreateTransformJob"] = create_transform_job(d, ctx)
    return out
