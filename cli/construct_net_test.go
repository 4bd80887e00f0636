package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := Run(context.Background(), &Env{Stdout: &out, Stderr: &errb}, args)
	return out.String(), err
}

// TestConstructVerifyNets builds gsp and grand model files and verifies
// them through the command line; bad parameters are usage errors.
func TestConstructVerifyNets(t *testing.T) {
	dir := t.TempDir()
	gsp := filepath.Join(dir, "gsp")
	if _, err := runCLI(t, "construct", "gsp", "--n", "12", "--k", "3", "--out", gsp); err != nil {
		t.Fatal(err)
	}
	out, err := runCLI(t, "verify", "--model", filepath.Join(gsp, "model.json"), "--trials", "2000", "--json")
	if err != nil {
		t.Fatalf("verify gsp: %v\n%s", err, out)
	}
	var rep struct {
		OK          bool `json:"ok"`
		MaxNonZeros int  `json:"max_output_non_zeros"`
		Depth       int  `json:"depth"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if !rep.OK || rep.MaxNonZeros > 3 || rep.Depth != 2 {
		t.Fatalf("gsp report %+v", rep)
	}
	grand := filepath.Join(dir, "grand")
	if _, err := runCLI(t, "construct", "grand", "--n", "8", "--k", "2", "--seed", "4", "--out", grand); err != nil {
		t.Fatal(err)
	}
	if out, err := runCLI(t, "verify", "--model", filepath.Join(grand, "model.json"), "--trials", "2000"); err != nil || !strings.Contains(out, "[ok  ] every k-sparse target has a preimage") {
		t.Fatalf("verify grand: %v\n%s", err, out)
	}
	// A wedge angle far too large: verify exits with a runtime error.
	bad := filepath.Join(dir, "bad")
	if _, err := runCLI(t, "construct", "grand", "--n", "20", "--k", "2", "--alpha", "0.5", "--seed", "1", "--out", bad); err != nil {
		t.Fatal(err)
	}
	if _, err := runCLI(t, "verify", "--model", filepath.Join(bad, "model.json"), "--trials", "2000"); err == nil || ExitCode(err) != 1 {
		t.Fatalf("alpha=0.5 verified: %v", err)
	}
	for _, args := range [][]string{
		{"construct", "gsp", "--n", "3", "--k", "4", "--out", dir},
		{"construct", "gsp", "--n", "0", "--k", "1", "--out", dir},
		{"construct", "gsp", "--n", "3", "--k", "1"},
		{"construct", "grand", "--n", "5", "--k", "2", "--alpha", "-1", "--out", dir},
		{"verify"},
		{"verify", "--model", filepath.Join(gsp, "model.json"), "--trials", "0"},
	} {
		if _, err := runCLI(t, args...); ExitCode(err) != 2 {
			t.Fatalf("%v: exit %d (%v), want usage error", args, ExitCode(err), err)
		}
	}
}
