package experiment

import (
	"context"
	"math"
	"testing"
)

func TestTransitionsInterpolate(t *testing.T) {
	var rows []CellSummary
	add := func(delta, rho, rate float64) {
		rows = append(rows, CellSummary{CellParams: CellParams{N: 100, Operator: "gaussian", Signal: "s", Delta: delta, Rho: rho}, Method: "bp", SuccessRate: rate})
	}
	// delta 0.5: 1, 1, 0.75, 0.25, 0 -> crosses 50% midway between 0.3 and 0.4.
	for i, s := range []float64{1, 1, 0.75, 0.25, 0} {
		add(0.5, 0.1*float64(i+1), s)
	}
	// delta 0.9: never below 50%.
	for i := range 5 {
		add(0.9, 0.1*float64(i+1), 1)
	}
	tp := Transitions(rows)
	if len(tp) != 2 {
		t.Fatalf("%d points", len(tp))
	}
	if got := float64(tp[0].Rho50); math.Abs(got-0.35) > 1e-12 || tp[0].Delta != 0.5 {
		t.Errorf("rho50 = %v at delta %v, want 0.35 at 0.5", got, tp[0].Delta)
	}
	if math.Abs(float64(tp[0].Theory)-0.3857) > 1e-3 {
		t.Errorf("theory %v", tp[0].Theory)
	}
	if !math.IsNaN(float64(tp[1].Rho50)) || tp[1].Note != "all >= 50%" {
		t.Errorf("no-crossing column: %+v", tp[1])
	}
}

func TestBasisPursuitAgainstDonohoTanner(t *testing.T) {
	if testing.Short() {
		t.Skip("runs basis pursuit on 40 problems")
	}
	// Well below the l1 weak threshold rho_W(0.5) = 0.386, BP recovers
	// almost always; well above it, almost never (n = 100 is finite, so
	// the margins are generous).
	s := &Spec{Seed: 3, Trials: 20, Grid: Grid{N: []int{100}, Delta: []float64{0.5}, Rho: []float64{0.16, 0.7}},
		Methods: []MethodSpec{{Name: "bp"}}}
	if err := s.Normalize(); err != nil {
		t.Fatal(err)
	}
	recs, err := Collect(context.Background(), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range Summarize(recs) {
		if c.Errors > 0 {
			t.Skipf("bp failed to run (%d errors); solver not available?", c.Errors)
		}
		if c.Rho < 0.3 && c.SuccessRate < 0.9 || c.Rho > 0.5 && c.SuccessRate > 0.1 {
			t.Errorf("bp at delta=0.5 rho=%.2f: success %.2f", c.Rho, c.SuccessRate)
		}
	}
}
