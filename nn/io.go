package nn

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/gencs/gencs/internal/atomicfile"
	"github.com/gencs/gencs/npyfile"
)

// Format is the value of the "format" field of model manifests.
const Format = "gencs-model/1"

// MaxDim is the largest layer dimension Load accepts (and 4*MaxDim the
// largest total of all layers' output dimensions): a manifest is rejected
// before any buffer of an absurd declared size is allocated.
const MaxDim = 1 << 24

// ManifestName is the file name Save gives the manifest inside its directory.
const ManifestName = "model.json"

type manifest struct {
	Format    string         `json:"format"`
	Kind      string         `json:"kind"`
	InputDim  int            `json:"input_dim"`
	OutputDim int            `json:"output_dim"`
	Layers    []layerSpec    `json:"layers"`
	Meta      map[string]any `json:"meta,omitempty"`
}

type layerSpec struct {
	Type     string        `json:"type"`
	In       int           `json:"in,omitempty"`
	Out      int           `json:"out,omitempty"`
	Dim      int           `json:"dim,omitempty"`
	Slope    *float64      `json:"slope,omitempty"`
	Weight   string        `json:"weight,omitempty"`
	Bias     string        `json:"bias,omitempty"`
	Indptr   string        `json:"indptr,omitempty"`
	Indices  string        `json:"indices,omitempty"`
	Values   string        `json:"values,omitempty"`
	Segments []segmentSpec `json:"segments,omitempty"`
}

type segmentSpec struct {
	Type  string   `json:"type"`
	Dim   int      `json:"dim"`
	Slope *float64 `json:"slope,omitempty"`
}

// Save writes the network to dir (created if needed) as dir/model.json and
// one .npy file per weight array (layer<i>_W.npy, layer<i>_b.npy,
// layer<i>_indptr.npy, layer<i>_indices.npy, layer<i>_values.npy), all
// float64. Every file is written atomically; the manifest is written last.
// Layers must be *Dense, *Sparse, *Activation or *Mixed.
func Save(dir string, n *Network) error {
	if n == nil || len(n.Layers) == 0 {
		return errors.New("save model: empty network")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("save model: %w", err)
	}
	k, out := n.Dims()
	m := manifest{Format: Format, Kind: n.Kind, InputDim: k, OutputDim: out, Meta: n.Meta}
	for i, l := range n.Layers {
		var s layerSpec
		name := func(what string) string { return fmt.Sprintf("layer%d_%s.npy", i, what) }
		write := func(file string, f func(string) error) error {
			if err := f(filepath.Join(dir, file)); err != nil {
				return fmt.Errorf("save model: layer %d: %w", i, err)
			}
			return nil
		}
		switch t := l.(type) {
		case *Dense:
			s = layerSpec{Type: "dense", In: t.InDim(), Out: t.OutDim(), Weight: name("W")}
			if err := write(s.Weight, func(p string) error { return npyfile.WriteMatrix(p, t.W) }); err != nil {
				return err
			}
			if t.B != nil {
				s.Bias = name("b")
				if err := write(s.Bias, func(p string) error { return npyfile.WriteVector(p, t.B) }); err != nil {
					return err
				}
			}
		case *Sparse:
			s = layerSpec{Type: "sparse", In: t.in, Out: t.out,
				Indptr: name("indptr"), Indices: name("indices"), Values: name("values")}
			if err := write(s.Indptr, func(p string) error { return npyfile.WriteVector(p, intsToFloats(t.indptr)) }); err != nil {
				return err
			}
			if err := write(s.Indices, func(p string) error { return npyfile.WriteVector(p, intsToFloats(t.indices)) }); err != nil {
				return err
			}
			if err := write(s.Values, func(p string) error { return npyfile.WriteVector(p, t.values) }); err != nil {
				return err
			}
			if t.bias != nil {
				s.Bias = name("b")
				if err := write(s.Bias, func(p string) error { return npyfile.WriteVector(p, t.bias) }); err != nil {
					return err
				}
			}
		case *Activation:
			s = layerSpec{Type: t.Kind.String(), Dim: t.Dim}
			if t.Kind == ActLeakyReLU {
				slope := t.Slope
				s.Slope = &slope
			}
		case *Mixed:
			s = layerSpec{Type: "mixed", Dim: t.dim}
			for _, seg := range t.segs {
				ss := segmentSpec{Type: seg.Kind.String(), Dim: seg.Dim}
				if seg.Kind == ActLeakyReLU {
					slope := seg.Slope
					ss.Slope = &slope
				}
				s.Segments = append(s.Segments, ss)
			}
		default:
			return fmt.Errorf("save model: layer %d has type %T, which model files cannot hold", i, l)
		}
		m.Layers = append(m.Layers, s)
	}
	buf, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("save model: encode manifest (meta must be JSON-encodable and finite): %w", err)
	}
	buf = append(buf, '\n')
	return atomicfile.Write(filepath.Join(dir, ManifestName), func(w io.Writer) error {
		_, err := w.Write(buf)
		return err
	})
}

