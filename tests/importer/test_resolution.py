"""Static resolution: what the importer knows from a notebook without running it, and the place
(cell, line, text) of everything it does not."""

from __future__ import annotations

import ast
import warnings
from pathlib import Path

import pytest

from sagestack.descriptor.kinds import KINDS
from sagestack.importer.source import read_source
from sagestack.importer.values import BUCKET, REGION, ROLE, Notebook, SdkObject, Unresolved, sdk_role

from .helpers import run, write_notebook


def test_literals_and_names_assigned_earlier_latest_wins() -> None:
    nb = run("a = 3\nb = 'x'", "a = 4\nc = [a, b, None, True, 1.5]\nd = {'k': a, 'n': {'m': b}}")
    assert nb.env["a"] == 4
    assert nb.env["c"] == [4, "x", None, True, 1.5]
    assert nb.env["d"] == {"k": 4, "n": {"m": "x"}}


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("prefix = 'p'\nv = f's3://data/{prefix}/train'", "s3://data/p/train"),
        ("prefix = 'p'\nv = 's3://{}/{}'.format('data', prefix)", "s3://data/p"),
        ("prefix = 'p'\nv = 's3://{b}/{p}'.format(b='data', p=prefix)", "s3://data/p"),
        ("v = 's3://%s/%s' % ('data', 'q')", "s3://data/q"),
        ("root = 's3://data'\nv = root + '/' + 'x'", "s3://data/x"),
        ("import os\nv = os.path.join('s3://data', 'a', 'b')", "s3://data/a/b"),
        ("from sagemaker.s3 import s3_path_join\nv = s3_path_join('s3://', 'data', '/a/', 'b')", "s3://data/a/b"),
        ("v = 3 * 3600", 10800),
        ("v = str(5)", "5"),
        ("v = dict(epochs=5, lr=0.1)", {"epochs": 5, "lr": 0.1}),
        ("base = {'a': 1}\nv = dict(**base, b=2)", {"a": 1, "b": 2}),
        ("n = 2\nv = f'{n:03d}'", "002"),
        ("v = 1\nv += 2", 3),
        ("a, b = 1, 'two'\nv = (a, b)", (1, "two")),
        ("hp = {'a': 1}\nhp['b'] = 2\nv = hp", {"a": 1, "b": 2}),
        # Conditions the notebook's own values decide: only the branch taken runs.
        ("b = None\nif b is None:\n    b = 'my-data'\nv = b", "my-data"),
        ("import sagemaker\nsess = sagemaker.Session()\nb = None\nif b is None and sess is not None:\n    b = 'x'\nelse:\n    b = 'y'\nv = b", "x"),
        ("gpu = False\nv = 'ml.p3.2xlarge' if gpu else 'ml.m5.xlarge'", "ml.m5.xlarge"),
        ("given = ''\nv = given or 'default'", "default"),
        ("v = 1 < 2 <= 2 and 'a' in ['a'] and not []", True),
        ("v = {k: k.upper() for k in ['a', 'b'] if k != 'b'}", {"a": "A"}),
        ("v = [f's3://d/{c}' for c in ('train', 'test')]", ["s3://d/train", "s3://d/test"]),
        ("v = []\nfor c in ['train', 'test']:\n    v = v + [c]", ["train", "test"]),
    ],
)
def test_expressions_that_resolve(code: str, expected: object) -> None:
    assert run(code).env["v"] == expected


def test_session_bucket_and_role_are_markers() -> None:
    nb = run(
        """
        import boto3
        import sagemaker
        from sagemaker import get_execution_role
        sess = sagemaker.Session()
        bucket = sess.default_bucket()
        region = boto3.Session().region_name
        role = get_execution_role()
        role2 = sagemaker.get_execution_role()
        data = f"s3://{bucket}/prefix/train"
        """
    )
    assert nb.env["data"] == f"s3://{BUCKET}/prefix/train"
    assert nb.env["region"] is REGION
    assert nb.env["role"] is ROLE and nb.env["role2"] is ROLE


