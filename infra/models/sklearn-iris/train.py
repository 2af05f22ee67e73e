"""Iris random forest with scikit-learn: trains on a CSV channel (label in the first column),
saves model.joblib, and holds the hosting function the endpoint uses."""

import argparse
import os

import joblib
import numpy as np
from sklearn.ensemble import RandomForestClassifier


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n_estimators", type=int, default=100)
    parser.add_argument("--max_depth", type=int, default=None)
    args = parser.parse_args()
    directory = os.environ["SM_CHANNEL_TRAIN"]
    data = np.vstack([np.loadtxt(os.path.join(directory, name), delimiter=",") for name in sorted(os.listdir(directory))])
    model = RandomForestClassifier(n_estimators=args.n_estimators, max_depth=args.max_depth).fit(data[:, 1:], data[:, 0])
    joblib.dump(model, os.path.join(os.environ["SM_MODEL_DIR"], "model.joblib"))


def model_fn(model_dir: str):
    return joblib.load(os.path.join(model_dir, "model.joblib"))


if __name__ == "__main__":
    main()
