package genrec

import (
	"context"
	"fmt"
	"math"
	"os"
	"sort"
	"testing"

	"github.com/gencs/gencs/internal/rng"
	"github.com/gencs/gencs/linop"
	"github.com/gencs/gencs/nn"
)

// TestStudyCSGMvsM measures CSGM on random expansive ReLU generators: for
// each m, over T instances (fresh generator, z*, Gaussian A), the success
// rate (relative error < 1e-3) of the best of 10 restarts, the fraction of
// single restarts reaching zero loss, and the success rate of one run from
// AdjointStart. Run with
//
//	GENCS_STUDY=1 go test -count=1 -run Study -v -timeout 1h ./genrec/
//
// and optionally GENCS_STUDY_ITERS (default 3000) and GENCS_STUDY_LR
// (default 0.01) to change the Adam budget and learning rate.
func TestStudyCSGMvsM(t *testing.T) {
	if os.Getenv("GENCS_STUDY") == "" {
		t.Skip("set GENCS_STUDY=1 to run the study")
	}
	type gen struct{ widths []int }
	gens := []gen{{[]int{5, 20, 50}}, {[]int{10, 40, 100}}, {[]int{20, 100, 200}}}
	const T = 20
	for _, g := range gens {
		k, n := g.widths[0], g.widths[len(g.widths)-1]
		fmt.Printf("\ngenerator %v (k=%d, n=%d), %d instances, Adam lr %g, <= %d steps\n", g.widths, k, n, T, studyLR, studyIters)
		fmt.Printf("%5s %6s %11s %11s %11s %14s %12s\n", "m", "m/k", "succ(R=10)", "succ(R=1)", "zero-loss", "succ(adjoint)", "median-err")
		for _, mult := range []float64{0.6, 0.8, 1, 1.2, 1.5, 2, 3} {
			m := int(mult*float64(k) + 0.5)
			succ10, succ1, succAdj := 0, 0, 0
			restartOK, restartAll := 0, 0
			var errs []float64
			for trial := 0; trial < T; trial++ {
				seed := uint64(1000*k + trial)
				G, _ := nn.RandomReLU(g.widths, seed)
				z := randVec(rng.New(seed, 7), k)
				x := G.Forward(nil, z)
				A, _ := linop.Gaussian(m, n, seed)
				y := A.Apply(nil, x)
				res, err := CSGM(G, A, y, &Options{Iters: studyIters, LR: studyLR, Restarts: 10, Seed: seed})
				if err != nil {
					t.Fatal(err)
				}
				errs = append(errs, relErr(res.X, x))
				if relErr(res.X, x) < 1e-3 {
					succ10++
				}
				yy := dot(y, y)
				for _, l := range res.Losses {
					restartAll++
					if l <= 1e-12*yy {
						restartOK++
					}
				}
				one, _ := CSGM(G, A, y, &Options{Iters: studyIters, LR: studyLR, Restarts: 1, Seed: seed})
				if relErr(one.X, x) < 1e-3 {
					succ1++
				}
				z0, err := AdjointStart(context.Background(), G, A, y, &Options{Iters: 1000, Restarts: 1, Seed: seed})
				if err != nil {
					t.Fatal(err)
				}
				adj, _ := CSGM(G, A, y, &Options{Iters: studyIters, LR: studyLR, Init: [][]float64{z0}, Restarts: 1})
				if relErr(adj.X, x) < 1e-3 {
					succAdj++
				}
			}
			sort.Float64s(errs)
			fmt.Printf("%5d %6.1f %11.2f %11.2f %11.2f %14.2f %12.2g\n", m, float64(m)/float64(k),
				float64(succ10)/T, float64(succ1)/T, float64(restartOK)/float64(restartAll), float64(succAdj)/T, errs[T/2])
		}
	}
}

// TestStudyFailureModes classifies single CSGM restarts on the 10-40-100
// generator at m = 2k and 3k: success (relative error < 1e-3), a point near
// a negative multiple of z* (cos(z, z*) < -0.5, the spurious critical point
// of Hand and Voroninski), or another local minimum; and compares PGD.
func TestStudyFailureModes(t *testing.T) {
	if os.Getenv("GENCS_STUDY") == "" {
		t.Skip("set GENCS_STUDY=1 to run the study")
	}
	widths := []int{10, 40, 100}
	const T = 20
	fmt.Printf("\nfailure modes, generator %v, %d instances x 10 restarts\n", widths, T)
	fmt.Printf("%5s %9s %9s %9s %9s %12s\n", "m", "success", "neg-z*", "other", "csgm R=10", "pgd(R=10)")
	for _, m := range []int{20, 30} {
		var succ, neg, other, best, pgdOK, stalled int
		var otherLoss []float64
		for trial := 0; trial < T; trial++ {
			seed := uint64(7000 + trial)
			G, _ := nn.RandomReLU(widths, seed)
			z := randVec(rng.New(seed, 7), 10)
			x := G.Forward(nil, z)
			A, _ := linop.Gaussian(m, 100, seed)
			y := A.Apply(nil, x)
			bestOK := false
			for r := 0; r < 10; r++ {
				res, err := CSGM(G, A, y, &Options{Iters: studyIters, LR: studyLR, Restarts: 1, Seed: seed*100 + uint64(r)})
				if err != nil {
					t.Fatal(err)
				}
				switch {
				case relErr(res.X, x) < 1e-3:
					succ++
					bestOK = true
				case dot(res.Z, z)/math.Sqrt(dot(res.Z, res.Z)*dot(z, z)) < -0.5:
					neg++
				default:
					other++
					if res.Status == Stalled {
						stalled++
					}
					otherLoss = append(otherLoss, res.Loss/dot(y, y))
				}
			}
			if bestOK {
				best++
			}
			pr, err := PGD(G, A, y, &PGDOptions{Inner: Options{Seed: seed, Iters: 500}})
			if err != nil {
				t.Fatal(err)
			}
			if relErr(pr.X, x) < 1e-3 {
				pgdOK++
			}
		}
		sort.Float64s(otherLoss)
		if len(otherLoss) > 0 {
			fmt.Printf("m=%d: %d of %d other failures stalled; relative loss quartiles %.2g %.2g %.2g\n", m, stalled, other,
				otherLoss[len(otherLoss)/4], otherLoss[len(otherLoss)/2], otherLoss[3*len(otherLoss)/4])
		}
		N := float64(10 * T)
		fmt.Printf("%5d %9.2f %9.2f %9.2f %9.2f %12.2f\n", m, float64(succ)/N, float64(neg)/N, float64(other)/N,
			float64(best)/T, float64(pgdOK)/T)
	}
}

var (
	studyIters = 3000
	studyLR    = 0.01
)

func init() {
	if s := os.Getenv("GENCS_STUDY_ITERS"); s != "" {
		fmt.Sscan(s, &studyIters)
	}
	if s := os.Getenv("GENCS_STUDY_LR"); s != "" {
		fmt.Sscan(s, &studyLR)
	}
}
