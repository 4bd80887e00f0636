// Package gspstudy measures the paper's claim that generative models
// generalise sparsity: it recovers k-sparse vectors from m Gaussian
// measurements by CSGM through the network G_sp of Theorem 1.2 (random
// restarts, and smarter starts), against Lasso and OMP on the same
// instances, and against the exact global minimiser of ||A G(z) - y|| over
// the range of G_sp, computed by enumeration.
package gspstudy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"

	"gonum.org/v1/gonum/mat"

	"github.com/gencs/gencs/construct"
	"github.com/gencs/gencs/genrec"
	"github.com/gencs/gencs/internal/rng"
	"github.com/gencs/gencs/internal/vec"
	"github.com/gencs/gencs/linop"
	"github.com/gencs/gencs/sparse"
)

// Methods compared, in table order.
const (
	// MethodCSGM is CSGM through G_sp from random starts only.
	MethodCSGM = "csgm"
	// MethodCSGMSmart is CSGM with two informed starts added: the preimage
	// of the hard-thresholded back-projection H_k(c A^T y) and the preimage
	// of the OMP estimate.
	MethodCSGMSmart = "csgm+init"
	// MethodCSGMSwap continues from the csgm+init estimate with a local
	// search across sectors: it moves one latent pair from its output to
	// one of the coordinates most correlated with the residual (a preimage
	// start), refines by CSGM, and keeps the move if the loss drops — the
	// step gradient descent cannot take, since crossing sectors passes
	// through the pair's "off" state.
	MethodCSGMSwap = "csgm+swap"
	// MethodLasso is FISTA on the Lasso with a small lambda.
	MethodLasso = "lasso"
	// MethodOMP is orthogonal matching pursuit with K = k.
	MethodOMP = "omp"
	// MethodExact is the global minimiser of ||A G(z) - y|| over z.
	MethodExact = "exact"
)

// AllMethods lists the methods in table order.
var AllMethods = []string{MethodCSGM, MethodCSGMSmart, MethodCSGMSwap, MethodLasso, MethodOMP, MethodExact}

// method indices in AllMethods
const (
	iCSGM = iota
	iSmart
	iSwap
	iLasso
	iOMP
	iExact
	nMethods
)

// Config configures Run. Zero fields take the defaults noted.
type Config struct {
	// Sizes are the (n, k) pairs; default {20, 2}, {40, 3}.
	Sizes [][2]int
	// Ms are the measurement counts; default 2k .. n in about 9 steps
	// (per size; counts above n are dropped).
	Ms []int
	// Trials per (n, k, m); default 20.
	Trials int
	// Restarts of CSGM; default 10. Iters per restart; default 500.
	Restarts, Iters int
	// LR is Adam's learning rate; default 0.1 (0.01 is too small to
	// converge within the narrow sectors of G_sp for n >= 20 in 500 steps).
	LR float64
	// SuccessTol: a recovery succeeds when ||x̂ - x||/||x|| <= SuccessTol;
	// default 1e-2, or 3·Noise when that is larger.
	SuccessTol float64
	// Noise adds Gaussian noise e to the measurements with
	// ||e|| ≈ Noise·||A x|| (default 0: noiseless).
	Noise float64
	// Seed drives everything.
	Seed uint64
	// Workers run trials in parallel (default GOMAXPROCS); the results do
	// not depend on it.
	Workers int
	// ExactMaxSupports skips the exact minimiser when C(n, k) exceeds it;
	// default 1e5.
	ExactMaxSupports int
	// Progress, if set, is called after each finished trial.
	Progress func(done, total int) `json:"-"`
}

// Cell aggregates the trials of one (n, k, m, method).
type Cell struct {
	N, K, M int
	Method  string
	Trials  int
	// Success is the fraction of trials recovered to SuccessTol.
	Success float64
	// MedianErr is the median relative error.
	MedianErr Float
	// RestartSuccess (CSGM methods) is the fraction of individual restarts
	// whose final measurement loss was below 1e-6 ||y||^2 (a restart that
	// found the global minimum); 1/RestartSuccess estimates the restarts
	// needed.
	RestartSuccess float64 `json:",omitempty"`
	// WrongSupport (CSGM methods) is the fraction of trials that failed with
	// an estimate whose k largest entries are not the true support (stuck in
	// wrong sectors); the other failures had the right support but stopped
	// short.
	WrongSupport float64 `json:",omitempty"`
}

