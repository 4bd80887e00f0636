package finite

import (
	"math"
	"testing"
)

func TestFirstAndAll(t *testing.T) {
	for _, c := range []struct {
		v    []float64
		want int
	}{
		{nil, -1},
		{[]float64{1, 2, -1.7e308}, -1},
		{[]float64{1, math.NaN(), math.Inf(1)}, 1},
		{[]float64{math.Inf(-1)}, 0},
	} {
		if got := First(c.v); got != c.want {
			t.Errorf("First(%v) = %d, want %d", c.v, got, c.want)
		}
		if All(c.v) != (c.want < 0) {
			t.Errorf("All(%v) = %v", c.v, All(c.v))
		}
	}
}
