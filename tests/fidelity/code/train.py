"""Training script used by the fidelity configurations (never run; packaged only)."""
import argparse
import os

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--model_dir", type=str)
    args, _ = parser.parse_known_args()
    print(args, os.environ.get("SM_MODEL_DIR"))
