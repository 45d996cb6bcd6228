package search_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"vepkb/generator/kbsearch/engine"
	"vepkb/generator/kbsearch/kbx"
	"vepkb/generator/kbsearch/schema"
)

// slowSource serves the fixture's files after a delay, like a slow link,
// and records each request: how many times each file was asked for, and how
// many rounds a query waited (a request sent while none is in flight starts
// a round).
type slowSource struct {
	files    map[string][]byte
	delay    time.Duration
	mu       sync.Mutex
	inFlight int
	rounds   int
	asked    map[string]int
}

func (s *slowSource) Fetch(_ context.Context, name string) ([]byte, error) {
	s.mu.Lock()
	if s.inFlight == 0 {
		s.rounds++
	}
	s.inFlight++
	s.asked[name]++
	s.mu.Unlock()
	time.Sleep(s.delay)
	s.mu.Lock()
	s.inFlight--
	s.mu.Unlock()
	return s.files[name], nil
}

// TestColdQueryRequests runs cold queries over a slow source. Prefetching
// runs beside the query's own reads, so the same file may be wanted twice
// at once: it must be requested once. The rounds waited are logged (they
// depend on timing, so they are not asserted): since prefetching starts
// before the words are looked up, most queries wait two rounds, not four.
func TestColdQueryRequests(t *testing.T) {
	f := loadFixture(t)
	m, _ := schema.Mapping()
	for _, q := range []string{"family contact during custody", "prison", "rehabilitaton", `"information sharing"`, "dynamic secu", "families -children"} {
		src := &slowSource{files: f.src.files, delay: 20 * time.Millisecond, asked: map[string]int{}}
		ix, err := kbx.Open(f.static.Manifest(), src)
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		start := time.Now()
		res, err := engine.Search(ctx, ix.Reader(ctx), m, nil, engine.Request{Query: q, Prefix: q == "dynamic secu"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total == 0 {
			t.Errorf("%q: no results", q)
		}
		for name, n := range src.asked {
			if n > 1 {
				t.Errorf("%q: %s requested %d times", q, name, n)
			}
		}
		t.Logf("%-32q %d requests in %d rounds, %v at 20 ms a request", q, len(src.asked), src.rounds, time.Since(start).Round(time.Millisecond))
	}
}
