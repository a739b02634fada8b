#!/usr/bin/python3
"""Scores generated digits with a LeNet classifier: how many classes they cover and how confidently.

    /usr/bin/python3 examples/pytorch/score_samples.py --classifier lenet.safetensors --samples samples.safetensors

The classifier is adjoint's `lenet --save` checkpoint (PyTorch state_dict names); the samples are a
float32 tensor 'samples' [N, 1, 28, 28] in [-1, 1] (written by `dcgan --samples` or dcgan.py --samples),
mapped back to [0, 1] as the classifier was trained. Prints the share of each predicted digit, the number
of digits with at least 3% of the samples, and the mean confidence (the top softmax probability).
"""
import argparse

import torch

from lenet import load_safetensors, model  # the LeNet twin: same model, same file reader


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--classifier", required=True)
    p.add_argument("--samples", required=True)
    a = p.parse_args()
    lenet = model()
    state = {k: v.float() for k, v in load_safetensors(a.classifier).items()}
    lenet.load_state_dict(state)
    lenet.eval()
    x = load_safetensors(a.samples)["samples"].float()
    with torch.no_grad():
        probs = torch.softmax(lenet((x + 1) / 2), 1)
    conf, cls = probs.max(1)
    share = torch.bincount(cls, minlength=10).float() / len(cls)
    print("share per digit:", " ".join(f"{d}:{s:.3f}" for d, s in enumerate(share.tolist())))
    print(f"digits with >= 3% of the samples: {int((share >= 0.03).sum())}, mean confidence: {conf.mean().item():.3f}")


if __name__ == "__main__":
    main()
