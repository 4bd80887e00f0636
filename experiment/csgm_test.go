package experiment

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/gencs/gencs/nn"
)

// TestCSGMMethod: signals in the range of a small expansive ReLU network are
// recovered by the csgm method at m = 4k (generous) and not claimed without
// a model.
func TestCSGMMethod(t *testing.T) {
	net, err := nn.RandomReLU([]int{3, 12, 30}, 5)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := nn.Save(dir, net); err != nil {
		t.Fatal(err)
	}
	s := &Spec{Seed: 2, Trials: 4, Grid: Grid{N: []int{30}, M: []int{12}, K: []int{3}},
		Signal:  Signal{Model: "model:" + filepath.Join(dir, nn.ManifestName)},
		Methods: []MethodSpec{{Name: "csgm", Restarts: 10, LR: 0.05, MaxIter: 1500}}}
	if err := s.Normalize(); err != nil {
		t.Fatal(err)
	}
	recs, err := Collect(context.Background(), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	ok := 0
	for _, r := range recs {
		if r.Success {
			ok++
		}
	}
	if ok < 3 {
		t.Errorf("csgm recovered %d of %d range signals at m = 4k", ok, len(recs))
	}
	out, err := csgmMethod(&Problem{})
	if err == nil {
		t.Errorf("csgm without a model returned %v and no error", out)
	}
}
