// Package codes provides the error-correcting codes used by the lower-bound
// construction of Kamath, Karmalkar and Price (2020): tau-balanced binary
// linear codes (Lemma 3.3) and Reed–Solomon codes over prime fields
// (Theorem 2.1), together with the prime searches they need.
package codes

import (
	"fmt"
	"math"
	"math/bits"

	"github.com/gencs/gencs/internal/rng"
)

// MaxExactMsgLen is the largest message length for which Bias enumerates
// every non-zero codeword; longer codes are checked by sampling.
const MaxExactMsgLen = 20

// Binary is a linear code over GF(2) with message length K and block length
// N, given by a K x N generator matrix. Codeword(msg) is the GF(2) sum of the
// rows selected by the bits of msg.
type Binary struct {
	K, N int
	// rows[i] is generator row i packed into 64-bit words, bit j of the
	// block at word j/64, position j%64.
	rows [][]uint64
}

// NewBinary returns the code with the given generator rows (each of length
// N, entries 0 or 1). It returns an error for ragged or non-binary input.
func NewBinary(gen [][]uint8) (*Binary, error) {
	if len(gen) == 0 || len(gen) > 63 {
		return nil, fmt.Errorf("codes: NewBinary: %d generator rows, want 1..63", len(gen))
	}
	n := len(gen[0])
	if n == 0 {
		return nil, fmt.Errorf("codes: NewBinary: block length 0")
	}
	c := &Binary{K: len(gen), N: n, rows: make([][]uint64, len(gen))}
	for i, row := range gen {
		if len(row) != n {
			return nil, fmt.Errorf("codes: NewBinary: row %d has length %d, want %d", i, len(row), n)
		}
		c.rows[i] = make([]uint64, (n+63)/64)
		for j, b := range row {
			switch b {
			case 0:
			case 1:
				c.rows[i][j/64] |= 1 << (j % 64)
			default:
				return nil, fmt.Errorf("codes: NewBinary: entry (%d,%d) = %d is not a bit", i, j, b)
			}
		}
	}
	return c, nil
}

// RandomBinary returns a code whose K x N generator matrix has independent
// uniform bits drawn from the stream rng.New(seed, ...).
func RandomBinary(k, n int, seed uint64) (*Binary, error) {
	if k < 1 || k > 63 {
		return nil, fmt.Errorf("codes: RandomBinary: message length %d, want 1..63", k)
	}
	if n < 1 {
		return nil, fmt.Errorf("codes: RandomBinary: block length %d, want >= 1", n)
	}
	r := rng.New(seed, 0xb1a5, uint64(k), uint64(n))
	c := &Binary{K: k, N: n, rows: make([][]uint64, k)}
	w := (n + 63) / 64
	for i := range c.rows {
		c.rows[i] = make([]uint64, w)
		for j := range w {
			c.rows[i][j] = r.Uint64()
		}
		if n%64 != 0 {
			c.rows[i][w-1] &= (1 << (n % 64)) - 1
		}
	}
	return c, nil
}

// Size returns the number of codewords, 2^K.
func (c *Binary) Size() int { return 1 << c.K }

// words returns the packed codeword for msg into dst.
func (c *Binary) words(dst []uint64, msg uint64) []uint64 {
	w := (c.N + 63) / 64
	if len(dst) != w {
		dst = make([]uint64, w)
	}
	clear(dst)
	for i := 0; i < c.K; i++ {
		if msg>>i&1 == 1 {
			for j, x := range c.rows[i] {
				dst[j] ^= x
			}
		}
	}
	return dst
}

// Codeword returns the N bits of the codeword of msg (bit i of msg selects
// generator row i). It panics if msg >= 2^K.
func (c *Binary) Codeword(msg uint64) []uint8 {
	if msg>>c.K != 0 {
		panic(fmt.Sprintf("codes: Codeword: message %d has more than %d bits", msg, c.K))
	}
	ws := c.words(nil, msg)
	out := make([]uint8, c.N)
	for j := range out {
		out[j] = uint8(ws[j/64] >> (j % 64) & 1)
	}
	return out
}

