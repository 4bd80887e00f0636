// Package game simulates the Augmented Indexing reduction of Section 3 of
// Kamath, Karmalkar and Price (2020) end to end.
//
// Alice holds a d-bit string, split into t chunks of floor(log2 |X|) bits;
// chunk j indexes a point x_j of the finite set X of the Theorem 2.1
// generator G (package construct/codegen). She sends A' x with
// x = sum_{j=1}^t D^j G(x_j), where A' is a matrix A with orthonormal rows
// rounded to b bits per entry. Bob, who wants bit i (in chunk j) and knows
// the chunks after j, peels them off, rescales by D^{-j} to get
// A' w, w = G(x_j) + sum_{i<j} D^{i-j} G(x_i), adds the proof's noise
// -A u with u uniform in the l_p ball of radius R/D^j, recovers an
// estimate and rounds it to the nearest point of G(X).
//
// All signal arithmetic is exact or at a chosen precision: x has integer
// entries in units of R/n^{1/p} (sums of ±D^j), A' has b-bit entries, and
// the message and Bob's peeling run in math/big.Float with Prec bits
// (53 reproduces float64 rounding), so the number of chunks each precision
// supports can be measured.
package game

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"runtime"
	"sync"

	"github.com/gencs/gencs/construct/codegen"
	"github.com/gencs/gencs/genrec"
	"github.com/gencs/gencs/internal/rng"
	"github.com/gencs/gencs/linop"
)

// Decoder selects how Bob recovers x_j.
type Decoder int

const (
	// Exhaustive searches X for the point nearest in measurement space,
	// argmin_x ||A G(x) - y||: it uses Bob's knowledge of the finite set.
	Exhaustive Decoder = iota
	// CSGM minimises ||A G(z) - y|| by gradient descent with restarts
	// (genrec.CSGM) and rounds G(z) to G(X): a recovery algorithm for
	// guarantee (2) that knows only range(G).
	CSGM
	// Exact computes the global minimiser of ||A G(z) - y|| over range(G)
	// by enumerating one segment per block (feasible for small k) and
	// rounds it to G(X).
	Exact
)

// String returns the decoder's command-line name.
func (d Decoder) String() string {
	switch d {
	case Exhaustive:
		return "exhaustive"
	case CSGM:
		return "csgm"
	case Exact:
		return "exact"
	}
	return fmt.Sprintf("Decoder(%d)", int(d))
}

// ParseDecoder parses "exhaustive", "csgm" or "exact".
func ParseDecoder(s string) (Decoder, error) {
	for _, d := range []Decoder{Exhaustive, CSGM, Exact} {
		if d.String() == s {
			return d, nil
		}
	}
	return 0, fmt.Errorf("unknown decoder %q (want exhaustive, csgm or exact)", s)
}

// Config describes one configuration of the game. The zero value of every
// optional field is a sensible default.
type Config struct {
	// N, K, P, L, Rlat (r) and Delta define the generator: Theorem 1.1
	// applies Theorem 2.1 with R = sqrt(L r delta), so
	// |P'| = floor(sqrt(L r / delta)). P = 0 means 2.
	N, K, P         int
	L, Rlat         float64
	Delta           float64
	Seed            uint64 // everything random flows from Seed
	MaxCodeDim      int    // cap on the binary code dimension (codegen.Params)
	AllowLargeDelta bool   // skip the proof's condition delta < R/24

	// M is the number of measurements (1 <= M <= N).
	M int
	// Bits is b, the bits per entry of A'; 0 means the proof's choice
	// ceil(log2(D^t n^4)) (so that ||s|| < R/(D^j n^2)), capped at
	// linop.MaxBits.
	Bits int
	// D is the base of the stacking, D = 48(C+1); 0 means 96 (C = 1).
	D int
	// Chunks is t; 0 means max(1, floor(log2 n)).
	Chunks int
	// Prec is the big.Float precision of the message and of Bob's
	// peeling; 0 means enough for exact arithmetic, 53 emulates float64.
	Prec uint
	// Query forces Bob's chunk (1..Chunks); 0 draws the bit i uniformly.
	Query int
	// NoNoise leaves out the proof's noise u.
	NoNoise bool

	Decoder Decoder
	// Trials is the number of independent games (0 means 30).
	Trials int
	// Workers run trials in parallel (0 means GOMAXPROCS); results do not
	// depend on it.
	Workers int
	// Restarts and Iters configure the CSGM decoder (0: 32 and 300).
	Restarts, Iters int
	// ExactLimit caps the segment choices of the exact decoder (0 means
	// ExactLimit).
	ExactLimit int
}

