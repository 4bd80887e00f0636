package game

import (
	"math"
	"testing"
)

func TestLemma31Holds(t *testing.T) {
	rows, err := Lemma31Study(32, 8, []int{2, 6, 12, 24}, 4, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if !r.Holds || r.Worst2 >= r.Bound || r.Worst1 >= r.Bound {
			t.Errorf("b=%d: worst %v / %v, bound %v", r.B, r.Worst2, r.Worst1, r.Bound)
		}
		// Provable for rounding to nearest: ||E||_2 <= ||A - A'||_F <= sqrt(mn) 2^-(b+1).
		if r.Worst2 > r.Frobenius*(1+1e-12) {
			t.Errorf("b=%d: worst %v above the Frobenius bound %v", r.B, r.Worst2, r.Frobenius)
		}
		// A random v never beats the exact worst case.
		if r.Random > r.Worst2*(1+1e-9) {
			t.Errorf("b=%d: random ratio %v above the operator norm %v", r.B, r.Random, r.Worst2)
		}
	}
	// The error halves per extra bit: b = 12 vs 24 differ by about 2^12.
	if q := rows[2].Worst2 / rows[3].Worst2; q < 1000 || q > 16000 {
		t.Errorf("worst ratio b=12 / b=24 = %v, want about 4096", q)
	}
}

func TestLemma31PaperStepCounterexample(t *testing.T) {
	ratio, step := Lemma31Counterexample()
	if math.Abs(ratio-0.25) > 1e-12 || step != 0.125 || ratio <= step {
		t.Fatalf("ratio %v, paper's step bound %v", ratio, step)
	}
	// The lemma's conclusion still holds there: ||s||_2 = ratio < n^2 2^-b.
	if ratio >= 100*100*math.Ldexp(1, -3) {
		t.Fatal("the lemma's final bound fails")
	}
}
