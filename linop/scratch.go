package linop

import (
	"runtime"
	"sync"
)

// freeList keeps scratch objects for reuse by concurrent callers. Unlike a
// sync.Pool it is never emptied by the garbage collector, which matters
// because building the scratch of a fast transform costs O(n) sines and
// cosines. It holds at most as many objects as there were simultaneous
// callers.
type freeList[T any] struct {
	mu    sync.Mutex
	free  []T
	alloc func() T
}

// get returns a free object, creating one if none is free.
func (f *freeList[T]) get() T {
	f.mu.Lock()
	if k := len(f.free); k > 0 {
		t := f.free[k-1]
		f.free = f.free[:k-1]
		f.mu.Unlock()
		return t
	}
	f.mu.Unlock()
	return f.alloc()
}

// put returns an object to the list.
func (f *freeList[T]) put(t T) {
	f.mu.Lock()
	f.free = append(f.free, t)
	f.mu.Unlock()
}

// fastParallelMin is the transform length from which the fast transforms
// (FFT, Walsh–Hadamard) use several goroutines.
const fastParallelMin = 1 << 15

// fastWorkers returns the number of goroutines for a fast transform of
// length n.
func fastWorkers(n int) int {
	if n < fastParallelMin {
		return 1
	}
	return runtime.GOMAXPROCS(0)
}

// parallelN runs do on p contiguous blocks of [0, total) (boundaries
// total*i/p), the last in the calling goroutine, and waits for all.
func parallelN(total, p int, do func(lo, hi int)) {
	p = min(p, total)
	if p <= 1 {
		do(0, total)
		return
	}
	var wg sync.WaitGroup
	for i := 0; i < p-1; i++ {
		lo, hi := total*i/p, total*(i+1)/p
		wg.Add(1)
		go func() {
			defer wg.Done()
			do(lo, hi)
		}()
	}
	do(total*(p-1)/p, total)
	wg.Wait()
}
