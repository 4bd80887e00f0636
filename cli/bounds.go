package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"text/tabwriter"

	"github.com/gencs/gencs/bounds"
)

// cmdBounds prints measurement counts from the theorems.
func cmdBounds(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet(e, "bounds", "--n N --k K [--L L --r R --delta D] [--json]")
	var p bounds.Params
	fs.IntVar(&p.N, "n", 0, "signal length n (required)")
	fs.IntVar(&p.K, "k", 0, "sparsity / latent dimension k (required)")
	fs.Float64Var(&p.L, "L", 0, "Lipschitz constant of the generator")
	fs.Float64Var(&p.R, "r", 0, "latent radius r")
	fs.Float64Var(&p.Delta, "delta", 0, "additive error delta")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := noPositional(pos); err != nil {
		return err
	}
	est, err := bounds.Compute(p)
	if err != nil {
		return &UsageError{err}
	}
	if p.L > 0 && math.IsInf(p.L*p.R/p.Delta, 0) {
		return usagef("--L * --r / --delta = %g * %g / %g overflows float64", p.L, p.R, p.Delta)
	}
	for _, b := range est {
		if math.IsNaN(b.Value) || math.IsInf(b.Value, 0) {
			return fmt.Errorf("%s: value %v is not finite", b.Name, b.Value)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(e.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"params": p, "bounds": est,
			"note": "values set every hidden constant to 1 (natural log); the theorems give orders of growth, not constants"})
	}
	tw := tabwriter.NewWriter(e.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "result\tkind\tformula\tvalue")
	for _, b := range est {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.1f\n", b.Name, b.Kind, b.Formula, b.Value)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(e.Stdout, "\nThe theorems state orders of growth: their constants are not given, so each value")
	fmt.Fprintln(e.Stdout, "sets every hidden constant to 1 (natural logarithms). Compare shapes, not numbers.")
	if p.L == 0 {
		fmt.Fprintln(e.Stdout, "Give --L, --r and --delta for the Lipschitz-generator bounds.")
	}
	return nil
}
