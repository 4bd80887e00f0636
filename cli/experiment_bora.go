package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/gencs/gencs/bora"
	"github.com/gencs/gencs/data"
	"github.com/gencs/gencs/internal/atomicfile"
	"github.com/gencs/gencs/nn"
)

// mnistPixels is the size of an MNIST or Fashion-MNIST image (28x28).
const mnistPixels = 784

// modelsEnv overrides the directory searched for shipped decoders.
const modelsEnv = "GENCS_MODELS"

// findDecoder locates models/<dataset>-vae/model.json: under $GENCS_MODELS,
// then under ./models and the models directory of any parent directory
// (so that it works from anywhere inside the repository).
func findDecoder(e *Env, dataset string) (string, error) {
	name := dataset + "-vae"
	var tried []string
	if d := e.getenv(modelsEnv); d != "" {
		p := filepath.Join(d, name, nn.ManifestName)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		tried = append(tried, p)
	}
	if wd, err := os.Getwd(); err == nil {
		for d := wd; ; d = filepath.Dir(d) {
			p := filepath.Join(d, "models", name, nn.ManifestName)
			if _, err := os.Stat(p); err == nil {
				return p, nil
			}
			tried = append(tried, p)
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	return "", fmt.Errorf("no decoder for %s found (looked for %s); pass --model DIR/model.json, set %s, or train one: gencs train vae --dataset %s --out DIR",
		dataset, strings.Join(tried[:min(len(tried), 2)], ", "), modelsEnv, dataset)
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		v, err := strconv.Atoi(f)
		if err != nil || v < 1 {
			return nil, fmt.Errorf("%q is not a positive integer", f)
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		return nil, errors.New("empty list")
	}
	return out, nil
}

func experimentBora(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet(e, "experiment bora", "--dataset mnist|fashion [flags]")
	dataset := fs.String("dataset", "mnist", "data set: mnist or fashion")
	modelPath := fs.String("model", "", "decoder model file (default models/<dataset>-vae/model.json)")
	msFlag := fs.String("m", "", "comma-separated measurement counts (default 10,25,50,100,200,300,400,500,750; --quick: 25,50,100,200,400,750)")
	images := fs.Int("images", 0, "number of test images (0 = default 5; --quick: 4)")
	sigma := fs.Float64("sigma", 0.1, "measurement noise standard deviation per entry, >= 0")
	aScale := fs.String("a-scale", "unit", "entries of A: unit = N(0,1) as Bora et al., 1/m = N(0,1/m)")
	out := fs.String("out", "", "output directory (default bora-<dataset>)")
	quick := fs.Bool("quick", false, "small, fast run: fewer m, images, CSGM steps and restarts")
	seed := fs.Uint64("seed", 1, "seed for images, A, noise and CSGM starts")
	steps := fs.Int("steps", 0, "CSGM Adam steps (0 = default 1000; --quick: 300)")
	restarts := fs.Int("restarts", 0, "CSGM random restarts (0 = default 10; --quick: 3)")
	lr := fs.Float64("lr", 0.01, "CSGM Adam learning rate")
	zprior := fs.Float64("zprior", 0.1, "CSGM z-prior weight, >= 0")
	sgAlpha := fs.Float64("sparse-alpha", 2, "Sparse-Gen l1 weight on the deviation nu, times var(A_ij)/sqrt(m)")
	lassoAlpha := fs.Float64("lasso-alpha", 0.1, "Lasso alpha (scikit-learn convention, as Bora et al.)")
	methods := fs.String("methods", strings.Join(bora.AllMethods, ","), "methods to run")
	dataDir := dataDirFlag(e, fs, "data")
	asJSON := fs.Bool("json", false, "print the results as JSON on stdout")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := noPositional(pos); err != nil {
		return err
	}
	if *dataset != "mnist" && *dataset != "fashion" {
		return usagef("--dataset %q: want mnist or fashion", *dataset)
	}
	cfg := bora.Config{Seed: *seed, Sigma: *sigma, SparseGenAlpha: *sgAlpha, LassoAlpha: *lassoAlpha,
		CSGM: bora.CSGMOptions{LR: *lr, ZPrior: *zprior, Steps: 1000, Restarts: 10}, Images: 5}
	if *sigma == 0 {
		cfg.Sigma = -1
	}
	if *zprior == 0 {
		cfg.CSGM.ZPrior = -1
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"--sigma", *sigma}, {"--zprior", *zprior}} {
		if !(f.v >= 0) || math.IsInf(f.v, 0) {
			return usagef("%s must be a finite number >= 0 (got %v)", f.name, f.v)
		}
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"--lr", *lr}, {"--sparse-alpha", *sgAlpha}, {"--lasso-alpha", *lassoAlpha}} {
		if err := positiveFinite(f.name, f.v); err != nil {
			return err
		}
	}
	for _, f := range []struct {
		name     string
		v, limit int
	}{{"--images", *images, 1 << 20}, {"--steps", *steps, bora.MaxSteps}, {"--restarts", *restarts, bora.MaxRestarts}} {
		if f.v < 0 || f.v > f.limit {
			return usagef("%s must be in 0..%d (0 = default; got %d)", f.name, f.limit, f.v)
		}
	}
	switch *aScale {
	case "unit":
		cfg.UnitA = true
	case "1/m":
	default:
		return usagef("--a-scale %q: want unit or 1/m", *aScale)
	}
	if *quick {
		cfg.Ms = []int{25, 50, 100, 200, 400, 750}
		cfg.Images = 4
		cfg.CSGM.Steps = 300
		cfg.CSGM.Restarts = 3
	}
	if *msFlag != "" {
		if cfg.Ms, err = parseInts(*msFlag); err != nil {
			return usagef("--m: %v", err)
		}
		for _, m := range cfg.Ms {
			if m > mnistPixels {
				return usagef("--m: %d exceeds the %d pixels of a 28x28 image", m, mnistPixels)
			}
		}
	}
	if *images != 0 {
		cfg.Images = *images
	}
	if *steps != 0 {
		cfg.CSGM.Steps = *steps
	}
	if *restarts != 0 {
		cfg.CSGM.Restarts = *restarts
	}
	cfg.Methods = splitList(*methods)
	if len(cfg.Methods) == 0 {
		return usagef("--methods: empty list (want some of %s)", strings.Join(bora.AllMethods, ", "))
	}
	for _, me := range cfg.Methods {
		if !slices.Contains(bora.AllMethods, me) {
			return usagef("--methods: unknown method %q (want %s)", me, strings.Join(bora.AllMethods, ", "))
		}
	}
	if err := cfg.Validate(); err != nil { // anything the checks above missed
		return &UsageError{err}
	}
	dir := dataDir()
	test, err := data.Load(dir, *dataset, data.Test)
	if err != nil {
		return err
	}
	mp := *modelPath
	if mp == "" {
		if mp, err = findDecoder(e, *dataset); err != nil {
			return err
		}
	}
	G, err := nn.Load(mp)
	if err != nil {
		return fmt.Errorf("load decoder: %w", err)
	}
	outDir := *out
	if outDir == "" {
		outDir = "bora-" + *dataset
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	fmt.Fprintf(e.Stderr, "bora: %s, decoder %s, %d test images, m = %v, A %s, sigma %g, CSGM %d steps x %d restarts\n",
		*dataset, mp, cfg.Images, msOrDefault(cfg.Ms), cfg.AScale(), *sigma, cfg.CSGM.Steps, cfg.CSGM.Restarts)
	res, err := bora.Run(ctx, G, test, cfg, func(s string) { fmt.Fprintln(e.Stderr, "  "+s) })
	if err != nil {
		return err
	}
	title := fmt.Sprintf("%s: %d test images, A %s, sigma %g", *dataset, cfg.Images, cfg.AScale(), *sigma)
	var files []string
	for _, ext := range []string{"png", "svg"} {
		p := filepath.Join(outDir, "error-vs-m."+ext)
		if err := res.Figure(p, title); err != nil {
			return err
		}
		files = append(files, p)
	}
	for mi, m := range res.Ms {
		p := filepath.Join(outDir, fmt.Sprintf("grid-m%d.png", m))
		if err := res.WriteGrid(p, mi); err != nil {
			return err
		}
		files = append(files, p)
	}
	table := res.RatioTable(res.DefaultTargets())
	var tb bytes.Buffer
	fmt.Fprintf(&tb, "measurements needed to reach a target mean per-pixel squared error (%s, sigma %g, A %s)\n", *dataset, *sigma, cfg.AScale())
	bora.WriteTable(&tb, table, res.Methods)
	fmt.Fprintf(&tb, "\nmean per-pixel squared error [95%% CI]\n%-6s", "m")
	for _, me := range res.Methods {
		fmt.Fprintf(&tb, " %-26s", me)
	}
	fmt.Fprintln(&tb)
	for _, m := range res.Ms {
		fmt.Fprintf(&tb, "%-6d", m)
		for _, me := range res.Methods {
			if c := res.Cell(me, m); c != nil {
				fmt.Fprintf(&tb, " %-26s", fmt.Sprintf("%.4f [%.4f,%.4f]", c.Mean, c.Lo, c.Hi))
			}
		}
		fmt.Fprintln(&tb)
	}
	tp := filepath.Join(outDir, "table.txt")
	if err := atomicfile.Write(tp, func(w io.Writer) error { _, err := w.Write(tb.Bytes()); return err }); err != nil {
		return err
	}
	files = append(files, tp)
	rp := filepath.Join(outDir, "results.json")
	doc := map[string]any{"dataset": *dataset, "model": mp, "results": res, "ratio_table": table}
	if err := atomicfile.Write(rp, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		return enc.Encode(doc)
	}); err != nil {
		return err
	}
	files = append(files, rp)
	if *asJSON {
		return json.NewEncoder(e.Stdout).Encode(doc)
	}
	e.Stdout.Write(tb.Bytes())
	fmt.Fprintf(e.Stdout, "\nwrote %s\n", strings.Join(files, ", "))
	return nil
}

func msOrDefault(ms []int) []int {
	if len(ms) == 0 {
		return bora.DefaultMs
	}
	return ms
}
