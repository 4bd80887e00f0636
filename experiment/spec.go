// Package experiment runs seeded compressed-sensing trials over parameter
// grids ("sweeps"), writes one JSON line per (trial, method), resumes after
// interruption, splits the work into deterministic shards, merges shard
// files and aggregates results (success rates with Wilson intervals).
//
// A sweep is described by a Spec (usually a JSON file, see LoadSpec). Every
// trial's randomness (operator, signal, noise, solver seed) is derived from
// the spec seed and the cell's parameters, so the result lines do not depend
// on the number of workers, their scheduling, the order of methods, or on
// sharding.
package experiment

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
)

// Spec describes a sweep: a grid of cells, a number of seeded trials per
// cell, and the methods run on every trial.
type Spec struct {
	// Name labels the sweep (free text, optional).
	Name string `json:"name,omitempty"`
	// Seed is the root of every random choice in the sweep.
	Seed uint64 `json:"seed"`
	// Trials is the number of trials per cell (>= 1).
	Trials int `json:"trials"`
	// Grid lists the axes of the parameter grid.
	Grid Grid `json:"grid"`
	// Signal is the signal model (default: sparse-gaussian).
	Signal Signal `json:"signal"`
	// Methods are run on every trial, all on the same A, x and noise.
	Methods []MethodSpec `json:"methods"`
	// Success is the success criterion.
	Success Success `json:"success"`

	// baseDir resolves relative model paths (the spec file's directory).
	baseDir string
}

// Grid holds the axes of a sweep. Exactly one of M and Delta, and exactly
// one of K and Rho, must be given; the grid is their Cartesian product with
// N, Operator and Sigma.
type Grid struct {
	// N lists signal lengths.
	N []int `json:"n"`
	// M lists measurement counts (1 <= m <= n), or use Delta.
	M []int `json:"m,omitempty"`
	// Delta lists undersampling ratios m/n in (0, 1]; m = round(delta*n).
	Delta []float64 `json:"delta,omitempty"`
	// K lists sparsities (1 <= k <= m), or use Rho.
	K []int `json:"k,omitempty"`
	// Rho lists sparsity ratios k/m in (0, 1]; k = max(1, round(rho*m)).
	Rho []float64 `json:"rho,omitempty"`
	// Operator lists measurement operator names (linop.ByName); default
	// ["gaussian"].
	Operator []string `json:"operator,omitempty"`
	// Sigma lists noise standard deviations per measurement (>= 0);
	// default [0]. y = A x + sigma * w with w ~ N(0, I_m).
	Sigma []float64 `json:"sigma,omitempty"`
}

// Signal is a signal model.
type Signal struct {
	// Model is one of "sparse-gaussian" (k-sparse, N(0,1) non-zeros on a
	// uniformly random support), "sparse-pm1" (k-sparse, random ±1
	// non-zeros), "power-law" (compressible: the i-th largest magnitude is
	// i^-Decay, random order and signs) or "model:<path>" (x = G(z) with
	// z ~ N(0, I) for the generator in a model file). Empty means
	// sparse-gaussian.
	Model string `json:"model,omitempty"`
	// Decay is the power-law exponent (> 0; default 1).
	Decay float64 `json:"decay,omitempty"`
}

// MethodSpec names a recovery method and its options.
type MethodSpec struct {
	// Name is a registered method (see Methods), e.g. "omp", "bp", "amp".
	Name string `json:"name"`
	// Label identifies the method in the results (default: Name). Labels
	// must be unique within a spec, so the same solver can run with
	// different options.
	Label string `json:"label,omitempty"`
	// K is the sparsity target passed to the solver; 0 means the cell's
	// true k (oracle sparsity).
	K int `json:"k,omitempty"`
	// Lambda, MaxIter and Tol are passed to the solver (0: its default).
	Lambda  float64 `json:"lambda,omitempty"`
	MaxIter int     `json:"max_iter,omitempty"`
	Tol     float64 `json:"tol,omitempty"`
	// Restarts and LR configure generative methods (csgm): the number of
	// random starts (0: 10) and Adam's learning rate (0: 0.01). For csgm,
	// Lambda is the z-prior weight and MaxIter the steps per restart.
	Restarts int     `json:"restarts,omitempty"`
	LR       float64 `json:"lr,omitempty"`
}

