package vae

import (
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/gencs/gencs/internal/adam"
	"github.com/gencs/gencs/internal/atomicfile"
	"github.com/gencs/gencs/internal/rng"
	"gonum.org/v1/gonum/mat"
)

// Options configures Train. The zero value gives Bora et al.'s settings
// (Adam, learning rate 0.001, batch size 100) for 10 epochs.
type Options struct {
	// Epochs is the number of passes over the data (default 10).
	Epochs int
	// BatchSize is the minibatch size (default 100).
	BatchSize int
	// LearningRate is Adam's step size (default 0.001).
	LearningRate float64
	// Seed drives the minibatch order and the reparameterisation noise
	// (the initial weights come from New's seed).
	Seed uint64
	// MaxSteps, if positive, stops after this many minibatch steps in total
	// (for tests and smoke runs).
	MaxSteps int
	// Checkpoint, if not empty, is a file path: training resumes from it when
	// it exists, and it is rewritten (atomically) after every epoch.
	Checkpoint string
	// Progress, if not nil, is called after every minibatch with the epoch
	// (0-based), the batch index within it, the number of batches per
	// epoch and the running mean loss of the epoch.
	Progress func(epoch, batch, batches int, loss float64)
}

func (o Options) withDefaults() Options {
	if o.Epochs == 0 {
		o.Epochs = 10
	}
	if o.BatchSize == 0 {
		o.BatchSize = 100
	}
	if o.LearningRate == 0 {
		o.LearningRate = 0.001
	}
	return o
}

// EpochStats records one finished epoch.
type EpochStats struct {
	Epoch int     `json:"epoch"`
	Loss  float64 `json:"loss"`
	Recon float64 `json:"recon"`
	KL    float64 `json:"kl"`
}

// Trainer holds a model and its optimiser state, so that training can be
// checkpointed and resumed bit-for-bit.
type Trainer struct {
	Model *Model
	opt   Options
	// Adam state.
	m, v [][]float64
	t    int
	// Epoch is the number of completed epochs.
	Epoch int
	// History holds the statistics of completed epochs.
	History []EpochStats
}

// NewTrainer returns a trainer for model m. If opt.Checkpoint names an
// existing file, the model parameters, optimiser state and epoch count are
// restored from it (the model's shape must match).
func NewTrainer(m *Model, opt *Options) (*Trainer, error) {
	o := Options{}
	if opt != nil {
		o = *opt
	}
	o = o.withDefaults()
	if o.Epochs < 0 || o.BatchSize < 1 || !(o.LearningRate > 0) {
		return nil, fmt.Errorf("vae: bad options: epochs %d, batch size %d, learning rate %v", o.Epochs, o.BatchSize, o.LearningRate)
	}
	t := &Trainer{Model: m, opt: o}
	for _, p := range m.params() {
		t.m = append(t.m, make([]float64, len(p)))
		t.v = append(t.v, make([]float64, len(p)))
	}
	if o.Checkpoint != "" {
		if _, err := os.Stat(o.Checkpoint); err == nil {
			if err := t.load(o.Checkpoint); err != nil {
				return nil, err
			}
		}
	}
	return t, nil
}

// checkpoint is the gob-encoded training state.
type checkpoint struct {
	Config  Config
	Params  [][]float64
	M, V    [][]float64
	T       int
	Epoch   int
	Seed    uint64
	History []EpochStats
}

func (t *Trainer) save(path string) error {
	c := checkpoint{Config: t.Model.Config, Params: t.Model.params(), M: t.m, V: t.v, T: t.t, Epoch: t.Epoch, Seed: t.opt.Seed, History: t.History}
	return atomicfile.Write(path, func(w io.Writer) error { return gob.NewEncoder(w).Encode(&c) })
}

func (t *Trainer) load(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var c checkpoint
	if err := gob.NewDecoder(f).Decode(&c); err != nil {
		return fmt.Errorf("vae: read checkpoint %s: %w", path, err)
	}
	if c.Config != t.Model.Config {
		return fmt.Errorf("vae: checkpoint %s has architecture %+v, model has %+v", path, c.Config, t.Model.Config)
	}
	if c.Seed != t.opt.Seed {
		return fmt.Errorf("vae: checkpoint %s was made with seed %d, not %d", path, c.Seed, t.opt.Seed)
	}
	ps := t.Model.params()
	if len(c.Params) != len(ps) || len(c.M) != len(ps) || len(c.V) != len(ps) {
		return fmt.Errorf("vae: checkpoint %s: parameter count mismatch", path)
	}
	for i, p := range ps {
		if len(c.Params[i]) != len(p) || len(c.M[i]) != len(p) || len(c.V[i]) != len(p) {
			return fmt.Errorf("vae: checkpoint %s: parameter %d has the wrong size", path, i)
		}
		copy(p, c.Params[i])
		copy(t.m[i], c.M[i])
		copy(t.v[i], c.V[i])
	}
	t.t, t.Epoch, t.History = c.T, c.Epoch, c.History
	return nil
}

// adam applies one Adam update with the gradients g.
func (t *Trainer) adam(g [][]float64) {
	t.t++
	for i, p := range t.Model.params() {
		adam.Step(p, g[i], t.m[i], t.v[i], t.t, t.opt.LearningRate)
	}
}

