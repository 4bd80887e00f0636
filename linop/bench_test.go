package linop

import (
	"fmt"
	"gonum.org/v1/gonum/floats"
	"runtime"
	"sync"
	"testing"
	"time"
)

// Dense benchmarks at the size: m = 2000, n = 20000 (320 MB). The
// reported MB/s is the matrix bytes streamed per application.
const benchM, benchN = 2000, 20000

var benchDense struct {
	once sync.Once
	a    *Dense
}

func denseForBench(b *testing.B) *Dense {
	benchDense.once.Do(func() {
		a, err := Gaussian(benchM, benchN, 1)
		if err != nil {
			panic(err)
		}
		benchDense.a = a
	})
	return benchDense.a
}

func BenchmarkDenseApply(b *testing.B) {
	a := denseForBench(b)
	x, dst := randVec(benchN, 1), make([]float64, benchM)
	b.SetBytes(8 * benchM * benchN)
	b.ResetTimer()
	for b.Loop() {
		a.Apply(dst, x)
	}
}

func BenchmarkDenseApplyAdjoint(b *testing.B) {
	a := denseForBench(b)
	y, dst := randVec(benchM, 1), make([]float64, benchN)
	b.SetBytes(8 * benchM * benchN)
	b.ResetTimer()
	for b.Loop() {
		a.ApplyAdjoint(dst, y)
	}
}

// BenchmarkDenseApplySerial and ...AdjointSerial use one goroutine, for
// comparison with the parallel split.
func BenchmarkDenseApplySerial(b *testing.B) {
	a := denseForBench(b)
	x, dst := randVec(benchN, 1), make([]float64, benchM)
	b.SetBytes(8 * benchM * benchN)
	b.ResetTimer()
	for b.Loop() {
		gemvRows(a.M.RawMatrix(), x, dst, 1)
	}
}

func BenchmarkDenseApplyAdjointSerial(b *testing.B) {
	a := denseForBench(b)
	y, dst := randVec(benchM, 1), make([]float64, benchN)
	b.SetBytes(8 * benchM * benchN)
	b.ResetTimer()
	for b.Loop() {
		gemvTCols(a.M.RawMatrix(), y, dst, 1)
	}
}

// readSum sums data with p = len(sums) goroutines, each summing one
// contiguous chunk with gonum's SIMD floats.Sum, so the loop is limited by
// memory bandwidth rather than by add latency.
func readSum(data, sums []float64) {
	p := len(sums)
	var wg sync.WaitGroup
	for w := range p {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sums[w] = floats.Sum(data[len(data)*w/p : len(data)*(w+1)/p])
		}()
	}
	wg.Wait()
}

// BenchmarkDenseVsBandwidth interleaves Apply, ApplyAdjoint and a parallel
// read of the same 320 MB in every iteration and reports the best GB/s of
// each and the ratios to the read bandwidth: on a shared, loaded machine,
// interleaving and taking the best of many rounds compares like with like.
func BenchmarkDenseVsBandwidth(b *testing.B) {
	a := denseForBench(b)
	data := a.M.RawMatrix().Data
	x, y := randVec(benchN, 1), randVec(benchM, 2)
	dx, dy := make([]float64, benchM), make([]float64, benchN)
	sums := make([]float64, runtime.GOMAXPROCS(0))
	bestA, bestT, bestR := time.Duration(1<<62), time.Duration(1<<62), time.Duration(1<<62)
	for b.Loop() {
		t0 := time.Now()
		a.Apply(dx, x)
		t1 := time.Now()
		a.ApplyAdjoint(dy, y)
		t2 := time.Now()
		readSum(data, sums)
		t3 := time.Now()
		bestA, bestT, bestR = min(bestA, t1.Sub(t0)), min(bestT, t2.Sub(t1)), min(bestR, t3.Sub(t2))
	}
	bytes := float64(8 * len(data))
	gbs := func(d time.Duration) float64 { return bytes / d.Seconds() / 1e9 }
	b.ReportMetric(gbs(bestA), "apply-GB/s")
	b.ReportMetric(gbs(bestT), "adjoint-GB/s")
	b.ReportMetric(gbs(bestR), "read-GB/s")
	b.ReportMetric(gbs(bestA)/gbs(bestR), "apply/read")
	b.ReportMetric(gbs(bestT)/gbs(bestR), "adjoint/read")
}

// BenchmarkReadBandwidth sums the same 320 MB of float64s with
// runtime.GOMAXPROCS(0) goroutines (see readSum): the memory read bandwidth
// that bounds the dense benchmarks.
func BenchmarkReadBandwidth(b *testing.B) {
	data := denseForBench(b).M.RawMatrix().Data
	sums := make([]float64, runtime.GOMAXPROCS(0))
	b.SetBytes(int64(8 * len(data)))
	b.ResetTimer()
	for b.Loop() {
		readSum(data, sums)
	}
}

func benchFast(b *testing.B, name string, adjoint bool) {
	for _, lg := range []int{14, 16, 18, 20} {
		n := 1 << lg
		m := n / 4
		op, err := ByName(name, m, n, 1)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("n=2^%d", lg), func(b *testing.B) {
			x, y := randVec(n, 1), randVec(m, 2)
			dx, dy := make([]float64, m), make([]float64, n)
			op.Apply(dx, x) // warm up: build the scratch space
			op.ApplyAdjoint(dy, y)
			// Also report the process CPU time per operation (all
			// goroutines), which is robust to other load on the machine.
			c0, ok := processCPU()
			for b.Loop() {
				if adjoint {
					op.ApplyAdjoint(dy, y)
				} else {
					op.Apply(dx, x)
				}
			}
			if c1, ok1 := processCPU(); ok && ok1 {
				b.ReportMetric(float64(c1-c0)/float64(b.N), "cpu-ns/op")
			}
		})
	}
}

func BenchmarkDCTApply(b *testing.B)             { benchFast(b, "dct", false) }
func BenchmarkDCTApplyAdjoint(b *testing.B)      { benchFast(b, "dct", true) }
func BenchmarkHadamardApply(b *testing.B)        { benchFast(b, "hadamard", false) }
func BenchmarkHadamardApplyAdjoint(b *testing.B) { benchFast(b, "hadamard", true) }
