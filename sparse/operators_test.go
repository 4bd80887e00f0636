package sparse

import (
	"math"
	"testing"

	"github.com/gencs/gencs/linop"
)

// scaled multiplies an operator by s (to give partial orthonormal operators
// the roughly unit-norm columns AMP assumes).
type scaled struct {
	linop.Operator
	s float64
}

func (o scaled) Apply(dst, x []float64) []float64 {
	dst = o.Operator.Apply(dst, x)
	for i := range dst {
		dst[i] *= o.s
	}
	return dst
}

func (o scaled) ApplyAdjoint(dst, y []float64) []float64 {
	dst = o.Operator.ApplyAdjoint(dst, y)
	for i := range dst {
		dst[i] *= o.s
	}
	return dst
}

// TestEveryOperator: the solvers touch A only through Apply/ApplyAdjoint, so
// exact recovery must hold for every operator linop builds, including the
// fast ones with no stored matrix.
func TestEveryOperator(t *testing.T) {
	n, m, k := 256, 100, 8
	for _, name := range linop.Names() {
		A, err := linop.ByName(name, m, n, 11)
		if err != nil {
			t.Fatal(err)
		}
		unscaled := A
		if name != "gaussian" && name != "rademacher" {
			A = scaled{A, math.Sqrt(float64(n) / float64(m))}
		}
		x := sparseSignal(n, k, name == "dct", 11)
		y := A.Apply(nil, x)
		// AMP rescales operators whose columns are far from unit norm
		// itself, so the raw operator must work as well as the scaled one.
		yu := unscaled.Apply(nil, x)
		if res, err := AMP(unscaled, yu, &Options{K: k}); err != nil || relErr(res.X, x) > 1e-6 {
			t.Errorf("%s amp without scaling: err %v, relative error %.3g", name, err, relErr(res.X, x))
		}
		for _, meth := range exactMethods {
			res, err := Solve(meth, A, y, &Options{K: k})
			if err != nil {
				t.Fatalf("%s %s: %v", name, meth, err)
			}
			if e := relErr(res.X, x); !(e < 1e-6) || res.Status != Converged {
				t.Errorf("%s %s: relative error %.3g, status %v", name, meth, e, res.Status)
			}
		}
	}
}
