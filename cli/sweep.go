package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/gencs/gencs/experiment"
)

func cmdSweep(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet(e, "sweep", "--spec spec.json|--preset NAME --out results.jsonl [--workers W] [--resume] [--shard i/N]")
	specPath := fs.String("spec", "", "sweep spec (JSON)")
	preset := fs.String("preset", "", `built-in spec ("list" shows them), e.g. dt`)
	out := fs.String("out", "", `results file (JSON lines); "{shard}" is replaced by the shard index`)
	workers := fs.Int("workers", 0, "parallel trials (0: all cores)")
	resume := fs.Bool("resume", false, "continue an existing results file, skipping trials already in it")
	shard := fs.String("shard", "", "run shard i of N (i/N); default from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX")
	shards := fs.Int("shards", 0, "shard count for JOB_COMPLETION_INDEX (or set GENCS_SHARDS)")
	batch := fs.Int("batch", 0, "result lines per flush+fsync (0: 64)")
	printSpec := fs.Bool("print-spec", false, "print the (preset) spec as JSON and exit")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := noPositional(pos); err != nil {
		return err
	}
	if *preset == "list" {
		for _, n := range experiment.PresetNames() {
			fmt.Fprintf(e.Stdout, "%-10s %s\n", n, experiment.PresetDoc(n))
		}
		return nil
	}
	// Usage errors first, before any file is read.
	switch {
	case *specPath != "" && *preset != "":
		return usagef("give --spec or --preset, not both")
	case *specPath == "" && *preset == "":
		return usagef("missing --spec or --preset (try --preset dt)")
	case *out == "" && !*printSpec:
		return usagef("missing --out results.jsonl")
	}
	if *workers < 0 {
		return usagef("--workers %d: must be >= 0", *workers)
	}
	if *batch < 0 {
		return usagef("--batch %d: must be >= 0", *batch)
	}
	if *shards < 0 {
		return usagef("--shards %d: must be >= 0", *shards)
	}
	var spec *experiment.Spec
	if *preset != "" {
		if spec, err = experiment.PresetSpec(*preset); err != nil {
			return &UsageError{err}
		}
	} else if spec, err = experiment.LoadSpec(*specPath); err != nil {
		return err
	}
	if *printSpec {
		return sweepJSON(e.Stdout, spec)
	}
	opt := &experiment.Options{Workers: *workers, Resume: *resume, BatchSize: *batch}
	opt.Warn = func(msg string) { fmt.Fprintln(e.Stderr, "warning:", msg) }
	if *shard != "" {
		opt.Shard, opt.Shards, err = experiment.ParseShard(*shard)
		if err != nil {
			return &UsageError{err}
		}
	} else {
		i, n, src, ok, err := experiment.ShardFromEnv(e.getenv, *shards)
		if err != nil {
			return &UsageError{err}
		}
		if ok {
			opt.Shard, opt.Shards = i, n
			fmt.Fprintf(e.Stderr, "sweep: shard %d/%d (from %s)\n", i, n, src)
		} else if *shards > 0 {
			return usagef("--shards given but no --shard, SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX")
		}
	}
	path := strings.ReplaceAll(*out, "{shard}", strconv.Itoa(opt.Shard))
	if err := checkOutDir(path); err != nil {
		return err
	}
	var bar *progressbar.ProgressBar
	if e.terminal() {
		opt.Progress = func(done, total int) {
			if bar == nil {
				bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(e.Stderr),
					progressbar.OptionSetDescription("sweep"), progressbar.OptionShowCount(),
					progressbar.OptionSetPredictTime(true), progressbar.OptionThrottle(200*time.Millisecond),
					progressbar.OptionClearOnFinish())
			}
			bar.Set(done)
		}
	}
	start := time.Now()
	st, err := experiment.Sweep(ctx, spec, path, opt)
	if bar != nil {
		bar.Finish()
		fmt.Fprintln(e.Stderr)
	}
	if err != nil {
		if errors.Is(err, experiment.ErrOutputExists) {
			return &UsageError{err}
		}
		return err
	}
	fmt.Fprintf(e.Stderr, "sweep: %d trials in this shard: %d already done, %d run now (%d lines) in %s -> %s\n",
		st.Trials, st.Skipped, st.Done, st.Lines, time.Since(start).Round(time.Millisecond), path)
	return nil
}