// Errors naming violated conditions.
var (
	ErrDelta  = errors.New("the proof needs delta < R/24 = sqrt(L r delta)/24, i.e. L r / delta > 576")
	ErrConfig = errors.New("invalid game configuration")
)

// Result summarises the games of one configuration.
type Result struct {
	Decoder   string  `json:"decoder"`
	N         int     `json:"n"`
	K         int     `json:"k"`
	P         int     `json:"p"`
	M         int     `json:"m"`
	L         float64 `json:"L"`
	Rlat      float64 `json:"r"`
	Delta     float64 `json:"delta"`
	R         float64 `json:"R"`
	LrDelta   float64 `json:"lr_over_delta"`
	Points    int     `json:"points"` // |P'|
	Q         int     `json:"q"`
	SizeX     int     `json:"size_x"`
	CappedByN bool    `json:"capped_by_n"`
	ChunkBits int     `json:"chunk_bits"` // floor(log2 |X|)
	Chunks    int     `json:"chunks"`     // t
	D         int     `json:"D"`
	Bits      int     `json:"b"`       // bits per entry of A'
	BitsProof int     `json:"b_proof"` // ceil(log2(D^t n^4))
	// BitsPerEntry is the fixed length of one message entry (sign plus the
	// bits of the largest possible |(A' x)_i| in units 2^-b R/n^{1/p}),
	// BitsSent = M * BitsPerEntry and DBits = d = t * ChunkBits.
	BitsPerEntry int  `json:"bits_per_entry"`
	BitsSent     int  `json:"bits_sent"`
	DBits        int  `json:"d"`
	Prec         uint `json:"prec"`
	// PrecExact is the precision at which the message is exact; MaxChunks
	// is the number of chunks Prec supports exactly (ChunkCapacity).
	PrecExact    int  `json:"prec_exact"`
	MaxChunks    int  `json:"max_chunks_at_prec"`
	MessageExact bool `json:"message_exact"`

	Trials      int     `json:"trials"`
	Successes   int     `json:"successes"`   // queried bits answered right
	ChunkRight  int     `json:"chunk_right"` // x_j decoded exactly
	SuccessRate float64 `json:"success_rate"`
	WilsonLo    float64 `json:"wilson_lo"`
	WilsonHi    float64 `json:"wilson_hi"`
	Wins        bool    `json:"wins"` // SuccessRate > 2/3
}

// Setup is a configuration with its generator built, shared by all trials.
type Setup struct {
	Cfg  Config
	Gen  *codegen.Generator
	Inst *Instance
	R    float64
}

