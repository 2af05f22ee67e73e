"""MNIST MLP with MXNet Gluon (see infra/models/mxnet-ps.yaml).

Training: train(...) takes the keyword arguments of the SageMaker MXNet training interface.
Since MXNet 1.3 SageMaker runs the file as a script, so the __main__ block at the bottom builds
the same arguments from the SM_* environment and the --hyperparameters, then calls train().

Hosting: model_fn(model_dir) loads the parameters; transform_fn turns a JSON request
(a list of 28x28 images or of 784-value rows) into a JSON list of predicted digits.

Expected data: train/x_train.npy, train/y_train.npy, test/x_test.npy, test/y_test.npy.
"""

import argparse
import json
import logging
import os

import mxnet as mx
import numpy as np
from mxnet import autograd, gluon

logging.basicConfig(level=logging.INFO)


def build_net():
    net = gluon.nn.HybridSequential()
    with net.name_scope():
        net.add(gluon.nn.Dense(128, activation="relu"))
        net.add(gluon.nn.Dense(64, activation="relu"))
        net.add(gluon.nn.Dense(10))
    return net


def load(directory, split):
    x = np.load(os.path.join(directory, "x_%s.npy" % split)).astype("float32").reshape(-1, 784) / 255.0
    y = np.load(os.path.join(directory, "y_%s.npy" % split)).astype("float32")
    return x, y


# ---------------------------------------------------------------------------- #
# Training functions                                                           #
# ---------------------------------------------------------------------------- #


def train(hyperparameters, channel_input_dirs, model_dir, num_gpus, hosts, current_host, **kwargs):
    epochs = int(hyperparameters.get("epochs", 10))
    batch_size = int(hyperparameters.get("batch-size", 100))
    learning_rate = float(hyperparameters.get("learning-rate", 0.1))

    # Several hosts: synchronous updates through the parameter servers SageMaker started.
    kvstore = "dist_sync" if len(hosts) > 1 else "device"
    ctx = mx.gpu() if num_gpus > 0 else mx.cpu()

    x_train, y_train = load(channel_input_dirs["train"], "train")
    x_test, y_test = load(channel_input_dirs["test"], "test")
    if len(hosts) > 1:
        # Each host trains on its own part of the data.
        part = hosts.index(current_host)
        x_train, y_train = x_train[part:: len(hosts)], y_train[part:: len(hosts)]
    train_data = gluon.data.DataLoader(gluon.data.ArrayDataset(x_train, y_train), batch_size=batch_size, shuffle=True)
    test_data = gluon.data.DataLoader(gluon.data.ArrayDataset(x_test, y_test), batch_size=batch_size)

    net = build_net()
    net.initialize(mx.init.Xavier(), ctx=ctx)
    net.hybridize()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": learning_rate}, kvstore=kvstore)
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()

    for epoch in range(epochs):
        for data, label in train_data:
            data, label = data.as_in_context(ctx), label.as_in_context(ctx)
            with autograd.record():
                loss = loss_fn(net(data), label)
            loss.backward()
            trainer.step(data.shape[0])
        metric = mx.metric.Accuracy()
        for data, label in test_data:
            metric.update([label.as_in_context(ctx)], [net(data.as_in_context(ctx))])
        logging.info("epoch %d: validation accuracy=%.4f", epoch, metric.get()[1])

    # Only the first host writes the model (every host holds the same parameters).
    if current_host == sorted(hosts)[0]:
        save(net, model_dir)


def save(net, model_dir):
    net.save_parameters(os.path.join(model_dir, "model.params"))


# ---------------------------------------------------------------------------- #
# Hosting functions                                                            #
# ---------------------------------------------------------------------------- #


def model_fn(model_dir):
    net = build_net()
    net.load_parameters(os.path.join(model_dir, "model.params"), ctx=mx.cpu())
    return net


def transform_fn(net, input_data, content_type, accept):
    if content_type != "application/json":
        raise ValueError("unsupported content type %s" % content_type)
    rows = np.asarray(json.loads(input_data), dtype="float32").reshape(-1, 784)
    output = net(mx.nd.array(rows))
    return json.dumps(output.argmax(axis=1).asnumpy().astype(int).tolist()), "application/json"


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--learning-rate", type=float, default=0.1)
    args, _ = parser.parse_known_args()

    train(
        hyperparameters={"epochs": args.epochs, "batch-size": args.batch_size, "learning-rate": args.learning_rate},
        channel_input_dirs={"train": os.environ["SM_CHANNEL_TRAIN"], "test": os.environ["SM_CHANNEL_TEST"]},
        model_dir=os.environ["SM_MODEL_DIR"],
        num_gpus=int(os.environ.get("SM_NUM_GPUS", 0)),
        hosts=json.loads(os.environ["SM_HOSTS"]),
        current_host=os.environ["SM_CURRENT_HOST"],
    )
