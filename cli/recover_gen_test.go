package cli

import (
	"context"
	"errors"
	"flag"
	"io"
	"math"
	"path/filepath"
	"testing"

	"github.com/gencs/gencs/linop"
	"github.com/gencs/gencs/nn"
)

func TestRecoverGenerative(t *testing.T) {
	G, err := nn.RandomReLU([]int{4, 16, 40}, 3)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := nn.Save(dir, G); err != nil {
		t.Fatal(err)
	}
	x := G.Forward(nil, []float64{0.3, -1, 0.8, 0.5})
	A, _ := linop.Gaussian(25, 40, 1)
	y := A.Apply(nil, x)
	for _, method := range []string{"csgm", "pgd"} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		g := addGenFlags(fs)
		if err := fs.Parse([]string{"--model", filepath.Join(dir, "model.json"), "--iters", "2000", "--workers", "1", "--adjoint-start"}); err != nil {
			t.Fatal(err)
		}
		xh, info, err := recoverGenerative(context.Background(), method, A, y, g, 5)
		if err != nil {
			t.Fatal(err)
		}
		e, nx := 0.0, 0.0
		for i := range x {
			e += (xh[i] - x[i]) * (xh[i] - x[i])
			nx += x[i] * x[i]
		}
		if math.Sqrt(e/nx) > 1e-3 {
			t.Errorf("%s: relative error %v (info %v)", method, math.Sqrt(e/nx), info)
		}
		if info["latent_dim"] != 4 || info["status"] == nil {
			t.Errorf("%s: info %v", method, info)
		}
	}
	// Usage errors.
	for _, args := range [][]string{
		{},                                  // no --model
		{"--model", "m.json", "--lr", "-1"}, // bad flag value
		{"--model", "m.json", "--optimizer", "sgd"},
	} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		g := addGenFlags(fs)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		_, _, err := recoverGenerative(context.Background(), "csgm", A, y, g, 1)
		var ue *UsageError
		if !errors.As(err, &ue) {
			t.Errorf("args %v: error %v, want a usage error", args, err)
		}
	}
	// A model whose output length does not match A is an ordinary error.
	G2, _ := nn.RandomReLU([]int{4, 30}, 1)
	dir2 := t.TempDir()
	nn.Save(dir2, G2)
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	g := addGenFlags(fs)
	fs.Parse([]string{"--model", filepath.Join(dir2, "model.json")})
	if _, _, err := recoverGenerative(context.Background(), "csgm", A, y, g, 1); err == nil {
		t.Error("mismatched model accepted")
	}
}
