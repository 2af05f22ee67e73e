"""Hosting functions for the MNIST MLP (see infra/models/mxnet-serverless.yaml).

The SageMaker MXNet model server calls model_fn once per worker, then for every request
input_fn -> predict_fn -> output_fn. model.tar.gz holds model.params written by
infra/models/mxnet-ps/mnist_gluon.py.
"""

import json
import os

import mxnet as mx
from mxnet import gluon


def model_fn(model_dir):
    net = gluon.nn.HybridSequential()
    with net.name_scope():
        net.add(gluon.nn.Dense(128, activation="relu"))
        net.add(gluon.nn.Dense(64, activation="relu"))
        net.add(gluon.nn.Dense(10))
    net.load_parameters(os.path.join(model_dir, "model.params"), ctx=mx.cpu())
    return net


def input_fn(request_body, request_content_type):
    """JSON list of images (28x28) or rows (784 values) -> NDArray of shape (n, 784)."""
    if request_content_type != "application/json":
        raise ValueError("unsupported content type %s" % request_content_type)
    return mx.nd.array(json.loads(request_body)).reshape((-1, 784)) / 255.0


def predict_fn(input_object, model):
    return model(input_object).softmax(axis=1)


def output_fn(prediction, content_type):
    probabilities = prediction.asnumpy()
    result = [{"digit": int(p.argmax()), "probability": float(p.max())} for p in probabilities]
    return json.dumps(result), "application/json"
