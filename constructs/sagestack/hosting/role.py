"""The execution role a SageMaker model runs as, scoped to exactly what the model needs."""

from __future__ import annotations

from collections.abc import Sequence

from constructs import Construct

from ..iam import Grant, ecr_pull, kms_use, placed, role_with_grants, stack_env, statement, vpc_network_interfaces
from ..nag import acknowledge_wildcards
from ..render.context import stable_sorted
from ._tokens import s3_bucket_and_key

__all__ = ["ModelExecutionRole"]


class ModelExecutionRole(Construct):
    """An IAM role for ``sagemaker.amazonaws.com`` that can read the model data objects, pull the
    images' repositories and write the endpoint's logs — nothing else unless KMS keys, a VPC or
    data capture are configured.

    Attributes: ``role`` (iam.Role).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        model_data: Sequence[str],
        images: Sequence[str],
        endpoint_name: str | None,
        kms_keys: Sequence[str] = (),
        vpc: bool = False,
        capture_destinations: Sequence[str] = (),
        transform_job_prefix: str | None = None,
        read_prefixes: Sequence[str] = (),
        write_prefixes: Sequence[str] = (),
        notification_topics: Sequence[str] = (),
        inference_component_name: str | None = None,
    ) -> None:
        """
        :param model_data: S3 URIs of model.tar.gz objects the model reads (exact objects; a URI
            ending in ``*`` is a prefix, e.g. a training job's output under a run-time name).
        :param images: image URIs; each ECR repository gets pull permissions.
        :param endpoint_name: the endpoint's name, for its log group (None: no endpoint).
        :param kms_keys: KMS key ids or ARNs to decrypt with (default: none, no KMS grant).
        :param vpc: whether the model runs in a VPC (needs ENI permissions).
        :param capture_destinations: S3 prefixes data capture writes to (the endpoint's folder in each).
        :param transform_job_prefix: name prefix of the batch transform jobs that run the model
            (their log streams); default: no transform.
        :param read_prefixes: S3 prefixes it reads (a transform job's input).
        :param write_prefixes: S3 key prefixes it writes (a transform job's output, an asynchronous
            endpoint's responses; end a directory with /).
        :param notification_topics: SNS topic ARNs it publishes to (an asynchronous endpoint's
            success and error topics).
        :param inference_component_name: the inference component the model runs as, for its log
            group (default: none).
        """
        super().__init__(scope, construct_id)
        stack, _ = placed(self, scope, construct_id)
        partition, region, account = stack_env(stack).partition, stack_env(stack).region, stack_env(stack).account  # one jsii read each
        self.statements: list[Grant] = []
        objects = []
        for uri in model_data:
            bucket, key = s3_bucket_and_key(uri)
            objects.append(f"arn:{partition}:s3:::{bucket}/{key}")
        if objects:
            self._allow(statement(actions=["s3:GetObject"], resources=stable_sorted(objects)))
        for grant in ecr_pull(stack, images):
            self._allow(grant)
        logs_arn = f"arn:{partition}:logs:{region}:{account}:log-group:/aws/sagemaker"
        groups, streams, namespaces = [], [], []
        if endpoint_name is not None:
            groups.append(f"{logs_arn}/Endpoints/{endpoint_name}")
            streams.append(f"{logs_arn}/Endpoints/{endpoint_name}:log-stream:*")
            namespaces.append("/aws/sagemaker/Endpoints")
        if inference_component_name is not None:  # a component's containers log under its own name
            groups.append(f"{logs_arn}/InferenceComponents/{inference_component_name}")
            streams.append(f"{logs_arn}/InferenceComponents/{inference_component_name}:log-stream:*")
            namespaces.append("/aws/sagemaker/InferenceComponents")
        if transform_job_prefix is not None:
            groups.append(f"{logs_arn}/TransformJobs")
            streams.append(f"{logs_arn}/TransformJobs:log-stream:{transform_job_prefix}-*")
            namespaces.append("/aws/sagemaker/TransformJobs")
        self._allow(statement(actions=["logs:CreateLogGroup", "logs:DescribeLogStreams"], resources=groups))
        self._allow(statement(actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=streams))
        # cloudwatch:PutMetricData has no resource-level permissions; the condition limits it to the
        # namespaces SageMaker endpoints and transform jobs publish to.
        self._allow(
            statement(actions=["cloudwatch:PutMetricData"], resources=["*"], conditions={"StringEquals": {"cloudwatch:namespace": namespaces[0] if len(namespaces) == 1 else namespaces}})
        )
        reads = []
        for prefix in read_prefixes:
            bucket, key = s3_bucket_and_key(prefix)
            reads.append(f"arn:{partition}:s3:::{bucket}/{key.rstrip('*')}*")
            self._allow(statement(actions=["s3:ListBucket"], resources=[f"arn:{partition}:s3:::{bucket}"], conditions={"StringLike": {"s3:prefix": [f"{key.rstrip('*')}*"]}}))
        if reads:
            self._allow(statement(actions=["s3:GetObject"], resources=stable_sorted(reads)))
        for prefix in write_prefixes:  # "s3://b/dir/" is a directory, "s3://b/name-" a key prefix
            bucket, key = s3_bucket_and_key(prefix)
            self._allow(statement(actions=["s3:PutObject"], resources=[f"arn:{partition}:s3:::{bucket}/{key}*"]))
        for prefix in capture_destinations:
            # SageMaker writes an endpoint's captures under <destination>/<endpoint name>/: a shared
            # destination (the artifact bucket's default) stays per endpoint.
            bucket, key = s3_bucket_and_key(prefix.rstrip("/") + "/")
            key += f"{endpoint_name}/" if endpoint_name is not None else ""
            self._allow(statement(actions=["s3:PutObject"], resources=[f"arn:{partition}:s3:::{bucket}/{key}*"]))
        if notification_topics:
            self._allow(statement(actions=["sns:Publish"], resources=stable_sorted(notification_topics)))
        for grant in kms_use(stack, kms_keys) + vpc_network_interfaces(vpc):
            self._allow(grant)
        self.role = role_with_grants(self, "Role", service="sagemaker.amazonaws.com", description="SageMaker model execution role (sagestack)", grants=self.statements)
        acknowledge_wildcards(
            self.role,
            self.statements,
            "Wildcards only where IAM allows nothing narrower: ecr:GetAuthorizationToken and cloudwatch:PutMetricData "
            "(namespace-conditioned) take no resource; log streams of the endpoint's (or inference component's) own log group or of this model's transform jobs; "
            "objects under this model's training-output, repacked-artifact, data-capture (the endpoint's folder) or transform "
            "input/output/capture prefix (keys made at run or deploy time); KMS keys named by alias are any key of the account "
            "conditioned on kms:ResourceAliases (the key id behind an alias is unknown at synth); EC2 network-interface actions for VPC models.",
        )

    def _allow(self, grant: Grant) -> None:
        self.statements.append(grant)
