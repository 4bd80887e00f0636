package rng

import "testing"

func TestDeterministicAndDistinct(t *testing.T) {
	a, b := New(7, 1, 2), New(7, 1, 2)
	for i := 0; i < 100; i++ {
		if a.Uint64() != b.Uint64() {
			t.Fatal("same seed and path gave different streams")
		}
	}
	seen := map[uint64]bool{}
	for s := uint64(0); s < 50; s++ {
		for p := uint64(0); p < 50; p++ {
			d := Derive(s, p)
			if seen[d] {
				t.Fatalf("collision at seed %d path %d", s, p)
			}
			seen[d] = true
		}
	}
	if Derive(1, 2, 3) == Derive(1, 3, 2) {
		t.Fatal("path order ignored")
	}
}
