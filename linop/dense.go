package linop

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// Dense is an Operator backed by an explicit m x n matrix.
type Dense struct {
	M *mat.Dense
}

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
	mat.NewVecDense(m, dst).MulVec(d.M, mat.NewVecDense(n, x))
	return dst
}

// ApplyAdjoint sets dst = A^T y.
func (d *Dense) ApplyAdjoint(dst, y []float64) []float64 {
	m, n := d.M.Dims()
	if len(y) != m {
		panic(fmt.Sprintf("linop: Dense.ApplyAdjoint: len(y) = %d, want %d", len(y), m))
	}
	dst = ensure(dst, n)
	mat.NewVecDense(n, dst).MulVec(d.M.T(), mat.NewVecDense(m, y))
	return dst
}
