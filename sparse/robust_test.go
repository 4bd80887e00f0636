package sparse

import (
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/gencs/gencs/internal/finite"
	"github.com/gencs/gencs/internal/rng"
	"github.com/gencs/gencs/linop"
)

// robustProblem is a degenerate or extreme input every solver must survive:
// it returns an error or a finite estimate (Status Diverged allowed), never
// NaN or Inf entries.
type robustProblem struct {
	name string
	A    *mat.Dense
	y    []float64
	K    int
	// x is the true signal when the problem has an exact sparse solution
	// the solvers should still find (nil: only finiteness is checked).
	x []float64
}

func robustProblems() []robustProblem {
	const m, n = 30, 60
	r := rng.New(77)
	gauss := func() *mat.Dense {
		A := mat.NewDense(m, n, nil)
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				A.Set(i, j, r.NormFloat64()/math.Sqrt(m))
			}
		}
		return A
	}
	x := make([]float64, n)
	x[4], x[20], x[41] = 1.5, -1, 0.75
	mul := func(A *mat.Dense, x []float64) []float64 {
		y := make([]float64, m)
		mat.NewVecDense(m, y).MulVec(A, mat.NewVecDense(n, x))
		return y
	}
	scaled := func(v []float64, s float64) []float64 {
		out := make([]float64, len(v))
		for i := range v {
			out[i] = v[i] * s
		}
		return out
	}
	var ps []robustProblem
	A := gauss()
	y := mul(A, x)
	ps = append(ps, robustProblem{name: "y=0", A: A, y: make([]float64, m), x: make([]float64, n)})
	Az := mat.DenseCopyOf(A)
	for i := 0; i < m; i++ {
		Az.Set(i, 7, 0)
		Az.Set(i, 20, 0) // a zero column inside the support: x[20] is invisible
	}
	xz := append([]float64(nil), x...)
	xz[20] = 0
	ps = append(ps, robustProblem{name: "zero-columns", A: Az, y: mul(Az, x), x: xz})
	ps = append(ps, robustProblem{name: "A=0", A: mat.NewDense(m, n, nil), y: y})
	Ad := mat.DenseCopyOf(A)
	Ad.SetCol(5, mat.Col(nil, 4, A)) // a duplicate of a support column
	ps = append(ps, robustProblem{name: "duplicate-column", A: Ad, y: mul(Ad, x)})
	ps = append(ps, robustProblem{name: "y*1e200", A: A, y: scaled(y, 1e200), x: scaled(x, 1e200)})
	ps = append(ps, robustProblem{name: "y*1e-200", A: A, y: scaled(y, 1e-200), x: scaled(x, 1e-200)})
	var Ah mat.Dense
	Ah.Scale(1e150, A)
	ps = append(ps, robustProblem{name: "A*1e150", A: &Ah, y: mul(&Ah, x), x: x})
	var At mat.Dense
	At.Scale(1e-150, A)
	ps = append(ps, robustProblem{name: "A*1e-150", A: &At, y: mul(&At, x), x: x})
	ps = append(ps, robustProblem{name: "K=n", A: A, y: y, K: n})
	ps = append(ps, robustProblem{name: "K=m", A: A, y: y, K: m})
	big := make([]float64, m)
	for i := range big {
		big[i] = 1e300 * float64(1-2*(i%2))
	}
	ps = append(ps, robustProblem{name: "y=±1e300", A: A, y: big})
	return ps
}

// TestSolversNeverReturnNonFinite runs every solver on degenerate and
// extreme inputs. A solver may fail with an error or report Diverged, but a
// returned estimate must be finite; where an exact sparse solution is
// known (and the problem is well-posed), it must be found to relative
// accuracy 1e-4 — scaling y or A by 10^±150..200 must not change the answer.
func TestSolversNeverReturnNonFinite(t *testing.T) {
	for _, p := range robustProblems() {
		for _, meth := range Methods() {
			t.Run(fmt.Sprintf("%s/%s", p.name, meth), func(t *testing.T) {
				K := p.K
				if K == 0 && p.x != nil {
					K = 3
				}
				res, err := Solve(meth, linop.NewDense(p.A), p.y, &Options{K: K, NoHistory: true, MaxIter: 3000})
				if err != nil {
					t.Logf("error (allowed): %v", err)
					return
				}
				if len(res.X) != 60 {
					t.Fatalf("len(X) = %d", len(res.X))
				}
				for i, v := range res.X {
					if math.IsNaN(v) || math.IsInf(v, 0) {
						t.Fatalf("X[%d] = %v with status %v and no error", i, v, res.Status)
					}
				}
				if p.x == nil || meth == "fista" || meth == "amp" {
					// FISTA solves the Lasso (biased by lambda); AMP's
					// threshold makes it approximate on m = 30.
					return
				}
				d, nx := 0.0, 0.0
				for i := range p.x {
					d += (res.X[i]/scaleOf(p.x) - p.x[i]/scaleOf(p.x)) * (res.X[i]/scaleOf(p.x) - p.x[i]/scaleOf(p.x))
					nx += (p.x[i] / scaleOf(p.x)) * (p.x[i] / scaleOf(p.x))
				}
				if nx == 0 {
					if d != 0 {
						t.Errorf("y = 0 gave x̂ ≠ 0 (||x̂||² = %g)", d)
					}
					return
				}
				if rel := math.Sqrt(d / nx); rel > 1e-4 {
					t.Errorf("relative error %.3g, status %v", rel, res.Status)
				}
			})
		}
	}
}

