package codes

import (
	"fmt"
	"testing"
)

// weightsByBruteForce lists codeword weights from Codeword, independently of
// the packed Gray-code enumeration in Bias.
func weightsByBruteForce(c *Binary) (lo, hi int) {
	lo, hi = c.N+1, -1
	for msg := uint64(1); msg < 1<<c.K; msg++ {
		w := 0
		for _, b := range c.Codeword(msg) {
			w += int(b)
		}
		lo, hi = min(lo, w), max(hi, w)
	}
	return lo, hi
}

func TestSimplexCodeIsPerfectlyBalanced(t *testing.T) {
	// The [7,3] simplex code: columns are the 7 non-zero vectors of GF(2)^3,
	// every non-zero codeword has weight exactly 4.
	gen := make([][]uint8, 3)
	for i := range gen {
		gen[i] = make([]uint8, 7)
		for col := 1; col <= 7; col++ {
			gen[i][col-1] = uint8(col >> i & 1)
		}
	}
	c, err := NewBinary(gen)
	if err != nil {
		t.Fatal(err)
	}
	b := c.Bias(0, 0)
	if !b.Exact || b.MinWeight != 4 || b.MaxWeight != 4 {
		t.Fatalf("simplex bias %+v, want all weights 4", b)
	}
	if want := 0.5 / 7; b.Tau-want > 1e-15 || want-b.Tau > 1e-15 {
		t.Fatalf("tau = %v, want %v", b.Tau, want)
	}
}

func TestBiasMatchesBruteForce(t *testing.T) {
	for _, kn := range [][2]int{{1, 5}, {4, 9}, {6, 70}, {10, 130}, {12, 33}} {
		c, err := RandomBinary(kn[0], kn[1], uint64(kn[0]*1000+kn[1]))
		if err != nil {
			t.Fatal(err)
		}
		b := c.Bias(0, 0)
		lo, hi := weightsByBruteForce(c)
		if !b.Exact || b.MinWeight != lo || b.MaxWeight != hi {
			t.Errorf("[%d,%d]: Bias %+v, brute force [%d,%d]", kn[1], kn[0], b, lo, hi)
		}
		if b.ZeroCodeword != (lo == 0) {
			t.Errorf("ZeroCodeword = %v with min weight %d", b.ZeroCodeword, lo)
		}
	}
}

func TestRankDeficientCodeIsUnbalanced(t *testing.T) {
	c, err := NewBinary([][]uint8{{1, 0, 1, 1}, {1, 0, 1, 1}})
	if err != nil {
		t.Fatal(err)
	}
	if b := c.Bias(0, 0); !b.ZeroCodeword || b.Tau != 0.5 || b.Balanced(0.49) {
		t.Fatalf("repeated rows: %+v", b)
	}
}

func TestFindBalancedSixth(t *testing.T) {
	// The tau = 1/6 codes of Lemma 3.3: all pairwise distances in [N/3, 2N/3].
	for _, kn := range [][2]int{{3, 8}, {5, 16}, {6, 24}} {
		c, b, err := FindBalanced(kn[0], kn[1], 1.0/6, 7, 0)
		if err != nil {
			t.Fatalf("[%d,%d]: %v", kn[1], kn[0], err)
		}
		lo, hi := weightsByBruteForce(c)
		if 3*lo < c.N || 3*hi > 2*c.N || lo != b.MinWeight || hi != b.MaxWeight {
			t.Errorf("[%d,%d]: weights [%d,%d] outside [N/3, 2N/3]", c.N, c.K, lo, hi)
		}
		// Distance between codewords = weight of their sum (linearity).
		for a := uint64(0); a < 1<<c.K; a++ {
			for bb := a + 1; bb < 1<<c.K; bb++ {
				ca, cb := c.Codeword(a), c.Codeword(bb)
				d := 0
				for i := range ca {
					if ca[i] != cb[i] {
						d++
					}
				}
				if 3*d < c.N || 3*d > 2*c.N {
					t.Fatalf("distance %d between codewords %d, %d", d, a, bb)
				}
			}
		}
	}
	if _, _, err := FindBalanced(10, 6, 1.0/6, 1, 50); err == nil {
		t.Error("a [6,10] code cannot even be injective; want an error")
	}
}

