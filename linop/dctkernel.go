package linop

import (
	"math"
	"math/cmplx"

	"gonum.org/v1/gonum/dsp/fourier"
)

// dctKernel computes the unnormalised DCT-II of length n,
// dct2: out_k = sum_j x_j cos(pi (2j+1) k / (2n)), and its transpose
// dct3: out_j = sum_k u_k cos(pi (2j+1) k / (2n)). dct3 may overwrite u.
// Implementations are safe for concurrent use.
type dctKernel interface {
	dct2(dst, x []float64)
	dct3(dst, u []float64)
}

// newDCTKernel picks the fastest exact kernel for length n: a real-to-
// complex packed radix-2 FFT for powers of two, FFTPACK's quarter-wave
// transforms when all prime factors are small, and Makhoul's reordering
// with Bluestein's algorithm otherwise.
func newDCTKernel(n int, forceBluestein bool) dctKernel {
	switch {
	case forceBluestein:
		return newMakhoul(n)
	case n >= 4 && n&(n-1) == 0:
		return newPow2DCT(n)
	case largestPrimeFactor(n) >= bluesteinMinPrime:
		return newMakhoul(n)
	}
	return newCosqDCT(n)
}

// cosqDCT uses gonum's QuarterWaveFFT (FFTPACK cosqb/cosqf).
type cosqDCT struct {
	pool freeList[*fourier.QuarterWaveFFT]
}

func newCosqDCT(n int) *cosqDCT {
	c := &cosqDCT{}
	c.pool.alloc = func() *fourier.QuarterWaveFFT { return fourier.NewQuarterWaveFFT(n) }
	return c
}

// dct2 uses Cosqb: out_k = 4 sum_j x_j cos(pi (2j+1) k / (2n)).
func (c *cosqDCT) dct2(dst, x []float64) {
	f := c.pool.get()
	defer c.pool.put(f)
	f.CosSequence(dst, x)
	for i := range dst {
		dst[i] *= 0.25
	}
}

// dct3 uses Cosqf: out_j = u_0 + 2 sum_{k>0} u_k cos(pi (2j+1) k / (2n)).
func (c *cosqDCT) dct3(dst, u []float64) {
	f := c.pool.get()
	defer c.pool.put(f)
	for k := 1; k < len(u); k++ {
		u[k] *= 0.5
	}
	f.CosCoefficients(dst, u)
}

// pow2DCT computes the DCT-II of a power-of-two length n >= 4 through
// Makhoul's reordering v (even entries of x, then odd entries reversed) and
// one complex FFT of length n/2 of the packed real sequence
// z_j = v_(2j) + i v_(2j+1).
type pow2DCT struct {
	n, h int
	fft  *cfft
	w2n  []complex128 // exp(-2 pi i k / n), k = 0..h
	w4n  []complex128 // exp(-pi i k / (2n)), k = 0..h
	pool freeList[[]complex128]
}

func newPow2DCT(n int) *pow2DCT {
	h := n / 2
	p := &pow2DCT{n: n, h: h, fft: newCFFT(h), w2n: make([]complex128, h+1), w4n: make([]complex128, h+1)}
	for k := 0; k <= h; k++ {
		p.w2n[k] = cmplx.Rect(1, -2*math.Pi*float64(k)/float64(n))
		p.w4n[k] = cmplx.Rect(1, -math.Pi*float64(k)/float64(2*n))
	}
	p.pool.alloc = func() []complex128 { return make([]complex128, h+1) }
	return p
}

