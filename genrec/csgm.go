package genrec

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/floats"

	"github.com/gencs/gencs/internal/adam"
	"github.com/gencs/gencs/internal/finite"
	"github.com/gencs/gencs/internal/rng"
	"github.com/gencs/gencs/linop"
)

// Optimizer selects the first-order method used on the latent variable.
type Optimizer int

const (
	// Adam is Kingma and Ba's method with beta1 = 0.9, beta2 = 0.999,
	// eps = 1e-8 (the default; Bora et al. use it).
	Adam Optimizer = iota
	// GD is plain gradient descent z <- z - LR grad.
	GD
	// Momentum is heavy-ball gradient descent with coefficient 0.9:
	// v <- 0.9 v - LR grad, z <- z + v.
	Momentum
)

// String returns "adam", "gd" or "momentum".
func (o Optimizer) String() string {
	switch o {
	case Adam:
		return "adam"
	case GD:
		return "gd"
	case Momentum:
		return "momentum"
	}
	return fmt.Sprintf("Optimizer(%d)", int(o))
}

// ParseOptimizer returns the optimizer named "adam", "gd" or "momentum".
func ParseOptimizer(s string) (Optimizer, error) {
	switch s {
	case "adam":
		return Adam, nil
	case "gd":
		return GD, nil
	case "momentum":
		return Momentum, nil
	}
	return 0, fmt.Errorf("unknown optimizer %q (want adam, gd or momentum)", s)
}

// Status says why an optimisation stopped.
type Status int

const (
	// Converged: the measurement loss fell to Tol ||y||^2.
	Converged Status = iota
	// Stalled: the best objective improved by less than a relative 1e-9
	// over the last 200 iterations (a local minimum or a plateau).
	Stalled
	// IterationLimit: Iters steps were taken.
	IterationLimit
	// Diverged: the objective became NaN or infinite (learning rate too
	// large); the best finite iterate is returned.
	Diverged
)

