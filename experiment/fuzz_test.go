package experiment

import (
	"errors"
	"strings"
	"testing"
)

// specSeeds are valid and invalid specs for FuzzDecodeSpec.
var specSeeds = []string{
	validSpec,
	`{"seed":1,"trials":3,"grid":{"n":[64],"m":[16,32],"k":[2],"operator":["dct","hadamard"],"sigma":[0,0.01]},"signal":{"model":"power-law","decay":1.5},"methods":[{"name":"omp"},{"name":"fista","label":"l1","lambda":0.01,"max_iter":50,"tol":1e-6}],"success":{"rel_err":0.05}}`,
	`{"seed":1,"trials":1,"grid":{"n":[1000000000000],"m":[1],"k":[1]},"methods":[{"name":"omp"}]}`,
	`{"seed":1,"trials":1000000000,"grid":{"n":[10],"m":[5],"k":[1]},"methods":[{"name":"omp"}]}`,
	`{"seed":1,"trials":1,"grid":{"n":[10],"m":[5],"k":[1]},"signal":{"model":"model:"},"methods":[{"name":"omp"}]}`,
	`{"seed":-1,"trials":1.5,"grid":{"n":"ten"},"methods":{}}`,
	`{"seed":1,"trials":1,"grid":{"n":[10],"delta":[1e-300],"rho":[1e308]},"methods":[{"name":"omp"}]}`,
	`{"seed":1,"trials":1,"grid":{"n":[10],"m":[5],"k":[1],"sigma":[1e999]},"methods":[{"name":"omp"}]}`,
	`{"seed":1} {"seed":2}`,
	`{"seed":1,"unknown":true}`,
	`[]`, `null`, ``, `{`,
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
		if n := float64(len(s.Cells())) * float64(s.Trials) * float64(len(s.Methods)); n > MaxResults {
			t.Fatalf("%g results accepted", n)
		}
		for _, c := range s.Cells() {
			if c.M < 1 || c.M > c.N || c.K < 1 || c.N > MaxN {
				t.Fatalf("invalid cell %+v", c)
			}
		}
	})
}

func TestSpecLimits(t *testing.T) {
	for i, want := range map[int]string{2: "grid.n[0]", 3: "trials"} {
		_, err := DecodeSpec(strings.NewReader(specSeeds[i]))
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != want {
			t.Errorf("seed %d: err = %v, want a FieldError for %q", i, err, want)
		}
	}
}
