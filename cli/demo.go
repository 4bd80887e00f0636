package cli

import (
	"context"
	"errors"
)

func cmdDemo(ctx context.Context, e *Env, args []string) error {
	return errors.New("not implemented yet")
}
