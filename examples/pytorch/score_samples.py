#!/usr/bin/python3
"""Scores generated digits with a LeNet classifier: how many classes they cover and how confidently.

    /usr/bin/python3 examples/pytorch/score_samples.py --classifier lenet.safetensors --samples samples.safetensors

The classifier is adjoint's `lenet --save` checkpoint (PyTorch state_dict names); the samples are a
float32 tensor 'samples' [N, 1, 28, 28] in [-1, 1] (written by `dcgan --samples` or dcgan.py --samples),
mapped back to [0, 1] as the classifier was trained. Prints the share of each predicted digit, the number
of digits with at least 3% of the samples, and the mean confidence (the top softmax probability).
"""
import argparse
import json
import struct

import numpy as np
import torch
import torch.nn as nn


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        b, e = v["data_offsets"]
        dtype = {"F32": np.float32, "F64": np.float64, "I64": np.int64}[v["dtype"]]
        out[k] = torch.from_numpy(np.frombuffer(data[8 + n + b:8 + n + e], dtype=dtype).copy().reshape(v["shape"]))
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--classifier", required=True)
    p.add_argument("--samples", required=True)
    a = p.parse_args()
    lenet = nn.Sequential(nn.Conv2d(1, 6, 5, 1, 2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    state = {k: v.float() for k, v in read_safetensors(a.classifier).items()}
    lenet.load_state_dict(state)
    lenet.eval()
    x = read_safetensors(a.samples)["samples"].float()
    with torch.no_grad():
        probs = torch.softmax(lenet((x + 1) / 2), 1)
    conf, cls = probs.max(1)
    share = torch.bincount(cls, minlength=10).float() / len(cls)
    print("share per digit:", " ".join(f"{d}:{s:.3f}" for d, s in enumerate(share.tolist())))
    print(f"digits with >= 3% of the samples: {int((share >= 0.03).sum())}, mean confidence: {conf.mean().item():.3f}")


if __name__ == "__main__":
    main()
