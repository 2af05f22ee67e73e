"""MNIST classifier with PyTorch DistributedDataParallel, launched by torchrun on every host.

torchrun sets RANK, LOCAL_RANK and WORLD_SIZE; SageMaker sets SM_CHANNEL_TRAIN and SM_MODEL_DIR.
The inference functions at the end serve the model (model_fn) when the endpoint loads it.
"""

import argparse
import os

import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x.view(-1, 784))))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--batch-size", type=int, default=128)
    args = parser.parse_args()
    dist.init_process_group("nccl")
    local_rank = int(os.environ["LOCAL_RANK"])
    torch.cuda.set_device(local_rank)
    data = torch.load(os.path.join(os.environ["SM_CHANNEL_TRAIN"], "train.pt"))
    images, labels = data["images"].float() / 255.0, data["labels"]
    model = nn.parallel.DistributedDataParallel(Net().cuda(), device_ids=[local_rank])
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)
    shard = range(dist.get_rank(), len(images), dist.get_world_size())
    for epoch in range(args.epochs):
        for start in range(0, len(shard), args.batch_size):
            index = list(shard[start:start + args.batch_size])
            loss = F.cross_entropy(model(images[index].cuda()), labels[index].cuda())
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        if dist.get_rank() == 0:
            print(f"epoch {epoch} loss: {loss.item():.4f}")
    if dist.get_rank() == 0:
        torch.save(model.module.state_dict(), os.path.join(os.environ["SM_MODEL_DIR"], "model.pth"))


def model_fn(model_dir):
    model = Net()
    model.load_state_dict(torch.load(os.path.join(model_dir, "model.pth"), map_location="cpu"))
    return model.eval()


if __name__ == "__main__":
    main()
