// Package genrec recovers signals through a generative model G: R^k -> R^n:
// CSGM (Bora et al. 2017) and projected gradient descent onto range(G).
package genrec

// Generator is a differentiable map G: R^k -> R^n.
//
// Forward and VJP write into dst when it has the right length and allocate
// otherwise. Implementations must be safe for concurrent use by multiple
// goroutines (restarts run in parallel).
type Generator interface {
	// Dims returns the latent dimension k and the output dimension n.
	Dims() (k, n int)
	// Forward sets dst = G(z).
	Forward(dst, z []float64) []float64
	// VJP sets dst = J_G(z)^T v, the vector-Jacobian product at z.
	VJP(dst, z, v []float64) []float64
}
