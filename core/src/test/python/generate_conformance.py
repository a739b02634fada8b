#!/usr/bin/python3
"""Generates adjoint's own conformance cases with PyTorch (float64).

Run with the Debian PyTorch (apt-get install python3-torch):
    /usr/bin/python3 core/src/test/python/generate_conformance.py core/src/test/resources/conformance

The output format is described in docs/CONFORMANCE.md. The cases are committed, so building and
testing adjoint never needs Python; rerun this only to change the cases.
"""
import json
import os
import random
import sys

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def t(x):
    if x is None:
        return None
    return {"shape": list(x.shape), "data": [float(v) for v in x.detach().reshape(-1).tolist()]}


def conv_case(rng, op, allow_error=True):
    sd = 1 if op.endswith("1d") else 2
    transposed = "transpose" in op
    groups = rng.choice([1, 1, 2, 3])
    cin = groups * rng.randint(1, 2)
    cout = groups * rng.randint(1, 2)
    k = [rng.randint(1, 4) for _ in range(sd)]
    stride = [rng.randint(1, 3) for _ in range(sd)]
    padding = [rng.randint(0, 2) for _ in range(sd)]
    dilation = [rng.randint(1, 2) for _ in range(sd)]
    size = [rng.randint(1, 7) for _ in range(sd)]
    n = rng.randint(1, 2)
    params = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
    x = torch.randn([n, cin] + size, requires_grad=True)
    if transposed:
        op_pad = [rng.randint(0, max(s, d) - 1) for s, d in zip(stride, dilation)]
        params["output_padding"] = op_pad
        w = torch.randn([cin, cout // groups] + k, requires_grad=True)
    else:
        w = torch.randn([cout, cin // groups] + k, requires_grad=True)
    b = torch.randn(cout, requires_grad=True) if rng.random() < 0.6 else None
    fn = {"conv1d": F.conv1d, "conv2d": F.conv2d, "conv_transpose1d": F.conv_transpose1d,
          "conv_transpose2d": F.conv_transpose2d}[op]

    def call(x, w, b):
        if transposed:
            return fn(x, w, b, stride=stride, padding=padding, output_padding=params["output_padding"],
                      groups=groups, dilation=dilation)
        return fn(x, w, b, stride=stride, padding=padding, groups=groups, dilation=dilation)

    case = {"op": op, "params": params, "inputs": {"x": t(x), "w": t(w), "b": t(b)}}
    try:
        y = call(x, w, b)
    except RuntimeError as e:
        if not allow_error:
            return None
        case["error"] = True
        case["torch_message"] = str(e).split("\n")[0]
        return case
    go = torch.randn(y.shape, requires_grad=True)
    wanted = [x, w] + ([b] if b is not None else [])
    grads = torch.autograd.grad((y * go).sum(), wanted, create_graph=True)
    case["grad_output"] = t(go)
    case["expected"] = {"y": t(y), "grad_x": t(grads[0]), "grad_w": t(grads[1]),
                        "grad_b": t(grads[2]) if b is not None else None}
    v = torch.randn(x.shape)
    gw, ggo = torch.autograd.grad((grads[0] * v).sum(), [w, go])
    case["double_backward"] = {"v": t(v), "grad_w": t(gw), "grad_grad_output": t(ggo)}
    return case


INVALID = [
    ("conv2d", {"stride": [0, 1], "padding": [0, 0], "dilation": [1, 1], "groups": 1}, [1, 2, 5, 5], [3, 2, 3, 3]),
    ("conv2d", {"stride": [1, 1], "padding": [0, -2], "dilation": [1, 1], "groups": 1}, [1, 2, 5, 5], [3, 2, 3, 3]),
    ("conv2d", {"stride": [1, 1], "padding": [0, 0], "dilation": [0, 1], "groups": 1}, [1, 2, 5, 5], [3, 2, 3, 3]),
    ("conv2d", {"stride": [1, 1], "padding": [0, 0], "dilation": [1, 1], "groups": 2}, [1, 4, 5, 5], [3, 2, 3, 3]),
    ("conv2d", {"stride": [1, 1], "padding": [0, 0], "dilation": [1, 1], "groups": 1}, [1, 4, 5, 5], [3, 2, 3, 3]),
    ("conv2d", {"stride": [1, 1], "padding": [1, 0], "dilation": [3, 1], "groups": 1}, [1, 2, 4, 5], [3, 2, 3, 3]),
    ("conv1d", {"stride": [1], "padding": [0], "dilation": [1], "groups": 3}, [1, 4, 6], [3, 1, 3]),
    ("conv_transpose1d", {"stride": [2], "padding": [0], "dilation": [1], "groups": 1, "output_padding": [2]}, [1, 2, 4], [2, 3, 3]),
    ("conv_transpose2d", {"stride": [1, 1], "padding": [4, 0], "dilation": [1, 1], "groups": 1, "output_padding": [0, 0]},
     [1, 2, 3, 3], [2, 2, 3, 3]),
    ("conv_transpose2d", {"stride": [1, 1], "padding": [0, 0], "dilation": [1, 1], "groups": 1, "output_padding": [0, 0]},
     [1, 3, 3, 3], [2, 2, 3, 3]),
]


def invalid_cases():
    out = []
    for op, params, xs, ws in INVALID:
        x, w = torch.randn(xs), torch.randn(ws)
        fn = {"conv1d": F.conv1d, "conv2d": F.conv2d, "conv_transpose1d": F.conv_transpose1d,
              "conv_transpose2d": F.conv_transpose2d}[op]
        kw = dict(params)
        try:
            fn(x, w, None, **kw)
            raise SystemExit("expected PyTorch to reject " + op + " " + str(params))
        except RuntimeError as e:
            out.append({"op": op, "params": params, "inputs": {"x": t(x), "w": t(w), "b": None}, "error": True,
                        "torch_message": str(e).split("\n")[0]})
    return out


def pool_case(rng, op):
    k = [rng.randint(1, 3), rng.randint(1, 3)]
    stride = [rng.randint(1, 3), rng.randint(1, 3)]
    padding = [rng.randint(0, kk // 2) for kk in k]
    size = [rng.randint(max(k[0], 2), 8), rng.randint(max(k[1], 2), 8)]
    x = torch.randn([rng.randint(1, 2), rng.randint(1, 3)] + size, requires_grad=True)
    params = {"kernel_size": k, "stride": stride, "padding": padding}
    if op == "max_pool2d":
        y = F.max_pool2d(x, k, stride, padding)
    else:
        params["count_include_pad"] = rng.random() < 0.5
        y = F.avg_pool2d(x, k, stride, padding, count_include_pad=params["count_include_pad"])
    go = torch.randn(y.shape)
    (gx,) = torch.autograd.grad((y * go).sum(), [x])
    return {"op": op, "params": params, "inputs": {"x": t(x)}, "grad_output": t(go),
            "expected": {"y": t(y), "grad_x": t(gx)}}


def misc_cases(rng):
    out = []
    for _ in range(3):
        n, i, o = rng.randint(1, 4), rng.randint(1, 5), rng.randint(1, 4)
        x, w, b = (torch.randn(n, i, requires_grad=True), torch.randn(o, i, requires_grad=True),
                   torch.randn(o, requires_grad=True))
        y = F.linear(x, w, b)
        go = torch.randn(y.shape)
        g = torch.autograd.grad((y * go).sum(), [x, w, b])
        out.append({"op": "linear", "params": {}, "inputs": {"x": t(x), "w": t(w), "b": t(b)}, "grad_output": t(go),
                    "expected": {"y": t(y), "grad_x": t(g[0]), "grad_w": t(g[1]), "grad_b": t(g[2])}})
    for _ in range(3):
        n, c = rng.randint(1, 5), rng.randint(2, 6)
        x = (torch.randn(n, c) * 3).requires_grad_(True)
        target = [rng.randrange(c) for _ in range(n)]
        y = F.cross_entropy(x, torch.tensor(target))
        (gx,) = torch.autograd.grad(y, [x])
        out.append({"op": "cross_entropy", "params": {"target": target}, "inputs": {"x": t(x)},
                    "expected": {"y": t(y), "grad_x": t(gx)}})
    for _ in range(2):
        x = torch.randn(rng.randint(2, 3), rng.randint(1, 2), rng.randint(1, 3), rng.randint(2, 4), requires_grad=True)
        c = x.shape[1]
        w, b = torch.randn(c, requires_grad=True), torch.randn(c, requires_grad=True)
        y = F.batch_norm(x, None, None, w, b, training=True, eps=1e-5)
        go = torch.randn(y.shape)
        g = torch.autograd.grad((y * go).sum(), [x, w, b])
        out.append({"op": "batch_norm2d", "params": {"eps": 1e-5, "training": True},
                    "inputs": {"x": t(x), "w": t(w), "b": t(b)}, "grad_output": t(go),
                    "expected": {"y": t(y), "grad_x": t(g[0]), "grad_w": t(g[1]), "grad_b": t(g[2])}})
    for _ in range(2):
        x = (torch.randn(rng.randint(1, 3), rng.randint(2, 5)) * 10).requires_grad_(True)
        y = F.log_softmax(x, 1)
        go = torch.randn(y.shape)
        (gx,) = torch.autograd.grad((y * go).sum(), [x])
        out.append({"op": "log_softmax", "params": {"dim": 1}, "inputs": {"x": t(x)}, "grad_output": t(go),
                    "expected": {"y": t(y), "grad_x": t(gx)}})
    for _ in range(2):
        x = torch.randn(rng.randint(1, 3), rng.randint(1, 4), requires_grad=True)
        target = torch.randn(x.shape)
        y = F.mse_loss(x, target)
        (gx,) = torch.autograd.grad(y, [x])
        out.append({"op": "mse_loss", "params": {}, "inputs": {"x": t(x), "target": t(target)},
                    "expected": {"y": t(y), "grad_x": t(gx)}})
    return out


def bce_cases():
    """BCELoss where the composite of log and clamp fails: probabilities of exactly 0 and 1, and p (1 - p) below
    PyTorch's 1e-12 floor; twice through a sigmoid from large logits (a float32 sigmoid is 1.0 from a logit of 17)."""
    out = []
    p = torch.tensor([[0.0, 1.0, 1e-13, 1 - 1e-13], [0.5, 0.25, 1e-300, 0.999]], requires_grad=True)
    target = torch.tensor([[1.0, 0.0, 1.0, 0.0], [0.3, 1.0, 0.0, 1.0]])
    for tgt in [target, torch.ones(2, 4), torch.zeros(2, 4)]:
        y = F.binary_cross_entropy(p, tgt)
        (gx,) = torch.autograd.grad(y, [p])
        out.append({"op": "binary_cross_entropy", "params": {"through_sigmoid": False}, "inputs": {"x": t(p), "target": t(tgt)},
                    "expected": {"y": t(y), "grad_x": t(gx)}})
    logits = torch.tensor([[-40.0, -17.0, 0.0, 3.0], [17.0, 40.0, -800.0, 800.0]], requires_grad=True)
    for tgt in [torch.ones(2, 4), torch.tensor([[1.0, 0.0, 0.5, 1.0], [0.0, 1.0, 1.0, 0.0]])]:
        y = F.binary_cross_entropy(torch.sigmoid(logits), tgt)
        (gx,) = torch.autograd.grad(y, [logits])
        out.append({"op": "binary_cross_entropy", "params": {"through_sigmoid": True}, "inputs": {"x": t(logits), "target": t(tgt)},
                    "expected": {"y": t(y), "grad_x": t(gx)}})
    return out


def main(folder):
    os.makedirs(folder, exist_ok=True)
    torch.manual_seed(20261122)
    rng = random.Random(20261122)
    for op in ["conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d"]:
        cases = []
        while len(cases) < 12:
            c = conv_case(rng, op, allow_error=len(cases) >= 10)
            if c is not None:
                cases.append(c)
        with open(os.path.join(folder, "own_" + op + ".json"), "w") as f:
            json.dump(cases, f)
    pools = [pool_case(rng, "max_pool2d") for _ in range(4)] + [pool_case(rng, "avg_pool2d") for _ in range(4)]
    with open(os.path.join(folder, "own_pooling.json"), "w") as f:
        json.dump(pools, f)
    with open(os.path.join(folder, "own_conv_invalid.json"), "w") as f:
        json.dump(invalid_cases(), f)
    with open(os.path.join(folder, "own_misc.json"), "w") as f:
        json.dump(misc_cases(rng), f)
    with open(os.path.join(folder, "own_bce.json"), "w") as f:
        json.dump(bce_cases(), f)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "core/src/test/resources/conformance")
