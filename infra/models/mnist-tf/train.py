"""MNIST classifier, TensorFlow 2 script mode (see infra/models/mnist-tf.yaml).

SageMaker runs `python train.py --epochs 10 --batch-size 128 ... --model_dir s3://...`.
Channels arrive as directories named by SM_CHANNEL_<NAME>; whatever is written to SM_MODEL_DIR
(/opt/ml/model) is uploaded as model.tar.gz. TensorFlow Serving expects a numbered SavedModel
directory, hence SM_MODEL_DIR/1.

Expected data: train/x_train.npy, train/y_train.npy, test/x_test.npy, test/y_test.npy
(uint8 images of 28x28 and integer labels 0-9).
"""

import argparse
import os

import numpy as np
import tensorflow as tf


def parse_args():
    parser = argparse.ArgumentParser()
    # Hyperparameters sent by the estimator.
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--learning-rate", type=float, default=0.001)
    # Passed by the SDK in script mode (an S3 location); the model itself goes to SM_MODEL_DIR.
    parser.add_argument("--model_dir", type=str)
    parser.add_argument("--sm-model-dir", type=str, default=os.environ.get("SM_MODEL_DIR"))
    parser.add_argument("--train", type=str, default=os.environ.get("SM_CHANNEL_TRAIN"))
    parser.add_argument("--test", type=str, default=os.environ.get("SM_CHANNEL_TEST"))
    args, _ = parser.parse_known_args()
    return args


def load(directory, split):
    x = np.load(os.path.join(directory, f"x_{split}.npy")).astype("float32") / 255.0
    y = np.load(os.path.join(directory, f"y_{split}.npy")).astype("int64")
    return x[..., np.newaxis], y


def build_model(learning_rate):
    model = tf.keras.Sequential(
        [
            tf.keras.layers.Conv2D(32, 3, activation="relu", input_shape=(28, 28, 1)),
            tf.keras.layers.MaxPooling2D(),
            tf.keras.layers.Conv2D(64, 3, activation="relu"),
            tf.keras.layers.MaxPooling2D(),
            tf.keras.layers.Flatten(),
            tf.keras.layers.Dense(128, activation="relu"),
            tf.keras.layers.Dropout(0.2),
            tf.keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=tf.keras.optimizers.Adam(learning_rate=learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


if __name__ == "__main__":
    args = parse_args()
    x_train, y_train = load(args.train, "train")
    x_test, y_test = load(args.test, "test")

    model = build_model(args.learning_rate)
    model.fit(
        x_train,
        y_train,
        batch_size=args.batch_size,
        epochs=args.epochs,
        validation_data=(x_test, y_test),
        verbose=2,
    )
    # Version "1" of the SavedModel: the layout TensorFlow Serving loads.
    model.save(os.path.join(args.sm_model_dir, "1"))
