// Package statevol holds the state-evolution formulas of soft-thresholding
// AMP (Donoho, Maleki and Montanari, PNAS 2009), shared by the solver's
// threshold tuning (sparse) and the theoretical phase-transition curves
// (experiment/dt).
package statevol

import "math"

// G returns (1+z^2) Phi(-z) - z phi(z) = E[(|Z|-z)_+^2]/2 for Z ~ N(0,1).
func G(z float64) float64 {
	phi := math.Exp(-z*z/2) / math.Sqrt(2*math.Pi)
	tail := 0.5 * math.Erfc(z/math.Sqrt2) // Phi(-z)
	return (1+z*z)*tail - z*phi
}

// Rho is the state-evolution phase transition of AMP with threshold
// multiplier z at undersampling delta:
//
//	rho(z) = [1 - (kappa/delta) G(z)] / [1 + z^2 - kappa G(z)],
//
// with kappa = 2 for signed signals and 1 for non-negative ones.
func Rho(delta, z, kappa float64) float64 {
	g := G(z)
	return (1 - kappa/delta*g) / (1 + z*z - kappa*g)
}

// Minimax returns the threshold multiplier z* maximising Rho over z >= 0
// and the maximum, which is the l1 (Donoho–Tanner) weak threshold.
func Minimax(delta, kappa float64) (z, rho float64) {
	return Maximize(func(z float64) float64 { return Rho(delta, z, kappa) }, 0, 12)
}

// Maximize returns the maximiser and maximum of a unimodal-in-practice f on
// [a, b]: a grid scan followed by golden-section refinement around the best
// grid point.
func Maximize(f func(float64) float64, a, b float64) (float64, float64) {
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
