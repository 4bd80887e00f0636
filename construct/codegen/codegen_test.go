package codegen

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/gencs/gencs/internal/rng"
	"github.com/gencs/gencs/nn"
)

var instances = []Params{
	{N: 48, K: 2, L: 4, Rlat: 1, R: 1.0 / 8, P: 2, Seed: 1}, // |P'| = 32
	{N: 48, K: 2, L: 4, Rlat: 1, R: 1.0 / 8, P: 1, Seed: 1},
	{N: 72, K: 3, L: 1, Rlat: 2, R: 0.1, P: 2, Seed: 2},                // floor(20)
	{N: 96, K: 4, L: 10, Rlat: 1, R: 0.4, P: 1, Seed: 3},               // 25 points
	{N: 144, K: 6, L: 3, Rlat: 3, R: 0.5, P: 2, Seed: 4},               // 18 points
	{N: 20, K: 1, L: 1, Rlat: 1, R: 0.25, P: 2, Seed: 5},               // k = 1
	{N: 60, K: 2, L: 100, Rlat: 1, R: 1, P: 2, Seed: 6, MaxCodeDim: 3}, // capped at 8 points
}

func mustNew(t *testing.T, p Params) *Generator {
	t.Helper()
	g, err := New(p)
	if err != nil {
		t.Fatalf("New(%+v): %v", p, err)
	}
	return g
}

func TestTheorem21Claims(t *testing.T) {
	for _, p := range instances {
		g := mustNew(t, p)
		rep := g.Verify(VerifyOptions{Trials: 4000, Seed: 1})
		if !rep.OK {
			t.Errorf("%+v:\n%s", p, rep)
		}
		pp := float64(p.P)
		// Independent checks of the same claims.
		if rep.Lipschitz > LipschitzConstant(p.P)*p.L*(1+1e-12) {
			t.Errorf("Lipschitz %.4g > C_p L", rep.Lipschitz)
		}
		if rep.MinDist < p.R/math.Pow(6, 1/pp)-1e-12 {
			t.Errorf("min distance %.4g < R/6^{1/p}", rep.MinDist)
		}
		if got, want := float64(rep.SizeX), math.Pow(float64(rep.Points)/2, float64(p.K)/2); got < want {
			t.Errorf("|X| = %v < (|P'|/2)^{k/2} = %v", got, want)
		}
		if rep.SizeX != pow(rep.Q, (p.K+1)/2) {
			t.Errorf("|X| = %d, want q^ceil(k/2) = %d", rep.SizeX, pow(rep.Q, (p.K+1)/2))
		}
		wantPts := min(int(math.Floor(p.L*p.Rlat/p.R+1e-9)), 1<<rep.CodeDim)
		if rep.Points != wantPts || (p.MaxCodeDim > 0) != rep.CappedByN {
			t.Errorf("|P'| = %d (capped %v), want %d", rep.Points, rep.CappedByN, wantPts)
		}
		if 2*rep.Q <= rep.Points || rep.Q < p.K {
			t.Errorf("q = %d not in (|P'|/2, |P'|] or < k", rep.Q)
		}
	}
}

func pow(a, b int) int {
	r := 1
	for range b {
		r *= a
	}
	return r
}

// Lemma 3.3 as scaled in the proof: the points of P' have norm R/k^{1/p}
// and pairwise distances in [2 (1/3)^{1/p}, 2 (2/3)^{1/p}] R/k^{1/p}.
func TestLemma33PointSet(t *testing.T) {
	for _, p := range instances {
		g := mustNew(t, p)
		pp := float64(p.P)
		scale := p.R / math.Pow(float64(p.K), 1/pp)
		lo, hi := 2*math.Pow(1.0/3, 1/pp)*scale, 2*math.Pow(2.0/3, 1/pp)*scale
		for i, a := range g.Points {
			if math.Abs(norm(a, p.P)-scale) > 1e-12*scale {
				t.Fatalf("||P_%d|| = %v, want %v", i, norm(a, p.P), scale)
			}
			for _, b := range g.Points[i+1:] {
				if d := distP(a, b, p.P); d < lo*(1-1e-12) || d > hi*(1+1e-12) {
					t.Fatalf("%+v: distance %v outside [%v, %v]", p, d, lo, hi)
				}
			}
		}
	}
}

