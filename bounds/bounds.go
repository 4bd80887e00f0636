// Package bounds evaluates the measurement counts that the compressed-sensing
// theorems give, up to their unspecified constants: they are orders of
// growth, not numbers of rows a matrix must have.
package bounds

import (
	"fmt"
	"math"
)

// Params are the problem parameters. L, R and Delta are optional (zero means
// not given); when all three are set the Lipschitz-generator bounds are
// evaluated too.
type Params struct {
	// N is the signal length, K the sparsity (or latent dimension).
	N, K int
	// L is the generator's Lipschitz constant, R the latent radius r and
	// Delta the additive error delta of guarantee (2).
	L, R, Delta float64
}

// Estimate is one theorem's measurement count.
type Estimate struct {
	// Name identifies the result, Formula states the expression evaluated.
	Name    string `json:"name"`
	Formula string `json:"formula"`
	// Value is the expression with every hidden constant set to 1 and
	// natural logarithms.
	Value float64 `json:"value"`
	// Kind is "upper" (achievable) or "lower" (necessary).
	Kind string `json:"kind"`
	Note string `json:"note,omitempty"`
}

// Validate reports impossible parameters.
func (p Params) Validate() error {
	switch {
	case p.N < 1:
		return fmt.Errorf("n = %d: need n >= 1", p.N)
	case p.K < 1:
		return fmt.Errorf("k = %d: need k >= 1", p.K)
	case p.K > p.N:
		return fmt.Errorf("k = %d > n = %d: need k <= n", p.K, p.N)
	}
	given := 0
	for _, v := range []float64{p.L, p.R, p.Delta} {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return fmt.Errorf("L, r and delta must be finite and non-negative (got L=%v r=%v delta=%v)", p.L, p.R, p.Delta)
		}
		if v > 0 {
			given++
		}
	}
	if given != 0 && given != 3 {
		return fmt.Errorf("give all of L, r and delta (> 0) or none (got L=%v r=%v delta=%v)", p.L, p.R, p.Delta)
	}
	return nil
}

// Compute evaluates every bound that applies to p.
func Compute(p Params) ([]Estimate, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	n, k := float64(p.N), float64(p.K)
	out := []Estimate{
		{
			Name: "sparse recovery (Candes-Romberg-Tao 2006; tight by Do Ba et al. 2010)", Kind: "upper and lower",
			Formula: "k log(n/k)", Value: math.Max(k*math.Log(n/k), k),
			Note: "guarantee (1) with Gaussian A; shown as max(k log(n/k), k)",
		},
		{
			Name: "sparsity through G_sp (Theorem 1.2 + Bora et al. ReLU bound)", Kind: "upper",
			Formula: "k d log W with latent 2k, depth d = 2, width W = O(nk)",
			Value:   2 * k * 2 * math.Log(n*k),
			Note:    "O(k log n): the global minimiser of ||A G_sp(z) - y|| meets guarantee (1)",
		},
	}
	if p.L > 0 {
		lr := math.Log(math.Max(p.L*p.R/p.Delta, 1))
		bora := k + k*lr
		out = append(out,
			Estimate{
				Name: "L-Lipschitz generator (Bora et al. 2017)", Kind: "upper",
				Formula: "k + k log(L r / delta)", Value: bora,
				Note: "guarantee (2) with Gaussian A",
			},
			Estimate{
				Name: "lower bound (Kamath-Karmalkar-Price 2020, Theorem 1.1)", Kind: "lower",
				Formula: "min(k + k log(L r / delta), n)", Value: math.Min(bora, n),
				Note: "some L-Lipschitz G needs this many for (2) with probability 3/4, in l2 and l1",
			})
	}
	return out, nil
}
