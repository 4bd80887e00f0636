package linop

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync/atomic"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/gencs/gencs/internal/finite"
	"github.com/gencs/gencs/internal/rng"
)

// DotTest checks the adjoint identity <A x, y> = <x, A^T y> on standard
// Gaussian x and y drawn from seed, to relative tolerance tol (the
// difference is compared with ||A x|| ||y|| + ||x|| ||A^T y||, which
// bounds both sides; tol <= 0 means 1e-10). It also checks the rest of the
// Operator contract: outputs have the right lengths and are finite, inputs
// are left unchanged, a supplied dst of the right length is written and
// returned, and repeated applications give identical results. It returns nil
// on success and an error describing the first failure otherwise.
func DotTest(op Operator, seed uint64, tol float64) error {
	if tol <= 0 {
		tol = 1e-10
	}
	m, n := op.Dims()
	if m < 1 || n < 1 {
		return fmt.Errorf("linop: DotTest: operator has dimensions %d x %d, want both >= 1", m, n)
	}
	r := rng.New(seed, streamDotTest)
	x := make([]float64, n)
	y := make([]float64, m)
	for i := range x {
		x[i] = r.NormFloat64()
	}
	for i := range y {
		y[i] = r.NormFloat64()
	}
	x0, y0 := slices.Clone(x), slices.Clone(y)

	ax := op.Apply(nil, x)
	if len(ax) != m {
		return fmt.Errorf("linop: DotTest: Apply returned length %d, want m = %d", len(ax), m)
	}
	aty := op.ApplyAdjoint(nil, y)
	if len(aty) != n {
		return fmt.Errorf("linop: DotTest: ApplyAdjoint returned length %d, want n = %d", len(aty), n)
	}
	if !slices.Equal(x, x0) {
		return errors.New("linop: DotTest: Apply modified its input x")
	}
	if !slices.Equal(y, y0) {
		return errors.New("linop: DotTest: ApplyAdjoint modified its input y")
	}
	if i := finite.First(ax); i >= 0 {
		return fmt.Errorf("linop: DotTest: (A x)[%d] = %v is not finite", i, ax[i])
	}
	if i := finite.First(aty); i >= 0 {
		return fmt.Errorf("linop: DotTest: (A^T y)[%d] = %v is not finite", i, aty[i])
	}

	// dst reuse: a dirty buffer of the right length must be overwritten
	// and returned, and the result must not change between calls.
	dst := make([]float64, m)
	for i := range dst {
		dst[i] = math.NaN()
	}
	got := op.Apply(dst, x)
	if &got[0] != &dst[0] {
		return errors.New("linop: DotTest: Apply did not return the supplied dst of length m")
	}
	if !slices.Equal(got, ax) {
		return errors.New("linop: DotTest: Apply into a reused dst differs from Apply into a new slice")
	}
	dstT := make([]float64, n)
	for i := range dstT {
		dstT[i] = math.NaN()
	}
	gotT := op.ApplyAdjoint(dstT, y)
	if &gotT[0] != &dstT[0] {
		return errors.New("linop: DotTest: ApplyAdjoint did not return the supplied dst of length n")
	}
	if !slices.Equal(gotT, aty) {
		return errors.New("linop: DotTest: ApplyAdjoint into a reused dst differs from ApplyAdjoint into a new slice")
	}

	lhs := floats.Dot(ax, y)
	rhs := floats.Dot(x, aty)
	scale := floats.Norm(ax, 2)*floats.Norm(y, 2) + floats.Norm(x, 2)*floats.Norm(aty, 2)
	if scale == 0 {
		return nil // A x = 0 and A^T y = 0: both sides are exactly 0.
	}
	if rel := math.Abs(lhs-rhs) / scale; !(rel <= tol) {
		return fmt.Errorf("linop: DotTest: <Ax,y> = %.17g but <x,A^T y> = %.17g: relative difference %.3g exceeds tolerance %.3g (ApplyAdjoint is not the adjoint of Apply)", lhs, rhs, rel, tol)
	}
	return nil
}

// NormEst estimates the spectral norm ||A||_2 (largest singular value) by
// iters steps of power iteration on A^T A from a Gaussian start drawn from
// seed (iters < 1 means 100). The estimate ||A v|| for the final unit vector
// v is a lower bound on ||A||_2 that converges to it; it costs iters
// applications each of A and A^T (plus one of A). It returns 0 for the zero
// operator.
func NormEst(op Operator, iters int, seed uint64) float64 {
	if iters < 1 {
		iters = 100
	}
	m, n := op.Dims()
	r := rng.New(seed, streamNormEst)
	v := make([]float64, n)
	for i := range v {
		v[i] = r.NormFloat64()
	}
	av := make([]float64, m)
	for range iters {
		nv := floats.Norm(v, 2)
		if nv == 0 || math.IsNaN(nv) || math.IsInf(nv, 0) {
			return 0
		}
		floats.Scale(1/nv, v)
		av = op.Apply(av, v)
		v = op.ApplyAdjoint(v, av)
	}
	nv := floats.Norm(v, 2)
	if nv == 0 {
		return 0
	}
	floats.Scale(1/nv, v)
	return floats.Norm(op.Apply(av, v), 2)
}

