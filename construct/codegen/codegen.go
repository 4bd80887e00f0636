// Package codegen builds the generator of Theorem 2.1 of Kamath, Karmalkar
// and Price (2020): an O(L)-Lipschitz G: R^k -> R^n whose range holds a large
// set G(X) of points of norm R that are pairwise at least R/6^{1/p} apart.
//
// Construction (derived and checked here; see the package tests):
//
//   - Lemma 3.3: the 2^M codewords of a 1/6-balanced binary linear code of
//     block length N = n/k, mapped to signs (0 -> +u, 1 -> -u) with
//     u = R/n^{1/p}, give points of l_p norm R/k^{1/p} whose pairwise
//     distances lie in [2 (1/3)^{1/p}, 2 (2/3)^{1/p}] R/k^{1/p}. (The paper
//     prints [(1/3)^{1/p}, (2/3)^{1/p}] for the unit-scaled set: it drops the
//     factor 2 of a sign flip.)
//   - P' is the first min(floor(Lr/R), 2^M) of them, in message order; g is
//     the piecewise-linear curve through P' at the nodes t_j = j T/(|P'|-1),
//     T = r/k^{1/p}, held constant outside [0, T]. Its l_p Lipschitz
//     constant is the largest segment slope, at most
//     2 (2/3)^{1/p} R (|P'|-1)/r < 2 (2/3)^{1/p} L.
//   - G = g^{(x)k} applies g to each latent coordinate, so
//     ||G(x) - G(y)||_p^p = sum_i ||g(x_i) - g(y_i)||_p^p and G has exactly
//     g's l_p Lipschitz constant.
//   - X: the alphabet is the first q nodes, q the largest prime <= |P'| (so
//     q > |P'|/2 by Bertrand); X is the set of preimages of the codewords of
//     the Reed–Solomon code over GF(q) of block length k and message length
//     ceil(k/2), distance floor(k/2) + 1 >= k/2. Two points of G(X) differ
//     in at least k/2 blocks, each by at least 2 (1/3)^{1/p} R/k^{1/p}, so
//     they are at least 2 R/6^{1/p} apart (twice the theorem's R/6^{1/p}).
//
// The printed hypothesis "R > 2Lr" of Theorem 2.1 is inverted: the curve
// needs floor(Lr/R) >= 2 points, i.e. Lr >= 2R, and that is what New checks.
package codegen

import (
	"errors"
	"fmt"
	"math"

	"github.com/gencs/gencs/codes"
)

// Tau is the balance of the binary code of Lemma 3.3.
const Tau = 1.0 / 6

// DefaultMaxPoints caps |P'| when Params.MaxPoints is zero.
const DefaultMaxPoints = 4096

// Params are the inputs of Theorem 2.1.
type Params struct {
	// N is the output dimension n and K the latent dimension k; K must
	// divide N.
	N, K int
	// L is the Lipschitz scale, Rlat the latent radius r and R the output
	// radius. The construction needs L*Rlat >= 2*R.
	L, Rlat, R float64
	// P is the norm, 1 or 2.
	P int
	// Seed selects the random balanced binary code.
	Seed uint64
	// MaxPoints caps |P'| (0 means DefaultMaxPoints).
	MaxPoints int
	// MaxCodeDim caps the binary code's message length M, so |P| <= 2^M
	// (0 means codes.MaxExactMsgLen). Use it to show the cap at n with
	// small codes.
	MaxCodeDim int
}

// Generator is the map G of Theorem 2.1 together with its finite set X. It
// implements genrec.Generator and is safe for concurrent use.
type Generator struct {
	Params
	// Block is n/k, the output length of g.
	Block int
	// Code is the balanced binary code whose codewords are the points P.
	Code *codes.Binary
	// CodeBias is Code's exact weight range.
	CodeBias codes.Bias
	// Wanted is floor(Lr/R) (capped by MaxPoints): the number of points
	// the theorem puts on the curve when the code has enough of them.
	Wanted int
	// Points are P' in curve order, each of length Block with entries
	// ±Unit.
	Points [][]float64
	// Unit is R/n^{1/p}, the magnitude of every entry of G(x), x in X.
	Unit float64
	// T = r/k^{1/p} is the end of the curve's domain, and Step = T/(|P'|-1)
	// the spacing of the nodes t_j = j*Step.
	T, Step float64
	// Q is the Reed–Solomon alphabet size (prime, |P'|/2 < Q <= |P'|,
	// Q >= k) and RS the code over GF(Q) of block length k.
	Q  int
	RS *codes.ReedSolomon
	// slopes[j] = (Points[j+1] - Points[j]) / Step.
	slopes [][]float64
}

// Errors for parameter checks, wrapped with details by New.
var (
	ErrNorm       = errors.New("p must be 1 or 2")
	ErrDivisible  = errors.New("n must be divisible by k")
	ErrRadius     = errors.New("need L*r >= 2R (at least two points on the curve; the paper's printed 'R > 2Lr' is inverted)")
	ErrAlphabet   = errors.New("Reed–Solomon alphabet too small")
	ErrParameters = errors.New("invalid parameters")
	ErrTooLarge   = errors.New("output dimension too large")
)

