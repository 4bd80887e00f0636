package cli

import (
	"context"
)

// cmdConstruct dispatches "gencs construct gsp|grand|codegen".
func cmdConstruct(ctx context.Context, e *Env, args []string) error {
	kinds := map[string]func(context.Context, *Env, []string) error{
		"gsp":     constructGsp,
		"grand":   constructGrand,
		"codegen": constructCodegen,
	}
	return dispatch(ctx, e, "construct", kinds, args)
}
