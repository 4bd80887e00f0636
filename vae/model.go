// Package vae trains a variational autoencoder (Kingma and Welling 2014) with
// the architecture Bora et al. (2017) used for MNIST: encoder 784-500-500-(20+20),
// decoder 20-500-500-784, softplus hidden layers, sigmoid output, Bernoulli
// (binary cross-entropy) reconstruction loss plus the KL divergence to N(0, I),
// trained with Adam on minibatches. Every matrix product is a batched gonum
// mat.Dense multiplication (BLAS Gemm), whose work split does not depend on
// GOMAXPROCS, so training is reproducible from the seed.
//
// The trained decoder is exported as an nn.Network (model kind "vae-decoder"),
// a genrec.Generator for compressed sensing.
package vae

import (
	"fmt"
	"math"

	"github.com/gencs/gencs/internal/rng"
	"gonum.org/v1/gonum/mat"
)

// Config is the architecture. The zero value means Bora et al.'s MNIST VAE.
type Config struct {
	// Input is the data dimension (default 784).
	Input int
	// Hidden is the width of the two hidden layers of the encoder and of
	// the decoder (default 500).
	Hidden int
	// Latent is the latent dimension k (default 20).
	Latent int
}

// Size limits checked by Config.Validate. With two Hidden x Hidden layers
// and Adam's two moment estimates, Hidden = 2048 needs about 0.4 GB;
// larger widths (or 10^8, a typo) would exhaust memory.
const (
	MaxInput  = 1 << 16
	MaxHidden = 2048
	MaxLatent = 1024
)

