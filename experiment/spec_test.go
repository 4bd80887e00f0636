package experiment

import (
	"errors"
	"strings"
	"testing"
)

const validSpec = `{
  "seed": 7, "trials": 2,
  "grid": {"n": [40], "delta": [0.5], "rho": [0.2]},
  "methods": [{"name": "oracle"}]
}`

func TestSpecValidationNamesField(t *testing.T) {
	cases := []struct {
		json  string
		field string
		msg   string
	}{
		{`{"seed":1,"trials":0,"grid":{"n":[10],"m":[5],"k":[1]},"methods":[{"name":"omp"}]}`, "trials", ">= 1"},
		{`{"seed":1,"trials":1,"grid":{"n":[10],"delta":[0.5, 1.5],"k":[1]},"methods":[{"name":"omp"}]}`, "grid.delta[1]", "value 1.5 out of (0,1]"},
		{`{"seed":1,"trials":1,"grid":{"n":[10],"m":[5],"delta":[0.5],"k":[1]},"methods":[{"name":"omp"}]}`, "grid.m", "not both"},
		{`{"seed":1,"trials":1,"grid":{"n":[10],"k":[1]},"methods":[{"name":"omp"}]}`, "grid.delta", "missing"},
		{`{"seed":1,"trials":1,"grid":{"n":[10],"m":[11],"k":[1]},"methods":[{"name":"omp"}]}`, "grid.m[0]", "exceeds n"},
		{`{"seed":1,"trials":1,"grid":{"n":[10],"m":[5],"rho":[0]},"methods":[{"name":"omp"}]}`, "grid.rho[0]", "out of (0,1]"},
		{`{"seed":1,"trials":1,"grid":{"n":[0],"m":[5],"k":[1]},"methods":[{"name":"omp"}]}`, "grid.n[0]", ">= 1"},
		{`{"seed":1,"trials":1,"grid":{"n":[10],"m":[5],"k":[1],"operator":["nope"]},"methods":[{"name":"omp"}]}`, "grid.operator[0]", "unknown operator"},
		{`{"seed":1,"trials":1,"grid":{"n":[10],"m":[5],"k":[1],"sigma":[-1]},"methods":[{"name":"omp"}]}`, "grid.sigma[0]", ">= 0"},
		{`{"seed":1,"trials":1,"grid":{"n":[10],"m":[5],"k":[1]},"methods":[{"name":"omp"},{"name":"nope"}]}`, "methods[1].name", "unknown method"},
		{`{"seed":1,"trials":1,"grid":{"n":[10],"m":[5],"k":[1]},"methods":[{"name":"omp"},{"name":"omp"}]}`, "methods[1].label", "already used"},
		{`{"seed":1,"trials":1,"grid":{"n":[10],"m":[5],"k":[1]},"methods":[]}`, "methods", "missing"},
		{`{"seed":1,"trials":1,"grid":{"n":[10],"m":[5],"k":[1]},"methods":[{"name":"omp"}],"success":{"rel_err":-1}}`, "success.rel_err", "> 0"},
		{`{"seed":1,"trials":1,"grid":{"n":[10],"m":[5],"k":[1]},"signal":{"model":"weird"},"methods":[{"name":"omp"}]}`, "signal.model", "unknown model"},
		{`{"seed":1,"trials":1,"grid":{"n":[10],"m":[5],"k":[1]},"signal":{"model":"power-law","decay":-2},"methods":[{"name":"omp"}]}`, "signal.decay", "> 0"},
	}
	for _, c := range cases {
		_, err := DecodeSpec(strings.NewReader(c.json))
		var fe *FieldError
		if !errors.As(err, &fe) {
			t.Errorf("%s: got %v, want a FieldError for %q", c.json, err, c.field)
			continue
		}
		if fe.Field != c.field || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("got %v, want field %q with %q", err, c.field, c.msg)
		}
		if !strings.Contains(err.Error(), `field "`+c.field+`"`) {
			t.Errorf("message %q does not name the field", err)
		}
	}
	// The exact message format the issue asks for.
	_, err := DecodeSpec(strings.NewReader(`{"seed":1,"trials":1,"grid":{"n":[10],"delta":[1.5],"k":[1]},"methods":[{"name":"omp"}]}`))
	if err == nil || err.Error() != `spec: field "grid.delta[0]": value 1.5 out of (0,1]` {
		t.Errorf("got %v", err)
	}
}

func TestSpecRejectsUnknownFieldsAndBadTypes(t *testing.T) {
	_, err := DecodeSpec(strings.NewReader(`{"seed":1,"trials":1,"grid":{"n":[10],"m":[5],"k":[1],"deltaa":[0.5]},"methods":[{"name":"omp"}]}`))
	if err == nil || !strings.Contains(err.Error(), "deltaa") {
		t.Errorf("unknown field: got %v", err)
	}
	_, err = DecodeSpec(strings.NewReader(`{"seed":1,"trials":"many"}`))
	if err == nil || !strings.Contains(err.Error(), "trials") {
		t.Errorf("bad type: got %v", err)
	}
	_, err = DecodeSpec(strings.NewReader(validSpec + `{}`))
	if err == nil || !strings.Contains(err.Error(), "trailing") {
		t.Errorf("trailing data: got %v", err)
	}
}

