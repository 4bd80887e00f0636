package adam

import (
	"math"
	"testing"
)

// TestFirstStep: at t = 1 the bias-corrected step moves every coordinate by
// lr * sign(g) (up to Eps), whatever the gradient's size.
func TestFirstStep(t *testing.T) {
	p := []float64{1, 1, 1}
	g := []float64{3, -1e-3, 1e3}
	m, v := make([]float64, 3), make([]float64, 3)
	Step(p, g, m, v, 1, 0.1)
	for i, want := range []float64{0.9, 1.1, 0.9} {
		if math.Abs(p[i]-want) > 1e-4 {
			t.Errorf("p[%d] = %v, want %v", i, p[i], want)
		}
	}
}

// TestMinimisesQuadratic: Adam drives a convex quadratic to its minimum.
func TestMinimisesQuadratic(t *testing.T) {
	p := []float64{5, -3}
	m, v, g := make([]float64, 2), make([]float64, 2), make([]float64, 2)
	for it := 1; it <= 5000; it++ {
		g[0], g[1] = 2*(p[0]-1), 20*(p[1]+2)
		Step(p, g, m, v, it, 0.01)
	}
	if math.Abs(p[0]-1) > 1e-3 || math.Abs(p[1]+2) > 1e-3 {
		t.Errorf("p = %v, want (1, -2)", p)
	}
}
