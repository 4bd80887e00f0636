package cli

import (
	"context"
	"errors"
)

func experimentThreshold(ctx context.Context, e *Env, args []string) error {
	return errors.New("not implemented yet")
}

func experimentLemma31(ctx context.Context, e *Env, args []string) error {
	return errors.New("not implemented yet")
}
