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


def r6(x):
    """Rounded to 6 decimals, as the shared sets' inputs are: the expected values are computed from exactly these."""
    return torch.round(x * 1e6) / 1e6


def ops_cases():
    """Two or more cases for each op of FORMAT-OPS.md's table (the elementwise, reduction, shape and
    small loss ops of F), so the project's own resources cover them without ../shared."""
    g = torch.Generator().manual_seed(20261204)

    def rnd(*shape, lo=-2.0, hi=2.0):
        return r6(torch.rand(tuple(shape), generator=g) * (hi - lo) + lo)

    def away(x, points, gap=1e-2):
        """Moves values within gap of any of points by 2 * gap, so finite differences do not cross a kink."""
        for q in points:
            x = torch.where((x - q).abs() < gap, x + 2 * gap, x)
        return r6(x)

    specs = []  # (op, params, {name: tensor}, fn(inputs) -> y, names without gradient)
    for op, fn in [("add", torch.add), ("sub", torch.sub), ("mul", torch.mul)]:
        specs.append((op, {}, {"a": rnd(2, 3, 4, 5), "b": rnd(3, 1, 1)}, lambda i, fn=fn: fn(i["a"], i["b"])))
        specs.append((op, {}, {"a": rnd(), "b": rnd(4, 3)}, lambda i, fn=fn: fn(i["a"], i["b"])))
    specs.append(("div", {}, {"a": rnd(2, 3, 4), "b": rnd(1, 4, lo=0.5, hi=2)}, lambda i: i["a"] / i["b"]))
    specs.append(("div", {}, {"a": rnd(3, 1), "b": -rnd(1, 4, lo=0.5, hi=2)}, lambda i: i["a"] / i["b"]))
    for op, fn in [("neg", torch.neg), ("exp", torch.exp), ("erf", torch.erf), ("sigmoid", torch.sigmoid), ("tanh", torch.tanh)]:
        specs.append((op, {}, {"x": rnd(2, 3, 4)}, lambda i, fn=fn: fn(i["x"])))
        specs.append((op, {}, {"x": rnd()}, lambda i, fn=fn: fn(i["x"])))
    for op, fn in [("log", torch.log), ("sqrt", torch.sqrt)]:
        specs.append((op, {}, {"x": rnd(3, 4, lo=0.1, hi=3)}, lambda i, fn=fn: fn(i["x"])))
        specs.append((op, {}, {"x": rnd(5, lo=0.1, hi=3)}, lambda i, fn=fn: fn(i["x"])))
    specs.append(("abs", {}, {"x": away(rnd(3, 5), [0])}, lambda i: i["x"].abs()))
    specs.append(("relu", {}, {"x": away(rnd(2, 3, 4), [0])}, lambda i: torch.relu(i["x"])))
    for e in [2.0, 3.0, 0.5, -1.0]:
        x = rnd(3, 4, lo=0.4, hi=2) if e <= 0 or e != int(e) else rnd(3, 4)
        specs.append(("pow", {"exponent": e}, {"x": x}, lambda i, e=e: i["x"] ** e))
    specs.append(("clamp", {"min": -0.5, "max": 1.0}, {"x": away(rnd(4, 5), [-0.5, 1.0])}, lambda i: i["x"].clamp(-0.5, 1.0)))
    specs.append(("clamp", {"min": None, "max": 0.3}, {"x": away(rnd(6), [0.3])}, lambda i: i["x"].clamp(max=0.3)))
    for d in [1, -1, 0]:
        specs.append(("softmax", {"dim": d}, {"x": rnd(3, 4, 2)}, lambda i, d=d: torch.softmax(i["x"], d)))
    for op, fn in [("sum", torch.sum), ("mean", torch.mean)]:
        specs.append((op, {"dim": None, "keepdim": False}, {"x": rnd(2, 3, 4)}, lambda i, fn=fn: fn(i["x"])))
        specs.append((op, {"dim": [2, 0], "keepdim": True}, {"x": rnd(2, 3, 4)}, lambda i, fn=fn: fn(i["x"], [2, 0], keepdim=True)))
        specs.append((op, {"dim": [-1], "keepdim": False}, {"x": rnd(3, 5)}, lambda i, fn=fn: fn(i["x"], [-1])))
    distinct = lambda *shape: r6(torch.randperm(int(torch.tensor(shape).prod()), generator=g).reshape(shape).double() * 0.01 - 0.2)
    specs.append(("max", {"dim": None, "keepdim": False}, {"x": distinct(3, 4)}, lambda i: i["x"].max()))
    specs.append(("max", {"dim": 1, "keepdim": True}, {"x": distinct(2, 3, 4)}, lambda i: i["x"].max(1, keepdim=True).values))
    specs.append(("max", {"dim": -1, "keepdim": False}, {"x": distinct(4, 3)}, lambda i: i["x"].max(-1).values))
    specs.append(("amax", {"dim": [0, 2], "keepdim": False}, {"x": distinct(2, 3, 4)}, lambda i: torch.amax(i["x"], [0, 2])))
    specs.append(("matmul", {"transpose_a": False, "transpose_b": False}, {"a": rnd(3, 4), "b": rnd(4, 2)}, lambda i: i["a"] @ i["b"]))
    specs.append(("matmul", {"transpose_a": False, "transpose_b": False}, {"a": rnd(2, 3, 4), "b": rnd(4, 5)}, lambda i: i["a"] @ i["b"]))
    specs.append(("matmul", {"transpose_a": True, "transpose_b": True}, {"a": rnd(4, 3), "b": rnd(2, 4)}, lambda i: i["a"].T @ i["b"].T))
    specs.append(("transpose", {"dim0": 0, "dim1": -1}, {"x": rnd(2, 3, 4)}, lambda i: i["x"].transpose(0, -1)))
    specs.append(("permute", {"dims": [2, 0, -2]}, {"x": rnd(2, 3, 4)}, lambda i: i["x"].permute(2, 0, 1)))
    specs.append(("reshape", {"shape": [4, -1]}, {"x": rnd(2, 3, 4)}, lambda i: i["x"].reshape(4, -1)))
    specs.append(("view", {"shape": [6, 4]}, {"x": rnd(2, 3, 4)}, lambda i: i["x"].view(6, 4)))
    specs.append(("flatten", {"start_dim": 1, "end_dim": -1}, {"x": rnd(2, 3, 4)}, lambda i: i["x"].flatten(1)))
    specs.append(("squeeze", {"dim": -2}, {"x": rnd(3, 1, 4)}, lambda i: i["x"].squeeze(-2)))
    specs.append(("unsqueeze", {"dim": -1}, {"x": rnd(3, 4)}, lambda i: i["x"].unsqueeze(-1)))
    specs.append(("expand", {"size": [2, 3, 4]}, {"x": rnd(3, 1)}, lambda i: i["x"].expand(2, 3, 4)))
    specs.append(("narrow", {"dim": -1, "start": 1, "length": 2}, {"x": rnd(3, 5)}, lambda i: i["x"].narrow(-1, 1, 2)))
    specs.append(("slice", {"dim": 1, "start": 1, "end": 3}, {"x": rnd(2, 4, 3)}, lambda i: i["x"][:, 1:3]))
    specs.append(("cat", {"dim": 1}, {"x0": rnd(2, 3), "x1": rnd(2, 1), "x2": rnd(2, 2)}, lambda i: torch.cat([i["x0"], i["x1"], i["x2"]], 1)))
    specs.append(("stack", {"dim": -1}, {"x0": rnd(2, 3), "x1": rnd(2, 3)}, lambda i: torch.stack([i["x0"], i["x1"]], -1)))
    specs.append(("pad", {"pad": [1, 2, 0, 1], "mode": "constant", "value": 0.5}, {"x": rnd(2, 3, 4)},
                  lambda i: F.pad(i["x"], (1, 2, 0, 1), "constant", 0.5)))
    specs.append(("flip", {"dims": [0, -1]}, {"x": rnd(2, 3, 4)}, lambda i: i["x"].flip(0, -1)))
    specs.append(("sum_to_size", {"size": [3, 1]}, {"x": rnd(2, 3, 4)}, lambda i: i["x"].sum_to_size(3, 1)))
    target = [2, 0, 1, 2]
    specs.append(("nll_loss", {"target": target, "reduction": "mean"}, {"x": torch.log_softmax(rnd(4, 3), 1)},
                  lambda i: F.nll_loss(i["x"], torch.tensor(target))))
    l1x = rnd(3, 4)
    specs.append(("l1_loss", {"reduction": "mean"}, {"x": l1x, "target": away(rnd(3, 4), [])},
                  lambda i: F.l1_loss(i["x"], i["target"])))

    # ops beyond FORMAT-OPS.md's table; data-only inputs (a mask, a target, class weights) are named in NO_GRAD
    specs.append(("chunk", {"chunks": 3, "dim": -1, "index": 1}, {"x": rnd(2, 8)}, lambda i: i["x"].chunk(3, -1)[1]))
    specs.append(("chunk", {"chunks": 2, "dim": 0, "index": 1}, {"x": rnd(5, 3)}, lambda i: i["x"].chunk(2, 0)[1]))
    specs.append(("split", {"size": 2, "dim": 1, "index": 2}, {"x": rnd(3, 5)}, lambda i: i["x"].split(2, 1)[2]))
    specs.append(("masked_fill", {"value": -1.5}, {"x": rnd(3, 4), "mask": (torch.rand((1, 4), generator=g) < 0.5).double()},
                  lambda i: i["x"].masked_fill(i["mask"].bool(), -1.5)))
    specs.append(("interpolate", {"size": [6, 4], "mode": "nearest", "align_corners": False}, {"x": rnd(1, 2, 3, 2)},
                  lambda i: F.interpolate(i["x"], size=(6, 4), mode="nearest")))
    specs.append(("interpolate", {"size": [5, 7], "mode": "bilinear", "align_corners": False}, {"x": rnd(2, 1, 3, 4)},
                  lambda i: F.interpolate(i["x"], size=(5, 7), mode="bilinear", align_corners=False)))
    specs.append(("interpolate", {"size": [5, 7], "mode": "bilinear", "align_corners": True}, {"x": rnd(1, 2, 3, 4)},
                  lambda i: F.interpolate(i["x"], size=(5, 7), mode="bilinear", align_corners=True)))
    specs.append(("broadcast_to", {"size": [2, 3, 4]}, {"x": rnd(1, 4)}, lambda i: i["x"].broadcast_to(2, 3, 4)))
    specs.append(("matmul", {"transpose_a": False, "transpose_b": False}, {"a": rnd(4), "b": rnd(2, 4, 3)}, lambda i: i["a"] @ i["b"]))
    specs.append(("matmul", {"transpose_a": False, "transpose_b": False}, {"a": rnd(1, 3, 4), "b": rnd(2, 4, 2)}, lambda i: i["a"] @ i["b"]))
    specs.append(("topk_values", {"k": 2, "dim": 1}, {"x": distinct(3, 5)}, lambda i: i["x"].topk(2, 1).values))
    ce_target = [1, 0, 2, 2, 1]
    for opts in [{"weight": [0.5, 1.0, 2.0], "ignore_index": 2, "label_smoothing": 0.0, "reduction": "mean"},
                 {"weight": None, "ignore_index": -100, "label_smoothing": 0.1, "reduction": "sum"},
                 {"weight": [1.0, 0.3, 0.7], "ignore_index": -100, "label_smoothing": 0.2, "reduction": "none"}]:
        w = torch.tensor(opts["weight"]) if opts["weight"] is not None else None
        specs.append(("cross_entropy_options", dict(opts, target=ce_target), {"x": rnd(5, 3)},
                      lambda i, o=opts, w=w: F.cross_entropy(i["x"], torch.tensor(ce_target), weight=w, ignore_index=o["ignore_index"],
                                                             label_smoothing=o["label_smoothing"], reduction=o["reduction"])))
    for red in ["sum", "none"]:
        specs.append(("mse_loss_reduction", {"reduction": red}, {"x": rnd(2, 3), "target": rnd(2, 3)},
                      lambda i, r=red: F.mse_loss(i["x"], i["target"], reduction=r)))

    # values only (no gradient): argmax and the comparisons, whose PyTorch results are cast to float64
    values_only = []
    values_only.append(("argmax", {"dim": 1, "keepdim": False}, {"x": distinct(3, 5)}, lambda i: i["x"].argmax(1)))
    values_only.append(("argmax", {"dim": 0, "keepdim": True}, {"x": distinct(4, 2)}, lambda i: i["x"].argmax(0, keepdim=True)))
    cmp_a, cmp_b = r6(torch.randint(0, 3, (3, 4), generator=g).double()), r6(torch.randint(0, 3, (4,), generator=g).double())
    for op, fn in [("eq", torch.eq), ("ne", torch.ne), ("lt", torch.lt), ("le", torch.le), ("gt", torch.gt), ("ge", torch.ge)]:
        values_only.append((op, {}, {"a": cmp_a, "b": cmp_b}, lambda i, fn=fn: fn(i["a"], i["b"])))

    out = []
    for op, params, inputs, fn in values_only:
        y = fn(inputs).double()
        out.append({"op": op, "params": params, "inputs": {n: t(v) for n, v in inputs.items()}, "grad_output": None, "expected": {"y": t(y)}})
    for op, params, inputs, fn in specs:
        leaves = {n: v.clone().requires_grad_(n not in ("target", "mask")) for n, v in inputs.items()}
        if op == "l1_loss":  # keep |x - target| away from the kink
            leaves["target"] = away(leaves["target"], []).detach()
        y = fn(leaves)
        go = r6(torch.randn(y.shape, generator=g)) if op not in ("nll_loss", "l1_loss") else torch.tensor(1.0)
        wrt = [n for n in leaves if n not in ("target", "mask")]
        grads = torch.autograd.grad((y * go).sum(), [leaves[n] for n in wrt])
        expected = {"y": t(y)}
        for n, gr in zip(wrt, grads):
            expected["grad_" + n] = t(gr)
        out.append({"op": op, "params": params, "inputs": {n: t(v) for n, v in inputs.items()}, "grad_output": t(go), "expected": expected})
    return out


