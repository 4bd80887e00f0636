package sparse

import (
	"fmt"
	"math"

	"github.com/gencs/gencs/internal/rng"
	"github.com/gencs/gencs/linop"
)

// testCase is one seeded problem of the shared table.
type testCase struct {
	n, m, k int
	signs   bool // ±1 entries instead of Gaussian ones
	seed    uint64
}

func (c testCase) String() string {
	kind := "gauss"
	if c.signs {
		kind = "sign"
	}
	return fmt.Sprintf("n%d_m%d_k%d_%s", c.n, c.m, c.k, kind)
}

// table is the shared table of seeded exact-recovery problems that every
// solver runs against: Gaussian N(0, 1/m) A, k-sparse x, generous m.
var table = []testCase{
	{n: 128, m: 64, k: 5, seed: 1},
	{n: 256, m: 100, k: 8, signs: true, seed: 2},
	{n: 500, m: 200, k: 15, seed: 3},
	{n: 1000, m: 300, k: 20, signs: true, seed: 4},
	{n: 1000, m: 200, k: 20, seed: 5},
}

// gaussianOp draws a Gaussian N(0, 1/m) operator.
func gaussianOp(m, n int, seed uint64) linop.Operator {
	A, err := linop.Gaussian(m, n, seed)
	if err != nil {
		panic(err)
	}
	return A
}

// sparseSignal draws a k-sparse x in R^n with Gaussian or ±1 non-zeros.
func sparseSignal(n, k int, signs bool, seed uint64) []float64 {
	r := rng.New(seed, 101)
	x := make([]float64, n)
	for _, i := range r.Perm(n)[:k] {
		if signs {
			x[i] = float64(2*r.IntN(2) - 1)
		} else {
			x[i] = r.NormFloat64()
		}
	}
	return x
}

// instance returns A, x and y = A x for a table case.
func (c testCase) instance() (linop.Operator, []float64, []float64) {
	A := gaussianOp(c.m, c.n, c.seed)
	x := sparseSignal(c.n, c.k, c.signs, c.seed)
	return A, x, A.Apply(nil, x)
}

func relErr(xhat, x []float64) float64 {
	return dist(xhat, x) / norm(x)
}

// bestKTail returns min over k-sparse x' of ||x - x'||: the norm of all but
// the k largest entries.
func bestKTail(x []float64, k int) float64 {
	keep := topK(x, k)
	t := append([]float64(nil), x...)
	for _, i := range keep {
		t[i] = 0
	}
	return norm(t)
}

// compressible draws x with power-law decaying magnitudes |x|_(i) = i^-decay
// in random positions and signs.
func compressible(n int, decay float64, seed uint64) []float64 {
	r := rng.New(seed, 202)
	x := make([]float64, n)
	for rank, i := range r.Perm(n) {
		x[i] = math.Pow(float64(rank+1), -decay) * float64(2*r.IntN(2)-1)
	}
	return x
}

func noise(m int, sigma float64, seed uint64) []float64 {
	r := rng.New(seed, 303)
	e := make([]float64, m)
	for i := range e {
		e[i] = sigma * r.NormFloat64()
	}
	return e
}
