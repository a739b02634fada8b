#!/usr/bin/python3
"""PyTorch twin of `java -jar examples/target/adjoint-examples.jar bench --only resnet20` (and `--only dwnet`).

The same models as dev.adjoint.examples.SmallCnns, SGD(lr 0.1, momentum 0.9), batch 128 of random
CIFAR-shaped data (four fixed batches in turn); prints the median step time after the warm-up and
the peak resident memory. Needs Debian's PyTorch (apt-get install python3-torch):

    /usr/bin/python3 examples/pytorch/small_cnns.py resnet20 --threads 2
    /usr/bin/python3 examples/pytorch/small_cnns.py dwnet --threads 2
    /usr/bin/python3 examples/pytorch/small_cnns.py convs --threads 2   (per-kernel times, as `bench --only conv`)
"""
import argparse
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def conv3x3(i, o, stride):
    return nn.Conv2d(i, o, 3, stride, 1, bias=False)


class BasicBlock(nn.Module):
    def __init__(self, i, o, stride):
        super().__init__()
        self.conv1 = conv3x3(i, o, stride)
        self.bn1 = nn.BatchNorm2d(o)
        self.conv2 = conv3x3(o, o, 1)
        self.bn2 = nn.BatchNorm2d(o)
        self.shortcut = nn.Sequential()
        if stride != 1 or i != o:
            self.shortcut = nn.Sequential(nn.Conv2d(i, o, 1, stride, 0, bias=False), nn.BatchNorm2d(o))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + self.shortcut(x))


def resnet20(cin=3, classes=10):
    return nn.Sequential(conv3x3(cin, 16, 1), nn.BatchNorm2d(16), nn.ReLU(),
                         BasicBlock(16, 16, 1), BasicBlock(16, 16, 1), BasicBlock(16, 16, 1),
                         BasicBlock(16, 32, 2), BasicBlock(32, 32, 1), BasicBlock(32, 32, 1),
                         BasicBlock(32, 64, 2), BasicBlock(64, 64, 1), BasicBlock(64, 64, 1),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, classes))


def dwnet(cin=3, classes=10):
    layers = [conv3x3(cin, 32, 1), nn.BatchNorm2d(32), nn.ReLU()]
    c = 32
    for block in range(1, 5):
        stride = 2 if block % 2 == 0 else 1
        layers += [nn.Conv2d(c, c, 3, stride, 1, groups=c, bias=False), nn.BatchNorm2d(c), nn.ReLU(),
                   nn.Conv2d(c, 2 * c, 1, bias=False), nn.BatchNorm2d(2 * c), nn.ReLU()]
        c *= 2
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, classes)]
    return nn.Sequential(*layers)


def peak_resident_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def batchnorm(a):
    """BatchNorm2d(16) in training mode on [128, 16, 32, 32]: median ms of forward + backward, as `bench --only batchnorm`."""
    bn = nn.BatchNorm2d(16)
    x = torch.randn(128, 16, 32, 32, requires_grad=True)
    gy = torch.randn(128, 16, 32, 32)
    times = []
    for step in range(5 * (a.warmup + a.steps)):
        t0 = time.perf_counter()
        bn.zero_grad()
        x.grad = None
        bn(x).backward(gy)
        if step >= 5 * a.warmup:
            times.append(time.perf_counter() - t0)
    print(f"batchnorm median {statistics.median(times) * 1e3:.2f} ms per forward+backward of BatchNorm2d(16) on [128, 16, 32, 32] "
          f"(PyTorch {torch.__version__}, {a.threads} threads)")


def convs(a):
    """The small CNNs' convolutions of `bench --only conv`, batch 128: median ms of the forward, the input
    gradient and the weight gradient, each on its own (the gradients through torch.autograd.grad)."""
    for cin, cout, hw, k, stride in [(3, 16, 32, 3, 1), (16, 16, 32, 3, 1), (16, 32, 32, 3, 2), (32, 32, 16, 3, 1), (64, 64, 8, 3, 1),
                                     (32, 64, 16, 1, 1), (128, 256, 8, 1, 1)]:
        conv = nn.Conv2d(cin, cout, k, stride, k // 2, bias=False)
        x = torch.randn(128, cin, hw, hw, requires_grad=True)
        gy = torch.randn_like(conv(x))
        forward, input_grad, weight_grad = [], [], []
        for step in range(a.warmup + a.steps):
            t0 = time.perf_counter()
            y = conv(x)
            t1 = time.perf_counter()
            torch.autograd.grad(y, x, gy, retain_graph=True)
            t2 = time.perf_counter()
            torch.autograd.grad(y, conv.weight, gy)
            t3 = time.perf_counter()
            if step >= a.warmup:
                forward.append(t1 - t0)
                input_grad.append(t2 - t1)
                weight_grad.append(t3 - t2)
        f, i, w = (statistics.median(v) * 1e3 for v in (forward, input_grad, weight_grad))
        print(f"  {cin:3d}->{cout:<3d} {k}x{k} stride {stride} at {hw:2d}x{hw:<2d}  forward {f:6.2f}  input grad {i:6.2f}  "
              f"weight grad {w:6.2f}  (PyTorch {torch.__version__}, {a.threads} threads)")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("model", choices=["resnet20", "dwnet", "batchnorm", "convs"])
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    if a.model == "batchnorm":
        batchnorm(a)
        return
    if a.model == "convs":
        convs(a)
        return
    model = resnet20() if a.model == "resnet20" else dwnet()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    inputs = [torch.randn(128, 3, 32, 32) for _ in range(4)]
    labels = [torch.randint(0, 10, (128,)) for _ in range(4)]
    times = []
    loss = 0.0
    for step in range(a.warmup + a.steps):
        t0 = time.perf_counter()
        out = F.cross_entropy(model(inputs[step % 4]), labels[step % 4])
        opt.zero_grad()
        out.backward()
        opt.step()
        loss = out.item()
        if step >= a.warmup:
            times.append(time.perf_counter() - t0)
    print(f"{a.model:8s} median {statistics.median(times) * 1e3:.1f} ms per training step (batch 128, steps {a.warmup + 1}-"
          f"{a.warmup + a.steps}, PyTorch {torch.__version__}, {a.threads} threads), loss {loss:.4f}, "
          f"peak resident {peak_resident_mb():.0f} MB")


if __name__ == "__main__":
    main()