// dct2: with V = DFT_n(v), out_k = Re(W_k) and out_(n-k) = -Im(W_k) for
// W_k = exp(-pi i k/(2n)) V_k, k = 0..n/2; V_k = E_k + exp(-2 pi i k/n) O_k
// where E, O (the DFTs of v's even and odd entries) are unpacked from
// Z = DFT_(n/2)(z): E_k = (Z_k + conj Z_(h-k))/2, O_k = (Z_k - conj Z_(h-k))/(2i).
func (p *pow2DCT) dct2(dst, x []float64) {
	n, h := p.n, p.h
	z := p.pool.get()
	defer p.pool.put(z)
	// z_j = v_2j + i v_2j+1 with v_j = x_2j (j < h), v_(n-1-j) = x_(2j+1).
	// For j < h/2: v_2j = x_4j, v_2j+1 = x_(4j+2). For j >= h/2: v_i with
	// i >= h equals x_(2(n-1-i)+1).
	for j := 0; j < h/2; j++ {
		z[j] = complex(x[4*j], x[4*j+2])
	}
	for j := h / 2; j < h; j++ {
		i0, i1 := 2*j, 2*j+1
		z[j] = complex(x[2*(n-1-i0)+1], x[2*(n-1-i1)+1])
	}
	p.fft.forward(z[:h])
	z[h] = z[0]
	// Process k and h-k together so the unpacking can run in place.
	for k := 0; k <= h/2; k++ {
		k2 := h - k
		zk, zk2 := z[k], z[k2]
		wk := p.unpack(k, zk, zk2)
		dst[k] = real(wk)
		if k > 0 {
			dst[n-k] = -imag(wk)
		}
		if k2 != k {
			wk2 := p.unpack(k2, zk2, zk)
			dst[k2] = real(wk2)
			if k2 < h {
				dst[n-k2] = -imag(wk2)
			}
		}
	}
}

// unpack returns W_k = exp(-pi i k/(2n)) V_k from Z_k and Z_(h-k).
func (p *pow2DCT) unpack(k int, zk, zhk complex128) complex128 {
	c := cmplx.Conj(zhk)
	e := (zk + c) * 0.5
	o := (zk - c) * complex(0, -0.5) // divide by 2i
	return p.w4n[k] * (e + p.w2n[k]*o)
}

// dct3: out = M^T u = M^(-1) D u for the unnormalised DCT-II matrix M, with
// D = diag(n, n/2, ..., n/2) because M M^T = D. The inverse of M rebuilds
// W_k = y_k - i y_(n-k) (y_n = 0), V_k = exp(pi i k/(2n)) W_k, v =
// IDFT_n(V), and x from v by undoing the reordering; the real inverse DFT
// goes through one complex FFT of length n/2 of
// Z_k = E_k + i O_k, E_k = (V_k + conj V_(h-k))/2,
// O_k = exp(2 pi i k/n) (V_k - conj V_(h-k))/2, and z = conj(FFT(conj Z))
// then holds v_2j + i v_2j+1. The factors D and 1/h cancel up to W_0 = 2 u_0.
func (p *pow2DCT) dct3(dst, u []float64) {
	n, h := p.n, p.h
	z := p.pool.get()
	defer p.pool.put(z)
	// V_k for k = 0..h, stored conjugated-free in z temporarily.
	z[0] = complex(2*u[0], 0)
	for k := 1; k <= h; k++ {
		z[k] = cmplx.Conj(p.w4n[k]) * complex(u[k], -u[n-k])
	}
	// Z_k, in place, pairing k with h-k; store conj(Z_k) for the forward FFT.
	for k := 0; k <= h/2; k++ {
		k2 := h - k
		vk, vk2 := z[k], z[k2]
		zk := p.pack(k, vk, vk2)
		if k2 != k && k2 < h {
			z[k2] = cmplx.Conj(p.pack(k2, vk2, vk))
		}
		z[k] = cmplx.Conj(zk)
	}
	p.fft.forward(z[:h])
	// z_j = conj(result_j) = v_2j + i v_2j+1; imag parts flip sign.
	for j := 0; j < h/2; j++ {
		dst[4*j] = real(z[j])
		dst[4*j+2] = -imag(z[j])
	}
	for j := h / 2; j < h; j++ {
		i0, i1 := 2*j, 2*j+1
		dst[2*(n-1-i0)+1] = real(z[j])
		dst[2*(n-1-i1)+1] = -imag(z[j])
	}
}

// pack returns Z_k = E_k + i O_k from V_k and V_(h-k).
func (p *pow2DCT) pack(k int, vk, vhk complex128) complex128 {
	c := cmplx.Conj(vhk)
	e := (vk + c) * 0.5
	o := cmplx.Conj(p.w2n[k]) * (vk - c) * 0.5
	return e + complex(0, 1)*o
}
