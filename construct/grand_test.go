package construct

import (
	"errors"
	"fmt"
	"math"
	"math/big"

	"strings"
	"testing"

	"github.com/gencs/gencs/internal/rng"
)

func relu(x float64) float64 { return math.Max(x, 0) }

// TestGrandPrintedFIsOneSided: the printed F_i of Section 4.2 has two equal
// terms (one-sided wedge around +v'), while the intended F_c(x) = f(x) +
// f(-x) = [|tan α ⟨x,v'⟩| - |⟨x,v⟩|]_+ is two-sided.
func TestGrandPrintedFIsOneSided(t *testing.T) {
	r := rng.New(10)
	ta := math.Tan(0.3)
	posNeg := [2]int{}
	for trial := 0; trial < 100000; trial++ {
		p, q := r.NormFloat64(), r.NormFloat64()
		term1 := relu(relu(ta*q+p) - 2*relu(p))
		term2 := relu(relu(ta*q-p) - 2*relu(-p))
		if math.Abs(term1-term2) > 1e-12 || math.Abs(term1-relu(ta*q-math.Abs(p))) > 1e-12 {
			t.Fatalf("p=%g q=%g: printed terms %g, %g, want both [tan(α) q - |p|]_+ = %g", p, q, term1, term2, relu(ta*q-math.Abs(p)))
		}
		fixed := term1 + relu(relu(-ta*q-p)-2*relu(-p))
		if want := relu(ta*math.Abs(q) - math.Abs(p)); math.Abs(fixed-want) > 1e-12 {
			t.Fatalf("two-sided F = %g, want %g", fixed, want)
		}
		if term1 > 0 {
			posNeg[0]++
		}
		if fixed > 0 && q < 0 {
			posNeg[1]++
		}
	}
	if posNeg[0] == 0 || posNeg[1] == 0 {
		t.Fatal("wedges never hit")
	}
}

// closedFormGrand evaluates G from the directions: G_i = F_{2i} - F_{2i+1},
// F_c(x) = [|⟨x, e_c⟩| - |⟨x, v_c⟩|]_+.
func closedFormGrand(g *GrandNet, x []float64) []float64 {
	out := make([]float64, g.n)
	F := func(c int) float64 { return relu(math.Abs(dot(x, g.e[c])) - math.Abs(dot(x, g.v[c]))) }
	for i := range out {
		out[i] = F(2*i) - F(2*i+1)
	}
	return out
}

func TestGrandMatchesClosedForm(t *testing.T) {
	for _, alpha := range []float64{0.2, 0.01} {
		g, err := Grand(12, 3, alpha, 3)
		if err != nil {
			t.Fatal(err)
		}
		r := rng.New(11)
		x := make([]float64, 4)
		hits := 0
		for trial := 0; trial < 20000; trial++ {
			for i := range x {
				x[i] = r.NormFloat64()
			}
			got, want := g.Forward(nil, x), closedFormGrand(g, x)
			for i := range got {
				if math.Abs(got[i]-want[i]) > 1e-13 {
					t.Fatalf("α=%g: G(x)[%d] = %g, closed form %g", alpha, i, got[i], want[i])
				}
				if got[i] != 0 {
					hits++
				}
			}
			// Two-sided: G(-x) = G(x).
			neg := []float64{-x[0], -x[1], -x[2], -x[3]}
			gn := g.Forward(nil, neg)
			for i := range got {
				if math.Abs(gn[i]-got[i]) > 1e-13 {
					t.Fatalf("G(-x) != G(x) at %d: %g vs %g", i, gn[i], got[i])
				}
			}
		}
		if hits == 0 {
			t.Fatalf("α=%g: no wedge hit in 20000 inputs", alpha)
		}
	}
}

