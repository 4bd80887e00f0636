package linop

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

func TestOrthonormalize(t *testing.T) {
	A, _ := Gaussian(15, 40, 1)
	q, err := Orthonormalize(A.M)
	if err != nil {
		t.Fatal(err)
	}
	var g mat.Dense
	g.Mul(q, q.T())
	if d := maxDiffIdentity(&g); d > 1e-13 {
		t.Errorf("Q Q^T - I = %g", d)
	}
	// Same row space: A = (A Q^T) Q.
	var aqt, back mat.Dense
	aqt.Mul(A.M, q.T())
	back.Mul(&aqt, q)
	if !mat.EqualApprox(&back, A.M, 1e-12) {
		t.Error("Q does not span the row space of A")
	}
	// Gram–Schmidt: A Q^T is lower triangular with positive diagonal.
	for i := range 15 {
		if aqt.At(i, i) <= 0 {
			t.Errorf("L[%d][%d] = %g not positive", i, i, aqt.At(i, i))
		}
		for j := i + 1; j < 15; j++ {
			if math.Abs(aqt.At(i, j)) > 1e-12 {
				t.Errorf("L[%d][%d] = %g not zero", i, j, aqt.At(i, j))
			}
		}
	}
}

func TestDiscretizeRoundsToBits(t *testing.T) {
	A, _ := Gaussian(6, 20, 2)
	q, _ := Orthonormalize(A.M)
	for _, b := range []int{0, 1, 3, 8, 20, 52} {
		ap, err := Discretize(A.M, b)
		if err != nil {
			t.Fatal(err)
		}
		unit := math.Ldexp(1, -b)
		for i := range 6 {
			for j := range 20 {
				v := ap.At(i, j)
				if k := v / unit; k != math.Trunc(k) {
					t.Fatalf("b=%d: entry %g is not a multiple of 2^-%d", b, v, b)
				}
				if e := math.Abs(v - q.At(i, j)); e > unit/2 {
					t.Fatalf("b=%d: rounding moved an entry by %g > 2^-(b+1)", b, e)
				}
			}
		}
	}
}

func TestDiscretizeErrors(t *testing.T) {
	dup := mat.NewDense(3, 4, []float64{1, 2, 3, 4, 0, 1, 0, 1, 2, 4, 6, 8})
	nan := mat.NewDense(2, 3, []float64{1, 0, 0, 0, math.NaN(), 1})
	tall := mat.NewDense(3, 2, []float64{1, 0, 0, 1, 1, 1})
	zero := mat.NewDense(2, 3, nil)
	good := mat.NewDense(1, 2, []float64{3, 4})
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"dependent rows", errOf(Discretize(dup, 4)), "rank deficient"},
		{"zero matrix", errOf(Discretize(zero, 4)), "rank deficient"},
		{"NaN", errOf(Discretize(nan, 4)), "non-finite"},
		{"tall", errOf(Discretize(tall, 4)), "exceed"},
		{"b<0", errOf(Discretize(good, -1)), "out of range"},
		{"b>max", errOf(Discretize(good, MaxBits+1)), "out of range"},
	}
	for _, c := range cases {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, c.err, c.want)
		}
	}
	v := []float64{1, 1}
	for _, c := range []struct {
		name string
		v    []float64
		p, b int
		want string
	}{
		{"p=3", v, 3, 4, "want 1 or 2"},
		{"short v", []float64{1}, 2, 4, "len(v)"},
		{"zero v", []float64{0, 0}, 2, 4, "zero"},
		{"inf v", []float64{math.Inf(1), 0}, 1, 4, "not finite"},
		{"bad b", v, 1, -2, "out of range"},
	} {
		_, _, err := Lemma31Ratio(good, c.b, c.v, c.p)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Lemma31Ratio %s: error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
	if _, _, err := Lemma31Ratio(dup, 4, []float64{1, 2, 3, 4}, 2); err == nil {
		t.Error("Lemma31Ratio accepted a rank-deficient matrix")
	}
}

func errOf(_ *mat.Dense, err error) error { return err }

