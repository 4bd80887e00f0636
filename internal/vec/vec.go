// Package vec holds the small vector measures that several gencs packages
// report.
package vec

import "gonum.org/v1/gonum/floats"

// RelErr returns ||xh - x|| / ||x||, or ||xh|| when x = 0. Both norms are
// computed with scaling, so entries near 1e±200 neither overflow nor
// underflow.
func RelErr(xh, x []float64) float64 {
	num, den := floats.Distance(xh, x, 2), floats.Norm(x, 2)
	if den == 0 {
		return num
	}
	return num / den
}
