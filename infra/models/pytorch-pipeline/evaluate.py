"""Score the trained model on the test split; write evaluation.json (accuracy) for the report."""

import json
import os
import tarfile

import pandas as pd
import torch

with tarfile.open("/opt/ml/processing/model/model.tar.gz") as archive:
    archive.extractall("/opt/ml/processing/model", filter="data")
model = torch.load("/opt/ml/processing/model/model.pth", weights_only=False)
test = pd.read_csv("/opt/ml/processing/test/test.csv")
labels = test.pop("churn").values
with torch.no_grad():
    scores = model(torch.tensor(test.select_dtypes("number").values, dtype=torch.float32)).squeeze(1)
accuracy = float(((scores > 0).numpy() == labels).mean())
os.makedirs("/opt/ml/processing/evaluation", exist_ok=True)
with open("/opt/ml/processing/evaluation/evaluation.json", "w") as out:
    json.dump({"metrics": {"accuracy": {"value": accuracy}}}, out)
print(f"accuracy: {accuracy:.4f}")
