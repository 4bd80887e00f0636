package experiment

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
)

// specSeeds are valid and invalid specs for FuzzDecodeSpec.
var specSeeds = []string{
	validSpec,
	`{"seed":1,"trials":3,"grid":{"n":[64],"m":[16,32],"k":[2],"operator":["dct","hadamard"],"sigma":[0,0.01]},"signal":{"model":"power-law","decay":1.5},"methods":[{"name":"omp"},{"name":"fista","label":"l1","lambda":0.01,"max_iter":50,"tol":1e-6}],"success":{"rel_err":0.05}}`,
	`{"seed":1,"trials":1,"grid":{"n":[1000000000000],"m":[1],"k":[1]},"methods":[{"name":"omp"}]}`,
	`{"seed":1,"trials":1000000000,"grid":{"n":[10],"m":[5],"k":[1]},"methods":[{"name":"omp"}]}`,
	hugeGridSpec(),
	`{"seed":1,"trials":1,"grid":{"n":[10],"m":[5],"k":[1]},"signal":{"model":"model:"},"methods":[{"name":"omp"}]}`,
	`{"seed":-1,"trials":1.5,"grid":{"n":"ten"},"methods":{}}`,
	`{"seed":1,"trials":1,"grid":{"n":[10],"delta":[1e-300],"rho":[1e308]},"methods":[{"name":"omp"}]}`,
	`{"seed":1,"trials":1,"grid":{"n":[10],"m":[5],"k":[1],"sigma":[1e999]},"methods":[{"name":"omp"}]}`,
	`{"seed":1} {"seed":2}`,
	`{"seed":1,"unknown":true}`,
	`[]`, `null`, ``, `{`,
}

// hugeGridSpec has 100 x 100 x 101 > MaxCells cells with one trial.
func hugeGridSpec() string {
	var ms, sig []string
	for i := 1; i <= 100; i++ {
		ms = append(ms, strconv.Itoa(i))
	}
	for i := 0; i <= 100; i++ {
		sig = append(sig, strconv.Itoa(i))
	}
	l := strings.Join(ms, ",")
	return `{"seed":1,"trials":1,"grid":{"n":[1000],"m":[` + l + `],"k":[` + l + `],"sigma":[` + strings.Join(sig, ",") + `]},"methods":[{"name":"omp"}]}`
}

// FuzzDecodeSpec: any input either fails with a one-line error or yields a
// spec that validates again and whose grid is small enough to enumerate.
func FuzzDecodeSpec(f *testing.F) {
	for _, s := range specSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := DecodeSpec(strings.NewReader(in))
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("decoded spec fails validation: %v", err)
		}
		g := s.Grid
		cells := len(g.N) * len(g.Operator) * len(g.Sigma) * (len(g.M) + len(g.Delta)) * (len(g.K) + len(g.Rho))
		if cells > MaxCells || float64(cells)*float64(s.Trials)*float64(len(s.Methods)) > MaxResults {
			t.Fatalf("%d cells x %d trials accepted", cells, s.Trials)
		}
		if cells > 10000 {
			return // valid but too large to enumerate in every fuzz iteration
		}
		for _, c := range s.Cells() {
			if c.M < 1 || c.M > c.N || c.K < 1 || c.N > MaxN {
				t.Fatalf("invalid cell %+v", c)
			}
		}
	})
}

func TestSpecLimits(t *testing.T) {
	for i, want := range map[int]string{2: "grid.n[0]", 3: "trials", 4: "grid"} {
		_, err := DecodeSpec(strings.NewReader(specSeeds[i]))
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != want {
			t.Errorf("seed %d: err = %v, want a FieldError for %q", i, err, want)
		}
	}
}

// recordSeeds are result files for FuzzReadRecords.
var recordSeeds = []string{
	`{"n":40,"m":20,"k":3,"delta":0.5,"rho":0.15,"operator":"gaussian","signal":"sparse-gaussian","sigma":0,"trial":0,"seed":1,"method":"omp","rel_err":1e-12,"threshold":0.01,"success":true,"iterations":3,"status":"converged"}` + "\n" +
		`{"n":40,"m":20,"k":3,"delta":0.5,"rho":0.15,"operator":"gaussian","signal":"sparse-gaussian","sigma":0,"trial":1,"seed":2,"method":"omp","rel_err":null,"threshold":0.01,"success":false,"iterations":3,"status":"error","error":"x"}` + "\n",
	`{"n":40,"m":20,"k":3,"method":"omp","rel_err":0.5}` + "\n" + `{"n":40,"m":20,"k":3,"method":"omp","rel_err":0.5}` + "\n" + `{"n":40,"m":20`,
	`{"n":1,"m":1000000,"k":99999999,"delta":1e308,"rho":-1e308,"method":"amp","rel_err":1e308}` + "\n",
	`{"n":"forty"}` + "\n" + `{}` + "\n",
	"\n\n\n", "garbage", "",
}

// FuzzReadRecords: any results file is read, summarised and merged
// without a panic, or rejected with a one-line error.
func FuzzReadRecords(f *testing.F) {
	for _, s := range recordSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		res, err := ReadRecords(strings.NewReader(in))
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		if res.GoodBytes > int64(len(in)) {
			t.Fatalf("GoodBytes %d > input length %d", res.GoodBytes, len(in))
		}
		rows := Summarize(res.Records)
		tps := Transitions(rows)
		// summary --json must be able to print whatever it read.
		if _, err := json.Marshal(rows); err != nil {
			t.Fatalf("summary rows do not encode: %v", err)
		}
		if _, err := json.Marshal(tps); err != nil {
			t.Fatalf("transitions do not encode: %v", err)
		}
		Merge([]Input{{Name: "a", Records: res.Records}, {Name: "b", Records: res.Records}}, nil)
	})
}
