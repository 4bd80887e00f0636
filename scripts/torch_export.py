#!/usr/bin/env python3
"""Export a PyTorch nn.Sequential to a gencs model directory (format "gencs-model/1").

Library use (any Python with torch and numpy):

    import sys; sys.path.insert(0, "scripts")
    from torch_export import export
    export(decoder, "decoder")          # writes decoder/model.json and decoder/layer<i>_*.npy
    # then: gencs recover --method csgm --model decoder/model.json ...

Supported modules: Linear (with or without bias), ReLU, LeakyReLU, Tanh,
Sigmoid, Softplus (beta=1 only), Identity, and nested Sequentials (flattened).
Weights are written as float64 .npy files; Linear.weight keeps its (out, in)
layout, which is what gencs's "dense" layer expects. The manifest is written
last, through a temporary file and a rename, so a crash never leaves a
manifest pointing at missing weights.

PyTorch's Softplus returns x itself when beta*x > threshold (default 20);
gencs computes log(1 + e^x) exactly, so the two differ by log1p(e^-x) < 2.1e-9
there (and by up to 2.1e-9 in the derivative). Everywhere else every layer
agrees to rounding.

Demo / interop test fixture (run under a Python that has torch):

    python3 scripts/torch_export.py OUTDIR [--seed S] [--batch B]

builds a small random float64 Sequential with Linear, ReLU, LeakyReLU, Tanh,
Sigmoid and Softplus layers, exports it to OUTDIR/model, and saves
    OUTDIR/Z.npy    inputs, shape (B, k)
    OUTDIR/G.npy    torch outputs G(Z), shape (B, n)
    OUTDIR/V.npy    cotangents v, shape (B, n)
    OUTDIR/JTV.npy  input gradients J_G(z)^T v by torch autograd, shape (B, k)
all computed in float64. Row 0 of Z is zero and some first-layer biases and
some second-layer rows are zero, so the ReLU and LeakyReLU kinks (inputs
exactly 0) are exercised. The interop Go test (go test ./interop/) runs it.
"""
import argparse
import json
import os
import sys
import tempfile

import numpy as np
import torch
import torch.nn as tnn

FORMAT = "gencs-model/1"


def _flatten(model):
    for m in model:
        if isinstance(m, tnn.Sequential):
            yield from _flatten(m)
        else:
            yield m


def _save_npy(out_dir, name, tensor):
    np.save(os.path.join(out_dir, name), np.ascontiguousarray(tensor.detach().cpu().double().numpy()))


def export(model, out_dir, in_dim=None, kind="pytorch", meta=None):
    """Write model (an nn.Sequential) to out_dir as a gencs model; return the manifest path.

    in_dim is needed only when the first layer is an activation (otherwise it
    is the first Linear's in_features). kind and meta are stored as given
    (meta must be JSON-encodable).
    """
    mods = list(_flatten(model))
    if not mods:
        raise ValueError("export: empty model")
    if in_dim is None:
        first = next((m for m in mods if isinstance(m, tnn.Linear)), None)
        if first is None:
            raise ValueError("export: no Linear layer; pass in_dim")
        in_dim = first.in_features
    os.makedirs(out_dir, exist_ok=True)
    layers, dim = [], in_dim
    for i, m in enumerate(mods):
        if isinstance(m, tnn.Linear):
            if m.in_features != dim:
                raise ValueError(f"export: layer {i}: Linear takes {m.in_features} inputs but receives {dim}")
            spec = {"type": "dense", "in": m.in_features, "out": m.out_features, "weight": f"layer{i}_W.npy"}
            _save_npy(out_dir, spec["weight"], m.weight)  # (out, in), as gencs expects
            if m.bias is not None:
                spec["bias"] = f"layer{i}_b.npy"
                _save_npy(out_dir, spec["bias"], m.bias)
            dim = m.out_features
        elif isinstance(m, tnn.ReLU):
            spec = {"type": "relu", "dim": dim}
        elif isinstance(m, tnn.LeakyReLU):
            spec = {"type": "leaky_relu", "dim": dim, "slope": float(m.negative_slope)}
        elif isinstance(m, tnn.Softplus):
            if m.beta != 1:
                raise ValueError(f"export: layer {i}: Softplus with beta={m.beta} is not supported (beta must be 1)")
            spec = {"type": "softplus", "dim": dim}
        elif isinstance(m, tnn.Sigmoid):
            spec = {"type": "sigmoid", "dim": dim}
        elif isinstance(m, tnn.Tanh):
            spec = {"type": "tanh", "dim": dim}
        elif isinstance(m, tnn.Identity):
            spec = {"type": "identity", "dim": dim}
        else:
            raise ValueError(f"export: layer {i}: {type(m).__name__} is not supported")
        layers.append(spec)
    manifest = {"format": FORMAT, "kind": kind, "input_dim": in_dim, "output_dim": dim,
                "layers": layers, "meta": meta or {}}
    path = os.path.join(out_dir, "model.json")
    fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=".model.json.")
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(manifest, f, indent=2)
            f.write("\n")
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return path


def demo_model(seed):
    """A small random float64 Sequential with every supported nonlinearity and exact kinks."""
    torch.manual_seed(seed)
    model = tnn.Sequential(
        tnn.Linear(6, 16), tnn.ReLU(),
        tnn.Linear(16, 16), tnn.LeakyReLU(0.15),
        tnn.Sequential(tnn.Linear(16, 14, bias=False), tnn.Tanh()),
        tnn.Linear(14, 12), tnn.Softplus(),
        tnn.Linear(12, 10), tnn.Sigmoid(),
    ).double()
    with torch.no_grad():
        model[0].bias[:4] = 0.0    # z = 0 hits the ReLU kink in these units
        model[2].weight[:2] = 0.0  # these LeakyReLU inputs are exactly 0 for every z
        model[2].bias[:2] = 0.0
        for m in model.modules():  # wider weights than the default init: more saturation
            if isinstance(m, tnn.Linear):
                m.weight.mul_(3.0)
    return model


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", help="output directory (created)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch", type=int, default=8)
    a = ap.parse_args(argv)
    torch.set_default_dtype(torch.float64)
    model = demo_model(a.seed)
    export(model, os.path.join(a.out, "model"), kind="pytorch-demo", meta={"seed": a.seed})

    g = torch.Generator().manual_seed(a.seed + 1)
    Z = 2 * torch.randn(a.batch, 6, generator=g, dtype=torch.float64)
    Z[0] = 0
    V = torch.randn(a.batch, 10, generator=g, dtype=torch.float64)
    Z.requires_grad_(True)
    # Softplus inputs must stay below torch's threshold (20) for exact agreement.
    pre = model[:6](Z.detach())
    if pre.abs().max().item() >= 20:
        sys.exit("demo: a Softplus input reached torch's threshold 20; pick another seed")
    G = model(Z)
    (JTV,) = torch.autograd.grad(G, Z, grad_outputs=V)  # row b: J(z_b)^T v_b (rows are independent)
    for name, t in (("Z", Z), ("G", G), ("V", V), ("JTV", JTV)):
        np.save(os.path.join(a.out, name + ".npy"), t.detach().numpy())
    print(json.dumps({"torch": torch.__version__, "numpy": np.__version__, "batch": a.batch,
                      "max_softplus_input": pre.abs().max().item()}))


if __name__ == "__main__":
    main()
