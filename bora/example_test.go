package bora_test

import (
	"fmt"

	"github.com/gencs/gencs/bora"
)

func ExampleResults_RatioTable() {
	// Mean errors of two methods at three measurement counts.
	r := &bora.Results{Ms: []int{10, 20, 40}, Methods: []string{bora.MethodCSGM, bora.MethodLasso}}
	for i, e := range []float64{0.05, 0.02, 0.01} {
		r.Cells = append(r.Cells, bora.Cell{Method: bora.MethodCSGM, M: r.Ms[i], Mean: e})
	}
	for i, e := range []float64{0.1, 0.08, 0.04} {
		r.Cells = append(r.Cells, bora.Cell{Method: bora.MethodLasso, M: r.Ms[i], Mean: e})
	}
	for _, row := range r.RatioTable([]float64{0.05}) {
		fmt.Printf("error %.2f: CSGM needs %.0f, Lasso %.0f: ratio %.1f\n",
			row.Target, row.Needed[bora.MethodCSGM], row.Needed[bora.MethodLasso], row.Ratio)
	}
	// Output: error 0.05: CSGM needs 10, Lasso 35: ratio 3.5
}