// MaxN caps the output dimension n. Building and verifying the generator
// takes about 1 s at n = 10^4 and 11 s (220 MB) at n = 10^5 on a 2-core
// machine, and memory grows with n, so n = 10^9 would exhaust memory.
const MaxN = 50000

func finitePos(x float64) bool { return x > 0 && !math.IsInf(x, 0) && !math.IsNaN(x) }

// New builds the generator, or returns an error naming the violated
// condition.
func New(p Params) (*Generator, error) {
	switch {
	case p.P != 1 && p.P != 2:
		return nil, fmt.Errorf("codegen: p = %d: %w", p.P, ErrNorm)
	case p.K < 1 || p.N < 1:
		return nil, fmt.Errorf("codegen: n = %d, k = %d: %w: need n, k >= 1", p.N, p.K, ErrParameters)
	case p.N > MaxN:
		return nil, fmt.Errorf("codegen: n = %d: %w: the limit is %d", p.N, ErrTooLarge, MaxN)
	case p.N%p.K != 0:
		return nil, fmt.Errorf("codegen: n = %d, k = %d: %w", p.N, p.K, ErrDivisible)
	case !finitePos(p.L) || !finitePos(p.Rlat) || !finitePos(p.R):
		return nil, fmt.Errorf("codegen: L = %g, r = %g, R = %g: %w: need L, r, R > 0 and finite", p.L, p.Rlat, p.R, ErrParameters)
	case p.MaxPoints < 0 || p.MaxCodeDim < 0:
		return nil, fmt.Errorf("codegen: %w: negative MaxPoints or MaxCodeDim", ErrParameters)
	}
	ratio := p.L * p.Rlat / p.R
	if ratio*(1+1e-12) < 2 {
		return nil, fmt.Errorf("codegen: L*r/R = %.4g < 2: %w", ratio, ErrRadius)
	}
	maxPts := p.MaxPoints
	if maxPts == 0 {
		maxPts = DefaultMaxPoints
	}
	wanted := int(math.Min(math.Floor(ratio*(1+1e-12)), float64(maxPts)))
	if wanted < 2 {
		return nil, fmt.Errorf("codegen: MaxPoints = %d: %w: need at least 2 points", maxPts, ErrParameters)
	}
	g := &Generator{Params: p, Block: p.N / p.K, Wanted: wanted}
	maxDim := p.MaxCodeDim
	if maxDim == 0 || maxDim > codes.MaxExactMsgLen {
		maxDim = codes.MaxExactMsgLen
	}
	m := min(bitsFor(wanted), maxDim)
	var lastErr error
	for ; m >= 1; m-- {
		c, b, err := codes.FindBalanced(m, g.Block, Tau, p.Seed, 300)
		if err == nil {
			g.Code, g.CodeBias = c, b
			break
		}
		lastErr = err
	}
	if g.Code == nil {
		return nil, fmt.Errorf("codegen: block length n/k = %d admits no 1/6-balanced binary code with 2 or more codewords: %w", g.Block, lastErr)
	}
	npts := min(wanted, g.Code.Size())
	q := codes.PrevPrime(npts)
	if q < p.K || 2*q <= npts {
		return nil, fmt.Errorf("codegen: %w: Reed–Solomon block length k = %d needs a prime alphabet q >= k with |P'|/2 < q <= |P'|, but |P'| = %d (min(floor(Lr/R) = %d, 2^%d code points)) allows at most q = %d; increase L*r/R or n/k",
			ErrAlphabet, p.K, npts, wanted, g.Code.K, q)
	}
	rs, err := codes.NewReedSolomon(q, p.K, (p.K+1)/2)
	if err != nil {
		return nil, fmt.Errorf("codegen: %w", err)
	}
	g.Q, g.RS = q, rs
	pp := float64(p.P)
	g.Unit = p.R / math.Pow(float64(p.N), 1/pp)
	g.T = p.Rlat / math.Pow(float64(p.K), 1/pp)
	g.Step = g.T / float64(npts-1)
	g.Points = make([][]float64, npts)
	for i := range g.Points {
		cw := g.Code.Codeword(uint64(i))
		pt := make([]float64, g.Block)
		for j, b := range cw {
			pt[j] = g.Unit * float64(1-2*int(b))
		}
		g.Points[i] = pt
	}
	g.slopes = make([][]float64, npts-1)
	for j := range g.slopes {
		s := make([]float64, g.Block)
		for e := range s {
			s[e] = (g.Points[j+1][e] - g.Points[j][e]) / g.Step
		}
		g.slopes[j] = s
	}
	return g, nil
}

// bitsFor returns ceil(log2(n)) for n >= 1.
func bitsFor(n int) int {
	b := 0
	for 1<<b < n {
		b++
	}
	return max(b, 1)
}

