"""Iris classifier for TensorFlow 1.12 *legacy mode* (see infra/models/tf-legacy-iris.yaml).

Python 2.7 compatible, as legacy-mode images require. SageMaker imports this module and calls:

* model_fn(features, labels, mode, hyperparameters) -> tf.estimator.EstimatorSpec
* train_input_fn(training_dir, hyperparameters)     -> (features, labels)
* eval_input_fn(training_dir, hyperparameters)      -> (features, labels)
* serving_input_fn(hyperparameters)                 -> ServingInputReceiver (export for serving)

training_dir is the local copy of the "training" channel: iris_training.csv and iris_test.csv
(CSV without header: four float features, then the class 0-2).
"""

import os

import numpy as np
import tensorflow as tf

INPUT_TENSOR_NAME = "inputs"
NUM_FEATURES = 4
NUM_CLASSES = 3


def model_fn(features, labels, mode, hyperparameters):
    """A small DNN: two hidden layers, softmax over the three species."""
    net = features[INPUT_TENSOR_NAME]
    net = tf.layers.dense(net, 10, activation=tf.nn.relu)
    net = tf.layers.dense(net, 20, activation=tf.nn.relu)
    logits = tf.layers.dense(net, NUM_CLASSES)
    classes = tf.argmax(logits, axis=1)

    if mode == tf.estimator.ModeKeys.PREDICT:
        predictions = {"classes": classes, "probabilities": tf.nn.softmax(logits)}
        return tf.estimator.EstimatorSpec(
            mode=mode,
            predictions=predictions,
            export_outputs={"serving_default": tf.estimator.export.PredictOutput(predictions)},
        )

    loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
    eval_metric_ops = {"accuracy": tf.metrics.accuracy(labels=labels, predictions=classes)}
    optimizer = tf.train.GradientDescentOptimizer(learning_rate=float(hyperparameters.get("learning_rate", 0.05)))
    # The global step lets several instances share one count of steps (distributed legacy mode).
    train_op = optimizer.minimize(loss, global_step=tf.train.get_or_create_global_step())
    return tf.estimator.EstimatorSpec(mode=mode, loss=loss, train_op=train_op, eval_metric_ops=eval_metric_ops)


def train_input_fn(training_dir, hyperparameters):
    return _input_fn(training_dir, "iris_training.csv", shuffle=True)


def eval_input_fn(training_dir, hyperparameters):
    return _input_fn(training_dir, "iris_test.csv", shuffle=False)


def serving_input_fn(hyperparameters):
    """Placeholders TensorFlow Serving feeds with the request's instances."""
    tensor = tf.placeholder(tf.float32, shape=[None, NUM_FEATURES])
    return tf.estimator.export.build_raw_serving_input_receiver_fn({INPUT_TENSOR_NAME: tensor})()


def _input_fn(training_dir, filename, shuffle):
    data = np.loadtxt(os.path.join(training_dir, filename), delimiter=",", dtype=np.float32)
    features, labels = data[:, :NUM_FEATURES], data[:, NUM_FEATURES].astype(np.int32)
    return tf.estimator.inputs.numpy_input_fn(
        x={INPUT_TENSOR_NAME: features},
        y=labels,
        num_epochs=None,
        shuffle=shuffle,
    )()