// The exact Lipschitz constant is the steepest segment, and it is attained
// by moving one latent coordinate inside that segment.
func TestLipschitzIsSteepestSegment(t *testing.T) {
	for _, p := range instances[:4] {
		g := mustNew(t, p)
		best := 0.0
		z1, z2 := make([]float64, p.K), make([]float64, p.K)
		for j := 0; j+1 < len(g.Points); j++ {
			slope := distP(g.Points[j+1], g.Points[j], p.P) / g.Step
			best = math.Max(best, slope)
			z1[0], z2[0] = g.Node(j)+0.25*g.Step, g.Node(j)+0.75*g.Step
			got := distP(g.Forward(nil, z1), g.Forward(nil, z2), p.P) / (0.5 * g.Step)
			if math.Abs(got-slope) > 1e-9*slope {
				t.Fatalf("segment %d: ratio %v, slope %v", j, got, slope)
			}
		}
		if math.Abs(best-g.Lipschitz(p.P)) > 1e-12*best {
			t.Fatalf("Lipschitz = %v, steepest segment %v", g.Lipschitz(p.P), best)
		}
	}
}

// Brute force over all pairs of a small G(X) through Forward.
func TestMinDistanceBruteForce(t *testing.T) {
	for _, p := range []Params{instances[0], instances[1], instances[2]} {
		g := mustNew(t, p)
		nx := g.NumX()
		pts := make([][]float64, nx)
		for i := range pts {
			pts[i] = g.Forward(nil, g.X(nil, i))
		}
		best := math.Inf(1)
		for i := range pts {
			for j := i + 1; j < nx; j++ {
				best = math.Min(best, distP(pts[i], pts[j], p.P))
			}
		}
		rep := g.Verify(VerifyOptions{Trials: 10})
		if math.Abs(best-rep.MinDist) > 1e-9*best || best < rep.MinDistDerived*(1-1e-12) {
			t.Errorf("brute force min %v, report %v, derived bound %v", best, rep.MinDist, rep.MinDistDerived)
		}
	}
}

func TestVJPFiniteDifference(t *testing.T) {
	for _, p := range instances {
		g := mustNew(t, p)
		r := rng.New(9, uint64(p.K))
		z, v, dz := make([]float64, p.K), make([]float64, p.N), make([]float64, p.K)
		for trial := 0; trial < 20; trial++ {
			for i := range z {
				// Generic points: away from nodes by > h; some outside [0, T].
				z[i] = (1.4*r.Float64() - 0.2) * g.T
				if f := math.Mod(z[i], g.Step); f < 1e-4*g.Step || f > (1-1e-4)*g.Step {
					z[i] += 0.5 * g.Step
				}
				dz[i] = r.NormFloat64()
			}
			for e := range v {
				v[e] = r.NormFloat64()
			}
			h := 1e-6 * g.Step
			zp, zm := make([]float64, p.K), make([]float64, p.K)
			for i := range z {
				zp[i], zm[i] = z[i]+h*dz[i], z[i]-h*dz[i]
			}
			fd := 0.0
			gp, gm := g.Forward(nil, zp), g.Forward(nil, zm)
			for e := range v {
				fd += v[e] * (gp[e] - gm[e]) / (2 * h)
			}
			jt := g.VJP(nil, z, v)
			an := 0.0
			for i := range dz {
				an += jt[i] * dz[i]
			}
			if math.Abs(fd-an) > 1e-6*(1+math.Abs(an)) {
				t.Fatalf("%+v z=%v: <v, J dz> = %v by finite differences, %v by VJP", p, z, fd, an)
			}
		}
	}
}

