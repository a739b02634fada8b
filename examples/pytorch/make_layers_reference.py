#!/usr/bin/python3
"""Writes layers/src/test/resources/layers_reference.json: PyTorch 1.13 float64 values for adjoint's newer layers.

For each case: the layer's parameters (random, so that weight and bias matter), an input, the output,
and the gradients of sum(output * r) for a random r with respect to the input and every parameter.
NewLayersTest recomputes them with adjoint's layers. Run from the repository root:

    /usr/bin/python3 examples/pytorch/make_layers_reference.py
"""
import json

import torch
import torch.nn as nn

torch.manual_seed(11)
torch.set_default_dtype(torch.float64)


def t(x):
    return {"shape": list(x.shape), "data": x.detach().reshape(-1).tolist()}


def case(name, layer, x, args):
    with torch.no_grad():
        for p in layer.parameters():
            p.copy_(torch.randn_like(p) * 0.5 + (1 if p.dim() >= 1 and "weight" in name else 0))
    x = x.clone().requires_grad_(True)
    layer.train()
    y = layer(x)
    r = torch.randn_like(y)
    (y * r).sum().backward()
    return {
        "name": name, "layer": args["layer"], "args": args,
        "params": {k: t(v) for k, v in layer.named_parameters()},
        "x": t(x), "r": t(r), "y": t(y), "grad_x": t(x.grad),
        "grad_params": {k: t(v.grad) for k, v in layer.named_parameters()},
    }


gelu_x = torch.randn(4, 5)
gelu_x[0, 0] = 0.0
cases = [
    case("GroupNorm(2, 8)", nn.GroupNorm(2, 8), torch.randn(3, 8, 4, 5), {"layer": "GroupNorm", "groups": 2, "channels": 8}),
    case("LayerNorm(5)", nn.LayerNorm([5]), torch.randn(3, 4, 5), {"layer": "LayerNorm", "shape": [5]}),
    case("LayerNorm(4, 5)", nn.LayerNorm([4, 5]), torch.randn(3, 4, 5), {"layer": "LayerNorm", "shape": [4, 5]}),
    case("BatchNorm1d(6) [N, C]", nn.BatchNorm1d(6), torch.randn(7, 6), {"layer": "BatchNorm1d", "features": 6}),
    case("BatchNorm1d(6) [N, C, L]", nn.BatchNorm1d(6), torch.randn(4, 6, 5), {"layer": "BatchNorm1d", "features": 6}),
    case("GELU", nn.GELU(), gelu_x, {"layer": "GELU"}),
    case("SiLU", nn.SiLU(), torch.randn(4, 5), {"layer": "SiLU"}),
    case("AdaptiveAvgPool2d(3, 2)", nn.AdaptiveAvgPool2d((3, 2)), torch.randn(2, 3, 7, 5), {"layer": "AdaptiveAvgPool2d", "out": [3, 2]}),
    case("AdaptiveAvgPool2d(1)", nn.AdaptiveAvgPool2d(1), torch.randn(2, 3, 4, 4), {"layer": "AdaptiveAvgPool2d", "out": [1, 1]}),
    case("LogSoftmax(1)", nn.LogSoftmax(1), torch.randn(4, 6), {"layer": "LogSoftmax", "dim": 1}),
    case("Softmax(0)", nn.Softmax(0), torch.randn(4, 6), {"layer": "Softmax", "dim": 0}),
    case("Unflatten(1, 2, 3)", nn.Unflatten(1, (2, 3)), torch.randn(4, 6), {"layer": "Unflatten", "dim": 1, "sizes": [2, 3]}),
    case("Identity", nn.Identity(), torch.randn(3, 2), {"layer": "Identity"}),
]

# BCELoss on probabilities: a scalar loss; its r is 1
p = torch.rand(4, 3) * 0.98 + 0.01
target = (torch.rand(4, 3) > 0.5).double()
p.requires_grad_(True)
loss = nn.BCELoss()(p, target)
loss.backward()
bce = {"x": t(p), "target": t(target), "y": loss.item(), "grad_x": t(p.grad)}

with open("layers/src/test/resources/layers_reference.json", "w") as f:
    json.dump({"note": "written by examples/pytorch/make_layers_reference.py with PyTorch " + torch.__version__, "cases": cases, "bce": bce}, f)
