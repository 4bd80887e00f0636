package linop

import (
	"math"
	"math/bits"
	"math/cmplx"
)

// bluesteinMinPrime is the smallest largest-prime-factor of n for which the
// DCT uses Bluestein's algorithm instead of FFTPACK, whose generic pass
// costs O(n p) for a prime factor p.
const bluesteinMinPrime = 100

// largestPrimeFactor returns the largest prime factor of n >= 1 (1 for n = 1).
func largestPrimeFactor(n int) int {
	p := 1
	for f := 2; f*f <= n; f++ {
		for n%f == 0 {
			p, n = f, n/f
		}
	}
	return max(p, n)
}

// bluestein computes length-n DFTs X_k = sum_j x_j exp(-2 pi i j k / n) for
// any n in O(n log n) as a circular convolution of length L (a power of two
// >= 2n-1) with the chirp c_t = exp(-pi i t^2 / n):
// X_k = c_k sum_j (x_j c_j) conj(c_(k-j)). Its fields are read-only after
// construction; per-call scratch comes from a free list.
type bluestein struct {
	n, l  int
	chirp []complex128 // c_t, t in [0, n)
	bhat  []complex128 // FFT of the wrapped conj(chirp), divided by L
	fft   *cfft
	pool  freeList[[]complex128] // length-L scratch
}

func newBluestein(n int) *bluestein {
	l := 1 << bits.Len(uint(2*n-2))
	b := &bluestein{n: n, l: l, chirp: make([]complex128, n), fft: newCFFT(l)}
	for t := range n {
		// t^2 mod 2n keeps the angle exact for large t.
		r := (int64(t) * int64(t)) % int64(2*n)
		b.chirp[t] = cmplx.Rect(1, -math.Pi*float64(r)/float64(n))
	}
	b.pool.alloc = func() []complex128 { return make([]complex128, l) }
	w := make([]complex128, l)
	w[0] = cmplx.Conj(b.chirp[0])
	for t := 1; t < n; t++ {
		w[t] = cmplx.Conj(b.chirp[t])
		w[l-t] = w[t]
	}
	b.fft.forward(w)
	b.bhat = w
	for i := range b.bhat {
		b.bhat[i] /= complex(float64(l), 0)
	}
	return b
}

// dft sets dst = DFT(x) (forward, unnormalised); len(x) = len(dst) = n.
// dst and x may be the same slice.
func (b *bluestein) dft(dst, x []complex128) {
	buf := b.pool.get()
	defer b.pool.put(buf)
	for j, c := range b.chirp {
		buf[j] = x[j] * c
	}
	clear(buf[b.n:])
	b.fft.forward(buf)
	// Multiply by the kernel's spectrum and conjugate, so that a second
	// forward FFT followed by conjugation is the inverse FFT.
	for i, h := range b.bhat {
		buf[i] = cmplx.Conj(buf[i] * h)
	}
	b.fft.forward(buf)
	for k, c := range b.chirp {
		dst[k] = cmplx.Conj(buf[k]) * c
	}
}

// makhoul computes unnormalised DCT-II and its transpose of length n through
// one complex DFT of length n (Makhoul 1980), with the DFT done by
// Bluestein's algorithm, so any n costs O(n log n).
type makhoul struct {
	n     int
	dftn  *bluestein
	twid  []complex128 // exp(-i pi k / (2n))
	cpool freeList[[]complex128]
}

func newMakhoul(n int) *makhoul {
	mk := &makhoul{n: n, dftn: newBluestein(n), twid: make([]complex128, n)}
	for k := range n {
		mk.twid[k] = cmplx.Rect(1, -math.Pi*float64(k)/float64(2*n))
	}
	mk.cpool.alloc = func() []complex128 { return make([]complex128, n) }
	return mk
}

// dct2 sets dst_k = sum_j x_j cos(pi (2j+1) k / (2n)): with v the
// even-indexed entries of x followed by the odd-indexed ones reversed,
// dst_k = Re(exp(-i pi k/(2n)) DFT(v)_k).
func (mk *makhoul) dct2(dst, x []float64) {
	n := mk.n
	v := mk.cpool.get()
	defer mk.cpool.put(v)
	for j := 0; 2*j < n; j++ {
		v[j] = complex(x[2*j], 0)
	}
	for j := 0; 2*j+1 < n; j++ {
		v[n-1-j] = complex(x[2*j+1], 0)
	}
	mk.dftn.dft(v, v)
	for k := range n {
		dst[k] = real(mk.twid[k] * v[k])
	}
}

// dct3 sets dst_j = sum_k u_k cos(pi (2j+1) k / (2n)), the transpose of
// dct2: dct2 = Re(D F P) on real vectors (D the twiddles, F the symmetric
// DFT matrix, P the reordering), so its transpose is P^T Re(F D u).
func (mk *makhoul) dct3(dst, u []float64) {
	n := mk.n
	v := mk.cpool.get()
	defer mk.cpool.put(v)
	for k := range n {
		v[k] = mk.twid[k] * complex(u[k], 0)
	}
	mk.dftn.dft(v, v)
	for j := 0; 2*j < n; j++ {
		dst[2*j] = real(v[j])
	}
	for j := 0; 2*j+1 < n; j++ {
		dst[2*j+1] = real(v[n-1-j])
	}
}
