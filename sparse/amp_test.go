package sparse

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/gencs/gencs/linop"
)

// TestAlphaMinimax checks the state-evolution phase transition against the
// Donoho–Tanner weak l1 threshold for the cross-polytope, which DMM (2009)
// show it equals: about 0.385 at delta = 0.5 and 0.189 at delta = 0.1. The
// returned alpha must be a maximiser.
func TestAlphaMinimax(t *testing.T) {
	for _, c := range []struct{ delta, rho float64 }{{0.5, 0.385}, {0.1, 0.189}} {
		a := AlphaMinimax(c.delta)
		r := rhoSE(c.delta, a)
		if math.Abs(r-c.rho) > 2e-3 {
			t.Errorf("delta %g: rho_SE = %.4f at alpha %.4f, want about %.3f", c.delta, r, a, c.rho)
		}
		for _, d := range []float64{-0.05, 0.05} {
			if rhoSE(c.delta, a+d) >= r {
				t.Errorf("delta %g: alpha %.4f is not a maximiser", c.delta, a)
			}
		}
	}
}

// TestAMPRescalesColumns: with columns of norm 3 (uniformly), AMP's
// internal rescaling by the RMS column norm restores convergence.
func TestAMPRescalesColumns(t *testing.T) {
	A := gaussianOp(100, 400, 9).(*linop.Dense)
	var B mat.Dense
	B.Scale(3, A.M)
	op := linop.NewDense(&B)
	x := sparseSignal(400, 20, false, 9)
	res, err := AMP(op, op.Apply(nil, x), nil)
	if err != nil {
		t.Fatal(err)
	}
	if e := relErr(res.X, x); res.Status != Converged || e > 1e-6 {
		t.Errorf("status %v, relative error %.3g; want converged exact recovery", res.Status, e)
	}
}

// TestAMPDiverges: columns of very unequal norms (3 and 0.05) break the
// state-evolution assumptions that rescaling cannot fix; the iteration blows
// up and must say so.
func TestAMPDiverges(t *testing.T) {
	A := gaussianOp(100, 400, 9).(*linop.Dense)
	var B mat.Dense
	B.CloneFrom(A.M)
	for j := 0; j < 400; j++ {
		s := 3.0
		if j%2 == 1 {
			s = 0.05
		}
		for i := 0; i < 100; i++ {
			B.Set(i, j, s*B.At(i, j))
		}
	}
	op := linop.NewDense(&B)
	y := op.Apply(nil, sparseSignal(400, 20, false, 9))
	res, err := AMP(op, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != Diverged {
		t.Errorf("status %v after %d iterations, want diverged", res.Status, res.Iterations)
	}
}
