package search_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"

	"vepkb/generator/internal/search/kbxfiles"
	"vepkb/generator/kbsearch/engine"
	"vepkb/generator/kbsearch/kbx"
	"vepkb/generator/kbsearch/schema"
)

// headerBytes is what a response's status line and headers add to its
// body, as Chromium counts them over the test server (transferSize less
// encodedBodySize in TestSearchTransferBudget).
const headerBytes = 300

// countingSource reads index files as kbxfiles.Source does and counts
// what they would move over the network: their stored (compressed) size
// and headerBytes each.
type countingSource struct {
	src   *kbxfiles.Source
	mu    sync.Mutex
	bytes int
}

func (c *countingSource) Fetch(ctx context.Context, name string) ([]byte, error) {
	fi, err := os.Stat(filepath.Join(c.src.Dir, name))
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.bytes += int(fi.Size()) + headerBytes
	c.mu.Unlock()
	return c.src.Fetch(ctx, name)
}

func (c *countingSource) take() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.bytes
	c.bytes = 0
	return n
}

// BenchmarkQueryBytes measures natively what each judged query moves when
// it follows a first query (`dynamic security`) on a fresh cache, as the
// search page asks (ten pages), over the built bundled site or the index at
// KB_BENCH_INDEX: the mean, median and 90th percentile of those later
// queries, and the first query's index bytes. The manifest and the engine
// are not counted (the browser loads them once).
func BenchmarkQueryBytes(b *testing.B) {
	dir := os.Getenv("KB_BENCH_INDEX")
	if dir == "" {
		dir = filepath.Join(relevanceSite(b), "search-index")
	}
	man, err := kbxfiles.Manifest(dir)
	if err != nil {
		b.Fatal(err)
	}
	m, err := schema.Mapping()
	if err != nil {
		b.Fatal(err)
	}
	syn := engine.NewSynonyms(m, synonymGroups(man.Extra["synonyms"]))
	qs := loadJudged(b)
	ctx := context.Background()
	for b.Loop() {
		var later []int
		first := 0
		for _, q := range qs {
			src := &countingSource{src: &kbxfiles.Source{Dir: dir, Encoding: man.Encoding, Dictionary: man.Dictionary}}
			ix, err := kbx.Open(man, src)
			if err != nil {
				b.Fatal(err)
			}
			for i, text := range []string{"dynamic security", q.Query} {
				if _, err := engine.Search(ctx, ix.Reader(ctx), m, syn, engine.Request{Query: text, Size: 10}); err != nil {
					b.Fatalf("%q: %v", text, err)
				}
				if n := src.take(); i == 0 {
					first = n
				} else {
					later = append(later, n)
				}
			}
		}
		sort.Ints(later)
		sum := 0
		for _, n := range later {
			sum += n
		}
		b.ReportMetric(float64(first)/1e3, "first-KB")
		b.ReportMetric(float64(sum)/float64(len(later))/1e3, "later-mean-KB")
		b.ReportMetric(float64(later[len(later)/2])/1e3, "later-median-KB")
		b.ReportMetric(float64(later[len(later)*9/10])/1e3, "later-p90-KB")
	}
}
