package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/gencs/gencs/construct/codegen"
	"github.com/gencs/gencs/game"
	"github.com/gencs/gencs/linop"
)

// checkCodegenShape validates the Theorem 2.1 parameters n, k and p that
// can be judged from the command line alone (usage errors naming the flag).
func checkCodegenShape(n, k, p int) error {
	switch {
	case n < 1:
		return usagef("--n must be >= 1 (got %d)", n)
	case n > codegen.MaxN:
		return usagef("--n %d is over the limit %d", n, codegen.MaxN)
	case k < 1 || k > n:
		return usagef("--k must be in 1..n = %d (got %d)", n, k)
	case n%k != 0:
		return usagef("--n %d must be divisible by --k %d", n, k)
	case p != 1 && p != 2:
		return usagef("--p must be 1 or 2 (got %d)", p)
	}
	return nil
}

// codegenError makes codegen's parameter errors (which depend on the
// arguments alone) usage errors, without repeating the "codegen:" prefix.
func codegenError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "codegen: ")
	for _, target := range []error{codegen.ErrNorm, codegen.ErrDivisible, codegen.ErrRadius, codegen.ErrParameters, codegen.ErrTooLarge} {
		if errors.Is(err, target) {
			return usagef("%s", msg)
		}
	}
	return errors.New(msg)
}

