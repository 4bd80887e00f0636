package cli

import (
	"context"
	"fmt"
	"math"

	"github.com/gencs/gencs/construct/codegen"
	"github.com/gencs/gencs/internal/rng"
	"github.com/gencs/gencs/nn"
)

// verifyCodegen checks a "codegen" model file: it rebuilds the Theorem 2.1
// generator from the manifest's metadata, checks that the stored network
// computes it, and re-measures the theorem's claims.
func verifyCodegen(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet(e, "verify", "--model DIR/model.json [--trials T] [--seed S] [--json]")
	model := fs.String("model", "", "model manifest (DIR/model.json)")
	trials := fs.Int("trials", 20000, "random latent pairs for the Lipschitz probe (>= 1)")
	seed := fs.Uint64("seed", 1, "sampling seed")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	_ = fs.Int("k", 0, "ignored for codegen models (k is read from the model)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := noPositional(pos); err != nil {
		return err
	}
	if *model == "" {
		return usagef("--model is required")
	}
	if *trials < 1 {
		return usagef("--trials must be >= 1")
	}
	net, err := nn.Load(*model)
	if err != nil {
		return err
	}
	if net.Kind != codegen.Kind {
		return fmt.Errorf("%s has kind %q, want %q", *model, net.Kind, codegen.Kind)
	}
	params, err := codegen.FromMeta(net.Meta)
	if err != nil {
		return fmt.Errorf("%s: %w", *model, err)
	}
	g, err := codegen.New(params)
	if err != nil {
		return fmt.Errorf("%s: rebuilding the generator: %w", *model, err)
	}
	k, n := net.Dims()
	if k != params.K || n != params.N {
		return fmt.Errorf("%s: network is %d -> %d but its metadata says k = %d, n = %d", *model, k, n, params.K, params.N)
	}
	// The stored network must compute G: compare on X and on random points.
	worst := 0.0
	r := rng.New(*seed, 0xc0de)
	z := make([]float64, k)
	for t := 0; t < 2000; t++ {
		if t < g.NumX() {
			g.X(z, t)
		} else {
			for i := range z {
				z[i] = (1.4*r.Float64() - 0.2) * g.T
			}
		}
		a, b := g.Forward(nil, z), net.Forward(nil, z)
		for i := range a {
			worst = math.Max(worst, math.Abs(a[i]-b[i]))
		}
	}
	rep := g.Verify(codegen.VerifyOptions{Trials: *trials, Seed: *seed})
	if tol := 1e-9 * g.R; worst > tol {
		rep.OK = false
		rep.Failures = append(rep.Failures, fmt.Sprintf("stored network differs from the rebuilt generator by %.3g (> %.3g)", worst, tol))
	}
	if err := printCodegenReport(e, rep, *asJSON); err != nil {
		return err
	}
	if !*asJSON {
		fmt.Fprintf(e.Stdout, "  stored network vs rebuilt G: max |difference| %.3g\n", worst)
	}
	if !rep.OK {
		return fmt.Errorf("%d claim(s) failed", len(rep.Failures))
	}
	return nil
}