// Weight returns the Hamming weight of the codeword of msg.
func (c *Binary) Weight(msg uint64) int {
	n := 0
	for _, x := range c.words(nil, msg) {
		n += bits.OnesCount64(x)
	}
	return n
}

// Bias describes how far the weights of the non-zero codewords stray from
// N/2. The code is tau-balanced when every non-zero codeword has weight in
// [(1/2 - tau) N, (1/2 + tau) N], that is when Tau <= tau.
type Bias struct {
	MinWeight, MaxWeight int
	// Tau = max |weight/N - 1/2| over the codewords examined.
	Tau float64
	// Exact reports whether every non-zero codeword was enumerated;
	// otherwise Samples random non-zero messages were drawn.
	Exact   bool
	Samples int
	// ZeroCodeword reports a non-zero message with the all-zero codeword,
	// i.e. a rank-deficient generator (then Tau = 1/2).
	ZeroCodeword bool
}

// Balanced reports whether the examined codewords are tau-balanced.
func (b Bias) Balanced(tau float64) bool { return b.Tau <= tau+1e-12 }

// Bias measures the weights of the non-zero codewords: exactly, by Gray-code
// enumeration of all 2^K - 1 of them, when K <= MaxExactMsgLen; otherwise
// from samples random non-zero messages (samples <= 0 means 1<<16) drawn from
// rng.New(seed, ...).
func (c *Binary) Bias(samples int, seed uint64) Bias {
	b := Bias{MinWeight: c.N + 1, MaxWeight: -1}
	note := func(w int) {
		b.MinWeight = min(b.MinWeight, w)
		b.MaxWeight = max(b.MaxWeight, w)
	}
	if c.K <= MaxExactMsgLen {
		b.Exact = true
		cur := make([]uint64, (c.N+63)/64)
		for g := uint64(1); g < 1<<c.K; g++ {
			// Gray code: codeword g^(g>>1) differs from the previous one by
			// row TrailingZeros(g).
			for j, x := range c.rows[bits.TrailingZeros64(g)] {
				cur[j] ^= x
			}
			w := 0
			for _, x := range cur {
				w += bits.OnesCount64(x)
			}
			note(w)
		}
	} else {
		if samples <= 0 {
			samples = 1 << 16
		}
		b.Samples = samples
		r := rng.New(seed, 0xb1a5ed)
		buf := make([]uint64, (c.N+63)/64)
		for range samples {
			msg := r.Uint64() & (1<<c.K - 1)
			for msg == 0 {
				msg = r.Uint64() & (1<<c.K - 1)
			}
			w := 0
			for _, x := range c.words(buf, msg) {
				w += bits.OnesCount64(x)
			}
			note(w)
		}
	}
	if b.MinWeight == 0 {
		b.ZeroCodeword = true
	}
	half := float64(c.N) / 2
	b.Tau = math.Max(half-float64(b.MinWeight), float64(b.MaxWeight)-half) / float64(c.N)
	return b
}

// FindBalanced draws random [n, k] codes (seeds derived from seed) until one
// is tau-balanced, checking each exactly (k must be <= MaxExactMsgLen), and
// gives up after tries attempts (tries <= 0 means 1000).
func FindBalanced(k, n int, tau float64, seed uint64, tries int) (*Binary, Bias, error) {
	if k > MaxExactMsgLen {
		return nil, Bias{}, fmt.Errorf("codes: FindBalanced: message length %d exceeds %d, the largest checked exactly", k, MaxExactMsgLen)
	}
	if tries <= 0 {
		tries = 1000
	}
	for t := range tries {
		c, err := RandomBinary(k, n, rng.Derive(seed, uint64(t)))
		if err != nil {
			return nil, Bias{}, err
		}
		if b := c.Bias(0, 0); b.Balanced(tau) {
			return c, b, nil
		}
	}
	return nil, Bias{}, fmt.Errorf("codes: no %g-balanced [%d, %d] binary code found in %d random tries (block length too short for this message length)", tau, n, k, tries)
}
