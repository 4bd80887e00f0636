// Package rng derives reproducible random streams from an explicit seed and
// a path of labels, so that e.g. trial t of cell c of a sweep with seed s
// draws the same numbers whatever the worker count, order or sharding.
package rng

import "math/rand/v2"

// mix is the SplitMix64 finaliser, a bijection with good avalanche.
func mix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Derive hashes a seed and a path of labels into a new seed.
func Derive(seed uint64, path ...uint64) uint64 {
	h := mix(seed)
	for _, p := range path {
		h = mix(h ^ mix(p+0x632be59bd9b4e019))
	}
	return h
}

// New returns a PCG generator for the stream (seed, path...).
func New(seed uint64, path ...uint64) *rand.Rand {
	s := Derive(seed, path...)
	return rand.New(rand.NewPCG(s, mix(s^0xda942042e4dd58b5)))
}
