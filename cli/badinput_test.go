package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/gencs/gencs/internal/rng"
	"github.com/gencs/gencs/npyfile"
)

// Bad input must give a clear error, never a panic, a silent NaN or a
// partial output file. The exit-status rule the table checks:
//
//   - 2 (usage): anything wrong that can be seen from the arguments alone —
//     missing, unknown or malformed flags, out-of-range or non-finite
//     numbers, impossible combinations (k > n, m < 1), unknown names
//     (methods, operators, presets, kinds), output file names with an
//     unsupported extension.
//   - 1 (runtime): anything found by touching files or computing —
//     nonexistent or unreadable inputs, malformed contents (garbage,
//     truncated .npy, NaN entries, JSON with wrong types or unknown fields,
//     models with missing weight files or wrong shapes), shape mismatches
//     between files, outputs that cannot be created.
//
// A diverged solver is not an error: recover writes its best finite
// iterate, reports status "diverged" and warns on stderr
// (TestRecoverDivergedIsReported).

// badFixtures writes the inputs of the bad-input table into dir.
type badFixtures struct {
	dir string
}

func (f badFixtures) p(name string) string { return filepath.Join(f.dir, name) }

func writeBadFixtures(t *testing.T) badFixtures { return writeBadFixturesTB(t) }

func writeBadFixturesTB(t testing.TB) badFixtures {
	t.Helper()
	f := badFixtures{t.TempDir()}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	r := rng.New(5)
	const m, n = 20, 40
	A := mat.NewDense(m, n, nil)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			A.Set(i, j, r.NormFloat64()/math.Sqrt(m))
		}
	}
	x := make([]float64, n)
	x[3], x[17], x[30] = 1, -2, 0.5
	y := make([]float64, m)
	mat.NewVecDense(m, y).MulVec(A, mat.NewVecDense(n, x))
	must(npyfile.WriteMatrix(f.p("A.npy"), A))
	must(npyfile.WriteVector(f.p("y.npy"), y))
	must(npyfile.WriteVector(f.p("y_short.npy"), y[:15]))
	must(npyfile.WriteVector(f.p("y_zero.npy"), make([]float64, m)))
	must(npyfile.WriteVector(f.p("avec.npy"), x))
	must(npyfile.WriteMatrix(f.p("y_matrix.npy"), mat.NewDense(4, 5, nil)))
	// NaN entry: write a valid file, then patch the last value's bits.
	must(npyfile.WriteVector(f.p("y_nan.npy"), y))
	raw, err := os.ReadFile(f.p("y_nan.npy"))
	must(err)
	copy(raw[len(raw)-8:], []byte{0, 0, 0, 0, 0, 0, 0xf8, 0x7f})
	must(os.WriteFile(f.p("y_nan.npy"), raw, 0o644))
	raw, err = os.ReadFile(f.p("y.npy"))
	must(err)
	must(os.WriteFile(f.p("y_trunc.npy"), raw[:len(raw)-8], 0o644))
	must(os.WriteFile(f.p("garbage.npy"), []byte("\x00\x01garbage bytes, not an array\xff"), 0o644))
	must(os.WriteFile(f.p("garbage.json"), []byte("\x00\x01{{not json"), 0o644))
	must(os.WriteFile(f.p("empty.jsonl"), nil, 0o644))
	must(os.WriteFile(f.p("garbage.jsonl"), []byte("not a result line\nnor this\n"), 0o644))
	must(os.WriteFile(f.p("garbage1.jsonl"), []byte("\x00\x01 one garbage line\n"), 0o644))
	must(os.WriteFile(f.p("wrongtype.jsonl"), []byte(`{"n":"forty","m":20}`+"\n"+`{"n":40}`+"\n"), 0o644))

	// Models: a valid G_sp for n = 40 and n = 12, then broken copies.
	for _, c := range []struct {
		name string
		n    int
	}{{"gsp", n}, {"gsp12", 12}} {
		if _, err := runBad(t, "construct", "gsp", "--n", fmt.Sprint(c.n), "--k", "2", "--out", f.p(c.name)); err != nil {
			t.Fatal(err)
		}
	}
	manifest, err := os.ReadFile(f.p("gsp/model.json"))
	must(err)
	copyModel := func(name, manifest string) {
		must(os.MkdirAll(f.p(name), 0o755))
		for _, w := range []string{"indptr", "indices", "values", "b"} {
			for l := 0; l < 4; l++ {
				src := f.p(fmt.Sprintf("gsp/layer%d_%s.npy", l, w))
				if b, err := os.ReadFile(src); err == nil {
					must(os.WriteFile(f.p(fmt.Sprintf("%s/layer%d_%s.npy", name, l, w)), b, 0o644))
				}
			}
		}
		must(os.WriteFile(f.p(name+"/model.json"), []byte(manifest), 0o644))
	}
	copyModel("nomodelweight", string(manifest))
	must(os.Remove(f.p("nomodelweight/layer0_values.npy")))
	copyModel("wrongshape", string(manifest))
	must(npyfile.WriteVector(f.p("wrongshape/layer0_values.npy"), []float64{1, 2, 3}))
	copyModel("unknownfield", strings.Replace(string(manifest), `"format"`, `"colour": "red", "format"`, 1))
	copyModel("wrongtypes", strings.Replace(string(manifest), `"input_dim": 4`, `"input_dim": "four"`, 1))
	copyModel("nanweight", string(manifest))
	must(npyfile.WriteVector(f.p("nanweight/layer0_values.npy"), []float64{1}))
	vals, err := os.ReadFile(f.p("gsp/layer0_values.npy"))
	must(err)
	copy(vals[len(vals)-8:], []byte{0, 0, 0, 0, 0, 0, 0xf0, 0x7f}) // +Inf
	must(os.WriteFile(f.p("nanweight/layer0_values.npy"), vals, 0o644))
	must(os.WriteFile(f.p("garbagemodel.json"), []byte("\xff\xfe garbage"), 0o644))

	// Specs.
	spec := `{"seed": 3, "trials": 1, "grid": {"n": [20], "m": [10], "k": [2]}, "methods": [{"name": "omp"}]}`
	must(os.WriteFile(f.p("spec.json"), []byte(spec), 0o644))
	must(os.WriteFile(f.p("spec_unknown.json"), []byte(strings.Replace(spec, `"seed"`, `"sead": 1, "seed"`, 1)), 0o644))
	must(os.WriteFile(f.p("spec_type.json"), []byte(strings.Replace(spec, `"trials": 1`, `"trials": "one"`, 1)), 0o644))
	must(os.WriteFile(f.p("spec_kn.json"), []byte(strings.Replace(spec, `"k": [2]`, `"k": [30]`, 1)), 0o644))
	must(os.WriteFile(f.p("spec_m0.json"), []byte(strings.Replace(spec, `"m": [10]`, `"m": [0]`, 1)), 0o644))
	must(os.WriteFile(f.p("spec_nan.json"), []byte(strings.Replace(spec, `"k": [2]`, `"k": [2], "sigma": [NaN]`, 1)), 0o644))
	// The same sweep with two trials: results.jsonl lacks trial 1.
	must(os.WriteFile(f.p("spec_strict.json"), []byte(strings.Replace(spec, `"trials": 1`, `"trials": 2`, 1)), 0o644))
	// A valid results file for plot, summary and merge.
	if _, err := runBad(t, "sweep", "--spec", f.p("spec.json"), "--out", f.p("results.jsonl"), "--workers", "1"); err != nil {
		t.Fatal(err)
	}
	return f
}

