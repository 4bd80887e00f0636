package vae

import (
	"github.com/gencs/gencs/nn"
	"gonum.org/v1/gonum/mat"
)

// DecoderKind is the model kind of exported decoders.
const DecoderKind = "vae-decoder"

// Decoder returns the decoder as an nn.Network of kind "vae-decoder"
// (Dense, Softplus, Dense, Softplus, Dense, Sigmoid): a genrec.Generator
// from R^Latent to R^Input. The weights are copied.
func (m *Model) Decoder() *nn.Network {
	cfg := m.Config
	dense := func(l *layer) *nn.Dense {
		// nn stores W as out x in; ours is in x out.
		return nn.NewDense(mat.DenseCopyOf(l.W.T()), append([]float64(nil), l.B...))
	}
	net, err := nn.NewNetwork(DecoderKind,
		dense(m.dec[0]), nn.Softplus(cfg.Hidden),
		dense(m.dec[1]), nn.Softplus(cfg.Hidden),
		dense(m.dec[2]), nn.Sigmoid(cfg.Input))
	if err != nil {
		panic(err) // dimensions chain by construction
	}
	net.Meta["latent"] = cfg.Latent
	net.Meta["hidden"] = cfg.Hidden
	net.Meta["input"] = cfg.Input
	return net
}

// SaveDecoder writes the decoder as a model file (dir/model.json plus .npy
// weights, see nn.Save), recording meta (e.g. data set, seed, epochs, loss)
// in the manifest.
func (m *Model) SaveDecoder(dir string, meta map[string]any) error {
	net := m.Decoder()
	for k, v := range meta {
		net.Meta[k] = v
	}
	return nn.Save(dir, net)
}
