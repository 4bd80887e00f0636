// Package npyfile reads and writes NumPy .npy arrays as float64 data, the
// format gencs uses to exchange matrices, measurements and signals with
// Python. Reads validate what they load: unsupported dtypes, bad shapes and
// NaN or Inf entries are errors that name the file. Writes are atomic.
package npyfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"codeberg.org/sbinet/npyio"
	"codeberg.org/sbinet/npyio/npy"
	"codeberg.org/sbinet/npyio/npy/float16"
	"gonum.org/v1/gonum/mat"

	"github.com/gencs/gencs/internal/atomicfile"
	"github.com/gencs/gencs/internal/finite"
)

// Array is a dense row-major (C-order) array of float64 values.
type Array struct {
	Shape []int
	Data  []float64
}

// Read loads an .npy file of any real numeric dtype (float16/32/64 or
// integer) and converts it to float64 in C order. It returns an error if the
// file cannot be read or parsed, if its data section does not hold exactly
// the values its shape declares, or if any entry is NaN or infinite.
func Read(path string) (*Array, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("open array: %w", err)
	}
	a, err := decode(raw)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return a, nil
}

// maxElems bounds the element count a header may declare (before it is
// checked against the bytes present), so that products of dimensions
// cannot overflow.
const maxElems = 1 << 48

// decode parses a complete .npy file held in raw. It never trusts the
// header's sizes: the header length and the declared shape are checked
// against the bytes present before anything is allocated.
func decode(raw []byte) (a *Array, err error) {
	defer func() {
		// npyio panics on some malformed headers; turn that into an error.
		if p := recover(); p != nil {
			a, err = nil, fmt.Errorf("malformed .npy header: %s", oneLine(fmt.Sprint(p)))
		}
	}()
	const magic = "\x93NUMPY"
	if len(raw) < len(magic)+2 || string(raw[:len(magic)]) != magic {
		return nil, errors.New("not a valid .npy file: missing the \\x93NUMPY magic string")
	}
	var hdrLen, pre int
	switch major := raw[len(magic)]; major {
	case 1:
		pre = len(magic) + 4
		if len(raw) < pre {
			return nil, errors.New("not a valid .npy file: truncated header")
		}
		hdrLen = int(binary.LittleEndian.Uint16(raw[len(magic)+2:]))
	case 2:
		pre = len(magic) + 6
		if len(raw) < pre {
			return nil, errors.New("not a valid .npy file: truncated header")
		}
		hdrLen = int(binary.LittleEndian.Uint32(raw[len(magic)+2:]))
	default:
		return nil, fmt.Errorf("not a valid .npy file: unsupported format version %d", major)
	}
	if hdrLen > len(raw)-pre {
		return nil, fmt.Errorf("not a valid .npy file: header length %d exceeds the %d bytes present", hdrLen, len(raw)-pre)
	}
	if !bytes.Contains(raw[pre:pre+hdrLen], []byte("\n")) {
		return nil, errors.New("not a valid .npy file: header does not end in a newline")
	}
	rd, err := npy.NewReader(bytes.NewReader(raw[:pre+hdrLen]))
	if err != nil {
		// npyio quotes header bytes, which may hold newlines: keep the
		// message on one line.
		return nil, fmt.Errorf("not a valid .npy file: %s", oneLine(err.Error()))
	}
	body := raw[pre+hdrLen:]
	shape := append([]int(nil), rd.Header.Descr.Shape...)
	n := 1
	for _, s := range shape {
		if s < 0 {
			return nil, fmt.Errorf("negative dimension in shape %v", shape)
		}
		if s > 0 && n > maxElems/s {
			return nil, fmt.Errorf("shape %v is too large", shape)
		}
		n *= s
	}
	t := strings.Trim(rd.Header.Descr.Type, "'\" ")
	conv, size := converter(t)
	if conv == nil {
		return nil, fmt.Errorf("unsupported dtype %q (want a real float or integer type, little-endian)", t)
	}
	if len(body) != n*size {
		return nil, fmt.Errorf("shape %v needs %d values (%d bytes of %s), file holds %d bytes of data", shape, n, n*size, t, len(body))
	}
	data := make([]float64, n)
	for i := range data {
		data[i] = conv(body[i*size:])
	}
	if rd.Header.Descr.Fortran && len(shape) == 2 {
		data = fromFortran(data, shape[0], shape[1])
	} else if rd.Header.Descr.Fortran && len(shape) > 2 {
		return nil, fmt.Errorf("Fortran-order arrays with %d dimensions are not supported", len(shape))
	}
	if i := finite.First(data); i >= 0 {
		return nil, fmt.Errorf("entry %d is %v: arrays must hold finite numbers", i, data[i])
	}
	return &Array{Shape: shape, Data: data}, nil
}

// oneLine escapes line breaks and other control characters in s.
func oneLine(s string) string {
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}

