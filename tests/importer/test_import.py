"""`sagestack import` end to end: descriptors written and validated at once, placeholders with
their origin, %%writefile scripts extracted, local paths rewritten, existing files kept,
--dry-run, uncovered calls reported, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from sagestack.cli import app
from sagestack.descriptor.issues import LINE_FORMAT
from sagestack.descriptor.loader import load_descriptor
from sagestack.importer import PLACEHOLDER, import_notebook

from .helpers import write_notebook

runner = CliRunner()

SETUP = """
import sagemaker
from sagemaker import get_execution_role
from sagemaker.tensorflow import TensorFlow
role = get_execution_role()
sess = sagemaker.Session()
bucket = sess.default_bucket()
data = "s3://sagestack-examples-data/mnist"
"""

TRAIN = """
estimator = TensorFlow(
    entry_point="train.py",
    role=role,
    instance_count=1,
    instance_type="ml.p3.2xlarge",
    framework_version="2.11",
    py_version="py39",
    output_path=f"s3://{bucket}/out",
    sagemaker_session=sess,
    hyperparameters={"epochs": 10, "learning-rate": 1e-3},
)
"""

FIT = 'estimator.fit({"train": f"{data}/train", "test": data + "/test"}, wait=False, logs="All")'
DEPLOY = 'predictor = estimator.deploy(initial_instance_count=1, instance_type="ml.g4dn.xlarge", serializer=None)'


@pytest.fixture()
def tf_notebook(tmp_path: Path) -> Path:
    return write_notebook(tmp_path / "notebooks" / "MNIST TF.ipynb", SETUP, "%%writefile train.py\nimport tensorflow\nprint('train')\n", TRAIN, FIT, DEPLOY)


def test_a_notebook_that_resolves_imports_to_a_valid_descriptor(tf_notebook: Path, tmp_path: Path) -> None:
    out = tmp_path / "models"
    result = import_notebook(tf_notebook, out)
    [item] = result.descriptors
    assert item.status == "valid", [i.format() for i in item.issues]
    assert item.path == out / "mnist-tf.yaml" and item.written
    data = yaml.safe_load(item.path.read_text())
    assert list(data) == ["name", "estimator", "fit", "deploy"]
    # The SDK's names in the notebook's order; what a descriptor does not carry is left out.
    assert list(data["estimator"]) == ["type", "entry_point", "instance_count", "instance_type", "framework_version", "py_version", "hyperparameters"]
    assert data["estimator"]["hyperparameters"] == {"epochs": 10, "learning-rate": 0.001}
    assert data["fit"] == {"inputs": {"train": "s3://sagestack-examples-data/mnist/train", "test": "s3://sagestack-examples-data/mnist/test"}}
    assert data["deploy"] == {"initial_instance_count": 1, "instance_type": "ml.g4dn.xlarge"}
    # The script the notebook writes is extracted beside the descriptor and named from it.
    assert data["estimator"]["entry_point"] == "mnist-tf/train.py"
    assert (out / "mnist-tf" / "train.py").read_text() == "import tensorflow\nprint('train')\n"
    # The header names the notebook and its cells, and every argument left out.
    text = item.path.read_text()
    assert text.startswith("# Imported by `sagestack import` from ") and "MNIST TF.ipynb (cells 2, 3, 4, 5)" in text
    for left_out in ("estimator.role", "estimator.output_path", "estimator.sagemaker_session", "fit.wait", "fit.logs", "deploy.serializer"):
        assert f"left out {left_out}" in text
    assert load_descriptor(item.path).descriptor is not None


def test_unresolved_values_are_marked_placeholders_at_their_line(tmp_path: Path) -> None:
    nb = write_notebook(
        tmp_path / "nb.ipynb",
        SETUP,
        "train = sess.upload_data(local_train, bucket=bucket, key_prefix='mnist')",
        TRAIN.replace('entry_point="train.py"', 'entry_point="train.py", source_dir="code"'),
        'estimator.fit({"train": train, "test": f"s3://{bucket}/mnist/test"})',
    )
    (tmp_path / "cdk.json").write_text("{}")  # the repository root: local paths stay inside it
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "train.py").write_text("print()\n")
    out = tmp_path / "models"
    [item] = import_notebook(nb, out).descriptors
    assert item.status == "placeholders"
    data = yaml.safe_load(item.path.read_text())
    assert data["fit"]["inputs"] == {"train": PLACEHOLDER, "test": "s3://<default-bucket>/mnist/test"}
    lines = item.path.read_text().splitlines()
    [train_line] = [n for n, line in enumerate(lines, 1) if line.strip().startswith("train:")]
    assert lines[train_line - 1].endswith("# unresolved: train (cell 4, line 1)")
    # Each placeholder is a problem at its own line, in `sagestack validate`'s format.
    placeholders = [i for i in item.issues if "unresolved placeholder" in i.message]
    assert {(i.path, i.line) for i in placeholders} == {("fit.inputs.train", train_line), ("fit.inputs.test", train_line + 1)}
    assert "upload_data(...) uploads local files; its path is not known" in placeholders[1 if placeholders[0].path.endswith("test") else 0].message
    assert all(LINE_FORMAT.match(i.format()) for i in item.issues)
    # A local path beside the notebook is rewritten relative to the output directory.
    assert data["estimator"]["source_dir"] == "../code" and data["estimator"]["entry_point"] == "train.py"


def test_a_missing_local_path_is_a_problem_not_a_placeholder(tmp_path: Path) -> None:
    nb = write_notebook(tmp_path / "nb.ipynb", SETUP, TRAIN.replace('"train.py"', '"nowhere.py"'), FIT)
    result = import_notebook(nb, tmp_path / "models")
    assert result.descriptors[0].status == "invalid" and result.status == "none"
    assert "missing-local-path" in result.reasons
    assert any(i.path == "estimator.entry_point" for i in result.descriptors[0].errors)


def test_an_existing_descriptor_is_never_overwritten_unless_forced(tf_notebook: Path, tmp_path: Path) -> None:
    out = tmp_path / "models"
    out.mkdir()
    (out / "mnist-tf.yaml").write_text("# mine\n")
    [item] = import_notebook(tf_notebook, out).descriptors
    assert item.status == "exists" and not item.written
    assert (out / "mnist-tf.yaml").read_text() == "# mine\n" and not (out / "mnist-tf").exists()
    result = runner.invoke(app, ["import", str(tf_notebook), "--out", str(out)])
    assert result.exit_code == 1 and "use --force" in result.stdout
    result = runner.invoke(app, ["import", str(tf_notebook), "--out", str(out), "--force"])
    assert result.exit_code == 0, result.stdout + result.stderr
    assert (out / "mnist-tf.yaml").read_text().startswith("# Imported by")


def test_dry_run_prints_and_validates_but_writes_nothing(tf_notebook: Path, tmp_path: Path) -> None:
    out = tmp_path / "models"
    result = runner.invoke(app, ["import", str(tf_notebook), "--out", str(out), "--dry-run"])
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "name: mnist-tf" in result.stdout and "not written: --dry-run" in result.stdout
    assert not out.exists()


def test_the_command_exits_1_for_placeholders_and_2_for_what_is_not_a_notebook(tmp_path: Path) -> None:
    nb = write_notebook(tmp_path / "nb.ipynb", SETUP, TRAIN, "estimator.fit(inputs)")
    result = runner.invoke(app, ["import", str(nb), "--out", str(tmp_path / "m"), "--dry-run"])
    assert result.exit_code == 1 and "unresolved placeholder: inputs" in result.stdout
    (tmp_path / "notes.txt").write_text("hello")
    result = runner.invoke(app, ["import", str(tmp_path / "notes.txt"), "--out", str(tmp_path / "m")])
    assert result.exit_code == 2 and "Traceback" not in result.stdout + result.stderr
    (tmp_path / "bad.ipynb").write_text("{not json")
    assert runner.invoke(app, ["import", str(tmp_path / "bad.ipynb")]).exit_code == 2


def test_a_notebook_without_covered_calls_says_so(tmp_path: Path) -> None:
    nb = write_notebook(tmp_path / "nb.ipynb", "import pandas as pd\ndf = pd.read_csv('x.csv')")
    result = import_notebook(nb, tmp_path / "m", dry_run=True)
    assert result.status == "none" and result.reasons == ["no-sdk-calls"]
    cli = runner.invoke(app, ["import", str(nb), "--out", str(tmp_path / "m")])
    assert cli.exit_code == 1 and "no descriptor" in cli.stderr


def test_uncovered_calls_are_reported_with_their_reason_class(tmp_path: Path) -> None:
    nb = write_notebook(
        tmp_path / "nb.ipynb",
        SETUP,
        TRAIN,
        FIT,
        """
        from sagemaker.tuner import HyperparameterTuner, ContinuousParameter
        from sagemaker.spark.processing import PySparkProcessor
        from sagemaker.async_inference import AsyncInferenceConfig
        def make_estimator():
            return estimator
        tuner = HyperparameterTuner(make_estimator(), "validation:accuracy", {"lr": ContinuousParameter(0.01, 0.2)})
        tuner.fit({"train": data})
        processor = PySparkProcessor(framework_version="3.1", role=role, instance_type="ml.m5.xlarge", instance_count=1)
        processor.run(submit_app="preprocess.py")
        from sagemaker.pipeline import PipelineModel
        PipelineModel([estimator.create_model()], role=role).register(content_types=["text/csv"], response_types=["text/csv"])
        """,
        'estimator.deploy(instance_type="ml.m5.xlarge", initial_instance_count=1, async_inference_config=AsyncInferenceConfig(output_path="s3://sagestack-examples-data/async"))',
    )
    result = import_notebook(nb, tmp_path / "m", dry_run=True)
    assert {u.reason_class for u in result.uncovered} == {"tuner", "processing", "register"}
    assert [r for r in result.reasons if r in ("tuner", "processing", "register")] == ["tuner", "processing", "register"]
    # The asynchronous endpoint is the deploy's async_inference_config, as the notebook has it.
    [item] = result.descriptors
    assert not any(i.path.startswith("deploy.async_inference_config") for i in item.errors), item.errors
    assert item.draft.data["deploy"]["async_inference_config"] == {"output_path": "s3://sagestack-examples-data/async"}
    assert "processing" not in item.draft.data  # a processor the descriptor has no type for is reported, not imported
    cli = runner.invoke(app, ["import", str(nb), "--out", str(tmp_path / "m"), "--dry-run"])
    assert "not imported: cell 4, line 6: HyperparameterTuner(...) over an estimator the importer does not know" in cli.stderr


def test_builtin_algorithms_record_sets_and_retrieve(tmp_path: Path) -> None:
    nb = write_notebook(
        tmp_path / "builtin.ipynb",
        """
        import boto3
        from sagemaker import KMeans, image_uris
        from sagemaker.amazon.amazon_estimator import RecordSet
        from sagemaker.estimator import Estimator
        from sagemaker.inputs import TrainingInput
        region = boto3.Session().region_name
        kmeans = KMeans(role="SageMakerRole", instance_count=1, instance_type="ml.c5.xlarge", k=10)
        kmeans.fit(RecordSet("s3://sagestack-examples-data/k/.amazon.manifest", num_records=1000, feature_dim=784), mini_batch_size=100)
        xgb = Estimator(image_uris.retrieve("xgboost", region, "1.7-1"), "SageMakerRole", 1, "ml.m5.xlarge")
        xgb.set_hyperparameters(num_round=10, objective="reg:squarederror")
        xgb.fit({"train": TrainingInput("s3://sagestack-examples-data/h/train", content_type="text/csv")})
        transformer = xgb.transformer(1, "ml.m5.xlarge", assemble_with="Line")
        transformer.transform("s3://sagestack-examples-data/h/batch", content_type="text/csv", split_type="Line")
        """,
    )
    result = import_notebook(nb, tmp_path / "m")
    assert [d.status for d in result.descriptors] == ["valid", "valid"], [i.format() for d in result.descriptors for i in d.issues]
    kmeans, xgb = (yaml.safe_load(d.path.read_text()) for d in result.descriptors)
    assert kmeans["name"] == "builtin-kmeans" and kmeans["estimator"]["role"] == "SageMakerRole"
    assert kmeans["fit"] == {"inputs": {"s3_data": "s3://sagestack-examples-data/k/.amazon.manifest", "num_records": 1000, "feature_dim": 784}, "mini_batch_size": 100}
    assert xgb["estimator"]["image_uri"] == {"framework": "xgboost", "version": "1.7-1"}
    assert xgb["estimator"]["hyperparameters"] == {"num_round": 10, "objective": "reg:squarederror"}
    assert xgb["transformer"] == {"instance_count": 1, "instance_type": "ml.m5.xlarge", "assemble_with": "Line"}
    assert xgb["transform"]["data"] == "s3://sagestack-examples-data/h/batch"


def test_record_set_uploads_are_placeholders(tmp_path: Path) -> None:
    nb = write_notebook(tmp_path / "nb.ipynb", "from sagemaker import PCA\npca = PCA(role='r', instance_count=1, instance_type='ml.m5.xlarge', num_components=3)\npca.fit(pca.record_set(x, channel='train'))")
    [item] = import_notebook(nb, tmp_path / "m", dry_run=True).descriptors
    assert item.status == "placeholders" and item.draft.reasons == {"record-set-upload"}
    assert yaml.safe_load(item.text)["fit"]["inputs"] == {"s3_data": PLACEHOLDER, "num_records": PLACEHOLDER, "feature_dim": PLACEHOLDER, "channel": "train"}


def test_a_script_deploying_a_model_serverless_with_data_capture(tmp_path: Path) -> None:
    script = tmp_path / "serve.py"
    script.write_text(
        "from sagemaker.xgboost import XGBoostModel\n"
        "from sagemaker.serverless import ServerlessInferenceConfig\n"
        "from sagemaker.model_monitor import DataCaptureConfig\n"
        "model = XGBoostModel(model_data='s3://sagestack-examples-data/x/model.tar.gz', role=role, framework_version='1.7-1', name='churn')\n"
        "model.deploy(serverless_inference_config=ServerlessInferenceConfig(memory_size_in_mb=4096),\n"
        "             data_capture_config=DataCaptureConfig(True, 50, 's3://sagestack-examples-data/capture'))\n"
    )
    [item] = import_notebook(script, tmp_path / "m", dry_run=True).descriptors
    assert item.status == "valid", [i.format() for i in item.issues]
    data = yaml.safe_load(item.text)
    assert data["model"] == {"type": "XGBoostModel", "model_data": "s3://sagestack-examples-data/x/model.tar.gz", "framework_version": "1.7-1"}
    assert data["deploy"]["serverless_inference_config"] == {"memory_size_in_mb": 4096}
    assert data["deploy"]["data_capture_config"] == {"enable_capture": True, "sampling_percentage": 50, "destination_s3_uri": "s3://sagestack-examples-data/capture"}
    assert "left out model.name" in item.text and "left out model.role" in item.text


def test_a_directory_imports_its_notebooks_with_names_unique_across_the_run(tmp_path: Path) -> None:
    code = 'from sagemaker.sklearn import SKLearnModel\nm = SKLearnModel(model_data="s3://sagestack-examples-data/m.tar.gz", entry_point="s3://sagestack-examples-data/code.tar.gz", framework_version="1.2-1")\nm.deploy(initial_instance_count=1, instance_type="ml.m5.large")'
    write_notebook(tmp_path / "nbs" / "Churn Model.ipynb", code)
    write_notebook(tmp_path / "nbs" / "churn_model.ipynb", code)
    result = runner.invoke(app, ["import", str(tmp_path / "nbs"), "--out", str(tmp_path / "m"), "--dry-run"])
    assert "name: churn-model\n" in result.stdout and "name: churn-model-2\n" in result.stdout
    assert runner.invoke(app, ["import", str(tmp_path / "empty-dir-that-is-missing")]).exit_code == 2


def test_a_script_written_into_the_source_dir_is_extracted_with_it(tmp_path: Path) -> None:
    nb = write_notebook(
        tmp_path / "nb.ipynb",
        "%%writefile code/train.py\nprint('train')",
        "%%writefile code/requirements.txt\nnumpy",
        SETUP,
        TRAIN.replace('entry_point="train.py"', 'entry_point="train.py", source_dir="code"'),
        FIT,
    )
    [item] = import_notebook(nb, tmp_path / "m").descriptors
    assert item.status == "valid", [i.format() for i in item.issues]
    data = yaml.safe_load(item.text)
    assert (data["estimator"]["source_dir"], data["estimator"]["entry_point"]) == ("nb/code", "train.py")
    assert sorted(p.name for p in (tmp_path / "m" / "nb" / "code").iterdir()) == ["requirements.txt", "train.py"]


def test_long_names_are_cut_at_a_word() -> None:
    from sagestack.importer.build import _shorten

    assert _shorten("batch-transform-breast-cancer-prediction", 32) == "batch-transform-breast-cancer"
    assert _shorten("abcdefghijklmnopqrstuvwxyz0123456789", 32) == "abcdefghijklmnopqrstuvwxyz012345"


def test_importing_loads_neither_the_sdk_nor_the_cdk() -> None:
    from ..conftest import modules_imported_by

    notebook = Path(__file__).parent / "notebooks" / "sklearn_processing.ipynb"
    code = (
        "import tempfile\nfrom pathlib import Path\nfrom sagestack.importer import import_notebook\n"
        f"result = import_notebook(Path({str(notebook)!r}), Path(tempfile.mkdtemp()), dry_run=True)\n"
        "assert result.descriptors\n"
    )
    assert modules_imported_by(code, ("aws_cdk", "jsii", "constructs", "sagemaker")) == []


def test_sdk_objects_as_arguments(tmp_path: Path) -> None:
    nb = write_notebook(
        tmp_path / "nb.ipynb",
        SETUP,
        "%%writefile train.py\nprint()",
        """
        from sagemaker.debugger import CollectionConfig, DebuggerHookConfig, ProfilerConfig
        hook = DebuggerHookConfig(s3_output_path=f"s3://{bucket}/tensors", collection_configs=[CollectionConfig("losses", {"save_interval": "10"})])
        """,
        TRAIN.replace("sagemaker_session=sess,", "debugger_hook_config=hook,"),
        FIT,
    )
    [item] = import_notebook(nb, tmp_path / "m").descriptors
    assert item.status == "valid", [i.format() for i in item.issues]
    assert yaml.safe_load(item.text)["estimator"]["debugger_hook_config"] == {"collection_configs": [{"name": "losses", "parameters": {"save_interval": "10"}}]}
    assert "left out estimator.debugger_hook_config.s3_output_path" in item.text
    # A class the descriptor language has no mapping for is written as the notebook has it:
    # validation says why at its line, and the descriptor does not count as a placeholder one.
    nb = write_notebook(tmp_path / "nb.ipynb", SETUP, "%%writefile train.py\nprint()", "from sagemaker.debugger import ProfilerConfig", TRAIN.replace("sagemaker_session=sess,", "profiler_config=ProfilerConfig(system_monitor_interval_millis=500),"), FIT)
    [item] = import_notebook(nb, tmp_path / "m2").descriptors
    assert item.status == "invalid"
    assert any(i.path == "estimator.profiler_config" and i.message.startswith("not supported") for i in item.errors)
