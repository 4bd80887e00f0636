package codegen

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/gencs/gencs/nn"
)

// Kind is the model-file kind of exported Theorem 2.1 generators.
const Kind = "codegen"

// ToNetwork returns G as a two-layer ReLU network: a sparse layer with one
// unit z_i - t_j per block i and node j, a ReLU, and a sparse output layer
//
//	g(z) = P_0 + sum_j (s_j - s_{j-1}) ReLU(z - t_j),
//
// with s_j the slope of segment j (s_{-1} = s_{|P'|-1} = 0), which equals
// the curve everywhere (flat outside [0, T]). Its Meta holds the Params so
// that FromMeta can rebuild G.
func (g *Generator) ToNetwork() (*nn.Network, error) {
	nodes := len(g.Points)
	hidden := g.K * nodes
	var r1, c1 []int
	var v1, b1 []float64
	for i := range g.K {
		for j := range nodes {
			r1 = append(r1, i*nodes+j)
			c1 = append(c1, i)
			v1 = append(v1, 1)
			b1 = append(b1, -g.Node(j))
		}
	}
	l1, err := nn.NewSparseCOO(hidden, g.K, r1, c1, v1, b1)
	if err != nil {
		return nil, fmt.Errorf("codegen: network: %w", err)
	}
	var r2, c2 []int
	var v2 []float64
	b2 := make([]float64, g.N)
	for i := range g.K {
		copy(b2[i*g.Block:], g.Points[0])
		for j := range nodes {
			for e := range g.Block {
				c := 0.0
				if j < nodes-1 {
					c += g.slopes[j][e]
				}
				if j > 0 {
					c -= g.slopes[j-1][e]
				}
				if c != 0 {
					r2 = append(r2, i*g.Block+e)
					c2 = append(c2, i*nodes+j)
					v2 = append(v2, c)
				}
			}
		}
	}
	l2, err := nn.NewSparseCOO(g.N, hidden, r2, c2, v2, b2)
	if err != nil {
		return nil, fmt.Errorf("codegen: network: %w", err)
	}
	net, err := nn.NewNetwork(Kind, l1, nn.ReLU(hidden), l2)
	if err != nil {
		return nil, fmt.Errorf("codegen: network: %w", err)
	}
	net.Meta = g.Meta()
	return net, nil
}

// Meta returns the parameters as model-file metadata (the seed as a string,
// since JSON numbers lose 64-bit integers), plus derived sizes for readers.
func (g *Generator) Meta() map[string]any {
	return map[string]any{
		"n": g.N, "k": g.K, "L": g.L, "r": g.Rlat, "R": g.R, "p": g.P,
		"seed":         strconv.FormatUint(g.Seed, 10),
		"max_points":   g.MaxPoints,
		"max_code_dim": g.MaxCodeDim,
		"points":       len(g.Points), "q": g.Q, "code_dim": g.Code.K, "size_x": g.NumX(),
	}
}

// FromMeta reads Params back from model-file metadata written by Meta
// (numbers may be float64, json.Number or strings).
func FromMeta(meta map[string]any) (Params, error) {
	var p Params
	num := func(key string, required bool) (float64, error) {
		v, ok := meta[key]
		if !ok {
			if required {
				return 0, fmt.Errorf("codegen model metadata: missing %q", key)
			}
			return 0, nil
		}
		var f float64
		var err error
		switch t := v.(type) {
		case float64:
			f = t
		case int:
			f = float64(t)
		case json.Number:
			f, err = t.Float64()
		case string:
			f, err = strconv.ParseFloat(t, 64)
		default:
			err = fmt.Errorf("type %T", v)
		}
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, fmt.Errorf("codegen model metadata: %q = %v is not a finite number", key, v)
		}
		return f, nil
	}
	integer := func(key string, required bool) (int, error) {
		f, err := num(key, required)
		if err != nil {
			return 0, err
		}
		if f != math.Trunc(f) || math.Abs(f) > 1<<40 {
			return 0, fmt.Errorf("codegen model metadata: %q = %v is not an integer", key, f)
		}
		return int(f), nil
	}
	var err error
	if p.N, err = integer("n", true); err != nil {
		return p, err
	}
	if p.K, err = integer("k", true); err != nil {
		return p, err
	}
	if p.P, err = integer("p", true); err != nil {
		return p, err
	}
	if p.L, err = num("L", true); err != nil {
		return p, err
	}
	if p.Rlat, err = num("r", true); err != nil {
		return p, err
	}
	if p.R, err = num("R", true); err != nil {
		return p, err
	}
	if p.MaxPoints, err = integer("max_points", false); err != nil {
		return p, err
	}
	if p.MaxCodeDim, err = integer("max_code_dim", false); err != nil {
		return p, err
	}
	switch s := meta["seed"].(type) {
	case nil:
	case string:
		if p.Seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			return p, fmt.Errorf("codegen model metadata: seed %q: %w", s, err)
		}
	default:
		f, err := integer("seed", false)
		if err != nil || f < 0 {
			return p, fmt.Errorf("codegen model metadata: seed %v is not a non-negative integer", s)
		}
		p.Seed = uint64(f)
	}
	return p, nil
}
