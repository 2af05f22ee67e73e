"""register() imported as the descriptor's register: section (the estimator's, the tuner's best
estimator's, positional arguments in the SDK's names, values resolved as any call's, what the
section does not take noted), the registered package's deploy as deploy:, and
estimator.create_model().deploy(...) as the estimator's deploy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from sagestack.importer import PLACEHOLDER, ImportedDescriptor, import_notebook

from .helpers import XGB_ESTIMATOR, write_notebook

ESTIMATOR = XGB_ESTIMATOR + """\
xgb.fit({"train": TrainingInput(f"{data}/train", content_type="text/csv")})
"""


def _one(tmp_path: Path, *cells: str, stem: str = "churn") -> tuple[dict[str, Any], ImportedDescriptor, list[str]]:
    nb = write_notebook(tmp_path / f"{stem}.ipynb", *cells)
    result = import_notebook(nb, tmp_path / "models")
    [item] = result.descriptors
    return yaml.safe_load(item.path.read_text()), item, result.notes


def test_register_arguments_resolve_into_the_register_section(tmp_path: Path) -> None:
    data, item, _notes = _one(
        tmp_path,
        ESTIMATOR,
        """
        mime = "text/csv"
        group = "churn-" + "xgb"
        metadata = {"team": "retention"}
        metadata["owner"] = "ml"
        package = xgb.register(
            [mime], [mime], ["ml.m5.large"], ["ml.m5.xlarge"],
            model_package_group_name=f"{group}-models",
            approval_status="Approved",
            description="Churn, built-in XGBoost",
            customer_metadata_properties=metadata,
            domain="MACHINE_LEARNING", task="CLASSIFICATION",
            model_package_name="churn-package",
        )
        """,
    )
    assert item.status == "valid", [i.format() for i in item.issues]
    assert list(data) == ["name", "estimator", "fit", "register"]
    assert data["register"] == {
        "content_types": ["text/csv"],
        "response_types": ["text/csv"],
        "inference_instances": ["ml.m5.large"],
        "transform_instances": ["ml.m5.xlarge"],
        "model_package_group_name": "churn-xgb-models",
        "approval_status": "Approved",
        "description": "Churn, built-in XGBoost",
        "customer_metadata_properties": {"team": "retention", "owner": "ml"},
        "domain": "MACHINE_LEARNING",
        "task": "CLASSIFICATION",
    }
    text = item.path.read_text()
    assert "register:  # xgb.register(...), cell 2" in text
    # An argument the section does not take is said, at its line, not written.
    assert "left out register.model_package_name: the register section does not take it (cell 2, line 12: \"churn-package\")" in text


def test_an_unresolved_register_argument_is_a_placeholder_at_its_line(tmp_path: Path) -> None:
    data, item, _notes = _one(
        tmp_path,
        ESTIMATOR,
        """
        import time
        xgb.register(content_types=["text/csv"], response_types=["text/csv"], model_package_group_name=f"churn-{time.strftime('%Y')}")
        """,
    )
    assert data["register"]["model_package_group_name"] == PLACEHOLDER
    [placeholder] = item.draft.placeholders
    assert placeholder.path == ("register", "model_package_group_name") and (placeholder.where.cell, placeholder.where.line) == (2, 2)
    assert item.status == "placeholders"
    assert any(i.path == "register.model_package_group_name" and "unresolved placeholder" in i.format() for i in item.issues)


def test_the_registered_package_deploys_as_the_descriptor_deploy(tmp_path: Path) -> None:
    data, item, _notes = _one(
        tmp_path,
        ESTIMATOR,
        'package = xgb.register(["text/csv"], ["text/csv"], ["ml.m5.large"], ["ml.m5.xlarge"])',
        'predictor = package.deploy(initial_instance_count=1, instance_type="ml.m5.large")',
    )
    assert item.status == "valid", [i.format() for i in item.issues]
    assert data["deploy"] == {"initial_instance_count": 1, "instance_type": "ml.m5.large"}
    assert data["register"]["inference_instances"] == ["ml.m5.large"]


def test_the_tuned_models_register_and_its_approved_package_deploy(tmp_path: Path) -> None:
    data, item, notes = _one(
        tmp_path,
        ESTIMATOR.replace("xgb.fit(", "fit_inputs = ("),
        """
        from sagemaker.model import ModelPackage
        from sagemaker.tuner import HyperparameterTuner, ContinuousParameter
        tuner = HyperparameterTuner(xgb, "validation:auc", {"eta": ContinuousParameter(0.01, 0.2)}, max_jobs=4, max_parallel_jobs=2)
        tuner.fit({"train": TrainingInput(f"{data}/train", content_type="text/csv"), "validation": TrainingInput(f"{data}/validation", content_type="text/csv")})
        tuner.best_estimator().register(content_types=["text/csv"], response_types=["text/csv"], inference_instances=["ml.m5.large"])
        """,
        'ModelPackage(role, model_package_arn=package_arn).deploy(1, "ml.m5.large")',
        stem="churn-tuned",
    )
    assert item.status == "valid", [i.format() for i in item.issues]
    assert list(data) == ["name", "estimator", "fit", "tuner", "deploy", "register"]
    assert data["register"] == {"content_types": ["text/csv"], "response_types": ["text/csv"], "inference_instances": ["ml.m5.large"]}
    assert data["deploy"] == {"initial_instance_count": 1, "instance_type": "ml.m5.large"}
    assert "register:  # tuner.best_estimator().register(...), cell 2" in item.path.read_text()
    assert "cell 3, line 1: ModelPackage(...) is read as the package tuner registers" in notes


def test_a_model_registered_without_training_is_imported_and_refused_by_validation(tmp_path: Path) -> None:
    _data, item, _notes = _one(
        tmp_path,
        """
        from sagemaker.model import Model
        model = Model("123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1", "s3://sagestack-examples-data/churn/model.tar.gz", role="arn:aws:iam::123456789012:role/x")
        model.register(["text/csv"], ["text/csv"], ["ml.m5.large"], ["ml.m5.xlarge"], "churn-package", "churn-group")
        model.deploy(1, "ml.m5.large")
        """,
    )
    # Model.register's fifth and sixth parameters are model_package_name and model_package_group_name.
    assert item.draft.data["register"]["model_package_group_name"] == "churn-group"
    assert any(i.path == "register" and "registers the model it trained" in i.format() for i in item.issues)


_COMPONENTS = """
from sagemaker.compute_resource_requirements.resource_requirements import ResourceRequirements
from sagemaker.enums import EndpointType
"""
_DEPLOY_ARGS = (
    'endpoint_type=EndpointType.INFERENCE_COMPONENT_BASED, instance_type="ml.m5.xlarge", initial_instance_count=1, '
    'resources=ResourceRequirements(requests={"num_cpus": 1, "memory": 1024, "copies": 1}), '
    'managed_instance_scaling={"MinInstanceCount": 0, "MaxInstanceCount": 2}'
)
_COMPONENT_DEPLOY = {
    "endpoint_type": "inference-component-based",
    "instance_type": "ml.m5.xlarge",
    "initial_instance_count": 1,
    "resources": {"requests": {"num_cpus": 1, "memory": 1024, "copies": 1}},
    "managed_instance_scaling": {"MinInstanceCount": 0, "MaxInstanceCount": 2},
}


def test_create_model_deploy_chained_is_the_estimators_deploy(tmp_path: Path) -> None:
    data, item, _notes = _one(tmp_path, ESTIMATOR, _COMPONENTS, f"xgb.create_model().deploy({_DEPLOY_ARGS})")
    assert item.status == "valid", [i.format() for i in item.issues]
    assert data["deploy"] == _COMPONENT_DEPLOY


def test_create_model_assigned_then_deployed_is_the_estimators_deploy(tmp_path: Path) -> None:
    data, item, _notes = _one(tmp_path, ESTIMATOR, _COMPONENTS, 'model = xgb.create_model(name="churn-model")', f"predictor = model.deploy({_DEPLOY_ARGS})")
    assert item.status == "valid", [i.format() for i in item.issues]
    assert data["deploy"] == _COMPONENT_DEPLOY
    # create_model()'s own arguments are not the deploy's: said, not written.
    assert "left out: the arguments of xgb.create_model(...)" in item.path.read_text()
