package sparse

import (
	"fmt"
	"math"

	"github.com/gencs/gencs/internal/finite"
	"github.com/gencs/gencs/internal/rng"
	"github.com/gencs/gencs/linop"
)

// FISTA solves the Lasso, minimise 0.5||A x - y||^2 + lambda ||x||_1, by the
// accelerated proximal gradient method of Beck and Teboulle with step 1/L,
// where L is 1.05 times a Lanczos estimate of ||A||^2 (started from a
// random vector drawn from Options.Seed), and with gradient-based adaptive
// restart (O'Donoghue and Candès) of the momentum.
//
// Lambda defaults to 0.01 ||A^T y||_inf. Because the gradient is affine, the
// gradient at the extrapolated point is a combination of the gradients at the
// last two iterates, so each iteration costs one A x and one A^T r and the
// optimality conditions are checked exactly at every iterate: it stops with
// Converged when the KKT violation
//
//	max( max_{x_i != 0} |g_i + lambda sign(x_i)|, max_{x_i = 0} (|g_i| - lambda)_+ ),
//
// g = A^T(A x - y), is at most Tol*lambda (default Tol 1e-8), and otherwise
// after MaxIter iterations (default 20000). History holds ||A x - y||.
//
// Once the sign pattern of the iterates has been stable for a few
// iterations, FISTA tries the solution that pattern implies: on the support
// S with signs s, the Lasso optimum solves A_S^T A_S x_S = A_S^T y - lambda s,
// which conjugate gradients solve in about |S| steps. The candidate is kept
// only if it passes the same exact KKT test; otherwise the iteration goes on
// from where it was. This ends FISTA's slow linear tail as soon as the
// support is identified and returns the optimum to rounding error.
func FISTA(A linop.Operator, y []float64, opt *Options) (Result, error) {
	p, err := prepare("fista", A, y, opt)
	if err != nil {
		return Result{}, err
	}
	if p.ynorm == 0 {
		return p.zero(), nil
	}
	m, n := p.m, p.n
	maxIter := p.maxIter(20000)
	tol := p.tol(1e-8)

	g := make([]float64, n)
	p.A.adjoint(g, p.y)
	lambda := p.opt.Lambda
	if lambda == 0 {
		lambda = 0.01 * normInf(g)
	}
	for i := range g {
		g[i] = -g[i] // gradient at x = 0
	}
	L := 1.05 * normSq(p.A, n, p.opt.Seed)
	if math.IsNaN(L) || math.IsInf(L, 0) || !finite.All(g) {
		return Result{}, fmt.Errorf("sparse: fista: ||A||^2 estimate is %v and ||A^T y||_inf is %v: the operator yields non-finite values", L, normInf(g))
	}
	if !(L > 0) {
		return p.zero(), nil
	}

	x := make([]float64, n)
	xold := make([]float64, n)
	gold := make([]float64, n)
	z := make([]float64, n)
	ax := make([]float64, m)
	res := make([]float64, m)
	xnew := make([]float64, n)
	t := 1.0
	beta := 0.0
	status := IterationLimit
	iters := 0
	if kkt(x, g, lambda) <= tol*lambda {
		// lambda >= ||A^T y||_inf: x = 0 is the minimiser.
		p.record(p.ynorm)
		return p.result(x, Converged, 0), nil
	}
	stable, tried := 0, false
	pol := newPolisher(m, n)
	for iters < maxIter {
		iters++
		// Extrapolated point and its gradient.
		for i := range z {
			yi := x[i] + beta*(x[i]-xold[i])
			gi := g[i] + beta*(g[i]-gold[i])
			z[i] = yi - gi/L
		}
		soft(xnew, z, lambda/L)
		if samePattern(x, xnew) {
			stable++
		} else {
			stable, tried = 0, false
		}
		// Restart test: <y - x_new, x_new - x> > 0 means momentum is hurting.
		var rs float64
		for i := range x {
			yi := x[i] + beta*(x[i]-xold[i])
			rs += (yi - xnew[i]) * (xnew[i] - x[i])
		}
		copy(xold, x)
		copy(gold, g)
		copy(x, xnew)
		p.A.apply(ax, x)
		sub(res, ax, p.y)
		p.A.adjoint(g, res)
		rn := norm(res)
		p.record(rn)
		if !finite.All(x) || math.IsNaN(rn) {
			return p.result(x, Diverged, iters), nil
		}
		if kkt(x, g, lambda) <= tol*lambda {
			status = Converged
			break
		}
		if stable >= 5 && !tried {
			tried = true
			if pol.try(p, x, g, lambda, tol) {
				if len(p.history) > 0 {
					p.history[len(p.history)-1] = norm(pol.res)
				}
				status = Converged
				break
			}
		}
		if rs > 0 {
			t = 1
			beta = 0
		} else {
			tn := (1 + math.Sqrt(1+4*t*t)) / 2
			beta = (t - 1) / tn
			t = tn
		}
	}
	return p.result(x, status, iters), nil
}

// samePattern reports whether a and b have the same sign pattern.
func samePattern(a, b []float64) bool {
	for i := range a {
		if (a[i] > 0) != (b[i] > 0) || (a[i] < 0) != (b[i] < 0) {
			return false
		}
	}
	return true
}

// polisher holds the buffers of FISTA's support polish.
type polisher struct {
	xs, r, d, md, gs []float64 // length n
	ad, res          []float64 // length m
}

func newPolisher(m, n int) *polisher {
	return &polisher{xs: make([]float64, n), r: make([]float64, n), d: make([]float64, n),
		md: make([]float64, n), gs: make([]float64, n), ad: make([]float64, m), res: make([]float64, m)}
}

