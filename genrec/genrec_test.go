package genrec

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/gencs/gencs/internal/rng"
	"github.com/gencs/gencs/linop"
	"github.com/gencs/gencs/nn"
)

func randVec(r *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = r.NormFloat64()
	}
	return v
}

func relErr(a, b []float64) float64 {
	e, nb := 0.0, 0.0
	for i := range a {
		e += (a[i] - b[i]) * (a[i] - b[i])
		nb += b[i] * b[i]
	}
	return math.Sqrt(e / nb)
}

// problem returns a random expansive ReLU generator 5 -> 20 -> 50, a latent
// z*, x* = G(z*), a Gaussian A with m rows and y = A x*.
func problem(t testing.TB, m int, seed uint64) (*nn.Network, linop.Operator, []float64, []float64, []float64) {
	G, err := nn.RandomReLU([]int{5, 20, 50}, seed)
	if err != nil {
		t.Fatal(err)
	}
	z := randVec(rng.New(seed, 99), 5)
	x := G.Forward(nil, z)
	A, err := linop.Gaussian(m, 50, seed)
	if err != nil {
		t.Fatal(err)
	}
	return G, A, A.Apply(nil, x), x, z
}

func TestGradientFiniteDifferences(t *testing.T) {
	r := rng.New(1)
	// A smooth generator (tanh and softplus), where central differences are
	// accurate to O(h^2) everywhere, and a ReLU one, where random points are
	// almost surely farther than h from a kink. plainGen hides
	// ForwardVJP so both gradient paths are checked.
	W1 := mat.NewDense(12, 4, randVec(r, 48))
	W2 := mat.NewDense(30, 12, randVec(r, 360))
	smooth, err := nn.NewNetwork("smooth", nn.NewDense(W1, randVec(r, 12)), nn.Tanh(12),
		nn.NewDense(W2, nil), nn.Softplus(30))
	if err != nil {
		t.Fatal(err)
	}
	relu, err := nn.RandomReLU([]int{4, 15, 30}, 3)
	if err != nil {
		t.Fatal(err)
	}
	A, _ := linop.Gaussian(20, 30, 5)
	y := randVec(r, 20)
	for _, G := range []Generator{smooth, relu, plainGen{smooth}, plainGen{relu}} {
		for _, lambda := range []float64{0, 0.3} {
			e := &evaluator{G: G, A: A, y: y, lambda: lambda}
			for trial := 0; trial < 10; trial++ {
				z := randVec(r, 4)
				g := make([]float64, 4)
				e.eval(z, g)
				const h = 1e-6
				for i := range z {
					zp := append([]float64(nil), z...)
					zm := append([]float64(nil), z...)
					zp[i] += h
					zm[i] -= h
					_, fp := e.eval(zp, nil)
					_, fm := e.eval(zm, nil)
					fd := (fp - fm) / (2 * h)
					if math.Abs(fd-g[i]) > 1e-5*(1+math.Abs(g[i])) {
						t.Errorf("lambda %v coordinate %d: gradient %v, central difference %v", lambda, i, g[i], fd)
					}
				}
			}
		}
	}
}

// plainGen hides the ForwardVJP fast path of a network.
type plainGen struct{ g Generator }

func (p plainGen) Dims() (int, int)                   { return p.g.Dims() }
func (p plainGen) Forward(dst, z []float64) []float64 { return p.g.Forward(dst, z) }
func (p plainGen) VJP(dst, z, v []float64) []float64  { return p.g.VJP(dst, z, v) }

