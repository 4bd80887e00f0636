package construct

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gencs/gencs/internal/rng"
)

// closedFormGsp evaluates the mathematical G_sp from polar coordinates,
// independently of the network: per pair, the tent of height
// t sin(min(φ, w-φ))/sin w on the sector it lies in.
func closedFormGsp(n, k int, z []float64) []float64 {
	a := math.Pi / float64(n+1)
	w := a * (1 - 1.0/(1<<20))
	out := make([]float64, n)
	for j := 0; j < k; j++ {
		x1, x2 := z[2*j], z[2*j+1]
		t := math.Hypot(x1, x2)
		th := math.Atan2(x1, x2) // (x1, x2) = (t sin θ, t cos θ)
		if th < 0 {
			th += 2 * math.Pi
		}
		sign := 1.0
		if th >= math.Pi {
			sign, th = -1, th-math.Pi
		}
		i := int(math.Floor(th/a)) - 1
		if i < 0 || i >= n {
			continue
		}
		phi := th - float64(i+1)*a
		if phi <= 0 || phi >= w {
			continue
		}
		out[i] += sign * t * math.Sin(math.Min(phi, w-phi)) / math.Sin(w)
	}
	return out
}

func countNZ(y []float64) int {
	c := 0
	for _, v := range y {
		if v != 0 {
			c++
		}
	}
	return c
}

// TestGadgetIdentity checks the corrected constant of Lemma 4.1 numerically:
// with a_1 = t sin(θ-β), a_2 = t sin(θ-β-a/2) (both active),
// a_1/sin a - a_2/sin(a/2) = t sin(β+a-θ)/sin a, which is the printed right
// side t sin(β+a-θ)/sin(a/2) times 1/(2cos(a/2)); at the printed preimage
// θ = β+a/2 the gadget gives t/(2cos(a/2)), not t.
func TestGadgetIdentity(t *testing.T) {
	r := rng.New(1, 0)
	for trial := 0; trial < 10000; trial++ {
		a := math.Pi / float64(2+r.IntN(1000))
		beta := r.Float64() * 2 * math.Pi
		th := beta + a/2 + r.Float64()*(math.Pi-a/2)
		tt := math.Exp(r.NormFloat64())
		lhs := tt*math.Sin(th-beta)/math.Sin(a) - tt*math.Sin(th-beta-a/2)/math.Sin(a/2)
		rhs := tt * math.Sin(beta+a-th) / math.Sin(a)
		if math.Abs(lhs-rhs) > 1e-9*tt/math.Sin(a/2) {
			t.Fatalf("identity fails: a=%g θ-β=%g: %g vs %g", a, th-beta, lhs, rhs)
		}
		printed := tt * math.Sin(beta+a-th) / math.Sin(a/2)
		if math.Abs(printed) > 1e-3*tt && math.Abs(printed/rhs-2*math.Cos(a/2)) > 1e-6 {
			t.Fatalf("printed/true = %g, want 2cos(a/2) = %g", printed/rhs, 2*math.Cos(a/2))
		}
	}
	// The printed preimage: (x1, x2) = t(sin θ, cos θ), θ = β + a/2.
	g, _ := Gsp(5, 1)
	a := g.Alpha()
	th := 3*a + a/2 // output index 2, β = 3a
	y := g.Forward(nil, []float64{math.Sin(th), math.Cos(th)})
	if want := 1 / (2 * math.Cos(a/2)); math.Abs(y[2]-want) > 1e-6 {
		t.Fatalf("printed preimage gives %g, want about 1/(2cos(a/2)) = %g", y[2], want)
	}
}

// TestGspStructure asserts depth, widths and non-zeros from the built layers.
func TestGspStructure(t *testing.T) {
	for _, c := range [][2]int{{1, 1}, {7, 3}, {50, 10}, {200, 200}} {
		n, k := c[0], c[1]
		g, err := Gsp(n, k)
		if err != nil {
			t.Fatal(err)
		}
		if len(g.net.layers) != 3 {
			t.Fatalf("n=%d k=%d: %d weight layers, want 3 (2 hidden)", n, k, len(g.net.layers))
		}
		want := []int{2 * k, 4 * n * k, 2 * n * k, n}
		got := g.Widths()
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("n=%d k=%d: widths %v, want %v", n, k, got, want)
			}
		}
		for l, w := range []int{8 * n * k, 4 * n * k, 2 * n * k} {
			L := g.net.layers[l]
			if L.nnz() != w {
				t.Fatalf("layer %d: %d non-zeros, want %d", l, L.nnz(), w)
			}
			if L.cols != want[l] || L.rows != want[l+1] {
				t.Fatalf("layer %d shape %dx%d", l, L.rows, L.cols)
			}
			for _, v := range L.val {
				if v == 0 || math.IsNaN(v) {
					t.Fatalf("stored zero/NaN weight in layer %d", l)
				}
			}
		}
		if g.NonZeros() != 14*n*k {
			t.Fatalf("NonZeros %d, want 14nk = %d", g.NonZeros(), 14*n*k)
		}
	}
	for _, c := range [][2]int{{0, 1}, {3, 0}, {3, 4}, {-1, -1}} {
		if _, err := Gsp(c[0], c[1]); err == nil {
			t.Fatalf("Gsp(%d, %d) succeeded", c[0], c[1])
		}
	}
}

