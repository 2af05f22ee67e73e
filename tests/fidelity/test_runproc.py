"""runproc.sh, the script a framework processor's job runs, as the SDK writes it
(``FrameworkProcessor._generate_framework_script``): sagestack generates it at synth, beside the
code archive, under the archive's asset name."""

from __future__ import annotations

import importlib.util
from types import SimpleNamespace

import pytest

from sagestack.descriptor import descriptor_from_dict
from sagestack.render.processing import runproc_script

from .cases.processing import CONFIGS
from .test_fidelity import HERE

needs_sdk = pytest.mark.skipif(importlib.util.find_spec("sagemaker") is None, reason="the SageMaker Python SDK (sagemaker) is not installed")


@needs_sdk
@pytest.mark.parametrize("name", ["proc-pytorch", "proc-framework-sklearn"])
def test_runproc_is_the_sdks(name: str) -> None:
    from sagemaker.processing import FrameworkProcessor

    d = descriptor_from_dict({"name": name, **CONFIGS[name]}, base_dir=HERE / "code")
    [step] = d.processing or ()
    processor = SimpleNamespace(command=list(getattr(step.processor, "command", None) or ["python"]))
    sdk = FrameworkProcessor._generate_framework_script(processor, step.run.code)
    assert runproc_script(step) == sdk
    renamed = runproc_script(step, archive="0123abcd.gz")  # the asset's file name in the container
    assert renamed == sdk.replace("tar -xzf sourcedir.tar.gz", "tar -xzf 0123abcd.gz")
