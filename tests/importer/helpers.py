"""Notebooks built from code cells, for the importer's tests."""

from __future__ import annotations

import ast
import json
import textwrap
from pathlib import Path

from sagestack.importer.values import Notebook


def write_notebook(path: Path, *cells: str, markdown_first: bool = False) -> Path:
    """A .ipynb file with these code cells (dedented), optionally after a markdown cell."""
    items = [{"cell_type": "markdown", "metadata": {}, "source": ["# A notebook\n"]}] if markdown_first else []
    for cell in cells:
        text = textwrap.dedent(cell).strip("\n")
        items.append({"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": text.splitlines(keepends=True)})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"cells": items, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1))
    return path


def run(*cells: str) -> Notebook:
    """The notebook state after reading these cells (numbered from 1)."""
    notebook = Notebook()
    for number, cell in enumerate(cells, 1):
        text = textwrap.dedent(cell).strip("\n")
        notebook.run_cell(number, text, ast.parse(text))
    return notebook


#: A built-in XGBoost estimator as churn notebooks make it, before fit(): the cell tuner and
#: registry tests start from.
XGB_ESTIMATOR = """
import sagemaker
from sagemaker import image_uris
from sagemaker.estimator import Estimator
from sagemaker.inputs import TrainingInput
sess = sagemaker.Session()
role = sagemaker.get_execution_role()
xgb = Estimator(image_uris.retrieve("xgboost", sess.boto_region_name, "1.7-1"), role, 1, "ml.m5.xlarge",
                hyperparameters={"objective": "binary:logistic", "num_round": 100})
data = "s3://sagestack-examples-data/churn"
"""