// ID returns the label under which the method's results are recorded.
func (m MethodSpec) ID() string {
	if m.Label != "" {
		return m.Label
	}
	return m.Name
}

// Success is the success criterion of a trial.
type Success struct {
	// RelErr is the threshold on ||xhat - x|| / ||x||; a trial succeeds
	// when the relative error is <= RelErr. Default 1e-2.
	RelErr float64 `json:"rel_err,omitempty"`
}

// FieldError is a validation error naming the offending spec field.
type FieldError struct {
	Field string // e.g. "grid.delta[2]"
	Msg   string // e.g. "value 1.5 out of (0,1]"
}

// Error implements error.
func (f *FieldError) Error() string { return fmt.Sprintf("spec: field %q: %s", f.Field, f.Msg) }

// checkCounts checks a count axis (m or k): every value in 1..n for every
// signal length n.
func checkCounts(field string, vals, ns []int) error {
	for i, v := range vals {
		if v < 1 {
			return fieldErr(fmt.Sprintf("%s[%d]", field, i), "value %d must be >= 1", v)
		}
		for _, n := range ns {
			if v > n {
				return fieldErr(fmt.Sprintf("%s[%d]", field, i), "value %d exceeds n = %d", v, n)
			}
		}
	}
	return nil
}

func fieldErr(field, format string, a ...any) error {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, a...)}
}

// DecodeSpec reads a JSON spec, rejecting unknown fields and trailing
// data, applies defaults and validates it.
func DecodeSpec(r io.Reader) (*Spec, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var s Spec
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("spec: %w", describeJSONError(err))
	}
	if dec.More() {
		return nil, errors.New("spec: trailing data after the JSON object")
	}
	if err := s.Normalize(); err != nil {
		return nil, err
	}
	return &s, nil
}

func describeJSONError(err error) error {
	var ute *json.UnmarshalTypeError
	if errors.As(err, &ute) && ute.Field != "" {
		return fmt.Errorf("field %q: cannot use JSON %s as %s", ute.Field, ute.Value, ute.Type)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("invalid JSON at byte %d: %w", se.Offset, err)
	}
	return err
}