// converter returns the decoder of one little-endian element of dtype t and
// the element size in bytes, or nil for unsupported dtypes.
func converter(t string) (func([]byte) float64, int) {
	le := binary.LittleEndian
	switch t {
	case "<f8", "f8":
		return func(b []byte) float64 { return math.Float64frombits(le.Uint64(b)) }, 8
	case "<f4", "f4":
		return func(b []byte) float64 { return float64(math.Float32frombits(le.Uint32(b))) }, 4
	case "<f2", "f2":
		return func(b []byte) float64 { return float64(float16.Float16Frombits(le.Uint16(b)).Float32()) }, 2
	case "<i8", "i8":
		return func(b []byte) float64 { return float64(int64(le.Uint64(b))) }, 8
	case "<u8", "u8":
		return func(b []byte) float64 { return float64(le.Uint64(b)) }, 8
	case "<i4", "i4":
		return func(b []byte) float64 { return float64(int32(le.Uint32(b))) }, 4
	case "<u4", "u4":
		return func(b []byte) float64 { return float64(le.Uint32(b)) }, 4
	case "<i2", "i2":
		return func(b []byte) float64 { return float64(int16(le.Uint16(b))) }, 2
	case "<u2", "u2":
		return func(b []byte) float64 { return float64(le.Uint16(b)) }, 2
	case "|i1", "<i1", "i1":
		return func(b []byte) float64 { return float64(int8(b[0])) }, 1
	case "|u1", "<u1", "u1":
		return func(b []byte) float64 { return float64(b[0]) }, 1
	}
	return nil, 0
}

func fromFortran(d []float64, r, c int) []float64 {
	out := make([]float64, len(d))
	for j := 0; j < c; j++ {
		for i := 0; i < r; i++ {
			out[i*c+j] = d[j*r+i]
		}
	}
	return out
}

// ReadVector loads a 1-D array, or a 2-D array with one row or one column.
func ReadVector(path string) ([]float64, error) {
	a, err := Read(path)
	if err != nil {
		return nil, err
	}
	switch {
	case len(a.Shape) == 1:
	case len(a.Shape) == 2 && (a.Shape[0] == 1 || a.Shape[1] == 1):
	default:
		return nil, fmt.Errorf("read %s: want a vector, got shape %v", path, a.Shape)
	}
	if len(a.Data) == 0 {
		return nil, fmt.Errorf("read %s: vector is empty", path)
	}
	return a.Data, nil
}

// ReadMatrix loads a 2-D array as a gonum matrix.
func ReadMatrix(path string) (*mat.Dense, error) {
	a, err := Read(path)
	if err != nil {
		return nil, err
	}
	if len(a.Shape) != 2 {
		return nil, fmt.Errorf("read %s: want a 2-D matrix, got shape %v", path, a.Shape)
	}
	if a.Shape[0] < 1 || a.Shape[1] < 1 {
		return nil, fmt.Errorf("read %s: matrix has an empty dimension, shape %v", path, a.Shape)
	}
	return mat.NewDense(a.Shape[0], a.Shape[1], a.Data), nil
}

// Write stores a float64 array atomically (temporary file, then rename).
func Write(path string, a *Array) error {
	n := 1
	for _, s := range a.Shape {
		n *= s
	}
	if n != len(a.Data) {
		return fmt.Errorf("write %s: shape %v needs %d values, have %d", path, a.Shape, n, len(a.Data))
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		if len(a.Shape) == 2 {
			return npyio.Write(w, mat.NewDense(a.Shape[0], a.Shape[1], a.Data))
		}
		if len(a.Shape) != 1 {
			return writeND(w, a)
		}
		return npyio.Write(w, a.Data)
	})
}

// writeND writes a version 1.0 .npy file for shapes npyio cannot express
// (0-D and more than 2-D arrays).
func writeND(w io.Writer, a *Array) error {
	dims := make([]string, len(a.Shape))
	for i, s := range a.Shape {
		dims[i] = strconv.Itoa(s)
	}
	shape := strings.Join(dims, ", ")
	if len(a.Shape) == 1 {
		shape += ","
	}
	hdr := fmt.Sprintf("{'descr': '<f8', 'fortran_order': False, 'shape': (%s), }", shape)
	pad := 64 - (10+len(hdr)+1)%64
	hdr += strings.Repeat(" ", pad%64) + "\n"
	buf := make([]byte, 0, 10+len(hdr)+8*len(a.Data))
	buf = append(buf, "\x93NUMPY\x01\x00"...)
	buf = binary.LittleEndian.AppendUint16(buf, uint16(len(hdr)))
	buf = append(buf, hdr...)
	for _, x := range a.Data {
		buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(x))
	}
	_, err := w.Write(buf)
	return err
}

// WriteVector stores x as a 1-D float64 array.
func WriteVector(path string, x []float64) error {
	return Write(path, &Array{Shape: []int{len(x)}, Data: x})
}

// WriteMatrix stores m as a 2-D float64 array in C order.
func WriteMatrix(path string, m mat.Matrix) error {
	r, c := m.Dims()
	d := make([]float64, 0, r*c)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			d = append(d, m.At(i, j))
		}
	}
	return Write(path, &Array{Shape: []int{r, c}, Data: d})
}
