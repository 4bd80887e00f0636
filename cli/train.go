package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gencs/gencs/data"
	"github.com/gencs/gencs/internal/atomicfile"
	"github.com/gencs/gencs/vae"
	"github.com/schollz/progressbar/v3"
)

// cmdTrain dispatches "gencs train <model>".
func cmdTrain(ctx context.Context, e *Env, args []string) error {
	return dispatch(ctx, e, "train", map[string]func(context.Context, *Env, []string) error{
		"vae": trainVAE,
	}, args)
}

// trainReport is written to DIR/train.json.
type trainReport struct {
	Dataset      string            `json:"dataset"`
	Seed         uint64            `json:"seed"`
	Epochs       int               `json:"epochs"`
	BatchSize    int               `json:"batch_size"`
	LearningRate float64           `json:"learning_rate"`
	TrainImages  int               `json:"train_images"`
	TestImages   int               `json:"test_images"`
	FinalLoss    float64           `json:"final_train_loss"`
	TestLoss     vae.Loss          `json:"test_loss"`
	Seconds      float64           `json:"seconds_this_run"`
	History      []vae.EpochStats  `json:"history"`
	Command      string            `json:"command"`
	Extra        map[string]string `json:"extra,omitempty"`
}

func trainVAE(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet(e, "train vae", "--dataset mnist|fashion --out DIR [flags]")
	dataset := fs.String("dataset", "mnist", "data set: mnist or fashion")
	epochs := fs.Int("epochs", 30, "training epochs (resumes from DIR/checkpoint.gob if present)")
	seed := fs.Uint64("seed", 1, "seed for initial weights, batch order and noise")
	out := fs.String("out", "", "output directory for the decoder model (required)")
	batch := fs.Int("batch", 100, "minibatch size")
	lr := fs.Float64("lr", 0.001, "Adam learning rate")
	latent := fs.Int("latent", 20, "latent dimension (at most vae.MaxLatent = 1024)")
	hidden := fs.Int("hidden", 500, "hidden layer width (at most vae.MaxHidden = 2048)")
	dataDir := dataDirFlag(e, fs, "data")
	maxSteps := fs.Int("max-steps", 0, "stop after this many minibatch steps, >= 0 (0 = no limit; for smoke tests)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := noPositional(pos); err != nil {
		return err
	}
	if *out == "" {
		return usagef("--out DIR is required")
	}
	if !slices.Contains(data.Names(), *dataset) {
		return usagef("--dataset %q: want %s", *dataset, strings.Join(data.Names(), " or "))
	}
	for _, f := range []struct {
		name     string
		v, limit int
	}{{"--epochs", *epochs, 1 << 20}, {"--batch", *batch, 1 << 20}, {"--latent", *latent, vae.MaxLatent}, {"--hidden", *hidden, vae.MaxHidden}} {
		if f.v < 1 || f.v > f.limit {
			return usagef("%s must be in 1..%d (got %d)", f.name, f.limit, f.v)
		}
	}
	if err := positiveFinite("--lr", *lr); err != nil {
		return err
	}
	if err := nonNegative("--max-steps", *maxSteps); err != nil {
		return err
	}
	if err := checkOutDir(*out); err != nil {
		return err
	}
	dir := dataDir()
	train, err := data.Load(dir, *dataset, data.Train)
	if err != nil {
		return err
	}
	test, err := data.Load(dir, *dataset, data.Test)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	model := vae.New(vae.Config{Input: train.Dim(), Hidden: *hidden, Latent: *latent}, *seed)
	opt := &vae.Options{Epochs: *epochs, BatchSize: *batch, LearningRate: *lr, Seed: *seed,
		Checkpoint: filepath.Join(*out, "checkpoint.gob"), MaxSteps: *maxSteps}
	var bar *progressbar.ProgressBar
	batches := train.Len() / *batch
	if e.terminal() {
		bar = progressbar.NewOptions(*epochs*batches, progressbar.OptionSetWriter(e.Stderr),
			progressbar.OptionSetDescription("train vae"), progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true), progressbar.OptionThrottle(200*time.Millisecond))
	}
	lastEpoch := -1
	opt.Progress = func(ep, bi, nb int, loss float64) {
		if bar != nil {
			bar.Describe(fmt.Sprintf("epoch %d/%d loss %.2f", ep+1, *epochs, loss))
			bar.Set(ep*nb + bi + 1)
			return
		}
		if bi == nb-1 && ep != lastEpoch {
			lastEpoch = ep
			fmt.Fprintf(e.Stderr, "epoch %d/%d: train loss %.3f\n", ep+1, *epochs, loss)
		}
	}
	tr, err := vae.NewTrainer(model, opt)
	if err != nil {
		return err
	}
	if tr.Epoch > 0 {
		fmt.Fprintf(e.Stderr, "resuming from %s at epoch %d\n", opt.Checkpoint, tr.Epoch)
		if bar != nil {
			bar.Set(tr.Epoch * batches)
		}
	}
	start := time.Now()
	hist, err := tr.Train(ctx, train.Pixels, train.Dim())
	if bar != nil {
		bar.Finish()
		fmt.Fprintln(e.Stderr)
	}
	if err != nil {
		return err
	}
	secs := time.Since(start).Seconds()
	testLoss := model.Evaluate(test.Pixels, test.Dim(), *seed)
	final := 0.0
	if len(hist) > 0 {
		final = hist[len(hist)-1].Loss
	}
	rep := trainReport{Dataset: *dataset, Seed: *seed, Epochs: tr.Epoch, BatchSize: *batch, LearningRate: *lr,
		TrainImages: train.Len(), TestImages: test.Len(), FinalLoss: final, TestLoss: testLoss, Seconds: secs, History: hist,
		Command: fmt.Sprintf("gencs train vae --dataset %s --epochs %d --seed %d --batch %d --lr %g --out %s", *dataset, *epochs, *seed, *batch, *lr, *out)}
	meta := map[string]any{"dataset": *dataset, "seed": *seed, "epochs": tr.Epoch, "final_train_loss": final,
		"test_loss": testLoss.Total(), "train_images": train.Len()}
	if err := model.SaveDecoder(*out, meta); err != nil {
		return err
	}
	if err := atomicfile.Write(filepath.Join(*out, "train.json"), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "trained VAE on %s (%d images): %d epochs, final train loss %.3f, test loss %.3f (recon %.3f + KL %.3f), %.0f s\n",
		*dataset, train.Len(), tr.Epoch, final, testLoss.Total(), testLoss.Recon, testLoss.KL, secs)
	fmt.Fprintf(e.Stdout, "decoder written to %s\n", filepath.Join(*out, "model.json"))
	return nil
}
