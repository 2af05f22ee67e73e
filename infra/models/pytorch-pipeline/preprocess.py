"""Split the raw churn CSV files into train and test sets (scikit-learn image)."""

import argparse
import glob
import os

import pandas as pd
from sklearn.model_selection import train_test_split

parser = argparse.ArgumentParser()
parser.add_argument("--test-fraction", type=float, default=0.2)
args = parser.parse_args()

frames = [pd.read_csv(path) for path in sorted(glob.glob("/opt/ml/processing/input/*.csv"))]
data = pd.concat(frames, ignore_index=True)
train, test = train_test_split(data, test_size=args.test_fraction, random_state=0, stratify=data["churn"])
for name, part in (("train", train), ("test", test)):
    os.makedirs(f"/opt/ml/processing/{name}", exist_ok=True)
    part.to_csv(f"/opt/ml/processing/{name}/{name}.csv", index=False)
print(f"train: {len(train)} rows, test: {len(test)} rows")
