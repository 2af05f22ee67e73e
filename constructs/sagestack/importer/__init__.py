"""``sagestack import``: descriptors from SageMaker SDK notebooks and scripts, read without
running them.

The code cells are parsed with :mod:`ast` (:mod:`.source`), their values resolved statically
and their SDK calls recorded (:mod:`.values`), turned into descriptor drafts with the SDK's
argument names (:mod:`.build`), written as commented YAML (:mod:`.emit`) and validated at once
(:mod:`.run`). The importer reads the kind registry for the estimator and model classes; it
never imports the SageMaker SDK or the CDK.
"""

from .build import DEFAULT_BUCKET, PLACEHOLDER, REASONS
from .run import ImportedDescriptor, NotebookImport, import_notebook
from .source import SourceError

__all__ = ["import_notebook", "NotebookImport", "ImportedDescriptor", "SourceError", "PLACEHOLDER", "DEFAULT_BUCKET", "REASONS"]
