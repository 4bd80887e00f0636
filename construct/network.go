package construct

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/gencs/gencs/nn"
)

// network converts a reluNet into an nn.Network of Sparse (CSR) layers with
// ReLU between them. The weight slices are shared, not copied.
func (g *reluNet) network(kind string, meta map[string]any) (*nn.Network, error) {
	var layers []nn.Layer
	for l := range g.layers {
		L := &g.layers[l]
		s, err := nn.NewSparse(L.rows, L.cols, L.rowPtr, L.colIdx, L.val, nil)
		if err != nil {
			return nil, fmt.Errorf("construct: layer %d: %w", l, err)
		}
		layers = append(layers, s)
		if l < len(g.layers)-1 {
			layers = append(layers, nn.ReLU(L.rows))
		}
	}
	net, err := nn.NewNetwork(kind, layers...)
	if err != nil {
		return nil, fmt.Errorf("construct: %w", err)
	}
	net.Meta = meta
	return net, nil
}

// sameWeights reports whether net has exactly the layers of g (bit-for-bit
// weights, CSR structure, ReLUs in between, no non-zero biases).
func (g *reluNet) sameWeights(net *nn.Network) error {
	want := 2*len(g.layers) - 1
	if len(net.Layers) != want {
		return fmt.Errorf("model has %d layers, the construction has %d", len(net.Layers), want)
	}
	for l := range g.layers {
		L := &g.layers[l]
		s, ok := net.Layers[2*l].(*nn.Sparse)
		if !ok {
			return fmt.Errorf("model layer %d is %T, want a sparse layer", 2*l, net.Layers[2*l])
		}
		if s.OutDim() != L.rows || s.InDim() != L.cols {
			return fmt.Errorf("model layer %d is %dx%d, want %dx%d", 2*l, s.OutDim(), s.InDim(), L.rows, L.cols)
		}
		ip, idx, val, bias := s.CSR()
		for _, b := range bias {
			if b != 0 {
				return fmt.Errorf("model layer %d has a non-zero bias", 2*l)
			}
		}
		if len(val) != len(L.val) {
			return fmt.Errorf("model layer %d has %d entries, want %d", 2*l, len(val), len(L.val))
		}
		for i := range ip {
			if ip[i] != L.rowPtr[i] {
				return fmt.Errorf("model layer %d: row pointers differ at row %d", 2*l, i)
			}
		}
		for p := range val {
			if idx[p] != L.colIdx[p] || math.Float64bits(val[p]) != math.Float64bits(L.val[p]) {
				return fmt.Errorf("model layer %d: entry %d differs from the construction", 2*l, p)
			}
		}
		if l < len(g.layers)-1 {
			a, ok := net.Layers[2*l+1].(*nn.Activation)
			if !ok || a.Kind != nn.ActReLU {
				return fmt.Errorf("model layer %d is not a ReLU", 2*l+1)
			}
		}
	}
	return nil
}

// metaInt reads an integer field of a model's meta (json.Number after
// nn.Load, int or float64 when built in memory).
func metaInt(meta map[string]any, key string) (int, error) {
	v, ok := meta[key]
	if !ok {
		return 0, fmt.Errorf("meta has no %q", key)
	}
	switch x := v.(type) {
	case json.Number:
		i, err := strconv.ParseInt(string(x), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("meta %q = %s is not an integer", key, x)
		}
		return int(i), nil
	case int:
		return x, nil
	case int64:
		return int(x), nil
	case uint64:
		return int(x), nil
	case float64:
		if x != math.Trunc(x) || math.Abs(x) > 1<<53 {
			return 0, fmt.Errorf("meta %q = %v is not an integer", key, x)
		}
		return int(x), nil
	}
	return 0, fmt.Errorf("meta %q has type %T, want a number", key, v)
}

// metaUint reads an unsigned integer (seeds may exceed 2^53, so they are
// stored as decimal strings; plain numbers are accepted too).
func metaUint(meta map[string]any, key string) (uint64, error) {
	v, ok := meta[key]
	if !ok {
		return 0, fmt.Errorf("meta has no %q", key)
	}
	switch x := v.(type) {
	case string:
		u, err := strconv.ParseUint(x, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("meta %q = %q is not an unsigned integer", key, x)
		}
		return u, nil
	case json.Number:
		u, err := strconv.ParseUint(string(x), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("meta %q = %s is not an unsigned integer", key, x)
		}
		return u, nil
	case uint64:
		return x, nil
	case int:
		if x >= 0 {
			return uint64(x), nil
		}
	}
	return 0, fmt.Errorf("meta %q = %v is not an unsigned integer", key, v)
}