// try solves A_S^T A_S x_S = A_S^T y - lambda s on the support S and signs
// s of x by conjugate gradients started at x (whose gradient g gives the
// first residual -(g_S + lambda s) for free). If the result keeps the signs
// and passes the exact KKT test, x and g are overwritten with it and try
// returns true; p.res then holds A x - y.
func (pol *polisher) try(p *problem, x, g []float64, lambda, tol float64) bool {
	supp := 0
	for i, xi := range x {
		pol.xs[i] = xi
		pol.r[i] = 0
		if xi != 0 {
			supp++
			pol.r[i] = -(g[i] + lambda*sign(xi))
		}
	}
	if supp == 0 || supp > p.m {
		return false
	}
	copy(pol.d, pol.r)
	rr := dot(pol.r, pol.r)
	r0 := rr
	for it := 0; it < 2*supp+10 && rr > 1e-30*r0 && rr > 0; it++ {
		p.A.apply(pol.ad, pol.d)
		p.A.adjoint(pol.md, pol.ad)
		for i := range pol.md {
			if x[i] == 0 {
				pol.md[i] = 0
			}
		}
		dmd := dot(pol.d, pol.md)
		if !(dmd > 0) {
			return false // A_S is rank deficient: no unique solution here
		}
		a := rr / dmd
		for i := range pol.xs {
			pol.xs[i] += a * pol.d[i]
			pol.r[i] -= a * pol.md[i]
		}
		rn := dot(pol.r, pol.r)
		for i := range pol.d {
			pol.d[i] = pol.r[i] + rn/rr*pol.d[i]
		}
		rr = rn
	}
	for i, xi := range x {
		if xi != 0 && sign(pol.xs[i]) != sign(xi) {
			return false
		}
	}
	p.A.apply(pol.ad, pol.xs)
	sub(pol.res, pol.ad, p.y)
	p.A.adjoint(pol.gs, pol.res)
	if !finite.All(pol.xs) || kkt(pol.xs, pol.gs, lambda) > tol*lambda {
		return false
	}
	copy(x, pol.xs)
	copy(g, pol.gs)
	return true
}

func sign(v float64) float64 {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// kkt returns the Lasso optimality violation at x with gradient g.
func kkt(x, g []float64, lambda float64) float64 {
	var v float64
	for i, xi := range x {
		switch {
		case xi > 0:
			v = max(v, math.Abs(g[i]+lambda))
		case xi < 0:
			v = max(v, math.Abs(g[i]-lambda))
		default:
			v = max(v, math.Abs(g[i])-lambda)
		}
	}
	return v
}

// normSq estimates ||A||^2, the largest eigenvalue of A^T A, by the Lanczos
// method on A^T A from a seeded random start (one A v and one A^T u per
// step). The largest Ritz value increases monotonically towards the top
// eigenvalue and, even without reorthogonalisation, never exceeds it by more
// than rounding; it converges in far fewer steps than power iteration when
// the top eigenvalues cluster, as they do for Gaussian matrices (about 25
// steps against 150 at m = 200, n = 1000). It stops when the Ritz value
// changes by less than 1e-9 relative, or after 300 steps.
func normSq(A *counted, n int, seed uint64) float64 {
	r := rng.New(seed, 0x6e6f726d) // "norm"
	v := make([]float64, n)
	for i := range v {
		v[i] = r.NormFloat64()
	}
	nv := norm(v)
	if nv == 0 {
		return 0
	}
	for i := range v {
		v[i] /= nv
	}
	m, _ := A.op.Dims()
	av := make([]float64, m)
	w := make([]float64, n)
	vold := make([]float64, n)
	var alphas, betas []float64
	beta, prev := 0.0, 0.0
	for it := 0; it < 300; it++ {
		A.apply(av, v)
		A.adjoint(w, av)
		alpha := dot(v, w)
		alphas = append(alphas, alpha)
		for i := range w {
			w[i] -= alpha*v[i] + beta*vold[i]
		}
		ritz := topEigenTridiag(alphas, betas)
		if !(ritz == ritz) || math.IsInf(ritz, 0) {
			return ritz
		}
		beta = norm(w)
		if beta <= 1e-12*math.Abs(ritz) || (it > 0 && math.Abs(ritz-prev) <= 1e-9*ritz) {
			return ritz
		}
		prev = ritz
		betas = append(betas, beta)
		vold, v, w = v, w, vold
		for i := range v {
			v[i] /= beta
		}
	}
	return prev
}

// topEigenTridiag returns the largest eigenvalue of the symmetric
// tridiagonal matrix with diagonal a and off-diagonal b (len(b) = len(a)-1),
// by bisection on the Sturm count: exact to rounding and never above the
// true value by more than that.
func topEigenTridiag(a, b []float64) float64 {
	// Gershgorin bounds.
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range a {
		rad := 0.0
		if i > 0 {
			rad += math.Abs(b[i-1])
		}
		if i < len(b) {
			rad += math.Abs(b[i])
		}
		lo = min(lo, a[i]-rad)
		hi = max(hi, a[i]+rad)
	}
	if !(lo <= hi) {
		return math.NaN()
	}
	// count(x) = number of eigenvalues < x.
	count := func(x float64) int {
		c, d := 0, 1.0
		for i := range a {
			off := 0.0
			if i > 0 {
				off = b[i-1] * b[i-1] / d
			}
			d = a[i] - x - off
			if d == 0 {
				d = -1e-300
			}
			if d < 0 {
				c++
			}
		}
		return c
	}
	k := len(a)
	for it := 0; it < 200 && hi-lo > 1e-15*math.Max(math.Abs(lo), math.Abs(hi)); it++ {
		mid := (lo + hi) / 2
		if count(mid) >= k {
			hi = mid
		} else {
			lo = mid
		}
	}
	return (lo + hi) / 2
}
