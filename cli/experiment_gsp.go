package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/gencs/gencs/genrec"
	"github.com/gencs/gencs/gspstudy"
	"github.com/gencs/gencs/internal/atomicfile"
)

// experimentGsp runs the paper's claim measured: k-sparse recovery by CSGM
// through G_sp against Lasso, OMP and the exact minimiser.
func experimentGsp(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet(e, "experiment gsp", "[--n 20,40 --k 2,3] [--m M1,M2,...] [--trials T] [--restarts R] [--iters I] [--landscape R] [--noise E] [--seed S] [--out fig.png] [--json]")
	nFlag := fs.String("n", "20,40", "signal lengths n (comma-separated, paired with --k)")
	kFlag := fs.String("k", "2,3", "sparsities k (comma-separated, one per n)")
	mFlag := fs.String("m", "", "measurement counts (default: 2k..n, 9 log-spaced values per size; values above n are skipped)")
	trials := fs.Int("trials", 20, "trials per (n, k, m)")
	restarts := fs.Int("restarts", 10, "CSGM restarts")
	iters := fs.Int("iters", 500, "CSGM Adam iterations per restart")
	landscape := fs.Int("landscape", 200, "restarts per instance for the landscape measurement at m = n on small sizes, >= 0 (0 = skip)")
	lr := fs.Float64("lr", 0.1, "CSGM Adam learning rate")
	seed := fs.Uint64("seed", 1, "seed")
	noise := fs.Float64("noise", 0, "relative measurement noise ||e||/||Ax|| (success then means error <= max(1e-2, 3*noise))")
	workers := fs.Int("workers", 0, "parallel trials, >= 0 (0 = all cores; results do not depend on it)")
	out := fs.String("out", "", "write a PNG plot of success vs m")
	asJSON := fs.Bool("json", false, "print the results as JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := noPositional(pos); err != nil {
		return err
	}
	ns, err := parseInts(*nFlag)
	if err != nil {
		return usagef("--n: %v", err)
	}
	ks, err := parseInts(*kFlag)
	if err != nil {
		return usagef("--k: %v", err)
	}
	if len(ns) == 0 || len(ns) != len(ks) {
		return usagef("--n and --k need the same number of values (got %d and %d)", len(ns), len(ks))
	}
	if !(*noise >= 0) || *noise >= 1 {
		return usagef("--noise must be in [0, 1) (got %v)", *noise)
	}
	cfg := gspstudy.Config{Trials: *trials, Restarts: *restarts, Iters: *iters, LR: *lr, Seed: *seed, Workers: *workers, Noise: *noise}
	for i := range ns {
		if ks[i] > ns[i] {
			return usagef("--k %d exceeds --n %d (need 1 <= k <= n)", ks[i], ns[i])
		}
		cfg.Sizes = append(cfg.Sizes, [2]int{ns[i], ks[i]})
	}
	if *mFlag != "" {
		if cfg.Ms, err = parseInts(*mFlag); err != nil {
			return usagef("--m: %v", err)
		}
		for _, nk := range cfg.Sizes {
			ok := false
			for _, m := range cfg.Ms {
				ok = ok || m <= nk[0]
			}
			if !ok {
				return usagef("--m: no value is in 1..n = %d (values above n are skipped)", nk[0])
			}
		}
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"--trials", *trials}, {"--restarts", *restarts}, {"--iters", *iters}} {
		if f.v < 1 {
			return usagef("%s must be >= 1 (got %d)", f.name, f.v)
		}
	}
	if jobs := float64(len(cfg.Sizes)) * float64(max(len(cfg.Ms), 9)) * float64(*trials); jobs > 1e7 {
		return usagef("--trials %d: %d sizes x %d measurement counts x %d trials is more than 1e7 trials", *trials, len(cfg.Sizes), max(len(cfg.Ms), 9), *trials)
	}
	if *restarts > genrec.MaxRestarts {
		return usagef("--restarts %d is over the limit %d", *restarts, genrec.MaxRestarts)
	}
	if err := nonNegative("--workers", *workers); err != nil {
		return err
	}
	if err := nonNegative("--landscape", *landscape); err != nil {
		return err
	}
	if *landscape > genrec.MaxRestarts {
		return usagef("--landscape %d is over the limit %d", *landscape, genrec.MaxRestarts)
	}
	if err := positiveFinite("--lr", *lr); err != nil {
		return err
	}
	if *out != "" {
		if !strings.HasSuffix(strings.ToLower(*out), ".png") {
			return usagef("--out must name a .png file (got %q)", *out)
		}
		if err := checkOutDir(*out); err != nil {
			return err
		}
	}
	if !*asJSON {
		fmt.Fprintf(e.Stderr, "experiment gsp: %d sizes x %d trials, CSGM %d restarts x %d iterations\n", len(cfg.Sizes), cfg.Trials, cfg.Restarts, cfg.Iters)
	}
	res, err := gspstudy.Run(ctx, cfg)
	if err != nil {
		return err
	}
	if *landscape > 0 {
		if res.Landscape, err = gspstudy.RunLandscape(ctx, cfg, nil, 4, *landscape); err != nil {
			return err
		}
	}
	if *out != "" {
		if err := atomicfile.Write(*out, func(w io.Writer) error { return res.WritePNG(w) }); err != nil {
			return err
		}
	}
	if *asJSON {
		enc := json.NewEncoder(e.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	if err := res.WriteTable(e.Stdout); err != nil {
		return err
	}
	if *out != "" {
		fmt.Fprintf(e.Stdout, "wrote %s\n", *out)
	}
	return nil
}
