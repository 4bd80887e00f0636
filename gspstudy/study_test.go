package gspstudy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/gencs/gencs/construct"
	"github.com/gencs/gencs/genrec"
	"github.com/gencs/gencs/internal/rng"
)

// TestExactMinimizerRecovers: noiseless, the best k-sparse least-squares
// fit is x itself as soon as m >= 2k (generic A): the exact minimiser of
// ||A G(z) - y|| over range(G_sp) needs only 2k measurements.
func TestExactMinimizerRecovers(t *testing.T) {
	for _, c := range [][3]int{{10, 2, 4}, {12, 3, 6}, {15, 1, 2}} {
		for trial := 0; trial < 10; trial++ {
			x, A, err := instance(5, job{n: c[0], k: c[1], m: c[2], trial: trial})
			if err != nil {
				t.Fatal(err)
			}
			y := A.Apply(nil, x)
			xe := ExactMinimizer(A.M, y, c[1])
			if e := relErr(xe, x); e > 1e-8 {
				t.Fatalf("n=%d k=%d m=%d: error %g", c[0], c[1], c[2], e)
			}
		}
	}
}

// TestExactMinimizerIsGlobal compares with brute force over the sector
// choices of the latent pairs, for n=4, k=2: each pair is off or on one of
// the 2n sectors (output i, sign s), contributing s*u e_i with u >= 0; each
// choice is a non-negative least squares in <= 2 variables, solved by
// checking the unconstrained solution and the faces. The minimum over all
// choices equals the residual of ExactMinimizer.
func TestExactMinimizerIsGlobal(t *testing.T) {
	n, k, m := 4, 2, 3
	r := rng.New(6)
	for trial := 0; trial < 50; trial++ {
		A := mat.NewDense(m, n, nil)
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				A.Set(i, j, r.NormFloat64())
			}
		}
		y := []float64{r.NormFloat64(), r.NormFloat64(), r.NormFloat64()}
		res := func(x []float64) float64 {
			s := 0.0
			for i := 0; i < m; i++ {
				v := -y[i]
				for j := 0; j < n; j++ {
					v += A.At(i, j) * x[j]
				}
				s += v * v
			}
			return s
		}
		best := res(make([]float64, n))
		// sectors: -1 = off, else (i, sign) as 2i+s.
		for c1 := -1; c1 < 2*n; c1++ {
			for c2 := -1; c2 < 2*n; c2++ {
				cols := [][2]int{}
				for _, c := range []int{c1, c2} {
					if c >= 0 {
						cols = append(cols, [2]int{c / 2, 1 - 2*(c%2)})
					}
				}
				// Minimise over u >= 0 by a fine search of the faces: solve
				// the unconstrained LS on each subset of active columns and
				// keep feasible solutions.
				for mask := 1; mask < 1<<len(cols); mask++ {
					var act [][2]int
					for b := range cols {
						if mask>>b&1 == 1 {
							act = append(act, cols[b])
						}
					}
					B := mat.NewDense(m, len(act), nil)
					for c, a := range act {
						for i := 0; i < m; i++ {
							B.Set(i, c, float64(a[1])*A.At(i, a[0]))
						}
					}
					var u mat.VecDense
					if err := u.SolveVec(B, mat.NewVecDense(m, y)); err != nil {
						continue
					}
					ok := true
					x := make([]float64, n)
					for c, a := range act {
						if u.AtVec(c) < 0 {
							ok = false
						}
						x[a[0]] += float64(a[1]) * u.AtVec(c)
					}
					if ok {
						best = math.Min(best, res(x))
					}
				}
			}
		}
		got := res(ExactMinimizer(A, y, k))
		if math.Abs(got-best) > 1e-9*(1+best) {
			t.Fatalf("trial %d: ExactMinimizer residual %g, brute force over sectors %g", trial, got, best)
		}
	}
}

func TestCrossing(t *testing.T) {
	ms := []float64{2, 4, 8}
	if c := crossing(ms, []float64{0, 0.25, 0.75}, 0.5); c != 6 {
		t.Fatalf("crossing %g, want 6", c)
	}
	if c := crossing(ms, []float64{0.6, 1, 1}, 0.5); c != 2 {
		t.Fatalf("crossing %g, want 2", c)
	}
	if c := crossing(ms, []float64{0, 0.1, 0.2}, 0.5); !math.IsNaN(c) {
		t.Fatalf("crossing %g, want NaN", c)
	}
}