// ErrDiverged is returned when the loss becomes non-finite.
var ErrDiverged = errors.New("vae: loss is not finite (training diverged)")

// Train runs the remaining epochs (Options.Epochs minus those already done)
// on the n = len(X)/dim examples stored row-major in X (pixel values in
// [0, 1]). Minibatch order and noise for epoch e come from (Seed, e), so a
// run resumed from a checkpoint continues exactly as an uninterrupted one.
// A final partial batch is dropped. It returns the history of all epochs.
func (t *Trainer) Train(ctx context.Context, X []float32, dim int) ([]EpochStats, error) {
	cfg := t.Model.Config
	if dim != cfg.Input {
		return nil, fmt.Errorf("vae: data dimension %d, model input %d", dim, cfg.Input)
	}
	n := len(X) / dim
	bs := t.opt.BatchSize
	if n < bs {
		return nil, fmt.Errorf("vae: %d examples, fewer than the batch size %d", n, bs)
	}
	for i, v := range X {
		if !(v >= 0 && v <= 1) {
			return nil, fmt.Errorf("vae: data value %v at index %d outside [0, 1]", v, i)
		}
	}
	batches := n / bs
	w := newWork(cfg, bs)
	xb := mat.NewDense(bs, dim, nil)
	eps := mat.NewDense(bs, cfg.Latent, nil)
	steps := 0
	for t.Epoch < t.opt.Epochs {
		e := t.Epoch
		perm := rng.New(t.opt.Seed, 1, uint64(e)).Perm(n)
		noise := rng.New(t.opt.Seed, 2, uint64(e))
		var sum Loss
		done := 0
		for bi := 0; bi < batches; bi++ {
			if err := ctx.Err(); err != nil {
				return t.History, err
			}
			if t.opt.MaxSteps > 0 && steps >= t.opt.MaxSteps {
				return t.History, nil
			}
			xd := xb.RawMatrix().Data
			for r := 0; r < bs; r++ {
				src := X[perm[bi*bs+r]*dim:]
				for j := 0; j < dim; j++ {
					xd[r*dim+j] = float64(src[j])
				}
			}
			for j := range eps.RawMatrix().Data {
				eps.RawMatrix().Data[j] = noise.NormFloat64()
			}
			l := t.Model.step(w, xb, eps, true)
			if math.IsNaN(l.Total()) || math.IsInf(l.Total(), 0) {
				return t.History, ErrDiverged
			}
			t.adam(w.grads)
			steps++
			sum.Recon += l.Recon
			sum.KL += l.KL
			done++
			if t.opt.Progress != nil {
				t.opt.Progress(e, bi, batches, (sum.Recon+sum.KL)/float64(done))
			}
		}
		st := EpochStats{Epoch: e + 1, Recon: sum.Recon / float64(done), KL: sum.KL / float64(done)}
		st.Loss = st.Recon + st.KL
		t.History = append(t.History, st)
		t.Epoch++
		if t.opt.Checkpoint != "" {
			if err := t.save(t.opt.Checkpoint); err != nil {
				return t.History, err
			}
		}
	}
	return t.History, nil
}

// Evaluate returns the mean loss of the model on the examples in X, with
// reparameterisation noise drawn from seed, in batches of up to 100.
func (m *Model) Evaluate(X []float32, dim int, seed uint64) Loss {
	n := len(X) / dim
	r := rng.New(seed, 3)
	var sum Loss
	for lo := 0; lo < n; lo += 100 {
		b := min(100, n-lo)
		xb := mat.NewDense(b, dim, nil)
		for i, v := range X[lo*dim : (lo+b)*dim] {
			xb.RawMatrix().Data[i] = float64(v)
		}
		eps := mat.NewDense(b, m.Config.Latent, nil)
		for j := range eps.RawMatrix().Data {
			eps.RawMatrix().Data[j] = r.NormFloat64()
		}
		l := m.step(newWork(m.Config, b), xb, eps, false)
		sum.Recon += l.Recon * float64(b)
		sum.KL += l.KL * float64(b)
	}
	sum.Recon /= float64(n)
	sum.KL /= float64(n)
	return sum
}

// LoadCheckpoint returns the model stored in a training checkpoint file and
// the number of epochs it had completed.
func LoadCheckpoint(path string) (*Model, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	var c checkpoint
	if err := gob.NewDecoder(f).Decode(&c); err != nil {
		return nil, 0, fmt.Errorf("vae: read checkpoint %s: %w", path, err)
	}
	if c.Config.Input < 1 || c.Config.Hidden < 1 || c.Config.Latent < 1 {
		return nil, 0, fmt.Errorf("vae: checkpoint %s: bad architecture %+v", path, c.Config)
	}
	m := New(c.Config, 0)
	ps := m.params()
	if len(c.Params) != len(ps) {
		return nil, 0, fmt.Errorf("vae: checkpoint %s: parameter count mismatch", path)
	}
	for i, p := range ps {
		if len(c.Params[i]) != len(p) {
			return nil, 0, fmt.Errorf("vae: checkpoint %s: parameter %d has the wrong size", path, i)
		}
		copy(p, c.Params[i])
	}
	return m, c.Epoch, nil
}
