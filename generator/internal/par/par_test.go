package par

import (
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
