package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/gencs/gencs/experiment/plot"
)

func cmdPlot(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet(e, "plot", "results.jsonl... --out fig.png|fig.svg|fig.pdf [--kind phase|success|error] [--method M[,M2]]")
	out := fs.String("out", "", "figure file (.png, .svg or .pdf)")
	kind := fs.String("kind", "phase", "phase (delta-rho diagram), success (success rate vs m) or error (relative error vs m)")
	method := fs.String("method", "", "comma-separated methods to draw (default: all)")
	title := fs.String("title", "", "title prefix")
	noTheory := fs.Bool("no-theory", false, "omit the Donoho-Tanner curve on phase diagrams")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("missing results file(s)")
	}
	if *out == "" {
		return usagef("missing --out fig.png")
	}
	switch *kind {
	case plot.Phase, plot.Success, plot.Error:
	default:
		return usagef("--kind %q: want phase, success or error", *kind)
	}
	switch strings.ToLower(filepath.Ext(*out)) {
	case ".png", ".svg", ".pdf":
	default:
		return usagef("--out %s: unsupported format (want .png, .svg or .pdf)", *out)
	}
	var methods []string
	if *method != "" {
		for _, m := range strings.Split(*method, ",") {
			if m = strings.TrimSpace(m); m != "" {
				methods = append(methods, m)
			}
		}
		if len(methods) == 0 {
			return usagef("--method %q names no method", *method)
		}
	}
	if err := checkOutDir(*out); err != nil {
		return err
	}
	recs, err := readResults(e, pos)
	if err != nil {
		return err
	}
	opt := &plot.Options{Kind: *kind, Title: *title, NoTheory: *noTheory,
		Notes: func(s string) { fmt.Fprintln(e.Stderr, "note:", s) }}
	opt.Methods = methods
	if err := plot.WriteFile(*out, recs, opt); err != nil {
		return err
	}
	fmt.Fprintf(e.Stderr, "plot: %s figure of %d result lines -> %s\n", *kind, len(recs), *out)
	return nil
}
