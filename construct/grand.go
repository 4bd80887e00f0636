package construct

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"sync"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/gencs/gencs/internal/rng"
	"github.com/gencs/gencs/nn"
)

// GrandNet is the randomized low-width network G_rand: R^{k+1} -> R^n of
// Theorem 2.2 / Section 4.2, with the two-sided wedges the text and Figure 1
// intend.
//
// For c in [0, 2n) it draws v_c uniformly from the sphere S^k and v'_c ⊥ v_c
// uniformly, and stores a_c = fl(tan(α) v'_c + v_c). With e_c = a_c - v_c
// (≈ tan(α) v'_c) and the one-sided tent
//
//	f_c(x) = [[⟨x, a_c⟩]_+ - 2[⟨x, v_c⟩]_+]_+ = [⟨x, e_c⟩ - |⟨x, v_c⟩|]_+,
//
// the unit is F_c(x) = f_c(x) + f_c(-x) = [|⟨x, e_c⟩| - |⟨x, v_c⟩|]_+, non-zero
// exactly in the double wedge of half-angle ≈ α around ±v'_c in the plane of
// v_c, v'_c. The printed F_i's second term, [[⟨x, tan(α)v' - v⟩]_+ -
// 2[⟨x, -v⟩]_+]_+, equals the first one (substitute p -> -p), so as printed
// F_i = 2[tan(α)⟨x, v'⟩ - |⟨x, v⟩|]_+ is one-sided; the second term must be
// f_c(-x) = [[⟨x, -tan(α)v' - v⟩]_+ - 2[⟨x, -v⟩]_+]_+.
//
// Output i is G_i = F_{2i} - F_{2i+1}. Layers: 8n ReLUs (⟨x,±a_c⟩, ⟨x,±v_c⟩),
// 4n ReLUs (the f_c(±x)), n outputs; width O(n), 8n(k+1) + 8n + 4n non-zeros.
//
// The range is all k-sparse vectors when α is small enough that the regions
// W_S around the points w_S (⟨w_S, v_{c(i)}⟩ = 0 for i in S) avoid every other
// wedge and no k+1 wedges of distinct outputs meet; see AlphaBounds.
type GrandNet struct {
	n, k   int
	alpha  float64
	seed   uint64
	v, vp  [][]float64 // v_c, v'_c
	a, e   [][]float64 // stored a_c; e_c = a_c - v_c
	net    reluNet
	once   sync.Once
	bounds AlphaBounds
}

// AlphaBounds describes, for one draw of the random directions (they do
// not depend on α), the largest wedge angles for which the construction is
// valid.
type AlphaBounds struct {
	// Preimage is the largest α for which every region centre w_S
	// (|S| = k, every sign choice) lies outside all other wedges:
	// min over (S, signs, j ∉ S) of atan(|⟨w_S, v_j⟩| / |⟨w_S, v'_j⟩|).
	Preimage float64
	// Sparsity is a certificate for Im(G) ⊆ {k-sparse}: if
	// tan α < σ_min(V_T)/sqrt(k+1) for every set T of k+1 directions
	// belonging to distinct outputs, no x lies in k+1 such wedges (x in
	// the wedges gives ||V_T x|| < sqrt(k+1) tan α ||x||).
	Sparsity float64
	// Exhaustive is true when both minima ran over all patterns; otherwise
	// they are minima over a seeded sample (upper estimates).
	Exhaustive bool
	// Patterns is the number of (support, sign) patterns and of subsets T
	// examined.
	Patterns, Subsets int
}

// maxPatterns bounds the enumeration in AlphaBounds before sampling.
const maxPatterns = 200000

