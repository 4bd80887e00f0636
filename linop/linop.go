// Package linop defines measurement operators: linear maps A: R^n -> R^m that
// solvers only ever touch through Apply (A x) and ApplyAdjoint (A^T y).
package linop

// Operator is a linear map from R^n to R^m.
//
// Apply and ApplyAdjoint write into dst when it has the right length and
// allocate otherwise, returning the result. Input slices are never modified.
// Length mismatches between x or y and Dims are programmer errors and panic.
type Operator interface {
	// Dims returns m (rows, measurements) and n (columns, signal length).
	Dims() (m, n int)
	// Apply sets dst = A x, with len(x) == n.
	Apply(dst, x []float64) []float64
	// ApplyAdjoint sets dst = A^T y, with len(y) == m.
	ApplyAdjoint(dst, y []float64) []float64
}

// ensure returns dst if it has length n and a new slice otherwise.
func ensure(dst []float64, n int) []float64 {
	if len(dst) == n {
		return dst
	}
	return make([]float64, n)
}
