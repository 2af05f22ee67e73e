"""MultiDataModel imported with its served model nested (or its image_uri), and data the notebook
uploads resolved to the S3 URI the upload returns, with a header line saying it must be there."""

from __future__ import annotations

from pathlib import Path

import yaml

from sagestack.importer import DEFAULT_BUCKET, import_notebook

from .helpers import write_notebook

MME_SETUP = """
import sagemaker
from sagemaker.multidatamodel import MultiDataModel
from sagemaker.sklearn import SKLearnModel
role = sagemaker.get_execution_role()
prefix = "s3://sagestack-examples-models/store-forecasts/"
"""
PREFIX = "s3://sagestack-examples-models/store-forecasts/"


def test_a_multi_data_model_nests_the_model_whose_container_serves_the_archives(tmp_path: Path) -> None:
    (tmp_path / "cdk.json").write_text("{}")  # the repository root: local paths stay inside it
    (tmp_path / "serve").mkdir()
    (tmp_path / "serve" / "inference.py").write_text("def model_fn(d):\n    return d\n")
    model = 'sk = SKLearnModel(None, role, "inference.py", source_dir="serve", framework_version="1.2-1")'
    mme = 'mme = MultiDataModel("stores", prefix, model=sk, sagemaker_session=None)\npredictor = mme.deploy(initial_instance_count=2, instance_type="ml.c5.2xlarge")'
    nb = write_notebook(tmp_path / "nb" / "stores.ipynb", MME_SETUP, model, mme)
    (tmp_path / "nb" / "serve").symlink_to(tmp_path / "serve", target_is_directory=True)
    out = tmp_path / "models"
    [item] = import_notebook(nb, out).descriptors
    assert item.status == "valid", [i.format() for i in item.issues]
    data = yaml.safe_load(item.path.read_text())
    assert data["model"] == {
        "type": "MultiDataModel",
        "model_data_prefix": PREFIX,
        # entry_point stays relative to source_dir; source_dir is rewritten relative to the output directory.
        "model": {"type": "SKLearnModel", "entry_point": "inference.py", "source_dir": "../nb/serve", "framework_version": "1.2-1"},
    }
    text = item.path.read_text()
    assert "model:  # SKLearnModel(...), cell 2" in text
    for left_out in ("model.name", "model.model.model_data", "model.model.role", "model.sagemaker_session"):
        assert f"left out {left_out}" in text
    # The served model is not a descriptor of its own: it is deployed only inside the MultiDataModel.
    assert [d.path.name for d in import_notebook(nb, tmp_path / "again", dry_run=True).descriptors] == ["stores.yaml"]


def test_a_multi_data_model_with_an_image_uri(tmp_path: Path) -> None:
    cells = (
        MME_SETUP,
        'from sagemaker import image_uris\nmme = MultiDataModel("stores", prefix, image_uri=image_uris.retrieve("sklearn", "us-east-1", "1.2-1"), role=role)',
        'mme.deploy(1, "ml.c5.xlarge")',
        'other = MultiDataModel(name="x", model_data_prefix=prefix, image_uri="123456789012.dkr.ecr.us-east-1.amazonaws.com/mme:1")\nother.deploy(1, "ml.c5.xlarge")',
    )
    first, second = import_notebook(write_notebook(tmp_path / "mme.ipynb", *cells), tmp_path / "models").descriptors
    assert [first.status, second.status] == ["valid", "valid"], [i.format() for d in (first, second) for i in d.issues]
    assert yaml.safe_load(first.path.read_text())["model"] == {"type": "MultiDataModel", "model_data_prefix": PREFIX, "image_uri": {"framework": "sklearn", "version": "1.2-1"}}
    assert yaml.safe_load(second.path.read_text())["model"]["image_uri"] == "123456789012.dkr.ecr.us-east-1.amazonaws.com/mme:1"


UPLOAD = """
import sagemaker
from sagemaker.pytorch import PyTorch
sess = sagemaker.Session()
{bucket_line}
train = sess.upload_data("data/train.csv", bucket=bucket, key_prefix="churn/train")
estimator = PyTorch(entry_point="train.py", role="arn:aws:iam::123456789012:role/x", framework_version="2.1", py_version="py310", instance_count=1, instance_type="ml.m5.xlarge")
estimator.fit({{"train": train, "test": "s3://sagestack-examples-data/churn/test"}})
"""


def test_uploaded_data_resolves_and_the_header_says_to_upload_it_first(tmp_path: Path) -> None:
    nb = write_notebook(tmp_path / "churn.ipynb", "%%writefile train.py\nprint('train')\n", UPLOAD.format(bucket_line='bucket = "sagestack-examples-data"'))
    [item] = import_notebook(nb, tmp_path / "models").descriptors
    assert item.status == "valid", [i.format() for i in item.issues]
    data = yaml.safe_load(item.path.read_text())
    assert data["fit"]["inputs"] == {"train": "s3://sagestack-examples-data/churn/train/train.csv", "test": "s3://sagestack-examples-data/churn/test"}
    header = [line for line in item.path.read_text().splitlines() if line.startswith("#")]
    at = header.index("# Data the notebook uploads: upload it to these S3 URIs before the first run (sagestack does not upload data).")
    assert header[at + 1].startswith("#   - s3://sagestack-examples-data/churn/train/train.csv: the notebook uploads data/train.csv there (read as a file")
    assert "cell 2, line 5" in header[at + 1]
    assert not any(line.startswith("#   - s3://") and "churn/test" in line for line in header)  # data the notebook does not upload is not listed


def test_an_upload_to_the_default_bucket_is_a_marked_placeholder(tmp_path: Path) -> None:
    nb = write_notebook(tmp_path / "churn.ipynb", "%%writefile train.py\nprint('train')\n", UPLOAD.format(bucket_line="bucket = sess.default_bucket()"))
    [item] = import_notebook(nb, tmp_path / "models").descriptors
    assert item.status == "placeholders"
    data = yaml.safe_load(item.path.read_text())
    assert data["fit"]["inputs"]["train"] == f"s3://{DEFAULT_BUCKET}/churn/train/train.csv"
    [placeholder] = item.draft.placeholders
    assert placeholder.reason_class == "default-bucket" and placeholder.where.cell == 2 and placeholder.where.line == 5
    assert f"s3://{DEFAULT_BUCKET}/churn/train/train.csv: the notebook uploads data/train.csv there" in item.path.read_text()
