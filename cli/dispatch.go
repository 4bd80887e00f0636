package cli

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// dispatch runs the sub-subcommand named by args[0] from table.
func dispatch(ctx context.Context, e *Env, name string, table map[string]func(context.Context, *Env, []string) error, args []string) error {
	keys := make([]string, 0, len(table))
	for k := range table {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return usagef("usage: gencs %s %s [flags]", name, strings.Join(keys, "|"))
	}
	f, ok := table[args[0]]
	if !ok {
		return usagef("unknown %s kind %q (want %s)", name, args[0], strings.Join(keys, ", "))
	}
	if err := f(ctx, e, args[1:]); err != nil {
		return fmt.Errorf("%s: %w", args[0], err)
	}
	return nil
}
