"""The ``add_model:`` section — mirrors ``MultiDataModel.add_model(model_data_source, model_data_path)``:
each run copies the model it trained (the best training job's, with a tuner) under the prefix of
a multi-model endpoint, which serves it on the first request that names it.

``multi_data_model`` names a ``model.type: MultiDataModel`` descriptor of the same catalog (its
``model_data_prefix`` is the destination, and its stack deploys first); ``model_data_prefix``
names the prefix of a multi-model endpoint deployed elsewhere. Exactly one of the two.

The SDK copies to ``<prefix>/<model_data_path>`` (by default the source's own key) and so, run
after run, overwrites one key. A multi-model endpoint caches the archives it has loaded, and AWS
says not to overwrite one in place: an instance that loaded the old archive may go on serving it.
So every run writes a key of its own, ``<prefix>/<model_data_path stem>/<run name>.tar.gz`` (the
stem is ``model_data_path`` without ``.tar.gz``; by default the descriptor's name), and the run's
output names it as ``target_model``, the ``TargetModel`` to invoke. Earlier runs' archives stay
where they are (an S3 lifecycle rule on the prefix is the way to expire them).

There is no quality gate here: a gate is ``deploy.condition``, and a run that adds its model to a
multi-model endpoint deploys nothing, so every successful run adds its model.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any, ClassVar

from pydantic import Field

from .base import SdkModel, sdk_field
from .rules import Context, Finding, rule
from .types import S3Uri

__all__ = ["AddModel", "ARCHIVE_SUFFIX", "S3_KEY_MAX", "RUN_NAME_MAX", "model_data_stem", "destination", "servable_problem", "compatibility"]

ARCHIVE_SUFFIX = ".tar.gz"
#: S3's limit on a key, in bytes (UTF-8); InvokeEndpoint's TargetModel takes as many characters.
S3_KEY_MAX = 1024
#: The longest run name (SageMaker's 63 characters): the version part of every key.
RUN_NAME_MAX = 63
# S3's "safe characters" for keys (object-keys.html): no escaping in CopySource or TargetModel.
_SAFE_KEY = re.compile(r"^[A-Za-z0-9!_.*'()/-]+$")
_MODEL_NAME = r"^[a-z0-9](-?[a-z0-9])*$"  # a descriptor's name (ModelDescriptor.name)


class AddModel(SdkModel):
    """``MultiDataModel.add_model(model_data_source=<the trained model>, model_data_path=...)`` after each training run."""

    section_title: ClassVar[str] = "add_model"

    multi_data_model: Annotated[str, Field(pattern=_MODEL_NAME)] | None = sdk_field(
        None,
        doc="The name of a model.type: MultiDataModel descriptor of this catalog: its model_data_prefix receives the models, and its stack deploys before this one. Or model_data_prefix.",
        lands_in="S3 CopyObject.Bucket and Key (that descriptor's model_data_prefix)",
    )
    model_data_prefix: S3Uri | None = sdk_field(
        None,
        doc="The S3 prefix of a multi-model endpoint deployed outside this catalog (its MultiDataModel's model_data_prefix). Or multi_data_model.",
        lands_in="S3 CopyObject.Bucket and Key",
    )
    model_data_path: str | None = sdk_field(
        None,
        doc=(
            "The model's key under the prefix (the SDK's argument), e.g. store-0042.tar.gz: each run writes <stem>/<run name>.tar.gz "
            "(stem: model_data_path without .tar.gz), a new key every run because a multi-model endpoint may keep serving an archive it cached; "
            "the run's output gives it as target_model. Default: <descriptor name>.tar.gz."
        ),
        lands_in="S3 CopyObject.Key and InvokeEndpoint.TargetModel",
    )


def model_data_stem(d: Any) -> str:
    """The fixed part of the keys a run writes: ``model_data_path`` without ``.tar.gz`` (default:
    the descriptor's name)."""
    path = d.add_model.model_data_path or f"{d.name or 'model'}{ARCHIVE_SUFFIX}"
    return path.removesuffix(ARCHIVE_SUFFIX)


def destination(prefix: str, stem: str) -> tuple[str, str]:
    """(bucket, key prefix) of a run's copy: its key is ``<key prefix><run name>.tar.gz``, the
    TargetModel ``<stem>/<run name>.tar.gz``. The prefix is joined as the SDK's s3_path_join does
    (one ``/`` between the parts)."""
    bucket, _, key = prefix.removeprefix("s3://").partition("/")
    key = key.strip("/")
    return bucket, (f"{key}/" if key else "") + f"{stem}/"


def servable_problem(est: Any) -> str | None:
    """Why a multi-model endpoint cannot serve ``est``'s trained archive as it is, or None. A
    multi-model endpoint serves archives as they are: a model whose serving repacks inference code
    into model.tar.gz (MultiDataModel's own rule for the model it serves) would reach it without
    that code, and the legacy TensorFlow container serves no multi-model endpoint."""
    style = est.serving(None)
    isolated = bool(getattr(est, "enable_network_isolation", False))
    if style == "legacy-container":
        return "the legacy TensorFlow container serves no multi-model endpoint"
    if style == "framework":  # Framework.create_model: the training script serves, repacked under code/
        return f"a {est.type} model is served with its inference code repacked into model.tar.gz (code/{est.entry_point}); the multi-model endpoint gets the trained archive as it is"
    if style == "code-archive" and isolated:
        return f"a network-isolated {est.type} model is repacked with its inference code (it cannot download the code archive); the multi-model endpoint gets the trained archive as it is"
    return None


@rule("add_model")
def add_model_fits_the_descriptor(d: Any, ctx: Context) -> Iterator[Finding]:
    """A run adds the model it trained: an estimator, and neither deploy nor transformer (the run
    serves from the multi-model endpoint) nor register (an approval deploys to an endpoint);
    exactly one destination."""
    spec = d.add_model
    p = ctx.present
    if "estimator" not in p:
        yield Finding(("add_model",), "a run adds the model it trained: this descriptor trains none (a model: MultiDataModel serves what is under its prefix already)", "an estimator (train, then add_model)", "no estimator")
    for section, why in (
        ("deploy", "the run's model is served by the multi-model endpoint, not an endpoint of its own"),
        ("transformer", "a run either batch-transforms its model or adds it to a multi-model endpoint"),
        ("register", "an approved package is deployed to an endpoint of its own"),
    ):
        if section in p:
            yield Finding((section,), f"add_model and {section} exclude each other: {why}", "add_model or " + section, "both")
    given = [name for name in ("multi_data_model", "model_data_prefix") if getattr(spec, name) is not None]
    if len(given) != 1:
        yield Finding(("add_model",), "name exactly one multi-model endpoint: a MultiDataModel descriptor of this catalog, or the S3 prefix of one deployed elsewhere", "multi_data_model or model_data_prefix", " and ".join(given) or "neither")
    if spec.model_data_path is not None:
        yield from _path_findings(spec.model_data_path)
    if spec.model_data_prefix is not None:
        yield from _length_findings(d, spec.model_data_prefix, ("add_model", "model_data_path" if spec.model_data_path else "model_data_prefix"))
    est = getattr(d, "estimator", None)
    if est is not None:
        problem = servable_problem(est)
        if problem is not None:
            yield Finding(("add_model",), f"{problem}: put the inference code inside the archive the training job writes, or deploy instead", "a model served from its archive as it is (scikit-learn, XGBoost, TensorFlow Serving, built-in algorithms, your image)", est.type)


def _path_findings(path: str) -> Iterator[Finding]:
    where = ("add_model", "model_data_path")
    stem = path.removesuffix(ARCHIVE_SUFFIX)
    if not _SAFE_KEY.match(path):
        yield Finding(where, "a key under the prefix in S3's safe characters (it is also the TargetModel requests name)", "letters, digits and ! - _ . * ' ( ) /", path)
    elif path.startswith("/") or path.endswith("/") or any(part in ("", ".", "..") for part in stem.split("/")):
        yield Finding(where, "a key under the prefix: no leading or trailing /, no empty, . or .. parts", "e.g. store-0042.tar.gz or stores/0042.tar.gz", path)


def _length_findings(d: Any, prefix: str, where: tuple[str, ...]) -> Iterator[Finding]:
    """The longest key a run writes fits S3's (and TargetModel's) 1024."""
    _bucket, key_prefix = destination(prefix, model_data_stem(d))
    longest = len(key_prefix.encode("utf-8")) + RUN_NAME_MAX + len(ARCHIVE_SUFFIX)
    if longest > S3_KEY_MAX:
        yield Finding(where, f"the keys a run writes (<prefix key>/<stem>/<run name>.tar.gz) would exceed S3's {S3_KEY_MAX} bytes", f"a prefix key and stem of at most {S3_KEY_MAX - RUN_NAME_MAX - len(ARCHIVE_SUFFIX) - 1} bytes", longest)


def compatibility(d: Any, mme: Any) -> Iterator[Finding]:
    """Whether the container of ``mme`` (a MultiDataModel descriptor) serves ``d``'s trained
    archive: the same framework (a container of your own, image_uri, is trusted to), and a warning
    when the versions differ (a model pickled by one scikit-learn may not load in another)."""
    served = mme.model.model  # the MultiDataModel's model (None: image_uri, a container of your own)
    est = d.estimator
    where = ("add_model", "multi_data_model")
    if served is None or getattr(served, "image_uri", None) is not None:
        return
    theirs = getattr(served, "framework", None)
    ours = getattr(est, "framework", None)
    if ours != theirs:
        yield Finding(where, f"the multi-model endpoint {mme.name} serves {served.type} archives ({theirs or 'its image'}), and this descriptor trains {est.type} ({ours or 'its image'})", f"a MultiDataModel serving {est.type} models", f"{mme.name} ({served.type})")
        return
    mine, served_version = getattr(est, "framework_version", None), getattr(served, "framework_version", None)
    if getattr(est, "image_uri", None) is None and mine and served_version and mine != served_version:
        yield Finding(where, f"trained with {theirs} {mine}, served by {mme.name}'s {theirs} {served_version}: a model saved by one version may not load in another", served_version, mine, severity="warning")
    if mme.model.model_data_prefix is not None:
        yield from _length_findings(d, mme.model.model_data_prefix, where)
