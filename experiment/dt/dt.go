// Package dt computes the Donoho–Tanner phase transition of l1 minimisation
// (basis pursuit): the asymptotic weak threshold rho_W(delta), delta = m/n,
// rho = k/m, below which BP recovers a typical k-sparse vector from m
// Gaussian measurements with probability tending to one.
//
// It uses the minimax characterisation of Donoho, Maleki and Montanari
// (PNAS 2009, "Message-passing algorithms for compressed sensing"), which
// coincides with Donoho and Tanner's weak threshold from polytope face
// counting:
//
//	rho(delta) = max_{z>=0} [1 - (kappa/delta) g(z)] / [1 + z^2 - kappa g(z)],
//	g(z) = (1+z^2) Phi(-z) - z phi(z),
//
// with kappa = 2 for signed signals (cross-polytope) and kappa = 1 for
// non-negative signals (simplex). Equivalently (Amelunxen, Lotz, McCoy and
// Tropp 2014), with eps = rho*delta = k/n the transition sits at
// delta(eps) = min_{tau>=0} eps (1+tau^2) + kappa (1-eps) g(tau), the
// statistical dimension of the l1 descent cone.
package dt

import (
	"math"

	"github.com/gencs/gencs/internal/statevol"
)

func kappa(signed bool) float64 {
	if signed {
		return 2
	}
	return 1
}

// Weak returns the l1 weak threshold rho_W(delta) for signed signals
// (signed = true: the cross-polytope, the usual BP phase transition) or
// non-negative signals (signed = false: the simplex). delta must lie in
// (0, 1]; Weak returns NaN otherwise. Weak(1) is 1.
func Weak(delta float64, signed bool) float64 {
	if !(delta > 0 && delta <= 1) {
		return math.NaN()
	}
	if delta == 1 {
		return 1
	}
	_, v := statevol.Minimax(delta, kappa(signed))
	return v
}

// MinimaxThreshold returns the maximiser z*(delta) of the formula in Weak:
// the threshold multiplier of soft-thresholding AMP (threshold = z* times
// the noise level of the effective observation, estimated by
// ||residual||/sqrt(m)) whose phase transition is Weak(delta) (Donoho,
// Maleki and Montanari 2009). NaN outside (0, 1).
func MinimaxThreshold(delta float64, signed bool) float64 {
	if !(delta > 0 && delta < 1) {
		return math.NaN()
	}
	z, _ := statevol.Minimax(delta, kappa(signed))
	return z
}

// Delta returns the transition in the (eps, delta) parametrisation:
// the smallest undersampling ratio delta = m/n at which l1 recovers a
// signal with a fraction eps = k/n of non-zeros (0 < eps < 1), computed as
// the normalised statistical dimension of the l1 descent cone. It is the
// inverse of eps = delta * Weak(delta).
func Delta(eps float64, signed bool) float64 {
	if !(eps > 0 && eps < 1) {
		return math.NaN()
	}
	kap := kappa(signed)
	f := func(t float64) float64 { return -(eps*(1+t*t) + kap*(1-eps)*statevol.G(t)) }
	_, v := statevol.Maximize(f, 0, 12)
	return -v
}

// Curve returns n+1 points (delta_i, Weak(delta_i)) with delta evenly
// spaced on [lo, hi] (0 < lo < hi <= 1).
func Curve(lo, hi float64, n int, signed bool) (delta, rho []float64) {
	for i := 0; i <= n; i++ {
		d := lo + (hi-lo)*float64(i)/float64(n)
		delta = append(delta, d)
		rho = append(rho, Weak(d, signed))
	}
	return delta, rho
}