def next_cases():
    """The ops of conformance-next's table (normalizations, GELU/SiLU/LeakyReLU, adaptive pooling), two
    cases each, so the project's own resources cover them without ../shared."""
    g = torch.Generator().manual_seed(20261205)

    def rn(*shape):
        return torch.randn(tuple(shape), generator=g)

    def case(op, params, x, w, b, fn):
        leaves = [v.clone().requires_grad_(True) if v is not None else None for v in (x, w, b)]
        y = fn(*leaves)
        go = rn(*y.shape)
        wrt = [v for v in leaves if v is not None]
        grads = iter(torch.autograd.grad((y * go).sum(), wrt))
        expected = {"y": t(y)}
        for name, v in zip(("x", "w", "b"), leaves):
            if v is not None:
                expected["grad_" + name] = t(next(grads))
        return {"op": op, "params": params, "inputs": {"x": t(x), "w": t(w), "b": t(b)}, "grad_output": t(go), "expected": expected}

    out = []
    out.append(case("group_norm", {"num_groups": 2, "eps": 1e-5}, rn(2, 4, 3, 3), rn(4), rn(4),
                    lambda x, w, b: F.group_norm(x, 2, w, b, 1e-5)))
    out.append(case("group_norm", {"num_groups": 3, "eps": 1e-3}, rn(3, 6, 5), rn(6), rn(6),
                    lambda x, w, b: F.group_norm(x, 3, w, b, 1e-3)))
    out.append(case("layer_norm", {"normalized_shape": [5], "eps": 1e-5}, rn(2, 3, 5), rn(5), rn(5),
                    lambda x, w, b: F.layer_norm(x, [5], w, b, 1e-5)))
    out.append(case("layer_norm", {"normalized_shape": [3, 4], "eps": 1e-6}, rn(2, 3, 4), rn(3, 4), rn(3, 4),
                    lambda x, w, b: F.layer_norm(x, [3, 4], w, b, 1e-6)))
    out.append(case("batch_norm1d", {"eps": 1e-5, "training": True}, rn(6, 3), rn(3), rn(3),
                    lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True, eps=1e-5)))
    out.append(case("batch_norm1d", {"eps": 1e-5, "training": True}, rn(4, 2, 5), rn(2), rn(2),
                    lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True, eps=1e-5)))
    for op, fn in [("gelu", F.gelu), ("silu", F.silu)]:
        out.append(case(op, {} if op == "silu" else {"approximate": "none"}, rn(3, 4) * 2, None, None, lambda x, w, b, fn=fn: fn(x)))
        out.append(case(op, {} if op == "silu" else {"approximate": "none"}, rn(2, 2, 3), None, None, lambda x, w, b, fn=fn: fn(x)))
    for slope in [0.01, 0.2]:
        x = rn(3, 5)
        x = torch.where(x.abs() < 1e-3, x + 1e-2, x)
        out.append(case("leaky_relu", {"negative_slope": slope}, x, None, None, lambda x, w, b, s=slope: F.leaky_relu(x, s)))
    for size in ([2, 3], [1, 1]):
        out.append(case("adaptive_avg_pool2d", {"output_size": size}, rn(2, 3, 5, 7), None, None,
                        lambda x, w, b, s=size: F.adaptive_avg_pool2d(x, s)))
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
    with open(os.path.join(folder, "own_ops.json"), "w") as f:
        json.dump(ops_cases(), f)
    with open(os.path.join(folder, "own_next.json"), "w") as f:
        json.dump(next_cases(), f)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "core/src/test/resources/conformance")
