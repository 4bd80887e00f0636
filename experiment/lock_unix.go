//go:build unix

package experiment

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lockFile takes an exclusive advisory lock on f so that two sweeps never
// append to the same results file at once (their lines would interleave).
func lockFile(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return fmt.Errorf("%s is being written by another sweep (one output file per shard: use {shard} in --out)", f.Name())
	}
	if err != nil && !errors.Is(err, syscall.ENOTSUP) && !errors.Is(err, syscall.ENOLCK) {
		return fmt.Errorf("lock %s: %w", f.Name(), err)
	}
	return nil // locked, or the file system does not support locks
}
