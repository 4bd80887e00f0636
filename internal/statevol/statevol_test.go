package statevol

import (
	"math"
	"testing"
)

// TestMinimax: the maximum of Rho is the l1 weak threshold (0.38569 at
// delta = 0.5 for signed signals, 0.5582 for non-negative ones, values
// matched by independent characterisations in experiment/dt), and G at 0
// is E[Z^2]/2 = 1/2.
func TestMinimax(t *testing.T) {
	if g := G(0); math.Abs(g-0.5) > 1e-15 {
		t.Errorf("G(0) = %v, want 1/2", g)
	}
	for _, c := range []struct{ kappa, want float64 }{{2, 0.38569}, {1, 0.5582}} {
		z, rho := Minimax(0.5, c.kappa)
		if math.Abs(rho-c.want) > 1e-4 {
			t.Errorf("kappa %g: rho %v, want %v", c.kappa, rho, c.want)
		}
		for _, d := range []float64{-1e-3, 1e-3} {
			if Rho(0.5, z+d, c.kappa) > rho {
				t.Errorf("kappa %g: z* = %v is not a maximiser", c.kappa, z)
			}
		}
	}
}
