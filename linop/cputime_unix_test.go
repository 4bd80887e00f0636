//go:build unix

package linop

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time used so far by the whole process, all
// threads together. Unlike wall time it is not inflated when other
// processes compete for the cores.
func processCPU() (time.Duration, bool) {
	var r syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &r); err != nil {
		return 0, false
	}
	return time.Duration(r.Utime.Nano() + r.Stime.Nano()), true
}
