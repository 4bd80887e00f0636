// Package bora runs the compressed-sensing comparison of Bora, Jalal, Price
// and Dimakis (2017), "Compressed Sensing using Generative Models", on real
// images with generators trained by package vae: CSGM through a decoder
// against the Lasso (in pixel space and in the 2-D DCT basis) and OMP, and
// Sparse-Gen (Dhar, Grover and Ermon 2018), which lets the signal leave the
// generator's range by a sparse deviation.
//
// CSGM here is batched: all test images measured with the same matrix and
// all random restarts are optimised together, so every step is a handful of
// matrix-matrix products (gonum Gemm).
package bora

import (
	"context"
	"fmt"
	"math"

	"github.com/gencs/gencs/internal/adam"
	"github.com/gencs/gencs/internal/rng"
	"github.com/gencs/gencs/nn"
	"gonum.org/v1/gonum/mat"
)

// CSGMOptions configures BatchCSGM. The zero value is Bora et al.'s setting
// for MNIST: Adam with learning rate 0.01, 1000 steps, 10 restarts, z-prior
// weight 0.1.
type CSGMOptions struct {
	// Steps is the number of Adam steps per restart (default 1000).
	Steps int
	// LR is Adam's learning rate (default 0.01).
	LR float64
	// Restarts is the number of random starts per image (default 10).
	Restarts int
	// ZPrior weights ||z||^2 in the objective (default 0.1; negative means 0).
	ZPrior float64
	// SparseL1, if positive, turns CSGM into Sparse-Gen: the estimate is
	// G(z) + nu and the objective gains SparseL1 * ||nu||_1. The two blocks
	// are updated jointly: each iteration takes the gradient at the current
	// point, z takes an Adam step and nu a FISTA step (soft thresholding
	// with step 1/L, L = 2 ||A||^2 / m the Lipschitz constant of the
	// nu-gradient, then Nesterov extrapolation).
	SparseL1 float64
	// Seed draws the starting points: restart r of image i starts at
	// z ~ N(0, I) from internal/rng.New(Seed, i, r).
	Seed uint64
}

func (o CSGMOptions) withDefaults() CSGMOptions {
	if o.Steps == 0 {
		o.Steps = 1000
	}
	if o.LR == 0 {
		o.LR = 0.01
	}
	if o.Restarts == 0 {
		o.Restarts = 10
	}
	if o.ZPrior == 0 {
		o.ZPrior = 0.1
	} else if o.ZPrior < 0 {
		o.ZPrior = 0
	}
	return o
}

// CSGMResult holds the estimates of BatchCSGM.
type CSGMResult struct {
	// X holds one estimate per image (rows), G(z) or, for Sparse-Gen,
	// G(z) + nu.
	X *mat.Dense
	// Z holds the chosen latent code of each image.
	Z *mat.Dense
	// Loss is the objective of the chosen restart of each image.
	Loss []float64
}

// generator evaluates a network on a batch and back-propagates through it,
// reusing the forward pass (nn.Network.VJPBatch would recompute it).
type generator struct {
	layers []nn.BatchLayer
	k, n   int
	ins    []*mat.Dense
}

func newGenerator(net *nn.Network) (*generator, error) {
	g := &generator{}
	g.k, g.n = net.Dims()
	for i, l := range net.Layers {
		bl, ok := l.(nn.BatchLayer)
		if !ok {
			return nil, fmt.Errorf("bora: layer %d (%T) has no batch methods", i, l)
		}
		g.layers = append(g.layers, bl)
	}
	g.ins = make([]*mat.Dense, len(g.layers))
	return g, nil
}

// forward returns G(Z) (rows), keeping each layer's input for backward.
func (g *generator) forward(Z *mat.Dense) *mat.Dense {
	X := Z
	for i, l := range g.layers {
		g.ins[i] = X
		X = l.ForwardBatch(nil, X)
	}
	return X
}

// backward returns the rows J_G(Z_i)^T V_i at the Z of the last forward.
func (g *generator) backward(V *mat.Dense) *mat.Dense {
	G := V
	for i := len(g.layers) - 1; i >= 0; i-- {
		G = g.layers[i].VJPBatch(nil, g.ins[i], G)
	}
	return G
}