func runBad(t testing.TB, args ...string) (stderr string, err error) {
	t.Helper()
	var o, e bytes.Buffer
	env := &Env{Stdout: &o, Stderr: &e, Getenv: func(string) string { return "" }}
	err = Run(context.Background(), env, args)
	return e.String(), err
}

// runRecovered runs the command line and turns a panic into a test error.
func runRecovered(args []string) (err error, panicked any) {
	defer func() { panicked = recover() }()
	var o, e bytes.Buffer
	env := &Env{Stdout: &o, Stderr: &e, Getenv: func(string) string { return "" }}
	return Run(context.Background(), env, args), nil
}

// checkBadInput runs args and checks the standard for bad input: no panic,
// an error with the expected exit code, one line, no stack trace or
// internal error, naming every string in want. It returns the message.
func checkBadInput(t *testing.T, args []string, code int, want []string) string {
	t.Helper()
	err, p := runRecovered(args)
	if p != nil {
		t.Fatalf("panic: %v", p)
	}
	if err == nil {
		t.Fatalf("no error")
	}
	msg := err.Error()
	if got := ExitCode(err); got != code {
		t.Errorf("exit code %d, want %d (error: %s)", got, code, msg)
	}
	if strings.ContainsAny(msg, "\n\r") {
		t.Errorf("error is not one line: %q", msg)
	}
	if strings.Contains(msg, "goroutine ") || strings.Contains(msg, "panic") || strings.Contains(msg, "internal error") {
		t.Errorf("error looks like a crash: %q", msg)
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("error %q does not name %q", msg, w)
		}
	}
	return msg
}

