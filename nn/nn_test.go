package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/gencs/gencs/internal/rng"
)

func randVec(r *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = r.NormFloat64()
	}
	return v
}

func randDense(r *rand.Rand, out, in int, bias bool) *Dense {
	W := mat.NewDense(out, in, randVec(r, out*in))
	var b []float64
	if bias {
		b = randVec(r, out)
	}
	return NewDense(W, b)
}

func randSparse(t testing.TB, r *rand.Rand, out, in int, density float64, bias bool) *Sparse {
	var rows, cols []int
	var vals []float64
	for i := 0; i < out; i++ {
		for j := 0; j < in; j++ {
			if r.Float64() < density {
				rows = append(rows, i)
				cols = append(cols, j)
				vals = append(vals, r.NormFloat64())
			}
		}
	}
	var b []float64
	if bias {
		b = randVec(r, out)
	}
	s, err := NewSparseCOO(out, in, rows, cols, vals, b)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// awayFromKinks returns a random point whose coordinates are at least 0.1
// away from 0 (the kink of every piecewise-linear activation here).
func awayFromKinks(r *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		a := 0.1 + 2*r.Float64()
		if r.IntN(2) == 0 {
			a = -a
		}
		v[i] = a
	}
	return v
}

// fdCheck compares <VJP(x, v), d> with the central difference
// <f(x + h d) - f(x - h d), v> / 2h for several random directions d.
func fdCheck(t *testing.T, name string, in, out int, f func(x []float64) []float64,
	vjp func(x, v []float64) []float64, x []float64, r *rand.Rand) {
	t.Helper()
	const h = 1e-6
	v := randVec(r, out)
	g := vjp(x, v)
	if len(g) != in {
		t.Fatalf("%s: VJP has length %d, want %d", name, len(g), in)
	}
	for trial := 0; trial < 5; trial++ {
		d := randVec(r, in)
		xp := make([]float64, in)
		xm := make([]float64, in)
		for i := range x {
			xp[i] = x[i] + h*d[i]
			xm[i] = x[i] - h*d[i]
		}
		fp, fm := f(xp), f(xm)
		fd := 0.0
		for i := range v {
			fd += (fp[i] - fm[i]) * v[i]
		}
		fd /= 2 * h
		an := 0.0
		for i := range d {
			an += g[i] * d[i]
		}
		if math.Abs(fd-an) > 1e-6*(1+math.Abs(an)) {
			t.Errorf("%s: directional derivative %v by VJP, %v by central differences", name, an, fd)
		}
	}
}

func allLayers(t *testing.T, r *rand.Rand) []Layer {
	mixed, err := NewMixed(Segment{Kind: ActReLU, Dim: 3}, Segment{Kind: ActNegReLU, Dim: 2},
		Segment{Kind: ActLeakyReLU, Dim: 2, Slope: -0.3}, Segment{Kind: ActTanh, Dim: 1})
	if err != nil {
		t.Fatal(err)
	}
	return []Layer{
		randDense(r, 7, 5, true),
		randDense(r, 4, 9, false),
		randSparse(t, r, 8, 6, 0.4, true),
		randSparse(t, r, 5, 7, 0.3, false),
		ReLU(8), NegReLU(8), Identity(8), Softplus(8), Sigmoid(8), Tanh(8),
		LeakyReLU(8, 0.2), LeakyReLU(8, -1.5), mixed,
	}
}

func TestLayerVJPFiniteDifferences(t *testing.T) {
	r := rng.New(1)
	for _, l := range allLayers(t, r) {
		for trial := 0; trial < 5; trial++ {
			x := awayFromKinks(r, l.InDim())
			fdCheck(t, layerType(l), l.InDim(), l.OutDim(),
				func(x []float64) []float64 { return l.Forward(nil, x) },
				func(x, v []float64) []float64 { return l.VJP(nil, x, v) }, x, r)
		}
	}
}