// Summary gives, per (n, k) and method, the m at which success reaches
// 50% (linear interpolation on the grid; NaN if never) and k ln n.
type Summary struct {
	N, K   int
	Method string
	M50    Float
	KLogN  float64
}

// Result is the outcome of Run.
type Result struct {
	Config    Config
	Cells     []Cell
	Summary   []Summary
	Landscape []Landscape
}

// Landscape measures how many random restarts CSGM through G_sp needs in
// the easiest case, m = n: the fraction of individual restarts that reach
// the global minimum, against k!/(2(n+1))^k, the probability that k
// uniformly random latent angles fall in the k right sectors (each of
// width about π/(n+1) of 2π) — a pair cannot leave its starting sector when
// that sector's column reduces the residual, because crossing a boundary
// passes through the pair's "off" state, which is worse.
type Landscape struct {
	N, K, M, Instances, Restarts int
	// RestartSuccess is the measured fraction of restarts that succeeded.
	RestartSuccess float64
	// Theory is k!/(2(n+1))^k.
	Theory float64
	// RestartsFor50 is ln 2 / RestartSuccess, the restarts needed for a 50%
	// chance (Inf if none succeeded).
	RestartsFor50 Float
}

// Float is a float64 that encodes NaN and ±Inf as JSON null.
type Float float64

// MarshalJSON encodes finite values as numbers and others as null.
func (f Float) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(v)
}

// LandscapeSizes are the default sizes of RunLandscape: small enough that
// single restarts succeed often enough to count.
var LandscapeSizes = [][2]int{{5, 1}, {10, 1}, {20, 1}, {5, 2}, {10, 2}}

// RunLandscape measures Landscape for each of sizes (nil means
// LandscapeSizes) with the given number of restarts per instance, using
// cfg's seed, learning rate, iterations and workers (CSGM parallelises the
// restarts; results do not depend on the worker count).
func RunLandscape(ctx context.Context, cfg Config, sizes [][2]int, instances, restarts int) ([]Landscape, error) {
	cfg.defaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if instances < 1 || restarts < 1 {
		return nil, fmt.Errorf("gspstudy: landscape needs instances >= 1 and restarts >= 1 (got %d and %d)", instances, restarts)
	}
	if sizes == nil {
		sizes = LandscapeSizes
	}
	var out []Landscape
	for _, s := range sizes {
		n, k := s[0], s[1]
		g, err := construct.Gsp(n, k)
		if err != nil {
			return nil, err
		}
		L := Landscape{N: n, K: k, M: n, Instances: instances, Restarts: restarts}
		for t := 0; t < instances; t++ {
			x, A, err := instance(cfg.Seed^0x6c616e64, job{n: n, k: k, m: n, trial: t})
			if err != nil {
				return nil, err
			}
			y := A.Apply(nil, x)
			yy := 0.0
			for _, v := range y {
				yy += v * v
			}
			res, err := genrec.CSGMContext(ctx, g, A, y, &genrec.Options{LR: cfg.LR, Iters: cfg.Iters, Restarts: restarts,
				Workers: cfg.Workers, Seed: rng.Derive(cfg.Seed, 0x6c, uint64(n), uint64(k), uint64(t)), NoHistory: true})
			if err != nil {
				return nil, err
			}
			L.RestartSuccess += fracBelow(res.Losses, 1e-6*yy)
		}
		L.RestartSuccess /= float64(instances)
		f := 1.0
		for i := 2; i <= k; i++ {
			f *= float64(i)
		}
		L.Theory = f / math.Pow(2*float64(n+1), float64(k))
		L.RestartsFor50 = Float(math.Ln2 / L.RestartSuccess)
		out = append(out, L)
	}
	return out, nil
}

