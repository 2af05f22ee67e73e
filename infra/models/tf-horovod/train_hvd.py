"""MNIST with Horovod (see infra/models/tf-horovod.yaml).

SageMaker starts this script under mpirun, once per GPU on every instance. Each process pins
its own GPU, reads its shard of the data, averages gradients with Horovod's allreduce, and only
rank 0 writes the model, to SM_MODEL_DIR (/opt/ml/model) as a SavedModel for TensorFlow Serving.
"""

import argparse
import os

import horovod.tensorflow.keras as hvd
import numpy as np
import tensorflow as tf


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--learning-rate", type=float, default=0.001)
    parser.add_argument("--model_dir", type=str)  # passed by the SDK; /opt/ml/model with MPI
    parser.add_argument("--sm-model-dir", type=str, default=os.environ.get("SM_MODEL_DIR"))
    parser.add_argument("--train", type=str, default=os.environ.get("SM_CHANNEL_TRAIN"))
    parser.add_argument("--test", type=str, default=os.environ.get("SM_CHANNEL_TEST"))
    args, _ = parser.parse_known_args()
    return args


def load(directory, split):
    x = np.load(os.path.join(directory, f"x_{split}.npy")).astype("float32") / 255.0
    y = np.load(os.path.join(directory, f"y_{split}.npy")).astype("int64")
    return x[..., np.newaxis], y


if __name__ == "__main__":
    args = parse_args()
    hvd.init()

    # One GPU per process: local_rank 0..3 on each ml.p3.8xlarge.
    gpus = tf.config.experimental.list_physical_devices("GPU")
    for gpu in gpus:
        tf.config.experimental.set_memory_growth(gpu, True)
    if gpus:
        tf.config.experimental.set_visible_devices(gpus[hvd.local_rank()], "GPU")

    x_train, y_train = load(args.train, "train")
    x_test, y_test = load(args.test, "test")
    # Every worker trains on its own slice of the data.
    x_train, y_train = x_train[hvd.rank():: hvd.size()], y_train[hvd.rank():: hvd.size()]

    model = tf.keras.Sequential(
        [
            tf.keras.layers.Conv2D(32, 3, activation="relu", input_shape=(28, 28, 1)),
            tf.keras.layers.MaxPooling2D(),
            tf.keras.layers.Flatten(),
            tf.keras.layers.Dense(128, activation="relu"),
            tf.keras.layers.Dense(10, activation="softmax"),
        ]
    )
    # Scale the learning rate by the number of workers; wrap the optimizer for allreduce.
    optimizer = hvd.DistributedOptimizer(tf.keras.optimizers.Adam(args.learning_rate * hvd.size()))
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])

    callbacks = [
        # Start every worker from rank 0's initial weights.
        hvd.callbacks.BroadcastGlobalVariablesCallback(0),
        hvd.callbacks.MetricAverageCallback(),
    ]
    model.fit(
        x_train,
        y_train,
        batch_size=args.batch_size,
        epochs=args.epochs,
        validation_data=(x_test, y_test),
        callbacks=callbacks,
        verbose=2 if hvd.rank() == 0 else 0,
    )

    if hvd.rank() == 0:
        model.save(os.path.join(args.sm_model_dir, "1"))
