package codes

import "fmt"

// IsPrime reports whether n is prime (trial division; n is small here).
func IsPrime(n int) bool {
	if n < 2 {
		return false
	}
	if n%2 == 0 {
		return n == 2
	}
	for d := 3; d*d <= n; d += 2 {
		if n%d == 0 {
			return false
		}
	}
	return true
}

// NextPrime returns the smallest prime >= n.
func NextPrime(n int) int {
	if n <= 2 {
		return 2
	}
	for !IsPrime(n) {
		n++
	}
	return n
}

// PrevPrime returns the largest prime <= n, or 0 if n < 2.
func PrevPrime(n int) int {
	for ; n >= 2; n-- {
		if IsPrime(n) {
			return n
		}
	}
	return 0
}

// PrimeBetween returns the smallest prime p with z < p <= 2z, which exists
// for every z >= 1 by Bertrand's postulate.
func PrimeBetween(z int) (int, error) {
	if z < 1 {
		return 0, fmt.Errorf("codes: PrimeBetween: z = %d, want z >= 1", z)
	}
	p := NextPrime(z + 1)
	if p > 2*z {
		// Unreachable by Bertrand's postulate; kept as a guard.
		return 0, fmt.Errorf("codes: no prime in (%d, %d]", z, 2*z)
	}
	return p, nil
}
