// Command gencs is the compressed-sensing toolkit's command line: sparse and
// generative recovery, the paper's constructions, sweeps and plots. Run
// "gencs" without arguments for the list of commands.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"

	"github.com/gencs/gencs/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	env := &cli.Env{Stdout: os.Stdout, Stderr: os.Stderr, IsTerminal: func() bool { return term.IsTerminal(int(os.Stderr.Fd())) }}
	err := cli.Run(ctx, env, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencs:", err)
		os.Exit(cli.ExitCode(err))
	}
}
