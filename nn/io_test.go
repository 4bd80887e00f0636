package nn

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/gencs/gencs/internal/rng"
	"github.com/gencs/gencs/npyfile"
)

func TestSaveLoadRoundTrip(t *testing.T) {
	r := rng.New(11)
	net := testNet(t, r)
	net.Meta["n"] = 6
	net.Meta["alpha"] = 0.125
	net.Meta["seed"] = uint64(1<<63 + 5)
	dir := filepath.Join(t.TempDir(), "model")
	if err := Save(dir, net); err != nil {
		t.Fatal(err)
	}
	got, err := Load(filepath.Join(dir, ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	if got.Kind != "test" || len(got.Layers) != len(net.Layers) {
		t.Fatalf("kind %q, %d layers", got.Kind, len(got.Layers))
	}
	for i := range net.Layers {
		if layerType(got.Layers[i]) != layerType(net.Layers[i]) {
			t.Fatalf("layer %d: %s, want %s", i, layerType(got.Layers[i]), layerType(net.Layers[i]))
		}
	}
	if s := got.Meta["seed"].(json.Number).String(); s != "9223372036854775813" {
		t.Errorf("meta seed %s", s)
	}
	if got.NumParams() != net.NumParams() || got.NonZeros() != net.NonZeros() {
		t.Errorf("counts differ after round trip")
	}
	k, _ := net.Dims()
	for trial := 0; trial < 10; trial++ {
		z := randVec(r, k)
		a, b := net.Forward(nil, z), got.Forward(nil, z)
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("output %d: %v after round trip, %v before", i, b[i], a[i])
			}
		}
	}
}

// writeModel writes a small valid model by hand (as a Python user would) and
// returns its manifest path and the decoded manifest as a generic map.
func writeModel(t *testing.T) (string, map[string]any) {
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(npyfile.WriteMatrix(filepath.Join(dir, "W0.npy"), mat.NewDense(3, 2, []float64{1, 2, 3, 4, 5, 6})))
	must(npyfile.WriteVector(filepath.Join(dir, "b0.npy"), []float64{0.5, -0.5, 0}))
	must(npyfile.WriteVector(filepath.Join(dir, "ip.npy"), []float64{0, 2, 3}))
	must(npyfile.WriteVector(filepath.Join(dir, "ix.npy"), []float64{0, 2, 1}))
	must(npyfile.WriteVector(filepath.Join(dir, "v.npy"), []float64{1, -1, 2}))
	man := map[string]any{
		"format": "gencs-model/1", "kind": "hand", "input_dim": 2, "output_dim": 2,
		"layers": []any{
			map[string]any{"type": "dense", "in": 2, "out": 3, "weight": "W0.npy", "bias": "b0.npy"},
			map[string]any{"type": "relu", "dim": 3},
			map[string]any{"type": "sparse", "in": 3, "out": 2, "indptr": "ip.npy", "indices": "ix.npy", "values": "v.npy"},
			map[string]any{"type": "leaky_relu", "dim": 2, "slope": 0.1},
		},
		"meta": map[string]any{"note": "hand-made"},
	}
	p := filepath.Join(dir, "model.json")
	writeJSON(t, p, man)
	return p, man
}