// Grand builds G_rand for outputs in R^n, sparsity k (1 <= k <= n), wedge
// angle alpha and random directions drawn from seed.
//
// alpha = 0 selects the default max(b/2, 3e-4/sqrt(n)), capped at 0.1, where
// b = min(Bounds().Preimage, Bounds().Sparsity) is the instance's certified
// bound (a tenth of it when the bound is only sampled). The floor
// 3e-4/sqrt(n) is float64's: below about 1e-5 the cancellation in
// ⟨x, a_c⟩ - 2⟨x, v_c⟩ (relative error ~ 1e-16·sqrt(k)/α) makes a few
// percent of preimages miss 1e-9 accuracy, while the rate of region overlaps
// grows like n·α; 3e-4/sqrt(n) sits where the measured preimage success
// peaks (see GrandAlphaStudy). When b/2 < 3e-4/sqrt(n) the range claims are
// no longer certified for every support; ExactPreimage then verifies single
// targets exactly.
func Grand(n, k int, alpha float64, seed uint64) (*GrandNet, error) {
	if n < 1 || k < 1 {
		return nil, fmt.Errorf("construct: grand needs n >= 1 and k >= 1 (got n=%d, k=%d)", n, k)
	}
	if k > n {
		return nil, fmt.Errorf("construct: grand needs k <= n (got n=%d, k=%d)", n, k)
	}
	// n (k+1) = 1.1e6 takes 0.75 GB and 40 s: the limit keeps a typo from
	// exhausting memory.
	if int64(n)*int64(k+1) > 1<<22 {
		return nil, fmt.Errorf("construct: grand n=%d, k=%d is too large (need n*(k+1) <= %d)", n, k, 1<<22)
	}
	if math.IsNaN(alpha) || alpha < 0 || alpha >= math.Pi/4 {
		return nil, fmt.Errorf("construct: grand alpha must be in (0, π/4) or 0 for the default (got %v)", alpha)
	}
	g := &GrandNet{n: n, k: k, seed: seed}
	d := k + 1
	for c := 0; c < 2*n; c++ {
		r := rng.New(seed, 0x6772616e64, uint64(c)) // "grand"
		v := make([]float64, d)
		vp := make([]float64, d)
		for {
			for i := range v {
				v[i] = r.NormFloat64()
			}
			if normalize(v) {
				break
			}
		}
		for {
			for i := range vp {
				vp[i] = r.NormFloat64()
			}
			p := dot(vp, v)
			for i := range vp {
				vp[i] -= p * v[i]
			}
			if normalize(vp) {
				break
			}
		}
		g.v = append(g.v, v)
		g.vp = append(g.vp, vp)
	}
	if alpha == 0 {
		bd := g.Bounds()
		b := math.Min(bd.Preimage, bd.Sparsity)
		if !bd.Exhaustive {
			b /= 10
		}
		alpha = math.Min(math.Max(b/2, 3e-4/math.Sqrt(float64(n))), 0.1)
	}
	g.alpha = alpha
	t := math.Tan(alpha)
	l1 := newCSR(d)
	l2 := newCSR(8 * n)
	cols := make([]int, d)
	for i := range cols {
		cols[i] = i
	}
	neg := func(x []float64) []float64 {
		y := make([]float64, len(x))
		for i := range x {
			y[i] = -x[i]
		}
		return y
	}
	for c := 0; c < 2*n; c++ {
		a := make([]float64, d)
		e := make([]float64, d)
		for i := range a {
			a[i] = t*g.vp[c][i] + g.v[c][i]
			e[i] = a[i] - g.v[c][i]
		}
		g.a = append(g.a, a)
		g.e = append(g.e, e)
		l1.row(cols, a)
		l1.row(cols, g.v[c])
		l1.row(cols, neg(a))
		l1.row(cols, neg(g.v[c]))
		r := 4 * c
		l2.row([]int{r, r + 1}, []float64{1, -2})
		l2.row([]int{r + 2, r + 3}, []float64{1, -2})
	}
	l3 := newCSR(4 * n)
	for i := 0; i < n; i++ {
		p, q := 2*(2*i), 2*(2*i+1)
		l3.row([]int{p, p + 1, q, q + 1}, []float64{1, 1, -1, -1})
	}
	g.net.layers = []csr{l1.done(), l2.done(), l3.done()}
	return g, nil
}