// NewSetup validates cfg and builds the generator.
func NewSetup(cfg Config) (*Setup, error) {
	if cfg.P == 0 {
		cfg.P = 2
	}
	if cfg.D == 0 {
		cfg.D = 96
	}
	if cfg.Chunks == 0 {
		cfg.Chunks = max(1, int(math.Floor(math.Log2(float64(cfg.N)))))
	}
	if cfg.Trials == 0 {
		cfg.Trials = 30
	}
	if cfg.Restarts == 0 {
		cfg.Restarts = 32
	}
	if cfg.Iters == 0 {
		cfg.Iters = 300
	}
	switch {
	case !(cfg.L > 0) || !(cfg.Rlat > 0) || !(cfg.Delta > 0) || math.IsInf(cfg.L*cfg.Rlat/cfg.Delta, 0):
		return nil, fmt.Errorf("L = %g, r = %g, delta = %g: %w: need positive finite values", cfg.L, cfg.Rlat, cfg.Delta, ErrConfig)
	case cfg.M < 1 || cfg.M > cfg.N:
		return nil, fmt.Errorf("m = %d: %w: need 1 <= m <= n = %d (orthonormal rows)", cfg.M, ErrConfig, cfg.N)
	case cfg.D < 2:
		return nil, fmt.Errorf("D = %d: %w: need D >= 2", cfg.D, ErrConfig)
	case cfg.Chunks < 1 || cfg.Chunks > 64:
		return nil, fmt.Errorf("chunks = %d: %w: need 1..64", cfg.Chunks, ErrConfig)
	case cfg.Bits < 0 || cfg.Bits > linop.MaxBits:
		return nil, fmt.Errorf("b = %d: %w: need 0..%d", cfg.Bits, ErrConfig, linop.MaxBits)
	case cfg.Prec != 0 && cfg.Prec < 53:
		return nil, fmt.Errorf("prec = %d: %w: need 0 (exact) or >= 53", cfg.Prec, ErrConfig)
	case cfg.Query < 0 || cfg.Query > cfg.Chunks:
		return nil, fmt.Errorf("query chunk %d: %w: need 0..%d", cfg.Query, ErrConfig, cfg.Chunks)
	case cfg.Trials < 1:
		return nil, fmt.Errorf("trials = %d: %w", cfg.Trials, ErrConfig)
	}
	R := math.Sqrt(cfg.L * cfg.Rlat * cfg.Delta)
	if !cfg.AllowLargeDelta && cfg.Delta >= R/24 {
		return nil, fmt.Errorf("delta = %g, R = %g: %w (got L r/delta = %.4g)", cfg.Delta, R, ErrDelta, cfg.L*cfg.Rlat/cfg.Delta)
	}
	g, err := codegen.New(codegen.Params{N: cfg.N, K: cfg.K, L: cfg.L, Rlat: cfg.Rlat, R: R, P: cfg.P, Seed: cfg.Seed, MaxCodeDim: cfg.MaxCodeDim})
	if err != nil {
		return nil, err
	}
	if g.NumX() < 2 {
		return nil, fmt.Errorf("|X| = %d: %w: need at least 2 points", g.NumX(), ErrConfig)
	}
	if cfg.Decoder == Exact {
		J := len(g.Points) - 1
		lim := cfg.ExactLimit
		if lim <= 0 {
			lim = ExactLimit
		}
		if math.Pow(float64(J), float64(cfg.K)) > float64(lim) {
			return nil, fmt.Errorf("exact decoder: (|P'|-1)^k = %d^%d segment choices exceed the limit %d; use a smaller k or L r/delta, or --decoder csgm", J, cfg.K, lim)
		}
	}
	return &Setup{Cfg: cfg, Gen: g, Inst: NewInstance(g), R: R}, nil
}

// ProofBits returns the proof's b = ceil(log2(D^t n^4)).
func ProofBits(D, t, n int) int {
	return int(math.Ceil(float64(t)*math.Log2(float64(D)) + 4*math.Log2(float64(n))))
}

// ChunkCapacity returns the largest number of chunks t for which a message
// entry sum_e A'_ie x_e, with |A'| entries of b bits summing to at most
// rowL1 and x_e = sum_{j<=t} ±D^j, is an integer (in units 2^-b) below
// 2^prec in magnitude, so that prec-bit arithmetic is exact. It returns 0 if
// not even one chunk fits.
func ChunkCapacity(prec uint, b int, rowL1 float64, D int) int {
	t := 0
	for t < 200 {
		need := bitsNeeded(b, rowL1, D, t+1)
		if need > int(prec) {
			break
		}
		t++
	}
	return t
}

