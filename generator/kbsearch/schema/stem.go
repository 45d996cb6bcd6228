//go:build !js

package schema

import (
	"hash/maphash"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/registry"
)

// porterName is Bleve's Porter stemmer with a cache of the stems it made.
// Stemming a word costs about ten times looking it up, and a site's text
// repeats a vocabulary of some tens of thousands of words: Porter was 4.5%
// of the CPU of a 10,000-page build (2.45 of 53.8 s). The cache belongs to
// the analyzer of one mapping, is safe for the build's parallel analysis,
// and stops growing at maxCachedStems words. TestArabicFiltersSkipASCII
// checks that the analyzers give what Bleve's own filters give. The
// browser's engine, which analyses only what a visitor types, names
// Bleve's stemmer instead (stem_js.go): the cache added 8.6 KB to its
// download.
const porterName = "kb_stemmer_porter"

const (
	stemShards     = 64
	maxCachedStems = 1 << 20 // in all shards; a stem then costs as without a cache
)

type cachedPorter struct {
	porter analysis.TokenFilter
	seed   maphash.Seed
	shards [stemShards]stemShard
}

type stemShard struct {
	mu    sync.RWMutex
	stems map[string][]byte
	_     [32]byte // 64 bytes, a cache line: readers of two shards rarely share one
}

func newCachedPorter() *cachedPorter {
	c := &cachedPorter{porter: porter.NewPorterStemmer(), seed: maphash.MakeSeed()}
	for i := range c.shards {
		c.shards[i].stems = map[string][]byte{}
	}
	return c
}

// Filter implements analysis.TokenFilter: each token not marked as a
// keyword gets the stem Porter gives it. A cached stem is shared by the
// tokens that get it, not copied: Porter is the analyzer's last filter, and
// what reads its tokens (Bleve's and the build's frequency counts) does not
// write to terms (TestArabicFiltersSkipASCII's second pass would see a
// stem written over).
func (c *cachedPorter) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, t := range input {
		if t.KeyWord {
			continue
		}
		sh := &c.shards[maphash.Bytes(c.seed, t.Term)%stemShards]
		sh.mu.RLock()
		stem, ok := sh.stems[string(t.Term)]
		sh.mu.RUnlock()
		if ok {
			t.Term = stem
			continue
		}
		word := string(t.Term)
		one := [1]*analysis.Token{t}
		c.porter.Filter(one[:])
		sh.mu.Lock()
		if len(sh.stems) < maxCachedStems/stemShards {
			sh.stems[word] = append([]byte(nil), t.Term...)
		}
		sh.mu.Unlock()
	}
	return input
}

// IsPorter reports whether f stems as Bleve's Porter stemmer does (the
// engine's marks rely on how Porter cuts words).
func IsPorter(f analysis.TokenFilter) bool {
	switch f.(type) {
	case *porter.PorterStemmer, *cachedPorter:
		return true
	}
	return false
}

func init() {
	err := registry.RegisterTokenFilter(porterName, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
		return newCachedPorter(), nil
	})
	if err != nil {
		panic(err)
	}
}