// Dims returns (k, n).
func (g *Generator) Dims() (int, int) { return g.K, g.N }

// NumPoints returns |P'|.
func (g *Generator) NumPoints() int { return len(g.Points) }

// Node returns t_j = j*Step, the preimage of Points[j] under g.
func (g *Generator) Node(j int) float64 { return float64(j) * g.Step }

// segment locates z on the curve: it returns the segment j whose slope is
// g's left derivative at z (-1 where g is flat: z <= 0 or z > T) and the
// clamped position (j, frac) with g(z) = (1-frac) P_j + frac P_{j+1}.
func (g *Generator) segment(z float64) (deriv, j int, frac float64) {
	last := len(g.Points) - 1
	switch {
	case !(z > 0): // also NaN
		return -1, 0, 0
	case z > g.T:
		return -1, last - 1, 1
	}
	u := z / g.Step
	j = int(math.Ceil(u)) - 1
	j = min(max(j, 0), last-1)
	return j, j, u - float64(j)
}

// Curve sets dst = g(z), one block of G.
func (g *Generator) Curve(dst []float64, z float64) []float64 {
	if len(dst) != g.Block {
		dst = make([]float64, g.Block)
	}
	_, j, f := g.segment(z)
	a, b := g.Points[j], g.Points[j+1]
	for e := range dst {
		dst[e] = (1-f)*a[e] + f*b[e]
	}
	return dst
}

// Forward sets dst = G(z) = (g(z_1), ..., g(z_k)).
func (g *Generator) Forward(dst, z []float64) []float64 {
	if len(z) != g.K {
		panic(fmt.Sprintf("codegen: Forward: len(z) = %d, want %d", len(z), g.K))
	}
	if len(dst) != g.N {
		dst = make([]float64, g.N)
	}
	for i, zi := range z {
		g.Curve(dst[i*g.Block:(i+1)*g.Block], zi)
	}
	return dst
}

// VJP sets dst = J_G(z)^T v. G is piecewise linear; at a node the left
// derivative is used (the convention of a ReLU network with ReLU'(0) = 0,
// which ToNetwork reproduces), and the derivative is 0 where g is flat.
func (g *Generator) VJP(dst, z, v []float64) []float64 {
	if len(z) != g.K || len(v) != g.N {
		panic(fmt.Sprintf("codegen: VJP: len(z) = %d, len(v) = %d, want %d, %d", len(z), len(v), g.K, g.N))
	}
	if len(dst) != g.K {
		dst = make([]float64, g.K)
	}
	for i, zi := range z {
		d, _, _ := g.segment(zi)
		if d < 0 {
			dst[i] = 0
			continue
		}
		s := 0.0
		for e, se := range g.slopes[d] {
			s += se * v[i*g.Block+e]
		}
		dst[i] = s
	}
	return dst
}

// NumX returns |X| = Q^ceil(k/2).
func (g *Generator) NumX() int { return g.RS.Size() }

// Symbols returns the Reed–Solomon codeword (k symbols in [0, Q)) of the
// index-th element of X.
func (g *Generator) Symbols(dst []int, index int) []int {
	if index < 0 || index >= g.NumX() {
		panic(fmt.Sprintf("codegen: index %d outside [0, %d)", index, g.NumX()))
	}
	return g.RS.Codeword(dst, index)
}

// X returns the index-th element of X: the latent point whose i-th
// coordinate is the node of symbol i of its codeword.
func (g *Generator) X(dst []float64, index int) []float64 {
	if len(dst) != g.K {
		dst = make([]float64, g.K)
	}
	for i, s := range g.Symbols(nil, index) {
		dst[i] = g.Node(s)
	}
	return dst
}

// LipschitzConstant returns the constant C_p = 2 (2/3)^{1/p} of the bound
// Lip_p(G) <= C_p L (4/3 for p = 1, 1.633 for p = 2).
func LipschitzConstant(p int) float64 { return 2 * math.Pow(2.0/3, 1/float64(p)) }

// Lipschitz returns G's exact Lipschitz constant from l_q to l_q (q = 1 or
// 2): the largest l_q norm of a segment slope, since the l_q Lipschitz
// constant of a product map with a 1-D curve per coordinate is that of the
// curve, and a piecewise-linear curve's is its steepest segment.
func (g *Generator) Lipschitz(q int) float64 {
	best := 0.0
	for _, s := range g.slopes {
		best = math.Max(best, norm(s, q))
	}
	return best
}

func norm(v []float64, p int) float64 {
	s := 0.0
	if p == 1 {
		for _, x := range v {
			s += math.Abs(x)
		}
		return s
	}
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}

func distP(a, b []float64, p int) float64 {
	s := 0.0
	for i := range a {
		d := math.Abs(a[i] - b[i])
		if p == 1 {
			s += d
		} else {
			s += d * d
		}
	}
	if p == 2 {
		return math.Sqrt(s)
	}
	return s
}
