package experiment

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func init() {
	// A slow oracle so that the kill test can interrupt a sweep mid-run.
	RegisterMethod("test-slow-oracle", func(p *Problem) (Outcome, error) {
		time.Sleep(15 * time.Millisecond)
		return oracle(p)
	})
}

// testSpec is a small sweep: 2 n values x 2 deltas x 2 rhos x 2 sigmas,
// run with the oracle, OMP and (noise-aware) IHT.
func testSpec(t testing.TB, trials int, methods ...string) *Spec {
	t.Helper()
	if len(methods) == 0 {
		methods = []string{"oracle", "omp", "iht"}
	}
	s := &Spec{
		Seed: 42, Trials: trials,
		Grid: Grid{N: []int{32, 48}, Delta: []float64{0.5, 0.75}, Rho: []float64{0.15, 0.3}, Sigma: []float64{0, 0.01}},
	}
	for _, m := range methods {
		s.Methods = append(s.Methods, MethodSpec{Name: m})
	}
	if err := s.Normalize(); err != nil {
		t.Fatal(err)
	}
	return s
}

func sameRecords(t *testing.T, what string, a, b []Record) {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("%s: %d vs %d records", what, len(a), len(b))
	}
	for i := range a {
		if !SameResult(a[i], b[i]) {
			t.Fatalf("%s: record %d differs:\n%+v\n%+v", what, i, a[i], b[i])
		}
	}
}

