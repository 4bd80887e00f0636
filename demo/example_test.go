package demo_test

import (
	"context"
	"fmt"

	"github.com/gencs/gencs/demo"
)

// Example runs two solvers on a small noiseless problem.
func Example() {
	rep, err := demo.Run(context.Background(), demo.Options{N: 200, M: 80, K: 5, Sigma: -1, Methods: []string{"omp", "bp"}})
	if err != nil {
		panic(err)
	}
	for _, r := range rep.Rows {
		fmt.Printf("%s: error below 1e-9: %v, support %d/%d\n", r.Method, r.RelErr < 1e-9, r.SupportFound, rep.K)
	}
	// Output:
	// omp: error below 1e-9: true, support 5/5
	// bp: error below 1e-9: true, support 5/5
}
