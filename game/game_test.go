package game

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/gencs/gencs/internal/rng"
	"github.com/gencs/gencs/linop"
)

func TestWilson(t *testing.T) {
	lo, hi := Wilson(0, 10, 1.96)
	if lo != 0 || math.Abs(hi-0.2775) > 1e-3 {
		t.Fatalf("Wilson(0,10) = [%v, %v], want [0, 0.2775]", lo, hi)
	}
	lo2, hi2 := Wilson(10, 10, 1.96)
	if math.Abs(lo2-(1-hi)) > 1e-12 || hi2 != 1 {
		t.Fatalf("Wilson(10,10) = [%v, %v] not the mirror image", lo2, hi2)
	}
	lo, hi = Wilson(50, 100, 1.96)
	if math.Abs(lo-0.4038) > 1e-3 || math.Abs(hi-0.5962) > 1e-3 {
		t.Fatalf("Wilson(50,100) = [%v, %v]", lo, hi)
	}
}

// For u uniform in a ball of radius rad in R^n, (||u||/rad)^n is uniform on
// [0, 1]: mean 1/2, variance 1/12.
func TestUniformBall(t *testing.T) {
	for _, p := range []int{1, 2} {
		r := rng.New(1, uint64(p))
		const n, trials = 7, 20000
		sum := 0.0
		for range trials {
			u := uniformBall(r, n, p, 2.5)
			s := 0.0
			for _, v := range u {
				if p == 1 {
					s += math.Abs(v)
				} else {
					s += v * v
				}
			}
			if p == 2 {
				s = math.Sqrt(s)
			}
			if s > 2.5*(1+1e-12) {
				t.Fatalf("p=%d: ||u|| = %v > radius", p, s)
			}
			sum += math.Pow(s/2.5, n)
		}
		if mean := sum / trials; math.Abs(mean-0.5) > 4*math.Sqrt(1.0/12/trials) {
			t.Errorf("p=%d: mean (||u||/rad)^n = %v, want 1/2", p, mean)
		}
	}
}

