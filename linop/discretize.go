package linop

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/gencs/gencs/internal/finite"
)

// MaxBits is the largest bit count Discretize and RoundBits accept. Entries
// of a matrix with orthonormal rows lie in [-1, 1], so beyond 52 bits
// rounding changes nothing.
const MaxBits = 64

// Orthonormalize returns a matrix Q with orthonormal rows (Q Q^T = I) and the
// same row space as A: Q = L^{-1} A from the LQ decomposition A = L Q, with
// L's diagonal positive (so it is Gram–Schmidt on A's rows). A must have
// full row rank (in particular m <= n); otherwise, or if A has NaN or Inf
// entries, it returns an error.
func Orthonormalize(a *mat.Dense) (*mat.Dense, error) {
	m, n := a.Dims()
	if err := checkDims("Orthonormalize", m, n); err != nil {
		return nil, err
	}
	q, _, err := lqRows(a)
	if err != nil {
		return nil, fmt.Errorf("linop: Orthonormalize: %d x %d matrix: %w", m, n, err)
	}
	return q, nil
}

// RoundBits returns a copy of A with every entry rounded to b bits after the
// binary point: to the nearest multiple of 2^-b (halves away from zero), so
// each entry moves by at most 2^-(b+1). It panics unless 0 <= b <= MaxBits.
func RoundBits(a *mat.Dense, b int) *mat.Dense {
	if b < 0 || b > MaxBits {
		panic(fmt.Sprintf("linop: RoundBits: b = %d out of range [0, %d]", b, MaxBits))
	}
	m, n := a.Dims()
	out := mat.NewDense(m, n, nil)
	for i := range m {
		src, dst := a.RawRowView(i), out.RawRowView(i)
		for j, v := range src {
			dst[j] = math.Ldexp(math.Round(math.Ldexp(v, b)), -b)
		}
	}
	return out
}

// Discretize implements the discretisation of Lemma 3.1 of Kamath, Karmalkar
// and Price (2020): it orthonormalises the rows of A (see Orthonormalize; A
// must have full row rank) and rounds every entry to b bits (see RoundBits),
// returning A'. For the orthonormal Q and any v, A'v = Q(v - s) with
// s = Q^T (Q - A') v and ||s||_p < n^2 2^-b ||v||_p for p in {1, 2}
// (see Lemma31Shift and Lemma31Ratio).
func Discretize(a *mat.Dense, b int) (*mat.Dense, error) {
	if b < 0 || b > MaxBits {
		return nil, fmt.Errorf("linop: Discretize: bits b = %d out of range [0, %d]", b, MaxBits)
	}
	q, err := Orthonormalize(a)
	if err != nil {
		return nil, fmt.Errorf("linop: Discretize: %w", err)
	}
	return RoundBits(q, b), nil
}

// Lemma31Shift returns the vector s of Lemma 3.1 for a matrix q with
// orthonormal rows, its rounded version aq (e.g. RoundBits(q, b)) and v:
//
//	s = q^T (q - aq) v,
//
// which satisfies q s = (q - aq) v because q q^T = I, hence aq v = q (v - s).
// It panics on mismatched shapes.
func Lemma31Shift(q, aq *mat.Dense, v []float64) []float64 {
	m, n := q.Dims()
	if m2, n2 := aq.Dims(); m2 != m || n2 != n {
		panic(fmt.Sprintf("linop: Lemma31Shift: q is %d x %d but aq is %d x %d", m, n, m2, n2))
	}
	if len(v) != n {
		panic(fmt.Sprintf("linop: Lemma31Shift: len(v) = %d, want %d", len(v), n))
	}
	var e mat.Dense
	e.Sub(q, aq)
	ev := NewDense(&e).Apply(nil, v)
	return NewDense(q).ApplyAdjoint(nil, ev)
}

// Lemma31Ratio runs Lemma 3.1 on A, b and v for p = 1 or 2: it computes the
// orthonormalised Q, A' = RoundBits(Q, b) and s = Lemma31Shift(Q, A', v) and
// returns the measured ratio ||s||_p / ||v||_p together with the lemma's
// bound n^2 2^-b (the lemma claims ratio < bound). It returns an error for
// p not in {1, 2}, b out of range, len(v) != n, a zero or non-finite v,
// or an A without full row rank.
func Lemma31Ratio(a *mat.Dense, b int, v []float64, p int) (ratio, bound float64, err error) {
	if p != 1 && p != 2 {
		return 0, 0, fmt.Errorf("linop: Lemma31Ratio: p = %d, want 1 or 2", p)
	}
	if b < 0 || b > MaxBits {
		return 0, 0, fmt.Errorf("linop: Lemma31Ratio: bits b = %d out of range [0, %d]", b, MaxBits)
	}
	_, n := a.Dims()
	if len(v) != n {
		return 0, 0, fmt.Errorf("linop: Lemma31Ratio: len(v) = %d, want n = %d", len(v), n)
	}
	if i := finite.First(v); i >= 0 {
		return 0, 0, fmt.Errorf("linop: Lemma31Ratio: v[%d] = %v is not finite", i, v[i])
	}
	vn := floats.Norm(v, float64(p))
	if vn == 0 {
		return 0, 0, fmt.Errorf("linop: Lemma31Ratio: v is zero, so the ratio is undefined")
	}
	q, err := Orthonormalize(a)
	if err != nil {
		return 0, 0, fmt.Errorf("linop: Lemma31Ratio: %w", err)
	}
	s := Lemma31Shift(q, RoundBits(q, b), v)
	nf := float64(n)
	return floats.Norm(s, float64(p)) / vn, nf * nf * math.Ldexp(1, -b), nil
}
