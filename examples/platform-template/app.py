"""A platform team's own CDK app using sagestack as a library (``pip install sagestack``).

The platform owns the stack, the shared artifact bucket and the notification topic; each team's
model comes either from a descriptor file in the repository or from Python objects. Nothing here
is specific to sagestack's own repository: copy this directory to start.
"""

from __future__ import annotations

import os
from pathlib import Path

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks
from constructs import Construct

import sagestack

HERE = Path(__file__).resolve().parent

# A model given as Python objects: the same keys as a YAML descriptor, validated the same way.
FRAUD_SERVING = {
    "name": "fraud",
    "description": "Fraud scores from the model the risk team promoted",
    "model": {"type": "Model", "image_uri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/fraud-serving:3.2", "model_data": "s3://platform-models/fraud/2026-11-20/model.tar.gz"},
    "deploy": {"initial_instance_count": 2, "instance_type": "ml.c5.xlarge", "autoscaling": {"min_capacity": 2, "max_capacity": 6, "target_invocations_per_instance": 200}},
}


class MlPlatformStack(cdk.Stack):
    """Shared resources plus one construct per model."""

    def __init__(self, scope: Construct, construct_id: str, *, environment: str, **kwargs: object) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        # Artifact bucket (with access logs), a KMS key and the run topic it encrypts.
        shared = sagestack.SharedResources(self, "Shared")
        churn = sagestack.load_descriptor_or_raise(HERE / "models" / "churn.yaml")
        self.churn = sagestack.TrainingPipeline(
            self, "Churn", descriptor=churn, environment=environment, artifact_bucket=shared.artifact_bucket, notification_topic=shared.topic,
        )
        fraud = sagestack.descriptor_from_dict(FRAUD_SERVING, base_dir=HERE)
        self.fraud = sagestack.ModelEndpoint(self, "Fraud", descriptor=fraud, environment=environment, artifact_bucket=shared.artifact_bucket)


def build(outdir: str | None = None) -> cdk.App:
    app = cdk.App(outdir=outdir) if outdir else cdk.App()
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))
    MlPlatformStack(app, "ml-platform", environment="prod", env=cdk.Environment(region=os.environ.get("CDK_DEFAULT_REGION", "us-east-1"), account=os.environ.get("CDK_DEFAULT_ACCOUNT")))
    return app


if __name__ == "__main__":
    build().synth()
