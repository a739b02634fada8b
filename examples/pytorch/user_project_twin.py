"""PyTorch's twin of examples/user-project's network: loads the checkpoint that program saved with
load_state_dict(strict=True) and reports its test accuracy, so a module whose layers are plain
fields is seen to cross to PyTorch under the same names.

    cd examples/user-project && mvn -q compile exec:java      # writes my-net.safetensors
    /usr/bin/python3 ../pytorch/user_project_twin.py my-net.safetensors --data data/mnist
"""
import argparse
import os

import numpy as np
import torch
import torch.nn as nn

from lenet import accuracy, load_safetensors, read_idx


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(16, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.conv2 = nn.Conv2d(16, 16, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(16)

    def forward(self, x):
        y = self.bn1(self.conv1(x)).relu()
        return (self.bn2(self.conv2(y)) + x).relu()


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(1, 16, 3, 2, 1, bias=False)
        self.bn = nn.BatchNorm2d(16)
        self.block1 = Block()
        self.block2 = Block()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.block2(self.block1(self.bn(self.stem(x)).relu()))
        return self.fc(self.pool(x).flatten(1))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("checkpoint")
    p.add_argument("--data", default="data/mnist")
    a = p.parse_args()
    m = Net()
    state = load_safetensors(a.checkpoint)
    m.load_state_dict(state, strict=True)
    print("loaded", a.checkpoint, "with load_state_dict(strict=True):", len(state), "tensors")
    xt = torch.from_numpy(read_idx(os.path.join(a.data, "t10k-images-idx3-ubyte")).astype(np.float32) / 255)
    yt = torch.from_numpy(read_idx(os.path.join(a.data, "t10k-labels-idx1-ubyte")).astype(np.int64))
    print(f"test accuracy: {accuracy(m, xt, yt):.4f}")


if __name__ == "__main__":
    main()
