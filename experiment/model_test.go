package experiment

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/gencs/gencs/nn"
)

var _ Generator = (*nn.Network)(nil)

func init() {
	// A method that needs the model: fails unless Problem.Model is the
	// signal's generator.
	RegisterMethod("test-needs-model", func(p *Problem) (Outcome, error) {
		if p.Model == nil {
			return Outcome{}, errors.New("no model")
		}
		_, n := p.Model.Dims()
		return Outcome{X: make([]float64, n), Status: "converged"}, nil
	})
}

func TestModelSignal(t *testing.T) {
	// G(z) = W z with W = [e_1 e_3] in R^{8x2}: the range is the 2-sparse
	// vectors supported on {1, 3}, which the support oracle recovers
	// exactly from m >= 2 noiseless measurements.
	W := mat.NewDense(8, 2, nil)
	W.Set(1, 0, 1)
	W.Set(3, 1, 1)
	net, err := nn.NewNetwork("test", nn.NewDense(W, nil))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := nn.Save(dir, net); err != nil {
		t.Fatal(err)
	}
	model := "model:" + filepath.Join(dir, nn.ManifestName)
	s := &Spec{Seed: 1, Trials: 3, Grid: Grid{N: []int{8}, M: []int{2, 4}, K: []int{2}},
		Signal: Signal{Model: model}, Methods: []MethodSpec{{Name: "oracle"}, {Name: "test-needs-model"}}}
	if err := s.Normalize(); err != nil {
		t.Fatal(err)
	}
	recs, err := Collect(context.Background(), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 12 {
		t.Fatalf("%d records", len(recs))
	}
	for _, r := range recs {
		switch {
		case r.Signal != model:
			t.Errorf("record %+v", r)
		case r.Method == "oracle" && !(float64(r.RelErr) < 1e-12):
			t.Errorf("oracle on the model's range: %+v", r)
		case r.Method == "test-needs-model" && (r.Status == "error" || float64(r.RelErr) != 1):
			// The zero estimate has relative error exactly 1.
			t.Errorf("model not passed to the method: %+v", r)
		}
	}
	// The grid's n must match the model's output dimension.
	s.Grid.N = []int{9}
	s.Grid.M = []int{2}
	_, err = Collect(context.Background(), s, nil)
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "grid.n[0]" || !strings.Contains(err.Error(), "output dimension 8") {
		t.Errorf("n mismatch: %v", err)
	}
	// A missing model file is an error naming the field and the file.
	s.Signal.Model = "model:" + filepath.Join(dir, "nope.json")
	s.Grid.N = []int{8}
	if _, err := Collect(context.Background(), s, nil); !errors.As(err, &fe) || fe.Field != "signal.model" || !strings.Contains(err.Error(), "nope.json") {
		t.Errorf("missing model: %v", err)
	}
	// In a spec file, a relative model path is relative to the file; the
	// path as written names the signal.
	specPath := filepath.Join(dir, "spec.json")
	os.WriteFile(specPath, []byte(`{"seed":1,"trials":1,"grid":{"n":[8],"m":[4],"k":[2]},
		"signal":{"model":"model:model.json"},"methods":[{"name":"oracle"}]}`), 0o644)
	ls, err := LoadSpec(specPath)
	if err != nil {
		t.Fatal(err)
	}
	recs, err = Collect(context.Background(), ls, nil)
	if err != nil || len(recs) != 1 || recs[0].Signal != "model:model.json" || !(float64(recs[0].RelErr) < 1e-12) {
		t.Errorf("relative model path: %+v, %v", recs, err)
	}
}
