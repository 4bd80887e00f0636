package nn

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/gencs/gencs/internal/rng"
)

// gramLimit is the largest Gram matrix side for which the exact spectral
// norm is computed (an eigendecomposition of a gramLimit^2 matrix takes
// about a second); gramWork caps the work of forming a sparse Gram matrix.
const (
	gramLimit = 1024
	gramWork  = 1 << 28
)

// LayerNormUpper returns an upper bound on the Lipschitz constant of one
// layer in the Euclidean norm. For weight layers whose smaller side is at
// most 1024 it is the spectral norm ||W||_2, computed as the square root of
// the largest eigenvalue of the smaller Gram matrix (W^T W or W W^T) and
// enlarged by a relative 1e-8 to cover rounding; otherwise it is
// min(||W||_F, sqrt(||W||_1 ||W||_inf)). Activations give their scalar
// Lipschitz constant. Layers of unknown type give +Inf unless they have a
// method Lipschitz() float64.
func LayerNormUpper(l Layer) float64 {
	switch t := l.(type) {
	case *Activation:
		return t.Kind.Lipschitz(t.Slope)
	case *Mixed:
		return t.lipschitz()
	case *Dense:
		r, c := t.W.Dims()
		each := func(f func(i, j int, v float64)) {
			for i := 0; i < r; i++ {
				for j, v := range t.W.RawRowView(i) {
					f(i, j, v)
				}
			}
		}
		if min(r, c) <= gramLimit {
			var g mat.SymDense
			if c <= r {
				g.SymOuterK(1, t.W.T())
			} else {
				g.SymOuterK(1, t.W)
			}
			if s, ok := gramNorm(&g); ok {
				return s
			}
		}
		return cheapBound(r, c, each)
	case *Sparse:
		each := func(f func(i, j int, v float64)) {
			for i := 0; i < t.out; i++ {
				for p := t.indptr[i]; p < t.indptr[i+1]; p++ {
					f(i, t.indices[p], t.values[p])
				}
			}
		}
		if g := sparseGram(t); g != nil {
			if s, ok := gramNorm(g); ok {
				return s
			}
		}
		return cheapBound(t.out, t.in, each)
	}
	if lp, ok := l.(interface{ Lipschitz() float64 }); ok {
		return lp.Lipschitz()
	}
	return math.Inf(1)
}

// gramNorm returns sqrt(lambda_max(g)) (1 + 1e-8).
func gramNorm(g *mat.SymDense) (float64, bool) {
	var es mat.EigenSym
	if !es.Factorize(g, false) {
		return 0, false
	}
	v := es.Values(nil)
	top := math.Max(v[len(v)-1], 0)
	return math.Sqrt(top) * (1 + 1e-8), true
}

// sparseGram returns the smaller Gram matrix of a sparse layer, or nil if
// its side exceeds gramLimit or forming it would cost more than gramWork.
func sparseGram(t *Sparse) *mat.SymDense {
	// Group entries by row (Gram W^T W, side in) or by column (W W^T, side out).
	byRow := t.in <= t.out
	side := t.out
	if byRow {
		side = t.in
	}
	if side > gramLimit {
		return nil
	}
	groups := make([][]int, 0) // lists of (index, position)
	if byRow {
		for i := 0; i < t.out; i++ {
			var g []int
			for p := t.indptr[i]; p < t.indptr[i+1]; p++ {
				g = append(g, p)
			}
			groups = append(groups, g)
		}
	} else {
		cols := make([][]int, t.in)
		for i := 0; i < t.out; i++ {
			for p := t.indptr[i]; p < t.indptr[i+1]; p++ {
				cols[t.indices[p]] = append(cols[t.indices[p]], p)
			}
		}
		groups = cols
	}
	work := 0
	for _, g := range groups {
		work += len(g) * len(g)
		if work > gramWork {
			return nil
		}
	}
	// row index of each stored entry, for the by-column case
	var rowOf []int
	if !byRow {
		rowOf = make([]int, len(t.values))
		for i := 0; i < t.out; i++ {
			for p := t.indptr[i]; p < t.indptr[i+1]; p++ {
				rowOf[p] = i
			}
		}
	}
	idx := func(p int) int {
		if byRow {
			return t.indices[p]
		}
		return rowOf[p]
	}
	G := mat.NewDense(side, side, nil)
	for _, g := range groups {
		for _, p := range g {
			a := idx(p)
			for _, q := range g {
				b := idx(q)
				G.Set(a, b, G.At(a, b)+t.values[p]*t.values[q])
			}
		}
	}
	S := mat.NewSymDense(side, nil)
	for a := 0; a < side; a++ {
		for b := a; b < side; b++ {
			S.SetSym(a, b, G.At(a, b))
		}
	}
	return S
}

