"""Fine-tune a Hugging Face model for sequence classification (see infra/models/hf-finetune.yaml).

SageMaker runs `python train.py --model_name_or_path distilbert-base-uncased --epochs 1 ...`.
The train and test channels hold tokenizable datasets written with ``Dataset.save_to_disk``
(columns ``text`` and ``label``); they arrive as the directories SM_CHANNEL_TRAIN and
SM_CHANNEL_TEST. Whatever is written to SM_MODEL_DIR (/opt/ml/model) becomes model.tar.gz: the
model and its tokenizer, which the inference toolkit's default handler loads to serve.
"""

import argparse
import logging
import os
import sys

import numpy as np
from datasets import load_from_disk
from transformers import AutoModelForSequenceClassification, AutoTokenizer, Trainer, TrainingArguments


def parse_args():
    parser = argparse.ArgumentParser()
    # Hyperparameters sent by the estimator.
    parser.add_argument("--model_name_or_path", type=str, default="distilbert-base-uncased")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--train_batch_size", type=int, default=32)
    parser.add_argument("--eval_batch_size", type=int, default=64)
    parser.add_argument("--learning_rate", type=float, default=5e-5)
    parser.add_argument("--warmup_steps", type=int, default=500)
    # Set by SageMaker.
    parser.add_argument("--model_dir", type=str, default=os.environ.get("SM_MODEL_DIR"))
    parser.add_argument("--output_data_dir", type=str, default=os.environ.get("SM_OUTPUT_DATA_DIR"))
    parser.add_argument("--n_gpus", type=int, default=int(os.environ.get("SM_NUM_GPUS", "0")))
    parser.add_argument("--train", type=str, default=os.environ.get("SM_CHANNEL_TRAIN"))
    parser.add_argument("--test", type=str, default=os.environ.get("SM_CHANNEL_TEST"))
    args, _ = parser.parse_known_args()
    return args


def accuracy(eval_prediction):
    logits, labels = eval_prediction
    return {"accuracy": float((np.argmax(logits, axis=-1) == labels).mean())}


def main():
    args = parse_args()
    logging.basicConfig(level=logging.INFO, handlers=[logging.StreamHandler(sys.stdout)])
    tokenizer = AutoTokenizer.from_pretrained(args.model_name_or_path)

    def tokenize(batch):
        return tokenizer(batch["text"], padding="max_length", truncation=True)

    train = load_from_disk(args.train).map(tokenize, batched=True)
    test = load_from_disk(args.test).map(tokenize, batched=True)
    model = AutoModelForSequenceClassification.from_pretrained(args.model_name_or_path, num_labels=2)
    training_args = TrainingArguments(
        output_dir=os.path.join(args.output_data_dir or "/tmp", "checkpoints"),
        num_train_epochs=args.epochs,
        per_device_train_batch_size=args.train_batch_size,
        per_device_eval_batch_size=args.eval_batch_size,
        warmup_steps=args.warmup_steps,
        learning_rate=args.learning_rate,
        eval_strategy="epoch",
        logging_dir=os.path.join(args.output_data_dir or "/tmp", "logs"),
        report_to=[],
    )
    trainer = Trainer(model=model, args=training_args, train_dataset=train, eval_dataset=test, compute_metrics=accuracy, tokenizer=tokenizer)
    trainer.train()
    print(trainer.evaluate())  # "'eval_loss': ..., 'eval_accuracy': ..." for the metric definitions
    # The default inference handler loads the model and the tokenizer from model.tar.gz.
    trainer.save_model(args.model_dir)


if __name__ == "__main__":
    main()
