package game

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/gencs/gencs/internal/rng"
	"github.com/gencs/gencs/linop"
)

// Lemma31Row is the outcome of Lemma 3.1 at one bit count b: for A with
// orthonormal rows and A' = A rounded to b bits, A' v = A (v - s) with
// s = A^T (A - A') v, and the lemma claims ||s||_p < n^2 2^-b ||v||_p.
type Lemma31Row struct {
	B int `json:"b"`
	// Worst2 and Worst1 are the largest, over the trials' matrices, of the
	// exact worst case over v: the operator norms of E = A^T (A - A') from
	// l_2 to l_2 (its largest singular value) and from l_1 to l_1 (its
	// largest column l_1 norm).
	Worst2 float64 `json:"worst_ratio_p2"`
	Worst1 float64 `json:"worst_ratio_p1"`
	// Random is the largest ratio ||s||_2/||v||_2 seen for Gaussian v.
	Random float64 `json:"random_v_ratio_p2"`
	// Bound is n^2 2^-b; Frobenius is the provable sqrt(m n) 2^-(b+1) for
	// p = 2 (rounding to nearest moves each entry by at most 2^-(b+1)).
	Bound     float64 `json:"bound"`
	Frobenius float64 `json:"frobenius_bound"`
	// PaperStep is m 2^-b, the paper's intermediate bound on
	// ||(A - A') v||_2 / ||v||_2 (not valid in general: see Lemma31Counterexample).
	PaperStep float64 `json:"paper_step_bound"`
	Holds     bool    `json:"holds"`
}

// Lemma31Study measures Lemma 3.1 for m x n matrices with orthonormal rows
// (linop.OrthonormalRows) over trials matrices per b.
func Lemma31Study(n, m int, bs []int, trials int, seed uint64) ([]Lemma31Row, error) {
	if m < 1 || n < m {
		return nil, fmt.Errorf("lemma31: need 1 <= m <= n, got m = %d, n = %d", m, n)
	}
	if trials < 1 {
		return nil, fmt.Errorf("lemma31: trials = %d, want >= 1", trials)
	}
	var rows []Lemma31Row
	for _, b := range bs {
		if b < 0 || b > linop.MaxBits {
			return nil, fmt.Errorf("lemma31: b = %d out of range [0, %d]", b, linop.MaxBits)
		}
		nf, mf := float64(n), float64(m)
		row := Lemma31Row{B: b, Bound: nf * nf * math.Ldexp(1, -b), Frobenius: math.Sqrt(mf*nf) * math.Ldexp(1, -b-1), PaperStep: mf * math.Ldexp(1, -b)}
		r := rng.New(seed, 0x31, uint64(b))
		for t := range trials {
			A, err := linop.OrthonormalRows(m, n, rng.Derive(seed, 0x31a, uint64(t)))
			if err != nil {
				return nil, fmt.Errorf("lemma31: %w", err)
			}
			Ar := linop.RoundBits(A.M, b)
			var diff mat.Dense
			diff.Sub(A.M, Ar)
			var E mat.Dense
			E.Mul(A.M.T(), &diff) // n x n
			var svd mat.SVD
			if !svd.Factorize(&E, mat.SVDNone) {
				return nil, fmt.Errorf("lemma31: SVD failed")
			}
			row.Worst2 = math.Max(row.Worst2, svd.Values(nil)[0])
			for j := range n {
				c := 0.0
				for i := range n {
					c += math.Abs(E.At(i, j))
				}
				row.Worst1 = math.Max(row.Worst1, c)
			}
			v := make([]float64, n)
			for i := range v {
				v[i] = r.NormFloat64()
			}
			ratio, _, err := linop.Lemma31Ratio(A.M, b, v, 2)
			if err != nil {
				return nil, fmt.Errorf("lemma31: %w", err)
			}
			row.Random = math.Max(row.Random, ratio)
		}
		row.Holds = row.Worst2 < row.Bound && row.Worst1 < row.Bound
		rows = append(rows, row)
	}
	return rows, nil
}

// Lemma31Counterexample returns the instance showing that the proof's step
// ||(A - A') v||_2 <= m 2^-b ||v||_2 fails when n > 4m: the 1 x 100 matrix
// with every entry 1/10 (one orthonormal row) rounded to b = 3 bits
// (1/8), and v = (1/10, ..., 1/10), give ||(A - A') v||_2 = 1/4 > 1/8 = m 2^-b.
// It returns the measured ratio and the paper's bound.
func Lemma31Counterexample() (ratio, paperStep float64) {
	const n, b = 100, 3
	a := mat.NewDense(1, n, nil)
	v := make([]float64, n)
	for j := range n {
		a.Set(0, j, 0.1)
		v[j] = 0.1
	}
	ar := linop.RoundBits(a, b)
	d := 0.0
	for j := range n {
		d += (a.At(0, j) - ar.At(0, j)) * v[j]
	}
	return math.Abs(d), math.Ldexp(1, -b) // ||v||_2 = 1
}

// Lemma31Table renders the rows.
func Lemma31Table(n, m int, rows []Lemma31Row) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Lemma 3.1 (n=%d, m=%d): worst ||s||_p/||v||_p over v (exact operator norms), max over matrices\n", n, m)
	fmt.Fprintf(&b, "%3s %12s %12s %12s %12s %12s %12s %s\n", "b", "worst p=2", "worst p=1", "random v", "sqrt(mn)2^-b-1", "n^2 2^-b", "worst2/bound", "holds")
	for _, r := range rows {
		fmt.Fprintf(&b, "%3d %12.4g %12.4g %12.4g %12.4g %12.4g %12.3g %v\n", r.B, r.Worst2, r.Worst1, r.Random, r.Frobenius, r.Bound, r.Worst2/r.Bound, r.Holds)
	}
	ratio, step := Lemma31Counterexample()
	fmt.Fprintf(&b, "paper's step ||A''v||_2 <= m 2^-b ||v||_2 fails: 1x100 rows of 1/10, b=3: %.4g > %.4g\n", ratio, step)
	return b.String()
}
