package experiment_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gencs/gencs/experiment"
)

// Run a small sweep in memory and tabulate it: OMP against the support
// oracle on k-sparse signals of length 64, with fewer measurements than non-zeros (hopeless for any method) and
// with plenty.
func ExampleCollect() {
	spec, err := experiment.DecodeSpec(strings.NewReader(`{
		"seed": 1, "trials": 5,
		"grid": {"n": [64], "m": [2, 32], "k": [3]},
		"methods": [{"name": "oracle"}, {"name": "omp"}]
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	recs, err := experiment.Collect(context.Background(), spec, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range experiment.Summarize(recs) {
		fmt.Printf("m=%2d k=%d %-6s success %d/%d\n", c.M, c.K, c.Method, c.Successes, c.Trials)
	}
	// Output:
	// m= 2 k=3 omp    success 0/5
	// m= 2 k=3 oracle success 0/5
	// m=32 k=3 omp    success 5/5
	// m=32 k=3 oracle success 5/5
}

// A spec error names the field.
func ExampleDecodeSpec() {
	_, err := experiment.DecodeSpec(strings.NewReader(`{
		"seed": 1, "trials": 5,
		"grid": {"n": [64], "delta": [0.5, 1.5], "rho": [0.2]},
		"methods": [{"name": "bp"}]
	}`))
	fmt.Println(err)
	// Output:
	// spec: field "grid.delta[1]": value 1.5 out of (0,1]
}

// Run a sweep as two shards writing JSON-lines files (as two cluster tasks
// would), resume one of them (nothing left to do), and merge the files.
func ExampleSweep() {
	dir, err := os.MkdirTemp("", "sweep-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	spec, _ := experiment.DecodeSpec(strings.NewReader(`{
		"seed": 1, "trials": 4,
		"grid": {"n": [64], "delta": [0.25, 0.5], "rho": [0.1, 0.2]},
		"methods": [{"name": "oracle"}, {"name": "omp"}]
	}`))
	ctx := context.Background()
	var inputs []experiment.Input
	for shard := range 2 {
		path := filepath.Join(dir, fmt.Sprintf("part-%d.jsonl", shard))
		st, err := experiment.Sweep(ctx, spec, path, &experiment.Options{Shard: shard, Shards: 2})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("shard %d: %d trials, %d lines\n", shard, st.Trials, st.Lines)
		st, _ = experiment.Sweep(ctx, spec, path, &experiment.Options{Shard: shard, Shards: 2, Resume: true})
		fmt.Printf("shard %d resumed: %d skipped, %d run\n", shard, st.Skipped, st.Done)
		recs, _ := experiment.ReadFile(path, nil)
		inputs = append(inputs, experiment.Input{Name: path, Records: recs})
	}
	merged, rep := experiment.Merge(inputs, spec)
	fmt.Printf("merged %d lines, %d missing, %d conflicts\n", len(merged), len(rep.Missing), len(rep.Conflicts))
	// Output:
	// shard 0: 8 trials, 16 lines
	// shard 0 resumed: 8 skipped, 0 run
	// shard 1: 8 trials, 16 lines
	// shard 1 resumed: 8 skipped, 0 run
	// merged 32 lines, 0 missing, 0 conflicts
}
