"""Asynchronous inference: ``model.deploy(async_inference_config=AsyncInferenceConfig(...))``.
Requests queue, responses land in S3 (and optionally SNS topics hear of each outcome); the
endpoint runs on instances, one variant, and with autoscaling on its backlog it can go down to no
instances and back up when work arrives (the step-scaling policy on ``HasBacklogWithoutCapacity``
AWS documents, :mod:`sagestack.render.scaling`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal

from ..base import Api, SdkModel, sdk_field
from ..rules import Context, Finding, rule
from ..types import S3Uri
from . import ModelAccess, Placement, capacity_of

__all__ = ["PLACEMENT", "Asynchronous", "AsyncInferenceConfig", "AsyncNotificationConfig", "output_paths", "scales_from_zero", "PREVIEW_BACKLOG_TARGET"]

CEC = "CreateEndpointConfig"


AIC = "AsyncInferenceConfig"


class AsyncNotificationConfig(SdkModel):
    """``AsyncInferenceConfig(notification_config={...})``: the API's keys, as the SDK takes them."""

    SuccessTopic: Annotated[str, Api(CEC, f"{AIC}.OutputConfig.NotificationConfig.SuccessTopic")] | None = sdk_field(
        None, doc="SNS topic ARN told about each finished request.", lands_in=f"CreateEndpointConfig.{AIC}.OutputConfig.NotificationConfig.SuccessTopic"
    )
    ErrorTopic: Annotated[str, Api(CEC, f"{AIC}.OutputConfig.NotificationConfig.ErrorTopic")] | None = sdk_field(
        None, doc="SNS topic ARN told about each failed request.", lands_in=f"CreateEndpointConfig.{AIC}.OutputConfig.NotificationConfig.ErrorTopic"
    )
    IncludeInferenceResponseIn: tuple[Literal["SUCCESS_NOTIFICATION_TOPIC", "ERROR_NOTIFICATION_TOPIC"], ...] | None = sdk_field(
        None, doc="Topics whose messages carry the response itself.", lands_in=f"CreateEndpointConfig.{AIC}.OutputConfig.NotificationConfig.IncludeInferenceResponseIn"
    )

    def topics(self) -> list[str]:
        return [t for t in (self.SuccessTopic, self.ErrorTopic) if t]


class AsyncInferenceConfig(SdkModel):
    """``sagemaker.async_inference.AsyncInferenceConfig``: requests queue and results land in S3."""

    output_path: Annotated[S3Uri, Api(CEC, f"{AIC}.OutputConfig.S3OutputPath")] | None = sdk_field(
        None, doc="Where responses are written (default: s3://<artifact bucket>/async-endpoint-outputs/<endpoint name>).", lands_in=f"CreateEndpointConfig.{AIC}.OutputConfig.S3OutputPath"
    )
    failure_path: Annotated[S3Uri, Api(CEC, f"{AIC}.OutputConfig.S3FailurePath")] | None = sdk_field(
        None, doc="Where failed requests' errors are written (default: s3://<artifact bucket>/async-endpoint-failures/<endpoint name>).", lands_in=f"CreateEndpointConfig.{AIC}.OutputConfig.S3FailurePath"
    )
    max_concurrent_invocations_per_instance: Annotated[int, Api(CEC, f"{AIC}.ClientConfig.MaxConcurrentInvocationsPerInstance")] | None = sdk_field(
        None, doc="Requests each instance works on at once (default: SageMaker's choice).", lands_in=f"CreateEndpointConfig.{AIC}.ClientConfig.MaxConcurrentInvocationsPerInstance"
    )
    kms_key_id: Annotated[str, Api(CEC, f"{AIC}.OutputConfig.KmsKeyId")] | None = sdk_field(
        None, doc="KMS key for the responses in S3.", lands_in=f"CreateEndpointConfig.{AIC}.OutputConfig.KmsKeyId"
    )
    notification_config: AsyncNotificationConfig | None = sdk_field(
        None, doc="SNS topics told about each request's outcome.", lands_in=f"CreateEndpointConfig.{AIC}.OutputConfig.NotificationConfig"
    )



#: Queued requests per instance a preview's asynchronous endpoint tracks when its descriptor tracks none.
PREVIEW_BACKLOG_TARGET = 5


def output_paths(dep: Any, ctx: Any) -> tuple[str, str]:
    """(output path, failure path) of an asynchronous endpoint: given, or under the artifact
    bucket per endpoint (the SDK's default folders, named after the stable endpoint instead of a
    per-deploy timestamp, so that consumers and IAM know them)."""
    aic = dep.async_inference_config
    name = dep.endpoint_name or ctx.endpoint_name
    output = aic.output_path or f"s3://{ctx.default_bucket}/async-endpoint-outputs/{name}"
    failure = aic.failure_path or f"s3://{ctx.default_bucket}/async-endpoint-failures/{name}"
    return output, failure


