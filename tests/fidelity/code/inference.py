"""Inference handlers used by the fidelity configurations (never run; packaged only)."""


def model_fn(model_dir):
    return model_dir


def input_handler(data, context):
    return data


def output_handler(data, context):
    return data, "application/json"
