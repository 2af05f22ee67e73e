"""The SageMaker Python SDK as an oracle for the facts validation takes from it.

Validation reads the SDK's image JSON directly (no `import sagemaker`); here the real
`sagemaker.image_uris.retrieve` decides, for a grid of framework/version/Python/instance/scope
combinations, whether an image exists, and our reading must agree. Constants copied from SDK code
(which cannot be read without importing it) are compared with the SDK's own.
"""

from __future__ import annotations

import functools
import os
import warnings

import pytest

from sagestack.descriptor import rules
from sagestack.descriptor.images import image_config, processor_for

os.environ.setdefault("SAGEMAKER_SUPPRESS_V2_WARNING", "1")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")  # fake, test process only
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from sagemaker import fw_utils, image_uris
    from sagemaker import utils as sdk_utils

# The SDK re-reads its JSON and botocore's endpoints on every retrieve(); cache its own loaders so the grid runs in seconds
# (same data, same code path).
image_uris.config_for_framework = functools.lru_cache(maxsize=None)(image_uris.config_for_framework)
sdk_utils._botocore_resolver = functools.lru_cache(maxsize=None)(sdk_utils._botocore_resolver)  # reads endpoints.json per call

INSTANCES = {"training": ["ml.m5.large", "ml.p3.2xlarge", "ml.trn1.2xlarge"], "inference": ["ml.c5.xlarge", "ml.g4dn.xlarge", "ml.inf1.xlarge"], "eia": ["ml.c5.xlarge"]}
PY_VERSIONS = ["py2", "py3", "py37", "py38", "py39", "py310", "py312", "py27"]


def _ours(framework: str, scope: str, version: str, py_version: str, instance_type: str) -> bool:
    config = image_config(framework, scope)
    if config is None or config.resolve(version) is None:
        return False
    py_versions = config.py_versions(version)
    if py_versions and py_version not in py_versions:
        return False
    return not config.processors or processor_for(instance_type) in config.processors


def _sdk(framework: str, scope: str, version: str, py_version: str, instance_type: str) -> bool:
    kwargs = {"accelerator_type": "ml.eia2.medium"} if scope == "eia" else {}
    try:
        image_uris.retrieve(framework, "us-east-1", version=version, py_version=py_version, instance_type=instance_type, image_scope="inference" if scope == "eia" else scope, **kwargs)
    except ValueError:
        return False
    return True


def _grid() -> list[tuple[str, str, str, str, str]]:
    cases = []
    for framework in ("tensorflow", "mxnet"):
        for scope in ("training", "inference", "eia"):
            config = image_config(framework, scope)
            assert config is not None
            versions = config.accepted_versions() + ["9.9", "2.15"]
            for index, version in enumerate(versions):
                # every version with every Python version on one instance type; instance types rotate
                instance = INSTANCES[scope][index % len(INSTANCES[scope])]
                for py_version in PY_VERSIONS:
                    cases.append((framework, scope, version, py_version, instance))
    return cases


GRID = _grid()


def test_grid_is_large_and_mixed() -> None:
    results = [_sdk(*case) for case in GRID[:200]]
    assert len(GRID) > 1000 and any(results) and not all(results)


@pytest.mark.parametrize("framework", ["tensorflow", "mxnet"])
def test_image_existence_matches_the_sdk(framework: str) -> None:
    mismatches = [case for case in GRID if case[0] == framework and _ours(*case) != _sdk(*case)]
    assert not mismatches, mismatches[:10]


def test_processor_matches_the_sdk() -> None:
    for instance_type in ["ml.m5.large", "ml.c5.18xlarge", "ml.p3.2xlarge", "ml.g4dn.xlarge", "ml.g5.48xlarge", "ml.p4d.24xlarge", "ml.inf1.xlarge", "ml.inf2.xlarge", "ml.trn1.2xlarge", "ml.t2.medium"]:
        expected = image_uris._processor(instance_type, ["cpu", "gpu", "inf", "trn"])
        assert processor_for(instance_type) == expected, instance_type


def test_constants_copied_from_sdk_code() -> None:
    assert set(rules.SMDATAPARALLEL_INSTANCE_TYPES) == set(fw_utils.SM_DATAPARALLEL_SUPPORTED_INSTANCE_TYPES) - {"local_gpu"}
    assert set(rules.SINGLE_GPU_INSTANCE_TYPES) == set(fw_utils.SINGLE_GPU_INSTANCE_TYPES)


