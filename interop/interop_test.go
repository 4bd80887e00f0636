package interop

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/gencs/gencs/internal/rng"
	"github.com/gencs/gencs/linop"
	"github.com/gencs/gencs/nn"
	"github.com/gencs/gencs/npyfile"
	"github.com/gencs/gencs/sparse"
)

// python returns the interpreter the tests run: $GENCS_PYTHON or
// /usr/bin/python3 (Debian's python3-sklearn and python3-torch install there).
func python() string {
	if p := os.Getenv("GENCS_PYTHON"); p != "" {
		return p
	}
	return "/usr/bin/python3"
}

// requireModules skips the test unless python() can import every module.
func requireModules(t *testing.T, install string, modules ...string) {
	t.Helper()
	py := python()
	code := "import " + strings.Join(modules, ", ")
	out, err := exec.Command(py, "-c", code).CombinedOutput()
	if err != nil {
		last := strings.TrimSpace(string(out))
		if i := strings.LastIndexByte(last, '\n'); i >= 0 {
			last = last[i+1:]
		}
		if last != "" {
			last = ": " + last
		}
		t.Skipf("%s cannot %q (%v%s); install with %s, or set GENCS_PYTHON to a Python that has them",
			py, code, err, last, install)
	}
}

// script returns the absolute path of scripts/name.
func script(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "scripts", name))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatal(err)
	}
	return p
}

// run runs python() with args and fails the test with its output on error.
func run(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(python(), args...)
	cmd.Env = append(os.Environ(), "OMP_NUM_THREADS=1", "PYTHONDONTWRITEBYTECODE=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", python(), strings.Join(args, " "), err, out)
	}
	return string(out)
}

