package construct

import (
	"errors"
	"fmt"
	"math"

	"github.com/gencs/gencs/nn"
)

// GspNet is the network G_sp: R^{2k} -> R^n of Theorem 1.2 (Lemma 4.1's
// gadget network summed k times), whose range is exactly the set of vectors
// with at most k non-zeros.
//
// Latent pair j (coordinates 2j, 2j+1) is read in the paper's polar
// convention (z_{2j}, z_{2j+1}) = (t sin θ, t cos θ). With α = π/(n+1) and
// β_i = (i+1)α, output i (0-based) is driven by pair j only when θ lies in the
// open sector (β_i, β_i + w) (positive value) or π + that sector (negative
// value), where w = α(1 - 2^-20) is the sector width. The sectors (0, α) and
// (π, π+α) are dead, and consecutive sectors are separated by a gap of
// α·2^-20 radians: in exact arithmetic the gap changes nothing (the range is
// the same), and in floating point it is what makes every off-sector gadget
// exactly zero — without it, rounding at the shared boundary β_{i+1} lets two
// neighbouring gadgets be non-zero at once (values of order 1e-16·|z_j|).
// Each pair therefore activates at most one output, and the k pairs are
// summed.
//
// The network has two hidden ReLU layers and no biases:
//
//	layer 1 (4nk units): a_1 = [⟨u(β_i), z_j⟩]_+, a_2 = [⟨u(β_i + w/2), z_j⟩]_+,
//	                     u(γ) = (cos γ, -sin γ), and the same with -u
//	layer 2 (2nk units): b = [a_1/sin w - a_2/sin(w/2)]_+   (one per gadget)
//	output  (n):         G_i = Σ_j b⁺_{j,i} - b⁻_{j,i}
//
// On its sector a gadget equals t·sin(θ-β)/sin w for θ-β <= w/2 and
// t·sin(β+w-θ)/sin w beyond (the identity a_1/sin w - a_2/sin(w/2) =
// t sin(β+w-θ)/sin w; the paper prints sin(w/2) in the denominator), so its
// peak, at the sector's middle, is t/(2cos(w/2)).
//
// A GspNet is safe for concurrent use.
type GspNet struct {
	n, k         int
	alpha, width float64
	net          reluNet
}

// Gsp builds G_sp for outputs in R^n and sparsity k (1 <= k <= n).
func Gsp(n, k int) (*GspNet, error) {
	if n < 1 || k < 1 {
		return nil, fmt.Errorf("construct: gsp needs n >= 1 and k >= 1 (got n=%d, k=%d)", n, k)
	}
	if k > n {
		return nil, fmt.Errorf("construct: gsp needs k <= n (got n=%d, k=%d)", n, k)
	}
	// n k = 2^22 takes 3 GB and minutes to build and save: the limit keeps
	// a typo from exhausting memory.
	if n > 1<<22 || k > 1<<20 || int64(n)*int64(k) > 1<<22 {
		return nil, fmt.Errorf("construct: gsp n=%d, k=%d is too large (need n*k <= %d)", n, k, 1<<22)
	}
	a := math.Pi / float64(n+1)
	g := &GspNet{n: n, k: k, alpha: a, width: a * (1 - 1.0/(1<<20))}
	w := g.width
	sA, sH := math.Sin(w), math.Sin(w/2)
	l1 := newCSR(2 * k)
	l2 := newCSR(4 * n * k)
	for j := 0; j < k; j++ {
		c0 := []int{2 * j, 2*j + 1}
		for i := 0; i < n; i++ {
			b := float64(i+1) * a
			w1 := []float64{math.Cos(b), -math.Sin(b)}
			w2 := []float64{math.Cos(b + w/2), -math.Sin(b + w/2)}
			for s := 0; s < 2; s++ {
				sg := 1.0
				if s == 1 {
					sg = -1 // direction rotated by π: exact negation
				}
				r := 2 * ((j*n+i)*2 + s)
				l1.row(c0, []float64{sg * w1[0], sg * w1[1]})
				l1.row(c0, []float64{sg * w2[0], sg * w2[1]})
				l2.row([]int{r, r + 1}, []float64{1 / sA, -1 / sH})
			}
		}
	}
	l3 := newCSR(2 * n * k)
	cols := make([]int, 0, 2*k)
	vals := make([]float64, 0, 2*k)
	for i := 0; i < n; i++ {
		cols, vals = cols[:0], vals[:0]
		for j := 0; j < k; j++ {
			g := (j*n + i) * 2
			cols = append(cols, g, g+1)
			vals = append(vals, 1, -1)
		}
		l3.row(cols, vals)
	}
	g.net.layers = []csr{l1.done(), l2.done(), l3.done()}
	return g, nil
}

