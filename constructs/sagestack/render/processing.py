"""CreateProcessingJob as ``processor.run(...)`` sends it (SDK 2.x ``sagemaker.processing``:
``Processor._normalize_args``, ``ProcessingJob._get_process_args``, ``Session._get_process_request``).

The SDK's rules:

* Inputs are named ``input-<n>`` and outputs ``output-<n>`` when unnamed; an output without an S3
  destination goes to ``s3://<default bucket>/<job name>/output/<output name>``.
* ``ScriptProcessor`` (and ``SKLearnProcessor``, whose image is the SDK's scikit-learn image and
  whose command defaults to ``python3``) adds the code as an input named ``code`` at
  ``/opt/ml/processing/input/code`` and runs ``command + [/opt/ml/processing/input/code/<file>]``.
* ``FrameworkProcessor`` (``PyTorchProcessor``...) packs ``source_dir`` into ``sourcedir.tar.gz``
  as the ``code`` input at ``/opt/ml/processing/input/code/``, and adds ``runproc.sh`` (which
  unpacks it, installs requirements.txt and runs ``command`` + the script) as the ``entrypoint``
  input; the job runs ``/bin/bash /opt/ml/processing/input/entrypoint/runproc.sh``.

One deliberate difference: local code is uploaded at deploy time, as CDK assets named by their
content (``{{ProcessingCode.<step>}}``, ``{{ProcessingEntrypoint.<step>}}``), not under the job's
folder at run time, so the file the container runs is the asset's name
(``{{ProcessingCodeFile.<step>}}``, ``{{ProcessingEntrypointFile.<step>}}``).
"""

from __future__ import annotations

import posixpath
from textwrap import dedent
from typing import Any

from ..descriptor import ModelDescriptor
from ..descriptor.estimator import FrameworkEstimator
from ..descriptor.kinds import ESTIMATOR_TYPES
from ..descriptor.processing import (
    CODE_INPUT,
    ENTRYPOINT_INPUT,
    MODEL_OUTPUT,
    TRAINING_STEP,
    FrameworkProcessor,
    FrameworkProcessorBase,
    ProcessingInput,
    ProcessingStep,
    Processor,
    PyTorchProcessor,
    SKLearnProcessor,
    StepOutput,
)
from .context import RenderContext, ph
from .images import image_uri, resolved_image_uri
from .training import role_arn, s3_path_join

__all__ = [
    "create_processing_job", "processing_job_name", "output_uri", "reference_uri", "processing_image", "runproc_script",
    "CODE_BASE", "SKLEARN_COMMAND", "FRAMEWORK_COMMAND", "RUNPROC_COMMAND",
]

CODE_BASE = "/opt/ml/processing/input/"  # ScriptProcessor._CODE_CONTAINER_BASE_PATH
SKLEARN_COMMAND = ("python3",)  # SKLearnProcessor's default command
FRAMEWORK_COMMAND = ("python",)  # FrameworkProcessor's default command
RUNPROC_COMMAND = ("/bin/bash",)  # FrameworkProcessor.framework_entrypoint_command


def processing_job_name(step: ProcessingStep, ctx: RenderContext) -> str:
    """A run's processing job: ``<run name>-<step name>`` (the run's training job is ``<run name>``)."""
    return f"{ctx.job_name}-{step.name}"


def _step(d: ModelDescriptor, name: str) -> ProcessingStep:
    return next(s for s in d.processing or () if s.name == name)


def output_uri(d: ModelDescriptor, step: ProcessingStep, output_name: str, ctx: RenderContext) -> str:
    """Where a step's output lands: its destination, or the SDK's default under the job's folder."""
    for name, out in zip(step.output_names(), step.run.outputs, strict=True):
        if name == output_name:
            return out.destination or s3_path_join("s3://", ctx.default_bucket, processing_job_name(step, ctx), "output", name)
    raise KeyError(f"{step.name} has no output {output_name}")


def reference_uri(d: ModelDescriptor, ref: StepOutput | str, ctx: RenderContext) -> str:
    """The S3 URI a ``{step, output}`` reference stands for (a plain URI is itself)."""
    if isinstance(ref, str):
        return ref
    if ref.step == TRAINING_STEP and ref.output == MODEL_OUTPUT:
        return ctx.model_data
    return output_uri(d, _step(d, ref.step), ref.output, ctx)


