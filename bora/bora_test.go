package bora

import (
	"bytes"
	"context"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/gencs/gencs/data"
	"github.com/gencs/gencs/internal/rng"
	"github.com/gencs/gencs/nn"
	"github.com/gencs/gencs/vae"
	"gonum.org/v1/gonum/mat"
)

func TestDCTOrthonormal(t *testing.T) {
	for _, n := range []int{1, 4, 28} {
		c := DCTMatrix(n)
		var p mat.Dense
		p.Mul(c, c.T())
		if !mat.EqualApprox(&p, eye(n), 1e-12) {
			t.Fatalf("n=%d: C C^T != I", n)
		}
	}
	// Column (a, b) of the IDCT2 matrix is the separable cosine
	// c_a(r) c_b(q) (closed form), and M is orthogonal.
	rows, cols := 4, 6
	M := IDCT2Matrix(rows, cols)
	var p mat.Dense
	p.Mul(M.T(), M)
	if !mat.EqualApprox(&p, eye(rows*cols), 1e-12) {
		t.Fatal("IDCT2 matrix not orthogonal")
	}
	a, b := 2, 5
	for r := 0; r < rows; r++ {
		for q := 0; q < cols; q++ {
			want := math.Sqrt(2.0/float64(rows)) * math.Cos(math.Pi*float64((2*r+1)*a)/float64(2*rows)) *
				math.Sqrt(2.0/float64(cols)) * math.Cos(math.Pi*float64((2*q+1)*b)/float64(2*cols))
			if got := M.At(r*cols+q, a*cols+b); math.Abs(got-want) > 1e-12 {
				t.Fatalf("M[(%d,%d),(%d,%d)] = %v, want %v", r, q, a, b, got, want)
			}
		}
	}
}

func eye(n int) *mat.Dense {
	m := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		m.Set(i, i, 1)
	}
	return m
}

func gaussian(m, n int, seed uint64) *mat.Dense {
	r := rng.New(seed)
	A := mat.NewDense(m, n, nil)
	for i := range A.RawMatrix().Data {
		A.RawMatrix().Data[i] = r.NormFloat64()
	}
	return A
}

// shippedDecoder loads the MNIST decoder shipped in models/.
func shippedDecoder(t *testing.T) *nn.Network {
	t.Helper()
	p := filepath.Join("..", "models", "mnist-vae", nn.ManifestName)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("shipped decoder missing: %v", err)
	}
	G, err := nn.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	return G
}