// Lemma 3.1: for A with orthonormal rows and A' its b-bit rounding, every v
// has s with A'v = A(v - s) and ||s||_p < n^2 2^-b ||v||_p, p in {1, 2}.
// We check the identity, the lemma's bound, and the tighter bounds that its
// proof actually gives with rounding to nearest (|A”_ij| <= 2^-(b+1)):
// ||s||_2 <= ||A”||_F ||v||_2 <= sqrt(mn) 2^-(b+1) ||v||_2 and
// ||s||_1 <= sqrt(n) ||s||_2 <= n sqrt(m) 2^-(b+1) ||v||_1.
// Besides random v we try the worst v for p = 2 (the top right singular
// vector of A” = Q - A').
func TestLemma31(t *testing.T) {
	for _, sz := range [][2]int{{1, 4}, {5, 12}, {20, 64}, {40, 40}} {
		m, n := sz[0], sz[1]
		A, _ := Gaussian(m, n, uint64(m*n))
		q, err := Orthonormalize(A.M)
		if err != nil {
			t.Fatal(err)
		}
		for b := 0; b <= 40; b += 4 {
			ap := RoundBits(q, b)
			var e mat.Dense
			e.Sub(q, ap)
			var svd mat.SVD
			svd.Factorize(&e, mat.SVDThin)
			var vt mat.Dense
			svd.VTo(&vt)
			vs := [][]float64{randVec(n, uint64(b)), randVec(n, uint64(b+1000)), mat.Col(nil, 0, &vt)}
			for vi, v := range vs {
				s := Lemma31Shift(q, ap, v)
				// A'v = Q(v - s).
				w := make([]float64, n)
				floats.SubTo(w, v, s)
				lhs := NewDense(ap).Apply(nil, v)
				rhs := NewDense(q).Apply(nil, w)
				if d := maxAbsDiff(lhs, rhs); d > 1e-13*floats.Norm(v, 2) {
					t.Errorf("%dx%d b=%d: A'v - Q(v-s) = %g", m, n, b, d)
				}
				for _, p := range []int{1, 2} {
					ratio, bound, err := Lemma31Ratio(A.M, b, v, p)
					if err != nil {
						t.Fatal(err)
					}
					direct := floats.Norm(s, float64(p)) / floats.Norm(v, float64(p))
					if math.Abs(ratio-direct) > 1e-12*(direct+1e-300) {
						t.Errorf("Lemma31Ratio %g differs from direct computation %g", ratio, direct)
					}
					if !(ratio < bound) {
						t.Errorf("%dx%d b=%d p=%d v%d: ||s||/||v|| = %g not below n^2 2^-b = %g", m, n, b, p, vi, ratio, bound)
					}
					tight := math.Sqrt(float64(m*n)) * math.Ldexp(1, -b-1)
					if p == 1 {
						tight = float64(n) * math.Sqrt(float64(m)) * math.Ldexp(1, -b-1)
					}
					if ratio > tight*(1+1e-12) {
						t.Errorf("%dx%d b=%d p=%d: ratio %g exceeds proof bound %g", m, n, b, p, ratio, tight)
					}
				}
			}
		}
	}
}

// The proof of Lemma 3.1 as printed bounds ||A”v||_2 <= m 2^-b ||v||_2 on
// the way to n 2^-b. That intermediate step is false when n > m: for the
// single orthonormal row A = (0.1, ..., 0.1) of length n = 100 and b = 3,
// every entry rounds to 0.125, so A” = -0.025 everywhere and
// ||A”v||_2 = 0.25 = 2 m 2^-b for v = A^T. The lemma's conclusion still
// holds, because ||A”||_2 <= ||A”||_F <= sqrt(mn) 2^-(b+1) <= n 2^-b.
func TestLemma31PrintedIntermediateStep(t *testing.T) {
	const n, b = 100, 3
	row := make([]float64, n)
	for i := range row {
		row[i] = 0.1
	}
	q := mat.NewDense(1, n, row)
	ap := RoundBits(q, b)
	var e mat.Dense
	e.Sub(q, ap)
	v := row // unit vector
	ev := NewDense(&e).Apply(nil, v)
	got := floats.Norm(ev, 2)
	printed := 1 * math.Ldexp(1, -b) // m 2^-b with m = 1
	if !(got > printed) {
		t.Fatalf("||A''v|| = %g, expected it to exceed the printed m 2^-b = %g", got, printed)
	}
	if math.Abs(got-0.25) > 1e-12 {
		t.Errorf("||A''v|| = %g, want 0.25", got)
	}
	ratio, bound, err := Lemma31Ratio(q, b, v, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !(ratio < bound) || ratio > math.Sqrt(n)*math.Ldexp(1, -b-1) {
		t.Errorf("ratio %g: want < %g and <= sqrt(mn) 2^-(b+1)", ratio, bound)
	}
}
