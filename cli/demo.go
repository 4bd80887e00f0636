package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"github.com/gencs/gencs/demo"
)

// cmdDemo runs every sparse solver on the built-in synthetic problem.
func cmdDemo(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet(e, "demo", "[--n N --m M --k K --sigma S --seed S] [--out figure.png] [--json]")
	var o demo.Options
	fs.IntVar(&o.N, "n", 1000, "signal length")
	fs.IntVar(&o.M, "m", 200, "number of measurements")
	fs.IntVar(&o.K, "k", 20, "non-zeros in the signal")
	fs.Float64Var(&o.Sigma, "sigma", 1e-3, "noise standard deviation per measurement (0 for none)")
	seed := fs.Uint64("seed", 1, "random seed")
	out := fs.String("out", "gencs-demo.png", "figure file (.png or .svg); empty for none")
	asJSON := fs.Bool("json", false, "print the results as JSON instead of a table")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := noPositional(pos); err != nil {
		return err
	}
	for _, v := range []struct {
		name string
		val  int
	}{{"n", o.N}, {"m", o.M}, {"k", o.K}} {
		if v.val < 1 {
			return usagef("%s = %d: need %s >= 1", v.name, v.val, v.name)
		}
	}
	const maxDense = 1 << 27 // entries of the Gaussian matrix (1 GB)
	if int64(o.M)*int64(o.N) > maxDense {
		return usagef("--m %d x --n %d = %d matrix entries exceeds the limit %d", o.M, o.N, int64(o.M)*int64(o.N), maxDense)
	}
	if !(o.Sigma >= 0) || math.IsInf(o.Sigma, 0) {
		return usagef("--sigma = %v: need a finite noise level >= 0", o.Sigma)
	}
	if o.Sigma == 0 {
		o.Sigma = -1 // demo.Options: negative means no noise
	}
	if *out != "" {
		if ext := strings.ToLower(filepath.Ext(*out)); ext != ".png" && ext != ".svg" {
			return usagef("--out %s: want a .png or .svg file name", *out)
		}
		if err := checkOutDir(*out); err != nil {
			return err
		}
	}
	o.Seed = *seed
	if o.Seed == 0 {
		return usagef("--seed must be positive")
	}
	if err := o.Validate(); err != nil {
		return &UsageError{err}
	}
	rep, err := demo.Run(ctx, o)
	if err != nil {
		return err
	}
	if *out != "" {
		if err := rep.WritePlot(*out); err != nil {
			return err
		}
	}
	if *asJSON {
		enc := json.NewEncoder(e.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"n": rep.N, "m": rep.M, "k": rep.K, "sigma": rep.Sigma, "seed": rep.Seed,
			"results": rep.Rows, "figure": *out})
	}
	if err := rep.WriteTable(e.Stdout); err != nil {
		return err
	}
	if *out != "" {
		fmt.Fprintf(e.Stdout, "\nfigure: %s\n", *out)
	}
	return nil
}
