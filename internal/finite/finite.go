// Package finite checks float64 slices for NaN and infinite entries, the
// guard every input reader and solver in gencs applies.
package finite

import "math"

// First returns the index of the first NaN or infinite entry of v, or -1.
func First(v []float64) int {
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return i
		}
	}
	return -1
}

// All reports whether every entry of v is finite.
func All(v []float64) bool { return First(v) < 0 }