// bitsNeeded returns the bits of the largest possible |message entry| in
// units of 2^-b: ceil(log2(2^b rowL1 sum_{j=1}^t D^j + 1)).
func bitsNeeded(b int, rowL1 float64, D, t int) int {
	s := 0.0
	for j := 1; j <= t; j++ {
		s += math.Pow(float64(D), float64(j))
	}
	return int(math.Ceil(math.Log2(math.Ldexp(rowL1*s, b) + 1)))
}

// Run plays cfg.Trials independent games and summarises them.
func Run(ctx context.Context, cfg Config) (Result, error) {
	s, err := NewSetup(cfg)
	if err != nil {
		return Result{}, err
	}
	return s.Run(ctx)
}

type trialOut struct {
	bitRight, chunkRight bool
	bitsPerEntry         int
	precExact            int
	exact                bool
	err                  error
}

// Run plays the configured games.
func (s *Setup) Run(ctx context.Context) (Result, error) {
	cfg := s.Cfg
	g := s.Gen
	chunkBits := int(math.Floor(math.Log2(float64(g.NumX()))))
	bits := cfg.Bits
	bp := ProofBits(cfg.D, cfg.Chunks, cfg.N)
	if bits == 0 {
		bits = min(bp, linop.MaxBits)
	}
	res := Result{
		Decoder: cfg.Decoder.String(), N: cfg.N, K: cfg.K, P: cfg.P, M: cfg.M,
		L: cfg.L, Rlat: cfg.Rlat, Delta: cfg.Delta, R: s.R, LrDelta: cfg.L * cfg.Rlat / cfg.Delta,
		Points: len(g.Points), Q: g.Q, SizeX: g.NumX(), CappedByN: len(g.Points) < g.Wanted,
		ChunkBits: chunkBits, Chunks: cfg.Chunks, D: cfg.D, Bits: bits, BitsProof: bp,
		DBits: cfg.Chunks * chunkBits, Prec: cfg.Prec, Trials: cfg.Trials, MessageExact: true,
	}
	if chunkBits < 1 {
		return res, fmt.Errorf("|X| = %d gives chunks of 0 bits", g.NumX())
	}
	outs := make([]trialOut, cfg.Trials)
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, cfg.Trials) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range next {
				outs[t] = s.trial(ctx, t, bits, chunkBits)
			}
		}()
	}
feed:
	for t := range cfg.Trials {
		select {
		case next <- t:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return res, err
	}
	for _, o := range outs {
		if o.err != nil {
			return res, o.err
		}
		if o.bitRight {
			res.Successes++
		}
		if o.chunkRight {
			res.ChunkRight++
		}
		res.BitsPerEntry = max(res.BitsPerEntry, o.bitsPerEntry)
		res.PrecExact = max(res.PrecExact, o.precExact)
		res.MessageExact = res.MessageExact && o.exact
	}
	res.BitsSent = cfg.M * res.BitsPerEntry
	res.SuccessRate = float64(res.Successes) / float64(cfg.Trials)
	res.WilsonLo, res.WilsonHi = Wilson(res.Successes, cfg.Trials, 1.96)
	res.Wins = 3*res.Successes > 2*cfg.Trials
	prec := cfg.Prec
	if prec == 0 {
		prec = uint(res.PrecExact)
	}
	// Row l1 norms of an orthonormal row are at most sqrt(n).
	res.MaxChunks = ChunkCapacity(prec, bits, math.Sqrt(float64(cfg.N)), cfg.D)
	return res, nil
}

