package npyfile

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	cases := []*Array{
		{Shape: []int{5}, Data: []float64{1, -2, 3.5, 0, 1e-300}},
		{Shape: []int{2, 3}, Data: []float64{1, 2, 3, 4, 5, 6}},
		{Shape: []int{2, 2, 2}, Data: []float64{1, 2, 3, 4, 5, 6, 7, 8}},
	}
	for i, c := range cases {
		p := filepath.Join(dir, "a.npy")
		if err := Write(p, c); err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		got, err := Read(p)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if len(got.Shape) != len(c.Shape) {
			t.Fatalf("case %d: shape %v, want %v", i, got.Shape, c.Shape)
		}
		for j := range c.Shape {
			if got.Shape[j] != c.Shape[j] {
				t.Fatalf("case %d: shape %v, want %v", i, got.Shape, c.Shape)
			}
		}
		for j := range c.Data {
			if got.Data[j] != c.Data[j] {
				t.Fatalf("case %d: data %v, want %v", i, got.Data, c.Data)
			}
		}
	}
}

func TestMatrixAndVector(t *testing.T) {
	dir := t.TempDir()
	m := mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6})
	p := filepath.Join(dir, "m.npy")
	if err := WriteMatrix(p, m); err != nil {
		t.Fatal(err)
	}
	got, err := ReadMatrix(p)
	if err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(got, m) {
		t.Fatalf("got %v", mat.Formatted(got))
	}
	if _, err := ReadVector(p); err == nil || !strings.Contains(err.Error(), "want a vector") {
		t.Fatalf("2x3 read as vector: %v", err)
	}
	v := filepath.Join(dir, "v.npy")
	if err := WriteVector(v, []float64{1, 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadMatrix(v); err == nil {
		t.Fatal("vector read as matrix without error")
	}
}

func TestRejectsNonFinite(t *testing.T) {
	dir := t.TempDir()
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		p := filepath.Join(dir, "bad.npy")
		if err := WriteVector(p, []float64{1, bad, 3}); err != nil {
			t.Fatal(err)
		}
		_, err := ReadVector(p)
		if err == nil || !strings.Contains(err.Error(), "entry 1") {
			t.Fatalf("value %v: err = %v", bad, err)
		}
	}
}

func TestRejectsMalformed(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"empty.npy":   "",
		"garbage.npy": "this is not numpy at all, not even close......",
		"trunc.npy":   "\x93NUMPY\x01\x00\x76\x00{'descr': '<f8', 'fortran_order': False, 'shape': (10,), }",
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o644)
		if _, err := Read(p); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := Read(filepath.Join(dir, "missing.npy")); err == nil {
		t.Error("missing file: no error")
	}
}