// String returns the status name.
func (s Status) String() string {
	switch s {
	case Converged:
		return "converged"
	case Stalled:
		return "stalled"
	case IterationLimit:
		return "iteration-limit"
	case Diverged:
		return "diverged"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Options configures CSGM and Project. The zero value is usable: Adam,
// learning rate 0.01, 1000 iterations, 10 restarts, no z-prior, starts
// N(0, I), all cores, seed 0.
type Options struct {
	// Optimizer is the latent-space method (default Adam).
	Optimizer Optimizer
	// LR is the learning rate; 0 means 0.01.
	LR float64
	// Iters is the maximum number of gradient steps per restart; 0 means 1000.
	Iters int
	// Restarts is the number of independent starts; 0 means 10. If Init has
	// more entries, len(Init) restarts run.
	Restarts int
	// Lambda weights the z-prior: the objective is
	// ||A G(z) - y||^2 + Lambda ||z||^2. 0 means no prior (Bora et al. use
	// 0.1 for their generators; a prior biases the estimate towards small
	// z, so use 0 when x is exactly in the range).
	Lambda float64
	// InitScale is the standard deviation of random starts
	// z ~ N(0, InitScale^2 I); 0 means 1.
	InitScale float64
	// Init optionally gives explicit starts: restart r < len(Init) starts at
	// Init[r] (each of length k), the others at random points.
	Init [][]float64
	// Workers is the number of goroutines running restarts; 0 means
	// GOMAXPROCS. Results do not depend on it.
	Workers int
	// Seed fixes the random starts: restart r draws its start from
	// internal/rng.New(Seed, 0x6373676d, r) (the label keeps the starts
	// independent of data drawn from rng.New(Seed, r)).
	Seed uint64
	// Tol stops a restart (status Converged) once the measurement loss is at
	// most Tol ||y||^2; 0 means 1e-20 (a relative residual of 1e-10), a
	// negative value disables the test.
	Tol float64
	// NoHistory leaves Result.History empty.
	NoHistory bool
}

func (o *Options) withDefaults() Options {
	var d Options
	if o != nil {
		d = *o
	}
	if d.LR == 0 {
		d.LR = 0.01
	}
	if d.Iters == 0 {
		d.Iters = 1000
	}
	if d.Restarts == 0 {
		d.Restarts = 10
	}
	if len(d.Init) > d.Restarts {
		d.Restarts = len(d.Init)
	}
	if d.InitScale == 0 {
		d.InitScale = 1
	}
	if d.Workers <= 0 {
		d.Workers = runtime.GOMAXPROCS(0)
	}
	if d.Tol == 0 {
		d.Tol = 1e-20
	}
	return d
}

// MaxRestarts is the largest Options.Restarts accepted: every restart's
// result is kept until the best is chosen, so the count bounds memory.
const MaxRestarts = 1 << 20

func (o *Options) validate(k int) error {
	if o.LR < 0 || math.IsNaN(o.LR) || math.IsInf(o.LR, 0) {
		return fmt.Errorf("learning rate %v must be positive and finite", o.LR)
	}
	if o.Iters < 0 {
		return fmt.Errorf("iterations %d must be non-negative", o.Iters)
	}
	if o.Restarts < 0 || o.Restarts > MaxRestarts {
		return fmt.Errorf("restarts %d must be in [0, %d]", o.Restarts, MaxRestarts)
	}
	if o.Lambda < 0 || math.IsNaN(o.Lambda) || math.IsInf(o.Lambda, 0) {
		return fmt.Errorf("z-prior weight %v must be non-negative and finite", o.Lambda)
	}
	if o.InitScale < 0 || math.IsNaN(o.InitScale) || math.IsInf(o.InitScale, 0) {
		return fmt.Errorf("init scale %v must be non-negative and finite", o.InitScale)
	}
	if o.Optimizer < Adam || o.Optimizer > Momentum {
		return fmt.Errorf("unknown optimizer %v", o.Optimizer)
	}
	for i, z := range o.Init {
		if len(z) != k {
			return fmt.Errorf("initial point %d has length %d, want latent dimension %d", i, len(z), k)
		}
		for _, v := range z {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("initial point %d has a non-finite entry", i)
			}
		}
	}
	return nil
}

// Result is the outcome of CSGM, PGD or Project.
type Result struct {
	// Z is the chosen latent vector and X = G(Z).
	Z, X []float64
	// Loss is the measurement loss ||A X - y||^2 (for Project, ||X - x||^2).
	Loss float64
	// Objective is Loss + Lambda ||Z||^2.
	Objective float64
	// Restart is the index of the restart that produced Z.
	Restart int
	// Iterations is the number of gradient steps of that restart (for PGD,
	// outer iterations).
	Iterations int
	// History is the objective before each step of the chosen restart (for
	// PGD, the loss after each outer iteration).
	History []float64
	// Status says why the chosen restart stopped.
	Status Status
	// Losses holds the final measurement loss of every restart, in restart
	// order (for studying how many restarts are needed).
	Losses []float64
}

// CSGM recovers x = G(z) from y = A x + noise by minimising
// ||A G(z) - y||^2 + Lambda ||z||^2 over z (Bora, Jalal, Price, Dimakis
// 2017) from Restarts starts, keeping the restart with the lowest
// measurement loss (ties to the lower index). Within a restart the iterate
// with the lowest objective is kept. Restarts run in parallel, so G and A
// must be safe for concurrent use (nn.Network and the linop operators are);
// the result is the same for any worker count.
//
// Errors report invalid options or mismatched dimensions; hitting the
// iteration limit is a Status, not an error.
func CSGM(G Generator, A linop.Operator, y []float64, opt *Options) (Result, error) {
	return CSGMContext(context.Background(), G, A, y, opt)
}

// CSGMContext is CSGM with cancellation: it returns ctx.Err() if ctx is
// done before all restarts finish.
func CSGMContext(ctx context.Context, G Generator, A linop.Operator, y []float64, opt *Options) (Result, error) {
	k, n := G.Dims()
	m, an := A.Dims()
	if an != n {
		return Result{}, fmt.Errorf("csgm: operator takes vectors of length %d but the generator outputs %d", an, n)
	}
	if len(y) != m {
		return Result{}, fmt.Errorf("csgm: y has length %d, operator has %d rows", len(y), m)
	}
	for i, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Result{}, fmt.Errorf("csgm: y[%d] is %v", i, v)
		}
	}
	o := opt.withDefaults()
	if err := o.validate(k); err != nil {
		return Result{}, fmt.Errorf("csgm: %w", err)
	}
	return run(ctx, G, A, y, &o)
}

// run executes all restarts on o.Workers goroutines and picks the best.
func run(ctx context.Context, G Generator, A linop.Operator, y []float64, o *Options) (Result, error) {
	res := make([]Result, o.Restarts)
	if o.Restarts == 0 {
		return Result{}, errors.New("no restarts")
	}
	next := make(chan int)
	var wg sync.WaitGroup
	workers := min(o.Workers, o.Restarts)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range next {
				res[r] = restart(ctx, G, A, y, o, r)
			}
		}()
	}