func dot(a, b []float64) float64 { return floats.Dot(a, b) }

func normalize(v []float64) bool {
	s := math.Sqrt(dot(v, v))
	if !(s > 1e-8) {
		return false
	}
	for i := range v {
		v[i] /= s
	}
	return true
}

// N returns the output dimension n.
func (g *GrandNet) N() int { return g.n }

// K returns the sparsity k (the latent dimension is k+1).
func (g *GrandNet) K() int { return g.k }

// Alpha returns the wedge half-angle α in use.
func (g *GrandNet) Alpha() float64 { return g.alpha }

// Seed returns the seed of the random directions.
func (g *GrandNet) Seed() uint64 { return g.seed }

// Bounds returns the instance's AlphaBounds (independent of α; computed on
// first use, which may take a second for large n, k).
func (g *GrandNet) Bounds() AlphaBounds {
	g.once.Do(func() { g.bounds = g.computeBounds() })
	return g.bounds
}

// Dims returns the latent dimension k+1 and the output dimension n.
func (g *GrandNet) Dims() (int, int) { return g.k + 1, g.n }

// Forward sets dst = G_rand(x).
func (g *GrandNet) Forward(dst, x []float64) []float64 {
	if len(x) != g.k+1 {
		panic(fmt.Sprintf("construct: grand Forward: len(x)=%d, want %d", len(x), g.k+1))
	}
	return g.net.forward(dst, x, nil)
}

// VJP sets dst = J(x)^T v (ReLU'(0) = 0).
func (g *GrandNet) VJP(dst, x, v []float64) []float64 {
	if len(x) != g.k+1 || len(v) != g.n {
		panic(fmt.Sprintf("construct: grand VJP: len(x)=%d, len(v)=%d, want %d, %d", len(x), len(v), g.k+1, g.n))
	}
	return g.net.vjp(dst, x, v)
}

// Widths returns the widths of the input, the two hidden layers and the
// output: k+1, 8n, 4n, n.
func (g *GrandNet) Widths() []int {
	return []int{g.k + 1, g.net.layers[0].rows, g.net.layers[1].rows, g.net.layers[2].rows}
}

// NonZeros returns the number of stored weights, 8n(k+1) + 8n + 4n (a few
// entries of the first layer may be exact zeros).
func (g *GrandNet) NonZeros() int {
	s := 0
	for i := range g.net.layers {
		s += g.net.layers[i].nnz()
	}
	return s
}

// Network returns G_rand as an nn.Network (kind "grand", meta {"n", "k",
// "alpha" (as a %.17g string, exact), "seed" (decimal string)}).
func (g *GrandNet) Network() (*nn.Network, error) {
	return g.net.network("grand", map[string]any{
		"n": g.n, "k": g.k,
		"alpha": fmt.Sprintf("%.17g", g.alpha),
		"seed":  fmt.Sprintf("%d", g.seed),
	})
}

// ErrPreimage is wrapped by Preimage errors for targets in the claimed range
// that this instance (its α, or float64) fails to reproduce.
var ErrPreimage = errors.New("preimage failed")

// PreimageTol is the relative accuracy Preimage guarantees:
// ||G(x) - y||_2 <= PreimageTol ||y||_2 with G(x) zero exactly off supp(y).
const PreimageTol = 1e-9

// choice returns, for target y, the support S, the wedge index c(i) of each
// non-zero (2i for y_i > 0, 2i+1 for y_i < 0) and |y_i|.
func (g *GrandNet) choice(y []float64) (supp, cs []int, mag []float64, err error) {
	if len(y) != g.n {
		return nil, nil, nil, fmt.Errorf("construct: grand preimage: target has length %d, want n=%d", len(y), g.n)
	}
	for i, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, nil, nil, fmt.Errorf("construct: grand preimage: target entry %d is %v", i, v)
		}
		if v == 0 {
			continue
		}
		supp = append(supp, i)
		if v > 0 {
			cs = append(cs, 2*i)
		} else {
			cs = append(cs, 2*i+1)
		}
		mag = append(mag, math.Abs(v))
	}
	if len(supp) > g.k {
		return nil, nil, nil, fmt.Errorf("construct: grand preimage: %w (k=%d)", ErrTooManyNonZeros, g.k)
	}
	return supp, cs, mag, nil
}

