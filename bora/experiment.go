package bora

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gencs/gencs/data"
	"github.com/gencs/gencs/internal/rng"
	"github.com/gencs/gencs/linop"
	"github.com/gencs/gencs/nn"
	"github.com/gencs/gencs/sparse"
	"gonum.org/v1/gonum/mat"
)

// Method names.
const (
	MethodCSGM      = "csgm"
	MethodSparseGen = "sparse-gen"
	MethodLasso     = "lasso"
	MethodLassoDCT  = "lasso-dct"
	MethodOMP       = "omp"
)

// AllMethods lists the methods Run knows, in figure order.
var AllMethods = []string{MethodCSGM, MethodSparseGen, MethodLasso, MethodLassoDCT, MethodOMP}

// DefaultMs are Bora et al.'s measurement counts for MNIST.
var DefaultMs = []int{10, 25, 50, 100, 200, 300, 400, 500, 750}

// Config describes one comparison. The zero value of each field is a
// sensible default.
type Config struct {
	// Ms are the measurement counts (default DefaultMs).
	Ms []int
	// Images is the number of test images (default 10).
	Images int
	// Sigma is the standard deviation of the measurement noise per
	// entry (default 0.1, as Bora et al.; negative means no noise).
	Sigma float64
	// UnitA selects A with N(0, 1) entries (Bora et al.); false means
	// N(0, 1/m) entries. Config.AScale returns the name.
	UnitA bool
	// Seed drives the choice of test images, A, the noise and CSGM's starts.
	Seed uint64
	// CSGM configures CSGM and Sparse-Gen (zero value: Bora et al.'s defaults).
	CSGM CSGMOptions
	// SparseGenAlpha sets the l1 weight of Sparse-Gen's deviation nu:
	// SparseGenAlpha * v / sqrt(m), v the entry variance of A (default 2).
	// The 1/sqrt(m) follows the size of the noise in the nu-gradient,
	// (2/m) A^T e ~ 2 sigma sqrt(v/m) per entry, so that nu stays zero where
	// the measurements cannot resolve it (small m); 2 was tuned on MNIST
	// (held-out digits, m in {50, 200, 500}).
	SparseGenAlpha float64
	// LassoAlpha is scikit-learn's Lasso alpha as used by Bora et al.:
	// minimise (1/2m)||A x - y||^2 + alpha ||x||_1, scaled by the entry
	// variance of A (default 0.1).
	LassoAlpha float64
	// OMPK is the number of atoms OMP selects (0: m/4, sparse's default).
	OMPK int
	// LassoIters caps FISTA's iterations (default 3000).
	LassoIters int
	// Methods selects methods (default AllMethods).
	Methods []string
}

// AScale names the ensemble: "unit" (N(0,1)) or "1/m" (N(0,1/m)).
func (c Config) AScale() string {
	if c.UnitA {
		return "unit"
	}
	return "1/m"
}

// MaxSteps and MaxRestarts bound CSGMOptions.Steps and Restarts in
// Config.Validate, so that a typo cannot start a run of days.
const (
	MaxSteps    = 1000000
	MaxRestarts = 10000
)

// Validate checks what can be judged from the configuration alone, before
// any data or model is loaded: finite numbers in range, known method
// names, positive measurement counts and bounded work. Each error names the
// offending field. Run performs the checks that need the data (m <= pixels,
// images <= test split).
func (c Config) Validate() error {
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	switch {
	case !finite(c.Sigma):
		return fmt.Errorf("sigma %v must be finite", c.Sigma)
	case !finite(c.CSGM.LR) || c.CSGM.LR < 0:
		return fmt.Errorf("CSGM learning rate %v must be positive and finite", c.CSGM.LR)
	case !finite(c.CSGM.ZPrior):
		return fmt.Errorf("CSGM z-prior weight %v must be finite", c.CSGM.ZPrior)
	case !finite(c.SparseGenAlpha) || c.SparseGenAlpha < 0:
		return fmt.Errorf("Sparse-Gen alpha %v must be positive and finite", c.SparseGenAlpha)
	case !finite(c.LassoAlpha) || c.LassoAlpha < 0:
		return fmt.Errorf("Lasso alpha %v must be positive and finite", c.LassoAlpha)
	case c.Images < 0:
		return fmt.Errorf("images %d must be positive", c.Images)
	case c.CSGM.Steps < 0 || c.CSGM.Steps > MaxSteps:
		return fmt.Errorf("CSGM steps %d must be in 1..%d", c.CSGM.Steps, MaxSteps)
	case c.CSGM.Restarts < 0 || c.CSGM.Restarts > MaxRestarts:
		return fmt.Errorf("CSGM restarts %d must be in 1..%d", c.CSGM.Restarts, MaxRestarts)
	case c.OMPK < 0 || c.LassoIters < 0:
		return fmt.Errorf("OMPK %d and LassoIters %d must be >= 0", c.OMPK, c.LassoIters)
	}
	for _, m := range c.Ms {
		if m < 1 {
			return fmt.Errorf("measurement count %d must be >= 1", m)
		}
	}
	for _, me := range c.Methods {
		if !slices.Contains(AllMethods, me) {
			return fmt.Errorf("unknown method %q (want %s)", me, strings.Join(AllMethods, ", "))
		}
	}
	return nil
}

