"""A small PyTorch classifier of the prepared churn data (label column: churn)."""

import argparse
import glob
import os

import pandas as pd
import torch
from torch import nn

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=20)
args = parser.parse_args()

data = pd.concat(pd.read_csv(p) for p in sorted(glob.glob(os.path.join(os.environ["SM_CHANNEL_TRAIN"], "*.csv"))))
labels = torch.tensor(data.pop("churn").values, dtype=torch.float32).unsqueeze(1)
features = torch.tensor(data.select_dtypes("number").values, dtype=torch.float32)
model = nn.Sequential(nn.Linear(features.shape[1], 32), nn.ReLU(), nn.Linear(32, 1))
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
loss_fn = nn.BCEWithLogitsLoss()
for epoch in range(args.epochs):
    optimizer.zero_grad()
    loss = loss_fn(model(features), labels)
    loss.backward()
    optimizer.step()
    print(f"epoch {epoch} loss: {loss.item():.4f}")
torch.save(model, os.path.join(os.environ["SM_MODEL_DIR"], "model.pth"))


def model_fn(model_dir):
    return torch.load(os.path.join(model_dir, "model.pth"), weights_only=False)