def test_dict_call_items_resolve_one_by_one_and_spread_into_a_call() -> None:
    nb = run(
        """
        import sagemaker
        from sagemaker.tensorflow import TensorFlow
        args = dict(entry_point="vit.py", instance_count=1, role=sagemaker.get_execution_role(), max_run=60 * 20, hyperparameters=compute())
        est = TensorFlow(framework_version="2.11", **args)
        """
    )
    args = nb.env["args"]
    assert args["entry_point"] == "vit.py" and args["max_run"] == 1200 and args["role"] is ROLE
    assert isinstance(args["hyperparameters"], Unresolved) and args["hyperparameters"].where.text == "compute()"
    est = nb.env["est"]
    assert isinstance(est, SdkObject) and [k for k, _v, _w in est.args] == ["framework_version", "entry_point", "instance_count", "role", "max_run", "hyperparameters"]


def test_what_does_not_resolve_keeps_its_text_cell_and_line() -> None:
    nb = run("x = 1", "import time\n\nname = 'job-' + time.strftime('%Y')\nitems = {'a': 1, 'b': compute()}")
    name = nb.env["name"]
    assert isinstance(name, Unresolved)
    assert (name.where.cell, name.where.line) == (2, 3)
    assert name.where.text == "'job-' + time.strftime('%Y')"
    # Containers resolve item by item: only the unknown item is a placeholder.
    items = nb.env["items"]
    assert items["a"] == 1 and isinstance(items["b"], Unresolved) and items["b"].where.text == "compute()"


def test_names_assigned_in_branches_or_loops_are_not_guessed() -> None:
    nb = run("if fast:\n    size = 'ml.m5.large'\nelse:\n    size = 'ml.p3.2xlarge'", "for i in range(3):\n    n = i")
    assert isinstance(nb.env["size"], Unresolved) and "branch or loop" in nb.env["size"].reason
    assert isinstance(nb.env["n"], Unresolved) and isinstance(nb.env["i"], Unresolved)
    # A loop over known items runs item by item, until a break or continue in a branch it cannot decide.
    nb = run("for item in [1, 2, 3]:\n    if item == 2:\n        break\n    before = item", "for item in [1, 2, 3]:\n    if item == unknown:\n        break\n    later = item")
    assert nb.env["before"] == 1 and isinstance(nb.env["later"], Unresolved) and isinstance(nb.env["item"], Unresolved)
    # A loop that makes jobs (a sweep) stays one conditional pass: one estimator, noted, not one per item.
    nb = run("from sagemaker.xgboost import XGBoost\nfor depth in [3, 5]:\n    est = XGBoost(entry_point='t.py', framework_version='1.7-1', hyperparameters={'max_depth': depth})\n    est.fit('s3://d/train')")
    [est] = [o for o in nb.objects if o.role == "estimator"]
    assert ("created in a branch or loop", est.where) in est.extra_calls and isinstance(nb.env["depth"], Unresolved)
    # A comprehension's own names are not seen after it.
    nb = run("c = 'kept'\nv = [c for c in ['a']]")
    assert nb.env["c"] == "kept"


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        # A file is its key under the prefix, a directory the prefix itself (as upload_data returns).
        ("sess.upload_data('data/train.csv', bucket='my-data', key_prefix='churn/train')", "s3://my-data/churn/train/train.csv"),
        ("sess.upload_data(path='data', bucket='my-data', key_prefix='churn')", "s3://my-data/churn"),
        ("sess.upload_data('train.csv', 'my-data')", "s3://my-data/data/train.csv"),  # key_prefix defaults to data
        # An explicit bucket keeps the prefix as given; the default bucket's is joined as s3_path_join joins it.
        ("sess.upload_data('train.csv', bucket='my-data', key_prefix='churn/')", "s3://my-data/churn//train.csv"),
        ("sess.upload_data('train.csv', key_prefix='/churn//raw/')", f"s3://{BUCKET}/churn/raw/train.csv"),
        ("sess.upload_data('train.csv', bucket=bucket, key_prefix='churn')", f"s3://{BUCKET}/churn/train.csv"),
        ("sagemaker.Session().upload_data('data', key_prefix='p')", f"s3://{BUCKET}/p"),
        # S3Uploader.upload(local_path, desired_s3_uri) uploads under the URI's key.
        ("S3Uploader.upload('data/train.csv', 's3://my-data/churn/train')", "s3://my-data/churn/train/train.csv"),
        ("S3Uploader.upload(local_path='caltech-256', desired_s3_uri=f's3://{bucket}/caltech')", f"s3://{BUCKET}/caltech"),
    ],
)
def test_uploads_resolve_to_the_uri_the_sdk_returns(call: str, expected: str) -> None:
    nb = run(f"import sagemaker\nfrom sagemaker.s3 import S3Uploader\nsess = sagemaker.Session()\nbucket = sess.default_bucket()\nv = {call}")
    assert nb.env["v"] == expected
    [upload] = nb.uploads
    assert upload.uri == expected and upload.where.cell == 1 and upload.where.line == 5


