package linop

import (
	"gonum.org/v1/gonum/dsp/fourier"
	"gonum.org/v1/gonum/floats"
	"math"
	"math/bits"
	"math/cmplx"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// dctMatrix builds the orthonormal DCT-II matrix from its definition.
func dctMatrix(n int, rows []int) *mat.Dense {
	out := mat.NewDense(len(rows), n, nil)
	for i, k := range rows {
		c := math.Sqrt(2 / float64(n))
		if k == 0 {
			c = math.Sqrt(1 / float64(n))
		}
		for j := range n {
			// Reduce the angle exactly (mod 4n) so the reference itself is
			// accurate to ~1e-16 for large j, k.
			r := ((2*j + 1) * k) % (4 * n)
			out.Set(i, j, c*math.Cos(math.Pi*float64(r)/float64(2*n)))
		}
	}
	return out
}

func hadamardMatrix(n int, rows []int) *mat.Dense {
	out := mat.NewDense(len(rows), n, nil)
	s := 1 / math.Sqrt(float64(n))
	for i, k := range rows {
		for j := range n {
			if bits.OnesCount(uint(k&j))%2 == 0 {
				out.Set(i, j, s)
			} else {
				out.Set(i, j, -s)
			}
		}
	}
	return out
}

func allRows(n int) []int {
	r := make([]int, n)
	for i := range r {
		r[i] = i
	}
	return r
}

// checkAgainstDense compares op with the dense matrix want: entrywise (via
// Matrix), and Apply / ApplyAdjoint on random vectors against dense
// products, all to tol.
func checkAgainstDense(t *testing.T, name string, op Operator, want *mat.Dense, tol float64) {
	t.Helper()
	m, n := want.Dims()
	if om, on := op.Dims(); om != m || on != n {
		t.Fatalf("%s: Dims = %d x %d, want %d x %d", name, om, on, m, n)
	}
	got := Matrix(op)
	if e := maxAbsDiff(got.RawMatrix().Data, want.RawMatrix().Data); e > tol {
		t.Errorf("%s: materialised matrix differs from the definition by %g (max entry)", name, e)
	}
	x, y := randVec(n, 21), randVec(m, 22)
	if e := maxAbsDiff(op.Apply(nil, x), naiveMul(want, x, false)); e > tol {
		t.Errorf("%s: Apply differs from dense product by %g", name, e)
	}
	if e := maxAbsDiff(op.ApplyAdjoint(nil, y), naiveMul(want, y, true)); e > tol {
		t.Errorf("%s: ApplyAdjoint differs from dense product by %g", name, e)
	}
	if err := DotTest(op, 3, 1e-12); err != nil {
		t.Errorf("%s: %v", name, err)
	}
}

func TestDCTMatchesDefinition(t *testing.T) {
	for _, n := range []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 15, 16, 17, 30, 31, 64, 97, 100, 128, 210, 243, 257, 500, 512} {
		op, err := NewDCT(n, allRows(n))
		if err != nil {
			t.Fatal(err)
		}
		checkAgainstDense(t, "full DCT n="+itoa(n), op, dctMatrix(n, allRows(n)), 1e-12)
	}
}

func TestSubsampledDCT(t *testing.T) {
	for _, sz := range [][2]int{{1, 1}, {1, 10}, {3, 7}, {25, 100}, {100, 100}, {60, 243}, {128, 1000}, {50, 4096}} {
		m, n := sz[0], sz[1]
		op, err := SubsampledDCT(m, n, 5)
		if err != nil {
			t.Fatal(err)
		}
		rows := op.Rows()
		if len(rows) != m || !slices.IsSorted(rows) {
			t.Fatalf("rows %v: want %d sorted rows", rows, m)
		}
		checkAgainstDense(t, "subsampled DCT "+itoa(m)+"x"+itoa(n), op, dctMatrix(n, rows), 1e-12)
		checkOrthonormal(t, "DCT", op)
	}
	// Unsorted, explicit rows keep their order.
	rows := []int{7, 0, 3, 11}
	op, err := NewDCT(12, rows)
	if err != nil {
		t.Fatal(err)
	}
	checkAgainstDense(t, "DCT rows {7,0,3,11}", op, dctMatrix(12, rows), 1e-12)
}

func TestHadamardMatchesDefinition(t *testing.T) {
	for n := 1; n <= 1024; n *= 2 {
		op, err := NewHadamard(n, allRows(n))
		if err != nil {
			t.Fatal(err)
		}
		checkAgainstDense(t, "full Hadamard n="+itoa(n), op, hadamardMatrix(n, allRows(n)), 1e-12)
	}
	for _, sz := range [][2]int{{1, 1}, {1, 8}, {3, 8}, {100, 256}, {256, 256}, {77, 512}} {
		m, n := sz[0], sz[1]
		op, err := SubsampledHadamard(m, n, 6)
		if err != nil {
			t.Fatal(err)
		}
		rows := op.Rows()
		if len(rows) != m || !slices.IsSorted(rows) {
			t.Fatalf("rows %v: want %d sorted rows", rows, m)
		}
		checkAgainstDense(t, "subsampled Hadamard "+itoa(m)+"x"+itoa(n), op, hadamardMatrix(n, rows), 1e-12)
		checkOrthonormal(t, "Hadamard", op)
	}
}

