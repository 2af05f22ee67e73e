"""CloudFormation custom resource: repack model.tar.gz with inference code under code/.

What the SageMaker Python SDK's ``repack_model`` does in a notebook, done at deploy time:
download the model archive and the code archive, replace ``code/`` in the model with the code,
upload the result under a key derived from both inputs (so a new model_data gives a new object,
and the SageMaker model that reads it is replaced). Deterministic output (sorted members, mtime
0, no gzip timestamp). Delete removes the derived object.

Properties: ModelData (s3://...), CodeBucket, CodeKey, TargetBucket, TargetPrefix.
Returns: ModelDataUrl (s3://TargetBucket/TargetPrefix/<hash>/model.tar.gz).

Invoked directly (a pipeline's "Repack model" step, after training) with the same properties as
the event itself — no RequestType — it repacks and returns ``{"ModelDataUrl": ...}``; errors raise
(the state machine catches them and names the step).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import tarfile
import tempfile
from typing import Any

import boto3
from cfn_response import send  # this directory is the asset's root

s3 = boto3.client("s3")


def _split(uri: str) -> tuple[str, str]:
    if not uri.startswith("s3://"):
        raise ValueError(f"not an S3 URI: {uri}")
    bucket, _, key = uri[5:].partition("/")
    return bucket, key


def target_key(props: dict[str, Any]) -> str:
    digest = hashlib.sha256(json.dumps([props["ModelData"], props["CodeBucket"], props["CodeKey"]]).encode()).hexdigest()[:32]
    return f"{props['TargetPrefix'].strip('/')}/{digest}/model.tar.gz"


def repack(props: dict[str, Any], workdir: str) -> str:
    model_bucket, model_key = _split(props["ModelData"])
    model_tar = os.path.join(workdir, "model.tar.gz")
    code_tar = os.path.join(workdir, "code.tar.gz")
    s3.download_file(model_bucket, model_key, model_tar)
    s3.download_file(props["CodeBucket"], props["CodeKey"], code_tar)
    out_raw = os.path.join(workdir, "out.tar")
    with tarfile.open(out_raw, "w", format=tarfile.PAX_FORMAT) as out:
        entries: list[tuple[str, tarfile.TarInfo, Any]] = []
        with tarfile.open(model_tar, "r:*") as model:
            for member in model.getmembers():
                name = member.name.lstrip("./")
                if name == "code" or name.startswith("code/") or not name:
                    continue  # the SDK replaces an existing code/ directory
                entries.append((name, member, model))
            with tarfile.open(code_tar, "r:*") as code:
                for member in code.getmembers():
                    entries.append(("code/" + member.name.lstrip("./"), member, code))
                names = {name for name, _, _ in entries}
                if "code" not in names:
                    entries.append(("code", tarfile.TarInfo("code"), None))
                for name, member, source in sorted(entries, key=lambda e: e[0]):
                    info = tarfile.TarInfo(name)
                    info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "", ""
                    if source is None or member.isdir():
                        info.type, info.mode = tarfile.DIRTYPE, 0o755
                        out.addfile(info)
                    elif member.isfile():
                        info.size, info.mode = member.size, (0o755 if member.mode & 0o100 else 0o644)
                        out.addfile(info, source.extractfile(member))
    out_gz = os.path.join(workdir, "repacked.tar.gz")
    with open(out_raw, "rb") as raw, open(out_gz, "wb") as target, gzip.GzipFile(filename="", mode="wb", fileobj=target, mtime=0) as gz:
        shutil.copyfileobj(raw, gz)
    key = target_key(props)
    s3.upload_file(out_gz, props["TargetBucket"], key)
    return f"s3://{props['TargetBucket']}/{key}"


def handler(event: dict[str, Any], context: Any) -> dict[str, str] | None:
    if "RequestType" not in event:  # direct invocation from a pipeline run
        with tempfile.TemporaryDirectory() as workdir:
            return {"ModelDataUrl": repack(event, workdir)}
    physical_id = event.get("PhysicalResourceId", "repack-not-created")
    try:
        props = event["ResourceProperties"]
        if event["RequestType"] == "Delete":
            if physical_id.startswith("s3://"):
                bucket, key = _split(physical_id)
                s3.delete_object(Bucket=bucket, Key=key)
            send(event, "SUCCESS", physical_id, {})
            return
        with tempfile.TemporaryDirectory() as workdir:
            uri = repack(props, workdir)
        send(event, "SUCCESS", uri, {"ModelDataUrl": uri})
    except Exception as exc:  # noqa: BLE001 - every failure must reach CloudFormation
        print(f"repack failed: {exc!r}")
        send(event, "FAILED", physical_id, {}, reason=f"repack failed: {exc}"[:1000])
    return None
