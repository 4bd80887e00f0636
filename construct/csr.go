package construct

import "math"

var sqrt = math.Sqrt

// csr is a compressed-sparse-row matrix: the internal form of every layer of
// the constructions, identical to what nn.Sparse stores, so that the direct
// evaluators below compute bit-for-bit what the saved network computes
// (products accumulated in column order of each row, starting from 0).
type csr struct {
	rows, cols int
	rowPtr     []int
	colIdx     []int
	val        []float64
}

// csrBuilder appends rows one at a time.
type csrBuilder struct{ m csr }

func newCSR(cols int) *csrBuilder {
	return &csrBuilder{csr{cols: cols, rowPtr: []int{0}}}
}

// row appends a row given as (column, value) pairs in increasing column order.
func (b *csrBuilder) row(cols []int, vals []float64) {
	b.m.colIdx = append(b.m.colIdx, cols...)
	b.m.val = append(b.m.val, vals...)
	b.m.rows++
	b.m.rowPtr = append(b.m.rowPtr, len(b.m.colIdx))
}

func (b *csrBuilder) done() csr { return b.m }

// mulVec sets dst = M x.
func (m *csr) mulVec(dst, x []float64) {
	for r := 0; r < m.rows; r++ {
		s := 0.0
		for p := m.rowPtr[r]; p < m.rowPtr[r+1]; p++ {
			s += m.val[p] * x[m.colIdx[p]]
		}
		dst[r] = s
	}
}

// mulTVec sets dst = M^T y.
func (m *csr) mulTVec(dst, y []float64) {
	for i := range dst[:m.cols] {
		dst[i] = 0
	}
	for r := 0; r < m.rows; r++ {
		yr := y[r]
		if yr == 0 {
			continue
		}
		for p := m.rowPtr[r]; p < m.rowPtr[r+1]; p++ {
			dst[m.colIdx[p]] += m.val[p] * yr
		}
	}
}

func (m *csr) nnz() int { return len(m.val) }

// reluNet is a feed-forward network of CSR layers with ReLU after every
// layer but the last (no biases): the shape of both constructions.
type reluNet struct {
	layers []csr
}

// forward computes the output and, if acts is non-nil, stores the
// post-activation of every hidden layer in acts[l].
func (g *reluNet) forward(dst, z []float64, acts [][]float64) []float64 {
	cur := z
	for l := range g.layers {
		L := &g.layers[l]
		var out []float64
		if l == len(g.layers)-1 {
			if len(dst) != L.rows {
				dst = make([]float64, L.rows)
			}
			out = dst
		} else if acts != nil {
			out = acts[l]
		} else {
			out = make([]float64, L.rows)
		}
		L.mulVec(out, cur)
		if l < len(g.layers)-1 {
			for i, v := range out {
				if !(v > 0) {
					out[i] = 0
				}
			}
		}
		cur = out
	}
	return dst
}

// vjp sets dst = J(z)^T v. The ReLU derivative at 0 is taken as 0.
func (g *reluNet) vjp(dst, z, v []float64) []float64 {
	nl := len(g.layers)
	acts := make([][]float64, nl-1)
	for l := 0; l < nl-1; l++ {
		acts[l] = make([]float64, g.layers[l].rows)
	}
	g.forward(nil, z, acts)
	grad := v
	for l := nl - 1; l >= 0; l-- {
		L := &g.layers[l]
		next := make([]float64, L.cols)
		L.mulTVec(next, grad)
		if l > 0 {
			a := acts[l-1]
			for i := range next {
				if !(a[i] > 0) {
					next[i] = 0
				}
			}
		}
		grad = next
	}
	if len(dst) != len(grad) {
		return grad
	}
	copy(dst, grad)
	return dst
}

// jvp returns J(z) w, with the ReLU masks of z (derivative 0 at 0).
func (g *reluNet) jvp(z, w []float64) []float64 {
	cur, dir := z, w
	for l := range g.layers {
		L := &g.layers[l]
		out := make([]float64, L.rows)
		d := make([]float64, L.rows)
		L.mulVec(out, cur)
		L.mulVec(d, dir)
		if l < len(g.layers)-1 {
			for i := range out {
				if !(out[i] > 0) {
					out[i], d[i] = 0, 0
				}
			}
		}
		cur, dir = out, d
	}
	return dir
}

// localNorm returns the spectral norm of the Jacobian at z by power
// iteration on J^T J (iters steps from a fixed start).
func (g *reluNet) localNorm(z []float64, iters int) float64 {
	w := make([]float64, len(z))
	for i := range w {
		w[i] = 1 / float64(i+1)
	}
	s := 0.0
	for it := 0; it < iters; it++ {
		nw := 0.0
		for _, v := range w {
			nw += v * v
		}
		nw = sqrt(nw)
		if nw == 0 {
			return 0
		}
		for i := range w {
			w[i] /= nw
		}
		u := g.jvp(z, w)
		su := 0.0
		for _, v := range u {
			su += v * v
		}
		s = sqrt(su)
		w = g.vjp(nil, z, u)
	}
	return s
}
