package bounds

import (
	"math"
	"strings"
	"testing"
)

func TestComputeValues(t *testing.T) {
	est, err := Compute(Params{N: 1000, K: 10, L: 2, R: 100, Delta: 0.01})
	if err != nil {
		t.Fatal(err)
	}
	if len(est) != 4 {
		t.Fatalf("got %d estimates, want 4", len(est))
	}
	if got, want := est[0].Value, 10*math.Log(100); math.Abs(got-want) > 1e-12 {
		t.Errorf("sparse: %v, want %v", got, want)
	}
	bora := 10 + 10*math.Log(2*100/0.01)
	if math.Abs(est[2].Value-bora) > 1e-12 {
		t.Errorf("bora: %v, want %v", est[2].Value, bora)
	}
	if est[3].Value != bora {
		t.Errorf("lower bound below cap should equal bora: %v vs %v", est[3].Value, bora)
	}
	// The lower bound caps at n.
	est, _ = Compute(Params{N: 50, K: 10, L: 1e6, R: 1e6, Delta: 1e-6})
	if est[3].Value != 50 {
		t.Errorf("cap: got %v, want n = 50", est[3].Value)
	}
}

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		p    Params
		want string
	}{
		{Params{N: 0, K: 1}, "n = 0"},
		{Params{N: 10, K: 0}, "k = 0"},
		{Params{N: 10, K: 11}, "k = 11 > n = 10"},
		{Params{N: 10, K: 2, L: 1}, "give all of L, r and delta"},
		{Params{N: 10, K: 2, L: math.NaN(), R: 1, Delta: 1}, "finite"},
	} {
		_, err := Compute(c.p)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: err = %v, want %q", c.p, err, c.want)
		}
	}
}
