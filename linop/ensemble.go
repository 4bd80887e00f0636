package linop

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"

	"github.com/gencs/gencs/internal/rng"
)

// Stream labels passed to rng.New so that different ensembles drawn with the
// same seed are independent of each other.
const (
	streamGaussian uint64 = iota + 1
	streamRademacher
	streamOrthonormal
	streamDCTRows
	streamHadamardRows
	streamDotTest
	streamNormEst
)

// MaxLength is the largest dimension (m or n) of an operator the
// constructors build, and MaxEntries the largest m*n of an explicit
// matrix (Gaussian, Rademacher, OrthonormalRows: 2 GB of float64). Larger
// requests are errors rather than allocations that would exhaust memory.
const (
	MaxLength  = 1 << 26
	MaxEntries = 1 << 28
)

func checkDims(what string, m, n int) error {
	if m < 1 {
		return fmt.Errorf("linop: %s: number of rows m = %d, want m >= 1", what, m)
	}
	if n < 1 {
		return fmt.Errorf("linop: %s: number of columns n = %d, want n >= 1", what, n)
	}
	if m > MaxLength || n > MaxLength {
		return fmt.Errorf("linop: %s: %d x %d exceeds the size limit %d", what, m, n, MaxLength)
	}
	return nil
}

// checkDense is checkDims plus the MaxEntries limit of explicit matrices.
func checkDense(what string, m, n int) error {
	if err := checkDims(what, m, n); err != nil {
		return err
	}
	if int64(m)*int64(n) > MaxEntries {
		return fmt.Errorf("linop: %s: %d x %d = %d entries exceeds the limit %d (subsampled dct or hadamard need no matrix)", what, m, n, int64(m)*int64(n), MaxEntries)
	}
	return nil
}

func checkWide(what string, m, n int) error {
	if err := checkDims(what, m, n); err != nil {
		return err
	}
	if m > n {
		return fmt.Errorf("linop: %s: m = %d rows exceeds n = %d columns (orthonormal rows need m <= n)", what, m, n)
	}
	return nil
}

// Gaussian returns an m x n matrix with independent N(0, 1/m) entries, drawn
// from the stream rng.New(seed, ...) in row-major order. With this scaling
// E||Ax||^2 = ||x||^2 for every fixed x.
func Gaussian(m, n int, seed uint64) (*Dense, error) {
	if err := checkDense("Gaussian", m, n); err != nil {
		return nil, err
	}
	r := rng.New(seed, streamGaussian)
	s := 1 / math.Sqrt(float64(m))
	data := make([]float64, m*n)
	for i := range data {
		data[i] = s * r.NormFloat64()
	}
	return NewDense(mat.NewDense(m, n, data)), nil
}

// Rademacher returns an m x n matrix with independent entries ±1/sqrt(m),
// each sign equally likely, so that E||Ax||^2 = ||x||^2 for every fixed x.
func Rademacher(m, n int, seed uint64) (*Dense, error) {
	if err := checkDense("Rademacher", m, n); err != nil {
		return nil, err
	}
	r := rng.New(seed, streamRademacher)
	s := 1 / math.Sqrt(float64(m))
	data := make([]float64, m*n)
	for i := 0; i < len(data); i += 64 {
		bits := r.Uint64()
		for j := i; j < i+64 && j < len(data); j++ {
			if bits&1 == 1 {
				data[j] = s
			} else {
				data[j] = -s
			}
			bits >>= 1
		}
	}
	return NewDense(mat.NewDense(m, n, data)), nil
}

// OrthonormalRows returns an m x n matrix (m <= n) whose rows are orthonormal
// (A A^T = I) and whose row space is uniformly (Haar) distributed: the rows
// are the Q factor of the LQ decomposition of a standard Gaussian m x n
// matrix, with signs fixed so that L has a positive diagonal. This equals
// the transpose of the Q factor of a QR decomposition of the Gaussian n x m
// transpose. Note the scaling differs from Gaussian: the columns of A have
// squared norm m/n on average, not 1. The factorisation costs O(m^2 n)
// time.
func OrthonormalRows(m, n int, seed uint64) (*Dense, error) {
	if err := checkWide("OrthonormalRows", m, n); err != nil {
		return nil, err
	}
	if err := checkDense("OrthonormalRows", m, n); err != nil {
		return nil, err
	}
	r := rng.New(seed, streamOrthonormal)
	data := make([]float64, m*n)
	for i := range data {
		data[i] = r.NormFloat64()
	}
	q, _, err := lqRows(mat.NewDense(m, n, data))
	if err != nil {
		// A Gaussian matrix has full row rank with probability one.
		return nil, fmt.Errorf("linop: OrthonormalRows: %w", err)
	}
	return NewDense(q), nil
}

// lqRows computes A = L Q for an m x n matrix A with m <= n and returns Q
// (m x n, orthonormal rows) and the diagonal of L, with signs chosen so that
// diag(L) >= 0. It returns an error when A is numerically rank deficient:
// some |L_ii| <= max(m,n) * eps * max_j |L_jj|. A is not modified.
func lqRows(a *mat.Dense) (*mat.Dense, []float64, error) {
	m, n := a.Dims()
	if m > n {
		return nil, nil, fmt.Errorf("%d rows exceed %d columns, so the rows cannot be orthonormal", m, n)
	}
	w := mat.DenseCopyOf(a)
	g := w.RawMatrix()
	tau := make([]float64, m)
	work := make([]float64, 1)
	lapack64.Gelqf(g, tau, work, -1)
	lwork := max(int(work[0]), m)
	work = make([]float64, lwork)
	lapack64.Gelqf(g, tau, work, lwork)
	diag := make([]float64, m)
	dmax := 0.0
	for i := range m {
		diag[i] = g.Data[i*g.Stride+i]
		if v := math.Abs(diag[i]); v > dmax || math.IsNaN(v) {
			dmax = v
		}
	}
	if math.IsNaN(dmax) || math.IsInf(dmax, 0) {
		return nil, nil, fmt.Errorf("matrix has non-finite entries")
	}
	tol := float64(max(m, n)) * 0x1p-52 * dmax
	for i, d := range diag {
		if math.Abs(d) <= tol {
			return nil, nil, fmt.Errorf("matrix is (numerically) rank deficient: |L[%d][%d]| = %.3g <= %.3g, so its rows are linearly dependent", i, i, math.Abs(d), tol)
		}
	}
	lapack64.Orglq(g, tau, work, -1)
	if int(work[0]) > len(work) {
		work = make([]float64, int(work[0]))
	}
	lapack64.Orglq(g, tau, work, len(work))
	for i, d := range diag {
		if d < 0 {
			diag[i] = -d
			row := g.Data[i*g.Stride : i*g.Stride+n]
			blas64.Scal(-1, blas64.Vector{N: n, Inc: 1, Data: row})
		}
	}
	return w, diag, nil
}
