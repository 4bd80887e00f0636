package linop

import (
	"math"
	"strings"
	"sync"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// Every operator the package builds passes DotTest.
func TestDotTestAllOperators(t *testing.T) {
	for _, name := range Names() {
		for _, sz := range [][2]int{{1, 1}, {1, 16}, {5, 16}, {16, 16}, {100, 256}, {300, 1024}} {
			op, err := ByName(name, sz[0], sz[1], 42)
			if err != nil {
				t.Fatalf("%s %v: %v", name, sz, err)
			}
			if m, n := op.Dims(); m != sz[0] || n != sz[1] {
				t.Fatalf("%s: Dims %dx%d, want %v", name, m, n, sz)
			}
			for seed := uint64(0); seed < 3; seed++ {
				if err := DotTest(op, seed, 1e-12); err != nil {
					t.Errorf("%s %v: %v", name, sz, err)
				}
			}
		}
	}
	// Tall dense ensembles, a large parallel dense operator, a counter.
	g, _ := Gaussian(300, 40, 1)
	big, _ := Rademacher(400, 700, 2)
	dct, _ := SubsampledDCT(33, 97, 3)
	for _, op := range []Operator{g, big, NewCounter(dct)} {
		if err := DotTest(op, 9, 1e-12); err != nil {
			t.Error(err)
		}
	}
}

// brokenOp has an adjoint that is off by a scaled entry; wrongLen returns
// a result of the wrong length; mutating overwrites its input.
type brokenOp struct {
	Operator
	mode string
}

func (b brokenOp) ApplyAdjoint(dst, y []float64) []float64 {
	dst = b.Operator.ApplyAdjoint(dst, y)
	switch b.mode {
	case "wrong":
		dst[0] += 1e-3 * y[0]
	case "len":
		return dst[:len(dst)-1]
	case "nan":
		dst[1] = math.NaN()
	case "alloc":
		return append([]float64(nil), dst...)
	}
	return dst
}

func (b brokenOp) Apply(dst, x []float64) []float64 {
	dst = b.Operator.Apply(dst, x)
	if b.mode == "mutate" {
		x[0] = 0
	}
	return dst
}

func TestDotTestDetectsBrokenOperators(t *testing.T) {
	g, _ := Gaussian(20, 30, 1)
	for mode, want := range map[string]string{
		"wrong":  "not the adjoint",
		"len":    "returned length",
		"nan":    "not finite",
		"alloc":  "did not return the supplied dst",
		"mutate": "modified its input",
	} {
		err := DotTest(brokenOp{g, mode}, 1, 1e-12)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("mode %s: DotTest error %v, want one mentioning %q", mode, err, want)
		}
	}
}

func TestNormEst(t *testing.T) {
	for _, sz := range [][2]int{{1, 1}, {10, 40}, {40, 10}, {60, 200}} {
		A, _ := Gaussian(sz[0], sz[1], 7)
		var svd mat.SVD
		if !svd.Factorize(A.M, mat.SVDNone) {
			t.Fatal("SVD failed")
		}
		want := svd.Values(nil)[0]
		got := NormEst(A, 500, 1)
		if got > want*(1+1e-12) || got < want*(1-1e-6) {
			t.Errorf("%v: NormEst = %.12g, largest singular value %.12g", sz, got, want)
		}
	}
	// Orthonormal-row operators have norm exactly 1.
	for _, name := range []string{"orthonormal", "dct", "hadamard"} {
		op, _ := ByName(name, 30, 128, 3)
		if got := NormEst(op, 20, 1); math.Abs(got-1) > 1e-12 {
			t.Errorf("%s: NormEst = %.15g, want 1", name, got)
		}
	}
	z := NewDense(mat.NewDense(3, 4, nil))
	if got := NormEst(z, 0, 1); got != 0 {
		t.Errorf("zero operator: NormEst = %g", got)
	}
}

