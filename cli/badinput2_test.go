package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBadInputTable2 extends TestBadInputTable to game, construct codegen,
// verify (codegen models), experiment gsp|threshold|bora and train vae.
// Every case must fail before any work starts (the table runs in well under
// a second), with the exit status of the rule in badinput_test.go, a
// one-line message naming the flag at fault and the command's name once,
// and no output left behind.
func TestBadInputTable2(t *testing.T) {
	dir := t.TempDir()
	nodir := filepath.Join(dir, "no", "such", "dir")
	out := filepath.Join(dir, "out")
	png := filepath.Join(dir, "fig.png")
	type badCase struct {
		args []string
		code int
		want []string
	}
	game := func(extra ...string) []string { return append([]string{"game", "--trials", "2"}, extra...) }
	cg := func(extra ...string) []string {
		return append([]string{"construct", "codegen", "--out", out}, extra...)
	}
	gsp := func(extra ...string) []string {
		return append([]string{"experiment", "gsp", "--out", png}, extra...)
	}
	thr := func(extra ...string) []string {
		return append([]string{"experiment", "threshold", "--quick", "--out", png}, extra...)
	}
	bora := func(extra ...string) []string {
		return append([]string{"experiment", "bora", "--out", out, "--model", filepath.Join(dir, "missing", "model.json"), "--data", filepath.Join(dir, "nodata")}, extra...)
	}
	vae := func(extra ...string) []string {
		return append([]string{"train", "vae", "--out", out, "--data", filepath.Join(dir, "nodata")}, extra...)
	}
	cases := []badCase{
		// game.
		{game("--n", "0"), 2, []string{"--n"}},
		{game("--k", "0"), 2, []string{"--k"}},
		{game("--k", "96"), 2, []string{"--k"}},
		{game("--k", "5"), 2, []string{"--k", "--n"}},
		{game("--m", "0"), 2, []string{"--m"}},
		{game("--m", "49"), 2, []string{"--m"}},
		{game("--L", "NaN"), 2, []string{"--L"}},
		{game("--r", "Inf"), 2, []string{"--r"}},
		{game("--delta", "-1"), 2, []string{"--delta"}},
		{game("--delta", "0.1"), 2, []string{"--delta", "--allow-large-delta"}},
		{game("--L", "1e300", "--r", "1e300", "--delta", "1e-300"), 2, []string{"--delta"}},
		{game("--query", "99"), 2, []string{"--query"}},
		{game("--query", "-1"), 2, []string{"--query"}},
		{game("--p", "0"), 2, []string{"--p"}},
		{game("--p", "3"), 2, []string{"--p"}},
		{game("--trials", "-1"), 2, []string{"--trials"}},
		{game("--D", "-1"), 2, []string{"--D"}},
		{game("--D", "1"), 2, []string{"--D"}},
		{game("--prec", "-1"), 2, []string{"-prec"}},
		{game("--prec", "10"), 2, []string{"--prec"}},
		{game("--iters", "-1"), 2, []string{"--iters"}},
		{game("--restarts", "-1"), 2, []string{"--restarts"}},
		{game("--b", "-1"), 2, []string{"--b"}},
		{game("--b", "65"), 2, []string{"--b"}},
		{game("--chunks", "-1"), 2, []string{"--chunks"}},
		{game("--chunks", "65"), 2, []string{"--chunks"}},
		{game("--max-code-dim", "-1"), 2, []string{"--max-code-dim"}},
		{game("--precision", "-1"), 2, []string{"--precision"}},
		{game("--decoder", "nosuch"), 2, []string{"--decoder", "nosuch"}},
		{game("--n", "1000000000", "--k", "1"), 2, []string{"--n", "limit"}},

		// construct codegen.
		{[]string{"construct", "codegen"}, 2, []string{"--out"}},
		{cg("--n", "0"), 2, []string{"--n"}},
		{cg("--k", "0"), 2, []string{"--k"}},
		{cg("--k", "5"), 2, []string{"--k", "--n"}},
		{cg("--L", "NaN"), 2, []string{"--L"}},
		{cg("--r", "-1"), 2, []string{"--r"}},
		{cg("--R", "Inf"), 2, []string{"--R"}},
		{cg("--R", "100"), 2, []string{"--R"}},
		{cg("--p", "0"), 2, []string{"--p"}},
		{cg("--max-code-dim", "-1"), 2, []string{"--max-code-dim"}},
		{cg("--n", "1000000000", "--k", "1"), 2, []string{"--n", "limit"}},
		{[]string{"construct", "codegen", "--out", filepath.Join(nodir, "m")}, 1, []string{nodir}},

		// verify (codegen models). ("verify" without --model repeats the
		// prefix in cli/verify.go, which this table does not cover.)
		{[]string{"verify", "--model", filepath.Join(dir, "missing.json")}, 1, []string{"missing.json"}},

		// experiment gsp.
		{gsp("--lr", "Inf"), 2, []string{"--lr"}},
		{gsp("--lr", "NaN"), 2, []string{"--lr"}},
		{gsp("--lr", "0"), 2, []string{"--lr"}},
		{gsp("--m", "100"), 2, []string{"--m"}},
		{gsp("--m", "0"), 2, []string{"--m"}},
		{gsp("--trials", "0"), 2, []string{"--trials"}},
		{gsp("--trials", "100000000"), 2, []string{"--trials"}},
		{gsp("--restarts", "-1"), 2, []string{"--restarts"}},
		{gsp("--iters", "0"), 2, []string{"--iters"}},
		{gsp("--workers", "-1"), 2, []string{"--workers"}},
		{gsp("--landscape", "-1"), 2, []string{"--landscape"}},
		{gsp("--noise", "NaN"), 2, []string{"--noise"}},
		{gsp("--n", "20", "--k", "21"), 2, []string{"--k"}},
		{gsp("--n", "20,40", "--k", "2"), 2, []string{"--n", "--k"}},
		{gsp("--out", filepath.Join(dir, "fig.gif")), 2, []string{"--out"}},
		{gsp("--out", filepath.Join(nodir, "fig.png")), 1, []string{nodir}},

		// experiment threshold.
		{thr("--out", filepath.Join(nodir, "fig.png")), 1, []string{nodir}},
		{thr("--out", filepath.Join(dir, "fig.gif")), 2, []string{"--out"}},
		{thr("--trials", "-1"), 2, []string{"--trials"}},
		{thr("--D", "1"), 2, []string{"--D"}},
		{thr("--chunks", "0"), 2, []string{"--chunks"}},
		{thr("--block", "1"), 2, []string{"--block"}},
		{thr("--block", "100000000"), 2, []string{"--block", "limit"}},
		{thr("--max-code-dim", "-1"), 2, []string{"--max-code-dim"}},
		{thr("--decoders", "nosuch"), 2, []string{"--decoders", "nosuch"}},
		{thr("--ks", "0"), 2, []string{"--ks"}},
		{thr("--ratios", "NaN"), 2, []string{"--ratios"}},
		{[]string{"experiment", "lemma31", "--m", "0"}, 2, []string{"--m"}},
		{[]string{"experiment", "lemma31", "--trials", "0"}, 2, []string{"--trials"}},

		// experiment bora: bad flags are reported as such even though no
		// decoder (and no data) is installed.
		{bora("--sigma", "NaN"), 2, []string{"--sigma"}},
		{bora("--sigma", "-1"), 2, []string{"--sigma"}},
		{bora("--lr", "Inf"), 2, []string{"--lr"}},
		{bora("--lr", "0"), 2, []string{"--lr"}},
		{bora("--zprior", "Inf"), 2, []string{"--zprior"}},
		{bora("--sparse-alpha", "NaN"), 2, []string{"--sparse-alpha"}},
		{bora("--lasso-alpha", "Inf"), 2, []string{"--lasso-alpha"}},
		{bora("--steps", "-1"), 2, []string{"--steps"}},
		{bora("--restarts", "-1"), 2, []string{"--restarts"}},
		{bora("--images", "-1"), 2, []string{"--images"}},
		{bora("--m", "1000"), 2, []string{"--m"}},
		{bora("--m", "0"), 2, []string{"--m"}},
		{bora("--methods", "csgm,nosuch"), 2, []string{"--methods", "nosuch"}},
		{bora("--dataset", "nosuch"), 2, []string{"--dataset", "nosuch"}},
		{bora("--a-scale", "big"), 2, []string{"--a-scale"}},

		// train vae.
		{[]string{"train", "vae"}, 2, []string{"--out"}},
		{vae("--latent", "100000000"), 2, []string{"--latent"}},
		{vae("--hidden", "100000000"), 2, []string{"--hidden"}},
		{vae("--latent", "0"), 2, []string{"--latent"}},
		{vae("--lr", "Inf"), 2, []string{"--lr"}},
		{vae("--lr", "NaN"), 2, []string{"--lr"}},
		{vae("--dataset", "nosuch"), 2, []string{"--dataset", "nosuch"}},
		{vae("--max-steps", "-1"), 2, []string{"--max-steps"}},
		{vae("--epochs", "0"), 2, []string{"--epochs"}},
		{vae("--batch", "-1"), 2, []string{"--batch"}},
		{[]string{"train", "vae", "--out", filepath.Join(nodir, "m")}, 1, []string{nodir}},
	}
	for _, c := range cases {
		name := strings.ReplaceAll(strings.Join(c.args, " "), dir+"/", "")
		t.Run(name, func(t *testing.T) {
			msg := checkBadInput(t, c.args, c.code, c.want)
			// The command's name appears once, as the prefix Run adds.
			for _, word := range []string{"game", "codegen", "gsp", "threshold", "bora", "vae", "verify", "lemma31"} {
				if strings.Count(msg, word+": ") > 1 {
					t.Errorf("prefix %q repeated in %q", word+": ", msg)
				}
			}
			if strings.Contains(msg, "no decoder") {
				t.Errorf("bad flag reported as a missing decoder: %q", msg)
			}
			for _, o := range []string{out, png} {
				if _, err := os.Stat(o); err == nil {
					t.Errorf("output %s left behind", o)
					os.RemoveAll(o)
				}
			}
			if ents, _ := os.ReadDir(dir); len(ents) > 0 {
				var names []string
				for _, e := range ents {
					names = append(names, e.Name())
				}
				t.Errorf("files left in the output directory: %v", names)
			}
		})
	}
}

