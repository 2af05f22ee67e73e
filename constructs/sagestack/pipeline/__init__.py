"""The training pipeline (issue #5): Step Functions definitions (JSONPath) built from the rendered
SageMaker requests (``definition``, pure: never imports aws_cdk), and the ``TrainingPipeline``
construct (``sagestack.pipeline.construct``, imported on demand so validation stays light)."""

from .definition import RUN_SUFFIX_LENGTH, STATIC_PLACEHOLDERS, to_parameters, training_definition

__all__ = ["training_definition", "to_parameters", "STATIC_PLACEHOLDERS", "RUN_SUFFIX_LENGTH"]
