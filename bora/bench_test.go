package bora

import (
	"context"
	"testing"

	"github.com/gencs/gencs/internal/rng"
	"github.com/gencs/gencs/vae"
	"gonum.org/v1/gonum/mat"
)

// BenchmarkCSGMStep measures CSGM on the full-size architecture (784-dim
// images, 20-dim latent, 500-wide hidden layers): 10 images x 10 restarts,
// m = 200, 20 steps per iteration.
func BenchmarkCSGMStep(b *testing.B) {
	G := vae.New(vae.Config{}, 1).Decoder()
	m, n := 200, 784
	A := mat.NewDense(m, n, nil)
	r := rng.New(2)
	for i := range A.RawMatrix().Data {
		A.RawMatrix().Data[i] = r.NormFloat64()
	}
	Y := mat.NewDense(10, m, nil)
	for i := range Y.RawMatrix().Data {
		Y.RawMatrix().Data[i] = r.NormFloat64()
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := BatchCSGM(context.Background(), G, A, Y, &CSGMOptions{Steps: 20}); err != nil {
			b.Fatal(err)
		}
	}
}
