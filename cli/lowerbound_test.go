package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func lbRun(f func(context.Context, *Env, []string) error, args ...string) (string, error) {
	var out, errb bytes.Buffer
	err := f(context.Background(), &Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}, args)
	return out.String(), err
}

func TestConstructAndVerifyCodegen(t *testing.T) {
	dir := t.TempDir()
	out, err := lbRun(constructCodegen, "--n", "48", "--k", "2", "--L", "4", "--r", "1", "--R", "0.125", "--p", "2", "--out", dir, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		OK      bool    `json:"ok"`
		Points  int     `json:"points"`
		SizeX   int     `json:"size_x"`
		MinDist float64 `json:"min_dist"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if !rep.OK || rep.Points != 32 || rep.SizeX != 31 {
		t.Fatalf("report %+v", rep)
	}
	out, err = lbRun(verifyCodegen, "--model", filepath.Join(dir, "model.json"), "--trials", "500")
	if err != nil || !strings.Contains(out, "all claims hold") {
		t.Fatalf("verify: %v\n%s", err, out)
	}
	// Bad parameters are named.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--R", "3", "--out", dir}, "L*r >= 2R"},
		{[]string{"--n", "49", "--out", dir}, "divisible"},
		{[]string{"--p", "3", "--out", dir}, "p must be 1 or 2"},
	} {
		if _, err := lbRun(constructCodegen, c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want %q", c.args, err, c.want)
		}
	}
}

func TestGameCommand(t *testing.T) {
	out, err := lbRun(cmdGame, "--n", "48", "--k", "2", "--m", "48", "--chunks", "3", "--trials", "6", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Successes int  `json:"successes"`
		Trials    int  `json:"trials"`
		BitsSent  int  `json:"bits_sent"`
		Wins      bool `json:"wins"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if !res.Wins || res.Successes != res.Trials || res.BitsSent == 0 {
		t.Fatalf("m = n game: %s", out)
	}
	if _, err := lbRun(cmdGame, "--delta", "0.01"); err == nil || !strings.Contains(err.Error(), "R/24") {
		t.Errorf("large delta: %v", err)
	}
	if _, err := lbRun(cmdGame, "--decoder", "magic"); err == nil {
		t.Error("unknown decoder accepted")
	}
}

func TestLowerBoundExperiments(t *testing.T) {
	out, err := lbRun(experimentLemma31, "--n", "16", "--m", "4", "--trials", "2", "--bits", "4,8", "--json")
	if err != nil || !strings.Contains(out, `"holds": true`) {
		t.Fatalf("lemma31: %v\n%s", err, out)
	}
	fig := filepath.Join(t.TempDir(), "thr.svg")
	out, err = lbRun(experimentThreshold, "--ks", "2", "--ratios", "64,1024", "--decoders", "exhaustive", "--trials", "6", "--out", fig)
	if err != nil || !strings.Contains(out, "slope") {
		t.Fatalf("threshold: %v\n%s", err, out)
	}
	if st, err := os.Stat(fig); err != nil || st.Size() == 0 {
		t.Fatalf("figure: %v", err)
	}
}
