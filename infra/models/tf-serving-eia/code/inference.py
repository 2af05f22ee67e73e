"""Pre- and post-processing for TensorFlow Serving (see infra/models/tf-serving-eia.yaml).

The SageMaker TensorFlow Serving container calls input_handler before forwarding a request to
TensorFlow Serving's REST API and output_handler on its response. Here: accept JSON or CSV,
return JSON with the top class per image.
"""

import json


def input_handler(data, context):
    """Turn the request into TensorFlow Serving's {"instances": [...]} body."""
    if context.request_content_type == "application/json":
        body = data.read().decode("utf-8")
        payload = json.loads(body) if body else {}
        if isinstance(payload, dict) and "instances" in payload:
            return json.dumps(payload)
        return json.dumps({"instances": payload})
    if context.request_content_type == "text/csv":
        rows = [[float(v) for v in line.split(",")] for line in data.read().decode("utf-8").splitlines() if line]
        return json.dumps({"instances": rows})
    raise ValueError(f"unsupported content type {context.request_content_type}")


def output_handler(response, context):
    """Return TensorFlow Serving's predictions with the index of the best class added."""
    if response.status_code != 200:
        raise ValueError(response.content.decode("utf-8"))
    predictions = json.loads(response.content)["predictions"]
    result = [{"class": max(range(len(p)), key=p.__getitem__), "scores": p} for p in predictions]
    return json.dumps({"predictions": result}), "application/json"