def processing_image(step: ProcessingStep, ctx: RenderContext) -> str:
    """The image: the given one; SKLearnProcessor's scikit-learn image; a framework processor's
    estimator class's training image (``est.training_image_uri()``)."""
    proc = step.processor
    given = getattr(proc, "image_uri", None)
    if given is not None:
        return resolved_image_uri(given, ctx.region)
    if isinstance(proc, SKLearnProcessor):
        return image_uri("sklearn", region=ctx.region, version=proc.framework_version, instance_type=proc.instance_type)
    assert isinstance(proc, (FrameworkProcessor, PyTorchProcessor))
    cls = ESTIMATOR_TYPES[proc.estimator_cls]
    assert issubclass(cls, FrameworkEstimator)  # FrameworkProcessor takes framework estimator classes only
    values: dict[str, Any] = {"framework_version": proc.framework_version, "py_version": proc.py_version, "instance_type": proc.instance_type, "distribution": None}
    est = cls.model_construct(**values)
    arguments = est.image_arguments("training")
    return image_uri(arguments.pop("framework"), region=ctx.region, instance_type=proc.instance_type, **arguments)


def _command(step: ProcessingStep) -> list[str]:
    proc = step.processor
    default = SKLEARN_COMMAND if isinstance(proc, SKLearnProcessor) else FRAMEWORK_COMMAND
    return list(getattr(proc, "command", None) or default)


def runproc_script(step: ProcessingStep, archive: str = "sourcedir.tar.gz") -> str:
    """``FrameworkProcessor._generate_framework_script``: unpack the code, install
    requirements.txt, run the command and the script with the job's arguments. ``archive``: the
    file name of the code archive in the container (the SDK's sourcedir.tar.gz; the asset's name
    when uploaded at deploy time)."""
    assert step.run.code is not None
    return dedent(
        """\
        #!/bin/bash

        cd /opt/ml/processing/input/code/
        tar -xzf {archive}

        # Exit on any error. SageMaker uses error code to mark failed job.
        set -e

        if [[ -f 'requirements.txt' ]]; then
            # Optionally log into CodeArtifact
            if ! hash aws 2>/dev/null; then
                echo "AWS CLI is not installed. Skipping CodeArtifact login."
            else
                {codeartifact_login_command}
            fi

            # Some py3 containers has typing, which may breaks pip install
            pip uninstall --yes typing

            python -m pip install -r requirements.txt
        fi

        {entry_point_command} {entry_point} "$@"
    """
    ).format(
        archive=archive,
        codeartifact_login_command="echo 'CodeArtifact repository not specified. Skipping login.'",
        entry_point_command=" ".join(_command(step)),
        entry_point=_script_name(step),
    )


def _script_name(step: ProcessingStep) -> str:
    """The script relative to source_dir (the archive's root), or its base name."""
    code = step.run.code or ""
    return code if step.run.source_dir else posixpath.basename(code)


def _input(name: str, source: str, destination: str, spec: ProcessingInput | None = None) -> dict[str, Any]:
    s3: dict[str, Any] = {
        "S3Uri": source,
        "LocalPath": destination,
        "S3DataType": spec.s3_data_type if spec else "S3Prefix",
        "S3InputMode": spec.s3_input_mode if spec else "File",
        "S3DataDistributionType": spec.s3_data_distribution_type if spec else "FullyReplicated",
        "S3CompressionType": spec.s3_compression_type if spec else "None",
    }
    return {"InputName": name, "AppManaged": False, "S3Input": s3}