// margin returns min over j not in T of |⟨w, v_j⟩| - |⟨w, e_j⟩|: positive
// iff w is outside every other wedge.
func (g *GrandNet) margin(w []float64, T []int) float64 {
	in := map[int]bool{}
	for _, c := range T {
		in[c] = true
	}
	m := math.Inf(1)
	for j := 0; j < 2*g.n; j++ {
		if in[j] {
			continue
		}
		m = math.Min(m, math.Abs(dot(w, g.v[j]))-math.Abs(dot(w, g.e[j])))
	}
	return m
}

// nullBasis returns an orthonormal basis (columns) of the orthogonal
// complement of the vectors rows in R^d.
func nullBasis(rows [][]float64, d int) [][]float64 {
	if len(rows) == 0 {
		var B [][]float64
		for i := 0; i < d; i++ {
			b := make([]float64, d)
			b[i] = 1
			B = append(B, b)
		}
		return B
	}
	A := mat.NewDense(d, d, nil) // pad with zero rows to a square matrix
	for i, r := range rows {
		A.SetRow(i, r)
	}
	var svd mat.SVD
	if !svd.Factorize(A, mat.SVDFull) {
		return nil
	}
	var V mat.Dense
	svd.VTo(&V)
	var B [][]float64
	for j := len(rows); j < d; j++ {
		B = append(B, mat.Col(nil, j, &V))
	}
	return B
}

// center returns the region centre w for the wedge indices T: a unit
// vector orthogonal to v_c for c in T, chosen (when |T| < k leaves freedom)
// with the largest margin among seeded candidates.
func (g *GrandNet) center(T []int) ([]float64, float64) {
	rows := make([][]float64, len(T))
	for i, c := range T {
		rows[i] = g.v[c]
	}
	B := nullBasis(rows, g.k+1)
	if len(B) == 1 {
		if g.e == nil { // during construction (AlphaBounds): no wedges yet
			return B[0], math.NaN()
		}
		return B[0], g.margin(B[0], T)
	}
	h := uint64(len(T))
	for _, c := range T {
		h = h*1000003 + uint64(c)
	}
	r := rng.New(g.seed, 0x63656e746572, h) // "center"
	var best []float64
	bm := math.Inf(-1)
	for trial := 0; trial < 32; trial++ {
		w := make([]float64, g.k+1)
		for _, b := range B {
			c := r.NormFloat64()
			for i := range w {
				w[i] += c * b[i]
			}
		}
		if !normalize(w) {
			continue
		}
		if m := g.margin(w, T); m > bm {
			best, bm = w, m
		}
	}
	return best, bm
}

