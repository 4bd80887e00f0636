package nn

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/gencs/gencs/npyfile"
)

// fuzzManifests are seeds for FuzzLoad; they refer to the weight files
// that fuzzDir writes (W.npy 3x2, b.npy 3, indptr.npy [0 1 2 2],
// indices.npy [0 1], values.npy [1 -1], nan.npy).
var fuzzManifests = []string{
	`{"format":"gencs-model/1","kind":"t","input_dim":2,"output_dim":3,"layers":[{"type":"dense","in":2,"out":3,"weight":"W.npy","bias":"b.npy"},{"type":"relu","dim":3}]}`,
	`{"format":"gencs-model/1","kind":"t","input_dim":2,"output_dim":3,"layers":[{"type":"sparse","in":2,"out":3,"indptr":"indptr.npy","indices":"indices.npy","values":"values.npy"},{"type":"mixed","segments":[{"type":"relu","dim":1},{"type":"leaky_relu","dim":2,"slope":0.1}]}]}`,
	`{"format":"gencs-model/1","kind":"t","input_dim":2,"output_dim":3,"layers":[{"type":"dense","in":2,"out":3,"weight":"missing.npy"}]}`,
	`{"format":"gencs-model/1","kind":"t","input_dim":3,"output_dim":2,"layers":[{"type":"dense","in":3,"out":2,"weight":"W.npy"}]}`,
	`{"format":"gencs-model/1","kind":"t","input_dim":2,"output_dim":3,"layers":[{"type":"dense","in":2,"out":3,"weight":"nan.npy"}]}`,
	`{"format":"gencs-model/1","kind":"t","input_dim":2,"output_dim":3,"layers":[{"type":"dense","in":2,"out":3,"weight":"W.npy","bias":"indices.npy"}]}`,
	`{"format":"gencs-model/1","kind":"t","input_dim":1000000000000,"output_dim":1000000000000,"layers":[{"type":"relu","dim":1000000000000}]}`,
	`{"format":"gencs-model/1","input_dim":2,"output_dim":2,"layers":[{"type":"mixed","segments":[{"type":"relu","dim":9223372036854775807},{"type":"relu","dim":9223372036854775807}]}]}`,
	`{"format":"gencs-model/1","input_dim":2,"output_dim":3,"layers":[{"type":"sparse","in":1000000000000,"out":3,"indptr":"indptr.npy","indices":"indices.npy","values":"values.npy"}]}`,
	`{"format":"gencs-model/1","input_dim":2,"output_dim":3,"layers":[{"type":"sparse","in":2,"out":3,"indptr":"values.npy","indices":"indices.npy","values":"values.npy"}]}`,
	`{"format":"gencs-model/1","input_dim":2,"output_dim":2,"layers":[{"type":"leaky_relu","dim":2}]}`,
	`{"format":"gencs-model/1","input_dim":2,"output_dim":2,"layers":[{"type":"dense","in":2,"out":2,"weight":"/nonexistent/W.npy"}]}`,
	`{"format":"gencs-model/1","input_dim":2,"output_dim":2,"layers":[{"type":"relu","dim":2}],"extra":1}`,
	`{"format":"gencs-model/2","layers":[]}`,
	`{"format":"gencs-model/1","input_dim":"two","layers":[{"type":"relu","dim":2}]}`,
	`{"format":"gencs-model/1","input_dim":2,"output_dim":2,"layers":[{"type":"relu","dim":2}]} trailing`,
	`{"format":"gencs-model/1","input_dim":16777216,"output_dim":16777216,"layers":[{"type":"relu","dim":16777216},{"type":"tanh","dim":16777216},{"type":"relu","dim":16777216},{"type":"tanh","dim":16777216},{"type":"relu","dim":16777216}]}`,
	`{"format":"gencs-model/1","input_dim":2,"output_dim":2,"layers":[{"type":"re\nlu","dim":2}]}`,
	`not json`, ``,
}

func fuzzDir(tb testing.TB) string {
	dir := tb.TempDir()
	must := func(err error) {
		if err != nil {
			tb.Fatal(err)
		}
	}
	must(npyfile.WriteMatrix(filepath.Join(dir, "W.npy"), mat.NewDense(3, 2, []float64{1, 2, 3, 4, 5, 6})))
	must(npyfile.WriteVector(filepath.Join(dir, "b.npy"), []float64{0.5, -0.5, 1}))
	must(npyfile.WriteVector(filepath.Join(dir, "indptr.npy"), []float64{0, 1, 2, 2}))
	must(npyfile.WriteVector(filepath.Join(dir, "indices.npy"), []float64{0, 1}))
	must(npyfile.WriteVector(filepath.Join(dir, "values.npy"), []float64{1, -1}))
	// A hand-made file with a NaN entry (npyfile.Write accepts it; Read must not).
	must(npyfile.WriteVector(filepath.Join(dir, "nan.npy"), []float64{1, 2, 3, 4, 5, 0}))
	raw, err := os.ReadFile(filepath.Join(dir, "nan.npy"))
	must(err)
	copy(raw[len(raw)-8:], []byte{0, 0, 0, 0, 0, 0, 0xf8, 0x7f})
	must(os.WriteFile(filepath.Join(dir, "nan.npy"), raw, 0o644))
	return dir
}

func TestLoadFuzzSeeds(t *testing.T) {
	dir := fuzzDir(t)
	p := filepath.Join(dir, ManifestName)
	for i, m := range fuzzManifests {
		os.WriteFile(p, []byte(m), 0o644)
		net, err := Load(p)
		if (i <= 1) != (err == nil) {
			t.Errorf("manifest %d: err = %v", i, err)
			continue
		}
		if err != nil && (strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), p)) {
			t.Errorf("manifest %d: error %q should be one line naming %s", i, err, p)
		}
		if err == nil {
			if y := net.Forward(nil, []float64{1, -1}); len(y) != 3 {
				t.Errorf("manifest %d: output length %d", i, len(y))
			}
		}
	}
}

// FuzzLoad: arbitrary manifests next to a few valid weight files load a
// usable network or fail with a one-line error, never panic.
func FuzzLoad(f *testing.F) {
	for _, m := range fuzzManifests {
		f.Add(m)
	}
	dir := fuzzDir(f)
	f.Fuzz(func(t *testing.T, manifest string) {
		// Fuzz iterations of one process run one at a time: reuse dir.
		p := filepath.Join(dir, ManifestName)
		if err := os.WriteFile(p, []byte(manifest), 0o644); err != nil {
			t.Fatal(err)
		}
		net, err := Load(p)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		k, n := net.Dims()
		if k < 1 || n < 1 || k > MaxDim || n > MaxDim {
			t.Fatalf("dims %d -> %d accepted", k, n)
		}
		if k*8 > 1<<20 || net.NumParams() > 1<<20 {
			return // too large to run in a fuzz iteration; loading it was the test
		}
		z := make([]float64, k)
		for i := range z {
			z[i] = float64(i%3) - 1
		}
		net.Forward(nil, z)
	})
}