// cheapBound returns min(||W||_F, sqrt(||W||_1 ||W||_inf)). Duplicate
// entries are summed by absolute value, which only loosens the bound.
func cheapBound(r, c int, each func(f func(i, j int, v float64))) float64 {
	row := make([]float64, r)
	col := make([]float64, c)
	fro := 0.0
	each(func(i, j int, v float64) {
		a := math.Abs(v)
		row[i] += a
		col[j] += a
		fro += v * v
	})
	m1, mi := 0.0, 0.0
	for _, v := range col {
		m1 = math.Max(m1, v)
	}
	for _, v := range row {
		mi = math.Max(mi, v)
	}
	return math.Min(math.Sqrt(fro), math.Sqrt(m1*mi))
}

// LipschitzUpper returns the product of the layers' Lipschitz upper bounds
// (LayerNormUpper): a guaranteed upper bound on the network's Lipschitz
// constant in the Euclidean norm, typically loose. Each weight layer costs
// one symmetric eigendecomposition of its smaller Gram matrix (when that
// side is at most 1024).
func (n *Network) LipschitzUpper() float64 {
	p := 1.0
	for _, l := range n.Layers {
		p *= LayerNormUpper(l)
	}
	return p
}

// Mapping is the part of a generator that LipschitzEstimate needs;
// genrec.Generator and *Network satisfy it.
type Mapping interface {
	Dims() (k, n int)
	Forward(dst, z []float64) []float64
}

// LipschitzEstimate returns an empirical lower estimate of the Lipschitz
// constant of g on R^k: LipschitzEstimateFrom with base points
// a ~ N(0, s^2 I), s drawn uniformly from {0.1, 1, 10} for each trial.
func LipschitzEstimate(g Mapping, trials int, seed uint64) float64 {
	scales := [...]float64{0.1, 1, 10}
	return LipschitzEstimateFrom(g, trials, seed, func(r *rand.Rand, z []float64) {
		s := scales[r.IntN(len(scales))]
		for i := range z {
			z[i] = s * r.NormFloat64()
		}
	})
}

// LipschitzEstimateFrom returns the largest ratio ||G(a)-G(b)|| / ||a-b||
// seen over `trials` base points a drawn by sample (which fills its slice;
// use it to restrict the estimate to a domain, e.g. a box). At each base
// point it tries an independent far point b (also from sample), and nearby
// points b = a + h d (h = 1e-4 (1+||a||)) along a random direction d refined
// by power iteration on J^T J when g also has a VJP method (d is replaced by
// J^T (G(a+hd)-G(a)), normalised, 8 times). Every ratio is between two
// actual points, so the result never exceeds the true constant (nearby
// points may leave the sampled domain by h); for piecewise-linear networks
// it approaches the largest local Jacobian norm among the regions visited.
// Trial t uses the stream internal/rng.New(seed, t): deterministic for a
// seed. trials < 1 means 100.
func LipschitzEstimateFrom(g Mapping, trials int, seed uint64, sample func(r *rand.Rand, z []float64)) float64 {
	if trials < 1 {
		trials = 100
	}
	k, n := g.Dims()
	vjp, hasVJP := g.(interface {
		VJP(dst, z, v []float64) []float64
	})
	a := make([]float64, k)
	b := make([]float64, k)
	d := make([]float64, k)
	ga := make([]float64, n)
	gb := make([]float64, n)
	diff := make([]float64, n)
	best := 0.0
	ratio := func() float64 {
		gb = g.Forward(gb, b)
		num, den := 0.0, 0.0
		for i := range gb {
			diff[i] = gb[i] - ga[i]
			num += diff[i] * diff[i]
		}
		for i := range a {
			den += (b[i] - a[i]) * (b[i] - a[i])
		}
		if den == 0 {
			return 0
		}
		r := math.Sqrt(num / den)
		if r > best && !math.IsInf(r, 0) && !math.IsNaN(r) {
			best = r
		}
		return r
	}
	for t := 0; t < trials; t++ {
		r := rng.New(seed, uint64(t))
		sample(r, a)
		na := dot(a, a)
		ga = g.Forward(ga, a)
		sample(r, b)
		ratio()
		h := 1e-4 * (1 + math.Sqrt(na))
		for i := range d {
			d[i] = r.NormFloat64()
		}
		steps := 1
		if hasVJP {
			steps = 9
		}
		for it := 0; it < steps; it++ {
			nd := 0.0
			for _, v := range d {
				nd += v * v
			}
			nd = math.Sqrt(nd)
			if nd == 0 || math.IsNaN(nd) {
				break
			}
			for i := range b {
				b[i] = a[i] + h*d[i]/nd
			}
			ratio()
			if hasVJP && it+1 < steps {
				d = vjp.VJP(d, a, diff)
			}
		}
	}
	return best
}

func dot(a, b []float64) float64 { return floats.Dot(a, b) }