// Counter wraps an Operator and counts its applications. It is safe for
// concurrent use if the wrapped operator is.
type Counter struct {
	op                Operator
	applies, adjoints atomic.Int64
}

// NewCounter returns a Counter wrapping op, with both counts at zero.
func NewCounter(op Operator) *Counter { return &Counter{op: op} }

// Dims returns the dimensions of the wrapped operator.
func (c *Counter) Dims() (int, int) { return c.op.Dims() }

// Apply counts one application and calls the wrapped Apply.
func (c *Counter) Apply(dst, x []float64) []float64 {
	c.applies.Add(1)
	return c.op.Apply(dst, x)
}

// ApplyAdjoint counts one adjoint application and calls the wrapped
// ApplyAdjoint.
func (c *Counter) ApplyAdjoint(dst, y []float64) []float64 {
	c.adjoints.Add(1)
	return c.op.ApplyAdjoint(dst, y)
}

// Applies returns the number of Apply calls so far.
func (c *Counter) Applies() int { return int(c.applies.Load()) }

// Adjoints returns the number of ApplyAdjoint calls so far.
func (c *Counter) Adjoints() int { return int(c.adjoints.Load()) }

// Reset sets both counts to zero.
func (c *Counter) Reset() {
	c.applies.Store(0)
	c.adjoints.Store(0)
}

// Unwrap returns the wrapped operator.
func (c *Counter) Unwrap() Operator { return c.op }

// Matrix materialises op as an m x n dense matrix. When m <= n it applies
// A^T to the m unit vectors (row i is A^T e_i), otherwise A to the n unit
// vectors (column j is A e_j), so it costs min(m, n) applications. For a
// *Dense it returns a copy of the stored matrix.
func Matrix(op Operator) *mat.Dense {
	if d, ok := op.(*Dense); ok {
		return mat.DenseCopyOf(d.M)
	}
	m, n := op.Dims()
	out := mat.NewDense(m, n, nil)
	if m <= n {
		e := make([]float64, m)
		for i := range m {
			e[i] = 1
			op.ApplyAdjoint(out.RawRowView(i), e)
			e[i] = 0
		}
		return out
	}
	e := make([]float64, n)
	col := make([]float64, m)
	for j := range n {
		e[j] = 1
		col = op.Apply(col, e)
		out.SetCol(j, col)
		e[j] = 0
	}
	return out
}

// names lists the operators ByName knows, in the order Names reports them.
var names = []string{"gaussian", "rademacher", "orthonormal", "dct", "hadamard"}

// Names returns the operator names accepted by ByName.
func Names() []string { return slices.Clone(names) }

// ByName builds an m x n measurement operator by name from seed:
//
//	gaussian     Gaussian(m, n, seed): N(0, 1/m) entries
//	rademacher   Rademacher(m, n, seed): ±1/sqrt(m) entries
//	orthonormal  OrthonormalRows(m, n, seed): Haar-random orthonormal rows (m <= n)
//	dct          SubsampledDCT(m, n, seed): m random rows of the orthonormal DCT-II (m <= n)
//	hadamard     SubsampledHadamard(m, n, seed): m random rows of the orthonormal
//	             Walsh–Hadamard matrix (m <= n, n a power of two)
//
// Names are case-insensitive. Errors name the problem (unknown name with the
// valid ones, m < 1, n < 1, m > n, n not a power of two).
func ByName(name string, m, n int, seed uint64) (Operator, error) {
	var (
		op  Operator
		err error
	)
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "gaussian":
		op, err = Gaussian(m, n, seed)
	case "rademacher":
		op, err = Rademacher(m, n, seed)
	case "orthonormal":
		op, err = OrthonormalRows(m, n, seed)
	case "dct":
		op, err = SubsampledDCT(m, n, seed)
	case "hadamard":
		op, err = SubsampledHadamard(m, n, seed)
	default:
		return nil, fmt.Errorf("linop: unknown operator %q (valid: %s)", name, strings.Join(names, ", "))
	}
	if err != nil {
		return nil, err
	}
	return op, nil
}
