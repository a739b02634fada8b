#!/usr/bin/python3
"""PyTorch twin of `java -jar examples/target/adjoint-examples.jar dcgan`: a comparison tool, not a dependency.

Same generator and discriminator, Adam(2e-4, betas (0.5, 0.999)), batch 64, images in [-1, 1], z ~ N(0, 1)
of size 64, the same alternating step. Needs Debian's PyTorch (apt-get install python3-torch):

    /usr/bin/python3 examples/pytorch/dcgan.py --epochs 1 --threads 2 --samples torch-samples.safetensors
"""
import argparse
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from lenet import read_idx, save_safetensors  # the twin scripts share their file readers and writers


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--data", default="data/mnist")
    p.add_argument("--samples", default=None)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    x = torch.from_numpy(read_idx(os.path.join(a.data, "train-images-idx3-ubyte")).astype(np.float32) / 255.0) * 2 - 1
    g = nn.Sequential(nn.Linear(64, 64 * 7 * 7), nn.Unflatten(1, (64, 7, 7)), nn.BatchNorm2d(64), nn.ReLU(),
                      nn.ConvTranspose2d(64, 32, 4, 2, 1), nn.BatchNorm2d(32), nn.ReLU(),
                      nn.ConvTranspose2d(32, 1, 4, 2, 1), nn.Tanh())
    d = nn.Sequential(nn.Conv2d(1, 32, 4, 2, 1), nn.LeakyReLU(0.2), nn.Conv2d(32, 64, 4, 2, 1), nn.BatchNorm2d(64),
                      nn.LeakyReLU(0.2), nn.Flatten(), nn.Linear(64 * 7 * 7, 1))
    opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    for epoch in range(1, a.epochs + 1):
        perm = torch.randperm(len(x))
        d_sum = g_sum = 0.0
        n = 0
        start = time.perf_counter()
        for i in range(0, len(x), 64):
            real = x[perm[i:i + 64]]
            b = len(real)
            ones, zeros = torch.ones(b, 1), torch.zeros(b, 1)
            fake = g(torch.randn(b, 64))
            d_loss = F.binary_cross_entropy_with_logits(d(real), ones) + F.binary_cross_entropy_with_logits(d(fake.detach()), zeros)
            opt_d.zero_grad()
            d_loss.backward()
            opt_d.step()
            g_loss = F.binary_cross_entropy_with_logits(d(fake), ones)
            opt_g.zero_grad()
            g_loss.backward()
            opt_g.step()
            d_sum += d_loss.item()
            g_sum += g_loss.item()
            n += 1
        print(f"epoch {epoch}: d loss {d_sum / n:.4f}, g loss {g_sum / n:.4f}, time {time.perf_counter() - start:.1f} s", flush=True)
    if a.samples:
        g.eval()
        with torch.no_grad():
            save_safetensors({"samples": g(torch.randn(1000, 64)).float()}, a.samples)
        print("samples:", a.samples)


if __name__ == "__main__":
    main()
