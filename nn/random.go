package nn

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/gencs/gencs/internal/rng"
)

// RandomReLU returns a random fully connected ReLU generator with layer
// widths widths[0] (latent k) -> widths[1] -> ... -> widths[L] (output n):
// Dense, ReLU, Dense, ReLU, ..., Dense, with no activation after the last
// dense layer (so outputs take both signs) and no biases.
//
// Weights are independent Gaussians: N(0, 2/fan_out) for layers followed
// by a ReLU (so that E||ReLU(W h)||^2 = ||h||^2) and N(0, 1/fan_out) for the
// final linear layer (E||W h||^2 = ||h||^2), hence E||G(z)||^2 = ||z||^2
// whatever the expansion. This is, up to the factor 2 that compensates the
// ReLU, the expansive random-weight model of Hand and Voroninski (2018),
// entries N(0, 1/n_i) with n_i the layer's output width, e.g. widths
// {k, 2k, 4k, ..., n}. Layer l's weights are drawn from
// internal/rng.New(seed, l) in row-major order. Kind is "random_relu" and
// Meta records "widths" and "seed".
func RandomReLU(widths []int, seed uint64) (*Network, error) {
	if len(widths) < 2 {
		return nil, fmt.Errorf("random ReLU network: need at least 2 widths (input and output), got %d", len(widths))
	}
	for i, w := range widths {
		if w < 1 {
			return nil, fmt.Errorf("random ReLU network: width %d is %d, must be >= 1", i, w)
		}
	}
	var layers []Layer
	L := len(widths) - 1
	for l := 0; l < L; l++ {
		in, out := widths[l], widths[l+1]
		variance := 2 / float64(out)
		if l == L-1 {
			variance = 1 / float64(out)
		}
		sd := math.Sqrt(variance)
		r := rng.New(seed, uint64(l))
		data := make([]float64, out*in)
		for i := range data {
			data[i] = sd * r.NormFloat64()
		}
		layers = append(layers, NewDense(mat.NewDense(out, in, data), nil))
		if l < L-1 {
			layers = append(layers, ReLU(out))
		}
	}
	net, err := NewNetwork("random_relu", layers...)
	if err != nil {
		return nil, err
	}
	ws := make([]any, len(widths))
	for i, w := range widths {
		ws[i] = w
	}
	net.Meta["widths"] = ws
	net.Meta["seed"] = seed
	return net, nil
}
