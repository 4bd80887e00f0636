package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/gencs/gencs/experiment"
)

func cmdSummary(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet(e, "summary", "results.jsonl... [--json] [--method M] [--transition]")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	method := fs.String("method", "", "only this method")
	transition := fs.Bool("transition", false, "print the measured 50% success rho per (method, delta) next to the Donoho-Tanner l1 curve")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("missing results file(s)")
	}
	recs, err := readResults(e, pos)
	if err != nil {
		return err
	}
	if *method != "" {
		recs = filterMethod(recs, *method)
		if len(recs) == 0 {
			return fmt.Errorf("no results for method %q", *method)
		}
	}
	rows := experiment.Summarize(recs)
	if *transition {
		return printTransitions(e, experiment.Transitions(rows), *asJSON)
	}
	if *asJSON {
		return sweepJSON(e.Stdout, rows)
	}
	tw := tabwriter.NewWriter(e.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "n\tm\tk\tdelta\trho\toperator\tsignal\tsigma\tmethod\ttrials\tsuccess\t95% Wilson\tmedian err\tmean time\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%d\t%d\t%d\t%.3g\t%.3g\t%s\t%s\t%g\t%s\t%d\t%.2f\t[%.2f, %.2f]\t%s\t%s\t\n",
			r.N, r.M, r.K, r.Delta, r.Rho, r.Operator, r.Signal, r.Sigma, r.Method, r.Trials,
			r.SuccessRate, r.WilsonLo, r.WilsonHi, fmtErr(float64(r.MedianRelErr)), fmtSeconds(r.MeanTimeS))
	}
	return tw.Flush()
}

func printTransitions(e *Env, tps []experiment.TransitionPoint, asJSON bool) error {
	if asJSON {
		return sweepJSON(e.Stdout, tps)
	}
	tw := tabwriter.NewWriter(e.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "n\toperator\tsignal\tsigma\tmethod\tdelta\tmeasured rho50\tDT l1 rho\tdifference\t")
	for _, t := range tps {
		meas, diff := t.Note, ""
		if v := float64(t.Rho50); !math.IsNaN(v) {
			meas, diff = fmt.Sprintf("%.3f", v), fmt.Sprintf("%+.3f", v-float64(t.Theory))
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%g\t%s\t%.3g\t%s\t%.3f\t%s\t\n", t.N, t.Operator, t.Signal, t.Sigma, t.Method, t.Delta, meas, float64(t.Theory), diff)
	}
	return tw.Flush()
}

func fmtErr(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "inf"
	}
	return fmt.Sprintf("%.2e", v)
}

func fmtSeconds(s float64) string {
	switch {
	case s < 1e-3:
		return fmt.Sprintf("%.0fµs", s*1e6)
	case s < 1:
		return fmt.Sprintf("%.1fms", s*1e3)
	}
	return fmt.Sprintf("%.2fs", s)
}

// readResults reads result files, warning about truncated last lines, and
// combines them as merge does: a (trial, method) result present in several
// files (the same file given twice, overlapping shards) counts once, so
// success rates are not silently skewed; conflicting copies are reported
// and the first is kept.
func readResults(e *Env, paths []string) ([]experiment.Record, error) {
	var inputs []experiment.Input
	for _, p := range paths {
		recs, err := experiment.ReadFile(p, func(msg string) { fmt.Fprintln(e.Stderr, "warning:", msg) })
		if err != nil {
			return nil, err
		}
		inputs = append(inputs, experiment.Input{Name: p, Records: recs})
	}
	all, rep := experiment.Merge(inputs, nil)
	if len(all) == 0 {
		return nil, fmt.Errorf("no valid result lines in %s", strings.Join(paths, ", "))
	}
	if rep.Duplicates > 0 || len(rep.Conflicts) > 0 {
		fmt.Fprintf(e.Stderr, "warning: %d duplicate and %d conflicting result lines counted once (first kept; see gencs merge)\n",
			rep.Duplicates, len(rep.Conflicts))
	}
	return all, nil
}

func filterMethod(recs []experiment.Record, m string) []experiment.Record {
	var out []experiment.Record
	for _, r := range recs {
		if r.Method == m {
			out = append(out, r)
		}
	}
	return out
}

// sweepJSON writes v as indented JSON.
func sweepJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