func TestActivationValues(t *testing.T) {
	x := []float64{-2, -0.5, 0, 0.5, 2}
	cases := []struct {
		l    Layer
		want []float64
	}{
		{ReLU(5), []float64{0, 0, 0, 0.5, 2}},
		// The paper's [x]_- = x I(x <= 0) keeps negative values.
		{NegReLU(5), []float64{-2, -0.5, 0, 0, 0}},
		{Identity(5), x},
		{LeakyReLU(5, 0.1), []float64{-0.2, -0.05, 0, 0.5, 2}},
		{Tanh(5), []float64{math.Tanh(-2), math.Tanh(-0.5), 0, math.Tanh(0.5), math.Tanh(2)}},
		{Sigmoid(5), []float64{1 / (1 + math.Exp(2)), 1 / (1 + math.Exp(0.5)), 0.5, 1 / (1 + math.Exp(-0.5)), 1 / (1 + math.Exp(-2))}},
		{Softplus(5), []float64{math.Log(1 + math.Exp(-2)), math.Log(1 + math.Exp(-0.5)), math.Log(2), math.Log(1 + math.Exp(0.5)), math.Log(1 + math.Exp(2))}},
	}
	for _, c := range cases {
		got := c.l.Forward(nil, x)
		for i := range got {
			if math.Abs(got[i]-c.want[i]) > 1e-15 {
				t.Errorf("%s(%v) = %v, want %v", layerType(c.l), x[i], got[i], c.want[i])
			}
		}
	}
	// Stable at extreme inputs.
	big := []float64{-1000, 1000}
	for _, l := range []Layer{Softplus(2), Sigmoid(2)} {
		for _, v := range l.Forward(nil, big) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("%s not finite at +-1000", layerType(l))
			}
		}
	}
}

