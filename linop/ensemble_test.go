package linop

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestGaussianMoments(t *testing.T) {
	m, n := 50, 2000 // 1e5 entries
	A, err := Gaussian(m, n, 11)
	if err != nil {
		t.Fatal(err)
	}
	data := A.M.RawMatrix().Data
	N := float64(len(data))
	var s, s2, s4 float64
	for _, v := range data {
		s += v
		s2 += v * v
		s4 += v * v * v * v
	}
	v0 := 1 / float64(m)
	// mean ~ N(0, v0/N), variance estimate ~ N(v0, 2 v0^2/N), fourth
	// moment 3 v0^2: allow 5 standard deviations.
	if mean := s / N; math.Abs(mean) > 5*math.Sqrt(v0/N) {
		t.Errorf("mean %g too far from 0", mean)
	}
	if v := s2 / N; math.Abs(v-v0) > 5*v0*math.Sqrt(2/N) {
		t.Errorf("variance %g, want %g", v, v0)
	}
	if k := s4 / N / (v0 * v0); math.Abs(k-3) > 0.2 {
		t.Errorf("kurtosis %g, want 3", k)
	}
}

func TestRademacherEntries(t *testing.T) {
	m, n := 40, 2501
	A, err := Rademacher(m, n, 12)
	if err != nil {
		t.Fatal(err)
	}
	s := 1 / math.Sqrt(float64(m))
	pos := 0
	for _, v := range A.M.RawMatrix().Data {
		switch v {
		case s:
			pos++
		case -s:
		default:
			t.Fatalf("entry %g is not ±1/sqrt(m)", v)
		}
	}
	N := float64(m * n)
	if d := math.Abs(float64(pos) - N/2); d > 5*math.Sqrt(N/4) {
		t.Errorf("%d positive of %d entries: not balanced", pos, m*n)
	}
}

func TestOrthonormalRows(t *testing.T) {
	for _, sz := range [][2]int{{1, 1}, {1, 5}, {5, 5}, {20, 100}, {64, 65}} {
		m, n := sz[0], sz[1]
		A, err := OrthonormalRows(m, n, 13)
		if err != nil {
			t.Fatal(err)
		}
		var g mat.Dense
		g.Mul(A.M, A.M.T())
		if d := maxDiffIdentity(&g); d > 1e-12 {
			t.Errorf("%dx%d: ||A A^T - I||_max = %g", m, n, d)
		}
	}
}

func maxDiffIdentity(g *mat.Dense) float64 {
	r, _ := g.Dims()
	d := 0.0
	for i := range r {
		for j := range r {
			want := 0.0
			if i == j {
				want = 1
			}
			d = math.Max(d, math.Abs(g.At(i, j)-want))
		}
	}
	return d
}

// Haar orthonormal rows: E[A_ij^2] = 1/n.
func TestOrthonormalRowsScale(t *testing.T) {
	A, _ := OrthonormalRows(30, 90, 14)
	data := A.M.RawMatrix().Data
	s2 := 0.0
	for _, v := range data {
		s2 += v * v
	}
	// Exactly m (sum of squared row norms).
	if math.Abs(s2-30) > 1e-10 {
		t.Errorf("sum of squares %g, want 30", s2)
	}
	// Signs are fixed by the positive diagonal of L: rows are not all
	// biased, e.g. the first column has both signs.
	pos := 0
	for i := range 30 {
		if A.M.At(i, 0) > 0 {
			pos++
		}
	}
	if pos == 0 || pos == 30 {
		t.Errorf("first column has %d positive entries of 30", pos)
	}
}

func TestEnsembleSeeds(t *testing.T) {
	for name, f := range map[string]func(m, n int, seed uint64) (*Dense, error){
		"gaussian": Gaussian, "rademacher": Rademacher, "orthonormal": OrthonormalRows,
	} {
		a, _ := f(7, 9, 1)
		b, _ := f(7, 9, 1)
		c, _ := f(7, 9, 2)
		if !mat.Equal(a.M, b.M) {
			t.Errorf("%s: same seed gave different matrices", name)
		}
		if mat.Equal(a.M, c.M) {
			t.Errorf("%s: different seeds gave the same matrix", name)
		}
	}
}

func TestEnsembleErrors(t *testing.T) {
	cases := []struct {
		name string
		f    func() error
		want string
	}{
		{"gaussian m=0", func() error { _, err := Gaussian(0, 5, 1); return err }, "m = 0"},
		{"gaussian n=-1", func() error { _, err := Gaussian(2, -1, 1); return err }, "n = -1"},
		{"rademacher m=-3", func() error { _, err := Rademacher(-3, 5, 1); return err }, "m = -3"},
		{"orthonormal m>n", func() error { _, err := OrthonormalRows(6, 5, 1); return err }, "exceeds"},
		{"orthonormal n=0", func() error { _, err := OrthonormalRows(1, 0, 1); return err }, "n = 0"},
	}
	for _, c := range cases {
		err := c.f()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
	// Tall Gaussian and Rademacher matrices are fine.
	if _, err := Gaussian(9, 3, 1); err != nil {
		t.Error(err)
	}
}
