package cli

import (
	"context"
)

// cmdExperiment dispatches "gencs experiment <study>".
func cmdExperiment(ctx context.Context, e *Env, args []string) error {
	studies := map[string]func(context.Context, *Env, []string) error{
		"bora":      experimentBora,
		"gsp":       experimentGsp,
		"threshold": experimentThreshold,
		"lemma31":   experimentLemma31,
	}
	return dispatch(ctx, e, "experiment", studies, args)
}