func TestNetworkMatchesAndRoundTrips(t *testing.T) {
	dir := t.TempDir()
	for i, p := range instances[:5] {
		g := mustNew(t, p)
		net, err := g.ToNetwork()
		if err != nil {
			t.Fatal(err)
		}
		sub := filepath.Join(dir, fmt.Sprint(i))
		if err := nn.Save(sub, net); err != nil {
			t.Fatal(err)
		}
		loaded, err := nn.Load(filepath.Join(sub, nn.ManifestName))
		if err != nil {
			t.Fatal(err)
		}
		if loaded.Kind != Kind {
			t.Fatalf("kind %q", loaded.Kind)
		}
		pm, err := FromMeta(loaded.Meta)
		if err != nil {
			t.Fatal(err)
		}
		g2 := mustNew(t, pm)
		r := rng.New(3, uint64(i))
		z, v := make([]float64, p.K), make([]float64, p.N)
		for trial := 0; trial < 50; trial++ {
			for j := range z {
				z[j] = (1.4*r.Float64() - 0.2) * g.T
			}
			if trial < g.NumX() {
				g.X(z, trial) // exactly on nodes too
			}
			for e := range v {
				v[e] = r.NormFloat64()
			}
			a, b, c := g.Forward(nil, z), loaded.Forward(nil, z), g2.Forward(nil, z)
			for e := range a {
				if math.Abs(a[e]-b[e]) > 1e-12*(1+g.Unit) || a[e] != c[e] {
					t.Fatalf("instance %d: G(z)[%d] = %v, network %v, rebuilt %v", i, e, a[e], b[e], c[e])
				}
			}
			if trial >= g.NumX() { // VJP at generic points
				ja, jb := g.VJP(nil, z, v), loaded.VJP(nil, z, v)
				for j := range ja {
					if math.Abs(ja[j]-jb[j]) > 1e-9*(1+math.Abs(ja[j])) {
						t.Fatalf("instance %d: VJP %v vs network %v", i, ja, jb)
					}
				}
			}
		}
	}
}

func TestBadParameters(t *testing.T) {
	ok := Params{N: 48, K: 2, L: 4, Rlat: 1, R: 1.0 / 8, P: 2}
	cases := []struct {
		mod  func(*Params)
		want error
	}{
		{func(p *Params) { p.P = 3 }, ErrNorm},
		{func(p *Params) { p.N = 50; p.K = 4 }, ErrDivisible},
		{func(p *Params) { p.R = 3 }, ErrRadius},  // Lr/R = 4/3 < 2
		{func(p *Params) { p.R = 16 }, ErrRadius}, // the printed "R > 2Lr"
		{func(p *Params) { p.L = math.NaN() }, ErrParameters},
		{func(p *Params) { p.R = 1; p.K = 6; p.N = 144 }, ErrAlphabet}, // 4 points, q = 3 < k = 6
	}
	for i, c := range cases {
		p := ok
		c.mod(&p)
		_, err := New(p)
		if !errors.Is(err, c.want) {
			t.Errorf("case %d: err = %v, want %v", i, err, c.want)
		}
	}
	// A block of length 1 has no 1/6-balanced code.
	if _, err := New(Params{N: 4, K: 4, L: 100, Rlat: 1, R: 1, P: 2}); err == nil {
		t.Error("n/k = 1 should fail")
	}
}

func ExampleNew() {
	g, err := New(Params{N: 48, K: 2, L: 4, Rlat: 1, R: 0.125, P: 2, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	rep := g.Verify(VerifyOptions{Trials: 1000})
	fmt.Printf("|P'|=%d q=%d |X|=%d min dist %.3f >= R/sqrt6 = %.3f: %v\n",
		rep.Points, rep.Q, rep.SizeX, rep.MinDist, rep.MinDistClaim, rep.OK)
	// Output: |P'|=32 q=31 |X|=31 min dist 0.144 >= R/sqrt6 = 0.051: true
}

// TestNewRejectsHugeN: n above MaxN fails fast with ErrTooLarge instead of
// allocating (n = 10^9 used to exhaust memory); n = MaxN itself is allowed
// by the check (not built here: it takes seconds).
func TestNewRejectsHugeN(t *testing.T) {
	for _, n := range []int{MaxN + 1, 1000000000} {
		_, err := New(Params{N: n, K: 1, L: 4, Rlat: 1, R: 0.125, P: 2})
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("n = %d: error %v, want ErrTooLarge", n, err)
		}
	}
}