func (c Config) withDefaults() Config {
	if len(c.Ms) == 0 {
		c.Ms = DefaultMs
	}
	if c.Images == 0 {
		c.Images = 10
	}
	if c.Sigma == 0 {
		c.Sigma = 0.1
	} else if c.Sigma < 0 {
		c.Sigma = 0
	}
	if c.SparseGenAlpha == 0 {
		c.SparseGenAlpha = 2
	}
	if c.LassoAlpha == 0 {
		c.LassoAlpha = 0.1
	}
	if c.LassoIters == 0 {
		c.LassoIters = 3000
	}
	if len(c.Methods) == 0 {
		c.Methods = AllMethods
	}
	return c
}

// Cell is the outcome of one method at one measurement count.
type Cell struct {
	Method string `json:"method"`
	M      int    `json:"m"`
	// Mean is the mean over images of the per-pixel squared error
	// ||x - xhat||^2 / n; Lo and Hi bound its 95% confidence interval
	// (mean -+ 1.96 standard errors, the lower end clipped at 0 since
	// errors are non-negative).
	Mean float64 `json:"mean"`
	Lo   float64 `json:"lo"`
	Hi   float64 `json:"hi"`
	// Errors are the per-image errors.
	Errors  []float64 `json:"errors"`
	Seconds float64   `json:"seconds"`
}

// Results is the outcome of Run.
type Results struct {
	Config  Config   `json:"config"`
	Methods []string `json:"methods"`
	Ms      []int    `json:"ms"`
	// ImageIndex are the indices of the images in the test split.
	ImageIndex []int  `json:"image_index"`
	Labels     []int  `json:"labels"`
	Cells      []Cell `json:"cells"`
	// Originals holds the test images (rows); Estimates[method][i] the
	// estimates at Ms[i] (rows, same order). Not serialised.
	Originals *mat.Dense                `json:"-"`
	Estimates map[string][]*mat.Dense   `json:"-"`
	Rows      int                       `json:"rows"`
	Cols      int                       `json:"cols"`
	Extra     map[string]map[string]any `json:"extra,omitempty"`
}

// Cell returns the cell of method at m, or nil.
func (r *Results) Cell(method string, m int) *Cell {
	for i := range r.Cells {
		if r.Cells[i].Method == method && r.Cells[i].M == m {
			return &r.Cells[i]
		}
	}
	return nil
}