// N returns the output dimension n.
func (g *GspNet) N() int { return g.n }

// K returns the sparsity k (the latent dimension is 2k).
func (g *GspNet) K() int { return g.k }

// Alpha returns the sector pitch α = π/(n+1).
func (g *GspNet) Alpha() float64 { return g.alpha }

// SectorWidth returns the width w = α(1-2^-20) of each active sector.
func (g *GspNet) SectorWidth() float64 { return g.width }

// Dims returns the latent dimension 2k and the output dimension n.
func (g *GspNet) Dims() (int, int) { return 2 * g.k, g.n }

// Forward sets dst = G_sp(z) (dst is reused when it has length n).
func (g *GspNet) Forward(dst, z []float64) []float64 {
	if len(z) != 2*g.k {
		panic(fmt.Sprintf("construct: gsp Forward: len(z)=%d, want %d", len(z), 2*g.k))
	}
	return g.net.forward(dst, z, nil)
}

// VJP sets dst = J(z)^T v (ReLU'(0) = 0).
func (g *GspNet) VJP(dst, z, v []float64) []float64 {
	if len(z) != 2*g.k || len(v) != g.n {
		panic(fmt.Sprintf("construct: gsp VJP: len(z)=%d, len(v)=%d, want %d, %d", len(z), len(v), 2*g.k, g.n))
	}
	return g.net.vjp(dst, z, v)
}

// Widths returns the widths of the input, the two hidden layers and the
// output: 2k, 4nk, 2nk, n.
func (g *GspNet) Widths() []int {
	return []int{2 * g.k, g.net.layers[0].rows, g.net.layers[1].rows, g.net.layers[2].rows}
}

// NonZeros returns the number of non-zero weights: 8nk + 4nk + 2nk = 14nk.
func (g *GspNet) NonZeros() int {
	s := 0
	for i := range g.net.layers {
		s += g.net.layers[i].nnz()
	}
	return s
}

// ErrTooManyNonZeros is returned by Preimage for a target outside the range.
var ErrTooManyNonZeros = errors.New("target has more than k non-zeros")

// Preimage returns z with G_sp(z) = x for any x with at most k non-zeros.
//
// The j-th non-zero x_i is produced by latent pair j at the middle of the
// sector of output i: θ = (i+1)α + w/2 (plus π when x_i < 0) and radius
// t = 2cos(w/2)|x_i|. The factor 2cos(w/2) is the correction to the paper,
// whose gadget outputs t/(2cos(α/2)), not t, at the printed preimage.
// Unused pairs are zero.
func (g *GspNet) Preimage(x []float64) ([]float64, error) {
	if len(x) != g.n {
		return nil, fmt.Errorf("construct: gsp preimage: target has length %d, want n=%d", len(x), g.n)
	}
	z := make([]float64, 2*g.k)
	j := 0
	for i, v := range x {
		if v == 0 {
			continue
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("construct: gsp preimage: target entry %d is %v", i, v)
		}
		if j == g.k {
			return nil, fmt.Errorf("construct: gsp preimage: %w (k=%d)", ErrTooManyNonZeros, g.k)
		}
		th := float64(i+1)*g.alpha + g.width/2
		t := 2 * math.Cos(g.width/2) * math.Abs(v)
		if math.IsInf(t, 0) {
			return nil, fmt.Errorf("construct: gsp preimage: target entry %d = %g is too large", i, v)
		}
		s, c := math.Sincos(th)
		if v < 0 {
			s, c = -s, -c
		}
		z[2*j], z[2*j+1] = t*s, t*c
		j++
	}
	return z, nil
}

// Lipschitz returns the exact Lipschitz constant of G_sp in the Euclidean
// norm, sqrt(k)/sin w: on its active half-sector a gadget is linear in z_j
// with gradient norm 1/sin w, each pair drives at most one output, and k
// pairs driving the same output give a Jacobian row of norm sqrt(k)/sin w.
func (g *GspNet) Lipschitz() float64 {
	return math.Sqrt(float64(g.k)) / math.Sin(g.width)
}

// Network returns G_sp as an nn.Network (Sparse, ReLU, Sparse, ReLU, Sparse;
// kind "gsp", meta {"n", "k"}), ready for nn.Save. It shares the weights.
func (g *GspNet) Network() (*nn.Network, error) {
	return g.net.network("gsp", map[string]any{"n": g.n, "k": g.k})
}
