package plot

import (
	"fmt"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/gencs/gencs/experiment"
)

// TestRenderDegenerateRecords: records a user's results file may hold —
// all failures, NaN errors, extreme or negative grid values, a single
// point, m > n, one method only — render or fail with a one-line error,
// never panic.
func TestRenderDegenerateRecords(t *testing.T) {
	rec := func(n, m, k int, delta, rho float64, method string, relErr float64, ok bool) experiment.Record {
		return experiment.Record{CellParams: experiment.CellParams{N: n, M: m, K: k, Delta: delta, Rho: rho,
			Operator: "gaussian", Signal: "sparse-gaussian"}, Method: method, RelErr: experiment.JSONFloat(relErr), Threshold: 0.01, Success: ok, Status: "converged"}
	}
	var grid, nanGrid, extreme []experiment.Record
	for _, d := range []float64{0.25, 0.5} {
		for _, r := range []float64{0.1, 0.3} {
			for tr := 0; tr < 2; tr++ {
				grid = append(grid, rec(40, int(d*40), max(1, int(r*d*40)), d, r, "omp", 0.5, false))
				nanGrid = append(nanGrid, rec(40, int(d*40), max(1, int(r*d*40)), d, r, "omp", math.NaN(), false))
				extreme = append(extreme, rec(40, 80, 1, d*1e300, -r*1e300, "omp", 1e308, tr == 0))
			}
		}
	}
	sets := map[string][]experiment.Record{
		"all-failures": grid,
		"nan-errors":   nanGrid,
		"extreme-grid": extreme,
		"single":       {rec(10, 5, 1, 0.5, 0.2, "omp", 0, true)},
		"zero-error":   {rec(10, 5, 1, 0.5, 0.2, "omp", 0, true), rec(10, 6, 1, 0.6, 0.2, "omp", 0, true)},
		"empty":        nil,
	}
	for name, recs := range sets {
		for _, kind := range []string{Phase, Success, Error} {
			for _, methods := range [][]string{nil, {"nosuch"}} {
				t.Run(fmt.Sprintf("%s/%s/%v", name, kind, methods), func(t *testing.T) {
					defer func() {
						if p := recover(); p != nil {
							t.Fatalf("panic: %v", p)
						}
					}()
					err := Render(io.Discard, "svg", recs, &Options{Kind: kind, Methods: methods})
					if err != nil && strings.Contains(err.Error(), "\n") {
						t.Errorf("multi-line error %q", err)
					}
					if methods != nil && err == nil {
						t.Errorf("unknown method drawn without error")
					}
				})
			}
		}
	}
}
