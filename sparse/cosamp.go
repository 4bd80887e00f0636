package sparse

import (
	"fmt"
	"sort"

	"github.com/gencs/gencs/linop"
)

// CoSaMP is compressive sampling matching pursuit (Needell and Tropp, 2009).
// Each iteration forms the proxy A^T r, merges its 2K largest entries with the
// current support, solves least squares on the merged set (columns A e_j are
// fetched once and cached), and keeps the K largest coefficients.
//
// It stops with Converged when ||y - A x|| <= Tol ||y|| or when the estimate
// changes by at most Tol relative (an unchanged support gives exactly zero
// change). Defaults: K = m/4, Tol = 1e-10, MaxIter = 100. History holds the
// residual norm after each iteration.
func CoSaMP(A linop.Operator, y []float64, opt *Options) (Result, error) {
	p, err := prepare("cosamp", A, y, opt)
	if err != nil {
		return Result{}, err
	}
	if p.ynorm == 0 {
		return p.zero(), nil
	}
	k := p.k()
	maxIter := p.maxIter(100)
	tol := p.tol(1e-10)
	n := p.n

	cols := newColumns(p.A, n)
	x := make([]float64, n)
	xnew := make([]float64, n)
	r := append([]float64(nil), y...)
	u := make([]float64, n)
	ax := make([]float64, p.m)
	var supp []int
	status := IterationLimit
	iters := 0
	for iters < maxIter {
		iters++
		p.A.adjoint(u, r)
		omega := topK(u, 2*k)
		T := union(omega, supp)
		b, err := lstsq(cols, T, y)
		if err != nil {
			return Result{}, fmt.Errorf("sparse: cosamp: %w", err)
		}
		keep := topK(b, k)
		clear(xnew)
		supp = supp[:0]
		coef := make([]float64, 0, len(keep))
		for _, i := range keep {
			if b[i] != 0 {
				xnew[T[i]] = b[i]
				supp = append(supp, T[i])
				coef = append(coef, b[i])
			}
		}
		combine(ax, cols, supp, coef)
		sub(r, y, ax)
		rn := norm(r)
		p.record(rn)
		change := dist(xnew, x)
		x, xnew = xnew, x
		if rn <= tol*p.ynorm || change <= tol*norm(x) {
			status = Converged
			break
		}
	}
	return p.result(x, status, iters), nil
}

// union returns the sorted union of two index sets.
func union(a, b []int) []int {
	seen := make(map[int]bool, len(a)+len(b))
	out := make([]int, 0, len(a)+len(b))
	for _, s := range [][]int{a, b} {
		for _, i := range s {
			if !seen[i] {
				seen[i] = true
				out = append(out, i)
			}
		}
	}
	sort.Ints(out)
	return out
}