func TestSampledBias(t *testing.T) {
	// K = 24 > MaxExactMsgLen: sampled. With N = 2000, Hoeffding and a union
	// bound over all 2^24 codewords give P(tau > 0.1) < 2^25 e^{-40} < 1e-9.
	c, err := RandomBinary(24, 2000, 3)
	if err != nil {
		t.Fatal(err)
	}
	b := c.Bias(4096, 5)
	if b.Exact || b.Samples != 4096 || b.Tau > 0.1 || b.MinWeight > b.MaxWeight {
		t.Fatalf("sampled bias %+v", b)
	}
	if _, _, err := FindBalanced(21, 2000, 0.2, 1, 1); err == nil {
		t.Error("FindBalanced above the exact limit should refuse")
	}
}

func TestPrimes(t *testing.T) {
	const lim = 5000
	composite := make([]bool, 2*lim+1)
	for i := 2; i <= 2*lim; i++ {
		for j := 2 * i; j <= 2*lim; j += i {
			composite[j] = true
		}
	}
	for n := 0; n <= 2*lim; n++ {
		if IsPrime(n) != (n >= 2 && !composite[n]) {
			t.Fatalf("IsPrime(%d) wrong", n)
		}
	}
	for z := 1; z <= lim; z++ {
		p, err := PrimeBetween(z)
		if err != nil || p <= z || p > 2*z || !IsPrime(p) {
			t.Fatalf("PrimeBetween(%d) = %d, %v", z, p, err)
		}
		for q := z + 1; q < p; q++ {
			if IsPrime(q) {
				t.Fatalf("PrimeBetween(%d) = %d skips %d", z, p, q)
			}
		}
		if pp := PrevPrime(z); pp > z || (pp != 0 && !IsPrime(pp)) || (z >= 2 && pp == 0) {
			t.Fatalf("PrevPrime(%d) = %d", z, pp)
		}
	}
	if _, err := PrimeBetween(0); err == nil {
		t.Error("PrimeBetween(0) should fail")
	}
}

func TestReedSolomonDistance(t *testing.T) {
	for _, c := range [][3]int{{2, 2, 1}, {3, 3, 2}, {5, 4, 2}, {7, 6, 3}, {11, 6, 3}, {13, 8, 4}, {17, 6, 3}, {5, 5, 5}} {
		rs, err := NewReedSolomon(c[0], c[1], c[2])
		if err != nil {
			t.Fatal(err)
		}
		d, err := rs.MeasureDistance(0)
		if err != nil {
			t.Fatal(err)
		}
		if d != rs.Distance() || d != c[1]-c[2]+1 {
			t.Errorf("RS(q=%d,n=%d,k=%d): measured distance %d, want %d", c[0], c[1], c[2], d, c[1]-c[2]+1)
		}
	}
}

func TestReedSolomonLinearAndEvaluates(t *testing.T) {
	rs, _ := NewReedSolomon(13, 7, 3)
	a, b := []int{3, 12, 5}, []int{11, 4, 9}
	ca, cb := rs.Encode(nil, a), rs.Encode(nil, b)
	sum := make([]int, 3)
	for i := range sum {
		sum[i] = (a[i] + b[i]) % 13
	}
	cs := rs.Encode(nil, sum)
	for x := range 7 {
		if cs[x] != (ca[x]+cb[x])%13 {
			t.Fatal("encoding is not linear")
		}
		if want := (3 + 12*x + 5*x*x) % 13; ca[x] != want {
			t.Fatalf("m(%d) = %d, want %d", x, ca[x], want)
		}
	}
	if got := rs.Message(nil, 3+12*13+5*169); got[0] != 3 || got[1] != 12 || got[2] != 5 {
		t.Fatalf("Message = %v", got)
	}
}

func TestReedSolomonBadParameters(t *testing.T) {
	for _, c := range [][3]int{{4, 3, 2}, {5, 6, 3}, {7, 5, 0}, {7, 5, 6}, {1, 1, 1}} {
		if _, err := NewReedSolomon(c[0], c[1], c[2]); err == nil {
			t.Errorf("NewReedSolomon%v: want error", c)
		}
	}
}

func ExampleFindBalanced() {
	// A 1/6-balanced [24, 5] code: 32 points in {±1}^24 whose pairwise
	// Hamming distances all lie in [8, 16] (Lemma 3.3).
	c, b, err := FindBalanced(5, 24, 1.0/6, 1, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Size(), b.Exact, b.Balanced(1.0/6))
	// Output: 32 true true
}

func ExampleReedSolomon() {
	rs, _ := NewReedSolomon(17, 6, 3)
	d, _ := rs.MeasureDistance(0)
	fmt.Println(rs.Size(), d, rs.Encode(nil, []int{1, 2, 3}))
	// Output: 4913 4 [1 6 0 0 6 1]
}
