package linop_test

import (
	"fmt"

	"github.com/gencs/gencs/linop"
)

// Build each kind of measurement operator by name and check that its
// ApplyAdjoint is the adjoint of its Apply.
func ExampleByName() {
	for _, name := range linop.Names() {
		op, err := linop.ByName(name, 64, 256, 1)
		if err != nil {
			fmt.Println(err)
			continue
		}
		m, n := op.Dims()
		fmt.Printf("%-11s %dx%d dot test: %v\n", name, m, n, linop.DotTest(op, 7, 1e-12))
	}
	_, err := linop.ByName("hadamard", 64, 250, 1)
	fmt.Println(err)
	// Output:
	// gaussian    64x256 dot test: <nil>
	// rademacher  64x256 dot test: <nil>
	// orthonormal 64x256 dot test: <nil>
	// dct         64x256 dot test: <nil>
	// hadamard    64x256 dot test: <nil>
	// linop: SubsampledHadamard: length n = 250 is not a power of two (nearest below: 128, above: 256)
}

// Count the applications a computation makes, here a power-iteration
// estimate of the operator norm (1 for orthonormal rows).
func ExampleCounter() {
	op, _ := linop.SubsampledDCT(100, 1000, 1)
	c := linop.NewCounter(op)
	fmt.Printf("||A|| ~ %.6f\n", linop.NormEst(c, 10, 1))
	fmt.Println("applies:", c.Applies(), "adjoints:", c.Adjoints())
	// Output:
	// ||A|| ~ 1.000000
	// applies: 11 adjoints: 10
}

// Lemma 3.1: rounding an orthonormal-row matrix to b bits moves A v to
// A (v - s) with ||s|| / ||v|| far below the bound n^2 2^-b.
func ExampleLemma31Ratio() {
	A, _ := linop.Gaussian(20, 50, 1)
	v := make([]float64, 50)
	for i := range v {
		v[i] = float64(i%5) - 2
	}
	for _, b := range []int{4, 8, 16} {
		ratio, bound, _ := linop.Lemma31Ratio(A.M, b, v, 2)
		fmt.Printf("b=%2d  ratio<bound: %v  bound=%.4g\n", b, ratio < bound, bound)
	}
	// Output:
	// b= 4  ratio<bound: true  bound=156.2
	// b= 8  ratio<bound: true  bound=9.766
	// b=16  ratio<bound: true  bound=0.03815
}
