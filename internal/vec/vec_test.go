package vec

import (
	"math"
	"testing"
)

func TestRelErr(t *testing.T) {
	if got := RelErr([]float64{0, 0}, []float64{3, 4}); got != 1 {
		t.Errorf("zero estimate: %v, want exactly 1", got)
	}
	if got := RelErr([]float64{3, 4}, []float64{0, 0}); got != 5 {
		t.Errorf("zero truth: %v, want ||xh|| = 5", got)
	}
	if got := RelErr([]float64{3e200, 4e200}, []float64{0, 4e200}); math.Abs(got-0.75) > 1e-15 {
		t.Errorf("huge entries: %v, want 0.75", got)
	}
}
