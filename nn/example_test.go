package nn_test

import (
	"fmt"
	"os"
	"path/filepath"

	"gonum.org/v1/gonum/mat"

	"github.com/gencs/gencs/nn"
)

// A two-layer ReLU network, evaluated, differentiated, saved and loaded.
func Example() {
	W1 := mat.NewDense(3, 2, []float64{1, 0, 0, 1, 1, -1})
	W2 := mat.NewDense(1, 3, []float64{1, 1, 1})
	net, err := nn.NewNetwork("toy", nn.NewDense(W1, nil), nn.ReLU(3), nn.NewDense(W2, []float64{0.5}))
	if err != nil {
		panic(err)
	}
	z := []float64{2, 1}
	fmt.Println("G(z) =", net.Forward(nil, z))
	fmt.Println("J^T 1 =", net.VJP(nil, z, []float64{1}))
	fmt.Println("depth", net.Depth(), "widths", net.Widths(), "params", net.NumParams())

	dir, _ := os.MkdirTemp("", "nn-example")
	defer os.RemoveAll(dir)
	if err := nn.Save(dir, net); err != nil {
		panic(err)
	}
	back, err := nn.Load(filepath.Join(dir, nn.ManifestName))
	if err != nil {
		panic(err)
	}
	fmt.Println("loaded G(z) =", back.Forward(nil, z))
	// Output:
	// G(z) = [4.5]
	// J^T 1 = [2 0]
	// depth 1 widths [3] params 10
	// loaded G(z) = [4.5]
}

// A random expansive ReLU generator R^5 -> R^50 (Gaussian weights).
func ExampleRandomReLU() {
	g, err := nn.RandomReLU([]int{5, 20, 50}, 1)
	if err != nil {
		panic(err)
	}
	k, n := g.Dims()
	fmt.Println(k, n, g.Depth(), g.Widths())
	// Output: 5 50 1 [20]
}