// TestGspMatchesClosedForm: the network computes the intended function.
func TestGspMatchesClosedForm(t *testing.T) {
	for _, c := range [][2]int{{1, 1}, {4, 2}, {30, 5}} {
		n, k := c[0], c[1]
		g, _ := Gsp(n, k)
		r := rng.New(2, uint64(n), uint64(k))
		z := make([]float64, 2*k)
		for trial := 0; trial < 5000; trial++ {
			for i := range z {
				z[i] = r.NormFloat64()
			}
			y := g.Forward(nil, z)
			want := closedFormGsp(n, k, z)
			for i := range y {
				if math.Abs(y[i]-want[i]) > 1e-12*(1+math.Abs(want[i]))*float64(n) {
					t.Fatalf("n=%d k=%d: G(z)[%d] = %g, closed form %g", n, k, i, y[i], want[i])
				}
			}
		}
	}
}

// randomLatent draws z with Gaussian directions and log-uniform radii over
// 24 decades per pair, so that pairs of wildly different sizes mix.
func randomLatent(r *rand.Rand, z []float64) {
	for j := 0; j+1 < len(z); j += 2 {
		s := math.Pow(10, -12+24*r.Float64())
		z[j], z[j+1] = s*r.NormFloat64(), s*r.NormFloat64()
	}
}

// TestGspRangeSparseRandom: 10^5 random inputs, outputs have at most k
// non-zeros, all others exactly 0.
func TestGspRangeSparseRandom(t *testing.T) {
	trials := 100000
	if testing.Short() {
		trials = 10000
	}
	cases := [][2]int{{2, 1}, {5, 2}, {12, 3}, {40, 4}}
	for _, c := range cases {
		n, k := c[0], c[1]
		g, _ := Gsp(n, k)
		r := rng.New(3, uint64(n), uint64(k))
		z := make([]float64, 2*k)
		y := make([]float64, n)
		hist := make([]int, k+1)
		for trial := 0; trial < trials/len(cases); trial++ {
			if trial%2 == 0 {
				for i := range z {
					z[i] = r.NormFloat64()
				}
			} else {
				randomLatent(r, z)
			}
			y = g.Forward(y, z)
			nz := countNZ(y)
			if nz > k {
				t.Fatalf("n=%d k=%d z=%v: %d non-zeros", n, k, z, nz)
			}
			hist[nz]++
		}
		t.Logf("n=%d k=%d: histogram of ||G(z)||_0 over %d inputs: %v", n, k, trials/len(cases), hist)
	}
}