// trial plays game number t.
func (s *Setup) trial(ctx context.Context, t, bits, chunkBits int) trialOut {
	cfg := s.Cfg
	g := s.Gen
	n, m, T := cfg.N, cfg.M, cfg.Chunks
	r := rng.New(cfg.Seed, 0x6a3e, uint64(t))
	// Shared randomness: A with orthonormal rows, rounded to b bits.
	A, err := linop.OrthonormalRows(m, n, rng.Derive(cfg.Seed, 0xa, uint64(t)))
	if err != nil {
		return trialOut{err: err}
	}
	Ar := linop.RoundBits(A.M, bits)
	// Alice's string, chunk by chunk: value[j] for chunk j = 1..T.
	values := make([]int, T+1)
	signs := make([][]float64, T+1) // G(x_j) / unit, entries ±1
	for j := 1; j <= T; j++ {
		values[j] = int(r.Uint64() & (1<<chunkBits - 1))
		x := g.X(nil, values[j])
		gx := g.Forward(nil, x)
		sg := make([]float64, n)
		for e, v := range gx {
			sg[e] = math.Round(v / g.Unit)
		}
		signs[j] = sg
	}
	// Bob's query.
	var j, bitPos int
	if cfg.Query > 0 {
		j = cfg.Query
		bitPos = r.IntN(chunkBits)
	} else {
		i := r.IntN(T * chunkBits)
		j, bitPos = i/chunkBits+1, i%chunkBits
	}
	prec := cfg.Prec
	rowL1 := 0.0
	for i := range m {
		s := 0.0
		for _, v := range Ar.RawRowView(i) {
			s += math.Abs(v)
		}
		rowL1 = math.Max(rowL1, s)
	}
	need := bitsNeeded(bits, rowL1, cfg.D, T)
	out := trialOut{bitsPerEntry: need + 1, precExact: need + 1}
	if prec == 0 {
		prec = uint(need + 64)
	}
	out.exact = int(prec) >= need
	// Alice: x = sum_j D^j sign_j (units of g.Unit), message A' x.
	D := new(big.Float).SetPrec(prec).SetInt64(int64(cfg.D))
	xs := make([]*big.Float, n)
	zs := make([]*big.Float, n) // Bob's known part sum_{i>j}
	pw := new(big.Float).SetPrec(prec).SetInt64(1)
	for e := range n {
		xs[e] = new(big.Float).SetPrec(prec)
		zs[e] = new(big.Float).SetPrec(prec)
	}
	tmp := new(big.Float).SetPrec(prec)
	for jj := 1; jj <= T; jj++ {
		pw.Mul(pw, D)
		for e := range n {
			tmp.Mul(pw, big.NewFloat(signs[jj][e]))
			xs[e].Add(xs[e], tmp)
			if jj > j {
				zs[e].Add(zs[e], tmp)
			}
		}
	}
	Dj := new(big.Float).SetPrec(prec).SetInt64(1)
	for range j {
		Dj.Mul(Dj, D)
	}
	y := make([]float64, m)
	msg := new(big.Float).SetPrec(prec)
	known := new(big.Float).SetPrec(prec)
	a := new(big.Float).SetPrec(prec)
	for i := range m {
		msg.SetFloat64(0)
		known.SetFloat64(0)
		for e, v := range Ar.RawRowView(i) {
			a.SetFloat64(v)
			tmp.Mul(a, xs[e])
			msg.Add(msg, tmp)
			tmp.Mul(a, zs[e])
			known.Add(known, tmp)
		}
		// Bob: (A'x - A'z) / D^j = A'w (in units).
		msg.Sub(msg, known)
		msg.Quo(msg, Dj)
		f, _ := msg.Float64()
		y[i] = f * g.Unit
	}
	// The proof's noise: u uniform in the l_p ball of radius R / D^j.
	if !cfg.NoNoise {
		rad := s.R / math.Pow(float64(cfg.D), float64(j))
		u := uniformBall(r, n, cfg.P, rad)
		au := A.Apply(nil, u)
		for i := range y {
			y[i] -= au[i]
		}
	}
	if err := ctx.Err(); err != nil {
		return trialOut{err: err}
	}
	idx, err := s.decode(ctx, A, y, t)
	if err != nil {
		return trialOut{err: err}
	}
	out.chunkRight = idx == values[j]
	out.bitRight = (idx>>bitPos)&1 == (values[j]>>bitPos)&1
	return out
}