feed:
	for r := 0; r < o.Restarts; r++ {
		select {
		case next <- r:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	best := 0
	losses := make([]float64, len(res))
	for r := range res {
		losses[r] = res[r].Loss
		if less(res[r].Loss, res[best].Loss) {
			best = r
		}
	}
	out := res[best]
	out.Losses = losses
	return out, nil
}

// less orders losses with NaN last.
func less(a, b float64) bool {
	if math.IsNaN(b) {
		return !math.IsNaN(a)
	}
	return a < b
}

func dot(a, b []float64) float64 { return floats.Dot(a, b) }

// streamStarts labels the random-start stream so that starts never coincide
// with data a caller draws from rng.New(seed, r) with the same seed.
const streamStarts uint64 = 0x6373676d // "csgm"

// startPoint returns the start of restart r.
func startPoint(o *Options, k, r int) []float64 {
	z := make([]float64, k)
	if r < len(o.Init) {
		copy(z, o.Init[r])
		return z
	}
	src := rng.New(o.Seed, streamStarts, uint64(r))
	for i := range z {
		z[i] = o.InitScale * src.NormFloat64()
	}
	return z
}

// objective evaluates the loss at z and, when grad != nil, the gradient
// 2 J^T A^T (A G(z) - y) + 2 Lambda z. Buffers are reused.
type evaluator struct {
	G      Generator
	A      linop.Operator
	y      []float64
	lambda float64
	x, ax  []float64
	atr    []float64
}

// forwardVJPer is implemented by generators (such as *nn.Network) that
// compute G(z) and J^T cot(G(z)) with one forward pass.
type forwardVJPer interface {
	ForwardVJP(dstX, dstG, z []float64, cot func(x []float64) []float64) (x, g []float64)
}

func (e *evaluator) eval(z, grad []float64) (loss, obj float64) {
	residual := func(x []float64) {
		e.ax = e.A.Apply(e.ax, x)
		for i := range e.ax {
			e.ax[i] -= e.y[i]
		}
		loss = dot(e.ax, e.ax)
	}
	if fv, ok := e.G.(forwardVJPer); ok && grad != nil {
		e.x, _ = fv.ForwardVJP(e.x, grad, z, func(x []float64) []float64 {
			residual(x)
			e.atr = e.A.ApplyAdjoint(e.atr, e.ax)
			return e.atr
		})
	} else {
		e.x = e.G.Forward(e.x, z)
		residual(e.x)
		if grad != nil {
			e.atr = e.A.ApplyAdjoint(e.atr, e.ax)
			e.G.VJP(grad, z, e.atr)
		}
	}
	obj = loss + e.lambda*dot(z, z)
	for i := range grad {
		grad[i] = 2*grad[i] + 2*e.lambda*z[i]
	}
	return loss, obj
}

const (
	stallWindow = 200
	stallRel    = 1e-9
)

// restart runs one optimisation from start r.
func restart(ctx context.Context, G Generator, A linop.Operator, y []float64, o *Options, r int) Result {
	k, _ := G.Dims()
	z := startPoint(o, k, r)
	e := &evaluator{G: G, A: A, y: y, lambda: o.Lambda}
	ynorm2 := dot(y, y)
	grad := make([]float64, k)
	m1 := make([]float64, k)
	m2 := make([]float64, k)
	zbest := append([]float64(nil), z...)
	bestObj, bestLoss := math.Inf(1), math.Inf(1)
	var hist []float64
	status := IterationLimit
	steps := 0
	lastImprove, refObj := 0, math.Inf(1)
	for it := 0; ; it++ {
		last := it == o.Iters
		var g []float64
		if !last {
			g = grad
		}
		loss, obj := e.eval(z, g)
		if !o.NoHistory {
			hist = append(hist, obj)
		}
		if math.IsNaN(obj) || math.IsInf(obj, 0) || !finite.All(g) {
			status = Diverged
			break
		}
		if obj < bestObj {
			bestObj, bestLoss = obj, loss
			copy(zbest, z)
		}
		if o.Tol > 0 && loss <= o.Tol*ynorm2 {
			status = Converged
			break
		}
		if last {
			break
		}
		if bestObj < refObj*(1-stallRel) {
			refObj, lastImprove = bestObj, it
		} else if it-lastImprove >= stallWindow {
			status = Stalled
			break
		}
		if it%64 == 0 && ctx.Err() != nil {
			break
		}
		switch o.Optimizer {
		case Adam:
			adam.Step(z, grad, m1, m2, steps+1, o.LR)
		case GD:
			for i, gi := range grad {
				z[i] -= o.LR * gi
			}
		case Momentum:
			for i, gi := range grad {
				m1[i] = 0.9*m1[i] - o.LR*gi
				z[i] += m1[i]
			}
		}
		steps++
	}
	x := G.Forward(nil, zbest)
	return Result{Z: zbest, X: x, Loss: bestLoss, Objective: bestObj, Restart: r,
		Iterations: steps, History: hist, Status: status}
}

// identity is the identity operator on R^n.
type identity int

// Dims returns (n, n).
func (d identity) Dims() (int, int) { return int(d), int(d) }

// Apply copies x.
func (d identity) Apply(dst, x []float64) []float64 {
	if len(dst) != len(x) {
		dst = make([]float64, len(x))
	}
	copy(dst, x)
	return dst
}

// ApplyAdjoint copies y.
func (d identity) ApplyAdjoint(dst, y []float64) []float64 { return d.Apply(dst, y) }

// Project returns the (approximate) projection of x onto the range of G:
// it minimises ||G(z) - x||^2 + Lambda ||z||^2 over z with the same
// optimiser, restarts and selection as CSGM (A = identity).
func Project(G Generator, x []float64, opt *Options) (Result, error) {
	return ProjectContext(context.Background(), G, x, opt)
}

// ProjectContext is Project with cancellation.
func ProjectContext(ctx context.Context, G Generator, x []float64, opt *Options) (Result, error) {
	_, n := G.Dims()
	if len(x) != n {
		return Result{}, fmt.Errorf("project: x has length %d, generator outputs %d", len(x), n)
	}
	r, err := CSGMContext(ctx, G, identity(n), x, opt)
	if err != nil {
		return Result{}, fmt.Errorf("project: %w", err)
	}
	return r, nil
}
