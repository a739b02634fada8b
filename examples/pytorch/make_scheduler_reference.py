#!/usr/bin/python3
"""Writes PyTorch's learning-rate sequences for adjoint's schedulers (layers/src/test/resources/schedulers.json).

Each case: the scheduler and its arguments, an SGD optimizer with lr 0.1, and the learning rate after
construction and after each of 100 steps (ReduceLROnPlateau: after each step with the given metric).
Run with Debian's PyTorch: /usr/bin/python3 examples/pytorch/make_scheduler_reference.py
"""
import json
import math
import os

import torch
from torch.optim import lr_scheduler as S

STEPS = 100


def run(make, metrics=None):
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1, momentum=0.9)
    sched = make(opt)
    lrs = [opt.param_groups[0]["lr"]]
    for i in range(STEPS):
        opt.step()
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[i])
        lrs.append(opt.param_groups[0]["lr"])
    return lrs


def main():
    plateau_metrics = [1.0 / (1 + i) if i < 20 else 0.05 + 0.001 * math.sin(i) for i in range(STEPS)]
    cases = [
        {"name": "StepLR", "args": {"step_size": 7, "gamma": 0.5}, "lrs": run(lambda o: S.StepLR(o, 7, 0.5))},
        {"name": "MultiStepLR", "args": {"milestones": [10, 30, 30, 80], "gamma": 0.2},
         "lrs": run(lambda o: S.MultiStepLR(o, [10, 30, 30, 80], 0.2))},
        {"name": "CosineAnnealingLR", "args": {"T_max": 40}, "lrs": run(lambda o: S.CosineAnnealingLR(o, 40))},
        {"name": "CosineAnnealingLR", "args": {"T_max": 100, "eta_min": 0.001}, "lrs": run(lambda o: S.CosineAnnealingLR(o, 100, 0.001))},
        {"name": "LambdaLR", "args": {"lambda": "0.95 ** epoch"}, "lrs": run(lambda o: S.LambdaLR(o, lambda e: 0.95 ** e))},
        {"name": "LinearLR", "args": {"start_factor": 0.25, "end_factor": 1.0, "total_iters": 10},
         "lrs": run(lambda o: S.LinearLR(o, 0.25, 1.0, 10))},
        {"name": "SequentialLR", "args": {"warmup": "LinearLR(0.1, 1.0, 5)", "then": "CosineAnnealingLR(95)", "milestones": [5]},
         "lrs": run(lambda o: S.SequentialLR(o, [S.LinearLR(o, 0.1, 1.0, 5), S.CosineAnnealingLR(o, 95)], [5]))},
        {"name": "OneCycleLR", "args": {"max_lr": 0.5, "total_steps": 101},
         "lrs": run(lambda o: S.OneCycleLR(o, 0.5, total_steps=101, cycle_momentum=False))},
        {"name": "ReduceLROnPlateau", "args": {"factor": 0.5, "patience": 3, "cooldown": 2, "min_lr": 0.004}, "metrics": plateau_metrics,
         "lrs": run(lambda o: S.ReduceLROnPlateau(o, factor=0.5, patience=3, cooldown=2, min_lr=0.004), plateau_metrics)},
    ]
    out = os.path.join(os.path.dirname(__file__), "..", "..", "layers", "src", "test", "resources", "schedulers.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump(cases, f, indent=1)


if __name__ == "__main__":
    main()