func TestCellsFromRatios(t *testing.T) {
	s, err := DecodeSpec(strings.NewReader(`{"seed":1,"trials":1,
		"grid":{"n":[100],"delta":[0.25,0.5],"rho":[0.1,0.5]},"methods":[{"name":"oracle"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := [][3]int{{100, 25, 3}, {100, 25, 13}, {100, 50, 5}, {100, 50, 25}}
	cells := s.Cells()
	if len(cells) != len(want) {
		t.Fatalf("%d cells, want %d", len(cells), len(want))
	}
	for i, c := range cells {
		if [3]int{c.N, c.M, c.K} != want[i] || c.Index != i || c.Operator != "gaussian" || c.Sigma != 0 {
			t.Errorf("cell %d = %+v, want n,m,k = %v", i, c, want[i])
		}
	}
	if s.Success.RelErr != 1e-2 || s.Signal.Model != "sparse-gaussian" {
		t.Errorf("defaults not applied: %+v", s)
	}
}

func TestPresetsValid(t *testing.T) {
	for _, name := range PresetNames() {
		s, err := PresetSpec(name)
		if err != nil {
			t.Errorf("preset %s: %v", name, err)
			continue
		}
		if s.NumTrials() == 0 {
			t.Errorf("preset %s has no trials", name)
		}
	}
	s, _ := PresetSpec("dt")
	if len(s.Grid.Delta) < 8 || len(s.Grid.Rho) < 8 || s.Grid.N[0] != 200 {
		t.Errorf("dt preset grid: %+v", s.Grid)
	}
	if _, err := PresetSpec("nope"); err == nil || !strings.Contains(err.Error(), "dt") {
		t.Errorf("unknown preset: %v", err)
	}
}

func TestShardParsing(t *testing.T) {
	if i, n, err := ParseShard("2/5"); err != nil || i != 2 || n != 5 {
		t.Errorf("ParseShard(2/5) = %d, %d, %v", i, n, err)
	}
	for _, bad := range []string{"5/5", "-1/3", "a/b", "3", "0/0"} {
		if _, _, err := ParseShard(bad); err == nil {
			t.Errorf("ParseShard(%q) accepted", bad)
		}
	}
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	i, n, src, ok, err := ShardFromEnv(env(map[string]string{"SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "8"}), 0)
	if err != nil || !ok || i != 3 || n != 8 || src != "SLURM_ARRAY_TASK_ID" {
		t.Errorf("slurm: %d %d %s %v %v", i, n, src, ok, err)
	}
	i, n, _, ok, err = ShardFromEnv(env(map[string]string{"JOB_COMPLETION_INDEX": "2", "GENCS_SHARDS": "4"}), 0)
	if err != nil || !ok || i != 2 || n != 4 {
		t.Errorf("k8s env count: %d %d %v %v", i, n, ok, err)
	}
	i, n, _, ok, err = ShardFromEnv(env(map[string]string{"JOB_COMPLETION_INDEX": "2", "GENCS_SHARDS": "4"}), 3)
	if err != nil || !ok || i != 2 || n != 3 {
		t.Errorf("k8s flag count: %d %d %v %v", i, n, ok, err)
	}
	if _, _, _, ok, err = ShardFromEnv(env(map[string]string{"JOB_COMPLETION_INDEX": "2"}), 0); err == nil || !ok {
		t.Errorf("missing count accepted: %v", err)
	}
	if _, _, _, ok, err = ShardFromEnv(env(map[string]string{"JOB_COMPLETION_INDEX": "4", "GENCS_SHARDS": "4"}), 0); err == nil || !ok {
		t.Errorf("index out of range accepted: %v", err)
	}
	if _, _, _, ok, err = ShardFromEnv(env(nil), 0); ok || err != nil {
		t.Errorf("empty env: %v %v", ok, err)
	}
}

func TestWilson(t *testing.T) {
	// Reference values of the 95% Wilson score interval (z = 1.96).
	cases := []struct {
		s, n   int
		lo, hi float64
	}{
		{0, 10, 0, 0.2775},
		{5, 10, 0.2366, 0.7634},
		{10, 10, 0.7225, 1},
		{1, 20, 0.0089, 0.2361},
	}
	for _, c := range cases {
		lo, hi := Wilson(c.s, c.n, 1.96)
		if abs(lo-c.lo) > 5e-4 || abs(hi-c.hi) > 5e-4 {
			t.Errorf("Wilson(%d/%d) = [%.4f, %.4f], want [%.4f, %.4f]", c.s, c.n, lo, hi, c.lo, c.hi)
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