// decode runs the configured decoder on measurements y = A w' and returns an
// index into X.
func (s *Setup) decode(ctx context.Context, A *linop.Dense, y []float64, t int) (int, error) {
	switch s.Cfg.Decoder {
	case Exhaustive:
		idx, _ := s.Inst.NearestInMeasurements(A.M, y)
		return idx, nil
	case Exact:
		z, _, ok := s.Inst.ExactMinimizer(A.M, y, s.Cfg.ExactLimit)
		if !ok {
			return 0, fmt.Errorf("exact decoder: too many segment choices")
		}
		return s.Inst.NearestInSignal(s.Gen.Forward(nil, z)), nil
	case CSGM:
		g := s.Gen
		r := rng.New(s.Cfg.Seed, 0xc5, uint64(t))
		init := make([][]float64, s.Cfg.Restarts)
		init[0] = s.smartStart(A, y)
		for i := 1; i < len(init); i++ {
			z := make([]float64, g.K)
			for b := range z {
				z[b] = r.Float64() * g.T
			}
			init[i] = z
		}
		res, err := genrec.CSGMContext(ctx, g, A, y, &genrec.Options{
			LR: 0.05 * g.T, Iters: s.Cfg.Iters, Restarts: s.Cfg.Restarts, Init: init,
			Workers: 1, Seed: rng.Derive(s.Cfg.Seed, 0xc6, uint64(t)), NoHistory: true,
		})
		if err != nil {
			return 0, fmt.Errorf("csgm: %w", err)
		}
		return s.Inst.NearestInSignal(g.Forward(nil, res.Z)), nil
	}
	return 0, fmt.Errorf("unknown decoder %v", s.Cfg.Decoder)
}

// smartStart places each latent coordinate at the node of the curve whose
// point best correlates with the block's back-projection A_b^T y.
func (s *Setup) smartStart(A *linop.Dense, y []float64) []float64 {
	g := s.Gen
	aty := A.ApplyAdjoint(nil, y)
	z := make([]float64, g.K)
	for b := range z {
		best := math.Inf(-1)
		for j, pt := range g.Points {
			c := 0.0
			for e, v := range pt {
				c += v * aty[b*g.Block+e]
			}
			if c > best {
				best, z[b] = c, g.Node(j)
			}
		}
	}
	return z
}

// Wilson returns the Wilson score interval for s successes in n trials at
// normal quantile z (1.96 for 95%).
func Wilson(s, n int, z float64) (lo, hi float64) {
	if n == 0 {
		return 0, 1
	}
	p := float64(s) / float64(n)
	nn := float64(n)
	den := 1 + z*z/nn
	c := (p + z*z/(2*nn)) / den
	h := z * math.Sqrt(p*(1-p)/nn+z*z/(4*nn*nn)) / den
	return math.Max(0, c-h), math.Min(1, c+h)
}

// uniformBall draws u uniformly from the l_p ball of radius rad in R^n
// (p = 2: Gaussian direction, radius rad U^{1/n}; p = 1: signed
// exponentials normalised by an extra exponential, a Dirichlet point).
func uniformBall(r interface {
	NormFloat64() float64
	ExpFloat64() float64
	Float64() float64
}, n, p int, rad float64) []float64 {
	u := make([]float64, n)
	if p == 1 {
		sum := r.ExpFloat64()
		for i := range u {
			u[i] = r.ExpFloat64()
			sum += u[i]
			if r.Float64() < 0.5 {
				u[i] = -u[i]
			}
		}
		for i := range u {
			u[i] *= rad / sum
		}
		return u
	}
	nrm := 0.0
	for i := range u {
		u[i] = r.NormFloat64()
		nrm += u[i] * u[i]
	}
	scale := rad * math.Pow(r.Float64(), 1/float64(n)) / math.Sqrt(nrm)
	for i := range u {
		u[i] *= scale
	}
	return u
}
