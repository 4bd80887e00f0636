// Package nn holds feed-forward networks built from dense and sparse (CSR)
// affine layers and elementwise activations, with Forward and
// vector-Jacobian products (VJP, J^T v) for one input or a batch, parameter
// and non-zero counts, Lipschitz bounds, random ReLU generators and model
// files. A *Network implements genrec.Generator.
//
// # Activations
//
// relu [x]_+ = max(x, 0); neg_relu, the paper's [x]_- = x I(x <= 0) =
// min(x, 0) (it keeps negative values: [x]_- = -[-x]_+, not max(-x, 0));
// identity; softplus log(1+e^x); sigmoid; tanh; leaky_relu (x if x > 0,
// slope*x otherwise). A "mixed" layer applies different activations to
// consecutive runs of coordinates. At kinks VJP uses the derivative from
// the side where the function is zero (relu: f'(0) = 0; neg_relu: f'(0) = 0;
// leaky_relu: f'(0) = slope).
//
// # Model files (format "gencs-model/1")
//
// A model is a directory holding a JSON manifest, model.json, and one NumPy
// .npy file per weight array. File names in the manifest are relative to
// the manifest's directory. Example:
//
//	{
//	  "format": "gencs-model/1",
//	  "kind": "random_relu",
//	  "input_dim": 20,
//	  "output_dim": 784,
//	  "layers": [
//	    {"type": "dense", "in": 20, "out": 500, "weight": "layer0_W.npy", "bias": "layer0_b.npy"},
//	    {"type": "relu", "dim": 500},
//	    {"type": "sparse", "in": 500, "out": 800, "indptr": "layer2_indptr.npy",
//	     "indices": "layer2_indices.npy", "values": "layer2_values.npy"},
//	    {"type": "mixed", "dim": 800, "segments": [{"type": "relu", "dim": 400}, {"type": "neg_relu", "dim": 400}]},
//	    {"type": "dense", "in": 800, "out": 784, "weight": "layer4_W.npy"},
//	    {"type": "leaky_relu", "dim": 784, "slope": 0.2}
//	  ],
//	  "meta": {"seed": 1, "widths": [20, 500, 800, 784]}
//	}
//
// Layer types and fields:
//
//   - "dense": "in", "out", "weight" (.npy of shape (out, in), the layout of
//     PyTorch's Linear.weight), optional "bias" (.npy of shape (out,)).
//   - "sparse": "in", "out", CSR arrays "indptr" (length out+1, starting at
//     0, non-decreasing), "indices" (column of each entry, in [0, in)),
//     "values" (same length as indices), optional "bias". The index arrays
//     may be stored as integer or float .npy; they must hold exact
//     non-negative integers. Duplicate (row, column) entries add.
//   - "relu", "neg_relu", "identity", "softplus", "sigmoid", "tanh": "dim".
//   - "leaky_relu": "dim", "slope" (required).
//   - "mixed": "segments", a list of {"type", "dim"[, "slope"]} activations
//     applied to consecutive coordinate runs; optional "dim" = their sum.
//
// "kind" is a free-form label and "meta" a free-form JSON object of
// construction parameters. Load rejects an unknown format string, unknown
// layer types or manifest fields, missing or unreadable files, array shapes
// that disagree with in/out, a broken dimension chain, input_dim or
// output_dim that disagree with the layers, NaN or Inf weights and invalid
// CSR structure; every error names the manifest, the layer index and the
// file. Save writes float64 arrays and the manifest atomically.
package nn
