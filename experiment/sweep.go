package experiment

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"sort"
	"sync"
	"time"
)

// Options configures a sweep. The zero value runs everything with
// GOMAXPROCS workers.
type Options struct {
	// Workers is the number of trials run in parallel (0: GOMAXPROCS).
	Workers int
	// Shard and Shards select a deterministic 1/Shards of the trials:
	// trial t of cell c belongs to shard (c*trials + t) mod Shards.
	// Shards 0 or 1 means all trials.
	Shard, Shards int
	// Resume continues an existing results file, skipping (trial, method)
	// pairs already in it. Without Resume, an existing file is an error.
	Resume bool
	// BatchSize is the number of result lines buffered between flushes
	// to disk (bufio flush + fsync); 0 means 64.
	BatchSize int
	// FlushInterval bounds the time between flushes; 0 means 2s.
	FlushInterval time.Duration
	// Progress, when non-nil, is called from one goroutine after each
	// completed trial with the number of trials done and to do in this run.
	Progress func(done, total int)
	// Warn, when non-nil, receives warnings (e.g. a truncated last line
	// dropped on resume).
	Warn func(msg string)
}

// Stats summarises a sweep run.
type Stats struct {
	// Trials is the number of trials in this shard of the sweep.
	Trials int
	// Skipped counts trials already complete in the file (resume).
	Skipped int
	// Done counts trials run to completion in this run.
	Done int
	// Lines counts result lines written in this run.
	Lines int
}

// ErrOutputExists is returned (wrapped) when the results file exists and
// Options.Resume is false.
var ErrOutputExists = errors.New("output file exists")

