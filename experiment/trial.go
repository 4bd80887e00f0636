package experiment

import (
	"fmt"
	"hash/fnv"
	"math"
	"path/filepath"
	"strings"
	"time"

	"gonum.org/v1/gonum/floats"

	"github.com/gencs/gencs/internal/rng"
	"github.com/gencs/gencs/linop"
	"github.com/gencs/gencs/nn"
)

// Stream labels under a trial seed.
const (
	streamOperator = 1
	streamSignal   = 2
	streamNoise    = 3
	streamMethod   = 4
)

func strHash(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// TrialSeed returns the seed of trial t of cell c: a hash of the spec seed,
// the cell's parameters (not its position in the grid, so that adding or
// reordering grid values leaves other cells' trials unchanged) and t.
func TrialSeed(specSeed uint64, signal string, c Cell, t int) uint64 {
	return rng.Derive(specSeed, strHash(c.Operator), strHash(signal),
		uint64(c.N), uint64(c.M), uint64(c.K),
		math.Float64bits(c.Delta), math.Float64bits(c.Rho), math.Float64bits(c.Sigma),
		uint64(t))
}

// modelSource yields x = G(z) for a loaded model.
type modelSource struct {
	g    Generator
	k, n int
}

// loadModel loads the generator of a model file (nn.Load).
func loadModel(path string) (*modelSource, error) {
	net, err := nn.Load(path)
	if err != nil {
		return nil, err
	}
	k, n := net.Dims()
	return &modelSource{g: net, k: k, n: n}, nil
}

// sweepEnv is what a sweep shares between trials.
type sweepEnv struct {
	spec   *Spec
	signal string
	model  *modelSource
}

func newSweepEnv(s *Spec) (*sweepEnv, error) {
	env := &sweepEnv{spec: s, signal: s.Signal.String()}
	if path, ok := strings.CutPrefix(s.Signal.Model, "model:"); ok {
		if !filepath.IsAbs(path) && s.baseDir != "" {
			path = filepath.Join(s.baseDir, path)
		}
		ms, err := loadModel(path)
		if err != nil {
			return nil, fieldErr("signal.model", "%v", err)
		}
		for i, n := range s.Grid.N {
			if n != ms.n {
				return nil, fieldErr(fmt.Sprintf("grid.n[%d]", i), "value %d differs from the model's output dimension %d", n, ms.n)
			}
		}
		env.model = ms
	}
	return env, nil
}

// drawSignal draws x for the cell from the seeded stream.
func (env *sweepEnv) drawSignal(c Cell, seed uint64) []float64 {
	r := rng.New(seed, streamSignal)
	x := make([]float64, c.N)
	sg := env.spec.Signal
	switch {
	case env.model != nil:
		z := make([]float64, env.model.k)
		for i := range z {
			z[i] = r.NormFloat64()
		}
		return env.model.g.Forward(x, z)
	case sg.Model == "power-law":
		perm := r.Perm(c.N)
		for i, p := range perm {
			v := math.Pow(float64(i+1), -sg.Decay)
			if r.IntN(2) == 0 {
				v = -v
			}
			x[p] = v
		}
	default:
		k := min(c.K, c.N)
		perm := r.Perm(c.N)[:k]
		for _, p := range perm {
			if sg.Model == "sparse-pm1" {
				x[p] = 1
				if r.IntN(2) == 0 {
					x[p] = -1
				}
			} else {
				x[p] = r.NormFloat64()
			}
		}
	}
	return x
}

// trialWork is one trial with the methods still to run on it.
type trialWork struct {
	cell    Cell
	trial   int
	seed    uint64
	methods []MethodSpec
}

// runTrial draws A, x and noise for the trial and runs every method on the
// same problem. It stops between methods when stop returns true.
func (env *sweepEnv) runTrial(w trialWork, stop func() bool) []Record {
	c := w.cell
	base := Record{CellParams: c.params(env.signal), Trial: w.trial, Seed: w.seed,
		Threshold: env.spec.Success.RelErr}
	fail := func(msg string) []Record {
		out := make([]Record, 0, len(w.methods))
		for _, m := range w.methods {
			r := base
			r.Method = m.ID()
			r.RelErr = JSONFloat(math.NaN())
			r.Status = "error"
			r.Error = msg
			out = append(out, r)
		}
		return out
	}
	A, err := operatorByName(c.Operator, c.M, c.N, rng.Derive(w.seed, streamOperator))
	if err != nil {
		return fail(fmt.Sprintf("operator: %v", err))
	}
	x := env.drawSignal(c, w.seed)
	y := A.Apply(nil, x)
	if c.Sigma > 0 {
		nr := rng.New(w.seed, streamNoise)
		for i := range y {
			y[i] += c.Sigma * nr.NormFloat64()
		}
	}
	xnorm := norm2(x)
	out := make([]Record, 0, len(w.methods))
	for _, m := range w.methods {
		if stop() {
			break
		}
		k := c.K
		if m.K > 0 {
			k = m.K
		}
		p := &Problem{
			A: A, Y: append([]float64(nil), y...), K: k, Sigma: c.Sigma,
			Seed: rng.Derive(w.seed, streamMethod), Options: m, Truth: x,
		}
		if env.model != nil {
			p.Model = env.model.g
		}
		meth, _ := lookupMethod(m.Name)
		r := base
		r.Method = m.ID()
		start := time.Now()
		o, err := callMethod(meth, p)
		r.TimeS = time.Since(start).Seconds()
		if err == nil && len(o.X) != c.N {
			err = fmt.Errorf("method returned %d entries, want n = %d", len(o.X), c.N)
		}
		if err != nil {
			r.RelErr = JSONFloat(math.NaN())
			r.Status = "error"
			r.Error = err.Error()
		} else {
			rel := floats.Distance(o.X, x, 2)
			if xnorm > 0 {
				rel /= xnorm
			}
			r.RelErr = JSONFloat(rel)
			r.Success = rel <= env.spec.Success.RelErr // false for NaN
			r.Iterations = o.Iterations
			r.Status = o.Status
		}
		out = append(out, r)
	}
	return out
}

// callMethod runs m, turning a panic inside a solver into an error so that
// one bad trial does not kill a long sweep.
func callMethod(m Method, p *Problem) (o Outcome, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return m(p)
}

func norm2(x []float64) float64 { return floats.Norm(x, 2) }

// operatorByName builds the named operator (a variable so tests can add
// instrumented operators).
var operatorByName = linop.ByName

// checkOperator validates an operator name for signal length n by building
// a one-row instance (cheap for every ensemble).
func checkOperator(name string, n int) error {
	_, err := operatorByName(name, 1, n, 0)
	return err
}
