package cli

import (
	"context"
	"errors"
)

func constructGsp(ctx context.Context, e *Env, args []string) error {
	return errors.New("not implemented yet")
}

func constructGrand(ctx context.Context, e *Env, args []string) error {
	return errors.New("not implemented yet")
}
