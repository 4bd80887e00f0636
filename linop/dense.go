package linop

import (
	"fmt"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// Dense is an Operator backed by an explicit m x n matrix.
//
// For matrices with at least ParallelThreshold entries, Apply and
// ApplyAdjoint split the work over runtime.GOMAXPROCS(0) goroutines. The
// split is deterministic and each output entry is computed by exactly one
// goroutine with the same BLAS kernel grouping as a single call would use
// (block boundaries are multiples of 8 rows or columns), so results are
// bitwise identical for every GOMAXPROCS. Dense is safe for concurrent use
// as long as M is not modified.
type Dense struct {
	M *mat.Dense
}

// ParallelThreshold is the number of matrix entries (m*n) from which Dense
// uses several goroutines.
const ParallelThreshold = 1 << 16

// blockAlign is the granularity of the parallel split. gonum's assembly
// Gemv kernels process rows (NoTrans) and columns (Trans) in groups of at
// most 8 from the start of the slice, so aligned blocks reproduce the serial
// grouping exactly.
const blockAlign = 8

// NewDense wraps a gonum matrix as an Operator. The matrix is not copied.
func NewDense(m *mat.Dense) *Dense { return &Dense{M: m} }

// Dims returns the matrix dimensions.
func (d *Dense) Dims() (int, int) { return d.M.Dims() }

// Apply sets dst = A x.
func (d *Dense) Apply(dst, x []float64) []float64 {
	m, n := d.M.Dims()
	if len(x) != n {
		panic(fmt.Sprintf("linop: Dense.Apply: len(x) = %d, want %d", len(x), n))
	}
	dst = ensure(dst, m)
	gemvRows(d.M.RawMatrix(), x, dst, workers(m, n, m))
	return dst
}

// ApplyAdjoint sets dst = A^T y.
func (d *Dense) ApplyAdjoint(dst, y []float64) []float64 {
	m, n := d.M.Dims()
	if len(y) != m {
		panic(fmt.Sprintf("linop: Dense.ApplyAdjoint: len(y) = %d, want %d", len(y), m))
	}
	dst = ensure(dst, n)
	gemvTCols(d.M.RawMatrix(), y, dst, workers(m, n, n))
	return dst
}

// workers returns how many goroutines to use for an m x n matrix whose
// output dimension (the one that is split) is out.
func workers(m, n, out int) int {
	if m*n < ParallelThreshold {
		return 1
	}
	p := runtime.GOMAXPROCS(0)
	// Every block gets at least two aligned groups.
	return max(1, min(p, out/(2*blockAlign)))
}

// split returns the start of block i of p blocks covering [0, total), with
// all interior boundaries multiples of blockAlign.
func split(total, p, i int) int {
	if i >= p {
		return total
	}
	groups := (total + blockAlign - 1) / blockAlign
	return min(total, (groups*i/p)*blockAlign)
}

// gemvRows computes y = A x, splitting the rows of A over p goroutines.
func gemvRows(a blas64.General, x, y []float64, p int) {
	xv := blas64.Vector{N: len(x), Inc: 1, Data: x}
	do := func(r0, r1 int) {
		if r1 <= r0 {
			return
		}
		sub := blas64.General{Rows: r1 - r0, Cols: a.Cols, Stride: a.Stride, Data: a.Data[r0*a.Stride:]}
		blas64.Gemv(blas.NoTrans, 1, sub, xv, 0, blas64.Vector{N: r1 - r0, Inc: 1, Data: y[r0:r1]})
	}
	parallel(a.Rows, p, do)
}

// gemvTCols computes y = A^T x, splitting the columns of A (the entries of
// y) over p goroutines; each goroutine reads a fixed column block of every
// row, so no reduction across goroutines is needed.
func gemvTCols(a blas64.General, x, y []float64, p int) {
	xv := blas64.Vector{N: len(x), Inc: 1, Data: x}
	do := func(c0, c1 int) {
		if c1 <= c0 {
			return
		}
		sub := blas64.General{Rows: a.Rows, Cols: c1 - c0, Stride: a.Stride, Data: a.Data[c0:]}
		blas64.Gemv(blas.Trans, 1, sub, xv, 0, blas64.Vector{N: c1 - c0, Inc: 1, Data: y[c0:c1]})
	}
	parallel(a.Cols, p, do)
}

// parallel runs do on p aligned blocks of [0, total), the last block in the
// calling goroutine.
func parallel(total, p int, do func(lo, hi int)) {
	if p <= 1 {
		do(0, total)
		return
	}
	var wg sync.WaitGroup
	for i := 0; i < p-1; i++ {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			do(lo, hi)
		}(split(total, p, i), split(total, p, i+1))
	}
	do(split(total, p, p-1), total)
	wg.Wait()
}
