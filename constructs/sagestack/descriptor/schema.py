"""JSON Schema of a descriptor, for editors (yaml-language-server) and other tools."""

from __future__ import annotations

from typing import Any

from .descriptor import ModelDescriptor

SCHEMA_ID = "https://sagestack.dev/schema/descriptor.json"


def descriptor_schema() -> dict[str, Any]:
    schema = ModelDescriptor.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
        "title": "sagestack model descriptor",
    }
