"""The S3 URI the importer gives an upload is the one SDK 2.257.7 returns for it: the same calls,
read statically by the importer and run by the real SDK against moto (files and directories
beside the notebook, explicit and default buckets, prefixes with stray slashes, S3Uploader)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from sagestack.importer.values import BUCKET, Notebook

CALLS = [
    "sess.upload_data('data/train.csv', bucket='my-data', key_prefix='churn/train')",
    "sess.upload_data(path='data', bucket='my-data', key_prefix='churn')",
    "sess.upload_data('data/train.csv', 'my-data')",
    "sess.upload_data('data/train.csv', bucket='my-data', key_prefix='churn/')",
    "sess.upload_data('data', key_prefix='/churn//raw/')",
    "sess.upload_data('data/train.csv', bucket=bucket, key_prefix='churn')",
    "sess.upload_data('data/train.csv')",
    "S3Uploader.upload('data/train.csv', 's3://my-data/churn/train', sagemaker_session=sess)",
    "S3Uploader.upload('data', f's3://{bucket}/churn/', sagemaker_session=sess)",
]


@pytest.mark.sdk
def test_uploads_resolve_as_the_sdk_returns_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.fidelity.recorder import BUCKET as SDK_BUCKET
    from tests.fidelity.recorder import recording

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "train.csv").write_text("1,2\n")
    monkeypatch.chdir(tmp_path)  # the SDK looks at the local path from the working directory
    setup = "import sagemaker\nfrom sagemaker.s3 import S3Uploader\nsess = sagemaker.Session()\nbucket = sess.default_bucket()\n"
    notebook = Notebook(base_dir=tmp_path)
    text = setup + "\n".join(f"v{n} = {call}" for n, call in enumerate(CALLS))
    notebook.run_cell(1, text, ast.parse(text))
    ours = [str(notebook.env[f"v{n}"]).replace(BUCKET, SDK_BUCKET) for n in range(len(CALLS))]

    with recording() as (_calls, session):
        from sagemaker.s3 import S3Uploader

        session.boto_session.client("s3").create_bucket(Bucket="my-data")
        namespace = {"sess": session, "bucket": session.default_bucket(), "S3Uploader": S3Uploader}
        theirs = [eval(call, namespace) for call in CALLS]  # the SDK calls above, against moto
    assert ours == theirs
