package sparse

import (
	"slices"

	"github.com/gencs/gencs/linop"
)

// IHT is normalised iterative hard thresholding (Blumensath and Davies, 2010):
// x <- H_K(x + mu A^T(y - A x)) with the adaptive step
// mu = ||g_S||^2 / ||A g_S||^2 computed on the current support S. When the
// support changes, the step must satisfy mu <= (1-c) ||x' - x||^2 / ||A(x' - x)||^2
// (c = 0.01); otherwise it is shrunk by 1/(2(1-c)) until it does.
//
// It stops with Converged when ||y - A x|| <= Tol ||y|| or
// ||x' - x|| <= Tol ||x'||. Defaults: K = m/4, Tol = 1e-10, MaxIter = 2000.
// History holds the residual norm after each iteration.
func IHT(A linop.Operator, y []float64, opt *Options) (Result, error) {
	p, err := prepare("iht", A, y, opt)
	if err != nil {
		return Result{}, err
	}
	if p.ynorm == 0 {
		return p.zero(), nil
	}
	const (
		c     = 0.01
		kappa = 2.0
	)
	k := p.k()
	maxIter := p.maxIter(2000)
	tol := p.tol(1e-10)
	m, n := p.m, p.n

	x := make([]float64, n)
	xnew := make([]float64, n)
	v := make([]float64, n)
	d := make([]float64, n)
	gS := make([]float64, n)
	g := make([]float64, n)
	ax := make([]float64, m)
	ad := make([]float64, m)
	agS := make([]float64, m)
	r := append([]float64(nil), y...)

	p.A.adjoint(g, r)
	S := topK(g, k)
	status := IterationLimit
	iters := 0
	for iters < maxIter {
		iters++
		if iters > 1 {
			p.A.adjoint(g, r)
		}
		clear(gS)
		for _, i := range S {
			gS[i] = g[i]
		}
		// Norms, not dot products: squares of entries near 1e±160 would
		// overflow or underflow, and mu is a ratio of squared norms.
		ng := norm(gS)
		if ng == 0 {
			// The residual is orthogonal to the support's columns: x is the
			// least-squares fit on S, a fixed point of the iteration.
			status = Converged
			break
		}
		// agS = A ĝ with ĝ = g_S/||g_S||: mu = ||g_S||^2/||A g_S||^2 = 1/||A ĝ||^2.
		for _, i := range S {
			gS[i] /= ng
		}
		p.A.apply(agS, gS)
		mu := ratioSq(1, norm(agS))
		var Snew []int
		for shrink := 0; ; shrink++ {
			for i := range v {
				v[i] = x[i] + mu*g[i]
			}
			Snew = topK(v, k)
			clear(xnew)
			for _, i := range Snew {
				xnew[i] = v[i]
			}
			if slices.Equal(Snew, S) {
				// x' - x = mu g_S, so A(x' - x) = mu ||g_S|| A ĝ.
				for i := range ad {
					ad[i] = (mu * ng) * agS[i]
				}
				break
			}
			sub(d, xnew, x)
			p.A.apply(ad, d)
			nd, nad := norm(d), norm(ad)
			if nad == 0 || mu <= (1-c)*ratioSq(nd, nad) || shrink == 200 {
				break
			}
			mu /= kappa * (1 - c)
		}
		change := dist(xnew, x)
		x, xnew = xnew, x
		S = Snew
		if iters%50 == 0 {
			p.A.apply(ax, x) // refresh against accumulated rounding
		} else {
			for i := range ax {
				ax[i] += ad[i]
			}
		}
		sub(r, y, ax)
		rn := norm(r)
		p.record(rn)
		if rn <= tol*p.ynorm || change <= tol*norm(x) {
			status = Converged
			break
		}
	}
	return p.result(x, status, iters), nil
}
