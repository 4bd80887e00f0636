package construct

import (
	"errors"
	"fmt"
	"math/big"
)

// exactForward evaluates the network in exact rational arithmetic with its
// float64 weights taken as exact rationals.
func (g *reluNet) exactForward(x []*big.Rat) []*big.Rat {
	cur := x
	var tmp big.Rat
	for l := range g.layers {
		L := &g.layers[l]
		out := make([]*big.Rat, L.rows)
		for r := 0; r < L.rows; r++ {
			s := new(big.Rat)
			for p := L.rowPtr[r]; p < L.rowPtr[r+1]; p++ {
				tmp.SetFloat64(L.val[p])
				tmp.Mul(&tmp, cur[L.colIdx[p]])
				s.Add(s, &tmp)
			}
			if l < len(g.layers)-1 && s.Sign() < 0 {
				s.SetInt64(0)
			}
			out[r] = s
		}
		cur = out
	}
	return cur
}

// ExactForward returns G_sp(z) computed exactly (math/big) from the stored
// float64 weights: the function the saved network represents, free of
// evaluation rounding.
func (g *GspNet) ExactForward(z []*big.Rat) []*big.Rat {
	if len(z) != 2*g.k {
		panic(fmt.Sprintf("construct: gsp ExactForward: len(z)=%d, want %d", len(z), 2*g.k))
	}
	return g.net.exactForward(z)
}

// ExactForward returns G_rand(x) computed exactly (math/big) from the
// stored float64 weights.
func (g *GrandNet) ExactForward(x []*big.Rat) []*big.Rat {
	if len(x) != g.k+1 {
		panic(fmt.Sprintf("construct: grand ExactForward: len(x)=%d, want %d", len(x), g.k+1))
	}
	return g.net.exactForward(x)
}

// ExactPreimage solves the preimage equations of Preimage in exact
// rational arithmetic (region centre w and scale s from float64, taken as
// exact rationals) and verifies G(x) == y exactly with ExactForward. A nil
// error certifies that y is in the range of the stored network, whatever
// float64 evaluation would give. Use it for small instances (cost grows
// with the size of the rationals, O(n k^2) big-number operations).
func (g *GrandNet) ExactPreimage(y []float64) ([]*big.Rat, error) {
	supp, T, mag, err := g.choice(y)
	if err != nil {
		return nil, err
	}
	d := g.k + 1
	x := make([]*big.Rat, d)
	for i := range x {
		x[i] = new(big.Rat)
	}
	if len(supp) == 0 {
		return x, nil
	}
	w, _ := g.center(T)
	if w == nil {
		return nil, fmt.Errorf("construct: grand exact preimage: %w: no region centre", ErrPreimage)
	}
	s, _, _ := g.system(w, T, mag, 2)
	rat := func(f float64) *big.Rat { return new(big.Rat).SetFloat64(f) }
	rdot := func(a, b []float64) *big.Rat {
		r := new(big.Rat)
		var t big.Rat
		for i := range a {
			t.Mul(rat(a[i]), rat(b[i]))
			r.Add(r, &t)
		}
		return r
	}
	q := len(T)
	M := make([][]*big.Rat, q)
	rhs := make([]*big.Rat, q)
	sR := rat(s)
	for i, ci := range T {
		we := rdot(w, g.e[ci])
		neg := we.Sign() < 0
		M[i] = make([]*big.Rat, q)
		for l, cl := range T {
			m := rdot(g.e[ci], g.v[cl])
			if neg {
				m.Neg(m)
			}
			M[i][l] = m.Sub(m, rdot(g.v[ci], g.v[cl]))
		}
		ri := new(big.Rat).Set(we)
		if neg {
			ri.Neg(ri)
		}
		ri.Sub(ri, rdot(w, g.v[ci]))
		ri.Mul(ri, sR)
		rhs[i] = new(big.Rat).Sub(rat(mag[i]), ri)
	}
	b, err := solveRat(M, rhs)
	if err != nil {
		return nil, fmt.Errorf("construct: grand exact preimage: %w: %v", ErrPreimage, err)
	}
	var t big.Rat
	for i := range x {
		x[i].Mul(sR, rat(w[i]))
		for l, c := range T {
			t.Mul(b[l], rat(g.v[c][i]))
			x[i].Add(x[i], &t)
		}
	}
	got := g.ExactForward(x)
	for i := range y {
		if got[i].Cmp(rat(y[i])) != 0 {
			f, _ := got[i].Float64()
			return x, fmt.Errorf("construct: grand exact preimage: %w: exact G(x)[%d] = %.17g, target %.17g (alpha=%g)", ErrPreimage, i, f, y[i], g.alpha)
		}
	}
	return x, nil
}

// solveRat solves M b = r exactly by Gaussian elimination.
func solveRat(M [][]*big.Rat, r []*big.Rat) ([]*big.Rat, error) {
	q := len(M)
	A := make([][]*big.Rat, q)
	for i := range M {
		A[i] = make([]*big.Rat, q+1)
		for j := 0; j < q; j++ {
			A[i][j] = new(big.Rat).Set(M[i][j])
		}
		A[i][q] = new(big.Rat).Set(r[i])
	}
	var t big.Rat
	for c := 0; c < q; c++ {
		p := -1
		for i := c; i < q; i++ {
			if A[i][c].Sign() != 0 {
				p = i
				break
			}
		}
		if p < 0 {
			return nil, errors.New("singular system")
		}
		A[c], A[p] = A[p], A[c]
		for i := 0; i < q; i++ {
			if i == c || A[i][c].Sign() == 0 {
				continue
			}
			f := new(big.Rat).Quo(A[i][c], A[c][c])
			for j := c; j <= q; j++ {
				t.Mul(f, A[c][j])
				A[i][j].Sub(A[i][j], &t)
			}
		}
	}
	b := make([]*big.Rat, q)
	for i := range b {
		b[i] = new(big.Rat).Quo(A[i][q], A[i][i])
	}
	return b, nil
}