func (o *Options) normalize() (Options, error) {
	var opt Options
	if o != nil {
		opt = *o
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	if opt.Shards <= 0 {
		opt.Shards = 1
	}
	if opt.Shard < 0 || opt.Shard >= opt.Shards {
		return opt, fmt.Errorf("shard %d out of range [0, %d)", opt.Shard, opt.Shards)
	}
	if opt.BatchSize <= 0 {
		opt.BatchSize = 64
	}
	if opt.FlushInterval <= 0 {
		opt.FlushInterval = 2 * time.Second
	}
	return opt, nil
}

func (o *Options) warn(format string, a ...any) {
	if o.Warn != nil {
		o.Warn(fmt.Sprintf(format, a...))
	}
}

// plan lists the work of a shard, minus the (trial, method) pairs in done.
func plan(s *Spec, opt *Options, done map[string]bool) (work []trialWork, trials, skipped int) {
	signal := s.Signal.String()
	for _, c := range s.Cells() {
		for t := 0; t < s.Trials; t++ {
			if (c.Index*s.Trials+t)%opt.Shards != opt.Shard {
				continue
			}
			trials++
			seed := TrialSeed(s.Seed, signal, c, t)
			w := trialWork{cell: c, trial: t, seed: seed}
			tk := trialKey(c, signal, t, seed)
			for _, m := range s.Methods {
				if !done[tk+"|"+m.ID()] {
					w.methods = append(w.methods, m)
				}
			}
			if len(w.methods) == 0 {
				skipped++
				continue
			}
			work = append(work, w)
		}
	}
	return work, trials, skipped
}

// trialResult is what a worker hands back: the records of one trial and
// whether every requested method ran.
type trialResult struct {
	recs     []Record
	complete bool
}

// execute runs the work on opt.Workers goroutines and hands each finished
// trial's records to emit; idle (if non-nil) is called every
// opt.FlushInterval while no result arrives. Both are called from the
// calling goroutine only. It returns the number of trials completed.
func execute(ctx context.Context, env *sweepEnv, opt *Options, work []trialWork, emit func([]Record) error, idle func() error) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := func() bool { return ctx.Err() != nil }
	// More workers than trials would only idle (and --workers 1e9 would
	// allocate a huge channel); results do not depend on the count.
	workers := max(1, min(opt.Workers, len(work)))
	jobs := make(chan trialWork)
	results := make(chan trialResult, workers)
	go func() {
		defer close(jobs)
		for _, w := range work {
			select {
			case jobs <- w:
			case <-ctx.Done():
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for w := range jobs {
				if stop() {
					continue // drain
				}
				recs := env.runTrial(w, stop)
				results <- trialResult{recs, len(recs) == len(w.methods)}
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()
	ticker := time.NewTicker(opt.FlushInterval)
	defer ticker.Stop()
	done := 0
	var emitErr error
	fail := func(err error) {
		if emitErr == nil {
			emitErr = err
			cancel()
		}
	}
	for {
		select {
		case r, ok := <-results:
			if !ok {
				return done, emitErr
			}
			if emitErr != nil {
				continue
			}
			if err := emit(r.recs); err != nil {
				fail(err)
				continue
			}
			if r.complete {
				done++
			}
			if opt.Progress != nil {
				opt.Progress(done, len(work))
			}
		case <-ticker.C:
			if idle != nil && emitErr == nil {
				if err := idle(); err != nil {
					fail(err)
				}
			}
		}
	}
}

// Collect runs the whole sweep (or one shard of it) in memory and returns
// the records sorted by cell, trial and method order of the spec.
func Collect(ctx context.Context, s *Spec, o *Options) ([]Record, error) {
	opt, err := o.normalize()
	if err != nil {
		return nil, err
	}
	env, err := newSweepEnv(s)
	if err != nil {
		return nil, err
	}
	work, _, _ := plan(s, &opt, nil)
	var out []Record
	_, err = execute(ctx, env, &opt, work, func(r []Record) error { out = append(out, r...); return nil }, nil)
	if err != nil {
		return out, err
	}
	if err := ctx.Err(); err != nil {
		return out, err
	}
	SortRecords(s, out)
	return out, nil
}

// SortRecords orders records by the spec's cell order, trial and method
// order; records not in the spec go last, ordered by key. With a nil spec
// records are ordered by key.
func SortRecords(s *Spec, recs []Record) {
	type pos struct{ cell, trial, method int }
	idx := map[string]pos{}
	if s != nil {
		signal := s.Signal.String()
		mi := map[string]int{}
		for i, m := range s.Methods {
			mi[m.ID()] = i
		}
		for _, c := range s.Cells() {
			for t := 0; t < s.Trials; t++ {
				idx[trialKey(c, signal, t, TrialSeed(s.Seed, signal, c, t))] = pos{c.Index, t, 0}
			}
		}
		for i := range recs {
			if p, ok := idx[recs[i].TrialKey()]; ok {
				if j, ok := mi[recs[i].Method]; ok {
					p.method = j
					idx[recs[i].Key()] = p
				}
			}
		}
	}
	sort.SliceStable(recs, func(i, j int) bool {
		pi, iok := idx[recs[i].Key()]
		pj, jok := idx[recs[j].Key()]
		switch {
		case iok && jok:
			if pi.cell != pj.cell {
				return pi.cell < pj.cell
			}
			if pi.trial != pj.trial {
				return pi.trial < pj.trial
			}
			return pi.method < pj.method
		case iok != jok:
			return iok
		}
		return recs[i].Key() < recs[j].Key()
	})
}

// Sweep runs the spec (or the shard of it that opt selects) and appends one
// JSON line per (trial, method) to the results file at path.
//
// Lines are written in batches, each followed by an fsync, so a process
// killed at any moment loses at most the trials in flight and the last
// unflushed batch; it may leave an incomplete last line, which the next
// Sweep with Resume (and ReadFile) detects and drops. With Resume, pairs
// already in the file are skipped; without it an existing file is an error
// wrapping ErrOutputExists.
//
// When ctx is cancelled, Sweep stops handing out trials, waits for the
// methods in flight, writes what finished and returns an error wrapping
// ctx.Err().
func Sweep(ctx context.Context, s *Spec, path string, o *Options) (Stats, error) {
	opt, err := o.normalize()
	if err != nil {
		return Stats{}, err
	}
	env, err := newSweepEnv(s)
	if err != nil {
		return Stats{}, err
	}
	done := map[string]bool{}
	flags := os.O_RDWR | os.O_APPEND | os.O_CREATE | os.O_EXCL
	if opt.Resume {
		flags &^= os.O_EXCL
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return Stats{}, fmt.Errorf("%s: %w (use --resume to continue it, or choose another file)", path, ErrOutputExists)
		}
		return Stats{}, err
	}
	defer f.Close()
	if err := lockFile(f); err != nil {
		return Stats{}, err
	}
	if opt.Resume {
		if err := prepareResume(f, path, &opt, done); err != nil {
			return Stats{}, err
		}
	}

	work, trials, skipped := plan(s, &opt, done)
	st := Stats{Trials: trials, Skipped: skipped}
	if opt.Resume {
		n := countForeign(s, &opt, done)
		if n > 0 {
			opt.warn("%s: %d existing lines belong to no trial of this spec shard (other spec, seed or shard?); kept as they are", path, n)
		}
	}
	bw := bufio.NewWriterSize(f, 1<<16)
	enc := json.NewEncoder(bw)
	pending := 0
	last := time.Now()
	flush := func() error {
		if err := bw.Flush(); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		if err := f.Sync(); err != nil {
			return fmt.Errorf("sync %s: %w", path, err)
		}
		pending = 0
		last = time.Now()
		return nil
	}
	n, runErr := execute(ctx, env, &opt, work, func(recs []Record) error {
		for i := range recs {
			if err := enc.Encode(&recs[i]); err != nil {
				return fmt.Errorf("write %s: %w", path, err)
			}
		}
		st.Lines += len(recs)
		pending += len(recs)
		if pending >= opt.BatchSize || time.Since(last) >= opt.FlushInterval {
			return flush()
		}
		return nil
	}, func() error {
		// Slow trials must not keep finished ones unflushed.
		if pending > 0 && time.Since(last) >= opt.FlushInterval {
			return flush()
		}
		return nil
	})
	st.Done = n
	if err := flush(); err != nil && runErr == nil {
		runErr = err
	}
	if err := f.Close(); err != nil && runErr == nil {
		runErr = fmt.Errorf("close %s: %w", path, err)
	}
	if runErr != nil {
		return st, runErr
	}
	if err := ctx.Err(); err != nil {
		return st, fmt.Errorf("interrupted with %d of %d trials done (rerun with --resume to continue): %w",
			st.Skipped+st.Done, st.Trials, err)
	}
	return st, nil
}

// prepareResume reads the existing file into done, cutting off an
// incomplete last line.
func prepareResume(f *os.File, path string, opt *Options, done map[string]bool) error {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	res, err := ReadRecords(f)
	if err != nil {
		return fmt.Errorf("%s: %w (fix or remove the line to resume)", path, err)
	}
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if st.Size() != res.GoodBytes {
		if res.Truncated {
			opt.warn("%s: dropping incomplete last %s (interrupted run); its trial will be rerun", path, res.Tail)
		}
		// Cut the torn line (or trailing blanks without a newline) so that
		// appended lines start on a fresh line.
		if err := f.Truncate(res.GoodBytes); err != nil {
			return fmt.Errorf("truncate %s: %w", path, err)
		}
		if err := f.Sync(); err != nil {
			return fmt.Errorf("sync %s: %w", path, err)
		}
	}
	for i := range res.Records {
		done[res.Records[i].Key()] = true
	}
	return nil
}

// countForeign counts keys in done that are not pairs of this shard.
func countForeign(s *Spec, opt *Options, done map[string]bool) int {
	if len(done) == 0 {
		return 0
	}
	all := map[string]bool{}
	for _, k := range shardKeys(s, opt.Shard, opt.Shards) {
		all[k] = true
	}
	n := 0
	for k := range done {
		if !all[k] {
			n++
		}
	}
	return n
}

// shardKeys lists the (trial, method) keys of one shard, in order.
func shardKeys(s *Spec, shard, shards int) []string {
	opt := Options{Shard: shard, Shards: max(shards, 1)}
	work, _, _ := plan(s, &opt, nil)
	var keys []string
	for _, w := range work {
		tk := trialKey(w.cell, s.Signal.String(), w.trial, w.seed)
		for _, m := range w.methods {
			keys = append(keys, tk+"|"+m.ID())
		}
	}
	return keys
}

// Keys lists every (trial, method) key of the spec, in spec order.
func (s *Spec) Keys() []string { return shardKeys(s, 0, 1) }

// trialKey is the TrialKey of the records of trial t of cell c.
func trialKey(c Cell, signal string, t int, seed uint64) string {
	r := Record{CellParams: c.params(signal), Trial: t, Seed: seed}
	return r.TrialKey()
}