// TestCSGMRecoversDecoderOutput: x* = G(z*) is in the range of the shipped
// decoder, so CSGM without noise and z-prior recovers it from m = 200
// Gaussian measurements to small per-pixel error.
func TestCSGMRecoversDecoderOutput(t *testing.T) {
	G := shippedDecoder(t)
	k, n := G.Dims()
	nimg := 2
	Z := gaussian(nimg, k, 5)
	Z.Scale(0.7, Z) // typical codes
	X := G.ForwardBatch(nil, Z)
	m := 200
	A := gaussian(m, n, 6)
	Y := mat.NewDense(nimg, m, nil)
	Y.Mul(X, A.T())
	res, err := BatchCSGM(context.Background(), G, A, Y, &CSGMOptions{Steps: 500, Restarts: 2, ZPrior: -1, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < nimg; i++ {
		e := mse(X.RawRowView(i), res.X.RawRowView(i))
		t.Logf("image %d: per-pixel squared error %.2e", i, e)
		// For scale: a blank image has error mean(x^2) ~ 0.1 on digits.
		if e > 1e-4 {
			t.Errorf("image %d: per-pixel squared error %.2e (loss %.2e), want < 1e-4", i, e, res.Loss[i])
		}
	}
}

// TestSparseGenRecoversOffRange: x = G(z*) + nu* with nu* 15-sparse is off
// the decoder's range; Sparse-Gen recovers it far better than CSGM.
func TestSparseGenRecoversOffRange(t *testing.T) {
	G := shippedDecoder(t)
	k, n := G.Dims()
	z := gaussian(1, k, 7)
	z.Scale(0.7, z)
	x := G.ForwardBatch(nil, z)
	r := rng.New(8)
	for _, j := range r.Perm(n)[:15] {
		x.RawRowView(0)[j] += 0.8
	}
	m := 300
	A := gaussian(m, n, 9)
	Y := mat.NewDense(1, m, nil)
	Y.Mul(x, A.T())
	opt := CSGMOptions{Steps: 1000, Restarts: 2, ZPrior: -1, Seed: 2}
	plain, err := BatchCSGM(context.Background(), G, A, Y, &opt)
	if err != nil {
		t.Fatal(err)
	}
	opt.SparseL1 = 0.02
	sg, err := BatchCSGM(context.Background(), G, A, Y, &opt)
	if err != nil {
		t.Fatal(err)
	}
	ep, es := mse(x.RawRowView(0), plain.X.RawRowView(0)), mse(x.RawRowView(0), sg.X.RawRowView(0))
	t.Logf("per-pixel squared error: CSGM %.2e, Sparse-Gen %.2e", ep, es)
	if !(es < ep/5) || es > 2e-3 {
		t.Fatalf("off-range signal: CSGM error %.2e, Sparse-Gen %.2e; want Sparse-Gen < 2e-3 and 5x better", ep, es)
	}
}

// TestRunOnSample runs the whole comparison on the checked-in MNIST sample
// with a tiny untrained decoder: every cell has a valid interval, more
// measurements help the Lasso, and the grid decodes to the right pixels.
func TestRunOnSample(t *testing.T) {
	set, err := data.LoadMNISTDigits(filepath.Join("..", "data", "testdata", "mnist"), data.Test)
	if err != nil {
		t.Fatal(err)
	}
	G := vae.New(vae.Config{Hidden: 8, Latent: 3}, 1).Decoder()
	cfg := Config{Ms: []int{50, 400}, Images: 4, Sigma: -1, UnitA: true, Seed: 3,
		CSGM: CSGMOptions{Steps: 20, Restarts: 2}, LassoIters: 500}
	res, err := Run(context.Background(), G, set, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Cells) != 2*len(AllMethods) {
		t.Fatalf("%d cells", len(res.Cells))
	}
	if a, b := res.Cell(MethodLasso, 50).Mean, res.Cell(MethodLasso, 400).Mean; !(b < a/2) {
		t.Errorf("Lasso error %v at m=50, %v at m=400", a, b)
	}
	for _, c := range res.Cells {
		if !(c.Lo <= c.Mean && c.Mean <= c.Hi) || math.IsNaN(c.Mean) {
			t.Errorf("%s m=%d: interval [%v, %v] around %v", c.Method, c.M, c.Lo, c.Hi, c.Mean)
		}
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "grid.png")
	if err := res.WriteGrid(p, 0); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	// Layout: label column 150 px, gap 2, cells of 28*2 px + 2 gap.
	bd := img.Bounds()
	if bd.Dx() != 150+4*58+2 || bd.Dy() != (1+len(AllMethods))*58+2 {
		t.Fatalf("grid size %v", bd)
	}
	// Pixel (r, q) of original image i is drawn at (152 + 58 i + 2q, 2 + 2r).
	for i := 0; i < 4; i++ {
		for _, rq := range [][2]int{{14, 14}, {10, 12}, {20, 9}} {
			v := res.Originals.At(i, rq[0]*28+rq[1])
			g, _, _, _ := img.At(152+58*i+2*rq[1], 2+2*rq[0]).RGBA()
			if want := uint32(math.Round(255*v)) * 0x101; g != want {
				t.Errorf("image %d pixel %v: grey %d, want %d", i, rq, g, want)
			}
		}
	}
	for _, ext := range []string{"png", "svg"} {
		if err := res.Figure(filepath.Join(dir, "f."+ext), "t"); err != nil {
			t.Fatal(err)
		}
	}
}

func TestMeasurementsFor(t *testing.T) {
	r := &Results{Ms: []int{10, 20, 40}, Methods: []string{MethodCSGM, MethodLasso}}
	add := func(me string, errs ...float64) {
		for i, e := range errs {
			r.Cells = append(r.Cells, Cell{Method: me, M: r.Ms[i], Mean: e})
		}
	}
	add(MethodCSGM, 0.05, 0.02, 0.01)
	add(MethodLasso, 0.1, 0.08, 0.04)
	if m, ok := r.MeasurementsFor(MethodCSGM, 0.03); !ok || math.Abs(m-(10+10*2.0/3)) > 1e-9 {
		t.Errorf("csgm at 0.03: %v %v", m, ok)
	}
	if m, ok := r.MeasurementsFor(MethodCSGM, 0.06); !ok || m != 10 {
		t.Errorf("csgm at 0.06: %v %v", m, ok)
	}
	if _, ok := r.MeasurementsFor(MethodLasso, 0.03); ok {
		t.Error("lasso reached 0.03")
	}
	tab := r.RatioTable([]float64{0.05})
	// Lasso reaches 0.05 between 20 (0.08) and 40 (0.04): 20 + 20*0.75 = 35.
	if math.Abs(tab[0].Needed[MethodLasso]-35) > 1e-9 || math.Abs(tab[0].Ratio-3.5) > 1e-9 {
		t.Errorf("ratio row %+v", tab[0])
	}
}

// TestCSGMDeterministicAcrossGOMAXPROCS: same seed, same estimates, for any
// GOMAXPROCS.
func TestCSGMDeterministicAcrossGOMAXPROCS(t *testing.T) {
	G := vae.New(vae.Config{Input: 300, Hidden: 200, Latent: 5}, 1).Decoder()
	A := gaussian(100, 300, 2)
	Y := gaussian(10, 100, 3)
	run := func(procs int) *mat.Dense {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		r, err := BatchCSGM(context.Background(), G, A, Y, &CSGMOptions{Steps: 20, Restarts: 10, SparseL1: 0.1, Seed: 4})
		if err != nil {
			t.Fatal(err)
		}
		return r.X
	}
	if a, b := run(1), run(4); !mat.Equal(a, b) {
		t.Fatal("estimates differ between GOMAXPROCS 1 and 4")
	}
}

// TestConfigValidate: non-finite numbers, unknown methods and non-positive
// measurement counts are rejected before any data is touched (Run used to
// fail late with "objective NaN" for sigma = NaN or LR = Inf), while the
// zero Config and the documented negative sigma (no noise) are valid.
func TestConfigValidate(t *testing.T) {
	for _, c := range []Config{{}, {Sigma: -1, CSGM: CSGMOptions{ZPrior: -1}}, {Ms: []int{10, 784}, Methods: AllMethods}} {
		if err := c.Validate(); err != nil {
			t.Errorf("%+v: %v", c, err)
		}
	}
	for name, c := range map[string]Config{
		"sigma":   {Sigma: math.NaN()},
		"rate":    {CSGM: CSGMOptions{LR: math.Inf(1)}},
		"z-prior": {CSGM: CSGMOptions{ZPrior: math.Inf(-1)}},
		"Sparse":  {SparseGenAlpha: math.NaN()},
		"Lasso":   {LassoAlpha: math.Inf(1)},
		"steps":   {CSGM: CSGMOptions{Steps: MaxSteps + 1}},
		"restart": {CSGM: CSGMOptions{Restarts: -1}},
		"count":   {Ms: []int{0}},
		"nosuch":  {Methods: []string{"nosuch"}},
	} {
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: error %v does not name it", name, err)
		}
		if _, err := Run(context.Background(), nil, nil, c, nil); err == nil {
			t.Errorf("%s: Run accepted it", name)
		}
	}
}
