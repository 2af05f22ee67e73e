"""Binary classifier on TFRecords read in Pipe mode (see infra/models/tf-pipe.yaml).

In Pipe mode the "training" channel is a FIFO, not a directory: PipeModeDataset reads it.
Each pass over the data is a new FIFO, so repeating the dataset once per epoch replays it;
keep steps-per-epoch x batch-size at most the number of records in one pass.

Record format: {"features": bytes of float32[FEATURES], "label": int64 0/1}.
"""

import argparse
import os

import tensorflow as tf
from sagemaker_tensorflow import PipeModeDataset

FEATURES = 32

FEATURE_SPEC = {
    "features": tf.io.FixedLenFeature([], tf.string),
    "label": tf.io.FixedLenFeature([], tf.int64),
}


def parse(record):
    parsed = tf.io.parse_single_example(record, FEATURE_SPEC)
    features = tf.reshape(tf.io.decode_raw(parsed["features"], tf.float32), [FEATURES])
    return features, parsed["label"]


def dataset(epochs, batch_size):
    ds = PipeModeDataset(channel="training", record_format="TFRecord")
    ds = ds.repeat(epochs)
    ds = ds.prefetch(10)
    ds = ds.map(parse, num_parallel_calls=10)
    return ds.batch(batch_size)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--steps-per-epoch", type=int, default=500)
    parser.add_argument("--model_dir", type=str)
    parser.add_argument("--sm-model-dir", type=str, default=os.environ.get("SM_MODEL_DIR"))
    args, _ = parser.parse_known_args()

    model = tf.keras.Sequential(
        [
            tf.keras.layers.Dense(64, activation="relu", input_shape=(FEATURES,)),
            tf.keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=[tf.keras.metrics.AUC(name="auc")])
    model.fit(
        dataset(args.epochs, args.batch_size),
        epochs=args.epochs,
        steps_per_epoch=args.steps_per_epoch,
        verbose=2,
    )
    model.save(os.path.join(args.sm_model_dir, "1"))
