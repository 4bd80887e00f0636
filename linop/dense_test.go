package linop

import (
	"math"
	"runtime"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/gencs/gencs/internal/rng"
)

func randVec(n int, seed uint64) []float64 {
	r := rng.New(seed, 999)
	v := make([]float64, n)
	for i := range v {
		v[i] = r.NormFloat64()
	}
	return v
}

// naiveMul computes A x (trans=false) or A^T x (trans=true) with plain loops.
func naiveMul(a *mat.Dense, x []float64, trans bool) []float64 {
	m, n := a.Dims()
	if trans {
		out := make([]float64, n)
		for i := range m {
			for j := range n {
				out[j] += a.At(i, j) * x[i]
			}
		}
		return out
	}
	out := make([]float64, m)
	for i := range m {
		for j := range n {
			out[i] += a.At(i, j) * x[j]
		}
	}
	return out
}

func maxAbsDiff(a, b []float64) float64 {
	d := 0.0
	for i := range a {
		d = math.Max(d, math.Abs(a[i]-b[i]))
	}
	return d
}

func TestDenseMatchesNaive(t *testing.T) {
	for _, sz := range [][2]int{{1, 1}, {1, 7}, {7, 1}, {3, 5}, {40, 300}, {300, 40}, {129, 515}} {
		m, n := sz[0], sz[1]
		A, err := Gaussian(m, n, 1)
		if err != nil {
			t.Fatal(err)
		}
		x, y := randVec(n, 2), randVec(m, 3)
		if d := maxAbsDiff(A.Apply(nil, x), naiveMul(A.M, x, false)); d > 1e-12 {
			t.Errorf("%dx%d Apply differs from naive product by %g", m, n, d)
		}
		if d := maxAbsDiff(A.ApplyAdjoint(nil, y), naiveMul(A.M, y, true)); d > 1e-12 {
			t.Errorf("%dx%d ApplyAdjoint differs from naive product by %g", m, n, d)
		}
	}
}

// The parallel split must give bitwise the same result for every worker
// count, so outputs do not depend on GOMAXPROCS.
func TestDenseParallelDeterministic(t *testing.T) {
	for _, sz := range [][2]int{{203, 517}, {517, 203}, {1000, 67}, {67, 1000}, {33, 2049}, {16, 16}, {257, 259}} {
		m, n := sz[0], sz[1]
		A, _ := Gaussian(m, n, 4)
		raw := A.M.RawMatrix()
		x, y := randVec(n, 5), randVec(m, 6)
		ref := make([]float64, m)
		gemvRows(raw, x, ref, 1)
		refT := make([]float64, n)
		gemvTCols(raw, y, refT, 1)
		if d := maxAbsDiff(ref, naiveMul(A.M, x, false)); d > 1e-12 {
			t.Fatalf("%dx%d serial Apply off by %g", m, n, d)
		}
		if d := maxAbsDiff(refT, naiveMul(A.M, y, true)); d > 1e-12 {
			t.Fatalf("%dx%d serial ApplyAdjoint off by %g", m, n, d)
		}
		for p := 2; p <= 7; p++ {
			got := make([]float64, m)
			gemvRows(raw, x, got, p)
			if !slices.Equal(got, ref) {
				t.Errorf("%dx%d Apply with %d workers differs from 1 worker (max diff %g)", m, n, p, maxAbsDiff(got, ref))
			}
			gotT := make([]float64, n)
			gemvTCols(raw, y, gotT, p)
			if !slices.Equal(gotT, refT) {
				t.Errorf("%dx%d ApplyAdjoint with %d workers differs from 1 worker (max diff %g)", m, n, p, maxAbsDiff(gotT, refT))
			}
		}
	}
}

func TestSplitCoversAligned(t *testing.T) {
	for total := 1; total < 200; total++ {
		for p := 1; p <= 9; p++ {
			prev := 0
			for i := 1; i <= p; i++ {
				s := split(total, p, i)
				if s < prev || (i < p && s%blockAlign != 0) {
					t.Fatalf("split(%d,%d,%d) = %d after %d", total, p, i, s, prev)
				}
				prev = s
			}
			if prev != total || split(total, p, 0) != 0 {
				t.Fatalf("split(%d,%d) does not cover [0,%d)", total, p, total)
			}
		}
	}
}

// A Dense wrapping a submatrix view (stride > cols) and run through the
// public, GOMAXPROCS-dependent path.
func TestDenseView(t *testing.T) {
	big, _ := Gaussian(600, 700, 7)
	view := big.M.Slice(13, 513, 21, 677).(*mat.Dense)
	A := NewDense(view)
	x, y := randVec(656, 8), randVec(500, 9)
	old := runtime.GOMAXPROCS(4)
	defer runtime.GOMAXPROCS(old)
	if d := maxAbsDiff(A.Apply(nil, x), naiveMul(view, x, false)); d > 1e-12 {
		t.Errorf("view Apply off by %g", d)
	}
	if d := maxAbsDiff(A.ApplyAdjoint(nil, y), naiveMul(view, y, true)); d > 1e-12 {
		t.Errorf("view ApplyAdjoint off by %g", d)
	}
	if err := DotTest(A, 1, 1e-12); err != nil {
		t.Error(err)
	}
}

func TestDensePanicsOnWrongLength(t *testing.T) {
	A, _ := Gaussian(3, 4, 1)
	for name, f := range map[string]func(){
		"Apply":        func() { A.Apply(nil, make([]float64, 3)) },
		"ApplyAdjoint": func() { A.ApplyAdjoint(nil, make([]float64, 4)) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s with wrong length did not panic", name)
				}
			}()
			f()
		}()
	}
}

// Through the public API: the same products, bit for bit, whatever
// GOMAXPROCS is.
func TestDenseGOMAXPROCSIndependent(t *testing.T) {
	A, _ := Gaussian(301, 457, 10) // above ParallelThreshold
	x, y := randVec(457, 11), randVec(301, 12)
	old := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(old)
	ref, refT := A.Apply(nil, x), A.ApplyAdjoint(nil, y)
	for _, p := range []int{2, 3, 4, 8} {
		runtime.GOMAXPROCS(p)
		if !slices.Equal(A.Apply(nil, x), ref) || !slices.Equal(A.ApplyAdjoint(nil, y), refT) {
			t.Errorf("GOMAXPROCS=%d changed the result", p)
		}
	}
}
