package sparse

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/gencs/gencs/internal/finite"
	"github.com/gencs/gencs/linop"
)

// counted wraps an operator and counts its applications.
type counted struct {
	op                linop.Operator
	applies, adjoints int
}

func (c *counted) apply(dst, x []float64) []float64 {
	c.applies++
	return c.op.Apply(dst, x)
}

func (c *counted) adjoint(dst, y []float64) []float64 {
	c.adjoints++
	return c.op.ApplyAdjoint(dst, y)
}

// problem is the validated input shared by all solvers.
type problem struct {
	A       *counted
	y       []float64
	m, n    int
	ynorm   float64
	opt     Options
	history []float64
}

// prepare validates the inputs of solver name and fills in nothing but the
// checked copy of the options; per-solver defaults are applied by the caller.
func prepare(name string, A linop.Operator, y []float64, opt *Options) (*problem, error) {
	if A == nil {
		return nil, fmt.Errorf("sparse: %s: nil operator", name)
	}
	m, n := A.Dims()
	if m < 1 || n < 1 {
		return nil, fmt.Errorf("sparse: %s: operator is %d x %d, need m >= 1 and n >= 1", name, m, n)
	}
	if len(y) != m {
		return nil, fmt.Errorf("sparse: %s: len(y) = %d, want m = %d", name, len(y), m)
	}
	for i, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("sparse: %s: y[%d] = %v is not finite", name, i, v)
		}
	}
	var o Options
	if opt != nil {
		o = *opt
	}
	switch {
	case o.K < 0 || o.K > n:
		return nil, fmt.Errorf("sparse: %s: K = %d out of range [0, n = %d]", name, o.K, n)
	case o.Lambda < 0 || math.IsNaN(o.Lambda) || math.IsInf(o.Lambda, 0):
		return nil, fmt.Errorf("sparse: %s: Lambda = %v, want a finite value >= 0", name, o.Lambda)
	case o.MaxIter < 0:
		return nil, fmt.Errorf("sparse: %s: MaxIter = %d, want >= 0", name, o.MaxIter)
	case o.Tol < 0 || math.IsNaN(o.Tol) || math.IsInf(o.Tol, 0):
		return nil, fmt.Errorf("sparse: %s: Tol = %v, want a finite value >= 0", name, o.Tol)
	}
	return &problem{A: &counted{op: A}, y: y, m: m, n: n, ynorm: norm(y), opt: o}, nil
}

// k returns Options.K or its default, m/4 (at least 1, at most n).
func (p *problem) k() int {
	if p.opt.K > 0 {
		return p.opt.K
	}
	return min(max(1, p.m/4), p.n)
}

func (p *problem) maxIter(def int) int {
	if p.opt.MaxIter > 0 {
		return p.opt.MaxIter
	}
	return def
}

func (p *problem) tol(def float64) float64 {
	if p.opt.Tol > 0 {
		return p.opt.Tol
	}
	return def
}

// record appends a residual norm to the history unless disabled.
func (p *problem) record(r float64) {
	if !p.opt.NoHistory {
		p.history = append(p.history, r)
	}
}

// result assembles the Result. A non-finite estimate is never returned: it
// becomes x = 0 with Status Diverged.
func (p *problem) result(x []float64, st Status, iters int) Result {
	if !finite.All(x) {
		x, st = make([]float64, p.n), Diverged
	}
	return Result{X: x, Status: st, Iterations: iters, Applies: p.A.applies,
		Adjoints: p.A.adjoints, History: p.history}
}

// zero returns the answer for y = 0: x = 0 is exact for every solver.
func (p *problem) zero() Result {
	p.record(0)
	return p.result(make([]float64, p.n), Converged, 0)
}

func norm(v []float64) float64 { return floats.Norm(v, 2) }

func dot(x, y []float64) float64 { return floats.Dot(x, y) }

// dist returns ||x - y||, scaled so that differences of tiny or huge
// vectors neither underflow to 0 nor overflow.
func dist(x, y []float64) float64 { return floats.Distance(x, y, 2) }

// ratioSq returns (a/b)^2 without forming a^2 or b^2.
func ratioSq(a, b float64) float64 {
	r := a / b
	return r * r
}

func norm1(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += math.Abs(v)
	}
	return s
}

func normInf(x []float64) float64 {
	var s float64
	for _, v := range x {
		s = max(s, math.Abs(v))
	}
	return s
}

// sub sets dst = a - b.
func sub(dst, a, b []float64) []float64 {
	for i := range dst {
		dst[i] = a[i] - b[i]
	}
	return dst
}

// soft is the soft-thresholding operator: dst_i = sign(v_i) max(|v_i| - t, 0).
// It returns the number of non-zeros.
func soft(dst, v []float64, t float64) int {
	nnz := 0
	for i, x := range v {
		switch {
		case x > t:
			dst[i] = x - t
			nnz++
		case x < -t:
			dst[i] = x + t
			nnz++
		default:
			dst[i] = 0
		}
	}
	return nnz
}

// topK returns the indices of the k entries of v largest in absolute value,
// sorted ascending. Ties are broken by the smaller index, so the result is
// deterministic.
func topK(v []float64, k int) []int {
	k = min(k, len(v))
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool {
		va, vb := math.Abs(v[idx[a]]), math.Abs(v[idx[b]])
		if va != vb {
			return va > vb
		}
		return idx[a] < idx[b]
	})
	out := idx[:k:k]
	sort.Ints(out)
	return out
}

// columns fetches and caches columns A e_j through the operator.
type columns struct {
	A     *counted
	unit  []float64
	cache map[int][]float64
}

func newColumns(A *counted, n int) *columns {
	return &columns{A: A, unit: make([]float64, n), cache: map[int][]float64{}}
}

func (c *columns) get(j int) []float64 {
	if col, ok := c.cache[j]; ok {
		return col
	}
	c.unit[j] = 1
	col := c.A.apply(nil, c.unit)
	c.unit[j] = 0
	c.cache[j] = col
	return col
}

// lstsq solves min ||A_S b - y|| over the columns S (fetched through cols) by
// QR (or the minimum-norm solution by LQ when |S| > m).
func lstsq(cols *columns, S []int, y []float64) ([]float64, error) {
	m := len(y)
	a := mat.NewDense(m, len(S), nil)
	for j, s := range S {
		a.SetCol(j, cols.get(s))
	}
	var b mat.VecDense
	err := b.SolveVec(a, mat.NewVecDense(m, y))
	var cond mat.Condition
	if err != nil && !errors.As(err, &cond) {
		return nil, err
	}
	out := make([]float64, len(S))
	for i := range out {
		out[i] = b.AtVec(i)
	}
	if !finite.All(out) {
		return nil, errors.New("least squares on the support is singular")
	}
	return out, nil
}

// combine sets dst = sum_j coef_j A e_{S_j} using cached columns.
func combine(dst []float64, cols *columns, S []int, coef []float64) []float64 {
	clear(dst)
	for j, s := range S {
		c := coef[j]
		if c == 0 {
			continue
		}
		for i, v := range cols.get(s) {
			dst[i] += c * v
		}
	}
	return dst
}
