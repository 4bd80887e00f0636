package sparse_test

import (
	"fmt"

	"github.com/gencs/gencs/linop"
	"github.com/gencs/gencs/sparse"
)

// Recover a 3-sparse vector in R^40 from 16 Gaussian measurements with
// orthogonal matching pursuit.
func Example() {
	A, err := linop.Gaussian(16, 40, 1)
	if err != nil {
		panic(err)
	}
	x := make([]float64, 40)
	x[3], x[17], x[31] = 1.5, -2, 0.75
	y := A.Apply(nil, x)

	res, err := sparse.Solve("omp", A, y, &sparse.Options{K: 3})
	if err != nil {
		panic(err)
	}
	for i, v := range res.X {
		if v != 0 {
			fmt.Printf("x[%d] = %.6f\n", i, v)
		}
	}
	fmt.Println(res.Status, res.Iterations, "iterations")
	// Output:
	// x[3] = 1.500000
	// x[17] = -2.000000
	// x[31] = 0.750000
	// converged 3 iterations
}

// Solve the Lasso with FISTA and inspect the stopping status.
func ExampleFISTA() {
	A, err := linop.Gaussian(30, 60, 2)
	if err != nil {
		panic(err)
	}
	x := make([]float64, 60)
	x[5], x[40] = 1, -1
	y := A.Apply(nil, x)

	res, err := sparse.FISTA(A, y, &sparse.Options{Lambda: 0.05})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Status)
	fmt.Printf("x[5] = %.2f, x[40] = %.2f\n", res.X[5], res.X[40])
	// Output:
	// converged
	// x[5] = 0.91, x[40] = -0.85
}
