package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"

	"github.com/gencs/gencs/construct/codegen"
	"github.com/gencs/gencs/nn"
)

// constructCodegen builds the Theorem 2.1 generator, checks its claims and
// writes it as a ReLU network model.
func constructCodegen(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet(e, "construct codegen", "--n N --k K --L L --r r --R R [--p 1|2] [--seed S] --out DIR [--json]")
	n := fs.Int("n", 48, "output dimension n (divisible by k, at most codegen.MaxN = 50000)")
	k := fs.Int("k", 2, "latent dimension k")
	L := fs.Float64("L", 4, "Lipschitz scale L")
	r := fs.Float64("r", 1, "latent radius r")
	R := fs.Float64("R", 0.125, "output radius R (needs L*r >= 2R)")
	p := fs.Int("p", 2, "norm p: 1 or 2")
	seed := fs.Uint64("seed", 1, "seed of the random balanced binary code")
	maxCode := fs.Int("max-code-dim", 0, "cap the binary code dimension M (|P| <= 2^M), >= 0; 0 = no cap")
	out := fs.String("out", "", "output directory (writes DIR/model.json)")
	asJSON := fs.Bool("json", false, "print the verification report as JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := noPositional(pos); err != nil {
		return err
	}
	if *out == "" {
		return usagef("--out DIR is required")
	}
	if err := checkCodegenShape(*n, *k, *p); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"--L", *L}, {"--r", *r}, {"--R", *R}} {
		if err := positiveFinite(f.name, f.v); err != nil {
			return err
		}
	}
	if ratio := *L * *r / *R; ratio*(1+1e-12) < 2 || math.IsInf(ratio, 0) {
		return usagef("--R %g: need L*r >= 2R, a finite --L * --r / --R >= 2 (got %.4g)", *R, ratio)
	}
	if err := nonNegative("--max-code-dim", *maxCode); err != nil {
		return err
	}
	if err := checkOutDir(*out); err != nil {
		return err
	}
	g, err := codegen.New(codegen.Params{N: *n, K: *k, L: *L, Rlat: *r, R: *R, P: *p, Seed: *seed, MaxCodeDim: *maxCode})
	if err != nil {
		return codegenError(err)
	}
	rep := g.Verify(codegen.VerifyOptions{Seed: *seed})
	net, err := g.ToNetwork()
	if err != nil {
		return err
	}
	if err := nn.Save(*out, net); err != nil {
		return err
	}
	if err := printCodegenReport(e, rep, *asJSON); err != nil {
		return err
	}
	if !*asJSON {
		fmt.Fprintf(e.Stdout, "wrote %s\n", filepath.Join(*out, nn.ManifestName))
	}
	if !rep.OK {
		return fmt.Errorf("%d claim(s) failed", len(rep.Failures))
	}
	return nil
}

func printCodegenReport(e *Env, rep codegen.Report, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(e.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	_, err := fmt.Fprint(e.Stdout, rep.String())
	return err
}