def test_gpu_detection_matches_sdk() -> None:
    for instance_type in ["ml.m5.large", "ml.p3.2xlarge", "ml.g4dn.xlarge", "ml.inf1.xlarge", "ml.c5.xlarge"]:
        assert (processor_for(instance_type) == "gpu") == fw_utils._is_gpu_instance(instance_type), instance_type


# ---- the renderer's images, archive and copied constants against the SDK --------------------

from sagestack.render import image_uri  # noqa: E402
from sagestack.render import training as render_training  # noqa: E402
from sagestack.render.sourcedir import archive_members  # noqa: E402


def _retrieve(framework: str, scope: str, version: str, py_version: str, instance_type: str, region: str = "us-east-1", **extra: object) -> str | None:
    kwargs = {"accelerator_type": "ml.eia2.medium"} if scope == "eia" else {}
    try:
        return image_uris.retrieve(framework, region, version=version, py_version=py_version, instance_type=instance_type, image_scope="inference" if scope == "eia" else scope, **kwargs, **extra)
    except ValueError:
        return None


@pytest.mark.parametrize("framework", ["tensorflow", "mxnet"])
def test_image_uris_equal_the_sdks(framework: str) -> None:
    checked = 0
    mismatches = []
    for fw, scope, version, py_version, instance in GRID:
        if fw != framework:
            continue
        expected = _retrieve(fw, scope, version, py_version, instance)
        if expected is None:
            continue
        ours = image_uri(fw, region="us-east-1", version=version, py_version=py_version, instance_type=instance, scope="inference" if scope == "eia" else scope, accelerator_type="ml.eia2.medium" if scope == "eia" else None)
        checked += 1
        if ours != expected:
            mismatches.append((scope, version, py_version, instance, ours, expected))
    assert checked > 40 and not mismatches, (checked, mismatches[:5])


def test_image_uris_in_every_region_and_special_cases() -> None:
    cases = [
        ("tensorflow", "training", "2.3", "py37", "ml.p4d.24xlarge", {}),  # auto container version on p4d
        ("tensorflow", "training", "2.3.1", "py37", "ml.p3.16xlarge", {"distribution": {"smdistributed": {"dataparallel": {"enabled": True}}}}),
        ("tensorflow", "inference", "2.11", None, "ml.c6g.xlarge", {}),  # Graviton
        ("kmeans", "training", None, None, "ml.c5.xlarge", {}),
        ("linear-learner", "inference", None, None, "ml.m5.large", {}),
    ]
    for framework, scope, version, py_version, instance, extra in cases:
        for region in ("us-east-1", "eu-west-1", "cn-north-1", "af-south-1", "us-gov-west-1"):
            expected = _retrieve(framework, scope, version, py_version, instance, region=region, **extra)
            if expected is None:
                continue
            ours = image_uri(framework, region=region, version=version, py_version=py_version, instance_type=instance, scope=scope, distribution=extra.get("distribution"))
            assert ours == expected, (framework, scope, version, region)


def test_debugger_regions_match_the_sdk() -> None:
    assert set(render_training.DEBUGGER_UNSUPPORTED_REGIONS) == set(fw_utils.DEBUGGER_UNSUPPORTED_REGIONS)
    assert set(render_training.PROFILER_UNSUPPORTED_REGIONS) == set(fw_utils.PROFILER_UNSUPPORTED_REGIONS)


def test_archive_members_match_the_sdks_tarball(tmp_path) -> None:
    import tarfile

    from sagemaker import utils as sdk_utils_module

    src = tmp_path / "src"
    (src / "pkg").mkdir(parents=True)
    (src / "train.py").write_text("x")
    (src / "pkg" / "m.py").write_text("y")
    dep = tmp_path / "deps" / "helpers"
    dep.mkdir(parents=True)
    (dep / "h.py").write_text("z")
    files = fw_utils._list_files_to_compress("train.py", str(src)) + [str(dep)]
    sdk_tar = sdk_utils_module.create_tar_file(files, str(tmp_path / "sdk.tar.gz"))
    with tarfile.open(sdk_tar) as tar:
        sdk_names = sorted(m.name for m in tar.getmembers())
        sdk_files = {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}
    ours = archive_members(entry_point=src / "train.py", source_dir=src, dependencies=[dep])
    assert sorted(name for name, _ in ours) == sdk_names
    assert {name: path.read_bytes() for name, path in ours if path.is_file()} == sdk_files