// TestGameNormP: p is the norm of guarantee (2) and Theorem 1.1 holds for
// p = 1 as for p = 2, so both play (and win with the exhaustive decoder,
// whose rounding is exact for the proof's parameters); other values are
// usage errors (TestBadInputTable2).
func TestGameNormP(t *testing.T) {
	for _, p := range []string{"1", "2"} {
		var o, e bytes.Buffer
		env := &Env{Stdout: &o, Stderr: &e, Getenv: func(string) string { return "" }}
		if err := Run(context.Background(), env, []string{"game", "--p", p, "--trials", "3", "--n", "24", "--k", "2", "--m", "24", "--json"}); err != nil {
			t.Fatalf("--p %s: %v", p, err)
		}
		var res struct {
			P         int `json:"p"`
			Successes int `json:"successes"`
			Trials    int `json:"trials"`
		}
		if err := json.Unmarshal(o.Bytes(), &res); err != nil {
			t.Fatalf("--p %s: %v: %s", p, err, o.String())
		}
		if fmt.Sprint(res.P) != p || res.Trials != 3 || res.Successes != 3 {
			t.Errorf("--p %s: p = %d, %d/%d games won, want all (m = n and noise below half the point spacing)", p, res.P, res.Successes, res.Trials)
		}
	}
}
