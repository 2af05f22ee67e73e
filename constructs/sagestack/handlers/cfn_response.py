"""Answering CloudFormation from a custom resource handler (stdlib only).

This directory is one Lambda asset for sagestack's custom resources: ``repack.handler`` and
``teardown.handler``, sharing this module (the asset's root is on the function's import path).
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any

__all__ = ["send"]


def send(event: dict[str, Any], status: str, physical_id: str, data: dict[str, Any], reason: str = "") -> None:
    """PUT the custom resource's answer to CloudFormation's pre-signed ``ResponseURL``."""
    body = json.dumps(
        {
            "Status": status,
            "Reason": reason or "see the function's log",
            "PhysicalResourceId": physical_id,
            "StackId": event["StackId"],
            "RequestId": event["RequestId"],
            "LogicalResourceId": event["LogicalResourceId"],
            "Data": data,
        }
    ).encode()
    request = urllib.request.Request(event["ResponseURL"], data=body, method="PUT", headers={"content-type": "", "content-length": str(len(body))})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - CloudFormation's pre-signed URL
        response.read()
