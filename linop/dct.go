package linop

import (
	"fmt"
	"math"
	"slices"

	"github.com/gencs/gencs/internal/rng"
)

// DCT is the operator made of selected rows of the orthonormal DCT-II matrix
// of length n,
//
//	C[k][j] = c_k cos(pi (2j+1) k / (2n)),  c_0 = sqrt(1/n), c_k = sqrt(2/n) (k > 0),
//
// for j, k = 0..n-1. C is orthogonal (C C^T = C^T C = I), so the selected
// rows are orthonormal: A A^T = I and ||A|| = 1. No scaling by sqrt(n/m) is
// applied; multiply by it yourself if you want columns of unit norm on
// average, as for Gaussian.
//
// Apply computes the full transform in O(n log n) and keeps the selected
// rows; ApplyAdjoint zero-fills the unselected coefficients and applies the
// inverse transform (the orthonormal DCT-III). The transform is computed by
// Makhoul's reordering and one packed complex FFT of length n/2 when n is a
// power of two; by gonum's quarter-wave FFT (FFTPACK cosqb/cosqf) when n's
// prime factors are all below 100; and otherwise, where FFTPACK would cost
// O(n p) for a prime factor p, by Makhoul's reordering with a length-n DFT
// computed by Bluestein's chirp-z algorithm. So every n costs O(n log n).
//
// A DCT is safe for concurrent use: scratch space comes from a free list (at most one
// scratch per simultaneous caller, kept for the life of the operator).
type DCT struct {
	n      int
	rows   []int
	kernel dctKernel
	pool   freeList[[]float64] // length-n scratch
}

// NewDCT returns the operator made of the given rows (each in [0, n), no
// duplicates; any order, which becomes the order of the outputs) of the
// orthonormal DCT-II matrix of length n. The rows slice is copied.
func NewDCT(n int, rows []int) (*DCT, error) {
	return newDCT(n, rows, false)
}

// newDCT is NewDCT with the option to force the Bluestein path (for tests).
func newDCT(n int, rows []int, forceBluestein bool) (*DCT, error) {
	if err := checkRows("NewDCT", n, rows); err != nil {
		return nil, err
	}
	d := &DCT{n: n, rows: slices.Clone(rows), kernel: newDCTKernel(n, forceBluestein)}
	d.pool.alloc = func() []float64 { return make([]float64, n) }
	return d, nil
}

// SubsampledDCT returns m distinct rows of the orthonormal DCT-II matrix of
// length n, chosen uniformly at random from seed and sorted increasingly.
func SubsampledDCT(m, n int, seed uint64) (*DCT, error) {
	if err := checkWide("SubsampledDCT", m, n); err != nil {
		return nil, err
	}
	return NewDCT(n, randomRows(m, n, seed, streamDCTRows))
}

// Dims returns (len(rows), n).
func (d *DCT) Dims() (int, int) { return len(d.rows), d.n }

// Rows returns a copy of the selected row indices, in output order.
func (d *DCT) Rows() []int { return slices.Clone(d.rows) }

// Apply sets dst = A x: the selected coefficients of the orthonormal DCT-II
// of x.
func (d *DCT) Apply(dst, x []float64) []float64 {
	if len(x) != d.n {
		panic(fmt.Sprintf("linop: DCT.Apply: len(x) = %d, want %d", len(x), d.n))
	}
	dst = ensure(dst, len(d.rows))
	buf := d.pool.get()
	defer d.pool.put(buf)
	d.kernel.dct2(buf, x)
	n := float64(d.n)
	c0, ck := 1/math.Sqrt(n), math.Sqrt(2/n)
	for i, k := range d.rows {
		if k == 0 {
			dst[i] = c0 * buf[0]
		} else {
			dst[i] = ck * buf[k]
		}
	}
	return dst
}

// ApplyAdjoint sets dst = A^T y: the orthonormal DCT-III (inverse DCT-II) of
// the length-n vector holding y at the selected rows and zero elsewhere.
func (d *DCT) ApplyAdjoint(dst, y []float64) []float64 {
	if len(y) != len(d.rows) {
		panic(fmt.Sprintf("linop: DCT.ApplyAdjoint: len(y) = %d, want %d", len(y), len(d.rows)))
	}
	dst = ensure(dst, d.n)
	buf := d.pool.get()
	defer d.pool.put(buf)
	clear(buf)
	n := float64(d.n)
	c0, ck := 1/math.Sqrt(n), math.Sqrt(2/n)
	for i, k := range d.rows {
		if k == 0 {
			buf[0] = c0 * y[i]
		} else {
			buf[k] = ck * y[i]
		}
	}
	d.kernel.dct3(dst, buf)
	return dst
}

// checkRows validates a row selection of an n-column transform.
func checkRows(what string, n int, rows []int) error {
	if n < 1 {
		return fmt.Errorf("linop: %s: length n = %d, want n >= 1", what, n)
	}
	if n > MaxLength {
		return fmt.Errorf("linop: %s: length n = %d exceeds the size limit %d", what, n, MaxLength)
	}
	if len(rows) < 1 {
		return fmt.Errorf("linop: %s: no rows selected, want at least 1", what)
	}
	if len(rows) > n {
		return fmt.Errorf("linop: %s: %d rows selected from only n = %d", what, len(rows), n)
	}
	seen := make(map[int]bool, len(rows))
	for i, r := range rows {
		if r < 0 || r >= n {
			return fmt.Errorf("linop: %s: rows[%d] = %d out of range [0, %d)", what, i, r, n)
		}
		if seen[r] {
			return fmt.Errorf("linop: %s: row %d selected twice", what, r)
		}
		seen[r] = true
	}
	return nil
}

// randomRows returns m distinct indices in [0, n), uniformly at random from
// (seed, stream), sorted increasingly.
func randomRows(m, n int, seed, stream uint64) []int {
	rows := rng.New(seed, stream).Perm(n)[:m]
	slices.Sort(rows)
	return rows
}
