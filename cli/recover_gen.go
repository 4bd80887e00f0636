package cli

import (
	"context"
	"flag"
	"fmt"
	"math"

	"github.com/gencs/gencs/genrec"
	"github.com/gencs/gencs/linop"
	"github.com/gencs/gencs/nn"
)

// genFlags holds the flags of the generative recovery methods (csgm, pgd).
type genFlags struct {
	model     string
	restarts  int
	iters     int
	lr        float64
	zprior    float64
	optimizer string
	initScale float64
	workers   int
	pgdOuter  int
	pgdStep   float64
	adjStart  bool
}

// addGenFlags registers the generative-recovery flags on fs.
func addGenFlags(fs *flag.FlagSet) *genFlags {
	g := &genFlags{}
	fs.StringVar(&g.model, "model", "", "generator model manifest `model.json` (csgm, pgd)")
	fs.IntVar(&g.restarts, "restarts", 10, "csgm/pgd: number of random latent starts")
	fs.IntVar(&g.iters, "iters", 1000, "csgm: gradient steps per restart; pgd: steps per projection")
	fs.Float64Var(&g.lr, "lr", 0.01, "csgm/pgd: learning rate of the latent optimiser")
	fs.Float64Var(&g.zprior, "zprior", 0, "csgm/pgd: weight of the z-prior lambda ||z||^2 (0 = none; Bora et al. use 0.1)")
	fs.StringVar(&g.optimizer, "optimizer", "adam", "csgm/pgd: latent optimiser: adam, gd or momentum")
	fs.Float64Var(&g.initScale, "init-scale", 1, "csgm/pgd: standard deviation of random latent starts")
	fs.IntVar(&g.workers, "workers", 0, "csgm/pgd: goroutines for restarts (0 = all cores; results do not depend on it)")
	fs.IntVar(&g.pgdOuter, "pgd-outer", 30, "pgd: outer iterations")
	fs.Float64Var(&g.pgdStep, "pgd-step", 0, "pgd: gradient step in x (0 = adaptive: line search, then Barzilai-Borwein)")
	fs.BoolVar(&g.adjStart, "adjoint-start", false, "csgm: make restart 0 start at the latent of the projection of A^T y onto range(G)")
	return g
}

// jsonSafe returns v with every non-finite float64 (in maps, slices and
// nested values) replaced by nil, so that encoding/json can encode it.
func jsonSafe(v any) any {
	switch t := v.(type) {
	case float64:
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return nil
		}
		return t
	case []float64:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = jsonSafe(x)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[k] = jsonSafe(x)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = jsonSafe(x)
		}
		return out
	}
	return v
}

// recoverGenerative runs CSGM or PGD with the model named by --model and
// returns the estimate and a summary for --json.
func recoverGenerative(ctx context.Context, method string, op linop.Operator, y []float64, g *genFlags, seed uint64) ([]float64, map[string]any, error) {
	if method != "csgm" && method != "pgd" {
		return nil, nil, usagef("method %q is not a generative method (want csgm or pgd)", method)
	}
	if g.model == "" {
		return nil, nil, usagef("--method %s needs --model DIR/model.json", method)
	}
	switch {
	case g.restarts < 1 || g.restarts > genrec.MaxRestarts:
		return nil, nil, usagef("--restarts must be in [1, %d], got %d", genrec.MaxRestarts, g.restarts)
	case g.iters < 1:
		return nil, nil, usagef("--iters must be >= 1, got %d", g.iters)
	case !(g.lr > 0) || math.IsInf(g.lr, 0):
		return nil, nil, usagef("--lr must be positive and finite, got %v", g.lr)
	case !(g.zprior >= 0) || math.IsInf(g.zprior, 0):
		return nil, nil, usagef("--zprior must be non-negative and finite, got %v", g.zprior)
	case !(g.initScale > 0) || math.IsInf(g.initScale, 0):
		return nil, nil, usagef("--init-scale must be positive and finite, got %v", g.initScale)
	case g.workers < 0:
		return nil, nil, usagef("--workers must be >= 0, got %d", g.workers)
	case g.pgdOuter < 1:
		return nil, nil, usagef("--pgd-outer must be >= 1, got %d", g.pgdOuter)
	case !(g.pgdStep >= 0) || math.IsInf(g.pgdStep, 0):
		return nil, nil, usagef("--pgd-step must be non-negative and finite, got %v", g.pgdStep)
	}
	optim, err := genrec.ParseOptimizer(g.optimizer)
	if err != nil {
		return nil, nil, usagef("--optimizer: %v", err)
	}
	net, err := nn.Load(g.model)
	if err != nil {
		return nil, nil, err
	}
	k, n := net.Dims()
	m, an := op.Dims()
	if an != n {
		return nil, nil, fmt.Errorf("model %s outputs vectors of length %d but A has %d columns", g.model, n, an)
	}
	opt := genrec.Options{
		Optimizer: optim,
		LR:        g.lr,
		Iters:     g.iters,
		Restarts:  g.restarts,
		Lambda:    g.zprior,
		InitScale: g.initScale,
		Workers:   g.workers,
		Seed:      seed,
		NoHistory: true,
	}
	if g.adjStart && method == "csgm" {
		po := opt
		po.Restarts = 1
		z0, err := genrec.AdjointStart(ctx, net, op, y, &po)
		if err != nil {
			return nil, nil, err
		}
		opt.Init = [][]float64{z0}
	}
	var res genrec.Result
	if method == "csgm" {
		res, err = genrec.CSGMContext(ctx, net, op, y, &opt)
	} else {
		res, err = genrec.PGDContext(ctx, net, op, y, &genrec.PGDOptions{Outer: g.pgdOuter, Step: g.pgdStep, Inner: opt})
	}
	if err != nil {
		return nil, nil, err
	}
	info := map[string]any{
		"model":        g.model,
		"model_kind":   net.Kind,
		"latent_dim":   k,
		"m":            m,
		"n":            n,
		"optimizer":    optim.String(),
		"restarts":     g.restarts,
		"best_restart": res.Restart,
		"loss":         res.Loss,
		"objective":    res.Objective,
		"iterations":   res.Iterations,
		"status":       res.Status.String(),
		"z":            res.Z,
	}
	if method == "pgd" {
		info["pgd_history"] = res.History
	} else {
		info["restart_losses"] = res.Losses
	}
	return res.X, info, nil
}
