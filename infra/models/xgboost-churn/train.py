"""Customer churn with XGBoost in framework mode: trains on CSV channels (label in the first
column) and holds the SageMaker XGBoost container's hosting functions."""

import argparse
import json
import os

import numpy as np
import xgboost as xgb


def _matrix(channel: str) -> xgb.DMatrix:
    directory = os.environ[f"SM_CHANNEL_{channel.upper()}"]
    frames = [np.loadtxt(os.path.join(directory, name), delimiter=",") for name in sorted(os.listdir(directory))]
    data = np.vstack(frames)
    return xgb.DMatrix(data[:, 1:], label=data[:, 0])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max_depth", type=int, default=5)
    parser.add_argument("--eta", type=float, default=0.2)
    parser.add_argument("--objective", default="binary:logistic")
    parser.add_argument("--num_round", type=int, default=100)
    args = parser.parse_args()
    params = {"max_depth": args.max_depth, "eta": args.eta, "objective": args.objective, "eval_metric": "auc"}
    train, validation = _matrix("train"), _matrix("validation")
    booster = xgb.train(params, train, num_boost_round=args.num_round, evals=[(train, "train"), (validation, "validation")])
    booster.save_model(os.path.join(os.environ["SM_MODEL_DIR"], "xgboost-model"))


def model_fn(model_dir: str) -> xgb.Booster:
    booster = xgb.Booster()
    booster.load_model(os.path.join(model_dir, "xgboost-model"))
    return booster


def predict_fn(data: xgb.DMatrix, booster: xgb.Booster) -> list:
    return json.loads(json.dumps(booster.predict(data).tolist()))


if __name__ == "__main__":
    main()
