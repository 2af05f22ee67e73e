"""Building blocks shared by every descriptor section.

* :class:`SdkModel` — base of every section: frozen, rejects unknown keys with a
  "did you mean", accepts the SDK v1 spelling of a parameter (``train_instance_type``)
  for its v2 name (``instance_type``) and refuses both at once.
* :func:`sdk_field` — a field with its documentation, the API or CloudFormation property it
  lands in, and its SDK v1 name; these feed the JSON Schema and the README tables.
* :class:`Api` — an annotation that checks a value against botocore's shape for an API member
  (enum, length, pattern, min, max) instead of a hand-written list.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, TypeVar, Union, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, GetCoreSchemaHandler, GetJsonSchemaHandler, PlainValidator, Tag, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError, core_schema

from .api import ApiMember, limits, python_pattern
from .issues import CTX_ALLOWED, CTX_GOT, CTX_KEY, NON_FINITE_MESSAGE

__all__ = ["SdkModel", "sdk_field", "Api", "user_error", "suggest", "format_allowed", "V1_NAMES"]

# SDK v1 spelling → v2 name, for every field declared with ``v1=``. The mapping is global
# and unambiguous (no v2 name is also a v1 name), so error paths can be shown in the
# spelling the user wrote.
V1_NAMES: dict[str, str] = {}

# SDK arguments a descriptor cannot carry, with the reason shown to the user.
NOT_SUPPORTED: dict[str, str] = {
    "sagemaker_session": "sessions are notebook-side; the stack's environment decides account and region",
    "predictor_cls": "predictors are client-side objects; invoke the endpoint from your application",
    "serializer": "serializers are client-side; set content types in your client",
    "deserializer": "deserializers are client-side; set accept types in your client",
    "git_config": "sagestack packages code from this repository; use source_dir",
    "instance_groups": "heterogeneous clusters are not supported yet; use instance_type and instance_count",
    "rules": "Debugger rules are not supported yet; use debugger_hook_config",
    "profiler_config": "use disable_profiler: true or leave the SDK default",
    "experiment_config": "SageMaker Experiments are not supported yet",
    "training_repository_access_mode": "private training image registries are not supported yet",
    "update_endpoint": "sagestack creates or updates the endpoint itself; remove this argument",
    "name": "model and endpoint-config names are generated so CloudFormation can replace them; name the endpoint with deploy.endpoint_name",
    "model_name": "model names are generated so CloudFormation can replace them; name the endpoint with deploy.endpoint_name",
    "vpc_config": "give the VPC as two fields, subnets and security_group_ids",
    "data_location": "record_set() uploads from a notebook; give RecordSets with s3_data in fit.inputs",
    "model_channel_name": "warm-starting from a model channel is not supported yet",
}


def suggest(word: str, candidates: list[str] | tuple[str, ...], n: int = 3) -> list[str]:
    """Close matches for a misspelt word (difflib, case-insensitive)."""
    lowered = {c.lower(): c for c in candidates}
    return [lowered[m] for m in difflib.get_close_matches(word.lower(), list(lowered), n=n, cutoff=0.6)]


def format_allowed(values: list[str] | tuple[str, ...], *, limit: int = 12, what: str | None = None) -> str:
    shown = ", ".join(values[:limit])
    if len(values) > limit:
        shown += f", ... ({len(values)} values{' of ' + what if what else ''})"
    return shown


def user_error(kind: str, message: str, *, allowed: Any = None, got: Any = None, key: str | tuple[str | int, ...] | None = None) -> PydanticCustomError:
    """A validation error whose ``ctx`` carries what is allowed and what was received.

    ``key`` appends one more element to the error's location (a key the model saw but that
    has no field of its own, such as an unknown or duplicated key), or several (a tuple: a
    place inside a free-form value).
    """
    # pydantic-core fills ``{name}`` in a message from the context: the context's names are ones
    # no message holds, so braces in user text (``Environment{key}``, a key "{x}") print as written.
    ctx: dict[str, Any] = {}
    if allowed is not None:
        ctx[CTX_ALLOWED] = allowed
    if got is not None:
        ctx[CTX_GOT] = got
    if key is not None:
        ctx[CTX_KEY] = key
    return PydanticCustomError(kind, message, ctx)


def typed_union(types: Mapping[str, type[BaseModel]], what: str) -> Any:
    """A section whose ``type:`` names the SDK class (``estimator``, ``model``): the class's own
    fields apply. A missing or unknown ``type`` is one problem at the ``type:`` line, listing the
    classes with a "did you mean"."""
    names = list(types)

    def type_of(value: Any) -> Any:
        return value.get("type") if isinstance(value, dict) else getattr(value, "type", None)

    def check_type(value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        given = value.get("type")
        if given is None:
            raise user_error("missing_type", f"'type' is missing: name the SDK {what} class", allowed=format_allowed(names, limit=40), got="nothing", key="type")
        if not isinstance(given, str) or given not in types:
            close = suggest(str(given), names) if isinstance(given, str) else []
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise user_error("unknown_type", f"not an SDK {what} class sagestack knows{hint}", allowed=format_allowed(names, limit=40), got=repr(given) if not isinstance(given, str) else given, key="type")
        return value

    members = tuple(Annotated[cls, Tag(name)] for name, cls in types.items())
    return Annotated[
        Union[members],  # noqa: UP007 - a union of a run-time tuple has no `|` spelling
        Discriminator(type_of, custom_error_type="unknown_type", custom_error_message=f"'type' must name an SDK {what} class"),
        BeforeValidator(check_type),
    ]


def sdk_field(
    default: Any = ...,
    *,
    doc: str,
    lands_in: str | None,
    v1: str | None = None,
    **kwargs: Any,
) -> Any:
    """A descriptor field.

    ``doc`` says what it means (in the SDK's words where they are right); ``lands_in`` names the
    SageMaker API member or CloudFormation property that carries it (None only for fields that
    steer sagestack itself); ``v1`` is the SDK v1 spelling accepted for it.
    """
    extra: dict[str, Any] = {}
    if lands_in:
        extra["x-lands-in"] = lands_in
    if v1:
        extra["x-sdk-v1"] = v1
    description = doc if not lands_in else f"{doc} Lands in {lands_in}."
    return Field(default, description=description, json_schema_extra=extra or None, **kwargs)


class _Unknown:
    """Marks an unknown key so that the extras validator can report it with a suggestion."""

    __slots__ = ("key", "message", "allowed")

    def __init__(self, key: str, message: str, allowed: str) -> None:
        self.key, self.message, self.allowed = key, message, allowed


def _reject_unknown(value: Any) -> Any:
    if isinstance(value, _Unknown):
        raise user_error("unknown_field", value.message, allowed=value.allowed, got=value.key)
    raise user_error("unknown_field", "unknown field")


_RejectUnknown = Annotated[Any, PlainValidator(_reject_unknown)]


def non_finite_path(value: Any, path: tuple[str | int, ...] = ()) -> tuple[tuple[str | int, ...], float] | None:
    """Where the first infinite or NaN float is inside plain data (mappings, lists), and it; or None."""
    if isinstance(value, float):
        return None if math.isfinite(value) else (path, value)
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, (list, tuple)) else ()
    for key, item in items:
        found = non_finite_path(item, path + (key if isinstance(key, (str, int)) and not isinstance(key, bool) else str(key),))
        if found is not None:
            return found
    return None


def _holds_models(annotation: Any) -> bool:
    """Whether a field's type has a section (an SdkModel) anywhere in it."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_holds_models(arg) for arg in get_args(annotation))


class SdkModel(BaseModel):
    """Base of every descriptor section."""

    model_config = ConfigDict(
        extra="allow",  # unknown keys are turned into errors by the extras validator below
        frozen=True,
        str_strip_whitespace=False,
        validate_default=False,
        allow_inf_nan=False,  # also "inf"/"nan" strings given to float fields
        json_schema_extra=lambda schema, cls: cls._schema_extra(schema),
    )

    # Every extra (unknown) key goes through _reject_unknown and becomes an error at its own path.
    __pydantic_extra__: dict[str, _RejectUnknown] = Field(init=False)

    # v2 name → v1 spelling for this class, computed once per class.
    _v1_of: ClassVar[dict[str, str]] = {}
    # Fields whose values are plain data (no nested section), searched whole for non-finite numbers.
    _plain_fields: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        v1_of: dict[str, str] = {}
        for name, info in cls.model_fields.items():
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            if extra.get("x-sdk-v1"):
                v1 = str(extra["x-sdk-v1"])
                v1_of[name] = v1
                previous = V1_NAMES.setdefault(v1, name)
                assert previous == name, f"SDK v1 name {v1} maps to both {previous} and {name}"
        cls._v1_of = v1_of
        cls._plain_fields = frozenset(name for name, info in cls.model_fields.items() if not _holds_models(info.annotation))

    @classmethod
    def _schema_extra(cls, schema: dict[str, Any]) -> None:
        schema["additionalProperties"] = False
        props = schema.get("properties", {})
        for name, v1 in cls._v1_of.items():
            if name in props:
                alias = dict(props[name])
                alias["deprecated"] = True
                alias["description"] = f"SDK v1 spelling of `{name}`. " + alias.get("description", "")
                props[v1] = alias
            if name in schema.get("required", []):
                # Either spelling satisfies a required parameter; giving both is an error.
                schema["required"] = [r for r in schema["required"] if r != name]
                schema.setdefault("allOf", []).append({"oneOf": [{"required": [name]}, {"required": [v1]}]})

    @field_validator("*", mode="before")
    @classmethod
    def _finite_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        # Before any union branch is tried, so one .nan is one error at its own key, typed field
        # or free-form map (hyperparameters) alike; nested sections check their own fields.
        if info.field_name in cls._plain_fields:
            found = non_finite_path(value)
            if found is not None:
                raise user_error("non_finite", NON_FINITE_MESSAGE, allowed="a finite number", got=repr(found[1]), key=found[0] or None)
        return value

    @model_validator(mode="before")
    @classmethod
    def _accept_v1_names_and_flag_unknown(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        known = set(cls.model_fields)
        out: dict[str, Any] = {}
        v1_to_v2 = {v1: v2 for v2, v1 in cls._v1_of.items()}
        for key, value in data.items():
            if not isinstance(key, str):
                key = str(key)
            if key in v1_to_v2:
                v2 = v1_to_v2[key]
                if v2 in data:
                    raise user_error(
                        "duplicate_spelling",
                        f"both the SDK v1 spelling '{key}' and the v2 spelling '{v2}' are given; keep one",
                        allowed=f"'{v2}' or '{key}'",
                        got="both",
                        key=key,
                    )
                out[v2] = value
            elif key in known:
                out[key] = value
            else:
                out[key] = _unknown(cls, key, known | set(v1_to_v2))
        return out


def _unknown(cls: type[SdkModel], key: str, known: set[str]) -> _Unknown:
    if key in NOT_SUPPORTED:
        message = f"not supported: {NOT_SUPPORTED[key]}"
    else:
        close = suggest(key, sorted(known))
        message = "unknown field" + (f"; did you mean '{close[0]}'?" if close else "")
        owner = V1_NAMES.get(key, key)
        if not close and owner in _FIELD_HOMES and cls.__name__ not in _FIELD_HOMES[owner]:
            homes = sorted(_FIELD_HOMES[owner])
            message += f" here; '{key}' belongs to {', '.join(homes[:3])}"
    return _Unknown(key, message, format_allowed(sorted(cls.model_fields), limit=40))


# field name → names of the section classes that have it (for "belongs to ..." hints).
_FIELD_HOMES: dict[str, set[str]] = {}


def register_field_homes(*classes: type[SdkModel]) -> None:
    for model in classes:
        for name in model.model_fields:
            _FIELD_HOMES.setdefault(name, set()).add(getattr(model, "section_title", model.__name__))




_V = TypeVar("_V")


@dataclass(frozen=True)
class Api:
    """Checks a value against botocore's shape for ``operation``'s member ``path``."""

    operation: str
    path: str

    @property
    def member(self) -> ApiMember:
        return ApiMember(self.operation, self.path)

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler) -> dict[str, Any]:
        js = handler(schema)
        lim = limits(self.member)
        if lim.enum and js.get("type") == "string":
            js["enum"] = list(lim.enum)
        if lim.type == "string":
            if lim.pattern and lim.pattern not in (".*", ".+"):
                js["pattern"] = "^" + python_pattern(lim.pattern) + "$"
            if lim.max is not None:
                js["maxLength"] = int(lim.max)
        elif lim.type in ("integer", "long", "float", "double"):
            if lim.min is not None:
                js["minimum"] = lim.min
            if lim.max is not None:
                js["maximum"] = lim.max
        elif lim.type in ("list", "map") and lim.max is not None:
            js["maxItems" if lim.type == "list" else "maxProperties"] = int(lim.max)
        return js

    def check(self, value: _V) -> _V:
        lim = limits(self.member)
        member = self.path.replace("{key}", " key").replace("{}", " value")  # map keys and values, in words
        where = f"{self.operation} {member} ({lim.shape})"
        if value is None:
            return value
        if lim.enum is not None and isinstance(value, str):
            if value not in lim.enum:
                close = suggest(value, lim.enum)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                raise user_error(
                    "api_enum",
                    f"not a value SageMaker accepts for {where}{hint}",
                    allowed=format_allowed(list(lim.enum), what=f"botocore's {lim.shape}"),
                    got=value,
                )
            return value
        if lim.type == "string" and isinstance(value, str):
            if lim.max is not None and len(value) > lim.max:
                raise user_error("api_length", f"too long for {where}", allowed=f"at most {int(lim.max)} characters", got=f"{len(value)} characters")
            if lim.min is not None and len(value) < lim.min:
                raise user_error("api_length", f"too short for {where}", allowed=f"at least {int(lim.min)} characters", got=f"{len(value)} characters")
            regex = lim.regex()
            if regex is not None and not regex.fullmatch(value):
                raise user_error("api_pattern", f"does not match the pattern of {where}", allowed=f"/{lim.pattern}/", got=value)
        elif lim.type in ("integer", "long", "float", "double") and isinstance(value, (int, float)):
            if lim.min is not None and value < lim.min:
                raise user_error("api_range", f"below the minimum of {where}", allowed=f">= {_num(lim.min)}", got=value)
            if lim.max is not None and value > lim.max:
                raise user_error("api_range", f"above the maximum of {where}", allowed=f"<= {_num(lim.max)}", got=value)
        elif lim.type in ("list", "map") and isinstance(value, (list, tuple, dict)):
            if lim.max is not None and len(value) > lim.max:
                raise user_error("api_count", f"too many entries for {where}", allowed=f"at most {int(lim.max)}", got=len(value))
        return value


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