func TestBadInputTable(t *testing.T) {
	f := writeBadFixtures(t)
	nodir := filepath.Join(f.dir, "no", "such", "dir")
	type badCase struct {
		args []string
		code int
		// want are substrings the error must contain (the flag, file or
		// field at fault).
		want []string
		// out is an output path that must not exist afterwards.
		out string
	}
	out := f.p("out.npy")
	rec := func(extra ...string) []string {
		return append([]string{"recover", "--A", f.p("A.npy"), "--y", f.p("y.npy"), "--method", "omp", "--out", out}, extra...)
	}
	csgm := func(extra ...string) []string {
		return rec(append([]string{"--method", "csgm", "--model", f.p("gsp/model.json"), "--restarts", "1", "--iters", "20"}, extra...)...)
	}
	cases := []badCase{
		// recover: usage.
		{args: []string{"recover"}, code: 2, want: []string{"--y"}},
		{args: rec("--bogus"), code: 2, want: []string{"bogus"}},
		{args: []string{"recover", "--A", f.p("A.npy"), "--y", f.p("y.npy"), "--method", "omp"}, code: 2, want: []string{"--out"}},
		{args: rec("--method", "nosuch"), code: 2, want: []string{"nosuch"}},
		{args: rec("--k", "-1"), code: 2, want: []string{"--k"}},
		{args: rec("--k", "41"), code: 2, want: []string{"--k"}},
		{args: rec("--k", "x"), code: 2, want: []string{"-k"}},
		{args: rec("--lambda", "NaN"), code: 2, want: []string{"--lambda"}},
		{args: rec("--lambda", "Inf"), code: 2, want: []string{"--lambda"}},
		{args: rec("--lambda", "-1"), code: 2, want: []string{"--lambda"}},
		{args: rec("--maxiter", "-5"), code: 2, want: []string{"--maxiter"}},
		{args: rec("--operator", "dct", "--n", "40"), code: 2, want: []string{"--A", "--operator"}},
		{args: rec("extra-positional"), code: 2, want: []string{"extra-positional"}},
		{args: []string{"recover", "--operator", "dct", "--y", f.p("y.npy"), "--method", "omp", "--out", out}, code: 2, want: []string{"--n"}},
		{args: []string{"recover", "--operator", "dct", "--n", "-4", "--y", f.p("y.npy"), "--method", "omp", "--out", out}, code: 2, want: []string{"--n"}},
		{args: []string{"recover", "--operator", "gaussian", "--n", "1000000000000000000", "--y", f.p("y.npy"), "--method", "omp", "--out", out}, code: 2, want: []string{"--n"}},
		{args: []string{"recover", "--operator", "dct", "--n", "10000000000", "--y", f.p("y.npy"), "--method", "omp", "--out", out}, code: 2, want: []string{"--n"}},
		{args: []string{"recover", "--operator", "rademacher", "--n", "10000000", "--y", f.p("y.npy"), "--method", "omp", "--out", out}, code: 2, want: []string{"--n", "limit"}},
		{args: []string{"recover", "--operator", "nosuch", "--n", "64", "--y", f.p("y.npy"), "--method", "omp", "--out", out}, code: 2, want: []string{"nosuch"}},
		{args: []string{"recover", "--operator", "hadamard", "--n", "60", "--y", f.p("y.npy"), "--method", "omp", "--out", out}, code: 2, want: []string{"power of two"}},
		{args: []string{"recover", "--operator", "dct", "--n", "10", "--y", f.p("y.npy"), "--method", "omp", "--out", out}, code: 2, want: []string{"20", "10"}},
		// recover: bad files.
		{args: rec("--y", f.p("missing.npy")), code: 1, want: []string{"missing.npy"}, out: out},
		{args: rec("--y", f.p("garbage.npy")), code: 1, want: []string{"garbage.npy"}, out: out},
		{args: rec("--y", f.p("y_trunc.npy")), code: 1, want: []string{"y_trunc.npy"}, out: out},
		{args: rec("--y", f.p("y_nan.npy")), code: 1, want: []string{"y_nan.npy", "entry 19"}, out: out},
		{args: rec("--y", f.p("y_matrix.npy")), code: 1, want: []string{"y_matrix.npy", "vector"}, out: out},
		{args: rec("--A", f.p("avec.npy")), code: 1, want: []string{"avec.npy", "2-D"}, out: out},
		{args: rec("--A", f.p("y_nan.npy")), code: 1, want: []string{"y_nan.npy"}, out: out},
		{args: rec("--y", f.p("y_short.npy")), code: 1, want: []string{"A.npy", "y_short.npy", "20", "15"}, out: out},
		{args: rec("--out", filepath.Join(nodir, "x.npy")), code: 1, want: []string{nodir}},
		// recover: generative methods.
		{args: rec("--method", "csgm"), code: 2, want: []string{"--model"}},
		{args: csgm("--lr", "NaN"), code: 2, want: []string{"--lr"}},
		{args: csgm("--lr", "-1"), code: 2, want: []string{"--lr"}},
		{args: csgm("--restarts", "0"), code: 2, want: []string{"--restarts"}},
		{args: csgm("--restarts", "1000000000000"), code: 2, want: []string{"--restarts"}},
		{args: csgm("--iters", "0"), code: 2, want: []string{"--iters"}},
		{args: csgm("--zprior", "Inf"), code: 2, want: []string{"--zprior"}},
		{args: csgm("--init-scale", "0"), code: 2, want: []string{"--init-scale"}},
		{args: csgm("--workers", "-1"), code: 2, want: []string{"--workers"}},
		{args: csgm("--optimizer", "sgdx"), code: 2, want: []string{"--optimizer", "sgdx"}},
		{args: rec("--method", "pgd", "--model", f.p("gsp/model.json"), "--pgd-outer", "0"), code: 2, want: []string{"--pgd-outer"}},
		{args: rec("--method", "pgd", "--model", f.p("gsp/model.json"), "--pgd-step", "NaN"), code: 2, want: []string{"--pgd-step"}},
		{args: csgm("--model", f.p("missing/model.json")), code: 1, want: []string{"missing/model.json"}, out: out},
		{args: csgm("--model", f.p("garbagemodel.json")), code: 1, want: []string{"garbagemodel.json"}, out: out},
		{args: csgm("--model", f.p("nomodelweight/model.json")), code: 1, want: []string{"layer0_values.npy"}, out: out},
		{args: csgm("--model", f.p("wrongshape/model.json")), code: 1, want: []string{"wrongshape/model.json", "layer 0"}, out: out},
		{args: csgm("--model", f.p("unknownfield/model.json")), code: 1, want: []string{"colour"}, out: out},
		{args: csgm("--model", f.p("wrongtypes/model.json")), code: 1, want: []string{"input_dim"}, out: out},
		{args: csgm("--model", f.p("nanweight/model.json")), code: 1, want: []string{"layer0_values.npy"}, out: out},
		{args: csgm("--model", f.p("gsp12/model.json")), code: 1, want: []string{"gsp12/model.json", "12", "40"}, out: out},

		// demo.
		{args: []string{"demo", "--n", "0"}, code: 2, want: []string{"n"}},
		{args: []string{"demo", "--m", "0"}, code: 2, want: []string{"m"}},
		{args: []string{"demo", "--m", "-3"}, code: 2, want: []string{"m"}},
		{args: []string{"demo", "--n", "10", "--k", "11"}, code: 2, want: []string{"k"}},
		{args: []string{"demo", "--n", "1000000000000", "--m", "200"}, code: 2, want: []string{"--m", "--n", "limit"}},
		{args: []string{"demo", "--sigma", "NaN"}, code: 2, want: []string{"sigma"}},
		{args: []string{"demo", "--sigma", "-Inf"}, code: 2, want: []string{"sigma"}},
		{args: []string{"demo", "--sigma", "-0.5"}, code: 2, want: []string{"sigma"}},
		{args: []string{"demo", "--seed", "0"}, code: 2, want: []string{"--seed"}},
		{args: []string{"demo", "--seed", "-1"}, code: 2, want: []string{"seed"}},
		{args: []string{"demo", "--frobnicate"}, code: 2, want: []string{"frobnicate"}},
		{args: []string{"demo", "--n", "60", "--m", "20", "--k", "3", "--out", f.p("fig.txt")}, code: 2, want: []string{"fig.txt"}, out: f.p("fig.txt")},
		{args: []string{"demo", "--n", "60", "--m", "20", "--k", "3", "--out", filepath.Join(nodir, "fig.png")}, code: 1, want: []string{nodir}},

		// bounds.
		{args: []string{"bounds"}, code: 2, want: []string{"n"}},
		{args: []string{"bounds", "--n", "10"}, code: 2, want: []string{"k"}},
		{args: []string{"bounds", "--n", "10", "--k", "20"}, code: 2, want: []string{"k = 20 > n = 10"}},
		{args: []string{"bounds", "--n", "-10", "--k", "2"}, code: 2, want: []string{"n"}},
		{args: []string{"bounds", "--n", "10", "--k", "2", "--L", "NaN", "--r", "1", "--delta", "1"}, code: 2, want: []string{"L"}},
		{args: []string{"bounds", "--n", "10", "--k", "2", "--L", "1"}, code: 2, want: []string{"delta"}},
		{args: []string{"bounds", "--n", "10", "--k", "2", "--L", "1", "--r", "Inf", "--delta", "1"}, code: 2, want: []string{"r"}},
		{args: []string{"bounds", "--n", "10", "--k", "2", "--x"}, code: 2, want: []string{"-x"}},
		{args: []string{"bounds", "--n", "10", "--k", "2", "--L", "1e300", "--r", "1e300", "--delta", "1e-300", "--json"}, code: 2, want: []string{"--delta", "overflows"}},

		// construct.
		{args: []string{"construct"}, code: 2, want: []string{"gsp"}},
		{args: []string{"construct", "nosuch"}, code: 2, want: []string{"nosuch"}},
		{args: []string{"construct", "gsp", "--n", "10", "--k", "2"}, code: 2, want: []string{"--out"}},
		{args: []string{"construct", "gsp", "--n", "0", "--k", "2", "--out", f.p("c1")}, code: 2, want: []string{"--n"}, out: f.p("c1")},
		{args: []string{"construct", "gsp", "--n", "10", "--k", "0", "--out", f.p("c1")}, code: 2, want: []string{"--k"}, out: f.p("c1")},
		{args: []string{"construct", "gsp", "--n", "10", "--k", "11", "--out", f.p("c1")}, code: 2, want: []string{"--k", "--n"}, out: f.p("c1")},
		{args: []string{"construct", "gsp", "--n", "100000000", "--k", "1000", "--out", f.p("c1")}, code: 2, want: []string{"too large"}, out: f.p("c1")},
		{args: []string{"construct", "gsp", "--n", "10", "--k", "2", "--out", f.p("c1"), "--wat"}, code: 2, want: []string{"wat"}, out: f.p("c1")},
		{args: []string{"construct", "grand", "--n", "10", "--k", "2", "--alpha", "NaN", "--out", f.p("c1")}, code: 2, want: []string{"alpha"}, out: f.p("c1")},
		{args: []string{"construct", "grand", "--n", "10", "--k", "2", "--alpha", "1", "--out", f.p("c1")}, code: 2, want: []string{"alpha"}, out: f.p("c1")},
		{args: []string{"construct", "grand", "--n", "10", "--k", "2", "--alpha", "-0.1", "--out", f.p("c1")}, code: 2, want: []string{"alpha"}, out: f.p("c1")},
		{args: []string{"construct", "grand", "--n", "10", "--k", "2", "--alpha", "Inf", "--out", f.p("c1")}, code: 2, want: []string{"alpha"}, out: f.p("c1")},
		{args: []string{"construct", "grand", "--n", "10", "--k", "12", "--out", f.p("c1")}, code: 2, want: []string{"--k"}, out: f.p("c1")},
		{args: []string{"construct", "gsp", "--n", "10", "--k", "2", "--out", filepath.Join(f.p("A.npy"), "sub")}, code: 1, want: []string{"A.npy"}},

		// verify.
		{args: []string{"verify"}, code: 2, want: []string{"--model"}},
		{args: []string{"verify", "--model", f.p("gsp/model.json"), "--trials", "0"}, code: 2, want: []string{"--trials"}},
		{args: []string{"verify", "--model", f.p("gsp/model.json"), "--k", "-2"}, code: 2, want: []string{"--k"}},
		{args: []string{"verify", "--model", f.p("gsp/model.json"), "--seed", "NaN"}, code: 2, want: []string{"seed"}},
		{args: []string{"verify", "--model", f.p("missing/model.json")}, code: 1, want: []string{"missing/model.json"}},
		{args: []string{"verify", "--model", f.p("garbagemodel.json")}, code: 1, want: []string{"garbagemodel.json"}},
		{args: []string{"verify", "--model", f.p("nomodelweight/model.json")}, code: 1, want: []string{"layer0_values.npy"}},
		{args: []string{"verify", "--model", f.p("wrongshape/model.json")}, code: 1, want: []string{"layer 0"}},
		{args: []string{"verify", "--model", f.p("unknownfield/model.json")}, code: 1, want: []string{"colour"}},
		{args: []string{"verify", "--model", f.p("wrongtypes/model.json")}, code: 1, want: []string{"input_dim"}},
		{args: []string{"verify", "--model", f.p("nanweight/model.json")}, code: 1, want: []string{"layer0_values.npy", "+Inf"}},

		// sweep.
		{args: []string{"sweep"}, code: 2, want: []string{"--spec", "--preset"}},
		{args: []string{"sweep", "--spec", f.p("spec.json"), "--preset", "dt", "--out", f.p("r.jsonl")}, code: 2, want: []string{"--spec", "--preset"}, out: f.p("r.jsonl")},
		{args: []string{"sweep", "--preset", "nosuch", "--out", f.p("r.jsonl")}, code: 2, want: []string{"nosuch"}, out: f.p("r.jsonl")},
		{args: []string{"sweep", "--spec", f.p("spec.json")}, code: 2, want: []string{"--out"}},
		{args: []string{"sweep", "--spec", f.p("spec.json"), "--out", f.p("r.jsonl"), "--workers", "-1"}, code: 2, want: []string{"--workers"}, out: f.p("r.jsonl")},
		{args: []string{"sweep", "--spec", f.p("spec.json"), "--out", f.p("r.jsonl"), "--batch", "-1"}, code: 2, want: []string{"--batch"}, out: f.p("r.jsonl")},
		{args: []string{"sweep", "--spec", f.p("spec.json"), "--out", f.p("r.jsonl"), "--shard", "3/2"}, code: 2, want: []string{"3/2"}, out: f.p("r.jsonl")},
		{args: []string{"sweep", "--spec", f.p("spec.json"), "--out", f.p("r.jsonl"), "--shard", "x"}, code: 2, want: []string{"x"}, out: f.p("r.jsonl")},
		{args: []string{"sweep", "--spec", f.p("spec.json"), "--out", f.p("r.jsonl"), "--shards", "-2"}, code: 2, want: []string{"--shards"}, out: f.p("r.jsonl")},
		{args: []string{"sweep", "--spec", f.p("missing.json"), "--out", f.p("r.jsonl")}, code: 1, want: []string{"missing.json"}, out: f.p("r.jsonl")},
		{args: []string{"sweep", "--spec", f.p("garbage.json"), "--out", f.p("r.jsonl")}, code: 1, want: []string{"garbage.json"}, out: f.p("r.jsonl")},
		{args: []string{"sweep", "--spec", f.p("spec_unknown.json"), "--out", f.p("r.jsonl")}, code: 1, want: []string{"spec_unknown.json", "sead"}, out: f.p("r.jsonl")},
		{args: []string{"sweep", "--spec", f.p("spec_type.json"), "--out", f.p("r.jsonl")}, code: 1, want: []string{"spec_type.json", "trials"}, out: f.p("r.jsonl")},
		{args: []string{"sweep", "--spec", f.p("spec_kn.json"), "--out", f.p("r.jsonl")}, code: 1, want: []string{"grid.k[0]"}, out: f.p("r.jsonl")},
		{args: []string{"sweep", "--spec", f.p("spec_m0.json"), "--out", f.p("r.jsonl")}, code: 1, want: []string{"grid.m[0]"}, out: f.p("r.jsonl")},
		{args: []string{"sweep", "--spec", f.p("spec_nan.json"), "--out", f.p("r.jsonl")}, code: 1, want: []string{"spec_nan.json"}, out: f.p("r.jsonl")},
		{args: []string{"sweep", "--spec", f.p("spec.json"), "--out", filepath.Join(nodir, "r.jsonl")}, code: 1, want: []string{nodir}},

		// merge.
		{args: []string{"merge", "--out", f.p("m.jsonl")}, code: 2, want: []string{"input"}, out: f.p("m.jsonl")},
		{args: []string{"merge", f.p("results.jsonl")}, code: 2, want: []string{"--out"}},
		{args: []string{"merge", f.p("results.jsonl"), "--out", f.p("m.jsonl"), "--spec", f.p("spec.json"), "--preset", "dt"}, code: 2, want: []string{"--spec", "--preset"}, out: f.p("m.jsonl")},
		{args: []string{"merge", f.p("results.jsonl"), "--out", f.p("m.jsonl"), "--preset", "nosuch"}, code: 2, want: []string{"nosuch"}, out: f.p("m.jsonl")},
		{args: []string{"merge", f.p("missing.jsonl"), "--out", f.p("m.jsonl")}, code: 1, want: []string{"missing.jsonl"}, out: f.p("m.jsonl")},
		{args: []string{"merge", f.p("garbage.jsonl"), "--out", f.p("m.jsonl")}, code: 1, want: []string{"garbage.jsonl"}, out: f.p("m.jsonl")},
		{args: []string{"merge", f.p("garbage1.jsonl"), "--out", f.p("m.jsonl")}, code: 1, want: []string{"garbage1.jsonl"}, out: f.p("m.jsonl")},
		{args: []string{"merge", f.p("empty.jsonl"), "--out", f.p("m.jsonl")}, code: 1, want: []string{"empty.jsonl"}, out: f.p("m.jsonl")},
		{args: []string{"merge", f.p("wrongtype.jsonl"), "--out", f.p("m.jsonl")}, code: 1, want: []string{"wrongtype.jsonl", "line 1"}, out: f.p("m.jsonl")},
		{args: []string{"merge", f.p("results.jsonl"), "--out", f.p("m.jsonl"), "--spec", f.p("spec_unknown.json")}, code: 1, want: []string{"sead"}, out: f.p("m.jsonl")},
		{args: []string{"merge", f.p("results.jsonl"), "--out", filepath.Join(nodir, "m.jsonl")}, code: 1, want: []string{nodir}},
		{args: []string{"merge", f.p("results.jsonl"), "--out", f.p("m.jsonl"), "--spec", f.p("spec_strict.json"), "--strict"}, code: 1, want: []string{"--strict", "missing", "m.jsonl"}, out: f.p("m.jsonl")},

		// plot.
		{args: []string{"plot", "--out", f.p("fig.png")}, code: 2, want: []string{"results"}, out: f.p("fig.png")},
		{args: []string{"plot", f.p("results.jsonl")}, code: 2, want: []string{"--out"}},
		{args: []string{"plot", f.p("results.jsonl"), "--out", f.p("fig.png"), "--kind", "pie"}, code: 2, want: []string{"--kind", "pie"}, out: f.p("fig.png")},
		{args: []string{"plot", f.p("results.jsonl"), "--out", f.p("fig.gif")}, code: 2, want: []string{"fig.gif"}, out: f.p("fig.gif")},
		{args: []string{"plot", f.p("missing.jsonl"), "--out", f.p("fig.png")}, code: 1, want: []string{"missing.jsonl"}, out: f.p("fig.png")},
		{args: []string{"plot", f.p("garbage.jsonl"), "--out", f.p("fig.png")}, code: 1, want: []string{"garbage.jsonl"}, out: f.p("fig.png")},
		{args: []string{"plot", f.p("empty.jsonl"), "--out", f.p("fig.png")}, code: 1, want: []string{"empty.jsonl"}, out: f.p("fig.png")},
		{args: []string{"plot", f.p("wrongtype.jsonl"), "--out", f.p("fig.png")}, code: 1, want: []string{"wrongtype.jsonl"}, out: f.p("fig.png")},
		{args: []string{"plot", f.p("results.jsonl"), "--out", f.p("fig.png"), "--method", ", ,"}, code: 2, want: []string{"--method"}, out: f.p("fig.png")},
		{args: []string{"plot", f.p("results.jsonl"), "--out", f.p("fig.png"), "--method", "nosuch"}, code: 1, want: []string{"nosuch"}, out: f.p("fig.png")},
		{args: []string{"plot", f.p("results.jsonl"), "--kind", "success", "--out", filepath.Join(nodir, "fig.png")}, code: 1, want: []string{nodir}},

		// summary.
		{args: []string{"summary"}, code: 2, want: []string{"results"}},
		{args: []string{"summary", f.p("results.jsonl"), "--bogus"}, code: 2, want: []string{"bogus"}},
		{args: []string{"summary", f.p("missing.jsonl")}, code: 1, want: []string{"missing.jsonl"}},
		{args: []string{"summary", f.p("garbage.jsonl")}, code: 1, want: []string{"garbage.jsonl"}},
		{args: []string{"summary", f.p("empty.jsonl")}, code: 1, want: []string{"empty.jsonl"}},
		{args: []string{"summary", f.p("wrongtype.jsonl")}, code: 1, want: []string{"wrongtype.jsonl"}},
		{args: []string{"summary", f.p("results.jsonl"), "--method", "nosuch"}, code: 1, want: []string{"nosuch"}},
	}
	for _, c := range cases {
		name := strings.ReplaceAll(strings.Join(c.args, " "), f.dir+"/", "")
		t.Run(name, func(t *testing.T) {
			if c.out != "" {
				os.RemoveAll(c.out)
			}
			checkBadInput(t, c.args, c.code, c.want)
			if c.out != "" {
				if _, err := os.Stat(c.out); err == nil {
					t.Errorf("output %s left behind", c.out)
				}
			}
			// No temporary files left in the fixture directory either.
			tmps, _ := filepath.Glob(filepath.Join(f.dir, ".*.tmp-*"))
			if len(tmps) > 0 {
				t.Errorf("temporary files left behind: %v", tmps)
			}
		})
	}
}

