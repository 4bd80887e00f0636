package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteSuccessAndFailure(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.txt")
	if err := Write(p, func(w io.Writer) error { _, err := io.WriteString(w, "hello"); return err }); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil || string(b) != "hello" {
		t.Fatalf("got %q, %v", b, err)
	}
	// A failing writer leaves the old content and no temporary files.
	err = Write(p, func(w io.Writer) error { io.WriteString(w, "partial"); return errors.New("boom") })
	if err == nil {
		t.Fatal("expected error")
	}
	b, _ = os.ReadFile(p)
	if string(b) != "hello" {
		t.Fatalf("old content lost: %q", b)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Fatalf("temporary files left behind: %v", ents)
	}
	// A failing first write creates nothing.
	q := filepath.Join(dir, "new.txt")
	_ = Write(q, func(w io.Writer) error { return errors.New("boom") })
	if _, err := os.Stat(q); !os.IsNotExist(err) {
		t.Fatalf("partial file created: %v", err)
	}
}
