"""Notify success / Notify failure: the run's outcome to the SNS topic, when there is one. A
lost notification never changes the outcome."""

from __future__ import annotations

from ...descriptor import ModelDescriptor
from .base import FAILED_STATE, NEXT, Allow, Builder, Fragment, GrantContext, PipelineResources, StepContext, _retry, allow

SNS_TRANSIENT = ["SNS.ThrottledException", "SNS.InternalErrorException"]


class Notify(Fragment):
    name = "notify"

    def applies(self, d: ModelDescriptor, resources: PipelineResources) -> bool:
        return resources.topic_arn is not None

    def states(self, b: Builder, s: StepContext) -> str | None:
        topic, d = s.resources.topic_arn, s.d
        b.add("Notify success", {
            "Type": "Task",
            "Resource": "arn:aws:states:::sns:publish",
            "Parameters": {"TopicArn": topic, "Subject": f"sagestack: {d.name} run succeeded", "Message.$": "States.JsonToString($)"},
            "ResultPath": None,
            "Retry": _retry(SNS_TRANSIENT),
            # The run did its work: a lost notification must not turn it into a failure.
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.notification_error", "Next": "Succeeded without notification"}],
            "Next": NEXT,
        })
        b.add("Succeeded without notification", {"Type": "Succeed", "Comment": "The SNS message could not be sent; the execution history has the error."})
        b.failure_target = b.add("Notify failure", {
            "Type": "Task",
            "Resource": "arn:aws:states:::sns:publish",
            "Parameters": {
                "TopicArn": topic,
                "Subject": f"sagestack: {d.name} run failed",
                "Message.$": "States.Format('{} failed: {}: {}', $.failure.step, $.failure.error, $.failure.cause)",
            },
            "ResultPath": None,
            "Retry": _retry(SNS_TRANSIENT),
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": None, "Next": FAILED_STATE}],  # the run's own failure matters more
            "Next": FAILED_STATE,
        })
        return "Notify success"

    def grants(self, d: ModelDescriptor, g: GrantContext) -> list[Allow]:
        assert g.topic_arn is not None
        out = [allow(["sns:Publish"], [g.topic_arn])]
        if g.topic_key_arn is not None:  # an encrypted topic: publishing needs its key
            out.append(allow(["kms:GenerateDataKey", "kms:Decrypt"], [g.topic_key_arn]))
        return out