func TestSparseMatchesDense(t *testing.T) {
	r := rng.New(2)
	s := randSparse(t, r, 9, 11, 0.3, true)
	indptr, indices, values, bias := s.CSR()
	W := mat.NewDense(9, 11, nil)
	for i := 0; i < 9; i++ {
		for p := indptr[i]; p < indptr[i+1]; p++ {
			W.Set(i, indices[p], W.At(i, indices[p])+values[p])
		}
	}
	d := NewDense(W, bias)
	x, v := randVec(r, 11), randVec(r, 9)
	ys, yd := s.Forward(nil, x), d.Forward(nil, x)
	gs, gd := s.VJP(nil, x, v), d.VJP(nil, x, v)
	for i := range ys {
		if math.Abs(ys[i]-yd[i]) > 1e-12 {
			t.Fatalf("forward row %d: sparse %v dense %v", i, ys[i], yd[i])
		}
	}
	for i := range gs {
		if math.Abs(gs[i]-gd[i]) > 1e-12 {
			t.Fatalf("VJP entry %d: sparse %v dense %v", i, gs[i], gd[i])
		}
	}
	// Duplicates in COO input add up.
	s2, err := NewSparseCOO(2, 2, []int{1, 0, 1}, []int{0, 1, 0}, []float64{1, 2, 3}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := s2.Forward(nil, []float64{1, 10}); got[0] != 20 || got[1] != 4 {
		t.Fatalf("COO duplicates: got %v, want [20 4]", got)
	}
}

func TestNewSparseRejects(t *testing.T) {
	cases := []struct {
		name            string
		out, in         int
		indptr, indices []int
		values, bias    []float64
	}{
		{"indptr length", 2, 2, []int{0, 1}, []int{0}, []float64{1}, nil},
		{"indptr start", 1, 2, []int{1, 1}, []int{0}, []float64{1}, nil},
		{"decreasing", 2, 2, []int{0, 2, 1}, []int{0, 1}, []float64{1, 2}, nil},
		{"count", 1, 2, []int{0, 2}, []int{0}, []float64{1}, nil},
		{"column range", 1, 2, []int{0, 1}, []int{2}, []float64{1}, nil},
		{"nan", 1, 2, []int{0, 1}, []int{0}, []float64{math.NaN()}, nil},
		{"bias length", 1, 2, []int{0, 1}, []int{0}, []float64{1}, []float64{1, 2}},
	}
	for _, c := range cases {
		if _, err := NewSparse(c.out, c.in, c.indptr, c.indices, c.values, c.bias); err == nil {
			t.Errorf("%s: accepted", c.name)
		}
	}
}

func testNet(t *testing.T, r *rand.Rand) *Network {
	mixed, err := NewMixed(Segment{Kind: ActReLU, Dim: 6}, Segment{Kind: ActNegReLU, Dim: 6})
	if err != nil {
		t.Fatal(err)
	}
	net, err := NewNetwork("test",
		randDense(r, 10, 4, true), ReLU(10),
		randSparse(t, r, 12, 10, 0.5, true), mixed,
		randDense(r, 9, 12, false), LeakyReLU(9, 0.2),
		randDense(r, 7, 9, true), Tanh(7), randDense(r, 6, 7, true), Softplus(6))
	if err != nil {
		t.Fatal(err)
	}
	return net
}

func TestNetworkVJPFiniteDifferences(t *testing.T) {
	r := rng.New(3)
	net := testNet(t, r)
	k, out := net.Dims()
	if k != 4 || out != 6 {
		t.Fatalf("Dims = %d, %d", k, out)
	}
	for trial := 0; trial < 20; trial++ {
		z := randVec(r, k)
		fdCheck(t, "network", k, out,
			func(z []float64) []float64 { return net.Forward(nil, z) },
			func(z, v []float64) []float64 { return net.VJP(nil, z, v) }, z, r)
	}
}

func TestNetworkBatchMatchesSingle(t *testing.T) {
	r := rng.New(4)
	net := testNet(t, r)
	k, out := net.Dims()
	const b = 5
	Z := mat.NewDense(b, k, randVec(r, b*k))
	V := mat.NewDense(b, out, randVec(r, b*out))
	X := net.ForwardBatch(nil, Z)
	G := net.VJPBatch(nil, Z, V)
	for i := 0; i < b; i++ {
		x := net.Forward(nil, Z.RawRowView(i))
		g := net.VJP(nil, Z.RawRowView(i), V.RawRowView(i))
		for j := range x {
			if math.Abs(x[j]-X.At(i, j)) > 1e-12*(1+math.Abs(x[j])) {
				t.Fatalf("batch forward row %d col %d: %v vs %v", i, j, X.At(i, j), x[j])
			}
		}
		for j := range g {
			if math.Abs(g[j]-G.At(i, j)) > 1e-12*(1+math.Abs(g[j])) {
				t.Fatalf("batch VJP row %d col %d: %v vs %v", i, j, G.At(i, j), g[j])
			}
		}
	}
}

func TestNetworkConcurrent(t *testing.T) {
	r := rng.New(5)
	net := testNet(t, r)
	k, _ := net.Dims()
	z := randVec(r, k)
	want := net.Forward(nil, z)
	done := make(chan bool)
	for w := 0; w < 8; w++ {
		go func() {
			ok := true
			for i := 0; i < 200; i++ {
				got := net.Forward(nil, z)
				for j := range got {
					ok = ok && got[j] == want[j]
				}
			}
			done <- ok
		}()
	}
	for w := 0; w < 8; w++ {
		if !<-done {
			t.Fatal("concurrent Forward gave different results")
		}
	}
}

func TestNewNetworkChecksDims(t *testing.T) {
	r := rng.New(6)
	if _, err := NewNetwork("x", randDense(r, 3, 2, false), ReLU(4)); err == nil {
		t.Fatal("dimension mismatch accepted")
	}
	if _, err := NewNetwork("x"); err == nil {
		t.Fatal("empty network accepted")
	}
}

func TestCounts(t *testing.T) {
	W := mat.NewDense(3, 2, []float64{1, 0, 0, 2, 3, 0})
	s, err := NewSparse(4, 3, []int{0, 1, 1, 3, 4}, []int{0, 1, 2, 0}, []float64{1, 0, 2, 3}, []float64{0, 0, 1, 0})
	if err != nil {
		t.Fatal(err)
	}
	net, err := NewNetwork("c", NewDense(W, []float64{0, 1, 0}), ReLU(3), s, NegReLU(4), randDense(rng.New(1), 2, 4, false))
	if err != nil {
		t.Fatal(err)
	}
	if got := net.NumParams(); got != 6+3+4+4+8 {
		t.Errorf("NumParams = %d, want 25", got)
	}
	if got := net.NonZeros(); got != 3+1+3+1+8 {
		t.Errorf("NonZeros = %d, want 16", got)
	}
	if net.Depth() != 2 {
		t.Errorf("Depth = %d, want 2", net.Depth())
	}
	if w := net.Widths(); len(w) != 2 || w[0] != 3 || w[1] != 4 {
		t.Errorf("Widths = %v, want [3 4]", w)
	}
}

func TestLipschitzBounds(t *testing.T) {
	for seed := uint64(0); seed < 5; seed++ {
		r := rng.New(100 + seed)
		net := testNet(t, r)
		up := net.LipschitzUpper()
		est := LipschitzEstimate(net, 60, seed)
		if !(est > 0) || est > up {
			t.Errorf("seed %d: estimate %v, upper bound %v", seed, est, up)
		}
		rn, err := RandomReLU([]int{3, 8, 16, 20}, seed)
		if err != nil {
			t.Fatal(err)
		}
		up, est = rn.LipschitzUpper(), LipschitzEstimate(rn, 60, seed)
		if !(est > 0) || est > up {
			t.Errorf("random ReLU seed %d: estimate %v, upper bound %v", seed, est, up)
		}
	}
	// A single linear layer: the estimate must reach the spectral norm
	// (power iteration), and the bound equals it.
	r := rng.New(7)
	d := randDense(r, 6, 4, true)
	net, _ := NewNetwork("lin", d)
	var svd mat.SVD
	svd.Factorize(d.W, mat.SVDNone)
	s := svd.Values(nil)[0]
	if up := net.LipschitzUpper(); up < s || up > s*(1+2e-8) {
		t.Errorf("linear: upper %v, spectral norm %v", up, s)
	}
	if est := LipschitzEstimate(net, 20, 1); est < 0.999*s || est > s*(1+1e-9) {
		t.Errorf("linear: estimate %v, spectral norm %v", est, s)
	}
	// Sparse layers (tall and wide, with duplicate entries) give the
	// spectral norm of their dense equivalent.
	for _, dims := range [][2]int{{9, 5}, {5, 9}} {
		sp := randSparse(t, r, dims[0], dims[1], 0.5, false)
		indptr, indices, values, _ := sp.CSR()
		// the same matrix with every entry stored twice, as two halves
		var ip2, ix2 []int
		var v2 []float64
		ip2 = append(ip2, 0)
		for i := 0; i < dims[0]; i++ {
			for p := indptr[i]; p < indptr[i+1]; p++ {
				ix2 = append(ix2, indices[p], indices[p])
				v2 = append(v2, values[p]/2, values[p]/2)
			}
			ip2 = append(ip2, len(ix2))
		}
		half, err := NewSparse(dims[0], dims[1], ip2, ix2, v2, nil)
		if err != nil {
			t.Fatal(err)
		}
		W := mat.NewDense(dims[0], dims[1], nil)
		for i := 0; i < dims[0]; i++ {
			for p := indptr[i]; p < indptr[i+1]; p++ {
				W.Set(i, indices[p], W.At(i, indices[p])+values[p])
			}
		}
		svd.Factorize(W, mat.SVDNone)
		want := svd.Values(nil)[0]
		for _, l := range []Layer{sp, half} {
			if got := LayerNormUpper(l); got < want || got > want*(1+2e-8) {
				t.Errorf("sparse %v: norm bound %v, spectral norm %v", dims, got, want)
			}
		}
	}
	// The large-matrix fallback bound is an upper bound too.
	W := mat.NewDense(6, 4, randVec(r, 24))
	b := cheapBound(6, 4, func(f func(i, j int, v float64)) {
		for i := 0; i < 6; i++ {
			for j := 0; j < 4; j++ {
				f(i, j, W.At(i, j))
			}
		}
	})
	svd.Factorize(W, mat.SVDNone)
	if b < svd.Values(nil)[0] {
		t.Errorf("cheap bound %v below spectral norm %v", b, svd.Values(nil)[0])
	}
}

func TestRandomReLU(t *testing.T) {
	widths := []int{5, 40, 200, 400}
	net, err := RandomReLU(widths, 9)
	if err != nil {
		t.Fatal(err)
	}
	if k, n := net.Dims(); k != 5 || n != 400 || net.Depth() != 2 {
		t.Fatalf("dims %d %d depth %d", k, n, net.Depth())
	}
	// Deterministic.
	net2, _ := RandomReLU(widths, 9)
	z := randVec(rng.New(1), 5)
	a, b := net.Forward(nil, z), net2.Forward(nil, z)
	for i := range a {
		if a[i] != b[i] {
			t.Fatal("same seed, different networks")
		}
	}
	// Norm roughly preserved on average: E||G(z)||^2 = ||z||^2.
	r := rng.New(2)
	ratio := 0.0
	const T = 200
	for i := 0; i < T; i++ {
		z := randVec(r, 5)
		x := net.Forward(nil, z)
		nx, nz := 0.0, 0.0
		for _, v := range x {
			nx += v * v
		}
		for _, v := range z {
			nz += v * v
		}
		ratio += nx / nz
	}
	ratio /= T
	if ratio < 0.5 || ratio > 2 {
		t.Errorf("mean ||G(z)||^2/||z||^2 = %v, want about 1", ratio)
	}
	if _, err := RandomReLU([]int{3}, 1); err == nil {
		t.Error("one width accepted")
	}
	if _, err := RandomReLU([]int{3, 0}, 1); err == nil {
		t.Error("zero width accepted")
	}
}

func TestForwardVJPMatches(t *testing.T) {
	r := rng.New(12)
	net := testNet(t, r)
	k, out := net.Dims()
	for trial := 0; trial < 5; trial++ {
		z, v := randVec(r, k), randVec(r, out)
		var seen []float64
		x, g := net.ForwardVJP(nil, nil, z, func(x []float64) []float64 {
			seen = append([]float64(nil), x...)
			return v
		})
		wx, wg := net.Forward(nil, z), net.VJP(nil, z, v)
		for i := range wx {
			if x[i] != wx[i] || seen[i] != wx[i] {
				t.Fatalf("ForwardVJP x[%d] = %v, Forward %v", i, x[i], wx[i])
			}
		}
		for i := range wg {
			if g[i] != wg[i] {
				t.Fatalf("ForwardVJP g[%d] = %v, VJP %v", i, g[i], wg[i])
			}
		}
	}
}

// A 10^6 x 10^6 sparse layer with 2*10^6 entries: dense storage would need
// 8 TB, so running it at all shows the layer is never densified; forward
// and VJP are checked against the explicit formula.
func TestSparseHugeNeverDense(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates ~60 MB")
	}
	const n = 1_000_000
	indptr := make([]int, n+1)
	indices := make([]int, 2*n)
	values := make([]float64, 2*n)
	for i := 0; i < n; i++ {
		indptr[i+1] = 2 * (i + 1)
		indices[2*i], indices[2*i+1] = i, (i*7919+1)%n
		values[2*i], values[2*i+1] = 1, -0.5
	}
	s, err := NewSparse(n, n, indptr, indices, values, nil)
	if err != nil {
		t.Fatal(err)
	}
	net, err := NewNetwork("huge", s, ReLU(n))
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(i%13) - 6
	}
	y := net.Forward(nil, x)
	for _, i := range []int{0, 1, 12345, n - 1} {
		want := max(x[i]-0.5*x[(i*7919+1)%n], 0)
		if y[i] != want {
			t.Fatalf("y[%d] = %v, want %v", i, y[i], want)
		}
	}
	if net.NumParams() != 2*n {
		t.Fatalf("NumParams = %d", net.NumParams())
	}
	if up := net.LipschitzUpper(); !(up >= 1.5-1e-12) || up > 1.5+1e-9 {
		// W = I - P/2 with P a permutation (7919 is coprime to 10^6): every
		// row and column has absolute sum 1.5, so the large-layer bound
		// sqrt(||W||_1 ||W||_inf) is 1.5 (and ||W||_2 <= 1.5 indeed).
		t.Fatalf("LipschitzUpper = %v, want 1.5", up)
	}
}

func TestLipschitzEstimateFromDomain(t *testing.T) {
	// ReLU on R^2 is 1-Lipschitz globally but constant (0) on the box
	// [-2,-1]^2: the domain-restricted estimate is 0, the global one 1.
	net, _ := NewNetwork("relu", ReLU(2))
	box := func(r *rand.Rand, z []float64) {
		for i := range z {
			z[i] = -2 + r.Float64()
		}
	}
	if got := LipschitzEstimateFrom(net, 50, 1, box); got != 0 {
		t.Errorf("estimate on the negative box = %v, want 0", got)
	}
	if got := LipschitzEstimate(net, 50, 1); math.Abs(got-1) > 1e-9 {
		t.Errorf("global estimate = %v, want 1", got)
	}
}