func TestGrandStructure(t *testing.T) {
	for _, c := range [][2]int{{1, 1}, {9, 2}, {100, 5}} {
		n, k := c[0], c[1]
		g, err := Grand(n, k, 1e-3, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(g.net.layers) != 3 {
			t.Fatal("want 2 hidden layers")
		}
		want := []int{k + 1, 8 * n, 4 * n, n}
		for i, w := range g.Widths() {
			if w != want[i] {
				t.Fatalf("widths %v, want %v", g.Widths(), want)
			}
		}
		if nz := g.NonZeros(); nz != 8*n*(k+1)+8*n+4*n {
			t.Fatalf("non-zeros %d, want 8n(k+1)+12n = %d", nz, 8*n*(k+1)+12*n)
		}
		for l, L := range g.net.layers {
			if L.cols != want[l] || L.rows != want[l+1] {
				t.Fatalf("layer %d is %dx%d", l, L.rows, L.cols)
			}
		}
	}
	for _, bad := range []struct {
		n, k int
		a    float64
	}{{0, 1, 0}, {3, 0, 0}, {2, 3, 0}, {5, 2, -1}, {5, 2, math.NaN()}, {5, 2, 1}} {
		if _, err := Grand(bad.n, bad.k, bad.a, 1); err == nil {
			t.Fatalf("Grand(%d, %d, %g) succeeded", bad.n, bad.k, bad.a)
		}
	}
}

func TestGrandDeterministic(t *testing.T) {
	a, _ := Grand(7, 2, 0, 42)
	b, _ := Grand(7, 2, 0, 42)
	c, _ := Grand(7, 2, 0, 43)
	if a.Alpha() != b.Alpha() {
		t.Fatal("default alpha not deterministic")
	}
	for l := range a.net.layers {
		for p, v := range a.net.layers[l].val {
			if v != b.net.layers[l].val[p] {
				t.Fatal("same seed, different weights")
			}
		}
	}
	if a.net.layers[0].val[0] == c.net.layers[0].val[0] {
		t.Fatal("different seeds, same first weight")
	}
}

func randomSparse(r interface {
	Perm(int) []int
	IntN(int) int
	Float64() float64
}, n, k int, lo, hi float64) []float64 {
	y := make([]float64, n)
	for _, i := range r.Perm(n)[:k] {
		y[i] = math.Pow(10, lo+(hi-lo)*r.Float64())
		if r.IntN(2) == 0 {
			y[i] = -y[i]
		}
	}
	return y
}

// TestGrandPreimageDefault: at the default α, preimages of random targets
// (every support size 0..k, random signs, magnitudes 1e-3..1e3) reproduce y
// with exact support and 1e-9 relative error, on small instances whose
// certified bound is above the float64 floor.
func TestGrandPreimageDefault(t *testing.T) {
	for _, c := range [][2]int{{1, 1}, {5, 1}, {8, 2}, {10, 2}} {
		n, k := c[0], c[1]
		g, err := Grand(n, k, 0, 5)
		if err != nil {
			t.Fatal(err)
		}
		b := g.Bounds()
		if !b.Exhaustive || 2*g.Alpha() > math.Min(b.Preimage, b.Sparsity)*(1+1e-12) {
			t.Logf("n=%d k=%d: α=%g not certified (bounds %+v)", n, k, g.Alpha(), b)
		}
		r := rng.New(12, uint64(n), uint64(k))
		for trial := 0; trial < 2000; trial++ {
			y := randomSparse(r, n, r.IntN(k+1), -3, 3)
			x, err := g.Preimage(y)
			if err != nil {
				t.Fatalf("n=%d k=%d α=%g y=%v: %v", n, k, g.Alpha(), y, err)
			}
			if err := checkTarget(g.Forward(nil, x), y); err != nil && countNonZero(y) > 0 {
				t.Fatalf("Preimage returned no error but %v", err)
			}
		}
	}
}

// TestGrandPreimageBoundTight: Bounds().Preimage is the exact threshold for
// the worst (support, sign) pattern: just below it that pattern's centre is
// outside every other wedge, just above it inside one.
func TestGrandPreimageBoundTight(t *testing.T) {
	n, k := 6, 2
	g0, _ := Grand(n, k, 0.01, 7)
	b := g0.Bounds()
	if !b.Exhaustive {
		t.Fatal("small instance should be exhaustive")
	}
	count := func(alpha float64) (over int) {
		g, _ := Grand(n, k, alpha, 7)
		forSubsets(n, k, func(S []int) {
			forSigns(S, func(T []int) {
				if _, m := g.center(append([]int(nil), T...)); m <= 0 {
					over++
				}
			})
		})
		return over
	}
	if o := count(b.Preimage * (1 - 1e-6)); o != 0 {
		t.Fatalf("below the bound %g: %d patterns overlap", b.Preimage, o)
	}
	if o := count(b.Preimage * (1 + 1e-6)); o == 0 {
		t.Fatalf("above the bound %g: no pattern overlaps", b.Preimage)
	}
}

// TestGrandSparsityRandom: 10^5 Gaussian inputs give at most k non-zeros
// at the default α; at α = 0.3 the claim visibly fails (the test can fail).
func TestGrandSparsityRandom(t *testing.T) {
	trials := 100000
	if testing.Short() {
		trials = 10000
	}
	for _, c := range [][2]int{{5, 1}, {10, 2}, {30, 3}} {
		n, k := c[0], c[1]
		g, _ := Grand(n, k, 0, 9)
		big, _ := Grand(n, k, 0.3, 9)
		r := rng.New(13, uint64(n))
		x := make([]float64, k+1)
		y := make([]float64, n)
		hist := make([]int, k+1)
		over := 0
		for trial := 0; trial < trials/3; trial++ {
			for i := range x {
				x[i] = r.NormFloat64()
			}
			y = g.Forward(y, x)
			nz := countNonZero(y)
			if nz > k {
				t.Fatalf("n=%d k=%d α=%g: %d non-zeros at x=%v", n, k, g.Alpha(), nz, x)
			}
			hist[nz]++
			if countNonZero(big.Forward(y, x)) > k {
				over++
			}
		}
		if over == 0 {
			t.Fatalf("n=%d k=%d: α=0.3 never exceeded k non-zeros", n, k)
		}
		t.Logf("n=%d k=%d α=%.3g: histogram of ||G(x)||_0: %v; at α=0.3, %d/%d inputs exceed k", n, k, g.Alpha(), hist, over, trials/3)
	}
}

// TestGrandExact: exact rational preimages succeed for every (support,
// sign) pattern of a small instance at a certified α, and at α = 1e-9 where
// float64 evaluation fails.
func TestGrandExact(t *testing.T) {
	n, k := 6, 2
	g, _ := Grand(n, k, 0, 3)
	b := g.Bounds()
	if 2*g.Alpha() > math.Min(b.Preimage, b.Sparsity)*(1+1e-12) {
		t.Fatalf("default α=%g not certified for n=%d k=%d (bounds %+v)", g.Alpha(), n, k, b)
	}
	r := rng.New(14)
	pat := 0
	forSubsets(n, k, func(S []int) {
		forSigns(S, func(T []int) {
			y := make([]float64, n)
			for _, c := range T {
				y[c/2] = math.Pow(10, -3+6*r.Float64())
				if c%2 == 1 {
					y[c/2] = -y[c/2]
				}
			}
			x, err := g.ExactPreimage(y)
			if err != nil {
				t.Fatalf("pattern %v: %v", T, err)
			}
			out := g.ExactForward(x)
			for i := range y {
				if out[i].Cmp(new(big.Rat).SetFloat64(y[i])) != 0 {
					t.Fatalf("exact output differs at %d", i)
				}
			}
			pat++
		})
	})
	t.Logf("n=%d k=%d α=%.3g: all %d (support, sign) patterns have exact preimages", n, k, g.Alpha(), pat)

	tiny, _ := Grand(10, 2, 1e-9, 3)
	fails := 0
	for trial := 0; trial < 50; trial++ {
		y := randomSparse(r, 10, 2, -3, 3)
		if _, err := tiny.Preimage(y); err != nil {
			fails++
		}
		if _, err := tiny.ExactPreimage(y); err != nil {
			t.Fatalf("α=1e-9: exact preimage failed: %v", err)
		}
	}
	if fails == 0 {
		t.Fatal("α=1e-9: float64 preimages all succeeded; expected cancellation failures")
	}
	t.Logf("α=1e-9: float64 preimage failed %d/50, exact preimage 50/50", fails)
}

func TestGrandPreimageErrors(t *testing.T) {
	g, _ := Grand(5, 2, 0, 1)
	if _, err := g.Preimage([]float64{1, 1, 1, 0, 0}); !errors.Is(err, ErrTooManyNonZeros) {
		t.Fatalf("3 non-zeros: %v", err)
	}
	if _, err := g.Preimage([]float64{1}); err == nil {
		t.Fatal("length mismatch accepted")
	}
	if _, err := g.Preimage([]float64{math.Inf(1), 0, 0, 0, 0}); err == nil {
		t.Fatal("Inf accepted")
	}
	// α too large: the overlap is reported as ErrPreimage.
	big, _ := Grand(20, 3, 0.3, 1)
	r := rng.New(15)
	seen := false
	for trial := 0; trial < 200 && !seen; trial++ {
		if _, err := big.Preimage(randomSparse(r, 20, 3, 0, 1)); err != nil {
			if !errors.Is(err, ErrPreimage) {
				t.Fatalf("unexpected error %v", err)
			}
			seen = true
		}
	}
	if !seen {
		t.Fatal("α=0.3, n=20, k=3: no preimage failure")
	}
}

func TestGrandVJP(t *testing.T) {
	g, _ := Grand(6, 2, 0.2, 2)
	r := rng.New(16)
	checked := 0
	for trial := 0; trial < 2000; trial++ {
		x := []float64{r.NormFloat64(), r.NormFloat64(), r.NormFloat64()}
		if countNonZero(g.Forward(nil, x)) == 0 {
			continue
		}
		v := make([]float64, 6)
		for i := range v {
			v[i] = r.NormFloat64()
		}
		got := g.VJP(nil, x, v)
		h := 1e-7
		for i := range x {
			xp := append([]float64(nil), x...)
			xm := append([]float64(nil), x...)
			xp[i] += h
			xm[i] -= h
			yp, ym := g.Forward(nil, xp), g.Forward(nil, xm)
			fd := 0.0
			for o := range v {
				fd += v[o] * (yp[o] - ym[o]) / (2 * h)
			}
			if math.Abs(fd-got[i]) > 1e-5*(1+math.Abs(fd)) {
				t.Fatalf("VJP %g vs finite difference %g", got[i], fd)
			}
		}
		checked++
	}
	if checked < 50 {
		t.Fatalf("only %d inputs inside a wedge", checked)
	}
}

// TestGrandAlphaTable prints the α study (runs only with -v, not with -short).
func TestGrandAlphaTable(t *testing.T) {
	if testing.Short() || !testing.Verbose() {
		t.Skip("study: run with -v")
	}
	var alphas []float64
	for e := -1.0; e >= -9; e-- {
		alphas = append(alphas, math.Pow(10, e))
	}
	nk := [][2]int{{5, 1}, {10, 2}, {20, 3}, {50, 3}}
	rows, err := GrandAlphaStudy(nk, alphas, 300, 3000, 1)
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	WriteGrandAlphaTable(&sb, rows)
	t.Log("\n" + sb.String())
	for _, c := range nk {
		g, _ := Grand(c[0], c[1], 0, 1)
		t.Logf("default α for n=%d k=%d: %.3g", c[0], c[1], g.Alpha())
	}
}

func ExampleGrand() {
	g, err := Grand(8, 2, 0, 1)
	if err != nil {
		panic(err)
	}
	y := []float64{0, 0, 3, 0, 0, -0.5, 0, 0}
	x, err := g.Preimage(y)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%.6f\n", g.Forward(nil, x))
	fmt.Println(g.Widths())
	// Output:
	// [0.000000 0.000000 3.000000 0.000000 0.000000 -0.500000 0.000000 0.000000]
	// [3 64 32 8]
}
