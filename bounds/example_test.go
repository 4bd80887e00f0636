package bounds_test

import (
	"fmt"

	"github.com/gencs/gencs/bounds"
)

func ExampleCompute() {
	est, err := bounds.Compute(bounds.Params{N: 10000, K: 10, L: 4, R: 10, Delta: 0.01})
	if err != nil {
		panic(err)
	}
	for _, e := range est {
		fmt.Printf("%-7s %-32s %6.1f\n", e.Kind, e.Formula, e.Value)
	}
	// Output:
	// upper and lower k log(n/k)                         69.1
	// upper   k d log W with latent 2k, depth d = 2, width W = O(nk)  460.5
	// upper   k + k log(L r / delta)             92.9
	// lower   min(k + k log(L r / delta), n)     92.9
}
