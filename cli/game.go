package cli

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/gencs/gencs/game"
)

// cmdGame plays one configuration of the Augmented Indexing game.
func cmdGame(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet(e, "game", "[--n N --k K --L L --r r --delta D --m M --b B --decoder exhaustive|csgm|exact --trials T --seed S] [--json]")
	n := fs.Int("n", 48, "signal dimension n (divisible by k)")
	k := fs.Int("k", 2, "latent dimension k")
	p := fs.Int("p", 2, "norm p: 1 or 2")
	L := fs.Float64("L", 1, "Lipschitz scale L")
	r := fs.Float64("r", 1, "latent radius r")
	delta := fs.Float64("delta", 1.0/1024, "additive error delta (R = sqrt(L r delta), |P'| = floor(sqrt(L r/delta)))")
	m := fs.Int("m", 4, "number of measurements m")
	b := fs.Int("b", 0, "bits per entry of A' (0 = the proof's ceil(log2(D^t n^4)), capped at 64)")
	D := fs.Int("D", 96, "stacking base D = 48(C+1)")
	chunks := fs.Int("chunks", 0, "number of chunks t (0 = floor(log2 n))")
	prec := fs.Uint("prec", 0, "big.Float precision in bits for the message (0 = exact, 53 = float64)")
	query := fs.Int("query", 0, "force Bob's chunk j (0 = uniform random bit)")
	decoder := fs.String("decoder", "exhaustive", "Bob's decoder: exhaustive | csgm | exact")
	trials := fs.Int("trials", 30, "number of games")
	seed := fs.Uint64("seed", 1, "seed")
	restarts := fs.Int("restarts", 32, "CSGM restarts")
	iters := fs.Int("iters", 300, "CSGM iterations per restart")
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
		return usagef("game: %v", err)
	}
	if *prec > 1<<20 {
		return usagef("game: --prec %d is unreasonably large", *prec)
	}
	cfg := game.Config{
		N: *n, K: *k, P: *p, L: *L, Rlat: *r, Delta: *delta, Seed: *seed,
		AllowLargeDelta: *loose, MaxCodeDim: *maxCode,
		M: *m, Bits: *b, D: *D, Chunks: *chunks, Prec: *prec, Query: *query,
		Decoder: dec, Trials: *trials, Restarts: *restarts, Iters: *iters,
	}
	if *precTable < 0 || *precTable > 64 {
		return usagef("game: --precision must be in 0..64")
	}
	if *precTable > 0 {
		rows, err := game.PrecisionStudy(ctx, cfg, []uint{53, 64, 113, 256, 0}, *precTable)
		if err != nil {
			return err
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
		return err
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