// TestRecoverDivergedIsReported: measurements of size 1e200 overflow the
// CSGM objective; recover must still write a finite estimate, print valid
// JSON (non-finite losses as null), report the divergence, and never emit
// NaN.
func TestRecoverDivergedIsReported(t *testing.T) {
	f := writeBadFixtures(t)
	y, err := npyfile.ReadVector(f.p("y.npy"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range y {
		y[i] *= 1e200
	}
	if err := npyfile.WriteVector(f.p("y_huge.npy"), y); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"--method", "csgm", "--model", f.p("gsp/model.json"), "--restarts", "2", "--iters", "30"},
		{"--method", "csgm", "--model", f.p("gsp/model.json"), "--restarts", "2", "--iters", "30", "--optimizer", "gd", "--lr", "1e300", "--y", f.p("y.npy")},
		{"--method", "iht"},
		{"--method", "fista"},
	} {
		out := f.p("x.npy")
		os.Remove(out)
		var o, e bytes.Buffer
		full := append([]string{"recover", "--A", f.p("A.npy"), "--y", f.p("y_huge.npy"), "--out", out, "--json"}, args...)
		err, p := func() (err error, p any) {
			defer func() { p = recover() }()
			return Run(context.Background(), &Env{Stdout: &o, Stderr: &e, Getenv: func(string) string { return "" }}, full), nil
		}()
		if p != nil || err != nil {
			t.Fatalf("%v: panic %v, error %v", args, p, err)
		}
		var doc map[string]any
		if err := json.Unmarshal(o.Bytes(), &doc); err != nil {
			t.Fatalf("%v: invalid JSON %q: %v", args, o.String(), err)
		}
		x, err := npyfile.ReadVector(out) // rejects NaN and Inf
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		if len(x) != 40 {
			t.Fatalf("%v: %d entries", args, len(x))
		}
		if doc["status"] == "diverged" && !strings.Contains(e.String(), "diverged") {
			t.Errorf("%v: divergence not reported on stderr: %q", args, e.String())
		}
		if rr, ok := doc["relative_residual"].(float64); !ok || math.IsNaN(rr) {
			t.Errorf("%v: relative_residual %v", args, doc["relative_residual"])
		}
	}
}

