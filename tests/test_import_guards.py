"""Import hygiene: `constructs` is the library, and validation never loads aws_cdk or the SDK."""

from __future__ import annotations

import json
import subprocess
import sys

from .conftest import CATALOG, REPO_ROOT, modules_imported_by


def test_constructs_is_the_library_not_our_source_folder() -> None:
    """constructs/ (our source folder, no __init__.py) must not shadow the constructs library
    (aws/aws-cdk#19301); if the library were missing, `import constructs` would silently become
    an empty namespace package of our folder."""
    code = "import constructs, json; print(json.dumps([constructs.__file__, hasattr(constructs, 'Construct')]))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT, check=True, timeout=120)
    path, has_construct = json.loads(out.stdout)
    assert path is not None and "site-packages" in path
    assert has_construct
    assert not (REPO_ROOT / "constructs" / "__init__.py").exists()


def test_validation_does_not_import_aws_cdk_or_sagemaker() -> None:
    code = (
        "from sagestack.descriptor import load_catalog\n"
        f"catalog = load_catalog([{str(CATALOG)!r}])\n"
        "assert catalog.ok(), [i.format() for i in catalog.errors]\n"
    )
    assert modules_imported_by(code, ("aws_cdk", "jsii", "constructs", "sagemaker")) == []


def test_the_public_api_is_lazy() -> None:
    """`import sagestack` and its descriptor API load no aws_cdk; the constructs load it on use."""
    code = "import sagestack\nsagestack.descriptor_from_dict, sagestack.load_descriptor_or_raise, sagestack.ModelDescriptor\n"
    assert modules_imported_by(code, ("aws_cdk", "jsii", "sagemaker")) == []
    assert modules_imported_by("import sagestack\nsagestack.TrainingPipeline\n", ("aws_cdk",)) != []
