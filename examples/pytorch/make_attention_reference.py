#!/usr/bin/python3
"""Writes PyTorch's values for adjoint's attention tests (layers/src/test/resources/attention.json), float64.

nn.MultiheadAttention (batch_first and not, with a float mask, cross-attention), its state dict, the output
and the gradients of sum(y * grad_output) for the inputs and parameters; and the scaled dot-product attention
written out (softmax(q k^T / sqrt(d) + mask) v, with a causal case), which PyTorch 1.13 has no function for.
Run with Debian's PyTorch: /usr/bin/python3 examples/pytorch/make_attention_reference.py
"""
import json
import os

import torch

torch.set_default_dtype(torch.float64)


def t(x):
    return {"shape": list(x.shape), "data": [float(v) for v in x.detach().reshape(-1).tolist()]}


def mha_case(seed, embed, heads, batch_first, lq, lk, batch, mask):
    torch.manual_seed(seed)
    m = torch.nn.MultiheadAttention(embed, heads, batch_first=batch_first)
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(torch.randn(p.shape) * 0.5)  # nonzero biases too
    shape_q = (batch, lq, embed) if batch_first else (lq, batch, embed)
    shape_k = (batch, lk, embed) if batch_first else (lk, batch, embed)
    q = torch.randn(shape_q, requires_grad=True)
    k = torch.randn(shape_k, requires_grad=True) if lk != lq or mask is not None else q
    v = torch.randn(shape_k, requires_grad=True) if k is not q else q
    attn_mask = None
    if mask:
        attn_mask = torch.zeros(lq, lk)
        attn_mask[0, -1] = float("-inf")
        attn_mask[1, 0] = -2.5
    y, _ = m(q, k, v, attn_mask=attn_mask, need_weights=False)
    go = torch.randn(y.shape)
    inputs = [q] if k is q else [q, k, v]
    grads = torch.autograd.grad((y * go).sum(), inputs + list(m.parameters()))
    case = {"embed": embed, "heads": heads, "batch_first": batch_first, "self": k is q,
            "state": {n: t(p) for n, p in m.state_dict().items()},
            "q": t(q), "k": t(k), "v": t(v), "mask": t(attn_mask) if attn_mask is not None else None,
            "grad_output": t(go), "y": t(y), "grad_q": t(grads[0])}
    if k is not q:
        case["grad_k"] = t(grads[1])
        case["grad_v"] = t(grads[2])
    names = [n for n, _ in m.named_parameters()]
    case["grad_params"] = {n: t(g) for n, g in zip(names, grads[len(inputs):])}
    return case


def sdpa_case(seed, causal):
    torch.manual_seed(seed)
    q = torch.randn(2, 3, 4, 5, requires_grad=True)
    k = torch.randn(2, 3, 6 if not causal else 4, 5, requires_grad=True)
    v = torch.randn(2, 3, k.shape[2], 7, requires_grad=True)
    s = q @ k.transpose(-2, -1) / 5 ** 0.5
    if causal:
        s = s + torch.triu(torch.full((4, 4), float("-inf")), diagonal=1)
    y = torch.softmax(s, -1) @ v
    go = torch.randn(y.shape)
    g = torch.autograd.grad((y * go).sum(), [q, k, v])
    return {"causal": causal, "q": t(q), "k": t(k), "v": t(v), "grad_output": t(go), "y": t(y),
            "grad_q": t(g[0]), "grad_k": t(g[1]), "grad_v": t(g[2])}


class VitBlock(torch.nn.Module):
    """AttentionTest.VitBlock: LayerNorm, one qkv projection chunked in three, two heads of 4, torch.cat, residual."""

    def __init__(self):
        super().__init__()
        self.norm = torch.nn.LayerNorm(8)
        self.qkv = torch.nn.Linear(8, 24)
        self.proj = torch.nn.Linear(8, 8)

    def forward(self, x):
        q, k, v = self.qkv(self.norm(x)).chunk(3, -1)
        heads = []
        for h in range(2):
            qh, kh, vh = (z[..., 4 * h:4 * h + 4] for z in (q, k, v))
            heads.append(torch.softmax(qh @ kh.transpose(-2, -1) / 2.0, -1) @ vh)  # sqrt(4) = 2
        return x + self.proj(torch.cat(heads, -1))


class TinyUNet(torch.nn.Module):
    """AttentionTest.TinyUNet: down by max pooling, up by bilinear Upsample, the skip joined with torch.cat."""

    def __init__(self):
        super().__init__()
        self.enc = torch.nn.Conv2d(1, 4, 3, 1, 1)
        self.down = torch.nn.MaxPool2d(2)
        self.mid = torch.nn.Conv2d(4, 4, 3, 1, 1)
        self.up = torch.nn.Upsample(scale_factor=2, mode="bilinear")
        self.dec = torch.nn.Conv2d(8, 1, 3, 1, 1)

    def forward(self, x):
        e = torch.relu(self.enc(x))
        m = torch.relu(self.mid(self.down(e)))
        return self.dec(torch.cat([e, self.up(m)], 1))


def model_case(seed, model, x_shape):
    """A model's output and the gradients of sum(y * grad_output) for its input and every parameter."""
    torch.manual_seed(seed)
    m = model()
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(torch.randn(p.shape) * 0.5)
    x = torch.randn(x_shape, requires_grad=True)
    y = m(x)
    go = torch.randn(y.shape)
    grads = torch.autograd.grad((y * go).sum(), [x] + list(m.parameters()))
    return {"state": {n: t(p) for n, p in m.state_dict().items()}, "x": t(x), "grad_output": t(go), "y": t(y), "grad_x": t(grads[0]),
            "grad_params": {n: t(g) for (n, _), g in zip(m.named_parameters(), grads[1:])}}


def main():
    out = {"mha": [mha_case(1, 8, 2, True, 5, 5, 2, None), mha_case(2, 6, 3, False, 4, 4, 3, None),
                   mha_case(3, 8, 4, True, 3, 6, 2, True)],
           "sdpa": [sdpa_case(4, False), sdpa_case(5, True)],
           "vit": model_case(6, VitBlock, (2, 5, 8)),
           "unet": model_case(7, TinyUNet, (2, 1, 6, 6))}
    path = os.path.join(os.path.dirname(__file__), "..", "..", "layers", "src", "test", "resources", "attention.json")
    with open(path, "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
