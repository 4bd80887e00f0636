//go:build unix

package experiment

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConcurrentSweepsOnOneFileRefused(t *testing.T) {
	p := filepath.Join(t.TempDir(), "r.jsonl")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := lockFile(f); err != nil { // stands in for a running sweep
		t.Fatal(err)
	}
	_, err = Sweep(context.Background(), testSpec(t, 1, "oracle"), p, &Options{Resume: true})
	if err == nil || !strings.Contains(err.Error(), "another sweep") {
		t.Fatalf("got %v", err)
	}
}
