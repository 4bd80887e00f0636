package linop

import (
	"strings"
	"testing"
)

// TestConstructorsRejectHugeSizes: sizes that could not be allocated are
// errors (naming the limit), not panics or out-of-memory crashes.
func TestConstructorsRejectHugeSizes(t *testing.T) {
	for _, c := range []struct {
		name string
		m, n int
	}{
		{"gaussian", 20, 1 << 40},        // m*n = 2e13
		{"gaussian", 20, 1 << 62},        // m*n overflows int64
		{"rademacher", 1 << 15, 1 << 15}, // 2^30 entries
		{"orthonormal", 1 << 14, 1 << 15},
		{"dct", 20, 1 << 40},      // Perm(n) and length-n scratch
		{"hadamard", 20, 1 << 40}, // a power of two
	} {
		op, err := ByName(c.name, c.m, c.n, 1)
		if err == nil || op != nil {
			t.Errorf("%s %d x %d: no error", c.name, c.m, c.n)
			continue
		}
		if !strings.Contains(err.Error(), "limit") {
			t.Errorf("%s %d x %d: error %q does not name the limit", c.name, c.m, c.n, err)
		}
	}
	if _, err := NewDCT(1<<40, []int{0}); err == nil {
		t.Error("NewDCT with n = 2^40: no error")
	}
}