// Preimage returns x with G_rand(x) = y for a target with at most k
// non-zeros, from the linear constraints of the proof: with S = supp(y),
// c(i) the positive or negative wedge of output i, and w the region centre
// (⟨w, v_{c(i)}⟩ = 0), it sets x = s w + Σ_l b_l v_{c(l)} and solves the |S|
// linear equations σ_i⟨x, e_{c(i)}⟩ - ⟨x, v_{c(i)}⟩ = |y_i| (σ_i = sign ⟨w,
// e_{c(i)}⟩), which are F_{c(i)}(x) = |y_i| on the branch ⟨x, v_{c(i)}⟩ >= 0,
// with s = 2 max_i |y_i| / |⟨w, e_{c(i)}⟩| (targets at most half of the
// centre's values, so the branch holds; factors 1.1 and 8 instead of 2 are
// tried if that fails). It then checks G(x) in float64:
// the support must be exactly S and ||G(x) - y|| <= 1e-9 ||y||; otherwise it
// returns x with an error wrapping ErrPreimage (α too large: the centre is
// inside another wedge; α too small: float64 cancellation).
func (g *GrandNet) Preimage(y []float64) ([]float64, error) {
	supp, T, mag, err := g.choice(y)
	if err != nil {
		return nil, err
	}
	x := make([]float64, g.k+1)
	if len(supp) == 0 {
		return x, nil
	}
	w, m := g.center(T)
	if w == nil {
		return nil, fmt.Errorf("construct: grand preimage: %w: no region centre (degenerate directions)", ErrPreimage)
	}
	if m <= 0 {
		return nil, fmt.Errorf("construct: grand preimage: %w: the region centre for support %v lies inside another wedge (alpha=%g too large for this instance)", ErrPreimage, supp, g.alpha)
	}
	// The scale factor trades the size of the step away from the centre
	// (larger factor) against float64 cancellation (smaller); try a few.
	var firstX []float64
	var firstErr error
	for _, factor := range preimageFactors {
		x, err := g.solve(w, T, mag, factor)
		if err == nil {
			err = checkTarget(g.Forward(nil, x), y)
		}
		if err == nil {
			return x, nil
		}
		if firstErr == nil {
			firstX, firstErr = x, err
		}
	}
	return firstX, fmt.Errorf("construct: grand preimage: %w: %v (alpha=%g)", ErrPreimage, firstErr, g.alpha)
}

// preimageFactors are the scale factors Preimage tries in turn.
var preimageFactors = []float64{2, 1.1, 8}

// solve returns x = s w + Σ_l b_l v_{c(l)} solving the preimage equations
// for scale factor factor.
func (g *GrandNet) solve(w []float64, T []int, mag []float64, factor float64) ([]float64, error) {
	s, M, rhs := g.system(w, T, mag, factor)
	var b mat.VecDense
	if err := b.SolveVec(M, rhs); err != nil {
		return nil, fmt.Errorf("singular system: %v", err)
	}
	x := make([]float64, g.k+1)
	for i := range x {
		x[i] = s * w[i]
	}
	for l, c := range T {
		bl := b.AtVec(l)
		for i := range x {
			x[i] += bl * g.v[c][i]
		}
	}
	return x, nil
}

// system returns the scale s, the matrix M and right side of the preimage
// equations M b = |y| - s (σ∘⟨w,e⟩ - ⟨w,v⟩).
func (g *GrandNet) system(w []float64, T []int, mag []float64, factor float64) (float64, *mat.Dense, *mat.VecDense) {
	q := len(T)
	sig := make([]float64, q)
	r := make([]float64, q)
	s := 0.0
	for i, c := range T {
		we := dot(w, g.e[c])
		sig[i] = 1
		if we < 0 {
			sig[i] = -1
		}
		r[i] = sig[i]*we - dot(w, g.v[c])
		s = math.Max(s, factor*mag[i]/math.Abs(we))
	}
	M := mat.NewDense(q, q, nil)
	rhs := mat.NewVecDense(q, nil)
	for i, ci := range T {
		for l, cl := range T {
			M.Set(i, l, sig[i]*dot(g.e[ci], g.v[cl])-dot(g.v[ci], g.v[cl]))
		}
		rhs.SetVec(i, mag[i]-s*r[i])
	}
	return s, M, rhs
}

// checkTarget reports whether got has exactly the support of y and
// ||got - y|| <= PreimageTol ||y||.
func checkTarget(got, y []float64) error {
	num, den := 0.0, 0.0
	for i := range y {
		if (got[i] == 0) != (y[i] == 0) {
			return fmt.Errorf("output %d is %g, target %g (support differs)", i, got[i], y[i])
		}
		num += (got[i] - y[i]) * (got[i] - y[i])
		den += y[i] * y[i]
	}
	if rel := math.Sqrt(num / den); !(rel <= PreimageTol) {
		return fmt.Errorf("relative error %.3g exceeds %g", rel, PreimageTol)
	}
	return nil
}