// TestPlotDegenerateResults: a results file with a single cell and (for
// OMP) zero error draws every kind of figure that applies without a panic
// (gonum's log axis used to panic on a one-value range).
func TestPlotDegenerateResults(t *testing.T) {
	f := writeBadFixtures(t)
	for _, kind := range []string{"error", "success"} {
		out := f.p("fig-" + kind + ".svg")
		err, p := runRecovered([]string{"plot", f.p("results.jsonl"), "--kind", kind, "--out", out})
		if p != nil || err != nil {
			t.Fatalf("%s: panic %v, error %v", kind, p, err)
		}
		if _, err := os.Stat(out); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRecoverZeroMeasurements: y = 0 is valid input: every sparse method
// returns x̂ = 0 and the summary holds no NaN.
func TestRecoverZeroMeasurements(t *testing.T) {
	f := writeBadFixtures(t)
	for _, meth := range []string{"omp", "cosamp", "iht", "fista", "bp", "amp"} {
		out := f.p("x0.npy")
		var o, e bytes.Buffer
		err := Run(context.Background(), &Env{Stdout: &o, Stderr: &e, Getenv: func(string) string { return "" }},
			[]string{"recover", "--A", f.p("A.npy"), "--y", f.p("y_zero.npy"), "--method", meth, "--out", out})
		if err != nil {
			t.Fatalf("%s: %v", meth, err)
		}
		if strings.Contains(o.String(), "NaN") {
			t.Errorf("%s: NaN in %q", meth, o.String())
		}
		x, err := npyfile.ReadVector(out)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range x {
			if v != 0 {
				t.Fatalf("%s: x̂[%d] = %v, want 0 for y = 0", meth, i, v)
			}
		}
	}
}

// FuzzCLIArgs runs cheap commands (bounds, summary, merge, plot, sweep
// --print-spec, recover with omp) on arbitrary argument lists: none may
// panic, and every error must be one line. In the arguments, @R, @S, @A,
// @Y, @M and @O stand for a results file, a spec, A.npy, y.npy, a model
// manifest and an output path in the fixture directory. Arguments that
// could start long computations (sweeps, generative methods, iteration
// limits) are skipped.
func FuzzCLIArgs(f *testing.F) {
	for _, s := range []string{
		"bounds --n 10 --k 3",
		"bounds --n 10 --k 3 --L 1e308 --r 1e308 --delta 1e-308 --json",
		"bounds --n -1 --k 99999999999999999999",
		"summary @R --transition --json",
		"summary @R @R --method omp",
		"merge @R @R --out @O --spec @S --strict",
		"plot @R --kind error --out @O.svg --method omp,,",
		"plot @R --kind phase --out @O.png --title x",
		"sweep --spec @S --print-spec",
		"sweep --preset list",
		"recover --A @A --y @Y --method omp --k 3 --out @O.npy --json",
		"recover --A @A --y @Y --method iht --k 40 --out @O.npy",
		"-- --- -h --help =",
	} {
		f.Add(s)
	}
	fx := writeBadFixturesTB(f)
	repl := strings.NewReplacer("@R", fx.p("results.jsonl"), "@S", fx.p("spec.json"), "@A", fx.p("A.npy"),
		"@Y", fx.p("y.npy"), "@M", fx.p("gsp/model.json"), "@O", fx.p("fuzz-out"))
	allowed := map[string]bool{"bounds": true, "summary": true, "merge": true, "plot": true, "sweep": true, "recover": true}
	// Outputs named by the fuzzer stay in the fixture directory: relative
	// paths resolve there, and lines with a path separator are skipped.
	f.Chdir(fx.dir)
	f.Fuzz(func(t *testing.T, line string) {
		if strings.ContainsAny(line, `/\`) {
			return
		}
		args := strings.Fields(repl.Replace(line))
		if len(args) == 0 || !allowed[args[0]] {
			return
		}
		for _, a := range args {
			// Keep every iteration cheap: no sweeps, no long verifications.
			if a == "--out" && args[0] == "sweep" || strings.Contains(a, "maxiter") || strings.Contains(a, "csgm") || strings.Contains(a, "pgd") {
				return
			}
		}
		err, p := runRecovered(args)
		if p != nil {
			t.Fatalf("%q: panic: %v", args, p)
		}
		if err != nil && strings.ContainsAny(err.Error(), "\n\r") {
			t.Fatalf("%q: multi-line error %q", args, err)
		}
	})
}

// TestSweepHugeWorkerCount: --workers far above the number of trials runs
// the sweep (results do not depend on the count) instead of allocating a
// goroutine and a channel slot per requested worker.
func TestSweepHugeWorkerCount(t *testing.T) {
	f := writeBadFixtures(t)
	out := f.p("w.jsonl")
	err, p := runRecovered([]string{"sweep", "--spec", f.p("spec.json"), "--out", out, "--workers", "1000000000000"})
	if p != nil || err != nil {
		t.Fatalf("panic %v, error %v", p, err)
	}
	a, _ := os.ReadFile(out)
	b, _ := os.ReadFile(f.p("results.jsonl"))
	strip := func(s []byte) string { // drop the timing field
		var lines []string
		for _, l := range strings.Split(strings.TrimSpace(string(s)), "\n") {
			if i := strings.Index(l, `,"time_s"`); i >= 0 {
				l = l[:i]
			}
			lines = append(lines, l)
		}
		return strings.Join(lines, "\n")
	}
	if strip(a) != strip(b) || len(a) == 0 {
		t.Fatalf("results differ from a 1-worker run:\n%s\n%s", a, b)
	}
}

// TestSummaryCountsDuplicatesOnce: the same results file given twice must
// not double the trial counts.
func TestSummaryCountsDuplicatesOnce(t *testing.T) {
	f := writeBadFixtures(t)
	var o, e bytes.Buffer
	env := &Env{Stdout: &o, Stderr: &e, Getenv: func(string) string { return "" }}
	if err := Run(context.Background(), env, []string{"summary", f.p("results.jsonl"), f.p("results.jsonl"), "--json"}); err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		Trials int `json:"trials"`
	}
	if err := json.Unmarshal(o.Bytes(), &rows); err != nil || len(rows) != 1 {
		t.Fatalf("%v: %s", err, o.String())
	}
	if rows[0].Trials != 1 || !strings.Contains(e.String(), "1 duplicate") {
		t.Fatalf("trials = %d (want 1); stderr %q", rows[0].Trials, e.String())
	}
}
