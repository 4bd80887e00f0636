package linop

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
)

// Hadamard is the operator made of selected rows of the orthonormal
// Walsh–Hadamard matrix of length n (a power of two) in natural (Sylvester)
// order,
//
//	H[k][j] = (-1)^popcount(k AND j) / sqrt(n),
//
// which is symmetric and orthogonal, so the selected rows are orthonormal:
// A A^T = I. Apply and ApplyAdjoint use the in-place fast Walsh–Hadamard
// transform, O(n log n), with no stored matrix; lengths of 2^15 and more
// use runtime.GOMAXPROCS(0) goroutines, with results bitwise independent of
// their number. A Hadamard is safe for concurrent use: scratch space comes
// from a free list.
type Hadamard struct {
	n    int
	rows []int
	pool freeList[[]float64] // scratch of length n
}

// NewHadamard returns the operator made of the given rows (each in [0, n),
// no duplicates; any order, which becomes the order of the outputs) of the
// orthonormal Walsh–Hadamard matrix of length n, which must be a power of
// two. The rows slice is copied.
func NewHadamard(n int, rows []int) (*Hadamard, error) {
	if err := checkPow2("NewHadamard", n); err != nil {
		return nil, err
	}
	if err := checkRows("NewHadamard", n, rows); err != nil {
		return nil, err
	}
	h := &Hadamard{n: n, rows: slices.Clone(rows)}
	h.pool.alloc = func() []float64 { return make([]float64, n) }
	return h, nil
}

// SubsampledHadamard returns m distinct rows of the orthonormal
// Walsh–Hadamard matrix of length n (a power of two), chosen uniformly at
// random from seed and sorted increasingly.
func SubsampledHadamard(m, n int, seed uint64) (*Hadamard, error) {
	if err := checkWide("SubsampledHadamard", m, n); err != nil {
		return nil, err
	}
	if err := checkPow2("SubsampledHadamard", n); err != nil {
		return nil, err
	}
	return NewHadamard(n, randomRows(m, n, seed, streamHadamardRows))
}

func checkPow2(what string, n int) error {
	if n < 1 || n&(n-1) != 0 {
		p := 1
		if n > 1 {
			p = 1 << (bits.Len(uint(n)) - 1)
		}
		return fmt.Errorf("linop: %s: length n = %d is not a power of two (nearest below: %d, above: %d)", what, n, p, 2*p)
	}
	return nil
}

// Dims returns (len(rows), n).
func (h *Hadamard) Dims() (int, int) { return len(h.rows), h.n }

// Rows returns a copy of the selected row indices, in output order.
func (h *Hadamard) Rows() []int { return slices.Clone(h.rows) }

// Apply sets dst = A x.
func (h *Hadamard) Apply(dst, x []float64) []float64 {
	if len(x) != h.n {
		panic(fmt.Sprintf("linop: Hadamard.Apply: len(x) = %d, want %d", len(x), h.n))
	}
	dst = ensure(dst, len(h.rows))
	buf := h.pool.get()
	defer h.pool.put(buf)
	copy(buf, x)
	fwhtP(buf, fastWorkers(h.n))
	s := 1 / math.Sqrt(float64(h.n))
	for i, k := range h.rows {
		dst[i] = s * buf[k]
	}
	return dst
}

// ApplyAdjoint sets dst = A^T y.
func (h *Hadamard) ApplyAdjoint(dst, y []float64) []float64 {
	if len(y) != len(h.rows) {
		panic(fmt.Sprintf("linop: Hadamard.ApplyAdjoint: len(y) = %d, want %d", len(y), len(h.rows)))
	}
	dst = ensure(dst, h.n)
	clear(dst)
	s := 1 / math.Sqrt(float64(h.n))
	for i, k := range h.rows {
		dst[k] = s * y[i]
	}
	fwhtP(dst, fastWorkers(h.n))
	return dst
}

// FWHT applies the unnormalised Walsh–Hadamard transform (natural order,
// entries ±1) to x in place: x <- H x with H[k][j] = (-1)^popcount(k AND j).
// len(x) must be a power of two (it panics otherwise). Applying it twice
// multiplies x by len(x).
func FWHT(x []float64) {
	n := len(x)
	if n == 0 || n&(n-1) != 0 {
		panic(fmt.Sprintf("linop: FWHT: len(x) = %d is not a power of two", n))
	}
	h := 1
	// Radix-4 passes halve the memory traffic of radix-2 passes.
	for ; 4*h <= n; h *= 4 {
		for i := 0; i < n; i += 4 * h {
			a := x[i : i+h]
			b := x[i+h : i+2*h]
			c := x[i+2*h : i+3*h]
			d := x[i+3*h : i+4*h]
			for j := range a {
				p, q, r, s := a[j], b[j], c[j], d[j]
				pq, pmq, rs, rms := p+q, p-q, r+s, r-s
				a[j], b[j], c[j], d[j] = pq+rs, pmq+rms, pq-rs, pmq-rms
			}
		}
	}
	if 2*h <= n {
		for i := 0; i < n; i += 2 * h {
			a := x[i : i+h]
			b := x[i+h : i+2*h]
			for j := range a {
				a[j], b[j] = a[j]+b[j], a[j]-b[j]
			}
		}
	}
}

// fwhtP is FWHT with p goroutines: first the stages within p' contiguous
// chunks (p' the smallest power of two >= p), then the remaining stages
// with their butterflies split into p contiguous ranges. Each butterfly is
// the same sum or difference as in FWHT (a radix-4 pass is exactly two
// radix-2 stages), so the result is bitwise identical to FWHT(x).
func fwhtP(x []float64, p int) {
	n := len(x)
	if p <= 1 || n < 4*p {
		FWHT(x)
		return
	}
	q := 1 << bits.Len(uint(p-1))
	chunk := n / q
	parallelN(q, p, func(lo, hi int) {
		for c := lo; c < hi; c++ {
			FWHT(x[c*chunk : (c+1)*chunk])
		}
	})
	for h := chunk; h < n; h *= 2 {
		parallelN(n/2, p, func(lo, hi int) {
			for t := lo; t < hi; {
				s, k := (t/h)*2*h, t%h
				e := min(h, k+hi-t)
				a := x[s+k : s+e]
				b := x[s+h+k : s+h+e]
				for i := range a {
					a[i], b[i] = a[i]+b[i], a[i]-b[i]
				}
				t += e - k
			}
		})
	}
}