func intsToFloats(a []int) []float64 {
	f := make([]float64, len(a))
	for i, v := range a {
		f[i] = float64(v)
	}
	return f
}

// Load reads a model manifest and its weight files (paths in the manifest
// are relative to the manifest's directory) and validates everything: the
// format string, known layer types, every array's shape, the dimension
// chain, input_dim and output_dim, finiteness of all weights, and CSR
// structure. Errors name the manifest, the layer index and the file.
// Numbers in Meta are decoded as json.Number (so 64-bit seeds survive);
// read them with MetaInt, MetaFloat or MetaUint64.
func Load(manifestPath string) (*Network, error) {
	raw, err := os.ReadFile(manifestPath)
	if err != nil {
		return nil, fmt.Errorf("load model: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	var m manifest
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("load model %s: invalid manifest: %w", manifestPath, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("load model %s: trailing data after the manifest object", manifestPath)
	}
	fail := func(format string, a ...any) error {
		return fmt.Errorf("load model %s: %s", manifestPath, fmt.Sprintf(format, a...))
	}
	if m.Format != Format {
		return nil, fail("format is %q, want %q", m.Format, Format)
	}
	if len(m.Layers) == 0 {
		return nil, fail("no layers")
	}
	dir := filepath.Dir(manifestPath)
	path := func(f string) string {
		if filepath.IsAbs(f) {
			return f
		}
		return filepath.Join(dir, f)
	}
	layers := make([]Layer, 0, len(m.Layers))
	total := 0
	for i, s := range m.Layers {
		lfail := func(format string, a ...any) error {
			return fail("layer %d (%s): %s", i, oneLine(s.Type), fmt.Sprintf(format, a...))
		}
		var l Layer
		switch s.Type {
		case "dense":
			if s.In < 1 || s.Out < 1 {
				return nil, lfail("needs positive \"in\" and \"out\", got %d and %d", s.In, s.Out)
			}
			if s.Weight == "" {
				return nil, lfail("missing \"weight\" file")
			}
			W, err := npyfile.ReadMatrix(path(s.Weight))
			if err != nil {
				return nil, lfail("weight: %v", err)
			}
			if r, c := W.Dims(); r != s.Out || c != s.In {
				return nil, lfail("weight %s has shape (%d, %d), want (out, in) = (%d, %d)", s.Weight, r, c, s.Out, s.In)
			}
			var b []float64
			if s.Bias != "" {
				if b, err = readVec(path(s.Bias), s.Out); err != nil {
					return nil, lfail("bias: %v", err)
				}
			}
			l = NewDense(W, b)
		case "sparse":
			if s.In < 1 || s.Out < 1 {
				return nil, lfail("needs positive \"in\" and \"out\", got %d and %d", s.In, s.Out)
			}
			if s.Indptr == "" || s.Indices == "" || s.Values == "" {
				return nil, lfail("needs \"indptr\", \"indices\" and \"values\" files")
			}
			indptr, err := readInts(path(s.Indptr), s.Out+1)
			if err != nil {
				return nil, lfail("indptr: %v", err)
			}
			indices, err := readInts(path(s.Indices), -1)
			if err != nil {
				return nil, lfail("indices: %v", err)
			}
			values, err := readVec(path(s.Values), len(indices))
			if err != nil {
				return nil, lfail("values: %v", err)
			}
			var b []float64
			if s.Bias != "" {
				if b, err = readVec(path(s.Bias), s.Out); err != nil {
					return nil, lfail("bias: %v", err)
				}
			}
			sp, err := NewSparse(s.Out, s.In, indptr, indices, values, b)
			if err != nil {
				return nil, lfail("%v (indptr %s, indices %s, values %s)", err, s.Indptr, s.Indices, s.Values)
			}
			l = sp
		case "mixed":
			if len(s.Segments) == 0 {
				return nil, lfail("needs \"segments\"")
			}
			segs := make([]Segment, len(s.Segments))
			for j, ss := range s.Segments {
				if ss.Dim > MaxDim {
					return nil, lfail("segment %d: \"dim\" %d exceeds the limit %d", j, ss.Dim, MaxDim)
				}
				kind, ok := ParseActKind(ss.Type)
				if !ok {
					return nil, lfail("segment %d: unknown activation %q", j, ss.Type)
				}
				slope, err := slopeOf(kind, ss.Slope)
				if err != nil {
					return nil, lfail("segment %d: %v", j, err)
				}
				segs[j] = Segment{Kind: kind, Dim: ss.Dim, Slope: slope}
			}
			mx, err := NewMixed(segs...)
			if err != nil {
				return nil, lfail("%v", err)
			}
			if s.Dim != 0 && s.Dim != mx.dim {
				return nil, lfail("\"dim\" is %d but the segments add up to %d", s.Dim, mx.dim)
			}
			l = mx
		default:
			kind, ok := ParseActKind(s.Type)
			if !ok {
				return nil, lfail("unknown layer type (want dense, sparse, mixed, relu, neg_relu, identity, softplus, sigmoid, tanh or leaky_relu)")
			}
			if s.Dim < 1 {
				return nil, lfail("needs a positive \"dim\", got %d", s.Dim)
			}
			slope, err := slopeOf(kind, s.Slope)
			if err != nil {
				return nil, lfail("%v", err)
			}
			l = &Activation{Kind: kind, Dim: s.Dim, Slope: slope}
		}
		if l.InDim() > MaxDim || l.OutDim() > MaxDim {
			return nil, lfail("dimensions %d -> %d exceed the limit %d", l.InDim(), l.OutDim(), MaxDim)
		}
		// Forward keeps every layer's output: bound their total size.
		if total += l.OutDim(); total > 4*MaxDim {
			return nil, lfail("the layers' outputs add up to more than %d values", 4*MaxDim)
		}
		if i > 0 && layers[i-1].OutDim() != l.InDim() {
			return nil, lfail("takes %d inputs but layer %d outputs %d", l.InDim(), i-1, layers[i-1].OutDim())
		}
		layers = append(layers, l)
	}
	net, err := NewNetwork(m.Kind, layers...)
	if err != nil {
		return nil, fail("%v", err)
	}
	if k, out := net.Dims(); k != m.InputDim || out != m.OutputDim {
		return nil, fail("input_dim %d and output_dim %d do not match the layers (%d -> %d)", m.InputDim, m.OutputDim, k, out)
	}
	if m.Meta != nil {
		net.Meta = m.Meta
	}
	return net, nil
}

// oneLine escapes line breaks and other control characters in s, so that
// error messages quoting manifest strings stay on one line.
func oneLine(s string) string {
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}

func slopeOf(kind ActKind, slope *float64) (float64, error) {
	if kind != ActLeakyReLU {
		if slope != nil {
			return 0, fmt.Errorf("\"slope\" is only meaningful for leaky_relu")
		}
		return 0, nil
	}
	if slope == nil {
		return 0, fmt.Errorf("leaky_relu needs \"slope\"")
	}
	if math.IsNaN(*slope) || math.IsInf(*slope, 0) {
		return 0, fmt.Errorf("slope must be finite")
	}
	return *slope, nil
}

// readVec reads a 1-D array (or a single row/column) of length want
// (want < 0: any length, possibly empty).
func readVec(p string, want int) ([]float64, error) {
	a, err := npyfile.Read(p)
	if err != nil {
		return nil, err
	}
	ok := len(a.Shape) == 1 || (len(a.Shape) == 2 && (a.Shape[0] == 1 || a.Shape[1] == 1))
	if !ok {
		return nil, fmt.Errorf("%s: want a 1-D array, got shape %v", p, a.Shape)
	}
	if want >= 0 && len(a.Data) != want {
		return nil, fmt.Errorf("%s: has %d entries, want %d", p, len(a.Data), want)
	}
	return a.Data, nil
}

// readInts reads a 1-D array of non-negative integers (stored as any
// numeric dtype) of length want (want < 0: any).
func readInts(p string, want int) ([]int, error) {
	d, err := readVec(p, want)
	if err != nil {
		return nil, err
	}
	out := make([]int, len(d))
	for i, v := range d {
		if v != math.Trunc(v) || v < 0 || v > 1<<53 {
			return nil, fmt.Errorf("%s: entry %d is %v, want a non-negative integer", p, i, v)
		}
		out[i] = int(v)
	}
	return out, nil
}

// compile-time checks
var (
	_ BatchLayer = (*Dense)(nil)
	_ BatchLayer = (*Sparse)(nil)
	_ BatchLayer = (*Activation)(nil)
	_ BatchLayer = (*Mixed)(nil)
)