// Run measures cfg.Images test images of set (chosen at random from the
// seed) with a fresh Gaussian A for each m and recovers them with every
// method. G is the decoder (nil skips the generative methods). progress,
// if not nil, receives one line per finished (m, method).
func Run(ctx context.Context, G *nn.Network, set *data.Set, cfg Config, progress func(string)) (*Results, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("bora: %w", err)
	}
	cfg = cfg.withDefaults()
	n := set.Dim()
	if G != nil {
		if _, gn := G.Dims(); gn != n {
			return nil, fmt.Errorf("bora: generator outputs %d values, images have %d pixels", gn, n)
		}
	}
	for _, m := range cfg.Ms {
		if m < 1 || m > n {
			return nil, fmt.Errorf("bora: measurement count %d outside [1, %d]", m, n)
		}
	}
	known := map[string]bool{}
	for _, k := range AllMethods {
		known[k] = true
	}
	var methods []string
	for _, me := range cfg.Methods {
		if !known[me] {
			return nil, fmt.Errorf("bora: unknown method %q (want %s)", me, strings.Join(AllMethods, ", "))
		}
		if G == nil && (me == MethodCSGM || me == MethodSparseGen) {
			continue
		}
		methods = append(methods, me)
	}
	if cfg.Images < 1 || cfg.Images > set.Len() {
		return nil, fmt.Errorf("bora: %d images requested, the test split has %d", cfg.Images, set.Len())
	}
	idx := rng.New(cfg.Seed, 0x1a6e).Perm(set.Len())[:cfg.Images]
	sort.Ints(idx)
	X := mat.NewDense(cfg.Images, n, nil)
	res := &Results{Config: cfg, Methods: methods, Ms: cfg.Ms, ImageIndex: idx, Originals: X,
		Estimates: map[string][]*mat.Dense{}, Rows: set.Rows, Cols: set.Cols}
	for i, j := range idx {
		set.Image(X.RawRowView(i), j)
		res.Labels = append(res.Labels, int(set.Labels[j]))
	}
	var M *mat.Dense // IDCT2 matrix, built on first use
	for mi, m := range cfg.Ms {
		// A (m x n) and noisy measurements Y (rows y_i = A x_i + e_i).
		g, err := linop.Gaussian(m, n, rng.Derive(cfg.Seed, 0xa, uint64(m)))
		if err != nil {
			return nil, err
		}
		A := g.M
		variance := 1 / float64(m)
		if cfg.UnitA {
			A.Scale(math.Sqrt(float64(m)), A)
			variance = 1
		}
		Y := mat.NewDense(cfg.Images, m, nil)
		Y.Mul(X, A.T())
		noise := rng.New(cfg.Seed, 0xe, uint64(m))
		for i := range Y.RawMatrix().Data {
			Y.RawMatrix().Data[i] += cfg.Sigma * noise.NormFloat64()
		}
		for _, me := range methods {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			start := time.Now()
			var est *mat.Dense
			switch me {
			case MethodCSGM, MethodSparseGen:
				o := cfg.CSGM
				o.Seed = rng.Derive(cfg.Seed, 0xc5, uint64(m))
				if me == MethodSparseGen {
					o.SparseL1 = cfg.SparseGenAlpha * variance / math.Sqrt(float64(m))
				}
				r, err := BatchCSGM(ctx, G, A, Y, &o)
				if err != nil {
					return nil, fmt.Errorf("%s at m=%d: %w", me, m, err)
				}
				est = r.X
			case MethodLasso, MethodOMP:
				est, err = solveEach(ctx, linop.NewDense(A), Y, n, me, cfg, m, variance, nil)
			case MethodLassoDCT:
				if M == nil {
					M = IDCT2Matrix(set.Rows, set.Cols)
				}
				B := mat.NewDense(m, n, nil)
				B.Mul(A, M)
				est, err = solveEach(ctx, linop.NewDense(B), Y, n, me, cfg, m, variance, M)
			}
			if err != nil {
				return nil, fmt.Errorf("%s at m=%d: %w", me, m, err)
			}
			clip01(est)
			errs := make([]float64, cfg.Images)
			for i := range errs {
				errs[i] = mse(X.RawRowView(i), est.RawRowView(i))
			}
			c := summarise(me, m, errs)
			c.Seconds = time.Since(start).Seconds()
			res.Cells = append(res.Cells, c)
			if res.Estimates[me] == nil {
				res.Estimates[me] = make([]*mat.Dense, len(cfg.Ms))
			}
			res.Estimates[me][mi] = est
			if progress != nil {
				progress(fmt.Sprintf("m=%-4d %-10s error %.4f [%.4f, %.4f]  %.1fs", m, me, c.Mean, c.Lo, c.Hi, c.Seconds))
			}
		}
	}
	return res, nil
}

// solveEach runs the Lasso (FISTA) or OMP for every row of Y, two images at
// a time; with basis M the solution is mapped back, x = M theta.
func solveEach(ctx context.Context, A linop.Operator, Y *mat.Dense, n int, method string, cfg Config, m int, variance float64, M *mat.Dense) (*mat.Dense, error) {
	nimg, _ := Y.Dims()
	out := mat.NewDense(nimg, n, nil)
	errs := make([]error, nimg)
	workers := min(runtime.GOMAXPROCS(0), nimg)
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				y := mat.Row(nil, i, Y)
				var r sparse.Result
				var err error
				if method == MethodOMP {
					r, err = sparse.OMP(A, y, &sparse.Options{K: cfg.OMPK, NoHistory: true})
				} else {
					// scikit-learn's (1/2m)||Ax-y||^2 + alpha||x||_1 is
					// 0.5||Ax-y||^2 + (m alpha)||x||_1 up to the factor m.
					lambda := cfg.LassoAlpha * float64(m) * variance
					r, err = sparse.FISTA(A, y, &sparse.Options{Lambda: lambda, MaxIter: cfg.LassoIters, Tol: 1e-6, NoHistory: true})
				}
				if err != nil {
					errs[i] = err
					continue
				}
				x := r.X
				if M != nil {
					x = make([]float64, n)
					mat.NewVecDense(n, x).MulVec(M, mat.NewVecDense(n, r.X))
				}
				copy(out.RawRowView(i), x)
			}
		}()
	}
	for i := 0; i < nimg; i++ {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("image %d: %w", i, err)
		}
	}
	return out, nil
}

