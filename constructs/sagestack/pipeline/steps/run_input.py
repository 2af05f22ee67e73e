"""Check run input → Input accepted?: the execution input's overrides (hyperparameters, inputs,
output_path, a tuned model's tuner limits, processing steps' arguments) and, with a shadow
variant, ``promote_shadow``, checked and applied by the run-input function (run_input/index.py)."""

from __future__ import annotations

from typing import Any

from ...descriptor import ModelDescriptor
from ...render.training import output_path
from .base import LAMBDA_TRANSIENT, NEXT, Allow, Builder, Fragment, GrantContext, PipelineResources, StepContext, _retry, allow, overridable_request, run_input_contract, to_parameters
from .processing import arguments_contract, arguments_key, overridable_arguments
from .shadow_promotion import promotes

# The parts of CreateTrainingJob a run's input may change; Train (or Tune) reads them from the check's answer.
OVERRIDDEN = ("HyperParameters", "InputDataConfig", "OutputDataConfig", "DebugHookConfig", "ProfilerConfig", "ResourceLimits")


def overridden(request: dict[str, Any]) -> dict[str, Any]:
    return {k: request[k] for k in OVERRIDDEN if k in request}


class RunInput(Fragment):
    name = "run input"

    def applies(self, d: ModelDescriptor, resources: PipelineResources) -> bool:
        return d.estimator is not None

    def states(self, b: Builder, s: StepContext) -> str | None:
        resources = s.resources
        assert resources.check_input_function is not None, "a training pipeline needs the run-input function"
        request = overridden(overridable_request(s.d, s.ctx))
        arguments = overridable_arguments(s.d)
        if arguments:
            request["ProcessingArguments"] = {arguments_key(name): values for name, values in arguments.items()}
        payload = {
            "input.$": "$.input",
            "request": to_parameters(request, s.runtime, s.static),
            **run_input_contract(s.d, s.ctx),
            "output_path": to_parameters(output_path(s.d, s.ctx), s.runtime, s.static),
            "readable": list(resources.readable) if resources.readable is not None else None,
            "writable": list(resources.writable) if resources.writable is not None else None,
        }
        if arguments:
            payload["processing"] = arguments_contract(s.d)
        if promotes(s.d):  # promote_shadow is a key of this pipeline's input
            payload["shadow"] = True
        selector = {"problems.$": "$.Payload.problems", "request.$": "$.Payload.request"}
        if s.d.add_model is not None:  # where the training jobs write, as the model's copy names its source (add_model.py)
            payload["locate_output"] = True
            selector["output.$"] = "$.Payload.output"
        b.add("Check run input", {
            "Type": "Task",
            "Comment": "Validates the execution input (hyperparameters, inputs, output_path) and applies it over the descriptor's values.",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": resources.check_input_function, "Payload": payload},
            "ResultSelector": selector,
            "ResultPath": "$.config",
            "Retry": _retry(LAMBDA_TRANSIENT, interval=2),
            "Catch": b.catch("Check run input", "RunInputCheckFailed"),
            "Next": "Input accepted?",
        })
        b.add("Input accepted?", {
            "Type": "Choice",
            "Choices": [{"Variable": "$.config.problems", "StringEquals": "", "Next": NEXT}],
            "Default": b.failure("Input", "InvalidInput", cause_path="$.config.problems"),
        })
        return "Check run input"

    def grants(self, d: ModelDescriptor, g: GrantContext) -> list[Allow]:
        assert g.check_input_function is not None
        return [allow(["lambda:InvokeFunction"], [g.check_input_function])]
