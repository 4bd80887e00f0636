// Package interop holds no code, only tests that check gencs against
// independent Python implementations:
//
//   - nn against PyTorch: scripts/torch_export.py builds a random float64
//     nn.Sequential (Linear, ReLU, LeakyReLU, Tanh, Softplus, Sigmoid),
//     exports it in the gencs model format and records torch's outputs and
//     autograd input gradients; nn.Load must reproduce them (Forward to
//     1e-12, VJP to 1e-10, relative).
//   - sparse against scikit-learn: FISTA against sklearn's Lasso (coordinate
//     descent) and OMP against sklearn's OrthogonalMatchingPursuit on a seeded
//     problem (scripts/interop_check.py computes the references).
//   - linop against SciPy: the DCT against scipy.fft.dct(type=2,
//     norm="ortho") and idct, the Walsh–Hadamard operator against
//     scipy.linalg.hadamard(n)/sqrt(n).
//
// The tests run Python as /usr/bin/python3, or $GENCS_PYTHON if set, and skip
// (saying what to install) when torch, scikit-learn or SciPy is missing.
// Run them with `go test ./interop/`.
package interop
