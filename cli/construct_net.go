package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"path/filepath"

	"github.com/gencs/gencs/construct"
	"github.com/gencs/gencs/nn"
)

// constructGsp writes the Theorem 1.2 network G_sp as a model file.
func constructGsp(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet(e, "construct gsp", "--n N --k K --out DIR [--seed S] [--json]")
	n := fs.Int("n", 0, "output dimension n (required)")
	k := fs.Int("k", 0, "sparsity k, 1 <= k <= n (required); the latent dimension is 2k")
	_ = fs.Uint64("seed", 0, "ignored: G_sp is deterministic (accepted for symmetry with grand)")
	out := fs.String("out", "", "output directory (writes DIR/model.json)")
	asJSON := fs.Bool("json", false, "print a JSON summary")
	if err := parseNetFlags(fs, args, n, k, out); err != nil {
		return err
	}
	g, err := construct.Gsp(*n, *k)
	if err != nil {
		return &UsageError{err}
	}
	return saveConstruction(e, g, *out, *asJSON, map[string]any{
		"lipschitz": g.Lipschitz(), "sector_width": g.SectorWidth()})
}

// constructGrand writes the Theorem 2.2 network G_rand as a model file.
func constructGrand(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet(e, "construct grand", "--n N --k K [--alpha A] --seed S --out DIR [--json]")
	n := fs.Int("n", 0, "output dimension n (required)")
	k := fs.Int("k", 0, "sparsity k, 1 <= k <= n (required); the latent dimension is k+1")
	alpha := fs.Float64("alpha", 0, "wedge half-angle in (0, pi/4); 0 = default max(certified/2, 3e-4/sqrt(n))")
	seed := fs.Uint64("seed", 1, "seed of the random directions")
	out := fs.String("out", "", "output directory (writes DIR/model.json)")
	asJSON := fs.Bool("json", false, "print a JSON summary")
	if err := parseNetFlags(fs, args, n, k, out); err != nil {
		return err
	}
	g, err := construct.Grand(*n, *k, *alpha, *seed)
	if err != nil {
		return &UsageError{err}
	}
	b := g.Bounds()
	certified := 2*g.Alpha() <= min(b.Preimage, b.Sparsity) && b.Exhaustive
	return saveConstruction(e, g, *out, *asJSON, map[string]any{
		"alpha": g.Alpha(), "seed": g.Seed(),
		"alpha_bound_preimage": b.Preimage, "alpha_bound_sparsity": b.Sparsity,
		"bounds_exhaustive": b.Exhaustive, "certified": certified})
}

func parseNetFlags(fs *flag.FlagSet, args []string, n, k *int, out *string) error {
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := noPositional(pos); err != nil {
		return err
	}
	switch {
	case *n < 1:
		return usagef("--n must be >= 1 (got %d)", *n)
	case *k < 1:
		return usagef("--k must be >= 1 (got %d)", *k)
	case *k > *n:
		return usagef("--k must be <= --n (got k=%d, n=%d)", *k, *n)
	case *out == "":
		return usagef("--out DIR is required")
	}
	return nil
}

func saveConstruction(e *Env, c construct.Construction, out string, asJSON bool, extra map[string]any) error {
	net, err := c.Network()
	if err != nil {
		return err
	}
	if err := nn.Save(out, net); err != nil {
		return err
	}
	path := filepath.Join(out, nn.ManifestName)
	kin, n := c.Dims()
	doc := map[string]any{"model": path, "kind": net.Kind, "n": n, "k": c.K(), "input_dim": kin,
		"widths": c.Widths(), "non_zeros": c.NonZeros(), "depth": net.Depth()}
	for key, v := range extra {
		doc[key] = v
	}
	if asJSON {
		enc := json.NewEncoder(e.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(doc)
	}
	fmt.Fprintf(e.Stdout, "%s: R^%d -> R^%d, k=%d, widths %v, %d non-zeros\n", net.Kind, kin, n, c.K(), c.Widths(), c.NonZeros())
	if g, ok := c.(*construct.GrandNet); ok {
		b := g.Bounds()
		fmt.Fprintf(e.Stdout, "alpha %.4g; certified bounds: preimage %.3g, sparsity %.3g (%s)\n", g.Alpha(), b.Preimage, b.Sparsity,
			map[bool]string{true: "exhaustive", false: "sampled"}[b.Exhaustive])
		if !extra["certified"].(bool) {
			fmt.Fprintln(e.Stdout, "note: 2*alpha exceeds the certified bound, so a few supports may lack a preimage (see gencs verify)")
		}
	}
	fmt.Fprintf(e.Stdout, "wrote %s\n", path)
	return nil
}