// computeBounds evaluates AlphaBounds, exhaustively when the pattern
// counts allow, else on a seeded sample of maxPatterns patterns.
func (g *GrandNet) computeBounds() AlphaBounds {
	n, k := g.n, g.k
	b := AlphaBounds{Preimage: math.Pi / 2, Sparsity: math.Pi / 2, Exhaustive: true}
	// Preimage bound over supports of size k and signs.
	nPat := binom(n, k) * math.Pow(2, float64(k))
	eval := func(T []int) {
		w, _ := g.center(T)
		if w == nil {
			b.Preimage = 0
			return
		}
		in := map[int]bool{}
		for _, c := range T {
			in[c] = true
		}
		for j := 0; j < 2*n; j++ {
			if in[j] {
				continue
			}
			a := math.Atan2(math.Abs(dot(w, g.v[j])), math.Abs(dot(w, g.vp[j])))
			b.Preimage = math.Min(b.Preimage, a)
		}
		b.Patterns++
	}
	r := rng.New(g.seed, 0x626f756e6473) // "bounds"
	// Sample budget: about 4e7 flops.
	budget := int(math.Max(1000, math.Min(maxPatterns, 4e7/float64(2*n*(k+1)+(k+1)*(k+1)*(k+1)))))
	if nPat <= maxPatterns {
		forSubsets(n, k, func(S []int) {
			forSigns(S, eval)
		})
	} else {
		b.Exhaustive = false
		for p := 0; p < budget; p++ {
			S := r.Perm(n)[:k]
			sort.Ints(S)
			T := make([]int, k)
			for i, s := range S {
				T[i] = 2*s + r.IntN(2)
			}
			eval(T)
		}
	}
	// Sparsity certificate over k+1 distinct outputs and signs.
	d := k + 1
	if d > n {
		b.Sparsity = math.Pi / 2 // at most n <= k outputs exist
		return b
	}
	nSub := binom(n, d) * math.Pow(2, float64(d))
	evalT := func(T []int) {
		A := mat.NewDense(d, d, nil)
		for i, c := range T {
			A.SetRow(i, g.v[c])
		}
		var svd mat.SVD
		if !svd.Factorize(A, mat.SVDNone) {
			b.Sparsity = 0
			return
		}
		sv := svd.Values(nil)
		b.Sparsity = math.Min(b.Sparsity, math.Atan(sv[len(sv)-1]/math.Sqrt(float64(d))))
		b.Subsets++
	}
	if nSub <= maxPatterns {
		forSubsets(n, d, func(S []int) { forSigns(S, evalT) })
	} else {
		b.Exhaustive = false
		for p := 0; p < budget; p++ {
			S := r.Perm(n)[:d]
			T := make([]int, d)
			for i, s := range S {
				T[i] = 2*s + r.IntN(2)
			}
			evalT(T)
		}
	}
	return b
}

func binom(n, k int) float64 {
	r := 1.0
	for i := 0; i < k; i++ {
		r = r * float64(n-i) / float64(i+1)
	}
	return r
}

// forSubsets calls f with every k-subset of [0, n) in lexicographic order
// (the slice is reused).
func forSubsets(n, k int, f func([]int)) {
	S := make([]int, k)
	var rec func(start, i int)
	rec = func(start, i int) {
		if i == k {
			f(S)
			return
		}
		for s := start; s <= n-(k-i); s++ {
			S[i] = s
			rec(s+1, i+1)
		}
	}
	rec(0, 0)
}

// forSigns calls f with every choice of wedge indices 2s or 2s+1 for s in S.
func forSigns(S []int, f func([]int)) {
	T := make([]int, len(S))
	for m := 0; m < 1<<len(S); m++ {
		for i, s := range S {
			T[i] = 2*s + (m >> i & 1)
		}
		f(T)
	}
}