// validate rejects non-finite or out-of-range settings (after defaults).
func (c *Config) validate() error {
	switch {
	case math.IsNaN(c.LR) || math.IsInf(c.LR, 0):
		return fmt.Errorf("gspstudy: learning rate %v must be positive and finite", c.LR)
	case !(c.Noise >= 0 && c.Noise < 1):
		return fmt.Errorf("gspstudy: noise %v must be in [0, 1)", c.Noise)
	case math.IsNaN(c.SuccessTol) || math.IsInf(c.SuccessTol, 0):
		return fmt.Errorf("gspstudy: success tolerance %v must be positive and finite", c.SuccessTol)
	case c.Restarts > genrec.MaxRestarts:
		return fmt.Errorf("gspstudy: %d restarts exceed the limit %d", c.Restarts, genrec.MaxRestarts)
	}
	// Every (size, m, trial) job is listed up front: bound their number.
	ms := max(len(c.Ms), 9) // DefaultMs gives at most 9 values
	if jobs := float64(len(c.Sizes)) * float64(ms) * float64(c.Trials); jobs > maxJobs {
		return fmt.Errorf("gspstudy: %d sizes x %d measurement counts x %d trials is more than %g trials", len(c.Sizes), ms, c.Trials, float64(maxJobs))
	}
	return nil
}

// maxJobs bounds the number of trials of one study.
const maxJobs = 1e7

func (c *Config) defaults() {
	if len(c.Sizes) == 0 {
		c.Sizes = [][2]int{{20, 2}, {40, 3}}
	}
	if c.Trials <= 0 {
		c.Trials = 20
	}
	if c.Restarts <= 0 {
		c.Restarts = 10
	}
	if c.Iters <= 0 {
		c.Iters = 500
	}
	if c.LR <= 0 {
		c.LR = 0.1
	}
	if c.SuccessTol <= 0 {
		c.SuccessTol = math.Max(1e-2, 3*c.Noise)
	}
	if c.Workers <= 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	if c.ExactMaxSupports <= 0 {
		c.ExactMaxSupports = 100000
	}
}

// DefaultMs returns the default measurement grid for (n, k).
func DefaultMs(n, k int) []int {
	var ms []int
	lo := 2 * k
	for i := 0; i < 9; i++ {
		m := int(math.Round(float64(lo) * math.Pow(float64(n)/float64(lo), float64(i)/8)))
		if len(ms) == 0 || m > ms[len(ms)-1] {
			ms = append(ms, m)
		}
	}
	return ms
}

type job struct {
	size, n, k, m, trial int
}

type trialOut struct {
	err     [nMethods]float64 // relative error per method (AllMethods order)
	restart [2]float64        // fraction of successful restarts (csgm, csgm+init)
	wrong   [nMethods]bool
	skipped bool // exact skipped
}

