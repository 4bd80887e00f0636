package game

import (
	"context"
	"math"
	"path/filepath"
	"reflect"
	"testing"
)

func TestFitLineRecoversLine(t *testing.T) {
	var ths []Threshold
	for _, x := range []float64{10, 20, 36, 50} {
		ths = append(ths, Threshold{Decoder: "d", X: x, MStar: int(0.5*x) + 3, N: 100})
	}
	ths = append(ths, Threshold{Decoder: "d", X: 80, MStar: 7, N: 100, Capped: true}) // ignored
	f := fitLine("d", ths)
	// Exact two-variable data: m* = 2k + 0.25 k log2(ratio).
	var two []Threshold
	for _, k := range []int{2, 4, 6} {
		for _, lr := range []float64{4, 8} {
			two = append(two, Threshold{Decoder: "e", K: k, X: float64(k) * lr, MStar: 2*k + k*int(lr)/4, N: 100})
		}
	}
	if f2 := fitLine("e", two); math.Abs(f2.PerK-2) > 1e-9 || math.Abs(f2.PerBit-0.25) > 1e-9 {
		t.Errorf("two-variable fit %+v", f2)
	}
	if f.Count != 4 || math.Abs(f.Slope-0.5) > 1e-12 || math.Abs(f.Intercept-3) > 1e-12 || math.Abs(f.R2-1) > 1e-12 {
		t.Fatalf("fit %+v", f)
	}
}

func TestStudySmall(t *testing.T) {
	sc := StudyConfig{Ks: []int{2}, Ratios: []float64{64, 1024}, Decoders: []Decoder{Exhaustive, Exact}, Trials: 8, Seed: 1}
	st, err := RunStudy(context.Background(), sc, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Thresholds) != 4 || len(st.Fits) != 2 {
		t.Fatalf("%d thresholds, %d fits", len(st.Thresholds), len(st.Fits))
	}
	for _, th := range st.Thresholds {
		last := th.Curve[len(th.Curve)-1]
		// The sweep stops where the Wilson lower bound reaches 2/3; every
		// swept m from m* on has success >= 2/3.
		if th.MHi != last.M || 3*last.Lo < 2 || th.MLo > th.MStar || th.MStar > th.MHi {
			t.Errorf("%+v", th)
		}
		for _, c := range th.Curve {
			if c.M >= th.MStar && 3*c.Successes < 2*c.Trials {
				t.Errorf("%s k=%d: m=%d below 2/3 after m*=%d", th.Decoder, th.K, c.M, th.MStar)
			}
		}
		// Bob's message must carry at least as many bits as he decodes.
		if th.BitsAtMStar < th.DBits {
			t.Errorf("bits sent %d < d = %d", th.BitsAtMStar, th.DBits)
		}
	}
	if err := st.Plot(filepath.Join(t.TempDir(), "t.svg")); err != nil {
		t.Fatal(err)
	}
}

// Results do not depend on the number of workers.
func TestRunReproducible(t *testing.T) {
	cfg := Config{N: 48, K: 2, L: 1, Rlat: 1, Delta: 1.0 / 1024, M: 3, Trials: 10, Seed: 9, Chunks: 3, Decoder: CSGM, Restarts: 4, Iters: 50}
	cfg.Workers = 1
	a, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Workers = 3
	b, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("workers change the result:\n%+v\n%+v", a, b)
	}
}
