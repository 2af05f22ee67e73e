"""Imported notebooks whose arguments are all static render the requests the SDK sends: each
notebook below makes the SDK calls of a fidelity configuration (tests/fidelity/cases/), whose
requests SDK 2.257.7 recorded in tests/fidelity/fixtures/. The notebook is imported, the
descriptor rendered as the fidelity suite renders its configurations, and compared with the
recording field by field (processing steps included: a step's name is its run's job_name, else
its code's file name, which names the job in the recording)."""

from __future__ import annotations

import json
import textwrap

import pytest

from sagestack.descriptor import validate_data
from sagestack.importer import import_notebook
from sagestack.render import render_requests

from ..fidelity.normalize import diff
from ..fidelity.recorder import SERVED_MODEL_DATA
from ..fidelity.test_fidelity import CONTEXT, FIXTURES, HERE

XGB = """
import sagemaker
from sagemaker import image_uris
from sagemaker.estimator import Estimator
from sagemaker.inputs import TrainingInput
from sagemaker.tuner import ContinuousParameter, HyperparameterTuner, IntegerParameter
region = sagemaker.Session().boto_region_name
xgb = Estimator(
    image_uri=image_uris.retrieve("xgboost", region, "1.7-1"),
    role=sagemaker.get_execution_role(),
    instance_type="ml.m5.xlarge",
    instance_count=1,
    hyperparameters={"objective": "binary:logistic", "num_round": 100, "max_depth": 5},
)
ranges = {"eta": ContinuousParameter(0.01, 0.3, "Logarithmic"), "max_depth": IntegerParameter(3, 10)}
"""
XGB_FIT = """
data = "s3://sagestack-data/xgb"
tuner.fit({
    "train": TrainingInput(f"{data}/train", content_type="text/csv"),
    "validation": TrainingInput(f"{data}/validation", content_type="text/csv"),
})
"""
PT = """
from sagemaker.pytorch import PyTorch
import sagemaker.tuner as tuning
estimator = PyTorch(entry_point="train.py", source_dir=".", framework_version="2.1", py_version="py310",
                    instance_type="ml.m5.xlarge", instance_count=1, hyperparameters={"epochs": 10, "optimizer": "adam"})
metrics = [{"Name": "validation:loss", "Regex": "val_loss=([0-9\\\\.]+)"}, {"Name": "validation:accuracy", "Regex": "val_acc=([0-9\\\\.]+)"}]
"""

PROC = """
import sagemaker
from sagemaker.processing import ProcessingInput, ProcessingOutput
from sagemaker.sklearn.processing import SKLearnProcessor
role = sagemaker.get_execution_role()
raw = ProcessingInput("s3://sagestack-data/raw", "/opt/ml/processing/input")
image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/prep:1.0"
"""
SKLEARN = 'SKLearnProcessor(framework_version="1.2-1", role=role, instance_type="ml.m5.xlarge", instance_count=1)'
PREP_OUTPUTS = 'outputs=[ProcessingOutput("/opt/ml/processing/train", output_name="train"), ProcessingOutput("/opt/ml/processing/validation", output_name="validation")]'

