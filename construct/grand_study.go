package construct

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/gencs/gencs/internal/rng"
)

// GrandAlphaRow is one cell of the α study of G_rand.
type GrandAlphaRow struct {
	N, K  int
	Alpha float64
	// PreimageOK is the fraction of random k-sparse targets (uniform
	// support, random signs, magnitudes log-uniform in [1e-3, 1e3]) that
	// Preimage reproduced (exact support, relative error <= 1e-9).
	PreimageOK float64
	// Overlap, Support and Precision split the failures: the region centre
	// was inside another wedge (α too large), the preimage left the region
	// so that G(x) had the wrong support (α too large for the linearisation),
	// or float64 cancellation exceeded the tolerance (α too small).
	Overlap, Support, Precision float64
	// MedianErr is the median relative error of G(Preimage(y)).
	MedianErr float64
	// OverK is the fraction of Gaussian inputs whose output has more than
	// k non-zeros.
	OverK float64
	// Bounds are the instance's certified α bounds.
	Bounds        AlphaBounds
	Targets, Gaus int
}

// GrandAlphaStudy measures, for each (n, k) and α, the preimage success
// rate and the rate of random inputs with more than k non-zero outputs,
// on the instance Grand(n, k, α, seed) (the random directions do not depend
// on α, so a row varies α alone).
func GrandAlphaStudy(nk [][2]int, alphas []float64, targets, inputs int, seed uint64) ([]GrandAlphaRow, error) {
	var rows []GrandAlphaRow
	for _, c := range nk {
		n, k := c[0], c[1]
		var bounds AlphaBounds
		for ai, alpha := range alphas {
			g, err := Grand(n, k, alpha, seed)
			if err != nil {
				return nil, err
			}
			if ai == 0 {
				bounds = g.Bounds()
			}
			row := GrandAlphaRow{N: n, K: k, Alpha: alpha, Bounds: bounds, Targets: targets, Gaus: inputs}
			r := rng.New(seed, 0x7374756479, uint64(n), uint64(k)) // same targets for every α
			errs := make([]float64, 0, targets)
			y := make([]float64, n)
			for t := 0; t < targets; t++ {
				clear(y)
				for _, i := range r.Perm(n)[:k] {
					y[i] = math.Pow(10, -3+6*r.Float64())
					if r.IntN(2) == 0 {
						y[i] = -y[i]
					}
				}
				x, err := g.Preimage(y)
				switch {
				case err == nil:
					row.PreimageOK++
				case errors.Is(err, ErrPreimage) && strings.Contains(err.Error(), "inside another wedge"):
					row.Overlap++
				case errors.Is(err, ErrPreimage) && strings.Contains(err.Error(), "support differs"):
					row.Support++
				case errors.Is(err, ErrPreimage):
					row.Precision++
				default:
					return nil, err
				}
				if x != nil {
					got := g.Forward(nil, x)
					num, den := 0.0, 0.0
					for i := range y {
						num += (got[i] - y[i]) * (got[i] - y[i])
						den += y[i] * y[i]
					}
					errs = append(errs, math.Sqrt(num/den))
				}
			}
			row.PreimageOK /= float64(targets)
			row.Overlap /= float64(targets)
			row.Support /= float64(targets)
			row.Precision /= float64(targets)
			row.MedianErr = median(errs)
			ri := rng.New(seed, 0x696e707574, uint64(n), uint64(k))
			x := make([]float64, k+1)
			out := make([]float64, n)
			for t := 0; t < inputs; t++ {
				for i := range x {
					x[i] = ri.NormFloat64()
				}
				out = g.Forward(out, x)
				if countNonZero(out) > k {
					row.OverK++
				}
			}
			if inputs > 0 {
				row.OverK /= float64(inputs)
			}
			rows = append(rows, row)
		}
	}
	return rows, nil
}

func countNonZero(y []float64) int {
	c := 0
	for _, v := range y {
		if v != 0 {
			c++
		}
	}
	return c
}

func median(a []float64) float64 {
	if len(a) == 0 {
		return math.NaN()
	}
	b := append([]float64(nil), a...)
	for i := 1; i < len(b); i++ { // insertion sort: short slices
		for j := i; j > 0 && b[j] < b[j-1]; j-- {
			b[j], b[j-1] = b[j-1], b[j]
		}
	}
	return b[len(b)/2]
}

// WriteGrandAlphaTable prints rows as an aligned text table.
func WriteGrandAlphaTable(w io.Writer, rows []GrandAlphaRow) {
	fmt.Fprintf(w, "%4s %3s %9s %8s %8s %8s %8s %9s %9s   %s\n", "n", "k", "alpha", "preimOK", "overlap", "support", "precis", "medErr", ">k rate", "certified: preimage / sparsity bound")
	for _, r := range rows {
		ex := "exhaustive"
		if !r.Bounds.Exhaustive {
			ex = "sampled"
		}
		fmt.Fprintf(w, "%4d %3d %9.2g %8.4f %8.4f %8.4f %8.4f %9.2g %9.2g   %.2g / %.2g (%s)\n",
			r.N, r.K, r.Alpha, r.PreimageOK, r.Overlap, r.Support, r.Precision, r.MedianErr, r.OverK,
			r.Bounds.Preimage, r.Bounds.Sparsity, ex)
	}
}
