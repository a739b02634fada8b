#!/usr/bin/python3
"""PyTorch twin of adjoint's `lenet` example: a comparison tool, not a dependency.

Same model, data order semantics, optimizer and batch size as
`java -jar examples/target/adjoint-examples.jar lenet`. Needs Debian's PyTorch
(apt-get install python3-torch), run as /usr/bin/python3.

    /usr/bin/python3 examples/pytorch/lenet.py --epochs 1 --threads 2          # time and accuracy
    /usr/bin/python3 examples/pytorch/lenet.py --epochs 0 --load m.safetensors  # evaluate adjoint's checkpoint
    /usr/bin/python3 examples/pytorch/lenet.py --epochs 1 --save t.safetensors  # write one for adjoint to load
"""
import argparse
import json
import os
import statistics
import struct
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    magic, n = struct.unpack(">II", data[:8])
    if magic == 0x803:
        rows, cols = struct.unpack(">II", data[8:16])
        return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(n, 1, rows, cols)
    return np.frombuffer(data, dtype=np.uint8, offset=8)


def model():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


# safetensors by hand: torch 1.13 on Debian has no safetensors package.
DTYPES = {"F32": (torch.float32, 4), "F64": (torch.float64, 8), "I64": (torch.int64, 8)}


def load_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        dtype, width = DTYPES[e["dtype"]]
        begin, end = e["data_offsets"]
        raw = bytearray(data[8 + n + begin:8 + n + end])
        out[name] = torch.frombuffer(raw, dtype=dtype).reshape(e["shape"]) if raw else torch.zeros(e["shape"], dtype=dtype)
    return out


def save_safetensors(state, path):
    header, blobs, offset = {}, [], 0
    for name, t in state.items():
        t = t.detach().contiguous().cpu()
        code = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64"}[t.dtype]
        b = t.numpy().tobytes()
        header[name] = {"dtype": code, "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def accuracy(m, x, y):
    m.eval()
    with torch.no_grad():
        pred = torch.cat([m(x[i:i + 1000]).argmax(1) for i in range(0, len(x), 1000)])
    m.train()
    return (pred == y).float().mean().item()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--data", default="data/mnist")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--load")
    p.add_argument("--save")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    xs = torch.from_numpy(read_idx(os.path.join(a.data, "train-images-idx3-ubyte")).astype(np.float32) / 255)
    ys = torch.from_numpy(read_idx(os.path.join(a.data, "train-labels-idx1-ubyte")).astype(np.int64))
    xt = torch.from_numpy(read_idx(os.path.join(a.data, "t10k-images-idx3-ubyte")).astype(np.float32) / 255)
    yt = torch.from_numpy(read_idx(os.path.join(a.data, "t10k-labels-idx1-ubyte")).astype(np.int64))
    m = model()
    if a.load:
        m.load_state_dict(load_safetensors(a.load), strict=True)
        print("loaded", a.load, "with load_state_dict(strict=True)")
    opt = torch.optim.SGD(m.parameters(), lr=a.lr, momentum=0.9)
    for epoch in range(1, a.epochs + 1):
        g = torch.Generator().manual_seed(a.seed + epoch)
        order = torch.randperm(len(xs), generator=g)
        steps = []
        start = time.perf_counter()
        total = 0.0
        for i in range(0, len(xs), a.batch_size):
            t0 = time.perf_counter()
            idx = order[i:i + a.batch_size]
            loss = F.cross_entropy(m(xs[idx]), ys[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
            steps.append((time.perf_counter() - t0) * 1000)
        secs = time.perf_counter() - start
        print(f"epoch {epoch}: train loss {total / len(xs):.4f}, test accuracy {accuracy(m, xt, yt):.4f}, time {secs:.1f} s, "
              f"median step {statistics.median(steps):.2f} ms")
    if a.save:
        save_safetensors(m.state_dict(), a.save)
        print("saved", a.save)
    print(f"test accuracy: {accuracy(m, xt, yt):.4f}")


if __name__ == "__main__":
    main()
