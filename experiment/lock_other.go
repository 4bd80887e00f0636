//go:build !unix

package experiment

import "os"

// lockFile is a no-op where flock is unavailable.
func lockFile(f *os.File) error { return nil }