// Run executes the study.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	cfg.defaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	var jobs []job
	msFor := map[int][]int{}
	for si, s := range cfg.Sizes {
		n, k := s[0], s[1]
		if n < 1 || k < 1 || k > n {
			return nil, fmt.Errorf("gspstudy: invalid size n=%d k=%d (need 1 <= k <= n)", n, k)
		}
		ms := cfg.Ms
		if len(ms) == 0 {
			ms = DefaultMs(n, k)
		}
		var keep []int
		for _, m := range ms {
			if m >= 1 && m <= n {
				keep = append(keep, m)
			}
		}
		if len(keep) == 0 {
			return nil, fmt.Errorf("gspstudy: no measurement count in 1..n=%d", n)
		}
		msFor[si] = keep
		for _, m := range keep {
			for t := 0; t < cfg.Trials; t++ {
				jobs = append(jobs, job{si, n, k, m, t})
			}
		}
	}
	outs := make([]trialOut, len(jobs))
	gens := map[int]*construct.GspNet{}
	for si, s := range cfg.Sizes {
		g, err := construct.Gsp(s[0], s[1])
		if err != nil {
			return nil, err
		}
		gens[si] = g
	}
	var (
		mu       sync.Mutex
		done     int
		firstErr error
		wg       sync.WaitGroup
	)
	next := make(chan int)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// More goroutines than jobs would only idle (results do not depend on
	// the count).
	for w := 0; w < min(cfg.Workers, max(1, len(jobs))); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				o, err := runTrial(ctx, &cfg, gens[jobs[i].size], jobs[i])
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
					cancel()
				}
				outs[i] = o
				done++
				if cfg.Progress != nil {
					cfg.Progress(done, len(jobs))
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for i := range jobs {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res := &Result{Config: cfg}
	idx := 0
	for si, s := range cfg.Sizes {
		n, k := s[0], s[1]
		for _, m := range msFor[si] {
			group := outs[idx : idx+cfg.Trials]
			idx += cfg.Trials
			for mi, method := range AllMethods {
				c := Cell{N: n, K: k, M: m, Method: method}
				var errs []float64
				for _, o := range group {
					if mi == iExact && o.skipped {
						continue
					}
					errs = append(errs, o.err[mi])
					if o.err[mi] <= cfg.SuccessTol {
						c.Success++
					} else if mi <= iSwap && o.wrong[mi] {
						c.WrongSupport++
					}
					if mi < 2 {
						c.RestartSuccess += o.restart[mi]
					}
				}
				if len(errs) == 0 {
					continue
				}
				c.Trials = len(errs)
				c.Success /= float64(c.Trials)
				c.WrongSupport /= float64(c.Trials)
				c.RestartSuccess /= float64(c.Trials)
				sort.Float64s(errs)
				c.MedianErr = Float(errs[len(errs)/2])
				res.Cells = append(res.Cells, c)
			}
		}
		for _, method := range AllMethods {
			var ms, succ []float64
			for _, c := range res.Cells {
				if c.N == n && c.K == k && c.Method == method {
					ms = append(ms, float64(c.M))
					succ = append(succ, c.Success)
				}
			}
			if len(ms) == 0 {
				continue
			}
			res.Summary = append(res.Summary, Summary{N: n, K: k, Method: method,
				M50: Float(crossing(ms, succ, 0.5)), KLogN: float64(k) * math.Log(float64(n))})
		}
	}
	return res, nil
}

// crossing returns the first m where the piecewise-linear success curve
// reaches level (NaN if never).
func crossing(ms, succ []float64, level float64) float64 {
	for i := range ms {
		if succ[i] >= level {
			if i == 0 {
				return ms[0]
			}
			return ms[i-1] + (level-succ[i-1])/(succ[i]-succ[i-1])*(ms[i]-ms[i-1])
		}
	}
	return math.NaN()
}

// instance draws x (k-sparse, uniform support, N(0,1) non-zeros) and A.
func instance(seed uint64, j job) ([]float64, *linop.Dense, error) {
	r := rng.New(seed, 0x78, uint64(j.n), uint64(j.k), uint64(j.m), uint64(j.trial))
	x := make([]float64, j.n)
	for _, i := range r.Perm(j.n)[:j.k] {
		for x[i] == 0 {
			x[i] = r.NormFloat64()
		}
	}
	A, err := linop.Gaussian(j.m, j.n, rng.Derive(seed, 0x41, uint64(j.n), uint64(j.k), uint64(j.m), uint64(j.trial)))
	return x, A, err
}

// relErr is vec.RelErr with NaN (a diverged estimate) reported as +Inf.
func relErr(xh, x []float64) float64 {
	if e := vec.RelErr(xh, x); !math.IsNaN(e) {
		return e
	}
	return math.Inf(1)
}

// topK returns the indices of the k largest |x_i|, sorted.
func topK(x []float64, k int) []int {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return math.Abs(x[idx[a]]) > math.Abs(x[idx[b]]) })
	s := append([]int(nil), idx[:k]...)
	sort.Ints(s)
	return s
}

