// Package par runs independent pieces of work on a fixed number of goroutines.
package par

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
)

// For calls fn(i) for every i in [0, n) on at most workers goroutines and
// returns when all calls have returned. workers < 1 means 1. A panic in fn
// stops handing out work and is raised again in the caller's goroutine, so
// the caller's deferred clean-up runs.
func For(n, workers int, fn func(i int)) {
	_ = ForContext(context.Background(), n, workers, fn)
}

// ForContext is For that stops handing out work once ctx is done: calls
// already running finish, no new one starts, and it returns ctx's error.
func ForContext(ctx context.Context, n, workers int, fn func(i int)) error {
	if workers < 1 {
		workers = 1
	}
	if workers > n {
		workers = n
	}
	var (
		wg       sync.WaitGroup
		once     sync.Once
		panicked *workerPanic
		stop     = make(chan struct{})
	)
	next := make(chan int, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if r := recover(); r != nil {
					once.Do(func() {
						panicked = &workerPanic{value: r, stack: debug.Stack()}
						close(stop)
					})
				}
			}()
			for i := range next {
				fn(i)
			}
		}()
	}
	done := ctx.Done()
feed:
	for i := 0; i < n; i++ {
		select {
		case next <- i:
		case <-done:
			break feed
		case <-stop:
			break feed
		}
	}
	close(next)
	wg.Wait()
	if panicked != nil {
		panic(panicked)
	}
	return ctx.Err()
}

// workerPanic carries a worker's panic, with the worker's stack, to the caller.
type workerPanic struct {
	value any
	stack []byte
}

func (p *workerPanic) Error() string { return fmt.Sprintf("%v\n\nworker stack:\n%s", p.value, p.stack) }
