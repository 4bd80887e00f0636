package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/gencs/gencs/experiment"
	"github.com/gencs/gencs/internal/atomicfile"
)

func cmdMerge(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet(e, "merge", "a.jsonl b.jsonl... --out all.jsonl [--spec spec.json|--preset NAME]")
	out := fs.String("out", "", "merged results file")
	specPath := fs.String("spec", "", "spec of the sweep: report missing trials")
	preset := fs.String("preset", "", "preset of the sweep: report missing trials")
	strict := fs.Bool("strict", false, "fail (exit 1) when trials are missing or conflicting")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("missing input files")
	}
	if *out == "" {
		return usagef("missing --out all.jsonl")
	}
	var spec *experiment.Spec
	switch {
	case *specPath != "" && *preset != "":
		return usagef("give --spec or --preset, not both")
	case *specPath != "":
		if spec, err = experiment.LoadSpec(*specPath); err != nil {
			return err
		}
	case *preset != "":
		if spec, err = experiment.PresetSpec(*preset); err != nil {
			return &UsageError{err}
		}
	}
	var inputs []experiment.Input
	for _, p := range pos {
		recs, err := experiment.ReadFile(p, func(msg string) { fmt.Fprintln(e.Stderr, "warning:", msg) })
		if err != nil {
			return err
		}
		inputs = append(inputs, experiment.Input{Name: p, Records: recs})
	}
	if err := checkOutDir(*out); err != nil {
		return err
	}
	total := 0
	for _, in := range inputs {
		total += len(in.Records)
	}
	if total == 0 {
		return fmt.Errorf("no valid result lines in %s", strings.Join(pos, ", "))
	}
	recs, rep := experiment.Merge(inputs, spec)
	// With --strict a failed merge writes nothing.
	failed := *strict && (len(rep.Conflicts) > 0 || len(rep.Missing) > 0)
	dest := *out
	if failed {
		dest = "nothing written (--strict)"
	} else if err := atomicfile.Write(*out, func(w io.Writer) error { return experiment.WriteRecords(w, recs) }); err != nil {
		return err
	}
	fmt.Fprintf(e.Stderr, "merge: %d lines from %d files -> %d kept, %d exact duplicates dropped, %d conflicts -> %s\n",
		rep.Lines, len(pos), rep.Kept, rep.Duplicates, len(rep.Conflicts), dest)
	for i, c := range rep.Conflicts {
		if i == 10 {
			fmt.Fprintf(e.Stderr, "  ... and %d more conflicts\n", len(rep.Conflicts)-10)
			break
		}
		fmt.Fprintf(e.Stderr, "  conflict: %s: %s (%s) vs %s; kept the first\n", c.Key, c.First, c.DifferentField, c.Second)
	}
	if spec != nil {
		fmt.Fprintf(e.Stderr, "merge: %d of %d (trial, method) results of the spec missing", len(rep.Missing), len(spec.Keys()))
		if rep.Foreign > 0 {
			fmt.Fprintf(e.Stderr, "; %d results not in the spec", rep.Foreign)
		}
		fmt.Fprintln(e.Stderr)
		for i, k := range rep.Missing {
			if i == 10 {
				fmt.Fprintf(e.Stderr, "  ... and %d more missing\n", len(rep.Missing)-10)
				break
			}
			fmt.Fprintf(e.Stderr, "  missing: %s\n", k)
		}
	}
	if failed {
		return fmt.Errorf("--strict: %d conflicts, %d missing results; %s not written", len(rep.Conflicts), len(rep.Missing), *out)
	}
	return nil
}
