#!/usr/bin/python3
"""PyTorch twin of three loops of `java -jar examples/target/adjoint-examples.jar bench --only memory`.

resnet20:   ResNet-20 training, batch 128, SGD(0.1, momentum 0.9), 60 steps.
accumulate: ResNet-20, 20 optimizer steps each over 8 accumulated micro-batches of 16.
eval-in-training: LeNet, 500 steps of batch 64, 10 batches of 1,000 random images evaluated with
            grad on (no torch.no_grad()), 500 more steps; prints training's peak and the resident
            memory right after the evaluation.
Prints resident and peak resident memory at the end. Needs Debian's PyTorch (apt-get install python3-torch):

    /usr/bin/python3 examples/pytorch/memory_loops.py resnet20 --threads 2
    /usr/bin/python3 examples/pytorch/memory_loops.py accumulate --threads 2
    /usr/bin/python3 examples/pytorch/memory_loops.py eval-in-training --threads 2
"""
import argparse

import torch
import torch.nn.functional as F

from lenet import model as lenet
from small_cnns import resnet20


def resident_mb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def labels(n):
    return torch.tensor([(i * 7) % 10 for i in range(n)])


def train(model, opt, x, y, steps):
    for _ in range(steps):
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()


def resnet20_loop():
    model = resnet20()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    train(model, opt, torch.randn(128, 3, 32, 32), labels(128), 60)
    return "ResNet-20 training, batch 128, 60 steps", ""


def accumulate_loop():
    model = resnet20()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    micro, y = [torch.randn(16, 3, 32, 32) for _ in range(8)], labels(16)
    for _ in range(20):
        opt.zero_grad()
        for m in micro:
            (F.cross_entropy(model(m), y) / len(micro)).backward()
        opt.step()
    return "ResNet-20, 20 steps of 8 accumulated micro-batches of 16", ""


def eval_in_training_loop():
    model = lenet()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x, y = torch.randn(64, 1, 28, 28), labels(64)
    train(model, opt, x, y, 500)
    training_peak = resident_mb("VmHWM")
    correct = 0
    for _ in range(10):  # no torch.no_grad(): each batch's graph is recorded and dropped
        correct += int((model(torch.randn(1000, 1, 28, 28)).argmax(1) == labels(1000)).sum())
    after_eval = resident_mb("VmRSS")
    train(model, opt, x, y, 500)
    return ("LeNet: 500 steps, 10,000 images evaluated with grad on, 500 steps",
            f"; training's peak before {training_peak:.0f} MB, resident right after the evaluation {after_eval:.0f} MB ({correct} correct)")


LOOPS = {"resnet20": resnet20_loop, "accumulate": accumulate_loop, "eval-in-training": eval_in_training_loop}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("loop", choices=list(LOOPS))
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    what, extra = LOOPS[a.loop]()
    print(f"{a.loop:16s} resident {resident_mb('VmRSS'):5.0f} MB, peak {resident_mb('VmHWM'):5.0f} MB | {what}{extra} | PyTorch {torch.__version__}, "
          f"{a.threads} threads")


if __name__ == "__main__":
    main()