// Validate reports a negative or too-large dimension (zero means the
// default). New does not check; call Validate on user input first.
func (c Config) Validate() error {
	for _, f := range []struct {
		name     string
		v, limit int
	}{{"input", c.Input, MaxInput}, {"hidden", c.Hidden, MaxHidden}, {"latent", c.Latent, MaxLatent}} {
		if f.v < 0 || f.v > f.limit {
			return fmt.Errorf("vae: %s dimension %d must be in 1..%d", f.name, f.v, f.limit)
		}
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.Input == 0 {
		c.Input = 784
	}
	if c.Hidden == 0 {
		c.Hidden = 500
	}
	if c.Latent == 0 {
		c.Latent = 20
	}
	return c
}

// layer is an affine map for row batches, X -> X W + 1 b^T, with W stored
// in x out (so that a batch multiplies without a transpose).
type layer struct {
	W *mat.Dense
	B []float64
}

// Model holds the encoder and decoder parameters.
type Model struct {
	// Config is the architecture, with defaults filled in.
	Config Config
	// enc are the encoder layers: Input->Hidden, Hidden->Hidden,
	// Hidden->2*Latent (mean, then log variance).
	enc [3]*layer
	// dec are the decoder layers: Latent->Hidden, Hidden->Hidden, Hidden->Input.
	dec [3]*layer
}

// New returns a model with Xavier-uniform weights (as Bora et al.'s code)
// and zero biases, drawn from the seed.
func New(cfg Config, seed uint64) *Model {
	cfg = cfg.withDefaults()
	if cfg.Input < 1 || cfg.Hidden < 1 || cfg.Latent < 1 {
		panic(fmt.Sprintf("vae: bad config %+v", cfg))
	}
	r := rng.New(seed, 0x7ae1)
	mk := func(in, out int) *layer {
		c := math.Sqrt(6 / float64(in+out))
		w := make([]float64, in*out)
		for i := range w {
			w[i] = (2*r.Float64() - 1) * c
		}
		return &layer{W: mat.NewDense(in, out, w), B: make([]float64, out)}
	}
	m := &Model{Config: cfg}
	m.enc = [3]*layer{mk(cfg.Input, cfg.Hidden), mk(cfg.Hidden, cfg.Hidden), mk(cfg.Hidden, 2*cfg.Latent)}
	m.dec = [3]*layer{mk(cfg.Latent, cfg.Hidden), mk(cfg.Hidden, cfg.Hidden), mk(cfg.Hidden, cfg.Input)}
	return m
}

// params returns the parameter slices in a fixed order (the backing arrays
// of the weights and biases, so updates act in place).
func (m *Model) params() [][]float64 {
	var p [][]float64
	for _, l := range append(m.enc[:], m.dec[:]...) {
		p = append(p, l.W.RawMatrix().Data, l.B)
	}
	return p
}

// NumParams returns the number of scalar parameters.
func (m *Model) NumParams() int {
	n := 0
	for _, p := range m.params() {
		n += len(p)
	}
	return n
}

func softplus(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// affine sets dst = X W + 1 b^T.
func affine(dst, X *mat.Dense, l *layer) {
	dst.Mul(X, l.W)
	r, _ := dst.Dims()
	for i := 0; i < r; i++ {
		row := dst.RawRowView(i)
		for j, b := range l.B {
			row[j] += b
		}
	}
}

// apply sets dst = f(src) elementwise.
func apply(dst, src *mat.Dense, f func(float64) float64) {
	d, s := dst.RawMatrix().Data, src.RawMatrix().Data
	for i, v := range s {
		d[i] = f(v)
	}
}

// work holds the activations and gradients of one minibatch.
type work struct {
	b int
	// encoder pre-activations and activations
	ea1, eh1, ea2, eh2, eout *mat.Dense
	eps, z                   *mat.Dense
	// decoder
	da1, dh1, da2, dh2, da3 *mat.Dense
	// gradients w.r.t. pre-activations / activations
	g3, gh, ga, gz, gout, gh2e *mat.Dense
	grads                      [][]float64
	gradW                      []*mat.Dense
}

func newWork(cfg Config, b int) *work {
	h, k, n := cfg.Hidden, cfg.Latent, cfg.Input
	nd := func(r, c int) *mat.Dense { return mat.NewDense(r, c, nil) }
	w := &work{b: b,
		ea1: nd(b, h), eh1: nd(b, h), ea2: nd(b, h), eh2: nd(b, h), eout: nd(b, 2*k),
		eps: nd(b, k), z: nd(b, k),
		da1: nd(b, h), dh1: nd(b, h), da2: nd(b, h), dh2: nd(b, h), da3: nd(b, n),
		g3: nd(b, n), gh: nd(b, h), ga: nd(b, h), gz: nd(b, k), gout: nd(b, 2*k), gh2e: nd(b, h),
	}
	shapes := [][2]int{{n, h}, {h, h}, {h, 2 * k}, {k, h}, {h, h}, {h, n}}
	for _, s := range shapes {
		gw := nd(s[0], s[1])
		w.gradW = append(w.gradW, gw)
		w.grads = append(w.grads, gw.RawMatrix().Data, make([]float64, s[1]))
	}
	return w
}

// Loss is the negative evidence lower bound per example, split in its terms.
type Loss struct {
	// Recon is the binary cross-entropy sum over pixels, averaged over the batch.
	Recon float64 `json:"recon"`
	// KL is KL(q(z|x) || N(0, I)), averaged over the batch.
	KL float64 `json:"kl"`
}

// Total returns Recon + KL, the negative ELBO per example.
func (l Loss) Total() float64 { return l.Recon + l.KL }

// step computes the loss of the batch X (b x Input) with reparameterisation
// noise eps (b x Latent) and, if grad is true, the gradients of the mean
// loss in w.grads.
func (m *Model) step(w *work, X, eps *mat.Dense, grad bool) Loss {
	k := m.Config.Latent
	b := float64(w.b)
	// Encoder.
	affine(w.ea1, X, m.enc[0])
	apply(w.eh1, w.ea1, softplus)
	affine(w.ea2, w.eh1, m.enc[1])
	apply(w.eh2, w.ea2, softplus)
	affine(w.eout, w.eh2, m.enc[2])
	// Reparameterise z = mu + exp(lv/2) eps and accumulate the KL term.
	var kl float64
	for i := 0; i < w.b; i++ {
		o, e, z := w.eout.RawRowView(i), eps.RawRowView(i), w.z.RawRowView(i)
		for j := 0; j < k; j++ {
			mu, lv := o[j], o[k+j]
			z[j] = mu + math.Exp(0.5*lv)*e[j]
			kl += -0.5 * (1 + lv - mu*mu - math.Exp(lv))
		}
	}
	// Decoder.
	affine(w.da1, w.z, m.dec[0])
	apply(w.dh1, w.da1, softplus)
	affine(w.da2, w.dh1, m.dec[1])
	apply(w.dh2, w.da2, softplus)
	affine(w.da3, w.dh2, m.dec[2])
	// BCE with logits a: softplus(a) - x a; gradient sigmoid(a) - x.
	var rec float64
	xa, a3, g3 := X.RawMatrix().Data, w.da3.RawMatrix().Data, w.g3.RawMatrix().Data
	for i, a := range a3 {
		x := xa[i]
		rec += softplus(a) - x*a
		if grad {
			g3[i] = (sigmoid(a) - x) / b
		}
	}
	loss := Loss{Recon: rec / b, KL: kl / b}
	if !grad {
		return loss
	}
	// Decoder backward. grads order: enc0 W,b, enc1, enc2, dec0, dec1, dec2.
	backLayer := func(idx int, in, gOut *mat.Dense) {
		w.gradW[idx].Mul(in.T(), gOut)
		colSum(w.grads[2*idx+1], gOut)
	}
	backLayer(5, w.dh2, w.g3)
	w.gh.Mul(w.g3, m.dec[2].W.T())
	mulDeriv(w.ga, w.gh, w.da2)
	backLayer(4, w.dh1, w.ga)
	w.gh.Mul(w.ga, m.dec[1].W.T())
	mulDeriv(w.ga, w.gh, w.da1)
	backLayer(3, w.z, w.ga)
	w.gz.Mul(w.ga, m.dec[0].W.T())
	// Through the reparameterisation and the KL term.
	for i := 0; i < w.b; i++ {
		o, e, gz, g := w.eout.RawRowView(i), eps.RawRowView(i), w.gz.RawRowView(i), w.gout.RawRowView(i)
		for j := 0; j < k; j++ {
			mu, lv := o[j], o[k+j]
			s := math.Exp(0.5 * lv)
			g[j] = gz[j] + mu/b
			g[k+j] = gz[j]*e[j]*0.5*s + 0.5*(s*s-1)/b
		}
	}
	// Encoder backward.
	backLayer(2, w.eh2, w.gout)
	w.gh2e.Mul(w.gout, m.enc[2].W.T())
	mulDeriv(w.ga, w.gh2e, w.ea2)
	backLayer(1, w.eh1, w.ga)
	w.gh.Mul(w.ga, m.enc[1].W.T())
	mulDeriv(w.ga, w.gh, w.ea1)
	backLayer(0, X, w.ga)
	return loss
}

// colSum sets dst_j = sum_i G_ij.
func colSum(dst []float64, G *mat.Dense) {
	clear(dst)
	r, _ := G.Dims()
	for i := 0; i < r; i++ {
		for j, v := range G.RawRowView(i) {
			dst[j] += v
		}
	}
}

// mulDeriv sets dst = G ⊙ softplus'(A) = G ⊙ sigmoid(A).
func mulDeriv(dst, G, A *mat.Dense) {
	d, g, a := dst.RawMatrix().Data, G.RawMatrix().Data, A.RawMatrix().Data
	for i, v := range a {
		d[i] = g[i] * sigmoid(v)
	}
}

// Decode maps latent codes (rows of Z, b x Latent) to images (b x Input)
// with pixel values in (0, 1).
func (m *Model) Decode(Z *mat.Dense) *mat.Dense {
	b, _ := Z.Dims()
	h := m.Config.Hidden
	a1 := mat.NewDense(b, h, nil)
	affine(a1, Z, m.dec[0])
	apply(a1, a1, softplus)
	a2 := mat.NewDense(b, h, nil)
	affine(a2, a1, m.dec[1])
	apply(a2, a2, softplus)
	out := mat.NewDense(b, m.Config.Input, nil)
	affine(out, a2, m.dec[2])
	apply(out, out, sigmoid)
	return out
}

// Encode returns the posterior means (b x Latent) of the rows of X.
func (m *Model) Encode(X *mat.Dense) *mat.Dense {
	b, _ := X.Dims()
	h, k := m.Config.Hidden, m.Config.Latent
	a1 := mat.NewDense(b, h, nil)
	affine(a1, X, m.enc[0])
	apply(a1, a1, softplus)
	a2 := mat.NewDense(b, h, nil)
	affine(a2, a1, m.enc[1])
	apply(a2, a2, softplus)
	out := mat.NewDense(b, 2*k, nil)
	affine(out, a2, m.enc[2])
	return mat.DenseCopyOf(out.Slice(0, b, 0, k))
}
