package genrec

import (
	"context"
	"fmt"
	"math"

	"github.com/gencs/gencs/linop"
)

// PGDOptions configures PGD. The zero value is usable.
type PGDOptions struct {
	// Outer is the maximum number of outer (x-space) iterations; 0 means 30.
	Outer int
	// Step is the gradient step in x. 0 means an adaptive step that needs
	// no knowledge of the scaling of A: the exact line-search step
	// ||g||^2 / ||A g||^2 along g = A^T (y - A x) at the first iteration and
	// the Barzilai-Borwein step ||s||^2 / ||A s||^2 along the last move
	// s = x_t - x_{t-1} (a direction along range(G), where A is close to an
	// isometry for good measurement matrices) afterwards.
	Step float64
	// Tol stops the outer loop when ||x_{t+1} - x_t|| <= Tol ||x_t||;
	// 0 means 1e-6.
	Tol float64
	// Inner configures the projections onto range(G). Inner.Iters 0 means
	// 200 and Inner.Restarts 0 means 10 for the first projection; later
	// projections warm-start from the previous latent with one run.
	// Inner.Seed, Inner.Workers and Inner.Lambda apply throughout.
	Inner Options
}

// PGD is projected gradient descent onto the range of G (Shah and Hegde,
// "PGD-GAN", 2018): starting from x_0 = 0 it alternates a gradient step on
// ||A x - y||^2, w = x_t + eta A^T (y - A x_t), with a projection
// x_{t+1} = G(argmin_z ||G(z) - w||^2) computed by an inner latent
// optimisation (Project). The outer iterate with the lowest measurement loss
// is returned; Result.History holds the loss after each outer iteration.
func PGD(G Generator, A linop.Operator, y []float64, opt *PGDOptions) (Result, error) {
	return PGDContext(context.Background(), G, A, y, opt)
}

// PGDContext is PGD with cancellation.
func PGDContext(ctx context.Context, G Generator, A linop.Operator, y []float64, opt *PGDOptions) (Result, error) {
	k, n := G.Dims()
	m, an := A.Dims()
	if an != n {
		return Result{}, fmt.Errorf("pgd: operator takes vectors of length %d but the generator outputs %d", an, n)
	}
	if len(y) != m {
		return Result{}, fmt.Errorf("pgd: y has length %d, operator has %d rows", len(y), m)
	}
	for i, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Result{}, fmt.Errorf("pgd: y[%d] is %v", i, v)
		}
	}
	var o PGDOptions
	if opt != nil {
		o = *opt
	}
	if o.Outer == 0 {
		o.Outer = 30
	}
	if o.Outer < 0 {
		return Result{}, fmt.Errorf("pgd: outer iterations %d must be positive", o.Outer)
	}
	if o.Step < 0 || math.IsNaN(o.Step) || math.IsInf(o.Step, 0) {
		return Result{}, fmt.Errorf("pgd: step %v must be positive and finite", o.Step)
	}
	if o.Tol == 0 {
		o.Tol = 1e-6
	}
	if o.Inner.Iters == 0 {
		o.Inner.Iters = 200
	}
	inner := o.Inner.withDefaults()
	if err := inner.validate(k); err != nil {
		return Result{}, fmt.Errorf("pgd: inner: %w", err)
	}
	inner.NoHistory = true

	x := make([]float64, n)
	w := make([]float64, n)
	var ax, g, ag, as []float64
	var prev []float64
	s := make([]float64, n)
	var z []float64
	best := Result{Loss: math.Inf(1)}
	var hist []float64
	status := IterationLimit
	ynorm2 := dot(y, y)
	for t := 0; t < o.Outer; t++ {
		ax = A.Apply(ax, x)
		for i := range ax {
			ax[i] = y[i] - ax[i]
		}
		g = A.ApplyAdjoint(g, ax)
		eta := o.Step
		if eta == 0 && prev != nil {
			// Barzilai-Borwein step from the last move s = x_t - x_{t-1},
			// which lies along range(G): ||s||^2 / ||A s||^2.
			for i := range s {
				s[i] = x[i] - prev[i]
			}
			as = A.Apply(as, s)
			if num, den := dot(s, s), dot(as, as); den > 0 && num > 0 {
				eta = num / den
			}
		}
		if eta == 0 {
			// exact line search along g: ||g||^2 / ||A g||^2
			ag = A.Apply(ag, g)
			if num, den := dot(g, g), dot(ag, ag); den > 0 {
				eta = num / den
			}
		}
		for i := range w {
			w[i] = x[i] + eta*g[i]
		}
		po := inner
		if z != nil {
			po.Init = [][]float64{z}
			po.Restarts = 1
		}
		pr, err := run(ctx, G, identity(n), w, &po)
		if err != nil {
			return Result{}, fmt.Errorf("pgd: projection %d: %w", t, err)
		}
		z = pr.Z
		change, norm := 0.0, 0.0
		for i := range x {
			d := pr.X[i] - x[i]
			change += d * d
			norm += x[i] * x[i]
		}
		if prev == nil {
			prev = make([]float64, n)
		}
		copy(prev, x)
		copy(x, pr.X)
		ax = A.Apply(ax, x)
		for i := range ax {
			ax[i] -= y[i]
		}
		loss := dot(ax, ax)
		hist = append(hist, loss)
		if loss < best.Loss {
			best = Result{Z: append([]float64(nil), z...), X: append([]float64(nil), x...), Loss: loss,
				Objective: loss + inner.Lambda*dot(z, z), Iterations: t + 1}
		}
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			status = Diverged
			break
		}
		if inner.Tol > 0 && loss <= inner.Tol*ynorm2 {
			status = Converged
			break
		}
		if math.Sqrt(change) <= o.Tol*math.Sqrt(norm) {
			status = Converged
			break
		}
	}
	if best.Z == nil {
		return Result{}, fmt.Errorf("pgd: no finite iterate")
	}
	best.History = hist
	best.Status = status
	return best, nil
}
