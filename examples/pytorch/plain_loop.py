#!/usr/bin/python3
"""PyTorch twin of `java -jar examples/target/adjoint-examples.jar plain-loop`: a comparison tool.

The same LeNet-5, SGD(lr 0.01, momentum 0.9), batch 64, on 8 fixed synthetic batches, for 3,000
steps; prints the median and mean step time after step 500 and the resident memory at steps 500
and 3,000. Needs Debian's PyTorch (apt-get install python3-torch), run as /usr/bin/python3:

    /usr/bin/python3 examples/pytorch/plain_loop.py --threads 2
"""
import argparse
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def resident_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--steps", type=int, default=3000)
    p.add_argument("--report", type=int, default=500)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    inputs = [torch.randn(64, 1, 28, 28) for _ in range(8)]
    labels = [torch.randint(0, 10, (64,)) for _ in range(8)]
    model = nn.Sequential(
        nn.Conv2d(1, 6, 5, 1, 2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    times = []
    rss_report = None
    loss = 0.0
    for step in range(a.steps):
        t0 = time.perf_counter()
        out = F.cross_entropy(model(inputs[step % 8]), labels[step % 8])
        optimizer.zero_grad()
        out.backward()
        optimizer.step()
        loss = out.item()
        times.append(time.perf_counter() - t0)
        if step + 1 == a.report:
            rss_report = resident_mb()
    rss_end = resident_mb()
    steady = times[a.report:]
    print(f"plain loop (PyTorch {torch.__version__}, {a.threads} threads): {a.steps} steps of batch 64, loss {loss:.4f}")
    print(f"steady step (steps {a.report + 1}-{a.steps}): median {statistics.median(steady) * 1e3:.2f} ms, mean {statistics.mean(steady) * 1e3:.2f} ms")
    print(f"resident memory: step {a.report} {rss_report:.0f} MB, step {a.steps} {rss_end:.0f} MB, ratio {rss_end / rss_report:.2f}")


if __name__ == "__main__":
    main()
