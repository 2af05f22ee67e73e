"""Processors and their runs imported as ``processing:`` steps: the processor's and the run's
arguments in the SDK's names, each step's name, when it runs (before or after the estimator's
fit), {step, output} references followed through the notebook's values, placeholders for what
only a run tells, processing-only notebooks; the asynchronous endpoint and the calls left out
(endpoint updates) said where they are; register() imported."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from sagestack.cli import app
from sagestack.importer import PLACEHOLDER, NotebookImport, import_notebook

from .helpers import write_notebook

runner = CliRunner()

SETUP = """
import sagemaker
from sagemaker import get_execution_role
from sagemaker.processing import ProcessingInput, ProcessingOutput
from sagemaker.sklearn.processing import SKLearnProcessor
from sagemaker.sklearn.estimator import SKLearn
role = get_execution_role()
sess = sagemaker.Session()
bucket = sess.default_bucket()
raw = "s3://sagestack-examples-data/churn/raw"
"""

PREP = """
prep = SKLearnProcessor("1.2-1", role, 1, "ml.m5.xlarge", base_job_name="prep", sagemaker_session=sess)
prep.run(
    code="preprocess.py",
    inputs=[ProcessingInput(raw, "/opt/ml/processing/input")],
    outputs=[
        ProcessingOutput(source="/opt/ml/processing/train", output_name="train", destination=f"s3://{bucket}/prep/train"),
        ProcessingOutput(source="/opt/ml/processing/test"),
    ],
    arguments=["--test-fraction", str(0.2)],
    wait=True,
    logs=False,
)
"""

TRAIN = """
estimator = SKLearn(entry_point="train.py", framework_version="1.2-1", instance_type="ml.m5.xlarge", role=role)
outputs = {o.output_name: o.destination for o in prep.latest_job.outputs}
estimator.fit({"train": outputs["train"]})
"""

EVALUATE = """
evaluation = SKLearnProcessor(framework_version="1.2-1", role=role, instance_type="ml.m5.xlarge", instance_count=1)
evaluation.run(
    code="evaluate.py",
    inputs=[
        ProcessingInput(source=estimator.model_data, destination="/opt/ml/processing/model"),
        ProcessingInput(source=prep.latest_job.outputs[1].destination, destination="/opt/ml/processing/test"),
    ],
    outputs=[ProcessingOutput(source="/opt/ml/processing/evaluation", output_name="evaluation")],
)
"""

SCRIPTS = ("%%writefile preprocess.py\nprint('prep')\n", "%%writefile train.py\nprint('train')\n", "%%writefile evaluate.py\nprint('evaluate')\n")


def _import(tmp_path: Path, *cells: str, name: str = "churn.ipynb", dry_run: bool = True, out: str = "models") -> NotebookImport:
    return import_notebook(write_notebook(tmp_path / "nb" / name, *cells), tmp_path / out, dry_run=dry_run)


def test_processor_and_run_arguments_become_a_processing_step(tmp_path: Path) -> None:
    result = _import(tmp_path, SETUP, *SCRIPTS, PREP, TRAIN, dry_run=False)
    [item] = result.descriptors
    assert item.status == "valid", [i.format() for i in item.issues]
    [step] = item.draft.data["processing"]
    # Positional arguments get SKLearnProcessor's names (framework_version, role, instance_count,
    # instance_type); the role, session and job-name prefix are left out.
    assert step["processor"] == {"type": "SKLearnProcessor", "framework_version": "1.2-1", "instance_count": 1, "instance_type": "ml.m5.xlarge"}
    assert step["name"] == "preprocess" and step["when"] == "before_training"
    assert step["run"] == {
        "code": "churn/preprocess.py",  # written by the notebook, extracted beside the descriptor
        "inputs": [{"source": "s3://sagestack-examples-data/churn/raw", "destination": "/opt/ml/processing/input"}],
        # The default bucket's destination is left out: sagestack writes to its artifact bucket.
        "outputs": [{"source": "/opt/ml/processing/train", "output_name": "train"}, {"source": "/opt/ml/processing/test"}],
        "arguments": ["--test-fraction", "0.2"],
    }
    assert (tmp_path / "models" / "churn" / "preprocess.py").read_text() == "print('prep')\n"
    for left_out in ("processing[0].processor.base_job_name", "processing[0].processor.role", "processing[0].run.wait", "processing[0].run.logs", "processing[0].run.outputs[0].destination"):
        assert f"left out {left_out}" in item.text
    # The fit reads the step's output through the dict the notebook builds from latest_job.outputs.
    assert item.draft.data["fit"] == {"inputs": {"train": {"step": "preprocess", "output": "train"}}}
    assert list(item.draft.data)[:3] == ["name", "processing", "estimator"]


def test_runs_after_the_fit_read_the_trained_model_and_earlier_outputs(tmp_path: Path) -> None:
    result = _import(tmp_path, SETUP, *SCRIPTS, PREP, TRAIN, EVALUATE)
    [item] = result.descriptors
    assert item.status == "valid", [i.format() for i in item.issues]
    prep, evaluate = item.draft.data["processing"]
    assert (prep["name"], prep["when"]) == ("preprocess", "before_training")
    assert (evaluate["name"], evaluate["when"]) == ("evaluate", "after_training")
    assert [i["source"] for i in evaluate["run"]["inputs"]] == [{"step": "training", "output": "model"}, {"step": "preprocess", "output": "output-2"}]
    assert "when: after_training  # the run (cell 7, line 2) comes after the fit (cell 6, line 3)" in item.text


def test_a_destination_the_notebook_reads_again_is_a_reference(tmp_path: Path) -> None:
    cells = (
        SETUP,
        "%%writefile preprocess.py\nprint('prep')\n",
        "%%writefile train.py\nprint('train')\n",
        """
        from sagemaker.inputs import TrainingInput
        train_uri = "s3://my-data/churn/train/"
        prep = SKLearnProcessor(framework_version="1.2-1", role=role, instance_type="ml.m5.xlarge", instance_count=1)
        prep.run(code="preprocess.py", outputs=[ProcessingOutput(source="/opt/ml/processing/train", destination=train_uri)])
        estimator = SKLearn(entry_point="train.py", framework_version="1.2-1", instance_type="ml.m5.xlarge", role=role)
        estimator.fit({"train": TrainingInput("s3://my-data/churn/train", content_type="text/csv")})
        """,
    )
    [item] = _import(tmp_path, *cells).descriptors
    assert item.status == "valid", [i.format() for i in item.issues]
    # Kept where the notebook writes it (a bucket of its own), and read by the fit as the step's output.
    assert item.draft.data["processing"][0]["run"]["outputs"] == [{"source": "/opt/ml/processing/train", "destination": "s3://my-data/churn/train/"}]
    assert item.draft.data["fit"]["inputs"]["train"] == {"s3_data": {"step": "preprocess", "output": "output-1"}, "content_type": "text/csv"}


def test_an_unknown_destination_read_again_through_its_name_is_a_reference(tmp_path: Path) -> None:
    cells = (
        SETUP,
        *SCRIPTS,
        """
        from solution import config
        train_uri = f"s3://{config.bucket}/prep/train"
        prep = SKLearnProcessor(framework_version="1.2-1", role=role, instance_type="ml.m5.xlarge", instance_count=1)
        prep.run(code="preprocess.py", outputs=[ProcessingOutput(source="/opt/ml/processing/train", destination=train_uri)])
        estimator = SKLearn(entry_point="train.py", framework_version="1.2-1", instance_type="ml.m5.xlarge", role=role)
        estimator.fit({"train": train_uri, "other": f"s3://{config.bucket}/prep/train"})
        """,
    )
    [item] = _import(tmp_path, *cells).descriptors
    # The same name is the same place, known or not; the same expression written again is not.
    assert item.draft.data["fit"]["inputs"]["train"] == {"step": "preprocess", "output": "output-1"}
    assert [".".join(map(str, p.path)) for p in item.draft.placeholders] == ["fit.inputs.other"]
    assert "left out processing[0].run.outputs[0].destination" in item.text


def test_what_only_a_run_tells_is_a_marked_placeholder(tmp_path: Path) -> None:
    cells = (
        SETUP,
        *SCRIPTS,
        PREP,
        """
        description = prep.jobs[-1].describe()
        train_uri = f"s3://my-data/{description['ProcessingJobName']}/train"
        estimator = SKLearn(entry_point="train.py", framework_version="1.2-1", instance_type="ml.m5.xlarge", role=role)
        estimator.fit({"train": train_uri, "test": f"{prep.latest_job.outputs[1].destination}/test.csv"})
        local = SKLearnProcessor(framework_version="1.2-1", role=role, instance_type="ml.m5.xlarge", instance_count=1)
        local.run(code="evaluate.py", inputs=[ProcessingInput(source="data/holdout.csv", destination="/opt/ml/processing/holdout")])
        """,
    )
    [item] = _import(tmp_path, *cells).descriptors
    assert item.status == "placeholders", [i.format() for i in item.issues]
    found = {".".join(map(str, p.path)): (p.reason_class, p.where.text) for p in item.draft.placeholders}
    assert found == {
        "fit.inputs.train": ("job-output", "train_uri"),
        "fit.inputs.test": ("job-output", 'f"{prep.latest_job.outputs[1].destination}/test.csv"'),
        "processing.1.run.inputs.0.source": ("uploaded-data", '"data/holdout.csv"'),
    }
    assert item.draft.data["fit"]["inputs"]["train"] == PLACEHOLDER
    assert "train: <unresolved>  # unresolved: train_uri (cell 6, line 4)" in item.text
    assert {"job-output", "uploaded-data"} <= set(item.draft.reasons)


def test_the_outputs_a_job_description_lists_are_references(tmp_path: Path) -> None:
    cells = (
        SETUP,
        *SCRIPTS,
        PREP,
        """
        description = prep.jobs[-1].describe()
        for output in description["ProcessingOutputConfig"]["Outputs"]:
            if output["OutputName"] == "train":
                train_data = output["S3Output"]["S3Uri"]
            if output["OutputName"] == "output-2":
                test_data = output["S3Output"]["S3Uri"]
                break
        estimator = SKLearn(entry_point="train.py", framework_version="1.2-1", instance_type="ml.m5.xlarge", role=role)
        estimator.fit({"train": train_data, "test": test_data})
        """,
    )
    [item] = _import(tmp_path, *cells).descriptors
    assert item.status == "valid", [i.format() for i in item.issues]
    assert item.draft.data["fit"]["inputs"] == {"train": {"step": "preprocess", "output": "train"}, "test": {"step": "preprocess", "output": "output-2"}}


def test_a_loop_over_known_items_runs_item_by_item(tmp_path: Path) -> None:
    cells = (
        SETUP,
        *SCRIPTS,
        """
        from sagemaker.inputs import TrainingInput
        channels = {}
        for name in ["train", "validation"]:
            channels[name] = TrainingInput(f"{raw}/{name}", content_type="text/csv")
        for name, value in {"a": 1, "b": 2}.items():
            if value > 1:
                last = name
                break
        for item in [1, 2]:
            if item == unknown:
                continue
            maybe = item
        estimator = SKLearn(entry_point="train.py", framework_version="1.2-1", instance_type="ml.m5.xlarge", role=role, hyperparameters={"last": last})
        estimator.fit(channels)
        """,
    )
    [item] = _import(tmp_path, *cells).descriptors
    assert item.status == "valid", [i.format() for i in item.issues]
    assert item.draft.data["fit"]["inputs"] == {name: {"s3_data": f"s3://sagestack-examples-data/churn/raw/{name}", "content_type": "text/csv"} for name in ("train", "validation")}
    assert item.draft.data["estimator"]["hyperparameters"] == {"last": "b"}


def test_framework_script_and_plain_processors(tmp_path: Path) -> None:
    (tmp_path / "nb" / "code").mkdir(parents=True)
    (tmp_path / "nb" / "code" / "prep.py").write_text("print('prep')\n")
    cells = (
        """
        import sagemaker
        from sagemaker import image_uris
        from sagemaker.network import NetworkConfig
        from sagemaker.processing import FrameworkProcessor, Processor, ProcessingInput, ProcessingOutput, ScriptProcessor
        from sagemaker.tensorflow.processing import TensorFlowProcessor
        role = sagemaker.get_execution_role()
        """,
        """
        fw = FrameworkProcessor(estimator_cls=sagemaker.sklearn.estimator.SKLearn, framework_version="1.2-1", role=role, instance_count=1, instance_type="ml.m5.xlarge")
        fw.run(code="prep.py", source_dir="code", job_name="sklearn-prep", outputs=[ProcessingOutput(source="/opt/ml/processing/out", output_name="prepared")])
        tf = TensorFlowProcessor("2.11", role, 1, "ml.m5.xlarge", "py39")
        tf.run("prep.py", "code", inputs=[ProcessingInput(source=fw.latest_job.outputs[0].destination, destination="/opt/ml/processing/in")])
        image = image_uris.retrieve("sklearn", "us-east-1", "1.2-1")
        script = ScriptProcessor(role, image, ["python3"], 1, "ml.m5.xlarge", network_config=NetworkConfig(True))
        script.run("s3://my-code/prep.py")
        plain = Processor(role=role, image_uri="123456789012.dkr.ecr.us-east-1.amazonaws.com/prep:1", instance_count=1, instance_type="ml.m5.xlarge", entrypoint=["python3", "/opt/prep.py"])
        plain.run(arguments=["--all"])
        """,
    )
    result = _import(tmp_path, *cells, name="prep.ipynb", out="nb")  # beside the notebook: source_dir stays code
    [item] = result.descriptors  # nothing is trained: one descriptor with the processing steps alone
    assert item.status == "valid", [i.format() for i in item.issues]
    assert set(item.draft.data) == {"name", "processing"}
    fw, tf, script, plain = item.draft.data["processing"]
    # The step is named after the run's job_name (a name the notebook chose), else its code, else the processor.
    assert [s["name"] for s in (fw, tf, script, plain)] == ["sklearn-prep", "prep", "prep-2", "plain"]
    assert {s["when"] for s in (fw, tf, script, plain)} == {"before_training"}
    assert fw["processor"]["estimator_cls"] == "SKLearn" and fw["run"]["source_dir"] == "code" and fw["run"]["code"] == "prep.py"
    # A FrameworkProcessor subclass the descriptor has no type for is FrameworkProcessor with its estimator class.
    assert tf["processor"] == {"type": "FrameworkProcessor", "estimator_cls": "TensorFlow", "framework_version": "2.11", "instance_count": 1, "instance_type": "ml.m5.xlarge", "py_version": "py39"}
    assert tf["run"]["inputs"][0]["source"] == {"step": "sklearn-prep", "output": "prepared"}
    assert script["processor"]["image_uri"] == {"framework": "sklearn", "version": "1.2-1"}
    assert script["processor"]["network_config"] == {"enable_network_isolation": True}
    assert script["processor"]["command"] == ["python3"] and script["run"] == {"code": "s3://my-code/prep.py"}
    assert plain["processor"]["entrypoint"] == ["python3", "/opt/prep.py"] and plain["run"] == {"arguments": ["--all"]}
    assert "left out processing[0].run.job_name" in item.text


def test_runs_connected_to_no_training_of_several_get_a_descriptor_of_their_own(tmp_path: Path) -> None:
    cells = (
        SETUP,
        *SCRIPTS,
        PREP,
        """
        first = SKLearn(entry_point="train.py", framework_version="1.2-1", instance_type="ml.m5.xlarge", role=role)
        first.fit({"train": raw})
        second = SKLearn(entry_point="train.py", framework_version="1.2-1", instance_type="ml.m5.large", role=role)
        second.fit({"train": raw})
        """,
    )
    result = _import(tmp_path, *cells)
    assert [d.draft.name for d in result.descriptors] == ["churn-prep", "churn-first", "churn-second"]
    assert [sorted(d.draft.data) for d in result.descriptors] == [["name", "processing"], ["estimator", "fit", "name"], ["estimator", "fit", "name"]]
    assert all(d.status == "valid" for d in result.descriptors), [i.format() for d in result.descriptors for i in d.issues]


def test_uncovered_processors_register_and_endpoint_updates_are_said_where_they_are(tmp_path: Path) -> None:
    cells = (
        SETUP,
        *SCRIPTS,
        """
        from sagemaker.spark.processing import PySparkProcessor
        from sagemaker.model_monitor import DataCaptureConfig
        spark = PySparkProcessor(base_job_name="spark", framework_version="3.1", role=role, instance_count=2, instance_type="ml.m5.xlarge")
        spark.run(submit_app="preprocess.py")
        estimator = SKLearn(entry_point="train.py", framework_version="1.2-1", instance_type="ml.m5.xlarge", role=role)
        estimator.fit({"train": raw})
        estimator.register(content_types=["text/csv"], response_types=["text/csv"], model_package_group_name="churn")
        predictor = estimator.deploy(initial_instance_count=1, instance_type="ml.m5.large")
        predictor.update_data_capture_config(data_capture_config=DataCaptureConfig(enable_capture=True, sampling_percentage=50))
        from sagemaker.serializers import CSVSerializer
        predictor.serializer = CSVSerializer()
        idle = SKLearnProcessor(framework_version="1.2-1", role=role, instance_type="ml.m5.xlarge", instance_count=1)
        """,
    )
    nb = write_notebook(tmp_path / "nb" / "churn.ipynb", *cells)
    result = import_notebook(nb, tmp_path / "models", dry_run=True)
    [item] = result.descriptors
    assert "processing" not in item.draft.data
    assert [(u.reason_class, u.where.cell, u.where.line) for u in result.uncovered] == [("processing", 5, 3), ("processing", 5, 4), ("processing", 5, 12)]
    assert item.draft.data["register"] == {"content_types": ["text/csv"], "response_types": ["text/csv"], "model_package_group_name": "churn"}
    assert "cell 5, line 9: not imported: predictor.update_data_capture_config(...) changes the endpoint after deploy (give deploy.data_capture_config instead)" in result.notes
    assert "cell 5, line 11: not imported: predictor.serializer = ... (client-side)" in result.notes
    assert "cell 5, line 12: idle = SKLearnProcessor(...) is never run" in [f"cell {u.where.cell}, line {u.where.line}: {u.what}" for u in result.uncovered]
    cli = runner.invoke(app, ["import", str(nb), "--out", str(tmp_path / "models"), "--dry-run"])
    assert "estimator.register(...)" not in cli.stderr  # imported as register:
    assert "not imported: cell 5, line 3: PySparkProcessor(...)" in cli.stderr
    assert "predictor.update_data_capture_config(...) changes the endpoint after deploy" in cli.stderr


def test_an_asynchronous_endpoint_imports_its_config(tmp_path: Path) -> None:
    cells = (
        """
        import sagemaker
        from sagemaker.async_inference import AsyncInferenceConfig
        from sagemaker.xgboost import XGBoostModel
        bucket = sagemaker.Session().default_bucket()
        model = XGBoostModel(model_data="s3://my-models/xgb/model.tar.gz", framework_version="1.7-1", role=sagemaker.get_execution_role(), entry_point="inference.py")
        config = AsyncInferenceConfig(
            f"s3://{bucket}/async/out",
            4,
            notification_config={"SuccessTopic": "arn:aws:sns:us-east-1:123456789012:done", "ErrorTopic": "arn:aws:sns:us-east-1:123456789012:failed"},
            failure_path="s3://my-models/async/failed",
        )
        predictor = model.deploy(initial_instance_count=1, instance_type="ml.m5.xlarge", async_inference_config=config)
        """,
        "%%writefile inference.py\nprint('serve')\n",
    )
    [item] = _import(tmp_path, *cells, name="async.ipynb").descriptors
    assert item.status == "valid", [i.format() for i in item.issues]
    assert item.draft.data["deploy"]["async_inference_config"] == {
        "max_concurrent_invocations_per_instance": 4,
        "notification_config": {"SuccessTopic": "arn:aws:sns:us-east-1:123456789012:done", "ErrorTopic": "arn:aws:sns:us-east-1:123456789012:failed"},
        "failure_path": "s3://my-models/async/failed",
    }
    assert "left out deploy.async_inference_config.output_path: sagestack writes them to its artifact bucket" in item.text


def test_an_evaluation_after_tuning_reads_the_best_training_job(tmp_path: Path) -> None:
    cells = (
        SETUP,
        *SCRIPTS,
        PREP,
        """
        from sagemaker.tuner import HyperparameterTuner, IntegerParameter
        estimator = SKLearn(entry_point="train.py", framework_version="1.2-1", instance_type="ml.m5.xlarge", role=role)
        tuner = HyperparameterTuner(estimator, "auc", {"depth": IntegerParameter(2, 8)}, [{"Name": "auc", "Regex": "auc=([0-9.]+)"}], max_jobs=4, max_parallel_jobs=2)
        tuner.fit({"train": prep.latest_job.outputs[0].destination})
        evaluation = SKLearnProcessor(framework_version="1.2-1", role=role, instance_type="ml.m5.xlarge", instance_count=1)
        evaluation.run(code="evaluate.py", inputs=[ProcessingInput(tuner.best_estimator().model_data, "/opt/ml/processing/model")])
        """,
    )
    [item] = _import(tmp_path, *cells).descriptors
    assert item.status == "valid", [i.format() for i in item.issues]
    assert "tuner" in item.draft.data and item.draft.data["fit"] == {"inputs": {"train": {"step": "preprocess", "output": "train"}}}
    prep, evaluate = item.draft.data["processing"]
    assert (prep["when"], evaluate["when"]) == ("before_training", "after_training")
    assert evaluate["run"]["inputs"][0]["source"] == {"step": "training", "output": "model"}