def scales_from_zero(dep: Any) -> bool:
    """An asynchronous endpoint whose autoscaling may take it to zero instances."""
    scaling = dep.autoscaling
    return PLACEMENT.applies(dep) and scaling is not None and scaling.min_capacity == 0


class Asynchronous(Placement):
    name = "asynchronous"
    order = 50
    capacity = False
    fields = ("async_inference_config",)
    real_time = False

    def applies(self, dep: Any) -> bool:
        return dep.async_inference_config is not None

    def summary(self, dep: Any) -> str:
        return "asynchronous"

    def endpoint_settings(self, d: Any, ctx: Any) -> dict[str, Any]:
        """AsyncInferenceConfig._to_request_dict."""
        aic = d.deploy.async_inference_config
        output, failure = output_paths(d.deploy, ctx)
        request: dict[str, Any] = {"OutputConfig": {"S3OutputPath": output, "S3FailurePath": failure}}
        if aic.max_concurrent_invocations_per_instance:
            request["ClientConfig"] = {"MaxConcurrentInvocationsPerInstance": aic.max_concurrent_invocations_per_instance}
        if aic.kms_key_id:
            request["OutputConfig"]["KmsKeyId"] = aic.kms_key_id
        if aic.notification_config is not None:
            request["OutputConfig"]["NotificationConfig"] = aic.notification_config.model_dump(exclude_none=True, mode="json")
        return {"AsyncInferenceConfig": request}

    def model_access(self, d: Any, ctx: Any) -> ModelAccess:
        """The model writes responses and failures, tells its topics, and encrypts with its key."""
        aic = d.deploy.async_inference_config
        return ModelAccess(
            write_prefixes=tuple(p.rstrip("/") + "/" for p in output_paths(d.deploy, ctx)),
            notification_topics=tuple(aic.notification_config.topics()) if aic.notification_config is not None else (),
            kms_keys=(aic.kms_key_id,) if aic.kms_key_id else (),
            artifact_bucket=aic.output_path is None or aic.failure_path is None,
        )

    def preview(self, deploy: dict[str, Any], scaling: dict[str, Any] | None, preview_id: str) -> None:
        # an idle asynchronous preview costs nothing: at most one instance, none without requests
        backlog = (scaling or {}).get("target_backlog_per_instance") or PREVIEW_BACKLOG_TARGET
        deploy["autoscaling"] = {"min_capacity": 0, "max_capacity": 1, "target_backlog_per_instance": backlog}


PLACEMENT = Asynchronous()


@rule("deploy")
def async_inference_fits(d: Any, ctx: Context) -> Iterator[Finding]:
    """Asynchronous endpoints run on instances, one variant (model.deploy); not serverless."""
    dep = d.deploy
    if dep.async_inference_config is None:
        return
    at = ("deploy", "async_inference_config")
    if dep.serverless_inference_config is not None:
        yield Finding(at, "an endpoint is asynchronous or serverless, not both", "async_inference_config or serverless_inference_config", "both")
    if dep.variants is not None:
        yield Finding(("deploy", "variants"), "an asynchronous endpoint here serves one variant (model.deploy(async_inference_config=...))", "instance_type and initial_instance_count", "variants")
    notification = dep.async_inference_config.notification_config
    if notification is not None and notification.IncludeInferenceResponseIn:
        given = {"SUCCESS_NOTIFICATION_TOPIC": notification.SuccessTopic, "ERROR_NOTIFICATION_TOPIC": notification.ErrorTopic}
        for index, name in enumerate(notification.IncludeInferenceResponseIn):
            if given[name] is None:
                yield Finding(at + ("notification_config", "IncludeInferenceResponseIn", index), f"{name} names a topic that is not configured", "SuccessTopic / ErrorTopic set", name)


@rule("deploy")
def async_autoscaling_fits(d: Any, ctx: Context) -> Iterator[Finding]:
    """Only an asynchronous endpoint scales to zero instances, on its backlog (the metric exists
    only for it); scaled to zero, it must track the backlog to come back."""
    dep = d.deploy
    auto = dep.autoscaling
    if auto is None or capacity_of(dep).scales != "instances":
        return
    targets = auto.targets()
    is_async = PLACEMENT.applies(dep)
    if auto.min_capacity == 0 and not is_async:
        yield Finding(("deploy", "autoscaling", "min_capacity"), "only asynchronous endpoints scale to zero instances (real-time ones must answer at once)", ">= 1, or deploy.async_inference_config", 0)
    if auto.target_backlog_per_instance is not None and not is_async:
        yield Finding(("deploy", "autoscaling", "target_backlog_per_instance"), "the backlog metric exists only for asynchronous endpoints", "target_invocations_per_instance, or deploy.async_inference_config", auto.target_backlog_per_instance)
    if auto.min_capacity == 0 and is_async and auto.target_backlog_per_instance is None:
        yield Finding(("deploy", "autoscaling"), "an endpoint that scales to zero gets no invocations to track once idle: track its backlog", "target_backlog_per_instance (e.g. 5)", ", ".join(targets) or "none")
