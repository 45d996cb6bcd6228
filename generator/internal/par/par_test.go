package par

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
)

func TestFor(t *testing.T) {
	for _, tt := range []struct{ n, workers int }{{0, 2}, {1, 0}, {100, 3}, {5, 50}} {
		var sum, running, peak atomic.Int64
		seen := make([]atomic.Int32, tt.n)
		For(tt.n, tt.workers, func(i int) {
			if r := running.Add(1); r > peak.Load() {
				peak.Store(r)
			}
			seen[i].Add(1)
			sum.Add(int64(i))
			running.Add(-1)
		})
		for i := range seen {
			if seen[i].Load() != 1 {
				t.Fatalf("n=%d: index %d ran %d times", tt.n, i, seen[i].Load())
			}
		}
		if want := int64(tt.n * (tt.n - 1) / 2); sum.Load() != want {
			t.Errorf("sum %d, want %d", sum.Load(), want)
		}
		if w := max(tt.workers, 1); peak.Load() > int64(w) {
			t.Errorf("n=%d: %d goroutines at once, limit %d", tt.n, peak.Load(), w)
		}
	}
}

func TestForContextStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var ran atomic.Int64
	err := ForContext(ctx, 1000, 2, func(i int) {
		if ran.Add(1) == 10 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	// Two workers and a queue of two: at most a handful run after cancel.
	if n := ran.Load(); n > 16 {
		t.Errorf("%d calls ran after cancelling at the 10th", n)
	}
}

func TestForRaisesPanicInCaller(t *testing.T) {
	defer func() {
		r := recover()
		if r == nil {
			t.Fatal("no panic reached the caller")
		}
		if wp, ok := r.(*workerPanic); !ok || wp.value != "boom 7" {
			t.Errorf("panic %v does not carry the worker's value", r)
		}
	}()
	For(100, 4, func(i int) {
		if i == 7 {
			panic("boom 7")
		}
	})
}
