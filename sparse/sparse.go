// Package sparse recovers sparse signals x from measurements y = A x + noise
// with classic algorithms: OMP, CoSaMP, IHT, FISTA (Lasso), basis pursuit and
// AMP. Every solver takes a linop.Operator, the measurements and an *Options
// (nil means defaults) and returns a Result.
package sparse

import (
	"fmt"
	"sort"
	"strings"

	"github.com/gencs/gencs/linop"
)

// Status tells why a solver stopped. Stopping is a status, not an error.
type Status int

const (
	// Converged means the solver's stopping criterion was met.
	Converged Status = iota
	// IterationLimit means MaxIter iterations ran without convergence.
	IterationLimit
	// Diverged means the iterates blew up or became non-finite.
	Diverged
)

// String returns the status name.
func (s Status) String() string {
	switch s {
	case Converged:
		return "converged"
	case IterationLimit:
		return "iteration-limit"
	case Diverged:
		return "diverged"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// MarshalText encodes the status by name (for JSON output).
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Options configures a solver. The zero value is a sensible default for every
// field; solvers ignore fields that do not apply to them.
type Options struct {
	// K is the sparsity target (OMP, CoSaMP, IHT). Zero means m/4 rounded
	// down, at least 1 (and at most n), for OMP/CoSaMP/IHT. Every solver
	// rejects K < 0 or K > n.
	K int
	// Lambda is the l1 weight for FISTA: minimise 0.5||Ax-y||^2 + Lambda||x||_1.
	// Zero means 0.01 * ||A^T y||_inf. For AMP, Lambda is the threshold
	// multiplier alpha (threshold = alpha * residual RMS); zero means
	// max(2, AlphaMinimax(m/n)). Negative values are rejected.
	Lambda float64
	// MaxIter bounds the iterations. Zero means a per-solver default:
	// OMP K (atoms), CoSaMP 100, IHT 2000, FISTA 20000, BasisPursuit 20000,
	// AMP 1000.
	MaxIter int
	// Tol is the relative stopping tolerance. Zero means a per-solver
	// default: 1e-10 on the residual ||y - Ax||/||y|| (OMP, CoSaMP, IHT,
	// AMP; CoSaMP, IHT and AMP also stop when ||x' - x|| <= Tol ||x'||),
	// 1e-8 on FISTA's KKT violation relative to lambda, and 1e-9 on basis
	// pursuit's relative duality gap. See each solver's documentation.
	Tol float64
	// Seed drives any randomness a solver uses (none of the default solvers
	// is randomised, but norm estimates may be).
	Seed uint64
	// NoHistory disables the per-iteration history (saves memory in sweeps).
	NoHistory bool
}

// Result is what every solver returns.
type Result struct {
	// X is the estimate, length n.
	X []float64
	// Status tells why the solver stopped.
	Status Status
	// Iterations is the number of iterations run.
	Iterations int
	// Applies and Adjoints count the operator applications A x and A^T y,
	// including those that fetch columns A e_j (OMP, CoSaMP), rows A^T e_i
	// (BasisPursuit) and the power iteration for ||A|| (FISTA).
	Applies, Adjoints int
	// History holds the residual norm ||A x_t - y|| after each iteration
	// (BasisPursuit: the ADMM residual ||x_t - z_t||), nil when
	// Options.NoHistory is set.
	History []float64
}

// Func is the signature every solver shares.
type Func func(A linop.Operator, y []float64, opt *Options) (Result, error)

var methods = map[string]Func{
	"omp":    OMP,
	"cosamp": CoSaMP,
	"iht":    IHT,
	"fista":  FISTA,
	"bp":     BasisPursuit,
	"amp":    AMP,
}

// Methods lists the solver names Solve accepts, sorted.
func Methods() []string {
	out := make([]string, 0, len(methods))
	for k := range methods {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Solve runs the solver called method ("omp", "cosamp", "iht", "fista", "bp"
// or "amp").
func Solve(method string, A linop.Operator, y []float64, opt *Options) (Result, error) {
	f, ok := methods[strings.ToLower(method)]
	if !ok {
		return Result{}, fmt.Errorf("unknown method %q (want one of %s)", method, strings.Join(Methods(), ", "))
	}
	return f(A, y, opt)
}
