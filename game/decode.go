package game

import (
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/gencs/gencs/construct/codegen"
)

// Instance caches, for one generator, the codewords of X so that decoders
// can enumerate them.
type Instance struct {
	G *codegen.Generator
	// Codewords[i] holds the k Reed–Solomon symbols of the i-th element of
	// X.
	Codewords [][]int
}

// NewInstance enumerates X for g.
func NewInstance(g *codegen.Generator) *Instance {
	in := &Instance{G: g, Codewords: make([][]int, g.NumX())}
	for i := range in.Codewords {
		in.Codewords[i] = g.Symbols(nil, i)
	}
	return in
}

// blockImages returns V[b][s] = A_b P_s for every block b and curve point s
// (A_b the m x n/k column block of A): then A G(x) = sum_b V[b][c_b] for the
// codeword c of x.
func (in *Instance) blockImages(A *mat.Dense, points int) [][][]float64 {
	g := in.G
	m, _ := A.Dims()
	V := make([][][]float64, g.K)
	for b := range V {
		V[b] = make([][]float64, points)
		for s := range points {
			v := make([]float64, m)
			pt := g.Points[s]
			for i := range m {
				row := A.RawRowView(i)[b*g.Block : (b+1)*g.Block]
				acc := 0.0
				for e, a := range row {
					acc += a * pt[e]
				}
				v[i] = acc
			}
			V[b][s] = v
		}
	}
	return V
}

// NearestInMeasurements returns the index of x in X minimising
// ||A G(x) - y||_2 and that squared residual: the exhaustive decoder, the
// information-theoretic best use of Bob's knowledge of G(X).
func (in *Instance) NearestInMeasurements(A *mat.Dense, y []float64) (int, float64) {
	V := in.blockImages(A, in.G.Q)
	return in.nearestWith(V, y)
}

func (in *Instance) nearestWith(V [][][]float64, y []float64) (int, float64) {
	best, bestIdx := math.Inf(1), -1
	r := make([]float64, len(y))
	for idx, cw := range in.Codewords {
		copy(r, y)
		for b, s := range cw {
			for i, v := range V[b][s] {
				r[i] -= v
			}
		}
		ss := 0.0
		for _, v := range r {
			ss += v * v
			if ss >= best {
				break
			}
		}
		if ss < best {
			best, bestIdx = ss, idx
		}
	}
	return bestIdx, best
}

// NearestInSignal rounds w to the nearest point of G(X) in l_p (p of the
// generator) and returns its index.
func (in *Instance) NearestInSignal(w []float64) int {
	g := in.G
	tab := make([][]float64, g.K)
	for b := range tab {
		tab[b] = make([]float64, g.Q)
		wb := w[b*g.Block : (b+1)*g.Block]
		for s := range g.Q {
			d := 0.0
			for e, v := range g.Points[s] {
				if g.P == 1 {
					d += math.Abs(wb[e] - v)
				} else {
					d += (wb[e] - v) * (wb[e] - v)
				}
			}
			tab[b][s] = d
		}
	}
	best, bestIdx := math.Inf(1), -1
	for idx, cw := range in.Codewords {
		d := 0.0
		for b, s := range cw {
			d += tab[b][s]
		}
		if d < best {
			best, bestIdx = d, idx
		}
	}
	return bestIdx
}

// ExactLimit is the default largest number of segment choices
// (|P'|-1)^k that ExactMinimizer enumerates.
const ExactLimit = 1 << 22