func setup(t *testing.T, cfg Config) *Setup {
	t.Helper()
	s, err := NewSetup(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The exact decoder's value is a global minimum: never above the loss of any
// point of G(X) nor of random latent points, and zero on noiseless data.
func TestExactMinimizerIsGlobal(t *testing.T) {
	s := setup(t, Config{N: 48, K: 2, L: 1, Rlat: 1, Delta: 1.0 / 1024, M: 5, Seed: 3})
	g := s.Gen
	r := rng.New(4)
	for trial := range 5 {
		A, _ := linop.OrthonormalRows(5, 48, uint64(trial))
		z0 := []float64{r.Float64() * g.T, r.Float64() * g.T}
		y := A.Apply(nil, g.Forward(nil, z0))
		z, loss, ok := s.Inst.ExactMinimizer(A.M, y, 0)
		yy := 0.0
		for _, v := range y {
			yy += v * v
		}
		if !ok || loss > 1e-12*yy {
			t.Fatalf("noiseless: loss %v", loss)
		}
		res := A.Apply(nil, g.Forward(nil, z))
		ss := 0.0
		for i := range res {
			ss += (res[i] - y[i]) * (res[i] - y[i])
		}
		if ss > 1e-12*yy {
			t.Fatalf("returned z has loss %v", ss)
		}
		// Noisy: compare with a dense scan of latent space.
		for i := range y {
			y[i] += 0.05 * r.NormFloat64()
		}
		_, loss, _ = s.Inst.ExactMinimizer(A.M, y, 0)
		_, nearest := s.Inst.NearestInMeasurements(A.M, y)
		if loss > nearest+1e-15 {
			t.Fatalf("exact %v above the best point of G(X) %v", loss, nearest)
		}
		zz := make([]float64, 2)
		for a := 0; a <= 400; a++ {
			for b := 0; b <= 400; b++ {
				zz[0], zz[1] = g.T*float64(a)/400, g.T*float64(b)/400
				v := A.Apply(nil, g.Forward(nil, zz))
				ss := 0.0
				for i := range v {
					ss += (v[i] - y[i]) * (v[i] - y[i])
				}
				if ss < loss-1e-12 {
					t.Fatalf("grid point %v has loss %v < exact minimum %v", zz, ss, loss)
				}
			}
		}
	}
}

// With m = n measurements A is invertible and every decoder that uses the
// whole range or the whole of X recovers every chunk.
func TestFullMeasurementsAlwaysWin(t *testing.T) {
	for _, d := range []Decoder{Exhaustive, Exact} {
		res, err := Run(context.Background(), Config{N: 48, K: 2, L: 1, Rlat: 1, Delta: 1.0 / 1024, M: 48, Seed: 1, Trials: 12, Chunks: 3, Decoder: d})
		if err != nil {
			t.Fatal(err)
		}
		if res.ChunkRight != res.Trials || !res.Wins || !res.MessageExact {
			t.Errorf("%v with m = n: %+v", d, res)
		}
		if res.DBits != 3*res.ChunkBits || res.BitsSent != 48*res.BitsPerEntry {
			t.Errorf("bit accounting %+v", res)
		}
	}
}

// Stacking D^j exhausts float64: with 53-bit arithmetic the lowest chunk is
// lost once the message needs more bits than the mantissa has, while exact
// big.Float arithmetic still recovers it.
func TestPrecisionLimit(t *testing.T) {
	base := Config{N: 48, K: 2, L: 1, Rlat: 1, Delta: 1.0 / 1024, M: 48, Seed: 2, Trials: 8, Query: 1, Bits: 30, D: 96, NoNoise: true}
	for _, c := range []struct {
		chunks int
		prec   uint
		win    bool
	}{{3, 53, true}, {9, 53, false}, {9, 0, true}} {
		cfg := base
		cfg.Chunks, cfg.Prec = c.chunks, c.prec
		res, err := Run(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if got := res.ChunkRight == res.Trials; got != c.win {
			t.Errorf("t=%d prec=%d: %d/%d chunks right (capacity %d chunks, exact message %v)", c.chunks, c.prec, res.ChunkRight, res.Trials, res.MaxChunks, res.MessageExact)
		}
		if c.prec == 53 && res.MessageExact != (c.chunks <= res.MaxChunks) {
			t.Errorf("t=%d: MessageExact %v but capacity %d", c.chunks, res.MessageExact, res.MaxChunks)
		}
	}
	// Capacity formula: 2^b sqrt(n) (D + ... + D^t) must stay below 2^prec:
	// 2^30 sqrt(48) (96 + 96^2 + 96^3) = 2^52.56, 96^4 more is 2^59.2.
	if got := ChunkCapacity(53, 30, math.Sqrt(48), 96); got != 3 {
		t.Errorf("ChunkCapacity(53, b=30, n=48, D=96) = %d, want 3", got)
	}
	if got := ChunkCapacity(60, 30, math.Sqrt(48), 96); got != 4 {
		t.Errorf("ChunkCapacity(60, ...) = %d, want 4", got)
	}
}

func TestBadConfig(t *testing.T) {
	ok := Config{N: 48, K: 2, L: 1, Rlat: 1, Delta: 1.0 / 1024, M: 4}
	cases := []struct {
		mod  func(*Config)
		want error
	}{
		{func(c *Config) { c.Delta = 1.0 / 100 }, ErrDelta}, // L r/delta = 100 < 576
		{func(c *Config) { c.M = 49 }, ErrConfig},
		{func(c *Config) { c.Prec = 20 }, ErrConfig},
		{func(c *Config) { c.Delta = -1 }, ErrConfig},
	}
	for i, c := range cases {
		cfg := ok
		c.mod(&cfg)
		if _, err := NewSetup(cfg); !errors.Is(err, c.want) {
			t.Errorf("case %d: %v, want %v", i, err, c.want)
		}
	}
	cfg := ok
	cfg.Delta, cfg.AllowLargeDelta = 1.0/100, true
	if _, err := NewSetup(cfg); err != nil {
		t.Errorf("AllowLargeDelta: %v", err)
	}
	cfg = Config{N: 96, K: 6, L: 1, Rlat: 1, Delta: 1.0 / 1024, M: 4, Decoder: Exact}
	if _, err := NewSetup(cfg); err == nil {
		t.Error("exact decoder with 31^6 segment choices should be refused")
	}
}

func ExampleRun() {
	res, err := Run(context.Background(), Config{
		N: 48, K: 2, L: 1, Rlat: 1, Delta: 1.0 / 1024, // |P'| = 32, q = 31
		M: 4, Chunks: 3, Trials: 20, Seed: 1, Decoder: Exhaustive,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("d=%d bits, sent %d bits, success %.2f, wins %v\n", res.DBits, res.BitsSent, res.SuccessRate, res.Wins)
	// Output: d=12 bits, sent 268 bits, success 1.00, wins true
}

func TestPrecisionStudy(t *testing.T) {
	base := Config{N: 48, K: 2, L: 1, Rlat: 1, Delta: 1.0 / 1024, Seed: 5, Trials: 4, Bits: 30}
	rows, err := PrecisionStudy(context.Background(), base, []uint{53, 0}, 11)
	if err != nil {
		t.Fatal(err)
	}
	f64, exact := rows[0], rows[1]
	// 2^30 sqrt(48) (96 + ... + 96^t) < 2^53 exactly for t <= 3.
	if f64.ExactChunks != 3 || exact.ExactChunks != 11 || exact.DecodableChunks != 11 {
		t.Errorf("rows %+v", rows)
	}
	// float64 keeps decoding past exactness but not forever: relative error
	// 2^-53 of D^t swamps the separation near t = 9.
	if f64.DecodableChunks < f64.ExactChunks || f64.DecodableChunks >= 11 {
		t.Errorf("float64 decodes %d chunks", f64.DecodableChunks)
	}
}

// The pruned, incremental enumeration agrees with a naive one that
// assembles each segment choice's least squares from scratch.
func TestExactMinimizerMatchesNaive(t *testing.T) {
	s := setup(t, Config{N: 63, K: 3, L: 1, Rlat: 1, Delta: 1.0 / 64, AllowLargeDelta: true, M: 4, Seed: 2})
	g := s.Gen
	J := len(g.Points) - 1
	r := rng.New(7)
	for trial := range 4 {
		m := 3 + trial // underdetermined to overdetermined
		A, _ := linop.OrthonormalRows(m, 63, uint64(trial))
		y := make([]float64, m)
		for i := range y {
			y[i] = 0.05 * r.NormFloat64()
		}
		_, got, ok := s.Inst.ExactMinimizer(A.M, y, 0)
		if !ok {
			t.Fatal("refused")
		}
		best := math.Inf(1)
		seg := make([]int, 3)
		for seg[0] = 0; seg[0] < J; seg[0]++ {
			for seg[1] = 0; seg[1] < J; seg[1]++ {
				for seg[2] = 0; seg[2] < J; seg[2]++ {
					// Columns w_b = A_b (P_{j+1} - P_j), offset c = y - sum A_b P_j.
					W := make([][]float64, 3)
					c := append([]float64(nil), y...)
					for b, j := range seg {
						lo, hi := make([]float64, 63), make([]float64, 63)
						copy(lo[b*g.Block:], g.Points[j])
						copy(hi[b*g.Block:], g.Points[j+1])
						alo, ahi := A.Apply(nil, lo), A.Apply(nil, hi)
						W[b] = make([]float64, m)
						for i := range m {
							W[b][i] = ahi[i] - alo[i]
							c[i] -= alo[i]
						}
					}
					H := make([]float64, 9)
					gv := make([]float64, 3)
					c0 := 0.0
					for i := range m {
						c0 += c[i] * c[i]
					}
					for a := range 3 {
						for i := range m {
							gv[a] += W[a][i] * c[i]
						}
						for b := range 3 {
							for i := range m {
								H[a*3+b] += W[a][i] * W[b][i]
							}
						}
					}
					best = math.Min(best, boxQP(H, gv, c0, make([]float64, 3), 3))
				}
			}
		}
		if math.Abs(got-math.Max(best, 0)) > 1e-10*(1+best) {
			t.Errorf("m=%d: exact minimiser %v, naive enumeration %v", m, got, best)
		}
	}
}
