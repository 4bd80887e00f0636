package nn

import (
	"testing"

	"github.com/gencs/gencs/internal/rng"
	"gonum.org/v1/gonum/mat"
)

func benchNet(b *testing.B) *Network {
	net, err := RandomReLU([]int{20, 500, 500, 784}, 1)
	if err != nil {
		b.Fatal(err)
	}
	return net
}

// BenchmarkForward measures one forward pass of a 20-500-500-784 ReLU net.
func BenchmarkForward(b *testing.B) {
	net := benchNet(b)
	z := randVec(rng.New(1), 20)
	x := make([]float64, 784)
	for b.Loop() {
		net.Forward(x, z)
	}
}

// BenchmarkVJP measures one VJP (forward + backward) of the same net.
func BenchmarkVJP(b *testing.B) {
	net := benchNet(b)
	r := rng.New(1)
	z, v := randVec(r, 20), randVec(r, 784)
	g := make([]float64, 20)
	for b.Loop() {
		net.VJP(g, z, v)
	}
}

// BenchmarkVJPBatch10 measures a batched VJP of 10 inputs (10 restarts).
func BenchmarkVJPBatch10(b *testing.B) {
	net := benchNet(b)
	r := rng.New(1)
	Z := mat.NewDense(10, 20, randVec(r, 200))
	V := mat.NewDense(10, 784, randVec(r, 7840))
	G := mat.NewDense(10, 20, nil)
	for b.Loop() {
		net.VJPBatch(G, Z, V)
	}
}
