package genrec

import (
	"context"
	"fmt"

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
	if den := dot(aw, aw); den > 0 {
		c := dot(aw, y) / den
		for i := range w {
			w[i] *= c
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
