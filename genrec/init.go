package genrec

import (
	"context"
	"fmt"
	"math"

	"github.com/gencs/gencs/linop"
)

// AdjointStart returns a latent start for CSGM from the measurements: the
// latent of the projection of the back-projection w = A^T y onto range(G),
// argmin_z ||G(z) - c w||^2, where c = <A w, y> / ||A w||^2 makes A (c w)
// the least-squares fit of y along w. For matrices with E[A^T A] = I (e.g.
// linop.Gaussian), A^T y is an unbiased but noisy estimate of x, so its
// projection is an informed start to combine with random restarts: pass it
// as Options.Init[0].
// opt configures the projection (its Init is ignored).
func AdjointStart(ctx context.Context, G Generator, A linop.Operator, y []float64, opt *Options) ([]float64, error) {
	_, n := G.Dims()
	m, an := A.Dims()
	if an != n || len(y) != m {
		return nil, fmt.Errorf("adjoint start: dimensions: generator outputs %d, A is %d x %d, y has %d", n, m, an, len(y))
	}
	w := A.ApplyAdjoint(nil, y)
	aw := A.Apply(nil, w)
	// c = <A w, y> / ||A w||^2, computed on vectors scaled to max-norm 1
	// so that y near 1e±200 neither overflows nor underflows.
	sa, sy := maxAbs(aw), maxAbs(y)
	if sa > 0 && sy > 0 && !math.IsInf(sa, 0) && !math.IsInf(sy, 0) {
		var num, den float64
		for i := range aw {
			a := aw[i] / sa
			num += a * (y[i] / sy)
			den += a * a
		}
		c := num / den * (sy / sa)
		if !math.IsNaN(c) && !math.IsInf(c, 0) {
			for i := range w {
				w[i] *= c
			}
		}
	}
	for i, v := range w {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("adjoint start: A^T y has a non-finite entry %d (measurements or operator too large)", i)
		}
	}
	var o Options
	if opt != nil {
		o = *opt
	}
	o.Init = nil
	r, err := ProjectContext(ctx, G, w, &o)
	if err != nil {
		return nil, fmt.Errorf("adjoint start: %w", err)
	}
	return r.Z, nil
}

// maxAbs returns max_i |v_i| (NaN if any entry is NaN).
func maxAbs(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		if math.IsNaN(x) {
			return x
		}
		m = math.Max(m, math.Abs(x))
	}
	return m
}