def test_an_upload_tells_a_file_from_a_directory_by_what_is_beside_the_notebook(tmp_path: Path) -> None:
    (tmp_path / "dataset").mkdir()
    (tmp_path / "labels").write_text("1\n")
    nb = Notebook(base_dir=tmp_path, written=frozenset({"gen/train"}))
    text = "import sagemaker\nsess = sagemaker.Session()\na = sess.upload_data('dataset.v2', 'b', 'p')\nc = sess.upload_data('labels', 'b', 'p')\nd = sess.upload_data('gen/train', 'b', 'p')"
    (tmp_path / "dataset.v2").mkdir()
    nb.run_cell(1, text, ast.parse(text))
    assert (nb.env["a"], nb.env["c"], nb.env["d"]) == ("s3://b/p", "s3://b/p/labels", "s3://b/p/train")
    assert [u.how for u in nb.uploads] == ["a directory beside the notebook", "a file beside the notebook", "a file the notebook writes (%%writefile)"]


def test_an_upload_that_does_not_resolve_is_unresolved_with_its_reason_class() -> None:
    nb = run(
        "import sagemaker\nsess = sagemaker.Session()",
        "a = sess.upload_data(local_dir, key_prefix='p')\nb = sess.upload_data('x.csv', bucket='b', key_prefix=make_prefix())\nc = sess.upload_data(*paths)",
    )
    for name in ("a", "b", "c"):
        assert isinstance(nb.env[name], Unresolved) and nb.env[name].reason_class == "uploaded-data", name
    assert "its path is not known" in nb.env["a"].reason and "its key_prefix is not known" in nb.env["b"].reason
    assert nb.uploads == []


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.estimator_type or k.model_type or "?")
def test_every_class_of_the_registry_is_recognized_from_its_import(kind: object) -> None:
    for sdk in (kind.estimator_sdk, kind.model_sdk):  # type: ignore[attr-defined]
        if sdk is None:
            continue
        module, cls = sdk.rsplit(".", 1)
        nb = run(f"from {module} import {cls} as C\nx = C()")
        obj = nb.env["x"]
        assert isinstance(obj, SdkObject) and obj.kind is kind, sdk


def test_sdk_classes_through_module_aliases_and_other_modules() -> None:
    nb = run("import sagemaker.tensorflow as tf\nfrom sagemaker.amazon.kmeans import KMeans\na = tf.TensorFlow()\nb = KMeans()")
    assert nb.env["a"].kind.estimator_type == "TensorFlow"
    assert nb.env["b"].kind.estimator_type == "KMeans"