// FWHT applied twice multiplies by n (H^2 = n I).
func TestFWHTInvolution(t *testing.T) {
	for _, n := range []int{1, 2, 4, 8, 32, 1 << 12} {
		x := randVec(n, 9)
		y := slices.Clone(x)
		FWHT(y)
		FWHT(y)
		for i := range y {
			y[i] /= float64(n)
		}
		if d := maxAbsDiff(x, y); d > 1e-12 {
			t.Errorf("n=%d: H H x / n differs from x by %g", n, d)
		}
	}
}

// checkOrthonormal checks A A^T = I via A (A^T y) = y on random y.
func checkOrthonormal(t *testing.T, name string, op Operator) {
	t.Helper()
	m, _ := op.Dims()
	y := randVec(m, 31)
	if d := maxAbsDiff(op.Apply(nil, op.ApplyAdjoint(nil, y)), y); d > 1e-12 {
		t.Errorf("%s: A A^T y differs from y by %g", name, d)
	}
}

func TestFastOperatorErrors(t *testing.T) {
	cases := []struct {
		name string
		f    func() error
		want string
	}{
		{"dct m>n", func() error { _, err := SubsampledDCT(11, 10, 1); return err }, "exceeds"},
		{"dct m=0", func() error { _, err := SubsampledDCT(0, 10, 1); return err }, "m = 0"},
		{"dct n=0", func() error { _, err := NewDCT(0, []int{0}); return err }, "n = 0"},
		{"dct no rows", func() error { _, err := NewDCT(4, nil); return err }, "no rows"},
		{"dct row out of range", func() error { _, err := NewDCT(4, []int{1, 4}); return err }, "out of range"},
		{"dct negative row", func() error { _, err := NewDCT(4, []int{-1}); return err }, "out of range"},
		{"dct duplicate", func() error { _, err := NewDCT(4, []int{2, 1, 2}); return err }, "twice"},
		{"hadamard not pow2", func() error { _, err := SubsampledHadamard(3, 12, 1); return err }, "not a power of two"},
		{"hadamard n=0", func() error { _, err := NewHadamard(0, []int{0}); return err }, "not a power of two"},
		{"hadamard m>n", func() error { _, err := SubsampledHadamard(9, 8, 1); return err }, "exceeds"},
		{"hadamard duplicate", func() error { _, err := NewHadamard(8, []int{3, 3}); return err }, "twice"},
	}
	for _, c := range cases {
		err := c.f()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
}

// Concurrent use of one fast operator gives the same answers as serial use
// (run with -race to check for data races on the scratch buffers).
func TestFastConcurrent(t *testing.T) {
	dct, _ := SubsampledDCT(50, 300, 1)
	had, _ := SubsampledHadamard(50, 256, 1)
	for _, op := range []Operator{dct, had} {
		m, n := op.Dims()
		const G = 8
		xs := make([][]float64, G)
		want := make([][]float64, G)
		wantT := make([][]float64, G)
		for g := range G {
			xs[g] = randVec(n, uint64(100+g))
			want[g] = op.Apply(nil, xs[g])
			wantT[g] = op.ApplyAdjoint(nil, xs[g][:m])
		}
		var wg sync.WaitGroup
		errs := make([]bool, G)
		for g := range G {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 50 {
					if !slices.Equal(op.Apply(nil, xs[g]), want[g]) || !slices.Equal(op.ApplyAdjoint(nil, xs[g][:m]), wantT[g]) {
						errs[g] = true
					}
				}
			}()
		}
		wg.Wait()
		for g, e := range errs {
			if e {
				t.Errorf("%T: goroutine %d saw a different result under concurrency", op, g)
			}
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// The Bluestein/Makhoul path, forced for every length, matches the
// definition; lengths with a large prime factor use it automatically.
func TestDCTBluestein(t *testing.T) {
	for _, n := range []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 16, 17, 31, 32, 33, 100, 101, 127, 128, 250, 257, 509, 1009} {
		op, err := newDCT(n, allRows(n), true)
		if err != nil {
			t.Fatal(err)
		}
		checkAgainstDense(t, "Bluestein DCT n="+itoa(n), op, dctMatrix(n, allRows(n)), 1e-12)
	}
	for n, want := range map[int]string{1: "cosq", 2: "cosq", 4: "pow2", 97: "cosq", 96: "cosq", 101: "makhoul", 2 * 101: "makhoul", 1 << 10: "pow2", 3 * 5 * 7 * 11: "cosq", 10007: "makhoul"} {
		op, _ := NewDCT(n, []int{0})
		got := "unknown"
		switch op.kernel.(type) {
		case *cosqDCT:
			got = "cosq"
		case *pow2DCT:
			got = "pow2"
		case *makhoul:
			got = "makhoul"
		}
		if got != want {
			t.Errorf("n=%d: kernel %s, want %s", n, got, want)
		}
	}
	// A large prime length, subsampled, against the dense rows (each
	// computed from the definition).
	op, err := SubsampledDCT(40, 10007, 3)
	if err != nil {
		t.Fatal(err)
	}
	checkAgainstDense(t, "subsampled DCT n=10007", op, dctMatrix(10007, op.Rows()), 1e-12)
	checkOrthonormal(t, "DCT n=10007", op)
}

func TestLargestPrimeFactor(t *testing.T) {
	for n, want := range map[int]int{1: 1, 2: 2, 12: 3, 97: 97, 1024: 2, 10007: 10007, 2 * 3 * 101: 101, 49: 7} {
		if got := largestPrimeFactor(n); got != want {
			t.Errorf("largestPrimeFactor(%d) = %d, want %d", n, got, want)
		}
	}
}

// The three DCT kernels agree with each other on lengths too large for the
// dense check, to 1e-15 ||x|| log2(n) (the roundoff scale of an FFT;
// ||x|| bounds every output of the orthonormal transform).
func TestDCTKernelsAgree(t *testing.T) {
	for _, n := range []int{4, 8, 64, 1 << 12, 1 << 15} {
		x := randVec(n, uint64(n))
		scale := floats.Norm(x, 2)
		kernels := map[string]dctKernel{"pow2": newPow2DCT(n), "cosq": newCosqDCT(n), "makhoul": newMakhoul(n)}
		out := map[string][]float64{}
		outT := map[string][]float64{}
		for name, k := range kernels {
			out[name] = make([]float64, n)
			k.dct2(out[name], x)
			outT[name] = make([]float64, n)
			k.dct3(outT[name], slices.Clone(x))
		}
		for _, name := range []string{"cosq", "makhoul"} {
			if d := maxAbsDiff(out["pow2"], out[name]); d > 1e-15*scale*math.Log2(float64(n)) {
				t.Errorf("n=%d: dct2 pow2 vs %s differ by %g", n, name, d)
			}
			if d := maxAbsDiff(outT["pow2"], outT[name]); d > 1e-15*scale*math.Log2(float64(n)) {
				t.Errorf("n=%d: dct3 pow2 vs %s differ by %g", n, name, d)
			}
		}
	}
}

// The parallel FFT and Walsh–Hadamard transforms give bitwise the same
// result for every number of goroutines (so outputs do not depend on
// GOMAXPROCS), and the FFT matches gonum's.
func TestParallelTransformsDeterministic(t *testing.T) {
	for _, n := range []int{1, 2, 4, 8, 16, 1 << 11, 1 << 12, 1 << 13, 1 << 16} {
		x := randVec(n, uint64(n))
		ref := slices.Clone(x)
		FWHT(ref)
		z := make([]complex128, n)
		for i := range z {
			z[i] = complex(x[i], x[(i*7+3)%n])
		}
		f := newCFFT(n)
		zref := slices.Clone(z)
		f.forwardP(zref, 1)
		want := fourier.NewCmplxFFT(n).Coefficients(nil, z)
		for i := range want {
			if d := cmplx.Abs(want[i] - zref[i]); d > 1e-15*float64(n)*math.Log2(float64(n)+1)*4 {
				t.Fatalf("n=%d: cfft differs from gonum at %d by %g", n, i, d)
			}
		}
		for p := 2; p <= 5; p++ {
			got := slices.Clone(x)
			fwhtP(got, p)
			if !slices.Equal(got, ref) {
				t.Errorf("n=%d p=%d: parallel FWHT differs from serial", n, p)
			}
			zg := slices.Clone(z)
			f.forwardP(zg, p)
			if !slices.Equal(zg, zref) {
				t.Errorf("n=%d p=%d: parallel FFT differs from serial", n, p)
			}
		}
	}
}

func TestFastGOMAXPROCSIndependent(t *testing.T) {
	n := 1 << 16
	dct, _ := SubsampledDCT(n/4, n, 1)
	had, _ := SubsampledHadamard(n/4, n, 1)
	x, y := randVec(n, 2), randVec(n/4, 3)
	old := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(old)
	for _, op := range []Operator{dct, had} {
		runtime.GOMAXPROCS(1)
		ref, refT := op.Apply(nil, x), op.ApplyAdjoint(nil, y)
		for _, p := range []int{2, 3, 4} {
			runtime.GOMAXPROCS(p)
			if !slices.Equal(op.Apply(nil, x), ref) || !slices.Equal(op.ApplyAdjoint(nil, y), refT) {
				t.Errorf("%T: GOMAXPROCS=%d changed the result", op, p)
			}
		}
		if err := DotTest(op, 4, 1e-12); err != nil {
			t.Error(err)
		}
	}
}