func readMatrix(t *testing.T, path string) *mat.Dense {
	t.Helper()
	m, err := npyfile.ReadMatrix(path)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func readVector(t *testing.T, path string) []float64 {
	t.Helper()
	v, err := npyfile.ReadVector(path)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func norm(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v * v
	}
	return math.Sqrt(s)
}

// diff returns ||a - b||_2 and ||a - b||_inf.
func diff(a, b []float64) (l2, linf float64) {
	if len(a) != len(b) {
		panic(fmt.Sprintf("diff: lengths %d and %d", len(a), len(b)))
	}
	var s float64
	for i := range a {
		d := math.Abs(a[i] - b[i])
		s += d * d
		linf = max(linf, d)
	}
	return math.Sqrt(s), linf
}

// TestTorchSequential exports a random float64 PyTorch nn.Sequential with
// scripts/torch_export.py and checks that nn.Load's network reproduces
// torch's outputs and autograd input gradients, one input at a time and
// batched. Rows include z = 0, where ReLU units sit exactly at their kink,
// and the model has LeakyReLU units whose input is exactly 0 for every z.
func TestTorchSequential(t *testing.T) {
	requireModules(t, "`apt-get install python3-torch` (Debian) or `pip install torch numpy`", "torch", "numpy")
	dir := t.TempDir()
	t.Log(strings.TrimSpace(run(t, script(t, "torch_export.py"), dir, "--seed", "1", "--batch", "8")))

	net, err := nn.Load(filepath.Join(dir, "model", nn.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	if k, out := net.Dims(); k != 6 || out != 10 {
		t.Fatalf("loaded network maps R^%d -> R^%d, want R^6 -> R^10", k, out)
	}
	Z := readMatrix(t, filepath.Join(dir, "Z.npy"))
	G := readMatrix(t, filepath.Join(dir, "G.npy"))
	V := readMatrix(t, filepath.Join(dir, "V.npy"))
	JTV := readMatrix(t, filepath.Join(dir, "JTV.npy"))
	b, _ := Z.Dims()

	const fwdTol, vjpTol = 1e-12, 1e-10
	var worstF, worstJ float64
	for i := range b {
		z, v := Z.RawRowView(i), V.RawRowView(i)
		want, wantJ := G.RawRowView(i), JTV.RawRowView(i)
		got := net.Forward(nil, z)
		gotJ := net.VJP(nil, z, v)
		l2, _ := diff(got, want)
		rf := l2 / norm(want)
		l2, _ = diff(gotJ, wantJ)
		rj := l2 / norm(wantJ)
		worstF, worstJ = max(worstF, rf), max(worstJ, rj)
		if !(rf <= fwdTol) {
			t.Errorf("row %d: Forward differs from torch by %.3g relative (tolerance %g)\n got %v\nwant %v", i, rf, fwdTol, got, want)
		}
		if !(rj <= vjpTol) {
			t.Errorf("row %d: VJP differs from torch autograd by %.3g relative (tolerance %g)\n got %v\nwant %v", i, rj, vjpTol, gotJ, wantJ)
		}
	}
	t.Logf("max relative difference to torch over %d inputs: Forward %.3g, VJP %.3g", b, worstF, worstJ)

	// The batched paths (matrix-matrix products) must agree too.
	GB := net.ForwardBatch(nil, Z)
	JB := net.VJPBatch(nil, Z, V)
	for i := range b {
		l2, _ := diff(GB.RawRowView(i), G.RawRowView(i))
		if r := l2 / norm(G.RawRowView(i)); !(r <= fwdTol) {
			t.Errorf("row %d: ForwardBatch differs from torch by %.3g relative", i, r)
		}
		l2, _ = diff(JB.RawRowView(i), JTV.RawRowView(i))
		if r := l2 / norm(JTV.RawRowView(i)); !(r <= vjpTol) {
			t.Errorf("row %d: VJPBatch differs from torch autograd by %.3g relative", i, r)
		}
	}
}

// TestTorchExportRejects checks that the exporter refuses what the format
// cannot represent instead of writing a wrong model.
func TestTorchExportRejects(t *testing.T) {
	requireModules(t, "`apt-get install python3-torch` (Debian) or `pip install torch numpy`", "torch", "numpy")
	dir := t.TempDir()
	cases := []struct{ model, want string }{
		{"tnn.Sequential(tnn.Linear(3, 4), tnn.Softplus(beta=2))", "beta"},
		{"tnn.Sequential(tnn.Linear(3, 4), tnn.ELU())", "ELU is not supported"},
		{"tnn.Sequential(tnn.Linear(3, 4), tnn.Linear(5, 2))", "takes 5 inputs but receives 4"},
		{"tnn.Sequential(tnn.Tanh())", "pass in_dim"},
	}
	// One interpreter for all cases: importing torch takes seconds.
	code := fmt.Sprintf("import sys; sys.path.insert(0, %q)\nimport torch.nn as tnn\nfrom torch_export import export\n",
		filepath.Dir(script(t, "torch_export.py")))
	for _, c := range cases {
		code += fmt.Sprintf("try:\n    export(%s, %q)\nexcept ValueError as e:\n    print('ValueError:', e)\nelse:\n    print('exported')\n",
			c.model, filepath.Join(dir, "m"))
	}
	lines := strings.Split(strings.TrimSpace(run(t, "-c", code)), "\n")
	if len(lines) != len(cases) {
		t.Fatalf("got %d output lines, want %d: %q", len(lines), len(cases), lines)
	}
	for i, c := range cases {
		if !strings.HasPrefix(lines[i], "ValueError:") || !strings.Contains(lines[i], c.want) {
			t.Errorf("export(%s): got %q, want a ValueError mentioning %q", c.model, lines[i], c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "m", nn.ManifestName)); err == nil {
		t.Errorf("a rejected export left a manifest behind")
	}
}

// checkResult is what scripts/interop_check.py writes to result.json.
type checkResult struct {
	Versions        map[string]string `json:"versions"`
	Skipped         map[string]string `json:"skipped"`
	LassoObjective  []float64         `json:"lasso_objective"`
	LassoIterations []int             `json:"lasso_iterations"`
}

// lassoObjective returns 0.5||A x - y||^2 + lambda ||x||_1.
func lassoObjective(A linop.Operator, y, x []float64, lambda float64) float64 {
	r := A.Apply(nil, x)
	var s, l1 float64
	for i := range r {
		d := r[i] - y[i]
		s += d * d
	}
	for _, v := range x {
		l1 += math.Abs(v)
	}
	return 0.5*s + lambda*l1
}

func support(x []float64) []int {
	var s []int
	for i, v := range x {
		if v != 0 {
			s = append(s, i)
		}
	}
	return s
}

// TestSklearnAndScipy writes a seeded noisy sparse recovery problem and
// vectors for the transforms, has scripts/interop_check.py solve and
// transform them with scikit-learn and SciPy, and compares: sparse.FISTA with
// sklearn's Lasso, sparse.OMP with sklearn's OrthogonalMatchingPursuit,
// linop.DCT with scipy.fft.dct/idct and linop.Hadamard with
// scipy.linalg.hadamard.
func TestSklearnAndScipy(t *testing.T) {
	requireModules(t, "`apt-get install python3-sklearn` (Debian) or `pip install scikit-learn`", "numpy")
	const (
		m, n, k = 60, 128, 6
		seed    = 7
	)
	dir := t.TempDir()
	A, err := linop.Gaussian(m, n, seed)
	if err != nil {
		t.Fatal(err)
	}
	r := rng.New(seed, 1)
	x0 := make([]float64, n)
	for _, j := range r.Perm(n)[:k] {
		x0[j] = r.NormFloat64() + math.Copysign(0.5, r.NormFloat64())
	}
	y := A.Apply(nil, x0)
	for i := range y {
		y[i] += 0.02 * r.NormFloat64()
	}
	aty := A.ApplyAdjoint(nil, y)
	var atyInf float64
	for _, v := range aty {
		atyInf = max(atyInf, math.Abs(v))
	}
	omps := []int{k, 25} // OMP: the true sparsity, and a larger k
	// Lasso: a moderate lambda (small support) and a small one (support
	// near m, a worse-conditioned problem).
	lambdas := []float64{0.05 * atyInf, 0.002 * atyInf}

	dctN := []int{1, 2, 5, 8, 12, 64, 89, 97, 100, 101, 211, 256, 1000, 4096, 3 * 89 * 89}
	hadN := []int{1, 2, 4, 8, 16, 64, 256}
	dctX := map[int][]float64{}
	for _, size := range dctN {
		x := make([]float64, size)
		for i := range x {
			x[i] = r.NormFloat64()
		}
		dctX[size] = x
		if err := npyfile.WriteVector(filepath.Join(dir, fmt.Sprintf("dct_x_%d.npy", size)), x); err != nil {
			t.Fatal(err)
		}
	}
	if err := npyfile.WriteMatrix(filepath.Join(dir, "A.npy"), A.M); err != nil {
		t.Fatal(err)
	}
	if err := npyfile.WriteVector(filepath.Join(dir, "y.npy"), y); err != nil {
		t.Fatal(err)
	}
	cfg, _ := json.Marshal(map[string]any{"lambdas": lambdas, "ks": omps, "dct_n": dctN, "hadamard_n": hadN})
	if err := os.WriteFile(filepath.Join(dir, "config.json"), cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, script(t, "interop_check.py"), dir)
	raw, err := os.ReadFile(filepath.Join(dir, "result.json"))
	if err != nil {
		t.Fatal(err)
	}
	var res checkResult
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatalf("result.json: %v", err)
	}
	t.Logf("versions: %v", res.Versions)
	skip := func(t *testing.T, section string) {
		if why, ok := res.Skipped[section]; ok {
			t.Skipf("%s; install python3-sklearn (Debian) or `pip install scikit-learn scipy`", why)
		}
	}

	t.Run("lasso", func(t *testing.T) {
		skip(t, "lasso")
		if len(res.LassoObjective) != len(lambdas) {
			t.Fatalf("result.json has %d Lasso objectives, want %d", len(res.LassoObjective), len(lambdas))
		}
		for i, lambda := range lambdas {
			got, err := sparse.FISTA(A, y, &sparse.Options{Lambda: lambda, Tol: 1e-10, MaxIter: 200_000, NoHistory: true})
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != sparse.Converged {
				t.Errorf("lambda %.6g: FISTA stopped with %v after %d iterations", lambda, got.Status, got.Iterations)
			}
			want := readVector(t, filepath.Join(dir, fmt.Sprintf("lasso_x_%d.npy", i)))
			fg, fs := lassoObjective(A, y, got.X, lambda), lassoObjective(A, y, want, lambda)
			rel := math.Abs(fg-fs) / fs
			_, dx := diff(got.X, want)
			t.Logf("lambda %.6g: objective gencs %.15g, sklearn %.15g, relative difference %.3g; "+
				"max |x_gencs - x_sklearn| = %.3g; FISTA %d iterations, sklearn CD %d epochs; support size %d/%d",
				lambda, fg, fs, rel, dx, got.Iterations, res.LassoIterations[i],
				len(support(got.X)), len(support(want)))
			if !(rel <= 1e-8) {
				t.Errorf("lambda %.6g: Lasso objectives differ by %.3g relative (gencs %.15g, sklearn %.15g)", lambda, rel, fg, fs)
			}
			if !(dx <= 1e-6) {
				t.Errorf("lambda %.6g: Lasso solutions differ by %.3g in max norm", lambda, dx)
			}
			if py := res.LassoObjective[i]; !(math.Abs(py-fs) <= 1e-12*fs) {
				t.Errorf("lambda %.6g: objective of sklearn's solution: Go %.17g, Python %.17g", lambda, fs, py)
			}
		}
	})

	t.Run("omp", func(t *testing.T) {
		skip(t, "omp")
		for _, k := range omps {
			got, err := sparse.OMP(A, y, &sparse.Options{K: k, NoHistory: true})
			if err != nil {
				t.Fatal(err)
			}
			want := readVector(t, filepath.Join(dir, fmt.Sprintf("omp_x_%d.npy", k)))
			sg, sw := support(got.X), support(want)
			if !slices.Equal(sg, sw) {
				t.Errorf("k=%d: OMP supports differ: gencs %v, sklearn %v", k, sg, sw)
				continue
			}
			_, dx := diff(got.X, want)
			t.Logf("OMP k=%d: identical supports (%d atoms); max coefficient difference %.3g", k, len(sg), dx)
			if !(dx <= 1e-9) {
				t.Errorf("k=%d: OMP coefficients differ by %.3g in max norm", k, dx)
			}
		}
	})

	t.Run("dct", func(t *testing.T) {
		skip(t, "dct")
		for _, size := range dctN {
			rows := make([]int, size)
			for i := range rows {
				rows[i] = i
			}
			op, err := linop.NewDCT(size, rows)
			if err != nil {
				t.Fatal(err)
			}
			x := dctX[size]
			l2f, inf1 := diff(op.Apply(nil, x), readVector(t, filepath.Join(dir, fmt.Sprintf("dct_%d.npy", size))))
			l2a, inf2 := diff(op.ApplyAdjoint(nil, x), readVector(t, filepath.Join(dir, fmt.Sprintf("idct_%d.npy", size))))
			rf, ra := l2f/norm(x), l2a/norm(x)
			t.Logf("n=%4d: DCT-II vs scipy dct: relative %.3g (max abs %.3g); adjoint vs scipy idct: relative %.3g (max abs %.3g)",
				size, rf, inf1, ra, inf2)
			if !(rf <= 1e-12) || !(ra <= 1e-12) {
				t.Errorf("n=%d: linop DCT differs from scipy.fft.dct(type=2, norm='ortho'): Apply %.3g, ApplyAdjoint %.3g relative", size, rf, ra)
			}
		}
	})

	t.Run("hadamard", func(t *testing.T) {
		skip(t, "hadamard")
		for _, size := range hadN {
			rows := make([]int, size)
			for i := range rows {
				rows[i] = i
			}
			op, err := linop.NewHadamard(size, rows)
			if err != nil {
				t.Fatal(err)
			}
			H := linop.Matrix(op)
			W := readMatrix(t, filepath.Join(dir, fmt.Sprintf("hadamard_%d.npy", size)))
			_, d := diff(H.RawMatrix().Data, W.RawMatrix().Data)
			t.Logf("n=%3d: max |H_gencs - hadamard(n)/sqrt(n)| = %.3g", size, d)
			if !(d <= 1e-12) {
				t.Errorf("n=%d: linop Hadamard differs from scipy.linalg.hadamard(n)/sqrt(n) by %.3g (ordering or normalisation)", size, d)
			}
		}
	})
}