// LoadSpec reads and validates the JSON spec file at path.
func LoadSpec(path string) (*Spec, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s, err := DecodeSpec(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s.baseDir = filepath.Dir(path)
	return s, nil
}

// Normalize fills defaults (operator gaussian, sigma 0, signal
// sparse-gaussian, success threshold 1e-2, power-law decay 1) and validates
// the spec. Errors are *FieldError values naming the field.
func (s *Spec) Normalize() error {
	g := &s.Grid
	if len(g.Operator) == 0 {
		g.Operator = []string{"gaussian"}
	}
	if len(g.Sigma) == 0 {
		g.Sigma = []float64{0}
	}
	if s.Signal.Model == "" {
		s.Signal.Model = "sparse-gaussian"
	}
	if s.Signal.Model == "power-law" && s.Signal.Decay == 0 {
		s.Signal.Decay = 1
	}
	if s.Success.RelErr == 0 {
		s.Success.RelErr = 1e-2
	}
	return s.Validate()
}

// Validate checks the spec (after defaults) and returns a *FieldError for
// the first problem found.
func (s *Spec) Validate() error {
	if s.Trials < 1 {
		return fieldErr("trials", "value %d must be >= 1", s.Trials)
	}
	g := &s.Grid
	if len(g.N) == 0 {
		return fieldErr("grid.n", "missing (give at least one signal length)")
	}
	for i, n := range g.N {
		if n < 1 {
			return fieldErr(fmt.Sprintf("grid.n[%d]", i), "value %d must be >= 1", n)
		}
		if n > MaxN {
			return fieldErr(fmt.Sprintf("grid.n[%d]", i), "value %d exceeds the limit %d", n, MaxN)
		}
	}
	switch {
	case len(g.M) > 0 && len(g.Delta) > 0:
		return fieldErr("grid.m", "give either grid.m or grid.delta, not both")
	case len(g.M) == 0 && len(g.Delta) == 0:
		return fieldErr("grid.delta", "missing (give grid.m or grid.delta)")
	}
	if err := checkCounts("grid.m", g.M, g.N); err != nil {
		return err
	}
	for i, d := range g.Delta {
		if !(d > 0 && d <= 1) {
			return fieldErr(fmt.Sprintf("grid.delta[%d]", i), "value %g out of (0,1]", d)
		}
		for _, n := range g.N {
			if int(math.Round(d*float64(n))) < 1 {
				return fieldErr(fmt.Sprintf("grid.delta[%d]", i), "value %g gives m = 0 for n = %d", d, n)
			}
		}
	}
	switch {
	case len(g.K) > 0 && len(g.Rho) > 0:
		return fieldErr("grid.k", "give either grid.k or grid.rho, not both")
	case len(g.K) == 0 && len(g.Rho) == 0:
		return fieldErr("grid.rho", "missing (give grid.k or grid.rho)")
	}
	if err := checkCounts("grid.k", g.K, g.N); err != nil {
		return err
	}
	for i, r := range g.Rho {
		if !(r > 0 && r <= 1) {
			return fieldErr(fmt.Sprintf("grid.rho[%d]", i), "value %g out of (0,1]", r)
		}
	}
	for i, op := range g.Operator {
		if strings.TrimSpace(op) == "" {
			return fieldErr(fmt.Sprintf("grid.operator[%d]", i), "empty operator name")
		}
		checked := map[int]bool{}
		for _, n := range g.N {
			if checked[n] {
				continue
			}
			checked[n] = true
			if err := checkOperator(op, n); err != nil {
				return fieldErr(fmt.Sprintf("grid.operator[%d]", i), "%v", err)
			}
		}
	}
	for i, sg := range g.Sigma {
		if !(sg >= 0) || math.IsInf(sg, 0) {
			return fieldErr(fmt.Sprintf("grid.sigma[%d]", i), "value %g must be finite and >= 0", sg)
		}
	}
	if err := s.Signal.validate(); err != nil {
		return err
	}
	if len(s.Methods) == 0 {
		return fieldErr("methods", "missing (give at least one method)")
	}
	seen := map[string]int{}
	for i, m := range s.Methods {
		f := fmt.Sprintf("methods[%d]", i)
		if m.Name == "" {
			return fieldErr(f+".name", "missing")
		}
		if _, ok := lookupMethod(m.Name); !ok {
			return fieldErr(f+".name", "unknown method %q (want one of %s)", m.Name, strings.Join(Methods(), ", "))
		}
		if j, dup := seen[m.ID()]; dup {
			return fieldErr(f+".label", "label %q already used by methods[%d] (set distinct labels)", m.ID(), j)
		}
		seen[m.ID()] = i
		if m.K < 0 {
			return fieldErr(f+".k", "value %d must be >= 0 (0 = true sparsity)", m.K)
		}
		if !(m.Lambda >= 0) || math.IsInf(m.Lambda, 0) {
			return fieldErr(f+".lambda", "value %g must be finite and >= 0", m.Lambda)
		}
		if m.MaxIter < 0 {
			return fieldErr(f+".max_iter", "value %d must be >= 0", m.MaxIter)
		}
		if !(m.Tol >= 0) || math.IsInf(m.Tol, 0) {
			return fieldErr(f+".tol", "value %g must be finite and >= 0", m.Tol)
		}
		if m.Restarts < 0 {
			return fieldErr(f+".restarts", "value %d must be >= 0", m.Restarts)
		}
		if !(m.LR >= 0) || math.IsInf(m.LR, 0) {
			return fieldErr(f+".lr", "value %g must be finite and >= 0", m.LR)
		}
	}
	if !(s.Success.RelErr > 0) || math.IsInf(s.Success.RelErr, 0) {
		return fieldErr("success.rel_err", "value %g must be finite and > 0", s.Success.RelErr)
	}
	// The grid size, computed without overflow: every axis is non-empty here.
	cells := float64(len(g.N)) * float64(len(g.Operator)) * float64(len(g.Sigma)) *
		float64(len(g.M)+len(g.Delta)) * float64(len(g.K)+len(g.Rho))
	if cells > MaxCells {
		return fieldErr("grid", "the grid has %.3g cells, more than the limit %g", cells, float64(MaxCells))
	}
	if lines := cells * float64(s.Trials) * float64(len(s.Methods)); lines > MaxResults {
		return fieldErr("trials", "the sweep would produce %.3g results (cells x trials x methods), more than the limit %g", lines, float64(MaxResults))
	}
	return nil
}

// MaxN is the largest signal length a spec may ask for.
const MaxN = 1 << 20

// MaxCells bounds the number of grid cells and MaxResults the number of
// (trial, method) results of one spec, so that a typo in a spec fails
// validation instead of exhausting memory (cells and result keys are held
// in memory; 1e7 result lines are about 3 GB of JSON).
const (
	MaxCells   = 1e6
	MaxResults = 1e7
)

func (sg Signal) validate() error {
	switch {
	case sg.Model == "sparse-gaussian", sg.Model == "sparse-pm1":
		if sg.Decay != 0 {
			return fieldErr("signal.decay", "only applies to the power-law model")
		}
	case sg.Model == "power-law":
		if !(sg.Decay > 0) || math.IsInf(sg.Decay, 0) {
			return fieldErr("signal.decay", "value %g must be finite and > 0", sg.Decay)
		}
	case strings.HasPrefix(sg.Model, "model:"):
		// Relative paths are relative to the spec file's directory (the
		// working directory for specs built in Go). The path as written
		// is the signal's name in results, so moving a model directory
		// and its spec together keeps trial seeds unchanged.
		if strings.TrimPrefix(sg.Model, "model:") == "" {
			return fieldErr("signal.model", "model:<path> needs a path")
		}
	default:
		return fieldErr("signal.model", "unknown model %q (want sparse-gaussian, sparse-pm1, power-law or model:<path>)", sg.Model)
	}
	return nil
}

// String is the signal's name in result lines, e.g. "power-law:1.5".
func (sg Signal) String() string {
	if sg.Model == "power-law" {
		return fmt.Sprintf("power-law:%g", sg.Decay)
	}
	return sg.Model
}

// Cell is one point of the grid.
type Cell struct {
	// Index is the cell's position in the enumeration order of Cells.
	Index int
	// N, M, K are the signal length, measurement count and sparsity.
	N, M, K int
	// Delta and Rho are the grid values when the grid is given in ratios,
	// and m/n, k/m otherwise.
	Delta, Rho float64
	// Operator is the measurement operator name.
	Operator string
	// Sigma is the noise standard deviation.
	Sigma float64
}

// params returns the cell's parameters as result lines record them.
func (c Cell) params(signal string) CellParams {
	return CellParams{N: c.N, M: c.M, K: c.K, Delta: c.Delta, Rho: c.Rho,
		Operator: c.Operator, Signal: signal, Sigma: c.Sigma}
}

// Cells enumerates the grid in a fixed order: n, operator, sigma, m (or
// delta), k (or rho) — the last varies fastest.
func (s *Spec) Cells() []Cell {
	g := &s.Grid
	var out []Cell
	for _, n := range g.N {
		for _, op := range g.Operator {
			for _, sg := range g.Sigma {
				type mv struct {
					m     int
					delta float64
				}
				var ms []mv
				for _, m := range g.M {
					ms = append(ms, mv{m, float64(m) / float64(n)})
				}
				for _, d := range g.Delta {
					ms = append(ms, mv{int(math.Round(d * float64(n))), d})
				}
				for _, mm := range ms {
					type kv struct {
						k   int
						rho float64
					}
					var ks []kv
					for _, k := range g.K {
						ks = append(ks, kv{k, float64(k) / float64(mm.m)})
					}
					for _, r := range g.Rho {
						k := int(math.Round(r * float64(mm.m)))
						k = max(1, min(k, mm.m))
						ks = append(ks, kv{k, r})
					}
					for _, kk := range ks {
						out = append(out, Cell{
							Index: len(out), N: n, M: mm.m, K: kk.k,
							Delta: mm.delta, Rho: kk.rho, Operator: op, Sigma: sg,
						})
					}
				}
			}
		}
	}
	return out
}

// NumTrials returns the number of trials in the sweep (cells × trials).
func (s *Spec) NumTrials() int { return len(s.Cells()) * s.Trials }
