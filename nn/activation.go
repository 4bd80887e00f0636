package nn

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// ActKind names an elementwise activation function.
type ActKind int

// The activation functions. At a kink the derivative used by VJP is the one
// from the side named in each comment (any element of the subdifferential is
// a valid choice; this one is fixed and documented).
const (
	// ActReLU is [x]_+ = max(x, 0); derivative 1 for x > 0, else 0.
	ActReLU ActKind = iota
	// ActNegReLU is the paper's negative part [x]_- = x * I(x <= 0) =
	// min(x, 0) (Kamath et al., proof of Lemma 4.1: "the unbiased ReLU
	// function that preserves negative values"). Note the sign: it is NOT
	// max(-x, 0); [x]_- = -[-x]_+. Derivative 1 for x < 0, else 0.
	ActNegReLU
	// ActIdentity is x -> x.
	ActIdentity
	// ActSoftplus is log(1 + e^x), computed stably; derivative sigmoid(x).
	ActSoftplus
	// ActSigmoid is 1 / (1 + e^-x).
	ActSigmoid
	// ActTanh is tanh(x).
	ActTanh
	// ActLeakyReLU is x for x > 0 and Slope*x otherwise.
	ActLeakyReLU
)

var actNames = [...]string{
	ActReLU:      "relu",
	ActNegReLU:   "neg_relu",
	ActIdentity:  "identity",
	ActSoftplus:  "softplus",
	ActSigmoid:   "sigmoid",
	ActTanh:      "tanh",
	ActLeakyReLU: "leaky_relu",
}

// String returns the activation's name in model files ("relu", "neg_relu",
// "identity", "softplus", "sigmoid", "tanh", "leaky_relu").
func (k ActKind) String() string {
	if k >= 0 && int(k) < len(actNames) {
		return actNames[k]
	}
	return fmt.Sprintf("ActKind(%d)", int(k))
}

// ParseActKind returns the activation with the given model-file name.
func ParseActKind(name string) (ActKind, bool) {
	for k, n := range actNames {
		if n == name {
			return ActKind(k), true
		}
	}
	return 0, false
}

// Lipschitz returns the Lipschitz constant of the scalar activation
// (1 for all kinds but sigmoid, 1/4, and leaky ReLU, max(1, |slope|)).
func (k ActKind) Lipschitz(slope float64) float64 {
	switch k {
	case ActSigmoid:
		return 0.25
	case ActLeakyReLU:
		return math.Max(1, math.Abs(slope))
	}
	return 1
}

func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// apply returns f(x).
func (k ActKind) apply(x, slope float64) float64 {
	switch k {
	case ActReLU:
		if x > 0 {
			return x
		}
		return 0
	case ActNegReLU:
		if x < 0 {
			return x
		}
		return 0
	case ActIdentity:
		return x
	case ActSoftplus:
		if x > 0 {
			return x + math.Log1p(math.Exp(-x))
		}
		return math.Log1p(math.Exp(x))
	case ActSigmoid:
		return sigmoid(x)
	case ActTanh:
		return math.Tanh(x)
	case ActLeakyReLU:
		if x > 0 {
			return x
		}
		return slope * x
	}
	panic(fmt.Sprintf("nn: unknown activation %v", k))
}

// deriv returns f'(x) (one-sided at kinks, see the ActKind constants).
func (k ActKind) deriv(x, slope float64) float64 {
	switch k {
	case ActReLU:
		if x > 0 {
			return 1
		}
		return 0
	case ActNegReLU:
		if x < 0 {
			return 1
		}
		return 0
	case ActIdentity:
		return 1
	case ActSoftplus:
		return sigmoid(x)
	case ActSigmoid:
		s := sigmoid(x)
		return s * (1 - s)
	case ActTanh:
		t := math.Tanh(x)
		return 1 - t*t
	case ActLeakyReLU:
		if x > 0 {
			return 1
		}
		return slope
	}
	panic(fmt.Sprintf("nn: unknown activation %v", k))
}

// Activation applies one scalar function to each of Dim coordinates.
// Slope is used only by ActLeakyReLU.
type Activation struct {
	Kind  ActKind
	Dim   int
	Slope float64
}

// ReLU returns the activation [x]_+ = max(x, 0) on R^dim.
func ReLU(dim int) Layer { return &Activation{Kind: ActReLU, Dim: dim} }

// NegReLU returns the paper's negative-part activation [x]_- = x I(x <= 0)
// = min(x, 0) on R^dim (it preserves negative values; it is not max(-x, 0)).
func NegReLU(dim int) Layer { return &Activation{Kind: ActNegReLU, Dim: dim} }

// Identity returns the identity map on R^dim.
func Identity(dim int) Layer { return &Activation{Kind: ActIdentity, Dim: dim} }

// Softplus returns log(1 + e^x) on R^dim.
func Softplus(dim int) Layer { return &Activation{Kind: ActSoftplus, Dim: dim} }

// Sigmoid returns 1/(1 + e^-x) on R^dim.
func Sigmoid(dim int) Layer { return &Activation{Kind: ActSigmoid, Dim: dim} }

// Tanh returns tanh on R^dim.
func Tanh(dim int) Layer { return &Activation{Kind: ActTanh, Dim: dim} }

