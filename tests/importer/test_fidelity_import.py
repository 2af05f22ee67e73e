"""Imported notebooks whose arguments are all static render the requests the SDK sends: each
notebook below makes the SDK calls of a fidelity configuration (tests/fidelity/cases/), whose
requests SDK 2.257.7 recorded in tests/fidelity/fixtures/. The notebook is imported, the
descriptor rendered as the fidelity suite renders its configurations, and compared with the
recording field by field."""

from __future__ import annotations

import json
import textwrap

import pytest

from sagestack.descriptor import validate_data
from sagestack.importer import import_notebook
from sagestack.render import render_requests

from ..fidelity.normalize import diff
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

NOTEBOOKS: dict[str, str] = {
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
