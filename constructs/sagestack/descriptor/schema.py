"""JSON Schema of a descriptor, for editors (yaml-language-server) and other tools."""

from __future__ import annotations

from typing import Any

from .descriptor import ModelDescriptor

SCHEMA_ID = "https://sagestack.dev/schema/descriptor.json"


def _user_forms_of_inputs(schema: dict[str, Any]) -> None:
    """fit.inputs is validated in a normalized form; editors should see the forms users write
    (the SDK's fit(inputs=...)): URI, {channel: URI or TrainingInput}, TrainingInput, RecordSet, [RecordSet]."""
    defs = schema["$defs"]
    uri = {"type": "string", "pattern": "^s3://"}
    reference = {"$ref": "#/$defs/StepOutput"}  # {step, output}: a processing step's output
    channel = {"anyOf": [uri, reference, {"$ref": "#/$defs/TrainingInput"}]}
    inputs = defs["Fit"]["properties"]["inputs"]
    defs["Fit"]["properties"]["inputs"] = {
        "description": inputs.get("description", ""),
        "anyOf": [
            uri,
            reference,
            {"$ref": "#/$defs/RecordSet"},
            {"type": "array", "items": {"$ref": "#/$defs/RecordSet"}, "minItems": 1},
            {"$ref": "#/$defs/TrainingInput"},
            {"type": "object", "additionalProperties": channel, "minProperties": 1, "not": {"required": ["s3_data"]}},
        ],
    }
    defs.pop("Inputs", None)


def descriptor_schema() -> dict[str, Any]:
    schema = ModelDescriptor.model_json_schema(mode="validation")
    _user_forms_of_inputs(schema)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
        "title": "sagestack model descriptor",
    }
