"""One store's demand model with scikit-learn: trains on a CSV channel (units sold in the first
column, the features after it) and saves model.joblib at the archive's root, where the
multi-model endpoint's inference.py (sklearn-serverless/) loads it from."""

import argparse
import os

import joblib
import numpy as np
from sklearn.ensemble import GradientBoostingRegressor


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n_estimators", type=int, default=100)
    parser.add_argument("--learning_rate", type=float, default=0.1)
    args = parser.parse_args()
    directory = os.environ["SM_CHANNEL_TRAIN"]
    data = np.vstack([np.loadtxt(os.path.join(directory, name), delimiter=",") for name in sorted(os.listdir(directory))])
    model = GradientBoostingRegressor(n_estimators=args.n_estimators, learning_rate=args.learning_rate).fit(data[:, 1:], data[:, 0])
    joblib.dump(model, os.path.join(os.environ["SM_MODEL_DIR"], "model.joblib"))


if __name__ == "__main__":
    main()
