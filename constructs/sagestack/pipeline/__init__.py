"""The training pipeline (issue #5), pure layer: Step Functions definitions (JSONPath) built from
the rendered SageMaker requests. Never imports aws_cdk; the construct that deploys them is next."""

from .definition import RUN_SUFFIX_LENGTH, STATIC_PLACEHOLDERS, to_parameters, training_definition

__all__ = ["training_definition", "to_parameters", "STATIC_PLACEHOLDERS", "RUN_SUFFIX_LENGTH"]
