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
)

func phi(z float64) float64 { return math.Exp(-z*z/2) / math.Sqrt(2*math.Pi) }

// normalTail returns Phi(-z) = P(N(0,1) > z).
func normalTail(z float64) float64 { return 0.5 * math.Erfc(z/math.Sqrt2) }

// g returns (1+z^2) Phi(-z) - z phi(z) = E[(|Z|-z)_+^2]/2 for Z ~ N(0,1).
func g(z float64) float64 { return (1+z*z)*normalTail(z) - z*phi(z) }

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
	kap := kappa(signed)
	f := func(z float64) float64 {
		gz := g(z)
		return (1 - kap/delta*gz) / (1 + z*z - kap*gz)
	}
	_, v := maximize(f, 0, 12)
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
	kap := kappa(signed)
	f := func(z float64) float64 {
		gz := g(z)
		return (1 - kap/delta*gz) / (1 + z*z - kap*gz)
	}
	z, _ := maximize(f, 0, 12)
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
	f := func(t float64) float64 { return -(eps*(1+t*t) + kap*(1-eps)*g(t)) }
	_, v := maximize(f, 0, 12)
	return -v
}

// maximize returns the maximiser and maximum of a unimodal-in-practice f on
// [a, b]: a grid scan followed by golden-section refinement around the best
// point.
func maximize(f func(float64) float64, a, b float64) (float64, float64) {
	const n = 400
	best, bi := math.Inf(-1), 0
	h := (b - a) / n
	for i := 0; i <= n; i++ {
		if v := f(a + float64(i)*h); v > best {
			best, bi = v, i
		}
	}
	lo := a + float64(max(bi-1, 0))*h
	hi := a + float64(min(bi+1, n))*h
	r := (math.Sqrt(5) - 1) / 2
	x1, x2 := hi-r*(hi-lo), lo+r*(hi-lo)
	f1, f2 := f(x1), f(x2)
	for hi-lo > 1e-12 {
		if f1 < f2 {
			lo, x1, f1 = x1, x2, f2
			x2 = lo + r*(hi-lo)
			f2 = f(x2)
		} else {
			hi, x2, f2 = x2, x1, f1
			x1 = hi - r*(hi-lo)
			f1 = f(x1)
		}
	}
	if m := (lo + hi) / 2; f(m) >= best {
		return m, f(m)
	}
	return a + float64(bi)*h, best
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
