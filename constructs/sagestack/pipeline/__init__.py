"""The model pipeline: Step Functions definitions (JSONPath) built from the rendered
SageMaker requests (``definition``, pure: never imports aws_cdk), and the ``TrainingPipeline``
construct (``sagestack.pipeline.construct``, imported on demand so validation stays light)."""

from .definition import (
    FAILED_STATE,
    INPUT_KEYS,
    RUN_SUFFIX_LENGTH,
    STATIC_PLACEHOLDERS,
    PipelineResources,
    RepackStep,
    pipeline_definition,
    run_prefix,
    to_parameters,
)

__all__ = ["pipeline_definition", "PipelineResources", "RepackStep", "run_prefix", "to_parameters", "STATIC_PLACEHOLDERS", "RUN_SUFFIX_LENGTH", "FAILED_STATE", "INPUT_KEYS"]