func clip01(x *mat.Dense) {
	d := x.RawMatrix().Data
	for i, v := range d {
		d[i] = math.Min(1, math.Max(0, v))
	}
}

func mse(a, b []float64) float64 {
	var s float64
	for i := range a {
		d := a[i] - b[i]
		s += d * d
	}
	return s / float64(len(a))
}

func summarise(method string, m int, errs []float64) Cell {
	n := float64(len(errs))
	var mean float64
	for _, e := range errs {
		mean += e
	}
	mean /= n
	var ss float64
	for _, e := range errs {
		ss += (e - mean) * (e - mean)
	}
	half := 0.0
	if len(errs) > 1 {
		half = 1.96 * math.Sqrt(ss/(n-1)/n)
	}
	return Cell{Method: method, M: m, Mean: mean, Lo: math.Max(mean-half, 0), Hi: mean + half, Errors: errs}
}

// MeasurementsFor returns the number of measurements a method needs to reach
// mean error target, interpolating linearly between the measured counts (the
// first crossing). ok is false if no measured count reaches the target.
func (r *Results) MeasurementsFor(method string, target float64) (m float64, ok bool) {
	prevM, prevE := 0.0, math.Inf(1)
	for _, mm := range r.Ms {
		c := r.Cell(method, mm)
		if c == nil {
			continue
		}
		if c.Mean <= target {
			if math.IsInf(prevE, 1) {
				return float64(mm), true
			}
			// Interpolate between (prevM, prevE) and (mm, c.Mean).
			t := (prevE - target) / (prevE - c.Mean)
			return prevM + t*(float64(mm)-prevM), true
		}
		prevM, prevE = float64(mm), c.Mean
	}
	return 0, false
}

// RatioRow is one line of the measurement-ratio table.
type RatioRow struct {
	Target float64 `json:"target_error"`
	// Needed maps a method to the measurements it needs (0 if not reached).
	Needed map[string]float64 `json:"needed"`
	// Ratio is Needed[lasso] / Needed[csgm] (0 if either is missing);
	// RatioDCT uses lasso-dct.
	Ratio    float64 `json:"lasso_over_csgm"`
	RatioDCT float64 `json:"lasso_dct_over_csgm"`
}

// RatioTable returns, for each target error, the measurements each method
// needs and the ratio Lasso / CSGM.
func (r *Results) RatioTable(targets []float64) []RatioRow {
	var out []RatioRow
	for _, t := range targets {
		row := RatioRow{Target: t, Needed: map[string]float64{}}
		for _, me := range r.Methods {
			if m, ok := r.MeasurementsFor(me, t); ok {
				row.Needed[me] = m
			}
		}
		if c := row.Needed[MethodCSGM]; c > 0 {
			row.Ratio = row.Needed[MethodLasso] / c
			row.RatioDCT = row.Needed[MethodLassoDCT] / c
		}
		out = append(out, row)
	}
	return out
}

// DefaultTargets picks target errors for the ratio table: the errors CSGM
// reaches at its measured counts from the second upwards, rounded, within
// the range where some Lasso also gets.
func (r *Results) DefaultTargets() []float64 {
	var ts []float64
	seen := map[float64]bool{}
	for _, m := range r.Ms {
		c := r.Cell(MethodCSGM, m)
		if c == nil {
			continue
		}
		t := roundSig(c.Mean*1.1, 2)
		if !seen[t] {
			seen[t] = true
			ts = append(ts, t)
		}
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(ts)))
	if len(ts) > 5 {
		ts = ts[:5]
	}
	return ts
}

func roundSig(x float64, d int) float64 {
	if x == 0 {
		return 0
	}
	p := math.Pow(10, float64(d)-math.Ceil(math.Log10(math.Abs(x))))
	return math.Round(x*p) / p
}
