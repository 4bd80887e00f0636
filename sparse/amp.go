package sparse

import (
	"math"

	"github.com/gencs/gencs/internal/finite"
	"github.com/gencs/gencs/internal/rng"
	"github.com/gencs/gencs/internal/statevol"
	"github.com/gencs/gencs/linop"
)

// AMP is approximate message passing with soft thresholding (Donoho, Maleki
// and Montanari, 2009):
//
//	x' = eta(x + A^T z; theta),  theta = alpha ||z|| / sqrt(m),
//	z' = y - A x' + z ||x'||_0 / m   (the Onsager correction).
//
// State evolution assumes A has roughly unit-norm columns, as for N(0, 1/m)
// entries. Operators with another column scale (orthonormal rows, subsampled
// DCT and Hadamard have RMS column norm sqrt(m/n)) are rescaled internally:
// the RMS column norm c = ||A||_F / sqrt(n) is estimated with a few seeded
// Rademacher probes (E||A^T s||^2 = ||A||_F^2, exact when A A^T is diagonal)
// and, when it is off 1 by more than 10%, AMP runs on (A/c, y/c), which has
// the same solutions. The
// threshold multiplier alpha is Options.Lambda; zero selects
// max(2, AlphaMinimax(m/n)). The minimax threshold alone (1.41 at m/n = 0.2)
// maximises the asymptotic phase transition but, at n of a few hundred to a
// thousand, left AMP oscillating without converging on a quarter of noisy
// problems; alpha = 2 converged on all of them with errors as small (measured
// at n = 512, m = 160, k = 10 and n = 1000, m = 200, k = 20).
//
// It stops with Converged when ||x' - x|| <= Tol ||x'|| or
// ||y - A x'|| <= Tol ||y|| (default Tol 1e-10); with Diverged when an
// iterate is non-finite or the residual exceeds 100 ||y||; otherwise after
// MaxIter iterations (default 1000). No debiasing is done: in the noiseless
// case the threshold shrinks geometrically with the residual, so the
// iterates converge to the exact sparse solution. History holds ||y - A x||.
func AMP(A linop.Operator, y []float64, opt *Options) (Result, error) {
	p, err := prepare("amp", A, y, opt)
	if err != nil {
		return Result{}, err
	}
	if p.ynorm == 0 {
		return p.zero(), nil
	}
	m, n := p.m, p.n
	maxIter := p.maxIter(1000)
	tol := p.tol(1e-10)
	alpha := p.opt.Lambda
	if alpha == 0 {
		alpha = max(2, AlphaMinimax(float64(m)/float64(n)))
	}

	x := make([]float64, n)
	xnew := make([]float64, n)
	v := make([]float64, n)
	ax := make([]float64, m)
	c := columnScale(p, v)
	if math.Abs(c-1) <= 0.1 {
		c = 1
	}
	ys := make([]float64, m)
	for i := range ys {
		ys[i] = p.y[i] / c
	}
	z := append([]float64(nil), ys...)
	sqm := math.Sqrt(float64(m))
	status := IterationLimit
	iters := 0
	for iters < maxIter {
		iters++
		p.A.adjoint(v, z)
		for i := range v {
			v[i] = v[i]/c + x[i]
		}
		theta := alpha * norm(z) / sqm
		nnz := soft(xnew, v, theta)
		p.A.apply(ax, xnew)
		for i := range ax {
			ax[i] /= c
		}
		b := float64(nnz) / float64(m)
		for i := range z {
			z[i] = ys[i] - ax[i] + b*z[i]
		}
		rn := c * dist(ax, ys)
		p.record(rn)
		change := dist(xnew, x)
		x, xnew = xnew, x
		if !finite.All(x) || !finite.All(z) || !(rn <= 100*p.ynorm) {
			status = Diverged
			break
		}
		if change <= tol*norm(x) || rn <= tol*p.ynorm {
			status = Converged
			break
		}
	}
	return p.result(x, status, iters), nil
}

// columnScale estimates the RMS column norm ||A||_F / sqrt(n) from 8
// Rademacher probes s in R^m, E||A^T s||^2 = ||A||_F^2. The probes come from
// Options.Seed, so the estimate is reproducible. buf has length n.
func columnScale(p *problem, buf []float64) float64 {
	const probes = 8
	r := rng.New(p.opt.Seed, 0xa3b)
	s := make([]float64, p.m)
	var sum float64
	for t := 0; t < probes; t++ {
		for i := range s {
			s[i] = float64(2*r.IntN(2) - 1)
		}
		p.A.adjoint(buf, s)
		sum += dot(buf, buf)
	}
	c := math.Sqrt(sum / probes / float64(p.n))
	if !(c > 0) || math.IsInf(c, 0) {
		return 1
	}
	return c
}

// AlphaMinimax returns the soft-threshold multiplier alpha that maximises the
// AMP state-evolution phase transition at undersampling delta = m/n in (0, 1]
// (Donoho, Maleki and Montanari 2009, eq. for rho_SE):
//
//	rho(alpha) = (1 - (2/delta) psi) / (1 + alpha^2 - 2 psi),
//	psi = (1 + alpha^2) Phi(-alpha) - alpha phi(alpha).
//
// The maximum is found by golden-section search on [0, 6]. For delta >= 1
// the value at delta = 1 is returned.
func AlphaMinimax(delta float64) float64 {
	z, _ := statevol.Minimax(min(max(delta, 1e-6), 1), 2)
	return z
}

// rhoSE is the state-evolution phase transition of AMP with soft threshold
// multiplier alpha at undersampling delta.
func rhoSE(delta, alpha float64) float64 { return statevol.Rho(delta, alpha, 2) }
