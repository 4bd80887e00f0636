package linop

import (
	"math"
	"math/bits"
)

// cfft is an in-place radix-2 complex FFT of a power-of-two length n:
// X_k = sum_j x_j exp(-2 pi i j k / n). The first stages run on blocks that
// fit in cache. Its tables are read-only after construction, so one cfft
// may be used by many goroutines at once.
type cfft struct {
	n   int
	rev []int32      // bit-reversal permutation
	tw  []complex128 // tw[h+k] = exp(-pi i k / h) for h = 1, 2, 4, ..., n/2 and k < h
}

// cfftBlock is the length of the blocks on which the first stages run
// (32 KiB of complex128).
const cfftBlock = 1 << 11

func newCFFT(n int) *cfft {
	if n < 1 || n&(n-1) != 0 {
		panic("linop: internal error: cfft length not a power of two")
	}
	f := &cfft{n: n, rev: make([]int32, n), tw: make([]complex128, n)}
	if lg := bits.Len(uint(n)) - 1; lg > 0 {
		for i := range n {
			f.rev[i] = int32(bits.Reverse64(uint64(i)) >> (64 - lg))
		}
	}
	for h := 1; h < n; h *= 2 {
		for k := range h {
			s, c := math.Sincos(-math.Pi * float64(k) / float64(h))
			f.tw[h+k] = complex(c, s)
		}
	}
	return f
}

// forward replaces x (length n) by its DFT, using runtime.GOMAXPROCS(0)
// goroutines when n >= fastParallelMin.
func (f *cfft) forward(x []complex128) {
	f.forwardP(x, fastWorkers(f.n))
}

// forwardP is forward with p goroutines. Every butterfly is computed the
// same way whatever p is, so the result is bitwise independent of p.
func (f *cfft) forwardP(x []complex128, p int) {
	n := f.n
	x = x[:n]
	parallelN(n, p, func(lo, hi int) {
		for i, j := range f.rev[lo:hi] {
			// Each pair is swapped by the owner of its smaller index.
			if i += lo; i < int(j) {
				x[i], x[j] = x[j], x[i]
			}
		}
	})
	bs := min(n, cfftBlock)
	parallelN(n/bs, p, func(lo, hi int) {
		for b := lo; b < hi; b++ {
			blk := x[b*bs : (b+1)*bs]
			cfftFirst(blk)
			for h := 4; h < bs; h *= 2 {
				cfftStage(blk, h, f.tw[h:2*h])
			}
		}
	})
	for h := bs; h < n; h *= 2 {
		w := f.tw[h : 2*h]
		if p <= 1 {
			cfftStage(x, h, w)
			continue
		}
		// Split the n/2 butterflies (t -> block t/h, offset t%h).
		parallelN(n/2, p, func(lo, hi int) {
			for t := lo; t < hi; {
				s, k := (t/h)*2*h, t%h
				e := min(h, k+hi-t) // end offset within this block
				a := x[s+k : s+e]
				b := x[s+h+k : s+h+e]
				ww := w[k:e]
				for i := range a {
					tt := ww[i] * b[i]
					a[i], b[i] = a[i]+tt, a[i]-tt
				}
				t += e - k
			}
		})
	}
}

// cfftFirst runs the butterflies of half-size 1 and 2 (one radix-4 pass).
func cfftFirst(x []complex128) {
	if len(x) < 4 {
		if len(x) == 2 {
			x[0], x[1] = x[0]+x[1], x[0]-x[1]
		}
		return
	}
	for s := 0; s+4 <= len(x); s += 4 {
		a, b, c, d := x[s], x[s+1], x[s+2], x[s+3]
		ab, amb, cd, cmd := a+b, a-b, c+d, c-d
		cmd = complex(imag(cmd), -real(cmd)) // times -i
		x[s], x[s+2] = ab+cd, ab-cd
		x[s+1], x[s+3] = amb+cmd, amb-cmd
	}
}

// cfftStage runs the butterflies of half-size h with twiddles w (len h).
func cfftStage(x []complex128, h int, w []complex128) {
	for s := 0; s < len(x); s += 2 * h {
		a := x[s : s+h]
		b := x[s+h : s+2*h]
		w := w[:len(a)]
		b = b[:len(a)]
		for k := range a {
			t := w[k] * b[k]
			a[k], b[k] = a[k]+t, a[k]-t
		}
	}
}