func writeJSON(t *testing.T, p string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLoadHandWritten(t *testing.T) {
	p, _ := writeModel(t)
	net, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	// z = (1, -1): dense -> (1-2+.5, 3-4-.5, 5-6) = (-.5, -1.5, -1) -> relu 0.
	// z = (1, 1): (3.5, 6.5, 11) -> sparse rows: 3.5 - 11 = -7.5, 2*6.5 = 13
	// -> leaky: -0.75, 13.
	got := net.Forward(nil, []float64{1, 1})
	if math.Abs(got[0]+0.75) > 1e-12 || math.Abs(got[1]-13) > 1e-12 {
		t.Fatalf("G(1,1) = %v, want [-0.75 13]", got)
	}
}

func TestLoadRejects(t *testing.T) {
	cases := []struct {
		name   string
		edit   func(dir string, m map[string]any)
		substr string
	}{
		{"format", func(_ string, m map[string]any) { m["format"] = "gencs-model/9" }, "format"},
		{"layer type", func(_ string, m map[string]any) { layer(m, 1)["type"] = "gelu" }, "unknown layer type"},
		{"unknown field", func(_ string, m map[string]any) { layer(m, 0)["wieght"] = "W0.npy" }, "wieght"},
		{"missing file", func(_ string, m map[string]any) { layer(m, 0)["weight"] = "nope.npy" }, "nope.npy"},
		{"shape", func(_ string, m map[string]any) { layer(m, 0)["in"] = 3; m["input_dim"] = 3 }, "shape"},
		{"bias length", func(dir string, m map[string]any) {
			npyfile.WriteVector(filepath.Join(dir, "b0.npy"), []float64{1, 2})
		}, "bias"},
		{"chain", func(_ string, m map[string]any) { layer(m, 1)["dim"] = 4 }, "layer 1"},
		{"input_dim", func(_ string, m map[string]any) { m["input_dim"] = 5 }, "input_dim"},
		{"nan weight", func(dir string, m map[string]any) {
			npyfile.Write(filepath.Join(dir, "W0.npy"), &npyfile.Array{Shape: []int{3, 2}, Data: []float64{1, 2, 3, math.NaN(), 5, 6}})
		}, "W0.npy"},
		{"csr index", func(dir string, m map[string]any) {
			npyfile.WriteVector(filepath.Join(dir, "ix.npy"), []float64{0, 3, 1})
		}, "column index"},
		{"non-integer index", func(dir string, m map[string]any) {
			npyfile.WriteVector(filepath.Join(dir, "ix.npy"), []float64{0, 1.5, 1})
		}, "integer"},
		{"leaky slope", func(_ string, m map[string]any) { delete(layer(m, 3), "slope") }, "slope"},
		{"no layers", func(_ string, m map[string]any) { m["layers"] = []any{} }, "no layers"},
	}
	for _, c := range cases {
		p, m := writeModel(t)
		c.edit(filepath.Dir(p), m)
		writeJSON(t, p, m)
		_, err := Load(p)
		if err == nil {
			t.Errorf("%s: accepted", c.name)
			continue
		}
		if !strings.Contains(err.Error(), c.substr) {
			t.Errorf("%s: error %q does not mention %q", c.name, err, c.substr)
		}
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("missing manifest accepted")
	}
	p := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(p, []byte("{not json"), 0o644)
	if _, err := Load(p); err == nil {
		t.Error("malformed manifest accepted")
	}
}

func layer(m map[string]any, i int) map[string]any {
	return m["layers"].([]any)[i].(map[string]any)
}

func TestMetaAccessors(t *testing.T) {
	net := testNet(t, rng.New(1))
	net.Meta["n"] = 12
	net.Meta["alpha"] = 1e-3
	net.Meta["seed"] = uint64(1<<64 - 1)
	net.Meta["name"] = "x"
	dir := t.TempDir()
	if err := Save(dir, net); err != nil {
		t.Fatal(err)
	}
	for i, g := range []*Network{net, mustLoad(t, filepath.Join(dir, ManifestName))} {
		if v, ok := g.MetaInt("n"); !ok || v != 12 {
			t.Errorf("%d: MetaInt(n) = %v, %v", i, v, ok)
		}
		if v, ok := g.MetaFloat("alpha"); !ok || v != 1e-3 {
			t.Errorf("%d: MetaFloat(alpha) = %v, %v", i, v, ok)
		}
		if v, ok := g.MetaUint64("seed"); !ok || v != 1<<64-1 {
			t.Errorf("%d: MetaUint64(seed) = %v, %v", i, v, ok)
		}
		if _, ok := g.MetaInt("alpha"); ok {
			t.Errorf("%d: MetaInt accepted a fraction", i)
		}
		if _, ok := g.MetaFloat("name"); ok {
			t.Errorf("%d: MetaFloat accepted a string", i)
		}
	}
}

func mustLoad(t *testing.T, p string) *Network {
	n, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
