package genrec

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/gencs/gencs/internal/finite"
)

// checkFiniteResult asserts the no-silent-NaN contract: the estimate and
// latent are finite, and a non-finite loss is flagged by Status Diverged.
func checkFiniteResult(t *testing.T, res Result) {
	t.Helper()
	if !finite.All(res.X) || !finite.All(res.Z) {
		t.Fatalf("non-finite estimate or latent (status %v, loss %v)", res.Status, res.Loss)
	}
	if (math.IsNaN(res.Loss) || math.IsInf(res.Loss, 0)) && res.Status != Diverged {
		t.Fatalf("loss %v with status %v, want Diverged", res.Loss, res.Status)
	}
}

// TestCSGMHugeLearningRate: learning rates up to 1e300 (every optimiser)
// and measurements up to 1e200 give a finite estimate, with Status
// Diverged whenever the objective overflowed — never NaN.
func TestCSGMHugeLearningRate(t *testing.T) {
	G, A, y, _, _ := problem(t, 30, 3)
	huge := make([]float64, len(y))
	for i := range y {
		huge[i] = y[i] * 1e200
	}
	for _, opt := range []Optimizer{Adam, GD, Momentum} {
		for _, lr := range []float64{1e3, 1e100, 1e300} {
			for yi, yy := range [][]float64{y, huge} {
				t.Run(fmt.Sprintf("%v/lr%g/y%d", opt, lr, yi), func(t *testing.T) {
					res, err := CSGM(G, A, yy, &Options{Optimizer: opt, LR: lr, Iters: 200, Restarts: 2, Seed: 1})
					if err != nil {
						return // an error is an allowed outcome
					}
					checkFiniteResult(t, res)
					t.Logf("status %v after %d steps, loss %g", res.Status, res.Iterations, res.Loss)
					if opt == GD && lr >= 1e100 && res.Status != Diverged {
						t.Errorf("GD with lr %g: status %v, want Diverged", lr, res.Status)
					}
				})
			}
		}
	}
}

// TestPGDHugeSteps: the same contract for PGD with huge x-steps and inner
// learning rates.
func TestPGDHugeSteps(t *testing.T) {
	G, A, y, _, _ := problem(t, 30, 4)
	for _, step := range []float64{1e10, 1e300} {
		for _, lr := range []float64{0.05, 1e300} {
			res, err := PGD(G, A, y, &PGDOptions{Outer: 5, Step: step,
				Inner: Options{LR: lr, Iters: 50, Restarts: 1, Seed: 2}})
			if err != nil {
				continue
			}
			t.Run(fmt.Sprintf("step%g/lr%g", step, lr), func(t *testing.T) { checkFiniteResult(t, res) })
		}
	}
}

// TestAdjointStartExtremeMeasurements: y = 0 and y near 1e200 give a finite
// latent start (or an error), never NaN.
func TestAdjointStartExtremeMeasurements(t *testing.T) {
	G, A, y, _, _ := problem(t, 30, 6)
	for _, s := range []float64{0, 1e-200, 1e200} {
		ys := make([]float64, len(y))
		for i := range y {
			ys[i] = y[i] * s
		}
		z, err := AdjointStart(context.Background(), G, A, ys, &Options{Iters: 50, Restarts: 1, Seed: 1})
		if err != nil {
			continue
		}
		if !finite.All(z) {
			t.Errorf("scale %g: non-finite start %v", s, z)
		}
		res, err := CSGM(G, A, ys, &Options{Iters: 50, Restarts: 1, Seed: 1, Init: [][]float64{z}})
		if err != nil {
			continue
		}
		checkFiniteResult(t, res)
	}
}

// TestCSGMRejectsAbsurdRestarts: a restart count that could not be held in
// memory is an error, not a crash.
func TestCSGMRejectsAbsurdRestarts(t *testing.T) {
	G, A, y, _, _ := problem(t, 30, 7)
	if _, err := CSGM(G, A, y, &Options{Restarts: 1 << 40}); err == nil || !strings.Contains(err.Error(), "restarts") {
		t.Fatalf("err = %v", err)
	}
}