// BatchCSGM estimates images x_i from measurements Y (rows y_i = A x_i +
// noise, A is m x n) by minimising, over z (and nu for Sparse-Gen),
//
//	(1/m) ||A (G(z) + nu) - y_i||^2 + ZPrior ||z||^2 + SparseL1 ||nu||_1
//
// with Adam from Restarts random starts, keeping for each image the restart
// with the smallest objective (Bora et al.'s estimator). Results do not
// depend on GOMAXPROCS.
func BatchCSGM(ctx context.Context, G *nn.Network, A *mat.Dense, Y *mat.Dense, opt *CSGMOptions) (*CSGMResult, error) {
	o := CSGMOptions{}
	if opt != nil {
		o = *opt
	}
	o = o.withDefaults()
	if o.Steps < 0 || o.Restarts < 1 || !(o.LR > 0) || math.IsNaN(o.ZPrior) || math.IsNaN(o.SparseL1) {
		return nil, fmt.Errorf("bora: bad CSGM options %+v", o)
	}
	gen, err := newGenerator(G)
	if err != nil {
		return nil, err
	}
	k, n := gen.k, gen.n
	m, an := A.Dims()
	if an != n {
		return nil, fmt.Errorf("bora: A has %d columns, generator outputs %d", an, n)
	}
	nimg, ym := Y.Dims()
	if ym != m {
		return nil, fmt.Errorf("bora: measurements have %d entries, A has %d rows", ym, m)
	}
	R := o.Restarts
	B := nimg * R // row b = i*R + r
	Z := mat.NewDense(B, k, nil)
	for i := 0; i < nimg; i++ {
		for r := 0; r < R; r++ {
			src := rng.New(o.Seed, uint64(i), uint64(r))
			row := Z.RawRowView(i*R + r)
			for j := range row {
				row[j] = src.NormFloat64()
			}
		}
	}
	Yb := mat.NewDense(B, m, nil)
	for b := 0; b < B; b++ {
		copy(Yb.RawRowView(b), Y.RawRowView(b/R))
	}
	sparse := o.SparseL1 > 0
	// Nu is the deviation; W the FISTA extrapolation point at which the
	// gradient is taken (W = Nu when momentum is off).
	var Nu, W, NuOld *mat.Dense
	var eta float64
	tk := 1.0
	if sparse {
		Nu = mat.NewDense(B, n, nil)
		W = mat.NewDense(B, n, nil)
		NuOld = mat.NewDense(B, n, nil)
		var sv mat.SVD
		if !sv.Factorize(A, mat.SVDNone) {
			return nil, fmt.Errorf("bora: SVD of A failed")
		}
		s := sv.Values(nil)[0]
		eta = 1 / (2 * s * s / float64(m)) // 1 / Lipschitz constant of the nu-gradient
	}
	mom := mat.NewDense(B, k, nil)
	vel := mat.NewDense(B, k, nil)
	P := mat.NewDense(B, m, nil)
	V := mat.NewDense(B, n, nil)
	loss := make([]float64, B)
	// eval computes the objective per row and the gradient V = (2/m) R A
	// with respect to the estimate x = G(z) + nu.
	eval := func() *mat.Dense {
		X := gen.forward(Z)
		if sparse {
			X.Add(X, W)
		}
		P.Mul(X, A.T())
		P.Sub(P, Yb)
		for b := 0; b < B; b++ {
			var s float64
			for _, v := range P.RawRowView(b) {
				s += v * v
			}
			var zz float64
			for _, v := range Z.RawRowView(b) {
				zz += v * v
			}
			l := s/float64(m) + o.ZPrior*zz
			if sparse {
				var l1 float64
				for _, v := range W.RawRowView(b) {
					l1 += math.Abs(v)
				}
				l += o.SparseL1 * l1
			}
			loss[b] = l
		}
		V.Mul(P, A)
		V.Scale(2/float64(m), V)
		return X
	}
	for t := 1; t <= o.Steps; t++ {
		if t%50 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		eval()
		Gz := gen.backward(V)
		zd, gd := Z.RawMatrix().Data, Gz.RawMatrix().Data
		for j := range gd {
			gd[j] += 2 * o.ZPrior * zd[j]
		}
		adam.Step(zd, gd, mom.RawMatrix().Data, vel.RawMatrix().Data, t, o.LR)
		if sparse {
			// FISTA step on nu: prox-gradient from W, then extrapolate.
			NuOld.Copy(Nu)
			nd, vg, wd, od := Nu.RawMatrix().Data, V.RawMatrix().Data, W.RawMatrix().Data, NuOld.RawMatrix().Data
			th := eta * o.SparseL1
			for j, v := range wd {
				u := v - eta*vg[j]
				switch {
				case u > th:
					nd[j] = u - th
				case u < -th:
					nd[j] = u + th
				default:
					nd[j] = 0
				}
			}
			tn := (1 + math.Sqrt(1+4*tk*tk)) / 2
			beta := (tk - 1) / tn
			tk = tn
			if t == o.Steps {
				beta = 0 // the final evaluation is at nu itself
			}
			for j := range wd {
				wd[j] = nd[j] + beta*(nd[j]-od[j])
			}
		}
	}
	X := eval()
	res := &CSGMResult{X: mat.NewDense(nimg, n, nil), Z: mat.NewDense(nimg, k, nil), Loss: make([]float64, nimg)}
	for i := 0; i < nimg; i++ {
		best := -1
		for r := 0; r < R; r++ {
			b := i*R + r
			if math.IsNaN(loss[b]) {
				continue
			}
			if best < 0 || loss[b] < loss[best] {
				best = b
			}
		}
		if best < 0 {
			return nil, fmt.Errorf("bora: CSGM diverged for image %d (objective NaN in every restart)", i)
		}
		res.Loss[i] = loss[best]
		copy(res.X.RawRowView(i), X.RawRowView(best))
		copy(res.Z.RawRowView(i), Z.RawRowView(best))
	}
	return res, nil
}
