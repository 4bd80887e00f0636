package dt

import (
	"fmt"
	"math"
	"testing"

	"github.com/gencs/gencs/internal/statevol"
)

// stojnic returns the weak threshold from Stojnic's independent
// characterisation ("Various thresholds for l1-optimization in compressed
// sensing", 2009): with alpha = m/n and beta = k/n, beta solves
//
//	(1-beta) sqrt(2/pi) exp(-t^2) / alpha - sqrt(2) t = 0,  t = erfinv((1-alpha)/(1-beta)),
//
// found here by bisection; it returns rho = beta/alpha.
func stojnic(alpha float64) float64 {
	f := func(b float64) float64 {
		t := math.Erfinv((1 - alpha) / (1 - b))
		return (1-b)*math.Sqrt(2/math.Pi)*math.Exp(-t*t)/alpha - math.Sqrt2*t
	}
	lo, hi := 1e-12, alpha-1e-12
	for range 200 {
		mid := (lo + hi) / 2
		if f(lo)*f(mid) <= 0 {
			hi = mid
		} else {
			lo = mid
		}
	}
	return (lo + hi) / 2 / alpha
}

func TestWeakMatchesIndependentCharacterisations(t *testing.T) {
	for d := 0.05; d < 0.99; d += 0.05 {
		r := Weak(d, true)
		if s := stojnic(d); math.Abs(r-s) > 1e-6 {
			t.Errorf("delta=%.2f: DMM minimax %.6f, Stojnic %.6f", d, r, s)
		}
		// Statistical dimension of the l1 descent cone (Amelunxen et al.)
		// inverts the curve: delta(rho*delta) == delta.
		if back := Delta(r*d, true); math.Abs(back-d) > 1e-6 {
			t.Errorf("delta=%.2f: Delta(eps=%.6f) = %.6f", d, r*d, back)
		}
		if back := Delta(Weak(d, false)*d, false); math.Abs(back-d) > 1e-6 {
			t.Errorf("simplex delta=%.2f: Delta inverse %.6f", d, back)
		}
	}
}

func TestWeakKnownValues(t *testing.T) {
	cases := []struct {
		delta  float64
		signed bool
		rho    float64
		source string
	}{
		// Donoho & Tanner, PNAS 2005 ("Neighborliness of randomly projected
		// simplices"): rho_W(1/2) ≈ 0.558 for the simplex.
		{0.5, false, 0.558, "Donoho-Tanner 2005, simplex"},
		// Cross-polytope (signed, the usual BP transition). Values of the
		// curve as tabulated from the three equivalent characterisations
		// checked above (agreeing to 1e-6); often quoted as rho_W(0.5) ≈ 0.385.
		{0.5, true, 0.3857, "cross-polytope"},
		{0.1, true, 0.1894, "cross-polytope"},
		{0.25, true, 0.2674, "cross-polytope"},
		{0.75, true, 0.5337, "cross-polytope"},
		{0.9, true, 0.6782, "cross-polytope"},
	}
	for _, c := range cases {
		if got := Weak(c.delta, c.signed); math.Abs(got-c.rho) > 1e-3 {
			t.Errorf("%s: Weak(%g) = %.5f, want %.4f ± 1e-3", c.source, c.delta, got, c.rho)
		}
	}
}

func TestWeakLimitsAndShape(t *testing.T) {
	if Weak(1, true) != 1 || !math.IsNaN(Weak(0, true)) || !math.IsNaN(Weak(1.5, true)) {
		t.Error("bad edge values")
	}
	prev := 0.0
	for d := 0.01; d < 1; d += 0.01 {
		r := Weak(d, true)
		if !(r > prev && r < 1) {
			t.Fatalf("not increasing in (0,1): rho(%.2f) = %g after %g", d, r, prev)
		}
		// Signed signals are harder than non-negative ones.
		if Weak(d, false) <= r {
			t.Fatalf("simplex threshold below cross-polytope at delta=%.2f", d)
		}
		prev = r
	}
	// As delta -> 0, rho ~ 1/(2 log(1/delta)) (Donoho-Tanner): the ratio
	// tends to 1 slowly.
	d := 1e-6
	if ratio := Weak(d, true) * 2 * math.Log(1/d); ratio < 0.8 || ratio > 1.3 {
		t.Errorf("small-delta asymptotics: rho*2log(1/delta) = %g", ratio)
	}
}

func ExampleWeak() {
	for _, d := range []float64{0.1, 0.5, 0.9} {
		fmt.Printf("delta=%.1f  rho_W=%.4f (signed)  %.4f (non-negative)\n", d, Weak(d, true), Weak(d, false))
	}
	// Output:
	// delta=0.1  rho_W=0.1894 (signed)  0.2410 (non-negative)
	// delta=0.5  rho_W=0.3857 (signed)  0.5582 (non-negative)
	// delta=0.9  rho_W=0.6782 (signed)  0.9027 (non-negative)
}

func TestMinimaxThreshold(t *testing.T) {
	for _, d := range []float64{0.1, 0.3, 0.5, 0.7, 0.9} {
		z := MinimaxThreshold(d, true)
		// At z*, the bracket of Weak attains its maximum and is stationary.
		kap := 2.0
		f := func(z float64) float64 { return (1 - kap/d*statevol.G(z)) / (1 + z*z - kap*statevol.G(z)) }
		if math.Abs(f(z)-Weak(d, true)) > 1e-12 {
			t.Errorf("delta=%g: f(z*) = %g, Weak = %g", d, f(z), Weak(d, true))
		}
		h := 1e-4
		if deriv := (f(z+h) - f(z-h)) / (2 * h); math.Abs(deriv) > 1e-6 {
			t.Errorf("delta=%g: derivative %g at z* = %g", d, deriv, z)
		}
	}
	// The threshold decreases as more measurements are taken.
	if !(MinimaxThreshold(0.1, true) > MinimaxThreshold(0.5, true) && MinimaxThreshold(0.5, true) > MinimaxThreshold(0.9, true)) {
		t.Error("minimax threshold not decreasing in delta")
	}
}