// scaleOf returns max |v_i| (1 for v = 0), to compare vectors near the
// ends of the floating-point range without overflow.
func scaleOf(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s = math.Max(s, math.Abs(x))
	}
	if s == 0 {
		return 1
	}
	return s
}

// nanOp is an operator whose outputs are NaN from the second application
// on (a broken user operator).
type nanOp struct {
	m, n, calls int
	A           *linop.Dense
}

func (o *nanOp) Dims() (int, int) { return o.m, o.n }
func (o *nanOp) Apply(dst, x []float64) []float64 {
	dst = o.A.Apply(dst, x)
	if o.calls++; o.calls > 1 {
		dst[0] = math.NaN()
	}
	return dst
}
func (o *nanOp) ApplyAdjoint(dst, y []float64) []float64 {
	dst = o.A.ApplyAdjoint(dst, y)
	if o.calls++; o.calls > 1 {
		dst[0] = math.Inf(1)
	}
	return dst
}

// TestSolversSurviveNaNOperator: an operator that starts returning NaN and
// Inf makes every solver fail or report Diverged with a finite estimate.
func TestSolversSurviveNaNOperator(t *testing.T) {
	p := robustProblems()[0]
	y := make([]float64, 30)
	y[0], y[5] = 1, -2
	for _, meth := range Methods() {
		op := &nanOp{m: 30, n: 60, A: linop.NewDense(p.A)}
		res, err := Solve(meth, op, y, &Options{K: 3, MaxIter: 50})
		if err != nil {
			continue
		}
		if !finite.All(res.X) {
			t.Errorf("%s: non-finite estimate, status %v", meth, res.Status)
		}
		if res.Status != Diverged {
			t.Errorf("%s: status %v on a NaN-producing operator, want Diverged (or an error)", meth, res.Status)
		}
	}
}

// TestSolversTallOperator: with more measurements than unknowns (m > n)
// every solver returns a finite estimate (or an error), and the exact
// solvers recover the sparse signal.
func TestSolversTallOperator(t *testing.T) {
	const m, n = 60, 30
	r := rng.New(91)
	A := mat.NewDense(m, n, nil)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			A.Set(i, j, r.NormFloat64()/math.Sqrt(m))
		}
	}
	x := make([]float64, n)
	x[2], x[11], x[29] = 1, -0.5, 2
	y := make([]float64, m)
	mat.NewVecDense(m, y).MulVec(A, mat.NewVecDense(n, x))
	for _, meth := range Methods() {
		res, err := Solve(meth, linop.NewDense(A), y, &Options{K: 3})
		if err != nil {
			t.Logf("%s: error (allowed): %v", meth, err)
			continue
		}
		if !finite.All(res.X) {
			t.Fatalf("%s: non-finite estimate", meth)
		}
		if meth == "fista" {
			continue // Lasso bias
		}
		if e := dist(res.X, x) / norm(x); e > 1e-4 {
			t.Errorf("%s: relative error %.3g (status %v)", meth, e, res.Status)
		}
	}
}

// TestSolversExtremeOptions: extreme but valid options (huge or tiny
// lambda, tiny tolerance, one iteration) never yield a non-finite estimate.
func TestSolversExtremeOptions(t *testing.T) {
	p := robustProblems()[1] // zero columns, exact solution exists
	for _, o := range []Options{
		{Lambda: 1e300}, {Lambda: 1e-300}, {Tol: 1e-300, MaxIter: 200}, {MaxIter: 1}, {K: 1, Tol: 1e300},
	} {
		for _, meth := range Methods() {
			o := o
			o.NoHistory = true
			res, err := Solve(meth, linop.NewDense(p.A), p.y, &o)
			if err != nil {
				t.Logf("%s %+v: error (allowed): %v", meth, o, err)
				continue
			}
			if !finite.All(res.X) {
				t.Errorf("%s %+v: non-finite estimate, status %v", meth, o, res.Status)
			}
		}
	}
}
