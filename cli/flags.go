package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
)

// Checks shared by the commands' flag validation.

// positiveFinite returns a usage error naming flag unless v is a positive
// finite number.
func positiveFinite(flag string, v float64) error {
	if !(v > 0) || math.IsInf(v, 0) {
		return usagef("%s must be a positive finite number (got %v)", flag, v)
	}
	return nil
}

// nonNegative returns a usage error naming flag when v < 0.
func nonNegative(flag string, v int) error {
	if v < 0 {
		return usagef("%s must be >= 0 (got %d)", flag, v)
	}
	return nil
}

// checkOutDir fails when the directory that is to hold the output file
// path does not exist or is not a directory, so that a long computation
// does not end in a failed write. It is a runtime error (exit 1).
func checkOutDir(path string) error {
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("cannot write %s: directory %s does not exist", path, dir)
		}
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("cannot write %s: %s is not a directory", path, dir)
	}
	return nil
}