def _code_inputs_and_entrypoint(step: ProcessingStep) -> tuple[list[dict[str, Any]], list[str] | None]:
    """The inputs the SDK adds for the code, and the container's entrypoint."""
    proc, code = step.processor, step.run.code
    if isinstance(proc, Processor):
        return [], list(proc.entrypoint) if proc.entrypoint is not None else None
    assert code is not None
    uploaded = not code.startswith("s3://")
    qualifier = step.name
    if isinstance(proc, FrameworkProcessorBase):
        if not uploaded:  # an S3 URI is taken as the entrypoint script itself (no packing)
            return [_input(ENTRYPOINT_INPUT, code, CODE_BASE + ENTRYPOINT_INPUT)], [*RUNPROC_COMMAND, CODE_BASE + ENTRYPOINT_INPUT + "/" + posixpath.basename(code)]
        inputs = [
            _input(CODE_INPUT, ph("ProcessingCode", qualifier), "/opt/ml/processing/input/code/"),
            _input(ENTRYPOINT_INPUT, ph("ProcessingEntrypoint", qualifier), CODE_BASE + ENTRYPOINT_INPUT),
        ]
        return inputs, [*RUNPROC_COMMAND, CODE_BASE + ENTRYPOINT_INPUT + "/" + ph("ProcessingEntrypointFile", qualifier)]
    source = ph("ProcessingCode", qualifier) if uploaded else code
    script = ph("ProcessingCodeFile", qualifier) if uploaded else posixpath.basename(code)
    return [_input(CODE_INPUT, source, CODE_BASE + CODE_INPUT)], [*_command(step), CODE_BASE + CODE_INPUT + "/" + script]


def create_processing_job(d: ModelDescriptor, step: ProcessingStep, ctx: RenderContext) -> dict[str, Any]:
    """The CreateProcessingJob request of one ``processing:`` entry (``ctx.job_name`` names the
    run; the job is ``<run>-<step>``)."""
    proc, run = step.processor, step.run
    inputs = [
        _input(name, reference_uri(d, spec.source, ctx), spec.destination, spec)
        for name, spec in zip(step.input_names(), run.inputs, strict=True)
    ]
    code_inputs, entrypoint = _code_inputs_and_entrypoint(step)
    inputs += code_inputs
    outputs = [
        {"OutputName": name, "AppManaged": False, "S3Output": {"S3Uri": output_uri(d, step, name, ctx), "LocalPath": out.source, "S3UploadMode": out.s3_upload_mode}}
        for name, out in zip(step.output_names(), run.outputs, strict=True)
    ]
    cluster: dict[str, Any] = {"InstanceType": proc.instance_type, "InstanceCount": proc.instance_count, "VolumeSizeInGB": proc.volume_size_in_gb}
    if proc.volume_kms_key is not None:
        cluster["VolumeKmsKeyId"] = proc.volume_kms_key
    app: dict[str, Any] = {"ImageUri": processing_image(step, ctx)}
    if run.arguments is not None:
        app["ContainerArguments"] = list(run.arguments)
    if entrypoint is not None:
        app["ContainerEntrypoint"] = entrypoint
    request: dict[str, Any] = {
        "ProcessingJobName": processing_job_name(step, ctx),
        "ProcessingResources": {"ClusterConfig": cluster},
        "AppSpecification": app,
        "RoleArn": role_arn(proc.role, ctx),
    }
    if inputs:
        request["ProcessingInputs"] = inputs
    if outputs:
        output_config: dict[str, Any] = {"Outputs": outputs}
        if proc.output_kms_key is not None:
            output_config["KmsKeyId"] = proc.output_kms_key
        request["ProcessingOutputConfig"] = output_config
    if proc.env is not None:
        request["Environment"] = dict(proc.env)
    net = proc.network_config
    if net is not None:
        network: dict[str, Any] = {"EnableNetworkIsolation": bool(net.enable_network_isolation)}
        if net.encrypt_inter_container_traffic is not None:
            network["EnableInterContainerTrafficEncryption"] = net.encrypt_inter_container_traffic
        if net.security_group_ids is not None or net.subnets is not None:
            vpc: dict[str, Any] = {}
            if net.security_group_ids is not None:
                vpc["SecurityGroupIds"] = list(net.security_group_ids)
            if net.subnets is not None:
                vpc["Subnets"] = list(net.subnets)
            network["VpcConfig"] = vpc
        request["NetworkConfig"] = network
    if proc.max_runtime_in_seconds is not None:
        request["StoppingCondition"] = {"MaxRuntimeInSeconds": proc.max_runtime_in_seconds}
    tags = [t.model_dump() for t in (*d.tags, *proc.tags)]
    if tags:
        request["Tags"] = tags
    return request
