package plot

import (
	"bytes"
	"context"
	"encoding/xml"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gencs/gencs/experiment"
)

// results runs a small phase-diagram sweep with the oracle and OMP.
func results(t *testing.T) []experiment.Record {
	t.Helper()
	s := &experiment.Spec{
		Seed: 5, Trials: 3,
		Grid:    experiment.Grid{N: []int{40}, Delta: []float64{0.25, 0.5, 0.75}, Rho: []float64{0.1, 0.3, 0.6}, Sigma: []float64{0, 0.001}},
		Methods: []experiment.MethodSpec{{Name: "oracle"}, {Name: "omp"}},
	}
	if err := s.Normalize(); err != nil {
		t.Fatal(err)
	}
	recs, err := experiment.Collect(context.Background(), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestFiguresDecode(t *testing.T) {
	recs := results(t)
	dir := t.TempDir()
	for _, kind := range []string{Phase, Success, Error} {
		for _, ext := range []string{"png", "svg"} {
			p := filepath.Join(dir, kind+"."+ext)
			var notes []string
			if err := WriteFile(p, recs, &Options{Kind: kind, Notes: func(s string) { notes = append(notes, s) }}); err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			b, err := os.ReadFile(p)
			if err != nil || len(b) == 0 {
				t.Fatalf("%s: empty or unreadable (%v)", p, err)
			}
			switch ext {
			case "png":
				img, err := png.Decode(bytes.NewReader(b))
				if err != nil {
					t.Fatalf("%s: %v", p, err)
				}
				if r := img.Bounds(); r.Dx() < 200 || r.Dy() < 200 {
					t.Errorf("%s: tiny image %v", p, r)
				}
			case "svg":
				dec := xml.NewDecoder(bytes.NewReader(b))
				root := ""
				for {
					tok, err := dec.Token()
					if err == io.EOF {
						break
					}
					if err != nil {
						t.Fatalf("%s: malformed XML: %v", p, err)
					}
					if se, ok := tok.(xml.StartElement); ok && root == "" {
						root = se.Name.Local
					}
				}
				if root != "svg" {
					t.Errorf("%s: root element %q", p, root)
				}
			}
			if kind == Phase && (len(notes) == 0 || !strings.Contains(notes[0], "sigma")) {
				// Two sigma values: the phase diagram must say which slice it shows.
				t.Errorf("no note about the shown slice: %q", notes)
			}
		}
	}
}

func TestPlotErrors(t *testing.T) {
	recs := results(t)
	dir := t.TempDir()
	if err := WriteFile(filepath.Join(dir, "x.gif"), recs, nil); err == nil || !strings.Contains(err.Error(), ".gif") {
		t.Errorf("gif: %v", err)
	}
	p := filepath.Join(dir, "x.png")
	if err := WriteFile(p, recs, &Options{Methods: []string{"nope"}}); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("unknown method: %v", err)
	}
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Errorf("failed plot left a file: %v", err)
	}
	if err := WriteFile(p, nil, nil); err == nil {
		t.Error("empty results accepted")
	}
	if err := WriteFile(p, recs, &Options{Kind: "pie"}); err == nil || !strings.Contains(err.Error(), "pie") {
		t.Errorf("bad kind: %v", err)
	}
}