func TestCounter(t *testing.T) {
	g, _ := Gaussian(5, 8, 1)
	c := NewCounter(g)
	if m, n := c.Dims(); m != 5 || n != 8 {
		t.Fatalf("Dims %d %d", m, n)
	}
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 7 {
				c.Apply(nil, make([]float64, 8))
			}
			for range 3 {
				c.ApplyAdjoint(nil, make([]float64, 5))
			}
		}()
	}
	wg.Wait()
	if c.Applies() != 70 || c.Adjoints() != 30 {
		t.Errorf("counts %d, %d; want 70, 30", c.Applies(), c.Adjoints())
	}
	if c.Unwrap() != Operator(g) {
		t.Error("Unwrap returned a different operator")
	}
	c.Reset()
	if c.Applies() != 0 || c.Adjoints() != 0 {
		t.Error("Reset did not zero the counts")
	}
}

func TestMatrixTallAndWide(t *testing.T) {
	for _, sz := range [][2]int{{3, 9}, {9, 3}, {4, 4}} {
		g, _ := Gaussian(sz[0], sz[1], 3)
		// Hide the *Dense so Matrix must apply the operator.
		got := Matrix(NewCounter(g))
		if !mat.EqualApprox(got, g.M, 1e-14) {
			t.Errorf("%v: Matrix differs from the stored matrix", sz)
		}
		if cp := Matrix(g); cp == g.M || !mat.Equal(cp, g.M) {
			t.Errorf("%v: Matrix of a *Dense should be an equal copy", sz)
		}
	}
}

func TestByNameErrors(t *testing.T) {
	cases := []struct {
		name string
		m, n int
		want string
	}{
		{"fourier", 2, 4, "unknown operator \"fourier\" (valid: gaussian, rademacher, orthonormal, dct, hadamard)"},
		{"", 2, 4, "unknown operator"},
		{"gaussian", 0, 4, "m = 0"},
		{"rademacher", 2, 0, "n = 0"},
		{"orthonormal", 5, 4, "exceeds"},
		{"dct", 5, 4, "exceeds"},
		{"dct", -1, 4, "m = -1"},
		{"hadamard", 5, 4, "exceeds"},
		{"hadamard", 2, 12, "not a power of two"},
	}
	for _, c := range cases {
		op, err := ByName(c.name, c.m, c.n, 1)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ByName(%q, %d, %d): error %v, want one containing %q", c.name, c.m, c.n, err, c.want)
		}
		if op != nil {
			t.Errorf("ByName(%q, %d, %d): non-nil operator with an error", c.name, c.m, c.n)
		}
	}
	// Case and surrounding space are ignored; tall Gaussian is allowed.
	if _, err := ByName(" DCT ", 3, 10, 1); err != nil {
		t.Error(err)
	}
	if _, err := ByName("gaussian", 10, 3, 1); err != nil {
		t.Error(err)
	}
}

func TestByNameSeeds(t *testing.T) {
	for _, name := range Names() {
		a, _ := ByName(name, 4, 16, 1)
		b, _ := ByName(name, 4, 16, 1)
		c, _ := ByName(name, 4, 16, 2)
		if !mat.Equal(Matrix(a), Matrix(b)) {
			t.Errorf("%s: same seed, different operators", name)
		}
		if mat.Equal(Matrix(a), Matrix(c)) {
			t.Errorf("%s: different seeds, same operator", name)
		}
	}
}

func TestDotTestEdgeCases(t *testing.T) {
	// The zero operator passes (both sides are 0) with the default tol.
	if err := DotTest(NewDense(mat.NewDense(3, 5, nil)), 1, 0); err != nil {
		t.Error(err)
	}
	// A 0 x 0 operator is rejected with a clear error.
	if err := DotTest(NewDense(&mat.Dense{}), 1, 0); err == nil || !strings.Contains(err.Error(), "dimensions 0 x 0") {
		t.Errorf("empty operator: %v", err)
	}
	// A wrong adjoint within a loose tolerance passes, and fails a strict one.
	g, _ := Gaussian(20, 30, 1)
	if err := DotTest(brokenOp{g, "wrong"}, 1, 0.1); err != nil {
		t.Errorf("tol 0.1: %v", err)
	}
}

func TestFWHTPanics(t *testing.T) {
	for _, n := range []int{0, 3, 6, 12} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("FWHT of length %d did not panic", n)
				}
			}()
			FWHT(make([]float64, n))
		}()
	}
}
