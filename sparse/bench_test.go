package sparse

import (
	"testing"
)

// benchSolver runs one solver on the standard problem: n = 1000, m = 200,
// k = 20, Gaussian N(0, 1/m) A, Gaussian non-zeros; noisy adds Gaussian
// noise of sd 0.01 per measurement (the demo's setting), which makes the
// basis-pursuit solution a vertex with m non-zeros.
func benchSolver(b *testing.B, name string, noisy bool) {
	c := testCase{n: 1000, m: 200, k: 20, seed: 42}
	A, x, y := c.instance()
	if noisy {
		for i, e := range noise(c.m, 0.01, 42) {
			y[i] += e
		}
	}
	var res Result
	for b.Loop() {
		var err error
		res, err = Solve(name, A, y, &Options{K: c.k, NoHistory: true})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(res.Iterations), "iters")
	b.ReportMetric(float64(res.Applies+res.Adjoints), "applies")
	b.ReportMetric(relErr(res.X, x), "relerr")
}

func BenchmarkOMP(b *testing.B)    { benchSolver(b, "omp", false) }
func BenchmarkCoSaMP(b *testing.B) { benchSolver(b, "cosamp", false) }
func BenchmarkIHT(b *testing.B)    { benchSolver(b, "iht", false) }
func BenchmarkFISTA(b *testing.B)  { benchSolver(b, "fista", false) }
func BenchmarkBP(b *testing.B)     { benchSolver(b, "bp", false) }
func BenchmarkAMP(b *testing.B)    { benchSolver(b, "amp", false) }

func BenchmarkOMPNoisy(b *testing.B)    { benchSolver(b, "omp", true) }
func BenchmarkCoSaMPNoisy(b *testing.B) { benchSolver(b, "cosamp", true) }
func BenchmarkIHTNoisy(b *testing.B)    { benchSolver(b, "iht", true) }
func BenchmarkFISTANoisy(b *testing.B)  { benchSolver(b, "fista", true) }
func BenchmarkBPNoisy(b *testing.B)     { benchSolver(b, "bp", true) }
func BenchmarkAMPNoisy(b *testing.B)    { benchSolver(b, "amp", true) }
