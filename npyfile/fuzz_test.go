package npyfile

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gencs/gencs/internal/finite"
)

// npyBytes builds a version-1 .npy file with the given header fields and
// raw data bytes.
func npyBytes(descr, fortran, shape string, data []byte) []byte {
	hdr := fmt.Sprintf("{'descr': '%s', 'fortran_order': %s, 'shape': %s, }", descr, fortran, shape)
	hdr += strings.Repeat(" ", (64-(10+len(hdr)+1)%64)%64) + "\n"
	var b bytes.Buffer
	b.WriteString("\x93NUMPY\x01\x00")
	binary.Write(&b, binary.LittleEndian, uint16(len(hdr)))
	b.WriteString(hdr)
	b.Write(data)
	return b.Bytes()
}

func f64s(v ...float64) []byte {
	var b []byte
	for _, x := range v {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
	}
	return b
}

// fuzzSeeds are valid and malformed files: every one must decode or fail
// with an error, never panic or allocate what the file does not hold.
func fuzzSeeds() [][]byte {
	valid := npyBytes("<f8", "False", "(2, 2)", f64s(1, 2, 3, 4))
	v2 := append([]byte("\x93NUMPY\x02\x00\xff\xff\xff\x7f"), valid[10:]...)
	return [][]byte{
		valid,
		npyBytes("<f8", "True", "(2, 2)", f64s(1, 2, 3, 4)),
		npyBytes("<f8", "False", "()", f64s(7)),
		npyBytes("<f4", "False", "(3,)", []byte{0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64}),
		npyBytes("<f2", "False", "(1,)", []byte{0, 60}),
		npyBytes("|u1", "False", "(2,)", []byte{1, 255}),
		npyBytes("<i8", "False", "(1,)", f64s(0)),
		npyBytes("<f8", "False", "(3,)", f64s(1, 2)),               // truncated at an element boundary
		npyBytes("<f8", "False", "(2,)", f64s(1, 2)[:12]),          // truncated mid-element
		npyBytes("<f8", "False", "(1,)", f64s(1, 2)),               // trailing data
		npyBytes("<f8", "False", "(4294967296, 4294967296,)", nil), // overflowing shape
		npyBytes("<f8", "False", "(100000000000,)", nil),           // huge shape, no data
		npyBytes("<f8", "False", "(-1,)", nil),                     // negative dimension
		npyBytes("<f8", "False", "(2,)", f64s(1, math.NaN())),      // NaN
		npyBytes(">f8", "False", "(1,)", f64s(1)),                  // big-endian
		npyBytes("|O", "False", "(1,)", f64s(1)),                   // object dtype
		npyBytes("<f8", "Maybe", "(1,)", f64s(1)),                  // bad fortran_order
		npyBytes("<f8", "True", "(1, 1, 1)", f64s(1)),              // Fortran 3-D
		v2, // header length beyond the file
		[]byte("\x93NUMPY\x01\x00\x10\x00{'descr':}"), // header without newline
		[]byte("\x93NUMPY\x01\x00\x06\x00'shape\n"),
		[]byte("\x93NUMPY"),
		[]byte("not numpy"),
		nil,
	}
}

func TestDecodeMalformed(t *testing.T) {
	seeds := fuzzSeeds()
	okIdx := map[int]bool{0: true, 1: true, 2: true, 3: true, 4: true, 5: true, 6: true}
	for i, s := range seeds {
		a, err := decode(s)
		if okIdx[i] != (err == nil) {
			t.Errorf("seed %d: err = %v", i, err)
			continue
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("seed %d: multi-line error %q", i, err)
		}
		if err == nil && i == 1 && (a.Data[1] != 3 || a.Data[2] != 2) {
			t.Errorf("Fortran order not transposed: %v", a.Data)
		}
	}
	if a, _ := decode(seeds[4]); a.Data[0] != 1 {
		t.Errorf("float16 0x3c00 decoded as %v, want 1", a.Data[0])
	}
	if a, _ := decode(seeds[5]); a.Data[1] != 255 {
		t.Errorf("uint8 255 decoded as %v", a.Data[1])
	}
}

func TestReadTruncatedFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "t.npy")
	if err := WriteVector(p, []float64{1, 2, 3, 4}); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(p)
	for _, cut := range []int{len(raw) - 8, len(raw) - 3, 20, 9} {
		os.WriteFile(p, raw[:cut], 0o644)
		if _, err := ReadVector(p); err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("cut at %d: err = %v (want an error naming the file)", cut, err)
		}
	}
}

// FuzzDecode: arbitrary bytes decode to a consistent finite array or an
// error, never a panic.
func FuzzDecode(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		a, err := decode(raw)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		n := 1
		for _, s := range a.Shape {
			n *= s
		}
		if n != len(a.Data) {
			t.Fatalf("shape %v but %d values", a.Shape, len(a.Data))
		}
		if i := finite.First(a.Data); i >= 0 {
			t.Fatalf("non-finite entry %d", i)
		}
	})
}
