package cli

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/gencs/gencs/construct"
	"github.com/gencs/gencs/nn"
)

// cmdVerify checks a model file's range claims. "codegen" models go to
// verifyCodegen; gsp and grand models are rebuilt from their meta and
// checked for sparsity of outputs, preimages, structure and Lipschitz
// constants; other networks get the sparsity count (against --k if given)
// and the structural numbers.
func cmdVerify(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet(e, "verify", "--model DIR/model.json [--k K] [--trials T] [--seed S] [--json]")
	model := fs.String("model", "", "model manifest (DIR/model.json)")
	k := fs.Int("k", 0, "sparsity to check outputs against (default: the model's k for gsp/grand)")
	trials := fs.Int("trials", 10000, "random inputs (a tenth of them, at least 100, are preimage targets)")
	seed := fs.Uint64("seed", 1, "sampling seed")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := noPositional(pos); err != nil {
		return err
	}
	if *model == "" {
		return usagef("--model DIR/model.json is required")
	}
	if *trials < 1 || *trials > 1<<24 {
		return usagef("--trials must be in 1..%d (got %d)", 1<<24, *trials)
	}
	if *k < 0 {
		return usagef("--k must be >= 0 (got %d)", *k)
	}
	net, err := nn.Load(*model)
	if err != nil {
		return err
	}
	if net.Kind == "codegen" {
		return verifyCodegen(ctx, e, args)
	}
	rep, err := construct.Verify(net, construct.VerifyOptions{K: *k, Trials: *trials, Seed: *seed})
	if err != nil {
		return fmt.Errorf("%s: %w", *model, err)
	}
	if *asJSON {
		enc := json.NewEncoder(e.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		fmt.Fprint(e.Stdout, rep.String())
	}
	if !rep.OK {
		n := 0
		for _, c := range rep.Claims {
			if !c.OK {
				n++
			}
		}
		return fmt.Errorf("%d claim(s) failed for %s", n, *model)
	}
	return nil
}
