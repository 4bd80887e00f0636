package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gencs/gencs/internal/rng"
	"github.com/gencs/gencs/linop"
	"github.com/gencs/gencs/npyfile"
	"gonum.org/v1/gonum/mat"
)

// leadRun runs the command line in-process and returns stdout, stderr and the error.
func leadRun(args ...string) (string, string, error) {
	var out, errb bytes.Buffer
	err := Run(context.Background(), &Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}, args)
	return out.String(), errb.String(), err
}

func TestDemoSmall(t *testing.T) {
	dir := t.TempDir()
	fig := filepath.Join(dir, "demo.png")
	out, _, err := leadRun("demo", "--n", "200", "--m", "80", "--k", "5", "--sigma", "0", "--out", fig, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Results []struct {
			Method string  `json:"method"`
			RelErr float64 `json:"rel_error"`
			Error  string  `json:"error"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("demo --json output is not JSON: %v\n%s", err, out)
	}
	if len(rep.Results) != 6 {
		t.Fatalf("want 6 solver rows, got %d", len(rep.Results))
	}
	for _, r := range rep.Results {
		if r.Error != "" {
			t.Errorf("%s failed: %s", r.Method, r.Error)
		}
		// Noiseless, m = 16k: every solver except the Lasso (biased by
		// lambda) must recover the signal almost exactly.
		if r.Method != "fista" && r.RelErr > 1e-4 {
			t.Errorf("%s: relative error %g on an easy noiseless problem", r.Method, r.RelErr)
		}
	}
	f, err := os.Open(fig)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil || img.Bounds().Dx() < 100 {
		t.Fatalf("figure not a decodable PNG: %v", err)
	}
}

func writeProblem(t *testing.T, dir string, m, n, k int) (aPath, yPath string, x []float64) {
	t.Helper()
	r := rng.New(42)
	a := mat.NewDense(m, n, nil)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			a.Set(i, j, r.NormFloat64()/math.Sqrt(float64(m)))
		}
	}
	x = make([]float64, n)
	for _, i := range r.Perm(n)[:k] {
		x[i] = r.NormFloat64()
	}
	y := mat.NewVecDense(m, nil)
	y.MulVec(a, mat.NewVecDense(n, x))
	aPath, yPath = filepath.Join(dir, "A.npy"), filepath.Join(dir, "y.npy")
	if err := npyfile.WriteMatrix(aPath, a); err != nil {
		t.Fatal(err)
	}
	if err := npyfile.WriteVector(yPath, y.RawVector().Data); err != nil {
		t.Fatal(err)
	}
	return aPath, yPath, x
}

func TestRecoverFromFiles(t *testing.T) {
	dir := t.TempDir()
	aPath, yPath, x := writeProblem(t, dir, 60, 150, 6)
	for _, method := range []string{"omp", "cosamp", "iht", "bp", "amp"} {
		out := filepath.Join(dir, method+".npy")
		stdout, _, err := leadRun("recover", "--A", aPath, "--y", yPath, "--method", method, "--k", "6", "--out", out, "--json")
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		var info map[string]any
		if err := json.Unmarshal([]byte(stdout), &info); err != nil {
			t.Fatalf("%s: bad JSON %q", method, stdout)
		}
		xh, err := npyfile.ReadVector(out)
		if err != nil {
			t.Fatal(err)
		}
		var num, den float64
		for i := range x {
			num += (xh[i] - x[i]) * (xh[i] - x[i])
			den += x[i] * x[i]
		}
		if math.Sqrt(num/den) > 1e-6 {
			t.Errorf("%s: relative error %g", method, math.Sqrt(num/den))
		}
	}
}

func TestRecoverFastOperator(t *testing.T) {
	// y = A x for the subsampled DCT with the same seed: recover exactly.
	dir := t.TempDir()
	yPath := filepath.Join(dir, "y.npy")
	n, m := 256, 100
	op, err := linopByNameForTest("dct", m, n, 7)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float64, n)
	x[3], x[77], x[200] = 1, -2, 0.5
	if err := npyfile.WriteVector(yPath, op.Apply(nil, x)); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "x.npy")
	if _, _, err := leadRun("recover", "--operator", "dct", "--n", "256", "--seed", "7", "--y", yPath, "--method", "omp", "--k", "3", "--out", out); err != nil {
		t.Fatal(err)
	}
	xh, _ := npyfile.ReadVector(out)
	for i := range x {
		if math.Abs(xh[i]-x[i]) > 1e-9 {
			t.Fatalf("x̂[%d] = %g, want %g", i, xh[i], x[i])
		}
	}
}

func TestBadInputs(t *testing.T) {
	dir := t.TempDir()
	aPath, yPath, _ := writeProblem(t, dir, 20, 40, 2)
	short := filepath.Join(dir, "short.npy")
	npyfile.WriteVector(short, []float64{1, 2, 3})
	nan := filepath.Join(dir, "nan.npy")
	npyfile.WriteVector(nan, append(make([]float64, 19), math.NaN()))
	garbage := filepath.Join(dir, "garbage.npy")
	os.WriteFile(garbage, []byte("not an array"), 0o644)
	out := filepath.Join(dir, "never.npy")
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no command", nil, 2, "no command"},
		{"unknown command", []string{"frobnicate"}, 2, "unknown command"},
		{"unknown flag", []string{"demo", "--bogus"}, 2, "bogus"},
		{"k > n", []string{"demo", "--n", "10", "--k", "11"}, 2, "k = 11 > n = 10"},
		{"m < 1", []string{"demo", "--m", "0"}, 2, "m = 0"},
		{"unknown method", []string{"recover", "--A", aPath, "--y", yPath, "--method", "magic", "--out", out}, 2, "unknown method"},
		{"shape mismatch", []string{"recover", "--A", aPath, "--y", short, "--method", "omp", "--out", out}, 1, "A has 20 rows but y has 3"},
		{"NaN in y", []string{"recover", "--A", aPath, "--y", nan, "--method", "omp", "--out", out}, 1, "NaN"},
		{"malformed file", []string{"recover", "--A", garbage, "--y", yPath, "--method", "omp", "--out", out}, 1, "garbage.npy"},
		{"missing file", []string{"recover", "--A", filepath.Join(dir, "nope.npy"), "--y", yPath, "--method", "omp", "--out", out}, 1, "nope.npy"},
		{"k > n recover", []string{"recover", "--A", aPath, "--y", yPath, "--method", "omp", "--k", "41", "--out", out}, 2, "k = 41 > n = 40"},
		{"both A and operator", []string{"recover", "--A", aPath, "--operator", "dct", "--y", yPath, "--method", "omp", "--out", out}, 2, "exactly one"},
		{"hadamard not power of two", []string{"recover", "--operator", "hadamard", "--n", "40", "--y", yPath, "--method", "omp", "--out", out}, 2, "power of two"},
		{"bounds k > n", []string{"bounds", "--n", "5", "--k", "6"}, 2, "k = 6 > n = 5"},
	}
	for _, c := range cases {
		_, _, err := leadRun(c.args...)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if got := ExitCode(err); got != c.code {
			t.Errorf("%s: exit code %d, want %d (err: %v)", c.name, got, c.code, err)
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %q does not mention %q", c.name, err, c.want)
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error is not one line: %q", c.name, err)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed run left an output file: %v", err)
	}
}

func TestBoundsOutput(t *testing.T) {
	out, _, err := leadRun("bounds", "--n", "1000", "--k", "10", "--L", "2", "--r", "100", "--delta", "0.01", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Bounds []struct {
			Value float64 `json:"value"`
		} `json:"bounds"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || len(got.Bounds) != 4 {
		t.Fatalf("bad JSON: %v %s", err, out)
	}
	if want := 10 + 10*math.Log(2*100/0.01); math.Abs(got.Bounds[3].Value-want) > 1e-9 {
		t.Errorf("lower bound %v, want %v", got.Bounds[3].Value, want)
	}
	out, _, _ = leadRun("bounds", "--n", "1000", "--k", "10")
	if !strings.Contains(out, "constants are not given") {
		t.Errorf("bounds output does not say the constants are not given:\n%s", out)
	}
}

var linopByNameForTest = linop.ByName

// TestBoraOnTestdata runs the real-image comparison end to end on the
// checked-in sample and the shipped MNIST decoder, at a tiny size.
func TestBoraOnTestdata(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "bora")
	stdout, _, err := leadRun("experiment", "bora", "--dataset", "mnist", "--data", "../data/testdata",
		"--model", "../models/mnist-vae/model.json", "--quick", "--images", "2", "--m", "50",
		"--steps", "60", "--restarts", "2", "--out", out, "--json")
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid([]byte(stdout)) {
		t.Fatalf("--json output is not JSON: %.300s", stdout)
	}
	for _, f := range []string{"error-vs-m.png", "error-vs-m.svg", "grid-m50.png", "table.txt", "results.json"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s not written: %v", f, err)
		}
	}
	g, err := os.Open(filepath.Join(out, "grid-m50.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if _, err := png.Decode(g); err != nil {
		t.Errorf("grid is not a PNG: %v", err)
	}
}

// TestMissingData: commands needing a data set say how to install it.
func TestMissingData(t *testing.T) {
	empty := t.TempDir()
	for _, args := range [][]string{
		{"experiment", "bora", "--dataset", "mnist", "--data", empty, "--model", "../models/mnist-vae/model.json", "--quick"},
		{"train", "vae", "--dataset", "mnist", "--data", empty, "--out", filepath.Join(empty, "m")},
	} {
		_, _, err := leadRun(args...)
		if err == nil || !strings.Contains(err.Error(), "gencs data install") {
			t.Errorf("%v: error %v does not say to run gencs data install", args, err)
		}
	}
}

func TestRunRecoversPanics(t *testing.T) {
	commands["test-panic"] = command{run: func(context.Context, *Env, []string) error { panic("boom") }}
	defer delete(commands, "test-panic")
	_, _, err := leadRun("test-panic")
	if err == nil || !strings.Contains(err.Error(), "internal error") || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("err = %v", err)
	}
	if ExitCode(err) != 1 {
		t.Errorf("exit code %d, want 1", ExitCode(err))
	}
}
