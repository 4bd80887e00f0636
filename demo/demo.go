// Package demo runs gencs's main job on built-in defaults: a synthetic
// compressed-sensing problem (Gaussian A, k-sparse x, small noise) solved by
// every sparse solver, summarised as a table and a figure.
package demo

import (
	"context"
	"fmt"
	"io"
	"math"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/gencs/gencs/internal/rng"
	"github.com/gencs/gencs/internal/vec"
	"github.com/gencs/gencs/linop"
	"github.com/gencs/gencs/sparse"
)

// Options sets the problem size. The zero value is the default demo:
// n = 1000, m = 200, k = 20, noise sigma = 1e-3, seed 1, every solver.
type Options struct {
	N, M, K int
	// Sigma is the standard deviation of the Gaussian noise added to each
	// measurement. Negative means no noise; zero means the default 1e-3.
	Sigma float64
	// Seed drives the matrix, the signal and the noise. Zero means 1.
	Seed uint64
	// Methods lists the solvers to run; nil means sparse.Methods().
	Methods []string
}

func (o Options) withDefaults() Options {
	if o.N == 0 {
		o.N = 1000
	}
	if o.M == 0 {
		o.M = 200
	}
	if o.K == 0 {
		o.K = 20
	}
	if o.Sigma == 0 {
		o.Sigma = 1e-3
	}
	if o.Sigma < 0 {
		o.Sigma = 0
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Methods == nil {
		o.Methods = sparse.Methods()
	}
	return o
}

// Validate reports impossible parameters.
func (o Options) Validate() error {
	o = o.withDefaults()
	switch {
	case o.N < 1:
		return fmt.Errorf("n = %d: need n >= 1", o.N)
	case o.M < 1:
		return fmt.Errorf("m = %d: need m >= 1", o.M)
	case o.K < 1:
		return fmt.Errorf("k = %d: need k >= 1", o.K)
	case o.K > o.N:
		return fmt.Errorf("k = %d > n = %d: a signal cannot have more non-zeros than entries", o.K, o.N)
	case math.IsNaN(o.Sigma) || math.IsInf(o.Sigma, 0):
		return fmt.Errorf("sigma = %v: need a finite noise level", o.Sigma)
	}
	return nil
}

// Row is one solver's outcome.
type Row struct {
	Method string `json:"method"`
	// RelErr is ||x̂ - x|| / ||x||.
	RelErr float64 `json:"rel_error"`
	// SupportFound counts true support indices among the k largest |x̂_i|.
	SupportFound int           `json:"support_found"`
	Iterations   int           `json:"iterations"`
	Applies      int           `json:"applies"`
	Adjoints     int           `json:"adjoints"`
	Status       string        `json:"status"`
	Seconds      float64       `json:"seconds"`
	Err          string        `json:"error,omitempty"`
	estimate     []float64     `json:"-"`
	duration     time.Duration `json:"-"`
}

// Report holds the problem and every solver's result.
type Report struct {
	N, M, K int
	Sigma   float64
	Seed    uint64
	// X is the true signal, Y the measurements.
	X, Y []float64
	Rows []Row
}

// Problem draws the demo's instance: A with N(0, 1/m) entries, x with k
// non-zeros at random positions with N(0,1) values, y = A x + sigma * noise.
func Problem(o Options) (A *linop.Dense, x, y []float64, err error) {
	o = o.withDefaults()
	if err := o.Validate(); err != nil {
		return nil, nil, nil, err
	}
	return problem(o)
}

// problem draws the instance for options that already carry their defaults.
func problem(o Options) (A *linop.Dense, x, y []float64, err error) {
	A, err = linop.Gaussian(o.M, o.N, rng.Derive(o.Seed, 1))
	if err != nil {
		return nil, nil, nil, err
	}
	r := rng.New(o.Seed, 2)
	x = make([]float64, o.N)
	for _, i := range r.Perm(o.N)[:o.K] {
		x[i] = r.NormFloat64()
	}
	y = A.Apply(nil, x)
	for i := range y {
		y[i] += o.Sigma * r.NormFloat64()
	}
	return A, x, y, nil
}

// Run builds the problem and runs every requested solver. A solver that
// fails is reported in its row, not as an error.
func Run(ctx context.Context, o Options) (*Report, error) {
	o = o.withDefaults()
	if err := o.Validate(); err != nil {
		return nil, err
	}
	A, x, y, err := problem(o)
	if err != nil {
		return nil, err
	}
	rep := &Report{N: o.N, M: o.M, K: o.K, Sigma: o.Sigma, Seed: o.Seed, X: x, Y: y}
	for _, method := range o.Methods {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		start := time.Now()
		res, err := sparse.Solve(method, A, y, &sparse.Options{K: o.K, Seed: o.Seed})
		d := time.Since(start)
		row := Row{Method: method, Seconds: d.Seconds(), duration: d}
		if err != nil {
			row.Err = err.Error()
		} else {
			row.RelErr = vec.RelErr(res.X, x)
			row.SupportFound = supportFound(res.X, x, o.K)
			row.Iterations, row.Applies, row.Adjoints = res.Iterations, res.Applies, res.Adjoints
			row.Status = res.Status.String()
			row.estimate = res.X
		}
		rep.Rows = append(rep.Rows, row)
	}
	return rep, nil
}

// supportFound counts how many of the k largest-magnitude entries of xh lie
// on the support of x.
func supportFound(xh, x []float64, k int) int {
	idx := make([]int, len(xh))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return math.Abs(xh[idx[a]]) > math.Abs(xh[idx[b]]) })
	c := 0
	for _, i := range idx[:min(k, len(idx))] {
		if x[i] != 0 && xh[i] != 0 {
			c++
		}
	}
	return c
}

// WriteTable prints the report as an aligned table.
func (r *Report) WriteTable(w io.Writer) error {
	fmt.Fprintf(w, "problem: n=%d m=%d k=%d sigma=%g seed=%d (Gaussian A, N(0,1/m) entries)\n\n", r.N, r.M, r.K, r.Sigma, r.Seed)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "method\trel. error\tsupport found\titerations\tA x\tA^T y\ttime\tstatus\t")
	for _, row := range r.Rows {
		if row.Err != "" {
			fmt.Fprintf(tw, "%s\t-\t-\t-\t-\t-\t-\terror: %s\t\n", row.Method, row.Err)
			continue
		}
		fmt.Fprintf(tw, "%s\t%.3e\t%d/%d\t%d\t%d\t%d\t%s\t%s\t\n", row.Method, row.RelErr, row.SupportFound, r.K,
			row.Iterations, row.Applies, row.Adjoints, row.duration.Round(10*time.Microsecond), row.Status)
	}
	return tw.Flush()
}