// LeakyReLU returns x -> x for x > 0 and slope*x otherwise, on R^dim.
func LeakyReLU(dim int, slope float64) Layer {
	return &Activation{Kind: ActLeakyReLU, Dim: dim, Slope: slope}
}

// InDim returns Dim.
func (a *Activation) InDim() int { return a.Dim }

// OutDim returns Dim.
func (a *Activation) OutDim() int { return a.Dim }

// Forward sets dst_i = f(x_i).
func (a *Activation) Forward(dst, x []float64) []float64 {
	checkLen("Activation.Forward x", len(x), a.Dim)
	dst = ensure(dst, a.Dim)
	switch a.Kind {
	case ActReLU:
		for i, v := range x {
			dst[i] = max(v, 0)
		}
	case ActIdentity:
		copy(dst, x)
	default:
		for i, v := range x {
			dst[i] = a.Kind.apply(v, a.Slope)
		}
	}
	return dst
}

// VJP sets dst_i = f'(x_i) v_i.
func (a *Activation) VJP(dst, x, v []float64) []float64 {
	checkLen("Activation.VJP x", len(x), a.Dim)
	checkLen("Activation.VJP v", len(v), a.Dim)
	dst = ensure(dst, a.Dim)
	switch a.Kind {
	case ActReLU:
		for i, xv := range x {
			if xv > 0 {
				dst[i] = v[i]
			} else {
				dst[i] = 0
			}
		}
	case ActIdentity:
		copy(dst, v)
	default:
		for i, xv := range x {
			dst[i] = a.Kind.deriv(xv, a.Slope) * v[i]
		}
	}
	return dst
}

// ForwardBatch applies Forward to every row of X.
func (a *Activation) ForwardBatch(dst, X *mat.Dense) *mat.Dense {
	return rowsForward(a, dst, X)
}

// VJPBatch applies VJP to every row.
func (a *Activation) VJPBatch(dst, X, V *mat.Dense) *mat.Dense {
	return rowsVJP(a, dst, X, V)
}

// Segment is a run of Dim consecutive coordinates sharing one activation.
type Segment struct {
	Kind  ActKind
	Dim   int
	Slope float64
}

// Mixed applies different activations to consecutive runs of coordinates,
// e.g. [x]_+ on the first half of a hidden layer and [x]_- on the second
// (the second hidden layer of the paper's G_sp).
type Mixed struct {
	segs []Segment
	dim  int
}

// NewMixed returns the elementwise activation made of the given segments,
// in order. Every segment needs Dim >= 1 and a known Kind.
func NewMixed(segs ...Segment) (*Mixed, error) {
	if len(segs) == 0 {
		return nil, fmt.Errorf("mixed activation: no segments")
	}
	dim := 0
	for i, s := range segs {
		if s.Dim < 1 {
			return nil, fmt.Errorf("mixed activation: segment %d has dim %d, must be >= 1", i, s.Dim)
		}
		if s.Kind < 0 || int(s.Kind) >= len(actNames) {
			return nil, fmt.Errorf("mixed activation: segment %d has unknown kind %v", i, s.Kind)
		}
		dim += s.Dim
	}
	return &Mixed{segs: append([]Segment(nil), segs...), dim: dim}, nil
}

// Segments returns a copy of the segments.
func (m *Mixed) Segments() []Segment { return append([]Segment(nil), m.segs...) }

// InDim returns the total dimension.
func (m *Mixed) InDim() int { return m.dim }

// OutDim returns the total dimension.
func (m *Mixed) OutDim() int { return m.dim }

// Forward applies each segment's activation to its coordinates.
func (m *Mixed) Forward(dst, x []float64) []float64 {
	checkLen("Mixed.Forward x", len(x), m.dim)
	dst = ensure(dst, m.dim)
	off := 0
	for _, s := range m.segs {
		a := Activation(s)
		a.Forward(dst[off:off+s.Dim], x[off:off+s.Dim])
		off += s.Dim
	}
	return dst
}

// VJP multiplies v by each coordinate's derivative at x.
func (m *Mixed) VJP(dst, x, v []float64) []float64 {
	checkLen("Mixed.VJP x", len(x), m.dim)
	checkLen("Mixed.VJP v", len(v), m.dim)
	dst = ensure(dst, m.dim)
	off := 0
	for _, s := range m.segs {
		a := Activation(s)
		a.VJP(dst[off:off+s.Dim], x[off:off+s.Dim], v[off:off+s.Dim])
		off += s.Dim
	}
	return dst
}

// ForwardBatch applies Forward to every row of X.
func (m *Mixed) ForwardBatch(dst, X *mat.Dense) *mat.Dense {
	return rowsForward(m, dst, X)
}

// VJPBatch applies VJP to every row.
func (m *Mixed) VJPBatch(dst, X, V *mat.Dense) *mat.Dense {
	return rowsVJP(m, dst, X, V)
}

// lipschitz returns the largest Lipschitz constant of the segments.
func (m *Mixed) lipschitz() float64 {
	l := 0.0
	for _, s := range m.segs {
		l = math.Max(l, s.Kind.Lipschitz(s.Slope))
	}
	return l
}