def test_a_class_of_the_same_name_from_elsewhere_is_not_the_sdk() -> None:
    nb = run("from keras import Model\nm = Model()\nfrom sklearn.decomposition import PCA\np = PCA()")
    assert isinstance(nb.env["m"], Unresolved) and isinstance(nb.env["p"], Unresolved)


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("sagemaker.tuner.HyperparameterTuner", "tuner"),
        ("sagemaker.processing.ScriptProcessor", "processor"),
        ("sagemaker.processing.ProcessingInput", "processing_input"),
        ("sagemaker.processing.ProcessingOutput", "processing_output"),
        ("sagemaker.network.NetworkConfig", "network_config"),
        ("sagemaker.async_inference.AsyncInferenceConfig", "async"),
        ("sagemaker.image_uris.retrieve", "retrieve"),
        ("sagemaker.inputs.TrainingInput", "training_input"),
        ("sagemaker.session.s3_input", "training_input"),
        ("sagemaker.jumpstart.model.JumpStartModel", "uncovered"),
    ],
)
def test_helper_and_uncovered_classes(name: str, role: str) -> None:
    assert sdk_role(name)[0] == role


def test_ipython_syntax_keeps_line_numbers_and_cells(tmp_path: Path) -> None:
    path = write_notebook(
        tmp_path / "nb.ipynb",
        "%matplotlib inline\n!pip install x \\\n    y\nfiles = !ls\nv = 1",
        "%%bash\necho hi",
        "%%time\nw = 2",
        "%%writefile train.py\nprint('hi')",
        "def broken(:\n    pass",
        markdown_first=True,
    )
    source = read_source(path)
    assert [c.number for c in source.cells] == [2, 4]  # the markdown cell counts, %%bash and the broken cell do not parse
    assert source.written_files() == {"train.py": ("print('hi')\n", 5)}
    assert any("%%bash" in note for note in source.skipped) and any("cell 6" in note for note in source.skipped)
    nb = Notebook()
    for cell in source.cells:
        nb.run_cell(cell.number, cell.text, cell.tree)
    assert nb.env["v"] == 1 and nb.env["w"] == 2 and nb.env["files"] is None


def test_positional_arguments_get_the_sdk_names_of_their_class(tmp_path: Path) -> None:
    from sagestack.importer import import_notebook

    nb = write_notebook(
        tmp_path / "nb.ipynb",
        "from sagemaker.huggingface import HuggingFaceModel\nfrom sagemaker.tensorflow import TensorFlowModel\n"
        "hf = HuggingFaceModel('MyRole', 's3://sagestack-examples-data/hf.tar.gz', transformers_version='4.37.0', pytorch_version='2.1.0', py_version='py310')\n"
        "hf.deploy(1, 'ml.m5.xlarge')\n"
        "tf = TensorFlowModel('s3://sagestack-examples-data/tf.tar.gz', 'MyRole', framework_version='2.11')\n"
        "tf.deploy(1, 'ml.m5.xlarge')",
    )
    hf, tf = (item.draft.data for item in import_notebook(nb, tmp_path / "m", dry_run=True).descriptors)
    assert (hf["model"]["role"], hf["model"]["model_data"]) == ("MyRole", "s3://sagestack-examples-data/hf.tar.gz")
    assert (tf["model"]["model_data"], tf["model"]["role"]) == ("s3://sagestack-examples-data/tf.tar.gz", "MyRole")
    assert hf["deploy"] == {"initial_instance_count": 1, "instance_type": "ml.m5.xlarge"}


def test_a_cell_with_an_invalid_escape_reads_without_a_warning(tmp_path: Path) -> None:
    nb = write_notebook(tmp_path / "nb.ipynb", 'metrics = [{"Name": "loss", "Regex": "loss: ([0-9]+(.|e\\-)[0-9]+)"}]')
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        [cell] = read_source(nb).cells
    assert "e\\-" in cell.text