func sameSupport(xh, x []float64, k int) bool {
	a, b := topK(xh, k), topK(x, k)
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// hardThreshold keeps the k largest entries of v.
func hardThreshold(v []float64, k int) []float64 {
	out := make([]float64, len(v))
	for _, i := range topK(v, k) {
		out[i] = v[i]
	}
	return out
}

func runTrial(ctx context.Context, cfg *Config, g *construct.GspNet, j job) (trialOut, error) {
	var o trialOut
	x, A, err := instance(cfg.Seed, j)
	if err != nil {
		return o, err
	}
	y := A.Apply(nil, x)
	yy := 0.0
	for _, v := range y {
		yy += v * v
	}
	if cfg.Noise > 0 {
		r := rng.New(cfg.Seed, 0x6e, uint64(j.n), uint64(j.k), uint64(j.m), uint64(j.trial))
		s := cfg.Noise * math.Sqrt(yy/float64(j.m))
		for i := range y {
			y[i] += s * r.NormFloat64()
		}
	}
	// OMP.
	omp, err := sparse.OMP(A, y, &sparse.Options{K: j.k, NoHistory: true})
	if err != nil {
		return o, fmt.Errorf("gspstudy: omp: %w", err)
	}
	o.err[iOMP] = relErr(omp.X, x)
	// Lasso (FISTA), small lambda.
	aty := A.ApplyAdjoint(nil, y)
	amax := 0.0
	for _, v := range aty {
		amax = math.Max(amax, math.Abs(v))
	}
	lasso, err := sparse.FISTA(A, y, &sparse.Options{Lambda: 1e-4 * amax, MaxIter: 5000, NoHistory: true, Seed: cfg.Seed})
	if err != nil {
		return o, fmt.Errorf("gspstudy: fista: %w", err)
	}
	o.err[iLasso] = relErr(lasso.X, x)
	// CSGM from random starts.
	seed := rng.Derive(cfg.Seed, 0x63, uint64(j.n), uint64(j.k), uint64(j.m), uint64(j.trial))
	opt := genrec.Options{LR: cfg.LR, Iters: cfg.Iters, Restarts: cfg.Restarts, Workers: 1, Seed: seed, NoHistory: true}
	res, err := genrec.CSGMContext(ctx, g, A, y, &opt)
	if err != nil {
		return o, fmt.Errorf("gspstudy: csgm: %w", err)
	}
	o.err[iCSGM] = relErr(res.X, x)
	o.wrong[0] = !sameSupport(res.X, x, j.k)
	lossTol := math.Max(1e-6, 2*cfg.Noise*cfg.Noise) * yy // noise floor of the loss
	o.restart[0] = fracBelow(res.Losses, lossTol)
	// CSGM with informed starts: preimages of H_k(c A^T y) and of OMP's x.
	ht := hardThreshold(aty, j.k)
	aht := A.Apply(nil, ht)
	num, den := 0.0, 0.0
	for i := range y {
		num += aht[i] * y[i]
		den += aht[i] * aht[i]
	}
	if den > 0 {
		for i := range ht {
			ht[i] *= num / den
		}
	}
	z1, err1 := g.Preimage(ht)
	z2, err2 := g.Preimage(hardThreshold(omp.X, j.k))
	if err := errors.Join(err1, err2); err != nil {
		return o, fmt.Errorf("gspstudy: start: %w", err)
	}
	opt.Init = [][]float64{z1, z2}
	res2, err := genrec.CSGMContext(ctx, g, A, y, &opt)
	if err != nil {
		return o, fmt.Errorf("gspstudy: csgm+init: %w", err)
	}
	o.err[iSmart] = relErr(res2.X, x)
	o.wrong[1] = !sameSupport(res2.X, x, j.k)
	o.restart[1] = fracBelow(res2.Losses, lossTol)
	// Local search across sectors from the csgm+init estimate.
	xs, err := SwapSearch(ctx, g, A, y, res2.Z, &genrec.Options{LR: cfg.LR, Iters: cfg.Iters, Workers: 1, Seed: seed, NoHistory: true})
	if err != nil {
		return o, fmt.Errorf("gspstudy: csgm+swap: %w", err)
	}
	o.err[iSwap] = relErr(xs, x)
	o.wrong[iSwap] = !sameSupport(xs, x, j.k)
	// Exact global minimiser over range(G_sp).
	if binom(j.n, j.k) > float64(cfg.ExactMaxSupports) {
		o.skipped = true
		o.err[iExact] = math.NaN()
	} else {
		xe := ExactMinimizer(A.M, y, j.k)
		o.err[iExact] = relErr(xe, x)
	}
	return o, nil
}

func fracBelow(losses []float64, t float64) float64 {
	if len(losses) == 0 {
		return 0
	}
	c := 0
	for _, l := range losses {
		if l <= t {
			c++
		}
	}
	return float64(c) / float64(len(losses))
}

func binom(n, k int) float64 {
	r := 1.0
	for i := 0; i < k; i++ {
		r = r * float64(n-i) / float64(i+1)
	}
	return r
}

// ExactMinimizer returns a global minimiser of ||A x - y|| over the range
// of G_sp(n, k), i.e. over all x with at most k non-zeros.
//
// Enumerating the sector choices of the latent pairs reduces to this: on a
// sector a pair's contribution is s·u·e_i with u >= 0 ranging over [0, ∞)
// (the gadget is positively homogeneous and reaches every value), so a
// choice of sectors (and "off" pairs) describes the cone of vectors with a
// given support and signs, and the union over sign choices of a support is
// the whole coordinate subspace. The minimum over the (2n+1)^k sector
// choices is therefore the minimum over supports S, |S| = min(k, m) of the
// unconstrained least squares on the columns S, which this computes
// (C(n, k) small solves; ties go to the first support in lexicographic
// order).
func ExactMinimizer(A *mat.Dense, y []float64, k int) []float64 {
	m, n := A.Dims()
	k = min(k, m, n)
	best := math.Inf(1)
	bestX := make([]float64, n)
	S := make([]int, k)
	yv := mat.NewVecDense(len(y), y)
	sub := mat.NewDense(m, k, nil)
	var coef, fit mat.VecDense
	var rec func(start, i int)
	rec = func(start, i int) {
		if i == k {
			for c, col := range S {
				for r := 0; r < m; r++ {
					sub.Set(r, c, A.At(r, col))
				}
			}
			var qr mat.QR
			qr.Factorize(sub)
			if err := qr.SolveVecTo(&coef, false, yv); err != nil {
				return
			}
			fit.MulVec(sub, &coef)
			fit.SubVec(&fit, yv)
			r := mat.Norm(&fit, 2)
			if r < best {
				best = r
				clear(bestX)
				for c, col := range S {
					bestX[col] = coef.AtVec(c)
				}
			}
			return
		}
		for s := start; s <= n-(k-i); s++ {
			S[i] = s
			rec(s+1, i+1)
		}
	}
	rec(0, 0)
	return bestX
}

// SwapCandidates is the number of residual-correlated coordinates
// SwapSearch tries per pair and round.
const SwapCandidates = 3

// SwapSearch improves a CSGM estimate G(z0) by local search across the
// sectors of G_sp: in each round, for every non-zero coordinate s of the
// current x = G(z) (and, if fewer than k are non-zero, for an empty slot)
// and each of the SwapCandidates coordinates i outside the support with the
// largest |A^T (y - A x)|_i, it starts CSGM (one run, opt's learning rate
// and iterations) from the preimage of x with x_s set to 0 and x_i to the
// one-step least-squares value, and moves to the best result if it lowers
// the loss. It stops when no move helps (at most 4k rounds) and returns the
// final G(z).
func SwapSearch(ctx context.Context, g *construct.GspNet, A linop.Operator, y, z0 []float64, opt *genrec.Options) ([]float64, error) {
	_, n := g.Dims()
	k := g.K()
	loss := func(x []float64) float64 {
		r := A.Apply(nil, x)
		s := 0.0
		for i := range r {
			d := r[i] - y[i]
			s += d * d
		}
		return s
	}
	x := g.Forward(nil, z0)
	best := loss(x)
	colNorm2 := make([]float64, n)
	e := make([]float64, n)
	for i := 0; i < n; i++ {
		e[i] = 1
		col := A.Apply(nil, e)
		e[i] = 0
		for _, v := range col {
			colNorm2[i] += v * v
		}
	}
	for round := 0; round < 4*k; round++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		r := A.Apply(nil, x)
		for i := range r {
			r[i] = y[i] - r[i]
		}
		c := A.ApplyAdjoint(nil, r)
		var supp, out []int
		for i := range x {
			if x[i] != 0 {
				supp = append(supp, i)
			} else {
				out = append(out, i)
			}
		}
		sort.SliceStable(out, func(a, b int) bool {
			return math.Abs(c[out[a]])/math.Sqrt(colNorm2[out[a]]) > math.Abs(c[out[b]])/math.Sqrt(colNorm2[out[b]])
		})
		out = out[:min(SwapCandidates, len(out))]
		drops := append([]int(nil), supp...)
		if len(supp) < k {
			drops = append(drops, -1)
		}
		improved := false
		var bestX []float64
		for _, s := range drops {
			for _, i := range out {
				x0 := append([]float64(nil), x...)
				if s >= 0 {
					x0[s] = 0
				}
				if colNorm2[i] > 0 {
					x0[i] = c[i] / colNorm2[i]
				}
				zs, err := g.Preimage(x0)
				if err != nil {
					return nil, err
				}
				o := *opt
				o.Init = [][]float64{zs}
				o.Restarts = 1
				res, err := genrec.CSGMContext(ctx, g, A, y, &o)
				if err != nil {
					return nil, err
				}
				if res.Loss < best*(1-1e-9) {
					best, bestX, improved = res.Loss, res.X, true
				}
			}
		}
		if !improved {
			break
		}
		x = bestX
	}
	return x, nil
}
