package codes

import (
	"fmt"
	"math"
)

// ReedSolomon is the Reed–Solomon code over the prime field GF(Q) with block
// length N <= Q and message length K: the message (m_0, ..., m_{K-1}) is the
// polynomial m(X) = sum m_i X^i, and its codeword is (m(0), m(1), ...,
// m(N-1)). Two distinct polynomials of degree < K agree on fewer than K
// points, so the minimum distance is N - K + 1 (the Singleton bound).
type ReedSolomon struct {
	Q, N, K int
}

// NewReedSolomon checks the parameters: Q prime, 1 <= K <= N <= Q (the code
// needs N distinct evaluation points in GF(Q)).
func NewReedSolomon(q, n, k int) (*ReedSolomon, error) {
	if !IsPrime(q) {
		return nil, fmt.Errorf("codes: Reed–Solomon alphabet size %d is not prime", q)
	}
	if n > q {
		return nil, fmt.Errorf("codes: Reed–Solomon block length %d exceeds the alphabet size %d (needs %d distinct evaluation points in GF(%d))", n, q, n, q)
	}
	if k < 1 || k > n {
		return nil, fmt.Errorf("codes: Reed–Solomon message length %d, want 1..%d", k, n)
	}
	return &ReedSolomon{Q: q, N: n, K: k}, nil
}

// Distance returns the designed minimum distance N - K + 1.
func (rs *ReedSolomon) Distance() int { return rs.N - rs.K + 1 }

// Size returns the number of codewords Q^K, or -1 if it overflows an int.
func (rs *ReedSolomon) Size() int {
	s := 1
	for range rs.K {
		if s > math.MaxInt/rs.Q {
			return -1
		}
		s *= rs.Q
	}
	return s
}

// Encode writes the codeword of msg (K symbols in [0, Q)) into dst (reused
// when it has length N) and returns it. It panics on bad input.
func (rs *ReedSolomon) Encode(dst, msg []int) []int {
	if len(msg) != rs.K {
		panic(fmt.Sprintf("codes: Encode: message length %d, want %d", len(msg), rs.K))
	}
	if len(dst) != rs.N {
		dst = make([]int, rs.N)
	}
	for x := range rs.N {
		// Horner's rule mod Q.
		v := 0
		for i := rs.K - 1; i >= 0; i-- {
			if msg[i] < 0 || msg[i] >= rs.Q {
				panic(fmt.Sprintf("codes: Encode: symbol %d not in GF(%d)", msg[i], rs.Q))
			}
			v = (v*x + msg[i]) % rs.Q
		}
		dst[x] = v
	}
	return dst
}

// Message writes the base-Q digits of index (least significant first) into
// dst: the index-th message in lexicographic order.
func (rs *ReedSolomon) Message(dst []int, index int) []int {
	if len(dst) != rs.K {
		dst = make([]int, rs.K)
	}
	for i := range rs.K {
		dst[i] = index % rs.Q
		index /= rs.Q
	}
	return dst
}

// Codeword returns the codeword of the index-th message.
func (rs *ReedSolomon) Codeword(dst []int, index int) []int {
	return rs.Encode(dst, rs.Message(nil, index))
}

// MeasureDistance returns the minimum Hamming weight over all non-zero
// codewords (for a linear code, the minimum distance), by enumeration. It
// returns an error if there are more than limit codewords (limit <= 0 means
// 1<<22).
func (rs *ReedSolomon) MeasureDistance(limit int) (int, error) {
	if limit <= 0 {
		limit = 1 << 22
	}
	size := rs.Size()
	if size < 0 || size > limit {
		return 0, fmt.Errorf("codes: %d^%d codewords exceed the enumeration limit %d", rs.Q, rs.K, limit)
	}
	best := rs.N + 1
	msg := make([]int, rs.K)
	cw := make([]int, rs.N)
	for idx := 1; idx < size; idx++ {
		rs.Message(msg, idx)
		rs.Encode(cw, msg)
		w := 0
		for _, s := range cw {
			if s != 0 {
				w++
			}
		}
		best = min(best, w)
	}
	return best, nil
}
