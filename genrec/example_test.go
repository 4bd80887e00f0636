package genrec_test

import (
	"fmt"
	"math"

	"github.com/gencs/gencs/genrec"
	"github.com/gencs/gencs/linop"
	"github.com/gencs/gencs/nn"
)

// Recover a point in the range of a random ReLU generator R^5 -> R^50 from
// 30 Gaussian measurements.
func ExampleCSGM() {
	G, _ := nn.RandomReLU([]int{5, 20, 50}, 1)
	zStar := []float64{0.5, -1, 0.3, 1.2, -0.7}
	x := G.Forward(nil, zStar)
	A, _ := linop.Gaussian(30, 50, 2)
	y := A.Apply(nil, x)

	res, err := genrec.CSGM(G, A, y, &genrec.Options{Iters: 3000, Restarts: 10, Seed: 1})
	if err != nil {
		panic(err)
	}
	e, nx := 0.0, 0.0
	for i := range x {
		e += (res.X[i] - x[i]) * (res.X[i] - x[i])
		nx += x[i] * x[i]
	}
	fmt.Println("relative error below 1e-6:", math.Sqrt(e/nx) < 1e-6)
	// Output: relative error below 1e-6: true
}