// TestRunDeterministic: a tiny study gives identical results with 1 and 3
// workers, the exact minimiser succeeds at every m >= 2k, and the informed starts make
// CSGM at least as good as OMP (one start is OMP's estimate).
func TestRunDeterministic(t *testing.T) {
	cfg := Config{Sizes: [][2]int{{8, 2}}, Ms: []int{4, 8}, Trials: 4, Restarts: 3, Iters: 200, Seed: 3}
	a, err := Run(context.Background(), Config{Sizes: cfg.Sizes, Ms: cfg.Ms, Trials: cfg.Trials, Restarts: cfg.Restarts, Iters: cfg.Iters, Seed: cfg.Seed, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Run(context.Background(), Config{Sizes: cfg.Sizes, Ms: cfg.Ms, Trials: cfg.Trials, Restarts: cfg.Restarts, Iters: cfg.Iters, Seed: cfg.Seed, Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fmt.Sprint(a.Cells), fmt.Sprint(b.Cells)) {
		t.Fatalf("worker count changed results:\n%v\n%v", a.Cells, b.Cells)
	}
	succ := map[string]float64{}
	for _, c := range a.Cells {
		if c.M == 8 {
			succ[c.Method] = c.Success
		}
	}
	for _, m := range []string{MethodExact} {
		if succ[m] != 1 {
			t.Fatalf("m=n: %s success %g, want 1", m, succ[m])
		}
	}
	for _, c := range a.Cells {
		if c.Method == MethodCSGMSmart {
			for _, d := range a.Cells {
				if d.Method == MethodOMP && d.M == c.M && c.Success < d.Success {
					t.Fatalf("m=%d: csgm+init %g below omp %g", c.M, c.Success, d.Success)
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := a.WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	if err := a.WritePNG(&buf); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), Config{Sizes: [][2]int{{3, 4}}}); err == nil {
		t.Fatal("k > n accepted")
	}
}

// TestLandscapeTheory: for n=5, k=1 the measured per-restart success of
// CSGM is of the order of k!/(2(n+1))^k = 1/12 (between a third and three
// times it).
func TestLandscapeTheory(t *testing.T) {
	ls, err := RunLandscape(context.Background(), Config{Seed: 1}, [][2]int{{5, 1}}, 2, 200)
	if err != nil {
		t.Fatal(err)
	}
	l := ls[0]
	if l.RestartSuccess < l.Theory/3 || l.RestartSuccess > 3*l.Theory {
		t.Fatalf("measured %g, theory %g", l.RestartSuccess, l.Theory)
	}
	t.Logf("n=5 k=1: measured restart success %.3f, theory %.3f", l.RestartSuccess, l.Theory)
	_ = construct.ErrPreimage
}

func ExampleExactMinimizer() {
	x, A, _ := instance(1, job{n: 10, k: 2, m: 4})
	y := A.Apply(nil, x)
	xe := ExactMinimizer(A.M, y, 2)
	fmt.Println(relErr(xe, x) < 1e-12)
	// Output:
	// true
}

// TestSwapSearchEscapes: from a start on the wrong support, where CSGM
// alone stays (a pair cannot cross sectors), SwapSearch reaches x at a
// generous m.
func TestSwapSearchEscapes(t *testing.T) {
	g, _ := construct.Gsp(10, 2)
	escaped := 0
	for trial := 0; trial < 5; trial++ {
		x, A, err := instance(9, job{n: 10, k: 2, m: 8, trial: trial})
		if err != nil {
			t.Fatal(err)
		}
		y := A.Apply(nil, x)
		wrong := make([]float64, 10)
		for i := range x {
			if x[i] == 0 && countNZ(wrong) < 2 {
				wrong[i] = 1
			}
		}
		z0, _ := g.Preimage(wrong)
		opt := &genrec.Options{LR: 0.1, Iters: 500, Workers: 1, Seed: 1, NoHistory: true}
		stay, _ := genrec.CSGM(g, A, y, &genrec.Options{LR: 0.1, Iters: 500, Restarts: 1, Init: [][]float64{z0}, Workers: 1})
		if relErr(stay.X, x) < 1e-2 {
			t.Fatalf("trial %d: CSGM from the wrong support recovered x", trial)
		}
		xs, err := SwapSearch(context.Background(), g, A, y, z0, opt)
		if err != nil {
			t.Fatal(err)
		}
		if relErr(xs, x) < 1e-4 {
			escaped++
		}
	}
	if escaped < 4 {
		t.Fatalf("SwapSearch recovered only %d/5", escaped)
	}
}

func countNZ(x []float64) int {
	c := 0
	for _, v := range x {
		if v != 0 {
			c++
		}
	}
	return c
}

func TestResultJSON(t *testing.T) {
	res, err := Run(context.Background(), Config{Sizes: [][2]int{{6, 2}}, Ms: []int{2, 6}, Trials: 2, Restarts: 2, Iters: 50, Progress: func(int, int) {}})
	if err != nil {
		t.Fatal(err)
	}
	res.Landscape = []Landscape{{RestartsFor50: Float(math.Inf(1))}}
	if _, err := json.Marshal(res); err != nil {
		t.Fatal(err)
	}
}

// TestRunRejectsBadConfig: non-finite or out-of-range settings fail with an
// error naming the setting before any work starts.
func TestRunRejectsBadConfig(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{Sizes: [][2]int{{8, 2}}, LR: math.Inf(1)}, "learning rate"},
		{Config{Sizes: [][2]int{{8, 2}}, LR: math.NaN()}, "learning rate"},
		{Config{Sizes: [][2]int{{8, 2}}, Noise: math.NaN()}, "noise"},
		{Config{Sizes: [][2]int{{8, 2}}, Noise: 1}, "noise"},
		{Config{Sizes: [][2]int{{8, 2}}, SuccessTol: math.Inf(1)}, "success tolerance"},
		{Config{Sizes: [][2]int{{8, 9}}}, "invalid size"},
		{Config{Sizes: [][2]int{{8, 2}}, Trials: 1 << 40}, "trials"},
		{Config{Sizes: [][2]int{{8, 2}}, Restarts: 1 << 40}, "restarts"},
		{Config{Sizes: [][2]int{{8, 2}}, Ms: []int{9, 10}}, "no measurement count"},
	} {
		if _, err := Run(ctx, c.cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: err = %v, want %q", c.cfg, err, c.want)
		}
	}
	if _, err := RunLandscape(ctx, Config{}, [][2]int{{6, 2}}, 0, 5); err == nil {
		t.Error("RunLandscape with 0 instances: no error")
	}
}
