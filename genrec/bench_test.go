package genrec

import (
	"testing"

	"github.com/gencs/gencs/internal/rng"
	"github.com/gencs/gencs/linop"
	"github.com/gencs/gencs/nn"
)

// BenchmarkCSGMSmall runs CSGM (10 restarts x 500 Adam steps) on the
// 5 -> 20 -> 50 ReLU generator with 30 measurements.
func BenchmarkCSGMSmall(b *testing.B) {
	G, A, y, _, _ := problem(b, 30, 1)
	for b.Loop() {
		if _, err := CSGM(G, A, y, &Options{Iters: 500, Tol: -1, NoHistory: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCSGM784 measures CSGM on a 20-500-500-784 ReLU generator with
// 10 restarts and m = 200 Gaussian measurements; report iterations/s as
// 10*Iters / (ns/op).
func BenchmarkCSGM784(b *testing.B) {
	G, err := nn.RandomReLU([]int{20, 500, 500, 784}, 1)
	if err != nil {
		b.Fatal(err)
	}
	A, _ := linop.Gaussian(200, 784, 2)
	x := G.Forward(nil, randVec(rng.New(3), 20))
	y := A.Apply(nil, x)
	const iters = 100
	for b.Loop() {
		if _, err := CSGM(G, A, y, &Options{Iters: iters, Tol: -1, NoHistory: true}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(10*iters*b.N)/b.Elapsed().Seconds(), "restart-iters/s")
}