// ExactMinimizer returns a global minimiser z of ||A G(z) - y||_2 over the
// box [0, T]^k (outside it G is constant, so this is the minimum over R^k)
// and the squared residual. On each choice of one segment per block G is
// affine, and the problem is a box-constrained least squares in k
// variables, solved by cyclic coordinate descent (exact for this convex
// problem up to a 1e-13 tolerance); choices whose unconstrained minimum
// already exceeds the best value found are skipped. It returns ok = false if
// (|P'|-1)^k exceeds limit (limit <= 0 means ExactLimit).
func (in *Instance) ExactMinimizer(A *mat.Dense, y []float64, limit int) (z []float64, loss float64, ok bool) {
	g := in.G
	if limit <= 0 {
		limit = ExactLimit
	}
	J := len(g.Points) - 1
	total := 1
	for range g.K {
		total *= J
		if total > limit {
			return nil, 0, false
		}
	}
	k := g.K
	m, _ := A.Dims()
	// a[b][j] = A_b P_j, w[b][j] = A_b (P_{j+1} - P_j).
	P := in.blockImages(A, len(g.Points))
	a := make([][][]float64, k)
	w := make([][][]float64, k)
	for b := range k {
		a[b] = P[b][:J]
		w[b] = make([][]float64, J)
		for j := range J {
			v := make([]float64, m)
			for i := range v {
				v[i] = P[b][j+1][i] - P[b][j][i]
			}
			w[b][j] = v
		}
	}
	dot := func(u, v []float64) float64 {
		s := 0.0
		for i := range u {
			s += u[i] * v[i]
		}
		return s
	}
	// Gram tables indexed by (b, j) -> b*J + j.
	KJ := k * J
	WW := make([]float64, KJ*KJ)
	WA := make([]float64, KJ*KJ)
	AA := make([]float64, KJ*KJ)
	Wy := make([]float64, KJ)
	Ay := make([]float64, KJ)
	for u := range KJ {
		bu, ju := u/J, u%J
		Wy[u] = dot(w[bu][ju], y)
		Ay[u] = dot(a[bu][ju], y)
		for v := range KJ {
			bv, jv := v/J, v%J
			WW[u*KJ+v] = dot(w[bu][ju], w[bv][jv])
			WA[u*KJ+v] = dot(w[bu][ju], a[bv][jv])
			AA[u*KJ+v] = dot(a[bu][ju], a[bv][jv])
		}
	}
	yy := dot(y, y)
	// Incumbent: the best point of G(X) (X is inside the range).
	_, best := in.nearestWith(P, y)
	bestTau := make([]float64, k)
	bestSeg := make([]int, k)
	{
		idx, _ := in.nearestWith(P, y)
		for b, s := range in.Codewords[idx] {
			// Node s is the start of segment s (tau 0), or the end of
			// segment J-1 (tau 1) for the last node.
			if s < J {
				bestSeg[b], bestTau[b] = s, 0
			} else {
				bestSeg[b], bestTau[b] = J-1, 1
			}
		}
	}
	// Enumerate the prefix blocks 0..k-2 in an outer odometer and the last
	// block innermost, updating only the last row of H, g and c0 and of the
	// Cholesky factor of H.
	kk := k - 1
	seg := make([]int, k)
	idx := make([]int, k)
	H := make([]float64, k*k)
	gp := make([]float64, k)
	gv := make([]float64, k)
	tau := make([]float64, k)
	L := make([]float64, k*k)
	sol := make([]float64, k)
	prefixTotal := total / J
search:
	for pc := 0; pc < prefixTotal; pc++ {
		rem := pc
		for b := range kk {
			seg[b] = rem % J
			rem /= J
			idx[b] = b*J + seg[b]
		}
		c0p := yy
		for b := range kk {
			c0p -= 2 * Ay[idx[b]]
			gp[b] = Wy[idx[b]]
			for b2 := range kk {
				c0p += AA[idx[b]*KJ+idx[b2]]
				gp[b] -= WA[idx[b]*KJ+idx[b2]]
				H[b*k+b2] = WW[idx[b]*KJ+idx[b2]]
			}
		}
		prefixPD := cholesky(H, L, k, kk)
		for jl := range J {
			u := kk*J + jl
			seg[kk], idx[kk] = jl, u
			c0 := c0p - 2*Ay[u] + AA[u*KJ+u]
			gl := Wy[u] - WA[u*KJ+u]
			for b := range kk {
				c0 += 2 * AA[idx[b]*KJ+u]
				gv[b] = gp[b] - WA[idx[b]*KJ+u]
				gl -= WA[u*KJ+idx[b]]
				H[b*k+kk] = WW[idx[b]*KJ+u]
				H[kk*k+b] = H[b*k+kk]
			}
			gv[kk] = gl
			H[kk*k+kk] = WW[u*KJ+u]
			// Lower bound: the unconstrained minimum c0 - g^T H^{-1} g,
			// when H is positive definite.
			if prefixPD && cholesky(H, L, k, -1) {
				q := 0.0
				for i := range k {
					s := gv[i]
					for p := range i {
						s -= L[i*k+p] * sol[p]
					}
					sol[i] = s / L[i*k+i]
					q += sol[i] * sol[i]
				}
				if c0-q >= best {
					continue
				}
			}
			f := boxQP(H, gv, c0, tau, k)
			if f < best {
				best = f
				copy(bestTau, tau)
				copy(bestSeg, seg)
				if best <= 1e-24*yy {
					break search // an exact fit: nothing can do better
				}
			}
		}
	}
	z = make([]float64, k)
	for b := range k {
		z[b] = (float64(bestSeg[b]) + bestTau[b]) * g.Step
	}
	return z, math.Max(best, 0), true
}

// cholesky factors the leading rows of the k x k matrix H into L (lower
// triangular, row-major). With rows < 0 it computes only the last row,
// assuming rows 0..k-2 are already in L; otherwise it factors rows
// 0..rows-1. It reports whether the factored part is numerically positive
// definite.
func cholesky(H, L []float64, k, rows int) bool {
	from, to := 0, rows
	if rows < 0 {
		from, to = k-1, k
	}
	for i := from; i < to; i++ {
		for j := 0; j <= i; j++ {
			s := H[i*k+j]
			for p := range j {
				s -= L[i*k+p] * L[j*k+p]
			}
			if i == j {
				if s <= 1e-12*(1+H[i*k+i]) {
					return false
				}
				L[i*k+i] = math.Sqrt(s)
			} else {
				L[i*k+j] = s / L[j*k+j]
			}
		}
	}
	return true
}

// boxQP minimises f(t) = c0 - 2 g^T t + t^T H t over [0,1]^k by cyclic
// coordinate descent (H positive semidefinite), writing the minimiser into
// t and returning f(t).
func boxQP(H, g []float64, c0 float64, t []float64, k int) float64 {
	for i := range t {
		t[i] = 0.5
	}
	for sweep := 0; sweep < 200; sweep++ {
		change := 0.0
		for i := range k {
			h := H[i*k+i]
			s := g[i]
			for j := range k {
				if j != i {
					s -= H[i*k+j] * t[j]
				}
			}
			var nv float64
			if h > 0 {
				nv = math.Min(math.Max(s/h, 0), 1)
			} else if s > 0 {
				nv = 1
			}
			change = math.Max(change, math.Abs(nv-t[i]))
			t[i] = nv
		}
		if change < 1e-13 {
			break
		}
	}
	f := c0
	for i := range k {
		f -= 2 * g[i] * t[i]
		for j := range k {
			f += t[i] * H[i*k+j] * t[j]
		}
	}
	return f
}
