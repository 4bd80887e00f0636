package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gencs/gencs/construct/codegen"
	"github.com/gencs/gencs/game"
	"github.com/gencs/gencs/linop"
)

// experimentThreshold runs the Augmented Indexing threshold study: m* as a
// function of k log(L r/delta), per decoder, with a table, fitted slopes and
// a plot.
func experimentThreshold(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet(e, "experiment threshold", "[--out fig.png|fig.svg] [--json] [--quick] [--trials T] [--seed S] [--decoders list] [--ks list] [--ratios list]")
	out := fs.String("out", "", "write the plot to this .png, .svg or .pdf file")
	asJSON := fs.Bool("json", false, "print the study as JSON")
	quick := fs.Bool("quick", false, "smaller study (k in {2,4}, fewer trials)")
	trials := fs.Int("trials", 0, "games per (configuration, m) (0 = 24, or 12 with --quick)")
	seed := fs.Uint64("seed", 1, "seed")
	decoders := fs.String("decoders", "exhaustive,exact,csgm", "comma-separated decoders")
	ks := fs.String("ks", "", "comma-separated k values (default 2,4,6; 2,4 with --quick)")
	ratios := fs.String("ratios", "", "comma-separated L r/delta values (default 64,256,1024,4096,16384)")
	block := fs.Int("block", 21, "n/k")
	D := fs.Int("D", 96, "stacking base D = 48(C+1); smaller D means more noise per chunk")
	chunks := fs.Int("chunks", 3, "chunks t per game")
	maxCode := fs.Int("max-code-dim", 0, "cap the binary code dimension M, |P'| <= 2^M, >= 0 (0 = block/4)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := noPositional(pos); err != nil {
		return err
	}
	sc := game.StudyConfig{Seed: *seed, Trials: *trials, Block: *block, MaxCodeDim: *maxCode, D: *D, Chunks: *chunks}
	if *quick {
		sc.Ks = []int{2, 4}
		sc.Ratios = []float64{64, 256, 1024, 4096}
		if sc.Trials == 0 {
			sc.Trials = 12
		}
		sc.Restarts, sc.Iters = 8, 150
	}
	for _, d := range splitList(*decoders) {
		dec, err := game.ParseDecoder(d)
		if err != nil {
			return usagef("--decoders: %v", err)
		}
		sc.Decoders = append(sc.Decoders, dec)
	}
	if *ks != "" {
		sc.Ks = nil
		for _, s := range splitList(*ks) {
			k, err := strconv.Atoi(s)
			if err != nil || k < 1 {
				return usagef("--ks: %q is not a positive integer", s)
			}
			sc.Ks = append(sc.Ks, k)
		}
	}
	if *ratios != "" {
		sc.Ratios = nil
		for _, s := range splitList(*ratios) {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || !(v >= 4) || math.IsInf(v, 0) {
				return usagef("--ratios: %q must be a number >= 4", s)
			}
			sc.Ratios = append(sc.Ratios, v)
		}
	}
	if *D < 2 {
		return usagef("--D must be >= 2 (got %d)", *D)
	}
	if *chunks < 1 || *chunks > 64 {
		return usagef("--chunks must be in 1..64 (got %d)", *chunks)
	}
	if *block < 2 {
		return usagef("--block must be >= 2 (got %d)", *block)
	}
	if err := nonNegative("--trials", *trials); err != nil {
		return err
	}
	if err := nonNegative("--max-code-dim", *maxCode); err != nil {
		return err
	}
	ksCheck := sc.Ks
	if len(ksCheck) == 0 {
		ksCheck = []int{2, 4, 6} // game.StudyConfig's default
	}
	for _, k := range ksCheck {
		if k > codegen.MaxN / *block {
			return usagef("--block %d times k = %d is over the limit n <= %d", *block, k, codegen.MaxN)
		}
	}
	if *out != "" {
		switch strings.ToLower(filepath.Ext(*out)) {
		case ".png", ".svg", ".pdf":
		default:
			return usagef("--out must name a .png, .svg or .pdf file (got %q)", *out)
		}
		if err := checkOutDir(*out); err != nil {
			return err
		}
	}
	progress := func(t game.Threshold) {
		fmt.Fprintf(e.Stderr, "  %-10s k=%d Lr/δ=%-6g m*=%d [%d, %d]\n", t.Decoder, t.K, t.Ratio, t.MStar, t.MLo, t.MHi)
	}
	st, err := game.RunStudy(ctx, sc, progress)
	if err != nil {
		return gameError(err)
	}
	if *out != "" {
		if err := st.Plot(*out); err != nil {
			return err
		}
	}
	if *asJSON {
		enc := json.NewEncoder(e.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(st)
	}
	fmt.Fprint(e.Stdout, st.Table())
	if *out != "" {
		fmt.Fprintf(e.Stdout, "wrote %s\n", *out)
	}
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// experimentLemma31 measures the discretisation error of Lemma 3.1: the
// worst ||s||_p/||v||_p against n^2 2^-b over a range of b.
func experimentLemma31(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet(e, "experiment lemma31", "[--n N] [--m M] [--trials T] [--bits list] [--seed S] [--json]")
	n := fs.Int("n", 64, "signal dimension n")
	m := fs.Int("m", 16, "rows m (<= n)")
	trials := fs.Int("trials", 20, "random matrices per b")
	bits := fs.String("bits", "2,4,6,8,10,12,16,20,24,32,40,48", "comma-separated bit counts b")
	seed := fs.Uint64("seed", 1, "seed")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := noPositional(pos); err != nil {
		return err
	}
	if *m < 1 || *n < *m || *n > 4096 {
		return usagef("--m and --n: need 1 <= m <= n <= 4096, got m = %d, n = %d", *m, *n)
	}
	if *trials < 1 {
		return usagef("--trials must be >= 1 (got %d)", *trials)
	}
	var bs []int
	for _, s := range splitList(*bits) {
		b, err := strconv.Atoi(s)
		if err != nil || b < 0 || b > linop.MaxBits {
			return usagef("--bits: %q is not an integer in [0, %d]", s, linop.MaxBits)
		}
		bs = append(bs, b)
	}
	rows, err := game.Lemma31Study(*n, *m, bs, *trials, *seed)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"n": *n, "m": *m, "trials": *trials, "rows": rows})
	}
	_, err = fmt.Fprint(e.Stdout, game.Lemma31Table(*n, *m, rows))
	return err
}
