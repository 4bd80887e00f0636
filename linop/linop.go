// Package linop defines measurement operators: linear maps A: R^n -> R^m that
// solvers only ever touch through Apply (A x) and ApplyAdjoint (A^T y).
//
// It provides
//   - Dense, an explicit matrix whose products use all cores for large sizes
//     (with results that do not depend on the number of cores);
//   - the random ensembles Gaussian (N(0, 1/m) entries), Rademacher
//     (±1/sqrt(m)) and OrthonormalRows (Haar-random orthonormal rows);
//   - matrix-free fast operators: rows of the orthonormal DCT-II (DCT,
//     SubsampledDCT) and of the orthonormal Walsh–Hadamard matrix (Hadamard,
//     SubsampledHadamard), O(n log n) per application;
//   - ByName and Names, to build any of the above from a name;
//   - the b-bit discretisation of Lemma 3.1 of Kamath, Karmalkar and Price
//     (2020): Discretize, Orthonormalize, RoundBits, Lemma31Shift,
//     Lemma31Ratio;
//   - tools: DotTest (the adjoint check every operator passes), NormEst
//     (spectral norm by power iteration), Counter (counts applications) and
//     Matrix (materialises any operator).
//
// Every random choice is drawn from an explicit seed through internal/rng,
// so the same seed gives the same operator on every machine.
package linop

// Operator is a linear map from R^n to R^m.
//
// Apply and ApplyAdjoint write into dst when it has the right length and
// allocate otherwise, returning the result. Input slices are never modified.
// Length mismatches between x or y and Dims are programmer errors and panic.
type Operator interface {
	// Dims returns m (rows, measurements) and n (columns, signal length).
	Dims() (m, n int)
	// Apply sets dst = A x, with len(x) == n.
	Apply(dst, x []float64) []float64
	// ApplyAdjoint sets dst = A^T y, with len(y) == m.
	ApplyAdjoint(dst, y []float64) []float64
}

// ensure returns dst if it has length n and a new slice otherwise.
func ensure(dst []float64, n int) []float64 {
	if len(dst) == n {
		return dst
	}
	return make([]float64, n)
}
