// Package par runs independent pieces of work on a fixed number of goroutines.
package par

import "sync"

// For calls fn(i) for every i in [0, n) on at most workers goroutines and
// returns when all calls have returned. workers < 1 means 1.
func For(n, workers int, fn func(i int)) {
	if workers < 1 {
		workers = 1
	}
	if workers > n {
		workers = n
	}
	var wg sync.WaitGroup
	next := make(chan int, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}