func TestSameResultsAcrossWorkersAndShards(t *testing.T) {
	s := testSpec(t, 3)
	ctx := context.Background()
	one, err := Collect(ctx, s, &Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if want := s.NumTrials() * len(s.Methods); len(one) != want {
		t.Fatalf("%d records, want %d", len(one), want)
	}
	four, err := Collect(ctx, s, &Options{Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	sameRecords(t, "1 vs 4 workers", one, four)
	// The same through files (Sweep appends lines in completion order).
	dir := t.TempDir()
	for _, w := range []int{1, 4} {
		p := filepath.Join(dir, fmt.Sprintf("w%d.jsonl", w))
		if _, err := Sweep(ctx, s, p, &Options{Workers: w, BatchSize: 7}); err != nil {
			t.Fatal(err)
		}
		recs, err := ReadFile(p, func(m string) { t.Error(m) })
		if err != nil {
			t.Fatal(err)
		}
		SortRecords(s, recs)
		sameRecords(t, fmt.Sprintf("file with %d workers", w), one, recs)
	}

	// Sharded runs to files, merged, give the same lines.
	var inputs []Input
	for i := range 3 {
		p := filepath.Join(dir, fmt.Sprintf("shard-%d.jsonl", i))
		if _, err := Sweep(ctx, s, p, &Options{Workers: 2, Shard: i, Shards: 3, BatchSize: 5}); err != nil {
			t.Fatal(err)
		}
		recs, err := ReadFile(p, func(m string) { t.Error(m) })
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) == 0 {
			t.Fatalf("shard %d empty", i)
		}
		inputs = append(inputs, Input{Name: p, Records: recs})
	}
	// Feed one shard twice: exact duplicates must be dropped silently.
	inputs = append(inputs, inputs[1])
	merged, rep := Merge(inputs, s)
	if len(rep.Conflicts) != 0 || len(rep.Missing) != 0 || rep.Foreign != 0 {
		t.Fatalf("merge report: %+v", rep)
	}
	if rep.Duplicates != len(inputs[1].Records) {
		t.Errorf("duplicates = %d, want %d", rep.Duplicates, len(inputs[1].Records))
	}
	sameRecords(t, "unsharded vs sharded+merged", one, merged)

	// Missing shard: reported by key.
	_, rep = Merge(inputs[:2], s)
	if len(rep.Missing) != len(inputs[2].Records) {
		t.Errorf("missing = %d, want %d", len(rep.Missing), len(inputs[2].Records))
	}
	// A conflicting duplicate is reported and the first kept.
	bad := append([]Record(nil), inputs[0].Records...)
	bad[0].RelErr += 1
	merged, rep = Merge([]Input{inputs[0], {Name: "bad", Records: bad}}, nil)
	if len(rep.Conflicts) != 1 || rep.Conflicts[0].Second != "bad" || !strings.Contains(rep.Conflicts[0].DifferentField, "rel_err") {
		t.Errorf("conflicts: %+v", rep.Conflicts)
	}
	if len(merged) != len(inputs[0].Records) {
		t.Errorf("merged %d records, want %d", len(merged), len(inputs[0].Records))
	}
}

func TestOracleRecoversExactly(t *testing.T) {
	// Without noise, least squares on the true support recovers x exactly
	// whenever k <= m (a Gaussian A_S has full column rank almost surely).
	s := testSpec(t, 4, "oracle")
	s.Grid.Sigma = []float64{0}
	recs, err := Collect(context.Background(), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if !(float64(r.RelErr) < 1e-10) || !r.Success {
			t.Errorf("oracle failed: %+v", r)
		}
	}
}

func TestMethodsShareTrialData(t *testing.T) {
	// Reordering methods, or running one alone, must not change any
	// method's result: every method sees the same A, x and noise.
	a, err := Collect(context.Background(), testSpec(t, 2, "oracle", "omp"), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Collect(context.Background(), testSpec(t, 2, "omp", "oracle"), nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Collect(context.Background(), testSpec(t, 2, "omp"), nil)
	if err != nil {
		t.Fatal(err)
	}
	idx := map[string]Record{}
	for _, r := range b {
		idx[r.Key()] = r
	}
	for _, r := range c {
		idx["only:"+r.Key()] = r
	}
	for _, r := range a {
		if o, ok := idx[r.Key()]; !ok || !SameResult(r, o) {
			t.Fatalf("reordered methods changed %s", r.Key())
		}
		if r.Method == "omp" {
			if o, ok := idx["only:"+r.Key()]; !ok || !SameResult(r, o) {
				t.Fatalf("dropping a method changed %s", r.Key())
			}
		}
	}
}

func TestSweepRefusesExistingFile(t *testing.T) {
	s := testSpec(t, 1, "oracle")
	p := filepath.Join(t.TempDir(), "r.jsonl")
	if err := os.WriteFile(p, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Sweep(context.Background(), s, p, nil)
	if !errors.Is(err, ErrOutputExists) || !strings.Contains(err.Error(), "--resume") {
		t.Fatalf("got %v", err)
	}
}

// checkComplete verifies that the file at p holds every (trial, method)
// pair of s exactly once, with the results of an uninterrupted run.
func checkComplete(t *testing.T, s *Spec, p string) {
	t.Helper()
	res, err := func() (*ReadResult, error) {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return ReadRecords(f)
	}()
	if err != nil {
		t.Fatal(err)
	}
	if res.Truncated {
		t.Fatalf("final file ends in an incomplete line: %s", res.Tail)
	}
	count := map[string]int{}
	for _, r := range res.Records {
		count[r.Key()]++
	}
	for _, k := range s.Keys() {
		if count[k] != 1 {
			t.Errorf("%s appears %d times", k, count[k])
		}
	}
	if len(res.Records) != len(s.Keys()) {
		t.Errorf("%d lines, want %d", len(res.Records), len(s.Keys()))
	}
	want, err := Collect(context.Background(), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := res.Records
	SortRecords(s, got)
	sameRecords(t, "resumed vs uninterrupted", want, got)
}

func TestResumeAfterTruncatedLine(t *testing.T) {
	s := testSpec(t, 2, "oracle", "omp")
	p := filepath.Join(t.TempDir(), "r.jsonl")
	ctx := context.Background()
	if _, err := Sweep(ctx, s, p, &Options{Shard: 0, Shards: 2}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	lines := strings.SplitAfter(string(b), "\n")
	// Keep 5 whole lines and half of the sixth, as a killed writer would.
	torn := strings.Join(lines[:5], "") + lines[5][:len(lines[5])/2]
	if err := os.WriteFile(p, []byte(torn), 0o644); err != nil {
		t.Fatal(err)
	}
	var warned []string
	recs, err := ReadFile(p, func(m string) { warned = append(warned, m) })
	if err != nil || len(recs) != 5 || len(warned) != 1 || !strings.Contains(warned[0], "line 6") {
		t.Fatalf("ReadFile on torn file: %d records, %v, warnings %q", len(recs), err, warned)
	}
	// A torn line that happens to end exactly before its newline is also
	// dropped (it may be an incomplete number).
	if err := os.WriteFile(p, []byte(strings.Join(lines[:5], "")+strings.TrimSuffix(lines[5], "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	warned = nil
	st, err := Sweep(ctx, s, p, &Options{Resume: true, Warn: func(m string) { warned = append(warned, m) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(warned) == 0 || !strings.Contains(warned[0], "incomplete last line 6") {
		t.Errorf("no warning about the torn line: %q", warned)
	}
	if st.Skipped == 0 || st.Done == 0 {
		t.Errorf("stats %+v: expected both skipped and run trials", st)
	}
	checkComplete(t, s, p)
	// Resuming a complete file runs nothing.
	st, err = Sweep(ctx, s, p, &Options{Resume: true})
	if err != nil || st.Done != 0 || st.Lines != 0 || st.Skipped != st.Trials {
		t.Errorf("second resume: %+v, %v", st, err)
	}
}

func TestCorruptMiddleLineIsAnError(t *testing.T) {
	p := filepath.Join(t.TempDir(), "r.jsonl")
	s := testSpec(t, 1, "oracle")
	if _, err := Sweep(context.Background(), s, p, nil); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	lines := strings.SplitAfter(string(b), "\n")
	lines[2] = "{garbage\n"
	os.WriteFile(p, []byte(strings.Join(lines, "")), 0o644)
	if _, err := ReadFile(p, nil); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("got %v, want an error naming line 3", err)
	}
	if _, err := Sweep(context.Background(), s, p, &Options{Resume: true}); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("resume: got %v, want an error naming line 3", err)
	}
}

func TestCancelThenResume(t *testing.T) {
	s := testSpec(t, 3, "test-slow-oracle", "omp")
	p := filepath.Join(t.TempDir(), "r.jsonl")
	ctx, cancel := context.WithCancel(context.Background())
	_, err := Sweep(ctx, s, p, &Options{Workers: 2, BatchSize: 1, Progress: func(done, total int) {
		if done == 10 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "--resume") {
		t.Fatalf("got %v, want a cancellation error suggesting --resume", err)
	}
	recs, err := ReadFile(p, func(m string) { t.Errorf("unexpected warning after clean stop: %s", m) })
	if err != nil || len(recs) < 10*2 || len(recs) >= len(s.Keys()) {
		t.Fatalf("after cancel: %d lines (want between 20 and %d), %v", len(recs), len(s.Keys()), err)
	}
	if _, err := Sweep(context.Background(), s, p, &Options{Resume: true}); err != nil {
		t.Fatal(err)
	}
	checkComplete(t, s, p)
}

const killEnv = "GENCS_EXPERIMENT_KILL_HELPER"

// TestKillHelper is the subprocess body of TestResumeAfterSIGKILL.
func TestKillHelper(t *testing.T) {
	p := os.Getenv(killEnv)
	if p == "" {
		t.Skip("helper for TestResumeAfterSIGKILL")
	}
	s := testSpec(t, 3, "test-slow-oracle", "omp", "oracle")
	_, err := Sweep(context.Background(), s, p, &Options{Workers: 2, BatchSize: 1, Resume: true})
	if err != nil {
		t.Fatal(err)
	}
}

func TestResumeAfterSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("starts subprocesses")
	}
	s := testSpec(t, 3, "test-slow-oracle", "omp", "oracle")
	total := len(s.Keys())
	p := filepath.Join(t.TempDir(), "r.jsonl")
	lines := func() int {
		b, _ := os.ReadFile(p)
		return strings.Count(string(b), "\n")
	}
	// Two rounds: kill a fresh sweep, then kill a resumed one.
	for round, killAt := range []int{total / 4, total / 2} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKillHelper$", "-test.count=1")
		cmd.Env = append(os.Environ(), killEnv+"="+p)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(60 * time.Second)
		for lines() < killAt {
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				t.Fatalf("round %d: subprocess wrote only %d lines", round, lines())
			}
			time.Sleep(2 * time.Millisecond)
		}
		if err := cmd.Process.Kill(); err != nil { // SIGKILL
			t.Fatal(err)
		}
		cmd.Wait()
		n := lines()
		if n >= total {
			t.Fatalf("round %d: subprocess finished (%d lines) before the kill", round, n)
		}
		t.Logf("round %d: killed with %d of %d lines written", round, n, total)
	}
	// Simulate the worst case as well: a torn last line.
	f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"n":32,"m":16,"k":`)
	f.Close()
	if _, err := Sweep(context.Background(), s, p, &Options{Resume: true}); err != nil {
		t.Fatal(err)
	}
	checkComplete(t, s, p)
}

func TestJSONFloatNull(t *testing.T) {
	r := Record{CellParams: CellParams{N: 4, M: 2, K: 1}, Method: "x", RelErr: JSONFloat(math.Inf(1))}
	p := filepath.Join(t.TempDir(), "r.jsonl")
	f, _ := os.Create(p)
	if err := WriteRecords(f, []Record{r}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	b, _ := os.ReadFile(p)
	if !strings.Contains(string(b), `"rel_err":null`) {
		t.Errorf("non-finite error not encoded as null: %s", b)
	}
	recs, err := ReadFile(p, nil)
	if err != nil || len(recs) != 1 || !math.IsNaN(float64(recs[0].RelErr)) {
		t.Errorf("round trip: %+v, %v", recs, err)
	}
}

// release unblocks the "test-block" method (closed once, by unblock).
var (
	release     = make(chan struct{})
	releaseOnce sync.Once
)

func unblock() { releaseOnce.Do(func() { close(release) }) }

func init() {
	// Blocks on cells with k = 2 until the test closes release.
	RegisterMethod("test-block", func(p *Problem) (Outcome, error) {
		if p.K == 2 {
			<-release
		}
		return oracle(p)
	})
}

func TestIdleFlushWhileTrialsRun(t *testing.T) {
	// A finished trial must reach the disk even while every worker is
	// stuck in a slow trial and the batch is not full.
	s := &Spec{Seed: 1, Trials: 1, Grid: Grid{N: []int{20}, M: []int{10}, K: []int{1, 2}},
		Methods: []MethodSpec{{Name: "test-block"}}}
	if err := s.Normalize(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "r.jsonl")
	errc := make(chan error, 1)
	go func() {
		_, err := Sweep(context.Background(), s, p, &Options{Workers: 1, BatchSize: 1000, FlushInterval: 10 * time.Millisecond})
		errc <- err
	}()
	deadline := time.Now().Add(20 * time.Second)
	for {
		b, _ := os.ReadFile(p)
		if strings.Count(string(b), "\n") >= 1 {
			break
		}
		if time.Now().After(deadline) {
			unblock()
			t.Fatal("finished trial never flushed while another was running")
		}
		time.Sleep(5 * time.Millisecond)
	}
	unblock()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	checkComplete(t, s, p)
}