// cmdGame plays one configuration of the Augmented Indexing game.
func cmdGame(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet(e, "game", "[--n N --k K --L L --r r --delta D --m M --b B --decoder exhaustive|csgm|exact --trials T --seed S] [--json]")
	n := fs.Int("n", 48, "signal dimension n (divisible by k)")
	k := fs.Int("k", 2, "latent dimension k")
	p := fs.Int("p", 2, "norm p of the recovery guarantee: 1 or 2 (Theorem 1.1 holds for both)")
	L := fs.Float64("L", 1, "Lipschitz scale L")
	r := fs.Float64("r", 1, "latent radius r")
	delta := fs.Float64("delta", 1.0/1024, "additive error delta (R = sqrt(L r delta), |P'| = floor(sqrt(L r/delta)))")
	m := fs.Int("m", 4, "number of measurements m")
	b := fs.Int("b", 0, "bits per entry of A', 0..64 (0 = the proof's ceil(log2(D^t n^4)), capped at 64)")
	D := fs.Int("D", 96, "stacking base D = 48(C+1), >= 2 (0 = 96)")
	chunks := fs.Int("chunks", 0, "number of chunks t, 1..64 (0 = floor(log2 n))")
	prec := fs.Uint("prec", 0, "big.Float precision in bits for the message, 53..1048576 (0 = exact, 53 = float64)")
	query := fs.Int("query", 0, "force Bob's chunk j, 1..t (0 = uniform random bit)")
	decoder := fs.String("decoder", "exhaustive", "Bob's decoder: exhaustive | csgm | exact")
	trials := fs.Int("trials", 30, "number of games (0 = 30)")
	seed := fs.Uint64("seed", 1, "seed")
	restarts := fs.Int("restarts", 32, "CSGM restarts (0 = 32)")
	iters := fs.Int("iters", 300, "CSGM iterations per restart (0 = 300)")
	loose := fs.Bool("allow-large-delta", false, "allow delta >= R/24 (outside the proof's hypothesis)")
	maxCode := fs.Int("max-code-dim", 0, "cap the binary code dimension (0 = none)")
	precTable := fs.Int("precision", 0, "instead of one run: for t = 1..N chunks, report how many chunks float64 (53), 64, 113 and 256-bit arithmetic support")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := noPositional(pos); err != nil {
		return err
	}
	dec, err := game.ParseDecoder(*decoder)
	if err != nil {
		return usagef("--decoder: %v", err)
	}
	if err := checkCodegenShape(*n, *k, *p); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"--L", *L}, {"--r", *r}, {"--delta", *delta}} {
		if err := positiveFinite(f.name, f.v); err != nil {
			return err
		}
	}
	ratio := *L * *r / *delta
	if math.IsInf(ratio, 0) || ratio == 0 {
		return usagef("--L * --r / --delta = %v is out of range", ratio)
	}
	if R := math.Sqrt(*L * *r * *delta); !*loose && *delta >= R/24 {
		return usagef("--delta %g: the proof needs delta < R/24, i.e. L r/delta > 576 (got %.4g); pass --allow-large-delta to play anyway", *delta, ratio)
	}
	if *m < 1 || *m > *n {
		return usagef("--m must be in 1..n = %d (got %d)", *n, *m)
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"--trials", *trials}, {"--D", *D}, {"--iters", *iters}, {"--b", *b}, {"--chunks", *chunks}, {"--restarts", *restarts}, {"--max-code-dim", *maxCode}, {"--query", *query}} {
		if err := nonNegative(f.name, f.v); err != nil {
			return err
		}
	}
	for _, f := range []struct {
		name     string
		v, limit int
	}{{"--trials", *trials, 1 << 20}, {"--iters", *iters, 1 << 24}, {"--restarts", *restarts, 1 << 16}} {
		if f.v > f.limit {
			return usagef("%s must be at most %d (got %d)", f.name, f.limit, f.v)
		}
	}
	if *D == 1 {
		return usagef("--D must be >= 2, or 0 for the default 96 (got 1)")
	}
	if *b > linop.MaxBits {
		return usagef("--b must be in 0..%d (got %d)", linop.MaxBits, *b)
	}
	t := *chunks
	if t == 0 {
		t = max(1, int(math.Floor(math.Log2(float64(*n)))))
	}
	if t > 64 {
		return usagef("--chunks must be in 1..64 (got %d)", t)
	}
	if *query > t {
		return usagef("--query must be in 0..%d (the number of chunks; got %d)", t, *query)
	}
	if *prec != 0 && (*prec < 53 || *prec > 1<<20) {
		return usagef("--prec must be 0 (exact) or in 53..%d (got %d)", 1<<20, *prec)
	}
	cfg := game.Config{
		N: *n, K: *k, P: *p, L: *L, Rlat: *r, Delta: *delta, Seed: *seed,
		AllowLargeDelta: *loose, MaxCodeDim: *maxCode,
		M: *m, Bits: *b, D: *D, Chunks: *chunks, Prec: *prec, Query: *query,
		Decoder: dec, Trials: *trials, Restarts: *restarts, Iters: *iters,
	}
	if *precTable < 0 || *precTable > 64 {
		return usagef("--precision must be in 0..64 (got %d)", *precTable)
	}
	if *precTable > 0 {
		rows, err := game.PrecisionStudy(ctx, cfg, []uint{53, 64, 113, 256, 0}, *precTable)
		if err != nil {
			return gameError(err)
		}
		if *asJSON {
			enc := json.NewEncoder(e.Stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(rows)
		}
		_, err = fmt.Fprint(e.Stdout, game.PrecisionTable(rows, *precTable))
		return err
	}
	res, err := game.Run(ctx, cfg)
	if err != nil {
		return gameError(err)
	}
	if *asJSON {
		enc := json.NewEncoder(e.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	w := e.Stdout
	fmt.Fprintf(w, "Augmented Indexing via Theorem 2.1: n=%d k=%d p=%d L r/delta=%.4g (R=%.4g), decoder %s\n", res.N, res.K, res.P, res.LrDelta, res.R, res.Decoder)
	fmt.Fprintf(w, "  set X           |P'|=%d q=%d |X|=%d (%d bits per chunk)%s\n", res.Points, res.Q, res.SizeX, res.ChunkBits, map[bool]string{true: " [|P'| capped by n/k]", false: ""}[res.CappedByN])
	fmt.Fprintf(w, "  string          d = %d bits in t = %d chunks, D = %d\n", res.DBits, res.Chunks, res.D)
	fmt.Fprintf(w, "  message         m = %d entries x %d bits = %d bits sent (A' to b = %d bits; proof's b = %d)\n", res.M, res.BitsPerEntry, res.BitsSent, res.Bits, res.BitsProof)
	precName := fmt.Sprint(res.Prec)
	if res.Prec == 0 {
		precName = "exact"
	}
	fmt.Fprintf(w, "  precision       %s (exact needs %d bits; %d chunks fit exactly); message exact: %v\n", precName, res.PrecExact, res.MaxChunks, res.MessageExact)
	fmt.Fprintf(w, "  Bob             %d/%d queried bits right (%.3f, 95%% Wilson [%.3f, %.3f]); chunk decoded exactly %d/%d\n",
		res.Successes, res.Trials, res.SuccessRate, res.WilsonLo, res.WilsonHi, res.ChunkRight, res.Trials)
	fmt.Fprintf(w, "  success > 2/3:  %v\n", res.Wins)
	return nil
}

// gameError maps errors of package game: parameter errors that slipped
// past the checks above are still usage errors.
func gameError(err error) error {
	if errors.Is(err, game.ErrConfig) || errors.Is(err, game.ErrDelta) {
		return &UsageError{err}
	}
	for _, target := range []error{codegen.ErrNorm, codegen.ErrDivisible, codegen.ErrRadius, codegen.ErrParameters, codegen.ErrTooLarge} {
		if errors.Is(err, target) {
			return &UsageError{err}
		}
	}
	return err
}