// metaFloat reads a float field. Floats are stored as strings in %.17g
// (exact round trip) or as numbers.
func metaFloat(meta map[string]any, key string) (float64, error) {
	v, ok := meta[key]
	if !ok {
		return 0, fmt.Errorf("meta has no %q", key)
	}
	var f float64
	var err error
	switch x := v.(type) {
	case string:
		f, err = strconv.ParseFloat(x, 64)
	case json.Number:
		f, err = strconv.ParseFloat(string(x), 64)
	case float64:
		f = x
	default:
		err = fmt.Errorf("type %T", v)
	}
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("meta %q = %v is not a finite number", key, v)
	}
	return f, nil
}

// Construction is what G_sp and G_rand share: a generator whose range is
// the k-sparse vectors, with a right inverse.
type Construction interface {
	// Dims returns the latent and output dimensions.
	Dims() (int, int)
	// Forward sets dst = G(z).
	Forward(dst, z []float64) []float64
	// VJP sets dst = J(z)^T v.
	VJP(dst, z, v []float64) []float64
	// K returns the sparsity of the range.
	K() int
	// Preimage returns z with G(z) = x for x with at most K() non-zeros.
	Preimage(x []float64) ([]float64, error)
	// Widths returns input, hidden and output widths.
	Widths() []int
	// NonZeros returns the number of stored weights.
	NonZeros() int
	// Network returns the construction as an nn.Network.
	Network() (*nn.Network, error)
	// LocalLipschitz returns the spectral norm of the Jacobian at z.
	LocalLipschitz(z []float64) float64
}

// LocalLipschitz returns ||J(z)||_2 (exact masks, power iteration).
func (g *GspNet) LocalLipschitz(z []float64) float64 { return g.net.localNorm(z, 100) }

// LocalLipschitz returns ||J(x)||_2 (exact masks, power iteration).
func (g *GrandNet) LocalLipschitz(x []float64) float64 { return g.net.localNorm(x, 100) }

// FromNetwork rebuilds the construction a model file describes (kind "gsp"
// or "grand", parameters from its meta) and checks that the file's weights
// are bit-for-bit those of the construction, so that Preimage applies to
// the loaded network.
func FromNetwork(net *nn.Network) (Construction, error) {
	var c Construction
	var inner *reluNet
	switch net.Kind {
	case "gsp":
		n, err := metaInt(net.Meta, "n")
		if err != nil {
			return nil, fmt.Errorf("construct: gsp model: %w", err)
		}
		k, err := metaInt(net.Meta, "k")
		if err != nil {
			return nil, fmt.Errorf("construct: gsp model: %w", err)
		}
		g, err := Gsp(n, k)
		if err != nil {
			return nil, err
		}
		c, inner = g, &g.net
	case "grand":
		n, err := metaInt(net.Meta, "n")
		if err != nil {
			return nil, fmt.Errorf("construct: grand model: %w", err)
		}
		k, err := metaInt(net.Meta, "k")
		if err != nil {
			return nil, fmt.Errorf("construct: grand model: %w", err)
		}
		alpha, err := metaFloat(net.Meta, "alpha")
		if err != nil {
			return nil, fmt.Errorf("construct: grand model: %w", err)
		}
		seed, err := metaUint(net.Meta, "seed")
		if err != nil {
			return nil, fmt.Errorf("construct: grand model: %w", err)
		}
		if alpha <= 0 {
			return nil, fmt.Errorf("construct: grand model: alpha %v must be positive", alpha)
		}
		g, err := Grand(n, k, alpha, seed)
		if err != nil {
			return nil, err
		}
		c, inner = g, &g.net
	default:
		return nil, fmt.Errorf("construct: model kind %q is not a construction (want gsp or grand)", net.Kind)
	}
	if err := inner.sameWeights(net); err != nil {
		return nil, fmt.Errorf("construct: %s model does not match the construction with its meta: %w", net.Kind, err)
	}
	return c, nil
}