NOTEBOOKS: dict[str, str] = {
    # Processing: each processor class, its arguments positional or named, references between steps.
    "proc-sklearn": PROC + f"""
prep = {SKLEARN}
prep.run("train.py", [raw], {PREP_OUTPUTS[len("outputs="):]}, ["--split", "0.2"], job_name="prep")
""",
    "proc-script": PROC + """
from sagemaker.network import NetworkConfig
from sagemaker.processing import ScriptProcessor
featurize = ScriptProcessor(
    role, image, ["python3", "-u"], 2, "ml.c5.2xlarge", volume_size_in_gb=100, volume_kms_key="alias/volume", output_kms_key="alias/output",
    max_runtime_in_seconds=7200, env={"MODE": "full"}, tags=[{"Key": "team", "Value": "ml"}], network_config=NetworkConfig(True, ["sg-0abc"], ["subnet-0abc"], True),
)
featurize.run(
    code="train.py",
    inputs=[
        ProcessingInput("s3://sagestack-data/raw", "/opt/ml/processing/raw"),
        ProcessingInput("s3://sagestack-data/lookup/manifest", "/opt/ml/processing/lookup", "lookup", "ManifestFile", "Pipe", "ShardedByS3Key", "Gzip"),
    ],
    outputs=[ProcessingOutput("/opt/ml/processing/features"), ProcessingOutput("/opt/ml/processing/stats", "s3://sagestack-data/stats", "stats", "Continuous")],
    job_name="featurize",
)
""",
    "proc-image": PROC + """
from sagemaker.processing import Processor
export = Processor(role=role, image_uri=image, instance_count=1, instance_type="ml.m5.large", entrypoint=["/usr/bin/export", "--all"])
export.run(inputs=[raw], outputs=[ProcessingOutput(source="/opt/ml/processing/out", output_name="exported")], arguments=["--format", "parquet"])
""",
    "proc-script-s3-code": PROC + """
from sagemaker.processing import ScriptProcessor
ScriptProcessor(role=role, image_uri=image, command=["python3"], instance_type="ml.m5.large", instance_count=1).run(code="s3://sagestack-data/code/clean.py", inputs=[raw])
""",
    "proc-pytorch": PROC + """
from sagemaker.pytorch.processing import PyTorchProcessor
tokenize = PyTorchProcessor("2.1", role, 1, "ml.g5.xlarge", "py310")
tokenize.run("train.py", ".", inputs=[raw], outputs=[ProcessingOutput("/opt/ml/processing/tokens", output_name="tokens")], job_name="tokenize")
""",
    "proc-framework-sklearn": PROC + """
from sagemaker.processing import FrameworkProcessor
from sagemaker.sklearn import SKLearn
prep = FrameworkProcessor(SKLearn, "1.2-1", role, 1, "ml.m5.xlarge", command=["python3"])
prep.run("train.py", ".", outputs=[ProcessingOutput("/opt/ml/processing/out", output_name="out")], job_name="prep")
""",
    "proc-train-evaluate": PROC + f"""
from sagemaker.pytorch import PyTorch
prep = {SKLEARN}
prep.run(code="train.py", inputs=[raw], {PREP_OUTPUTS}, job_name="prep")
prepared = {{o.output_name: o.destination for o in prep.latest_job.outputs}}
estimator = PyTorch(entry_point="train.py", source_dir=".", framework_version="2.1", py_version="py310", instance_type="ml.m5.xlarge", instance_count=1, role=role)
estimator.fit(prepared)
evaluate = {SKLEARN}
evaluate.run(
    code="train.py",
    inputs=[ProcessingInput(estimator.model_data, "/opt/ml/processing/model"), ProcessingInput(prepared["validation"], "/opt/ml/processing/validation")],
    outputs=[ProcessingOutput("/opt/ml/processing/evaluation", output_name="evaluation")],
    job_name="evaluate",
)
""",
    # Asynchronous endpoints: AsyncInferenceConfig positional and named, with its notifications.
    "pytorch-async-deploy": f"""
import sagemaker
from sagemaker.async_inference import AsyncInferenceConfig
from sagemaker.pytorch import PyTorchModel
model = PyTorchModel("{SERVED_MODEL_DATA}", sagemaker.get_execution_role(), "inference.py", framework_version="2.3.0", py_version="py311")
model.deploy(initial_instance_count=1, instance_type="ml.g5.xlarge", async_inference_config=AsyncInferenceConfig(None, 4))
""",
    "pytorch-async-notify": """
import sagemaker
from sagemaker.async_inference import AsyncInferenceConfig
from sagemaker.pytorch import PyTorch
estimator = PyTorch(entry_point="train.py", source_dir=".", framework_version="2.3.0", py_version="py311", instance_count=1, instance_type="ml.g5.2xlarge")
estimator.fit({"train": "s3://sagestack-data/pt/train", "test": "s3://sagestack-data/pt/test"})
topics = {"SuccessTopic": "arn:aws:sns:us-east-1:123456789012:done", "ErrorTopic": "arn:aws:sns:us-east-1:123456789012:failed"}
estimator.deploy(
    initial_instance_count=1,
    instance_type="ml.g5.xlarge",
    async_inference_config=AsyncInferenceConfig(
        output_path="s3://sagestack-data/async/out",
        failure_path="s3://sagestack-data/async/failed",
        kms_key_id="alias/async",
        notification_config={**topics, "IncludeInferenceResponseIn": ["SUCCESS_NOTIFICATION_TOPIC"]},
    ),
)
""",
    "tune-xgb-deploy": XGB
    + """
tuner = HyperparameterTuner(xgb, "validation:auc", ranges, max_jobs=20, max_parallel_jobs=3, tags=[{"Key": "team", "Value": "ml"}])
"""
    + XGB_FIT
    + """
predictor = tuner.deploy(2, "ml.m5.large")
""",
    "tune-xgb-random": XGB
    + """
from sagemaker.tuner import CategoricalParameter
ranges = {"booster": CategoricalParameter(["gbtree", "dart"]), "eta": ContinuousParameter(0.01, 0.3, scaling_type="Linear")}
tuner = HyperparameterTuner(xgb, "validation:auc", ranges, strategy="Random", max_jobs=20, max_parallel_jobs=3)
"""
    + XGB_FIT,
    "tune-pt-bayesian": PT
    + """
tuner = tuning.HyperparameterTuner(
    estimator=estimator,
    objective_metric_name="validation:loss",
    objective_type="Minimize",
    metric_definitions=metrics,
    strategy="Bayesian",
    early_stopping_type="Auto",
    hyperparameter_ranges={"lr": tuning.ContinuousParameter(0.0001, 0.1, "Logarithmic"), "batch_size": tuning.IntegerParameter(16, 256)},
    max_jobs=12,
    max_parallel_jobs=2,
    max_runtime_in_seconds=36000,
)
tuner.fit({"train": "s3://sagestack-data/pt/train", "validation": "s3://sagestack-data/pt/validation"})
""",
    "tune-pt-hyperband": PT
    + """
tuner = tuning.HyperparameterTuner(
    estimator,
    "validation:accuracy",
    {"optimizer": tuning.CategoricalParameter(["adam", "sgd"]), "lr": tuning.ContinuousParameter(0.001, 0.1)},
    metrics,
    strategy="Hyperband",
    strategy_config=tuning.StrategyConfig(tuning.HyperbandStrategyConfig(max_resource=10, min_resource=1)),
    max_jobs=30,
    max_parallel_jobs=5,
    random_seed=7,
)
tuner.fit("s3://sagestack-data/pt/train")
""",
    "sklearn-multi-model": """
import sagemaker
from sagemaker.multidatamodel import MultiDataModel
from sagemaker.sklearn.model import SKLearnModel
served = SKLearnModel(None, sagemaker.get_execution_role(), "inference.py", source_dir=".", framework_version="1.2-1")
mme = MultiDataModel("forecasts", "s3://sagestack-data/sk/models/", model=served)
mme.deploy(initial_instance_count=1, instance_type="ml.c5.xlarge", tags=[{"Key": "team", "Value": "ml"}])
""",
    "byo-multi-model": """
from sagemaker.multidatamodel import MultiDataModel
mme = MultiDataModel(
    name="triton",
    model_data_prefix="s3://sagestack-data/byo/models/",
    image_uri="123456789012.dkr.ecr.us-east-1.amazonaws.com/triton:24.01",
    env={"MODE": "multi"},
)
mme.deploy(1, "ml.g5.xlarge")
""",
}


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_the_imported_notebook_renders_the_requests_the_sdk_sent(name: str) -> None:
    code = HERE / "code"
    # Imported as a script beside the fidelity code, so its local paths are the configurations'.
    result = import_notebook(code / f"{name}.notebook.py", code, dry_run=True, text=textwrap.dedent(NOTEBOOKS[name]))
    assert result.status == "valid", [i.format() for d in result.descriptors for i in d.issues] + result.notes
    [item] = result.descriptors
    data = {**item.draft.data, "name": name}  # the recording's names come from the configuration's
    validated = validate_data(data, file=f"{name}.yaml", source=code / "descriptor.yaml")
    assert validated.descriptor is not None, [i.format() for i in validated.issues]
    ours = render_requests(validated.descriptor, CONTEXT)
    fixture = json.loads((FIXTURES / f"{name}.json").read_text())["requests"]
    assert sorted(ours) == sorted(fixture), "different calls"
    problems = [f"{op}{line}" for op in ours for line in diff(ours[op], fixture[op])]
    assert not problems, "\n".join(problems)
