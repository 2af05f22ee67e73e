"""Hosting functions of the SageMaker scikit-learn container for a joblib-saved estimator."""

import os

import joblib


def model_fn(model_dir: str):
    return joblib.load(os.path.join(model_dir, "model.joblib"))


def predict_fn(data, model):
    return model.predict(data)
