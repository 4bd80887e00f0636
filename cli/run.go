// Package cli implements the gencs command line. Each subcommand is a
// function from arguments to an error; cmd/gencs only wires it to the process.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Env is what a command may touch of the outside world, so that tests can
// run commands in-process.
type Env struct {
	Stdout, Stderr io.Writer
	// Getenv reads environment variables (os.Getenv when nil).
	Getenv func(string) string
	// IsTerminal reports whether Stderr is an interactive terminal (for
	// progress bars). Nil means false.
	IsTerminal func() bool
}

func (e *Env) getenv(k string) string {
	if e.Getenv == nil {
		return os.Getenv(k)
	}
	return e.Getenv(k)
}

func (e *Env) terminal() bool { return e.IsTerminal != nil && e.IsTerminal() }

// UsageError marks an error in how the command was called (exit status 2).
type UsageError struct{ Err error }

func (u *UsageError) Error() string { return u.Err.Error() }
func (u *UsageError) Unwrap() error { return u.Err }

// usagef returns a UsageError with a formatted message.
func usagef(format string, a ...any) error { return &UsageError{fmt.Errorf(format, a...)} }

// ExitCode maps an error from Run to a process exit status: 0 for nil, 2 for
// usage errors, 1 otherwise.
func ExitCode(err error) int {
	if err == nil {
		return 0
	}
	var u *UsageError
	if errors.As(err, &u) || errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

type command struct {
	run     func(ctx context.Context, e *Env, args []string) error
	summary string
}

var commands = map[string]command{
	"demo":       {cmdDemo, "run every sparse solver on a synthetic problem: table + figure"},
	"recover":    {cmdRecover, "recover x from measurements y (A.npy or a fast operator)"},
	"bounds":     {cmdBounds, "measurement counts from the theorems"},
	"construct":  {cmdConstruct, "build the paper's networks: gsp | grand | codegen"},
	"verify":     {cmdVerify, "check a model file's range claims"},
	"sweep":      {cmdSweep, "run a grid of seeded trials (resumable, shardable)"},
	"merge":      {cmdMerge, "combine sweep shard files"},
	"plot":       {cmdPlot, "draw figures from sweep results"},
	"summary":    {cmdSummary, "tabulate sweep results"},
	"game":       {cmdGame, "simulate the Augmented Indexing reduction of Section 3"},
	"data":       {cmdData, "install and inspect real data sets"},
	"train":      {cmdTrain, "train a generator (VAE) on real data"},
	"experiment": {cmdExperiment, "run a named study (e.g. bora)"},
}

// Run executes the gencs command line args (without the program name).
// A panic inside a command is a bug; Run turns it into an error saying so
// (with the command's name) rather than letting it print a stack trace.
func Run(ctx context.Context, e *Env, args []string) (err error) {
	defer func() {
		if p := recover(); p != nil {
			name := "gencs"
			if len(args) > 0 {
				name = args[0]
			}
			err = fmt.Errorf("%s: internal error (please report it with the command line): %v", name, p)
		}
	}()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(e.Stderr)
		if len(args) == 0 {
			return usagef("no command given")
		}
		return nil
	}
	c, ok := commands[args[0]]
	if !ok {
		printUsage(e.Stderr)
		return usagef("unknown command %q", args[0])
	}
	if err := c.run(ctx, e, args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("%s: %w", args[0], err)
	}
	return nil
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: gencs <command> [flags]   (gencs <command> -h for a command's flags)")
	fmt.Fprintln(w, "\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-11s %s\n", n, commands[n].summary)
	}
}

// newFlagSet returns a flag set that reports errors instead of exiting.
func newFlagSet(e *Env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.Stderr, "usage: gencs %s %s\n", name, usage)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args allowing flags and positional arguments to be
// interleaved (gencs plot results.jsonl --out fig.png). It returns the
// positional arguments. Flag errors become UsageErrors.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &UsageError{err}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// noPositional fails with a usage error if any positional argument is left.
func noPositional(pos []string) error {
	if len(pos) > 0 {
		return usagef("unexpected argument %q", strings.Join(pos, " "))
	}
	return nil
}