func TestCSGMRecoversRandomReLU(t *testing.T) {
	// m = 30 measurements of a point in the range of a 5 -> 20 -> 50 ReLU
	// generator (6x the latent dimension): the global minimum is x* itself,
	// and restarts find it to the convergence tolerance.
	for seed := uint64(0); seed < 3; seed++ {
		G, A, y, x, _ := problem(t, 30, seed)
		res, err := CSGM(G, A, y, &Options{Iters: 3000, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		if e := relErr(res.X, x); e > 1e-6 {
			t.Errorf("seed %d: relative error %.3g (loss %.3g, status %v)", seed, e, res.Loss, res.Status)
		}
		if len(res.Losses) != 10 || res.Losses[res.Restart] != res.Loss {
			t.Errorf("seed %d: Losses %v, restart %d", seed, res.Losses, res.Restart)
		}
		for _, l := range res.Losses {
			if l < res.Loss {
				t.Errorf("seed %d: restart loss %v below chosen %v", seed, l, res.Loss)
			}
		}
	}
}

func TestCSGMDeterministicAcrossWorkers(t *testing.T) {
	G, A, y, _, _ := problem(t, 20, 7)
	var first Result
	for i, w := range []int{1, 2, 5} {
		res, err := CSGM(G, A, y, &Options{Iters: 300, Restarts: 6, Workers: w, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = res
			continue
		}
		if res.Restart != first.Restart || res.Loss != first.Loss {
			t.Fatalf("workers %d: restart %d loss %v; workers 1: restart %d loss %v", w, res.Restart, res.Loss, first.Restart, first.Loss)
		}
		for j := range res.Z {
			if res.Z[j] != first.Z[j] {
				t.Fatalf("workers %d: Z differs", w)
			}
		}
	}
}

func TestCSGMExplicitInit(t *testing.T) {
	G, A, y, x, z := problem(t, 30, 2)
	res, err := CSGM(G, A, y, &Options{Init: [][]float64{z}, Restarts: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != Converged || res.Iterations != 0 || relErr(res.X, x) != 0 {
		t.Fatalf("start at z*: status %v after %d iterations, error %v", res.Status, res.Iterations, relErr(res.X, x))
	}
}

// For a linear generator G(z) = W z the objective is a ridge regression with
// the closed-form minimiser z = (B^T B + lambda I)^{-1} B^T y, B = A W.
func TestCSGMRidgeClosedForm(t *testing.T) {
	r := rng.New(4)
	const k, n, m = 3, 10, 6
	W := mat.NewDense(n, k, randVec(r, n*k))
	G, _ := nn.NewNetwork("linear", nn.NewDense(W, nil))
	Aop, _ := linop.Gaussian(m, n, 8)
	y := randVec(r, m)
	var B, BtB mat.Dense
	B.Mul(Aop.M, W)
	BtB.Mul(B.T(), &B)
	for _, lambda := range []float64{0, 0.5} {
		var M mat.Dense
		M.Add(&BtB, eye(k, lambda))
		var rhs, want mat.VecDense
		rhs.MulVec(B.T(), mat.NewVecDense(m, y))
		if err := want.SolveVec(&M, &rhs); err != nil {
			t.Fatal(err)
		}
		for _, o := range []Optimizer{Adam, GD, Momentum} {
			res, err := CSGM(G, Aop, y, &Options{Optimizer: o, Lambda: lambda, Iters: 20000, Restarts: 2, LR: 0.01})
			if err != nil {
				t.Fatal(err)
			}
			if e := relErr(res.Z, want.RawVector().Data); e > 1e-6 {
				t.Errorf("%v lambda %v: relative error %.3g from the ridge solution (status %v)", o, lambda, e, res.Status)
			}
			if wantObj := res.Loss + lambda*dot(res.Z, res.Z); math.Abs(res.Objective-wantObj) > 1e-12*(1+wantObj) {
				t.Errorf("objective %v, loss + lambda ||z||^2 = %v", res.Objective, wantObj)
			}
		}
	}
}

func eye(k int, s float64) *mat.Dense {
	d := mat.NewDense(k, k, nil)
	for i := 0; i < k; i++ {
		d.Set(i, i, s)
	}
	return d
}

func TestCSGMDivergedKeepsBestFinite(t *testing.T) {
	r := rng.New(5)
	W := mat.NewDense(10, 3, randVec(r, 30))
	G, _ := nn.NewNetwork("linear", nn.NewDense(W, nil))
	A, _ := linop.Gaussian(8, 10, 1)
	y := randVec(r, 8)
	res, err := CSGM(G, A, y, &Options{Optimizer: GD, LR: 100, Iters: 5000, Restarts: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != Diverged || math.IsNaN(res.Loss) || math.IsInf(res.Loss, 0) {
		t.Fatalf("status %v, loss %v", res.Status, res.Loss)
	}
}

func TestProjectFindsRangePoint(t *testing.T) {
	G, _, _, x, _ := problem(t, 10, 6)
	res, err := Project(G, x, &Options{Iters: 3000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if e := relErr(res.X, x); e > 1e-6 {
		t.Fatalf("projection of a range point: relative error %.3g", e)
	}
}

func TestPGDRecoversRandomReLU(t *testing.T) {
	for seed := uint64(0); seed < 2; seed++ {
		G, A, y, x, _ := problem(t, 40, seed)
		res, err := PGD(G, A, y, &PGDOptions{Outer: 60, Inner: Options{Seed: seed, Iters: 500}})
		if err != nil {
			t.Fatal(err)
		}
		if e := relErr(res.X, x); e > 1e-3 {
			t.Errorf("seed %d: PGD relative error %.3g after %d outer iterations (history %v)", seed, e, res.Iterations, res.History)
		}
	}
}

func TestErrors(t *testing.T) {
	G, A, y, _, _ := problem(t, 10, 1)
	A2, _ := linop.Gaussian(10, 40, 1)
	bad := []struct {
		name string
		f    func() error
	}{
		{"operator columns", func() error { _, err := CSGM(G, A2, y, nil); return err }},
		{"y length", func() error { _, err := CSGM(G, A, y[:5], nil); return err }},
		{"y NaN", func() error {
			y2 := append([]float64(nil), y...)
			y2[0] = math.NaN()
			_, err := CSGM(G, A, y2, nil)
			return err
		}},
		{"negative lambda", func() error { _, err := CSGM(G, A, y, &Options{Lambda: -1}); return err }},
		{"negative lr", func() error { _, err := CSGM(G, A, y, &Options{LR: -1}); return err }},
		{"init length", func() error { _, err := CSGM(G, A, y, &Options{Init: [][]float64{{1}}}); return err }},
		{"pgd dims", func() error { _, err := PGD(G, A2, y, nil); return err }},
		{"project length", func() error { _, err := Project(G, y, nil); return err }},
	}
	for _, b := range bad {
		if b.f() == nil {
			t.Errorf("%s: no error", b.name)
		}
	}
	if _, err := ParseOptimizer("sgd"); err == nil {
		t.Error("unknown optimizer accepted")
	}
}

func TestAdjointStartOrthogonal(t *testing.T) {
	// With A orthogonal (A^T A = I), A^T y = x exactly, so the adjoint start
	// is the projection of x itself: a latent that reproduces x.
	G, _, _, x, _ := problem(t, 10, 4)
	A, err := linop.OrthonormalRows(50, 50, 3)
	if err != nil {
		t.Fatal(err)
	}
	y := A.Apply(nil, x)
	z0, err := AdjointStart(context.Background(), G, A, y, &Options{Iters: 3000, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	if e := relErr(G.Forward(nil, z0), x); e > 1e-6 {
		t.Fatalf("G(adjoint start) relative error %.3g", e)
	}
}
