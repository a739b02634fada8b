#!/usr/bin/python3
"""Writes core/src/test/resources/dcgan/reference.json: one DCGAN training step in float64 with PyTorch 1.13.

A small generator (Linear -> Unflatten -> BatchNorm2d -> ReLU -> ConvTranspose2d -> BatchNorm2d -> ReLU ->
ConvTranspose2d -> Tanh) and discriminator (Conv2d -> LeakyReLU(0.2) -> Conv2d -> BatchNorm2d ->
LeakyReLU(0.2) -> Flatten -> Linear), shaped as the dcgan example's but narrower so the file stays small.
Records the parameters, the inputs, the generated images, the three BCE-with-logits losses of one
alternating step (discriminator on real and detached fake, generator with "real" labels) and every
gradient. DcganReferenceTest recomputes all of it with adjoint's ops. Run from the repository root:

    /usr/bin/python3 examples/pytorch/make_dcgan_reference.py
"""
import json

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)
torch.set_default_dtype(torch.float64)
Z, C1, C2, N = 4, 8, 4, 3

G = nn.Sequential(nn.Linear(Z, C1 * 7 * 7), nn.Unflatten(1, (C1, 7, 7)), nn.BatchNorm2d(C1), nn.ReLU(),
                  nn.ConvTranspose2d(C1, C2, 4, 2, 1), nn.BatchNorm2d(C2), nn.ReLU(),
                  nn.ConvTranspose2d(C2, 1, 4, 2, 1), nn.Tanh())
D = nn.Sequential(nn.Conv2d(1, C2, 4, 2, 1), nn.LeakyReLU(0.2), nn.Conv2d(C2, C1, 4, 2, 1), nn.BatchNorm2d(C1),
                  nn.LeakyReLU(0.2), nn.Flatten(), nn.Linear(C1 * 7 * 7, 1))
with torch.no_grad():  # BatchNorm's affine parameters away from 1 and 0, so that they matter
    for m in list(G) + list(D):
        if isinstance(m, nn.BatchNorm2d):
            m.weight.uniform_(0.5, 1.5)
            m.bias.uniform_(-0.5, 0.5)

z = torch.randn(N, Z)
real = torch.rand(N, 1, 28, 28) * 2 - 1
ones, zeros = torch.ones(N, 1), torch.zeros(N, 1)

fake = G(z)
d_real = F.binary_cross_entropy_with_logits(D(real), ones)
d_fake = F.binary_cross_entropy_with_logits(D(fake.detach()), zeros)
(d_real + d_fake).backward()
d_grads = {k: p.grad.clone() for k, p in D.named_parameters()}
D.zero_grad()
g_loss = F.binary_cross_entropy_with_logits(D(fake), ones)
g_loss.backward()
g_grads = {k: p.grad.clone() for k, p in G.named_parameters()}


def t(x):
    return {"shape": list(x.shape), "data": x.detach().reshape(-1).tolist()}


out = {
    "note": "written by examples/pytorch/make_dcgan_reference.py with PyTorch " + torch.__version__,
    "sizes": {"z": Z, "c1": C1, "c2": C2, "n": N},
    "G": {k: t(v) for k, v in G.state_dict().items() if not k.endswith("num_batches_tracked")},
    "D": {k: t(v) for k, v in D.state_dict().items() if not k.endswith("num_batches_tracked")},
    "z": t(z), "real": t(real), "fake": t(fake),
    "d_loss_real": d_real.item(), "d_loss_fake": d_fake.item(), "g_loss": g_loss.item(),
    "d_grads": {k: t(v) for k, v in d_grads.items()},
    "g_grads": {k: t(v) for k, v in g_grads.items()},
}
with open("core/src/test/resources/dcgan/reference.json", "w") as f:
    json.dump(out, f)