// TestGspRangeSparseBoundaries aims every pair at sector boundaries (and the
// half-angle and dead-zone directions), perturbed by a few ulps: each pair
// still activates at most one output, and the outputs are exactly zero
// elsewhere. This is what the α·2^-20 gaps between sectors buy.
func TestGspRangeSparseBoundaries(t *testing.T) {
	for _, n := range []int{1, 2, 3, 10, 99, 1000} {
		g, _ := Gsp(n, 1)
		a, w := g.Alpha(), g.SectorWidth()
		var angles []float64
		for i := 0; i <= n+1; i++ {
			b := float64(i) * a
			angles = append(angles, b, b+w, b+w/2, b-w+a)
		}
		checked := 0
		if len(angles) > 400 { // keep the run short: a seeded sample of boundaries
			r := rng.New(4, 0, uint64(n))
			r.Shuffle(len(angles), func(i, j int) { angles[i], angles[j] = angles[j], angles[i] })
			angles = angles[:400]
		}
		for _, base := range angles {
			for _, off := range []float64{0, math.Pi} {
				for d := -8; d <= 8; d++ {
					th := base + off
					for s := 0; s < abs(d); s++ {
						if d > 0 {
							th = math.Nextafter(th, math.Inf(1))
						} else {
							th = math.Nextafter(th, math.Inf(-1))
						}
					}
					for _, rad := range []float64{1e-300, 1, 3.7e5, 1e300} {
						z := []float64{rad * math.Sin(th), rad * math.Cos(th)}
						y := g.Forward(nil, z)
						checked++
						if nz := countNZ(y); nz > 1 {
							t.Fatalf("n=%d θ=%.17g r=%g: %d non-zeros: %v", n, th, rad, nz, y)
						}
						for _, v := range y {
							if math.IsNaN(v) || math.IsInf(v, 0) {
								t.Fatalf("n=%d θ=%g r=%g: non-finite output", n, th, rad)
							}
						}
					}
				}
			}
		}
		// k = min(3, n) with every pair on a boundary at once.
		k3 := min(3, n)
		g3, _ := Gsp(n, k3)
		r := rng.New(4, uint64(n))
		for trial := 0; trial < 2000; trial++ {
			z := make([]float64, 2*k3)
			for j := 0; j < k3; j++ {
				th := angles[r.IntN(len(angles))] + float64(r.IntN(2))*math.Pi
				for s := r.IntN(5); s > 0; s-- {
					th = math.Nextafter(th, math.Inf(2*r.IntN(2)-1))
				}
				rad := math.Pow(10, -6+12*r.Float64())
				z[2*j], z[2*j+1] = rad*math.Sin(th), rad*math.Cos(th)
			}
			if nz := countNZ(g3.Forward(nil, z)); nz > k3 {
				t.Fatalf("n=%d k=3: %d non-zeros at boundary input %v", n, nz, z)
			}
		}
		_ = checked
	}
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

// checkPreimage asserts G(Preimage(x)) = x entrywise to 1e-9 relative, with
// exact zeros off the support.
func checkPreimage(t *testing.T, g *GspNet, x []float64) {
	t.Helper()
	z, err := g.Preimage(x)
	if err != nil {
		t.Fatalf("preimage of %v: %v", x, err)
	}
	y := g.Forward(nil, z)
	for i := range x {
		if x[i] == 0 {
			if y[i] != 0 {
				t.Fatalf("n=%d k=%d x=%v: G(z)[%d] = %g, want exactly 0", g.n, g.k, x, i, y[i])
			}
		} else if math.Abs(y[i]-x[i]) > 1e-9*math.Abs(x[i]) {
			t.Fatalf("n=%d k=%d x=%v: G(z)[%d] = %.17g, want %.17g", g.n, g.k, x, i, y[i], x[i])
		}
	}
}

func TestGspPreimageRandom(t *testing.T) {
	r := rng.New(5)
	for _, c := range [][2]int{{1, 1}, {3, 3}, {10, 2}, {64, 8}, {500, 20}, {2000, 5}} {
		n, k := c[0], c[1]
		g, _ := Gsp(n, k)
		for trial := 0; trial < 300; trial++ {
			x := make([]float64, n)
			s := r.IntN(k + 1)
			for _, i := range r.Perm(n)[:s] {
				x[i] = math.Pow(10, -6+12*r.Float64())
				if r.IntN(2) == 0 {
					x[i] = -x[i]
				}
			}
			checkPreimage(t, g, x)
		}
	}
}

// TestGspPreimageAllSupports enumerates every support of size <= k and every
// sign pattern for small n, k.
func TestGspPreimageAllSupports(t *testing.T) {
	r := rng.New(6)
	for _, c := range [][2]int{{1, 1}, {4, 2}, {6, 3}, {8, 4}} {
		n, k := c[0], c[1]
		g, _ := Gsp(n, k)
		count := 0
		for mask := 0; mask < 1<<n; mask++ {
			var supp []int
			for i := 0; i < n; i++ {
				if mask>>i&1 == 1 {
					supp = append(supp, i)
				}
			}
			if len(supp) > k {
				continue
			}
			for signs := 0; signs < 1<<len(supp); signs++ {
				x := make([]float64, n)
				for p, i := range supp {
					x[i] = math.Pow(10, -6+12*r.Float64())
					if signs>>p&1 == 1 {
						x[i] = -x[i]
					}
				}
				checkPreimage(t, g, x)
				count++
			}
		}
		t.Logf("n=%d k=%d: %d (support, sign) patterns reproduced", n, k, count)
	}
}

func TestGspPreimageErrors(t *testing.T) {
	g, _ := Gsp(5, 2)
	if _, err := g.Preimage([]float64{1, 2, 3, 0, 0}); !errors.Is(err, ErrTooManyNonZeros) {
		t.Fatalf("3 non-zeros with k=2: err = %v", err)
	}
	if _, err := g.Preimage([]float64{1, 2}); err == nil {
		t.Fatal("length mismatch accepted")
	}
	if _, err := g.Preimage([]float64{math.NaN(), 0, 0, 0, 0}); err == nil {
		t.Fatal("NaN accepted")
	}
	if _, err := g.Preimage([]float64{math.MaxFloat64, 0, 0, 0, 0}); err == nil {
		t.Fatal("overflowing target accepted")
	}
	z, err := g.Preimage(make([]float64, 5))
	if err != nil || countNZ(g.Forward(nil, z)) != 0 {
		t.Fatal("zero target")
	}
}

// TestGspVJP checks J^T v against central finite differences.
func TestGspVJP(t *testing.T) {
	g, _ := Gsp(9, 3)
	r := rng.New(7)
	for trial := 0; trial < 200; trial++ {
		z := make([]float64, 6)
		for i := range z {
			z[i] = r.NormFloat64()
		}
		v := make([]float64, 9)
		for i := range v {
			v[i] = r.NormFloat64()
		}
		got := g.VJP(nil, z, v)
		h := 1e-6
		for i := range z {
			zp := append([]float64(nil), z...)
			zm := append([]float64(nil), z...)
			zp[i] += h
			zm[i] -= h
			yp, ym := g.Forward(nil, zp), g.Forward(nil, zm)
			fd := 0.0
			for o := range v {
				fd += v[o] * (yp[o] - ym[o]) / (2 * h)
			}
			// Kinks make finite differences wrong near boundaries; they
			// are measure-zero, so a large mismatch at a random point is
			// a bug. Tolerance scales with the slope 1/sin w.
			if math.Abs(fd-got[i]) > 1e-5/math.Sin(g.SectorWidth())*(1+math.Abs(fd)) {
				t.Fatalf("trial %d coord %d: VJP %g, finite difference %g", trial, i, got[i], fd)
			}
		}
	}
}

// TestGspLipschitz: the exact Lipschitz constant is sqrt(k)/sin w (each pair
// contributes a gradient of norm 1/sin w on its active half-sector; k pairs
// at the same output give a row of norm sqrt(k)/sin w). Random difference
// quotients never exceed it and the bound is attained at the preimage of
// k entries at one output... here, at k equal pairs on one output (k=1) or
// pairs on distinct outputs (norm 1/sin w).
func TestGspLipschitz(t *testing.T) {
	for _, c := range [][2]int{{5, 1}, {10, 3}} {
		n, k := c[0], c[1]
		g, _ := Gsp(n, k)
		L := g.Lipschitz()
		r := rng.New(8, uint64(n))
		maxQ := 0.0
		for trial := 0; trial < 20000; trial++ {
			z1 := make([]float64, 2*k)
			z2 := make([]float64, 2*k)
			for i := range z1 {
				z1[i] = r.NormFloat64()
				z2[i] = z1[i] + 1e-3*r.NormFloat64()
			}
			y1, y2 := g.Forward(nil, z1), g.Forward(nil, z2)
			dy, dz := 0.0, 0.0
			for i := range y1 {
				dy += (y1[i] - y2[i]) * (y1[i] - y2[i])
			}
			for i := range z1 {
				dz += (z1[i] - z2[i]) * (z1[i] - z2[i])
			}
			q := math.Sqrt(dy / dz)
			if q > L*(1+1e-9) {
				t.Fatalf("difference quotient %g exceeds Lipschitz constant %g", q, L)
			}
			maxQ = math.Max(maxQ, q)
		}
		if maxQ < 0.5/math.Sin(g.SectorWidth()) {
			t.Fatalf("n=%d k=%d: max difference quotient %g far below 1/sin w = %g", n, k, maxQ, 1/math.Sin(g.SectorWidth()))
		}
		t.Logf("n=%d k=%d: max random difference quotient %.4g, Lipschitz sqrt(k)/sin w = %.4g", n, k, maxQ, L)
	}
}

func ExampleGsp() {
	g, err := Gsp(6, 2)
	if err != nil {
		panic(err)
	}
	x := []float64{0, -2.5, 0, 0, 1e-3, 0}
	z, _ := g.Preimage(x)
	y := g.Forward(nil, z)
	fmt.Printf("%.6g\n", y)
	fmt.Println(g.Widths(), g.NonZeros())
	// Output:
	// [0 -2.5 0 0 0.001 0]
	// [4 48 24 6] 168
}
