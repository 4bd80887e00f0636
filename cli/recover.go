package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"gonum.org/v1/gonum/floats"

	"github.com/gencs/gencs/internal/finite"
	"github.com/gencs/gencs/linop"
	"github.com/gencs/gencs/npyfile"
	"github.com/gencs/gencs/sparse"
)

// cmdRecover recovers x from y = A x + noise and writes x̂ as .npy.
func cmdRecover(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet(e, "recover", "(--A A.npy | --operator dct|hadamard|gaussian|rademacher|orthonormal --n N) --y y.npy --method M --out xhat.npy [flags]")
	aPath := fs.String("A", "", "measurement matrix, m x n .npy")
	opName := fs.String("operator", "", "build the operator instead of reading A: "+strings.Join(linop.Names(), ", "))
	n := fs.Int("n", 0, "signal length (with --operator)")
	yPath := fs.String("y", "", "measurements, length-m .npy (required)")
	method := fs.String("method", "", "solver: "+strings.Join(append(sparse.Methods(), "csgm", "pgd"), ", ")+" (required)")
	k := fs.Int("k", 0, "sparsity for omp, cosamp, iht (default m/4)")
	lambda := fs.Float64("lambda", 0, "l1 weight for fista, threshold multiplier for amp (0: solver default)")
	maxIter := fs.Int("maxiter", 0, "iteration limit (0: solver default)")
	seed := fs.Uint64("seed", 1, "random seed (operator rows/entries, restarts)")
	out := fs.String("out", "", "where to write the estimate x̂ (.npy, required)")
	asJSON := fs.Bool("json", false, "print a JSON summary on stdout")
	gf := addGenFlags(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := noPositional(pos); err != nil {
		return err
	}
	switch {
	case *yPath == "":
		return usagef("--y is required")
	case *out == "":
		return usagef("--out is required")
	case *method == "":
		return usagef("--method is required")
	case (*aPath == "") == (*opName == ""):
		return usagef("give exactly one of --A and --operator")
	case *k < 0:
		return usagef("--k = %d: need k >= 0", *k)
	case *lambda < 0 || math.IsNaN(*lambda) || math.IsInf(*lambda, 0):
		return usagef("--lambda = %v: need a finite value >= 0", *lambda)
	case *maxIter < 0:
		return usagef("--maxiter = %d: need >= 0", *maxIter)
	}
	if err := checkOutDir(*out); err != nil {
		return err
	}
	meth := strings.ToLower(*method)
	generative := meth == "csgm" || meth == "pgd"
	if !generative && !slices.Contains(sparse.Methods(), meth) {
		return usagef("unknown method %q (want one of %s, csgm, pgd)", *method, strings.Join(sparse.Methods(), ", "))
	}
	y, err := npyfile.ReadVector(*yPath)
	if err != nil {
		return fmt.Errorf("measurements: %w", err)
	}
	var op linop.Operator
	if *aPath != "" {
		A, err := npyfile.ReadMatrix(*aPath)
		if err != nil {
			return fmt.Errorf("matrix: %w", err)
		}
		if r, _ := A.Dims(); r != len(y) {
			return fmt.Errorf("shape mismatch: A has %d rows but y has %d entries (--A %s, --y %s)", r, len(y), *aPath, *yPath)
		}
		op = linop.NewDense(A)
	} else {
		if *n < 1 {
			return usagef("--operator needs --n (the signal length), got %d", *n)
		}
		// Limits that keep a typo from exhausting memory: fast operators
		// hold a few length-n vectors, explicit ones an m x n matrix.
		const maxN, maxDense = 1 << 24, 1 << 27
		if *n > maxN {
			return usagef("--n = %d exceeds the limit %d", *n, maxN)
		}
		if op := strings.ToLower(*opName); op != "dct" && op != "hadamard" && int64(len(y))*int64(*n) > maxDense {
			return usagef("--operator %s with m = %d, --n = %d would hold %d entries (limit %d; dct and hadamard need no matrix)", *opName, len(y), *n, int64(len(y))*int64(*n), maxDense)
		}
		op, err = linop.ByName(*opName, len(y), *n, *seed)
		if err != nil {
			return &UsageError{err}
		}
	}
	m, nn := op.Dims()
	if *k > nn {
		return usagef("--k = %d > n = %d", *k, nn)
	}
	start := time.Now()
	var x []float64
	info := map[string]any{}
	if generative {
		x, info, err = recoverGenerative(ctx, meth, op, y, gf, *seed)
		if err != nil {
			return err
		}
	} else {
		res, err := sparse.Solve(meth, op, y, &sparse.Options{K: *k, Lambda: *lambda, MaxIter: *maxIter, Seed: *seed, NoHistory: true})
		if err != nil {
			return err
		}
		x = res.X
		info["status"] = res.Status.String()
		info["iterations"] = res.Iterations
		info["applies"] = res.Applies
		info["adjoints"] = res.Adjoints
	}
	elapsed := time.Since(start)
	if !finite.All(x) {
		return errors.New("the solver produced a non-finite estimate; nothing written (try another method or a smaller step)")
	}
	resid := residual(op, x, y)
	info["method"] = meth
	info["m"], info["n"] = m, nn
	info["residual_norm"] = resid
	info["relative_residual"] = resid / norm2(y)
	info["nonzeros"] = countNonzero(x)
	info["seconds"] = elapsed.Seconds()
	info["out"] = *out
	// Encode before writing x̂, so that a failure leaves no output file.
	// Non-finite numbers (the loss of a diverged run) become null.
	doc, err := json.MarshalIndent(jsonSafe(info), "", "  ")
	if err != nil {
		return err
	}
	if err := npyfile.WriteVector(*out, x); err != nil {
		return err
	}
	if info["status"] == "diverged" {
		fmt.Fprintf(e.Stderr, "warning: %s diverged; %s holds its best finite iterate (try a smaller step or learning rate)\n", meth, *out)
	}
	if *asJSON {
		_, err := fmt.Fprintf(e.Stdout, "%s\n", doc)
		return err
	}
	rel := fmt.Sprintf("||A x̂ - y|| / ||y|| = %.3e", resid/norm2(y))
	if norm2(y) == 0 {
		rel = fmt.Sprintf("y = 0, ||A x̂|| = %.3e", resid)
	}
	fmt.Fprintf(e.Stdout, "%s: m=%d n=%d, %s, %d non-zeros, %s; wrote %s\n",
		meth, m, nn, rel, countNonzero(x), elapsed.Round(time.Millisecond), *out)
	return nil
}

func residual(op linop.Operator, x, y []float64) float64 {
	ax := op.Apply(nil, x)
	for i := range ax {
		ax[i] -= y[i]
	}
	return norm2(ax)
}

// norm2 is the Euclidean norm, scaled so that entries near 1e±200 neither
// overflow nor underflow when squared.
func norm2(v []float64) float64 { return floats.Norm(v, 2) }

func countNonzero(v []float64) int {
	c := 0
	for _, x := range v {
		if x != 0 {
			c++
		}
	}
	return c
}
