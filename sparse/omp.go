package sparse

import (
	"math"

	"github.com/gencs/gencs/linop"
)

// OMP is orthogonal matching pursuit. Each iteration adds to the support the
// column most correlated with the residual (one A^T r), fetches it (one A e_j)
// and re-solves least squares on the support through an incrementally updated
// QR factorisation (modified Gram–Schmidt with one re-orthogonalisation).
//
// It stops with Converged after K atoms (Options.K; default m/4), when
// ||y - A x|| <= Tol ||y|| (default Tol 1e-10), or when no remaining column
// can reduce the residual. MaxIter (default K) caps the number of atoms; if it
// stops the solver before K atoms and before the tolerance, the status is
// IterationLimit. History holds the residual norm after each atom.
func OMP(A linop.Operator, y []float64, opt *Options) (Result, error) {
	p, err := prepare("omp", A, y, opt)
	if err != nil {
		return Result{}, err
	}
	if p.ynorm == 0 {
		return p.zero(), nil
	}
	k := min(p.k(), p.m)
	maxIter := p.maxIter(k)
	tol := p.tol(1e-10)
	n := p.n

	cols := newColumns(p.A, n)
	r := append([]float64(nil), y...)
	c := make([]float64, n)
	var (
		S    []int
		Q    [][]float64 // orthonormal columns
		R    [][]float64 // R[j] is column j of the upper-triangular factor
		qty  []float64   // Q^T y
		used = make([]bool, n)
	)
	status := IterationLimit
	iters := 0
	for {
		if norm(r) <= tol*p.ynorm {
			status = Converged
			break
		}
		if len(S) >= k {
			status = Converged
			break
		}
		if iters >= maxIter {
			break
		}
		p.A.adjoint(c, r)
		var added bool
		for !added {
			j, best := -1, 0.0
			for i, v := range c {
				if !used[i] && math.Abs(v) > best {
					j, best = i, math.Abs(v)
				}
			}
			if j < 0 {
				break // the residual is orthogonal to every remaining column
			}
			used[j] = true
			a := cols.get(j)
			delete(cols.cache, j) // OMP never needs a column twice
			q := append([]float64(nil), a...)
			rcol := make([]float64, len(Q)+1)
			for pass := 0; pass < 2; pass++ {
				for i, qi := range Q {
					h := dot(qi, q)
					rcol[i] += h
					for t := range q {
						q[t] -= h * qi[t]
					}
				}
			}
			nq := norm(q)
			if nq <= 1e-10*norm(a) {
				continue // numerically dependent on the support: skip it
			}
			for t := range q {
				q[t] /= nq
			}
			rcol[len(Q)] = nq
			h := dot(q, r)
			for t := range r {
				r[t] -= h * q[t]
			}
			S = append(S, j)
			Q = append(Q, q)
			R = append(R, rcol)
			qty = append(qty, dot(q, y))
			added = true
		}
		if !added {
			status = Converged
			break
		}
		iters++
		p.record(norm(r))
	}
	// Back substitution: R b = Q^T y.
	b := make([]float64, len(S))
	for i := len(S) - 1; i >= 0; i-- {
		s := qty[i]
		for j := i + 1; j < len(S); j++ {
			s -= R[j][i] * b[j]
		}
		b[i] = s / R[i][i]
	}
	x := make([]float64, n)
	for i, s := range S {
		x[s] = b[i]
	}
	return p.result(x, status, iters), nil
}
