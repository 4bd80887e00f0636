// Package adam is the Adam update (Kingma and Ba 2015) shared by CSGM, the
// batched Bora et al. CSGM and VAE training.
package adam

import "math"

// Moment decay rates and the denominator guard of Kingma and Ba's defaults.
const (
	Beta1 = 0.9
	Beta2 = 0.999
	Eps   = 1e-8
)

// Step applies update t (1-based) with learning rate lr to the parameters p
// given their gradient g, updating the first and second moment estimates m
// and v in place. The bias corrections are folded into the step size, as in
// the paper's Algorithm 1 (last paragraph of its Section 2):
//
//	p -= lr sqrt(1 - Beta2^t) / (1 - Beta1^t) * m / (sqrt(v) + Eps).
func Step(p, g, m, v []float64, t int, lr float64) {
	a := lr * math.Sqrt(1-math.Pow(Beta2, float64(t))) / (1 - math.Pow(Beta1, float64(t)))
	for j, gj := range g {
		m[j] = Beta1*m[j] + (1-Beta1)*gj
		v[j] = Beta2*v[j] + (1-Beta2)*gj*gj
		p[j] -= a * m[j] / (math.Sqrt(v[j]) + Eps)
	}
}
