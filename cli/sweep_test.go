package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runSweepCLI runs the command line in-process with the given environment.
func runSweepCLI(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var o, e bytes.Buffer
	ev := &Env{Stdout: &o, Stderr: &e, Getenv: func(k string) string { return env[k] }}
	err = Run(context.Background(), ev, args)
	return o.String(), e.String(), err
}

const cliSpec = `{
  "seed": 9, "trials": 2,
  "grid": {"n": [40], "delta": [0.3, 0.6], "rho": [0.1, 0.4]},
  "methods": [{"name": "oracle"}, {"name": "omp"}]
}`

func TestSweepShardMergePlotSummary(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "spec.json")
	os.WriteFile(spec, []byte(cliSpec), 0o644)
	all := filepath.Join(dir, "all.jsonl")
	if _, _, err := runSweepCLI(t, nil, "sweep", "--spec", spec, "--out", all, "--workers", "2"); err != nil {
		t.Fatal(err)
	}
	// Existing output without --resume: a usage error that suggests --resume.
	_, _, err := runSweepCLI(t, nil, "sweep", "--spec", spec, "--out", all)
	if err == nil || ExitCode(err) != 2 || !strings.Contains(err.Error(), "--resume") {
		t.Fatalf("existing output: %v (exit %d)", err, ExitCode(err))
	}
	// Shards from Slurm's environment (array 1-3) and from an explicit flag.
	shardOut := filepath.Join(dir, "part-{shard}.jsonl")
	for id := 1; id <= 2; id++ {
		env := map[string]string{"SLURM_ARRAY_TASK_ID": string(rune('0' + id)), "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "3"}
		_, stderr, err := runSweepCLI(t, env, "sweep", "--spec", spec, "--out", shardOut)
		if err != nil || !strings.Contains(stderr, "SLURM_ARRAY_TASK_ID") {
			t.Fatalf("slurm shard %d: %v %s", id, err, stderr)
		}
	}
	merged := filepath.Join(dir, "merged.jsonl")
	_, stderr, err := runSweepCLI(t, nil, "merge", filepath.Join(dir, "part-0.jsonl"), filepath.Join(dir, "part-1.jsonl"),
		"--out", merged, "--spec", spec)
	if err != nil || !strings.Contains(stderr, "missing:") {
		t.Fatalf("merge of 2 of 3 shards should report missing trials: %v\n%s", err, stderr)
	}
	if _, _, err := runSweepCLI(t, nil, "sweep", "--spec", spec, "--out", shardOut, "--shard", "2/3"); err != nil {
		t.Fatal(err)
	}
	_, stderr, err = runSweepCLI(t, nil, "merge", filepath.Join(dir, "part-0.jsonl"), filepath.Join(dir, "part-1.jsonl"),
		filepath.Join(dir, "part-2.jsonl"), all, "--out", merged, "--spec", spec, "--strict")
	if err != nil || !strings.Contains(stderr, "0 conflicts") || !strings.Contains(stderr, "0 of 16") {
		t.Fatalf("full merge: %v\n%s", err, stderr)
	}
	// Summary as JSON: 4 cells x 2 methods; the oracle always succeeds here
	// (k <= m, no noise).
	out, _, err := runSweepCLI(t, nil, "summary", merged, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		Method      string  `json:"method"`
		Trials      int     `json:"trials"`
		SuccessRate float64 `json:"success_rate"`
	}
	if err := json.Unmarshal([]byte(out), &rows); err != nil || len(rows) != 8 {
		t.Fatalf("summary json: %v, %d rows\n%s", err, len(rows), out)
	}
	for _, r := range rows {
		if r.Trials != 2 || (r.Method == "oracle" && r.SuccessRate != 1) {
			t.Errorf("summary row %+v", r)
		}
	}
	if out, _, err := runSweepCLI(t, nil, "summary", merged); err != nil || !strings.Contains(out, "Wilson") {
		t.Errorf("summary table: %v\n%s", err, out)
	}
	fig := filepath.Join(dir, "fig.png")
	if _, _, err := runSweepCLI(t, nil, "plot", merged, "--out", fig, "--method", "omp"); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(fig)
	if _, err := png.Decode(bytes.NewReader(b)); err != nil {
		t.Fatalf("plot output: %v", err)
	}
}

func TestSweepUsageErrors(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"sweep", "--out", filepath.Join(dir, "a.jsonl")},
		{"sweep", "--preset", "nope", "--out", filepath.Join(dir, "a.jsonl")},
		{"sweep", "--preset", "dt", "--out", filepath.Join(dir, "a.jsonl"), "--shard", "3/3"},
		{"sweep", "--preset", "dt"},
		{"plot", "x.jsonl"},
		{"merge", "--out", "x"},
	} {
		if _, _, err := runSweepCLI(t, nil, args...); ExitCode(err) != 2 {
			t.Errorf("%v: got %v (exit %d), want a usage error", args, err, ExitCode(err))
		}
	}
	// Kubernetes index without a count.
	_, _, err := runSweepCLI(t, map[string]string{"JOB_COMPLETION_INDEX": "1"}, "sweep", "--preset", "dt", "--out", filepath.Join(dir, "b.jsonl"))
	if err == nil || !strings.Contains(err.Error(), "GENCS_SHARDS") {
		t.Errorf("k8s without count: %v", err)
	}
	if out, _, err := runSweepCLI(t, nil, "sweep", "--preset", "list"); err != nil || !strings.Contains(out, "dt-large") {
		t.Errorf("preset list: %v %s", err, out)
	}
}

func TestSweepProgressOnTerminal(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "spec.json")
	os.WriteFile(spec, []byte(cliSpec), 0o644)
	var o, e bytes.Buffer
	ev := &Env{Stdout: &o, Stderr: &e, Getenv: func(string) string { return "" }, IsTerminal: func() bool { return true }}
	if err := Run(context.Background(), ev, []string{"sweep", "--spec", spec, "--out", filepath.Join(dir, "r.jsonl")}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(e.String(), "8 trials") {
		t.Errorf("stderr: %q", e.String())
	}
}
