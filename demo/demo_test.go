package demo

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunNoiselessRecovers(t *testing.T) {
	rep, err := Run(context.Background(), Options{N: 300, M: 120, K: 8, Sigma: -1, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rows) != 6 {
		t.Fatalf("%d rows, want one per solver", len(rep.Rows))
	}
	for _, r := range rep.Rows {
		if r.Err != "" {
			t.Fatalf("%s: %s", r.Method, r.Err)
		}
		if r.Method != "fista" && (r.RelErr > 1e-6 || r.SupportFound != 8) {
			t.Errorf("%s: relative error %g, support %d/8", r.Method, r.RelErr, r.SupportFound)
		}
	}
	var b strings.Builder
	if err := rep.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"omp", "cosamp", "iht", "fista", "bp", "amp"} {
		if !strings.Contains(b.String(), m) {
			t.Errorf("table lacks %s:\n%s", m, b.String())
		}
	}
	if err := rep.WritePlot(filepath.Join(t.TempDir(), "x.svg")); err != nil {
		t.Fatal(err)
	}
	if err := rep.WritePlot(filepath.Join(t.TempDir(), "x.jpg")); err == nil {
		t.Error("unsupported figure extension accepted")
	}
}

func TestProblemIsSeededAndNoisy(t *testing.T) {
	A, x, y, err := Problem(Options{N: 50, M: 20, K: 3, Sigma: 0.5, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	_, x2, y2, _ := Problem(Options{N: 50, M: 20, K: 3, Sigma: 0.5, Seed: 9})
	nz := 0
	for i := range x {
		if x[i] != x2[i] {
			t.Fatal("same seed gave different signals")
		}
		if x[i] != 0 {
			nz++
		}
	}
	if nz != 3 {
		t.Fatalf("%d non-zeros, want 3", nz)
	}
	// The noise is y - A x: its RMS must be near sigma = 0.5.
	ax := A.Apply(nil, x)
	var ss float64
	for i := range y {
		if y[i] != y2[i] {
			t.Fatal("same seed gave different measurements")
		}
		ss += (y[i] - ax[i]) * (y[i] - ax[i])
	}
	if rms := math.Sqrt(ss / 20); rms < 0.25 || rms > 0.8 {
		t.Errorf("noise RMS %g, want about 0.5", rms)
	}
	if _, _, _, err := Problem(Options{N: 5, K: 6}); err == nil {
		t.Error("k > n accepted")
	}
}
