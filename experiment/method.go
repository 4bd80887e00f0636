package experiment

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"gonum.org/v1/gonum/mat"

	"github.com/gencs/gencs/experiment/dt"
	"github.com/gencs/gencs/linop"
	"github.com/gencs/gencs/sparse"
)

// Problem is one recovery problem handed to a method.
type Problem struct {
	// A is the measurement operator (m x n).
	A linop.Operator
	// Y holds the measurements A x + noise.
	Y []float64
	// K is the sparsity target (the cell's k unless the method spec sets one).
	K int
	// Sigma is the noise standard deviation.
	Sigma float64
	// Seed is a seed reserved for the method's own randomness.
	Seed uint64
	// Options are the method spec's options.
	Options MethodSpec
	// Model is the generator of a "model:<path>" signal model (nil for the
	// other models), for generative methods (e.g. CSGM) that search its
	// range. It is shared between workers: use it read-only.
	Model Generator
	// Truth is the true signal. Only oracle baselines may look at it.
	Truth []float64
}

// Generator is a generative model as genrec.Generator declares it (same
// method set, so values convert both ways). It is declared here so that
// genrec, or any package, may import experiment to register methods
// without an import cycle.
type Generator interface {
	// Dims returns the latent and output dimensions.
	Dims() (k, n int)
	// Forward sets dst = G(z).
	Forward(dst, z []float64) []float64
	// VJP sets dst = J_G(z)^T v.
	VJP(dst, z, v []float64) []float64
}

// Outcome is what a method returns.
type Outcome struct {
	// X is the estimate.
	X []float64
	// Iterations is the number of iterations the method ran.
	Iterations int
	// Status is a short word ("converged", "iteration-limit", ...).
	Status string
}

// Method recovers x from a Problem. Errors are recorded in the result line
// (status "error") rather than stopping the sweep.
type Method func(p *Problem) (Outcome, error)

var (
	methodMu sync.RWMutex
	methods  = map[string]Method{}
)

// RegisterMethod makes a method available to specs under name (case
// insensitive). It panics if the name is empty or already registered, like
// other registries in Go. Studies call it from init to add e.g. "csgm".
func RegisterMethod(name string, m Method) {
	methodMu.Lock()
	defer methodMu.Unlock()
	key := strings.ToLower(name)
	if key == "" || m == nil {
		panic("experiment: RegisterMethod with empty name or nil method")
	}
	if _, dup := methods[key]; dup {
		panic("experiment: RegisterMethod called twice for " + name)
	}
	methods[key] = m
}

func lookupMethod(name string) (Method, bool) {
	methodMu.RLock()
	defer methodMu.RUnlock()
	if m, ok := methods[strings.ToLower(name)]; ok {
		return m, true
	}
	return nil, false
}

// Methods lists the registered method names, sorted.
func Methods() []string {
	methodMu.RLock()
	defer methodMu.RUnlock()
	out := make([]string, 0, len(methods))
	for k := range methods {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func init() {
	for _, name := range sparse.Methods() {
		RegisterMethod(name, sparseMethod(name))
	}
	RegisterMethod("oracle", oracle)
	RegisterMethod("amp-minimax", ampMinimax)
}

// ampMinimax is AMP with the minimax threshold multiplier z*(m/n) of
// Donoho, Maleki and Montanari (dt.MinimaxThreshold) unless the method spec
// sets lambda: the tuning whose asymptotic noiseless phase transition is the
// l1 (Donoho–Tanner) curve. sparse.AMP's own default is more conservative
// (it favours convergence on noisy problems).
func ampMinimax(p *Problem) (Outcome, error) {
	q := *p
	if q.Options.Lambda == 0 {
		m, n := p.A.Dims()
		if m < n {
			q.Options.Lambda = dt.MinimaxThreshold(float64(m)/float64(n), true)
		}
	}
	return sparseMethod("amp")(&q)
}

// sparseMethod wraps sparse.Solve.
func sparseMethod(name string) Method {
	return func(p *Problem) (Outcome, error) {
		opt := &sparse.Options{
			K:         p.K,
			Lambda:    p.Options.Lambda,
			MaxIter:   p.Options.MaxIter,
			Tol:       p.Options.Tol,
			Seed:      p.Seed,
			NoHistory: true,
		}
		r, err := sparse.Solve(name, p.A, p.Y, opt)
		if err != nil {
			return Outcome{}, err
		}
		return Outcome{X: r.X, Iterations: r.Iterations, Status: r.Status.String()}, nil
	}
}

// oracle is the least-squares estimate on the true support (the "oracle"
// baseline): it knows supp(x) and solves min ||A_S z - y||. Without noise it
// recovers x exactly whenever A_S has full column rank.
func oracle(p *Problem) (Outcome, error) {
	m, n := p.A.Dims()
	var supp []int
	for i, v := range p.Truth {
		if v != 0 {
			supp = append(supp, i)
		}
	}
	x := make([]float64, n)
	if len(supp) == 0 {
		return Outcome{X: x, Status: "converged"}, nil
	}
	if len(supp) > m {
		return Outcome{X: x, Status: "underdetermined"}, nil
	}
	// Columns of A on the support, via A e_j.
	as := mat.NewDense(m, len(supp), nil)
	e := make([]float64, n)
	col := make([]float64, m)
	for j, i := range supp {
		e[i] = 1
		col = p.A.Apply(col, e)
		e[i] = 0
		as.SetCol(j, col)
	}
	var z mat.VecDense
	if err := z.SolveVec(as, mat.NewVecDense(m, p.Y)); err != nil {
		return Outcome{}, fmt.Errorf("oracle least squares: %w", err)
	}
	for j, i := range supp {
		x[i] = z.AtVec(j)
	}
	return Outcome{X: x, Iterations: 1, Status: "converged"}, nil
}
