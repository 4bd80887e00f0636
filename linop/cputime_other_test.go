//go:build !unix

package linop

import "time"

// processCPU is only implemented on Unix systems.
func processCPU() (time.Duration, bool) { return 0, false }
