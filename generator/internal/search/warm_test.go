package search_test

import (
	"context"
	"os"
	"testing"

	"github.com/blevesearch/bleve/v2/mapping"

	"vepkb/generator/internal/search/kbxfiles"
	"vepkb/generator/kbsearch/engine"
	"vepkb/generator/kbsearch/kbx"
	"vepkb/generator/kbsearch/schema"
)

// benchIndex opens the built index that KB_BENCH_INDEX names
// (/path/public/search-index), skipping the benchmark without one.
func benchIndex(b *testing.B) (*kbx.Index, *mapping.IndexMappingImpl) {
	dir := os.Getenv("KB_BENCH_INDEX")
	if dir == "" {
		b.Skip("set KB_BENCH_INDEX to a built site's search-index folder")
	}
	ix, err := kbxfiles.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	m, err := schema.Mapping()
	if err != nil {
		b.Fatal(err)
	}
	return ix, m
}

// BenchmarkWarmQuery runs queries over a built site's static index after a
// first pass has fetched its pages, with the manifest's synonyms as the
// browser uses them: KB_BENCH_INDEX=/path/public/search-index.
func BenchmarkWarmQuery(b *testing.B) {
	ix, m := benchIndex(b)
	syn := engine.NewSynonyms(m, synonymGroups(ix.Manifest().Extra["synonyms"]))
	ctx := context.Background()
	qs := []string{"dynamic security", "rehabilitaton", `"information sharing"`, "families -children", "risk assessment", "vetting"}
	for _, q := range qs {
		if _, err := engine.Search(ctx, ix.Reader(ctx), m, syn, engine.Request{Query: q}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, q := range qs {
			if _, err := engine.Search(ctx, ix.Reader(ctx), m, syn, engine.Request{Query: q}); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// The static index counts facets itself (engine.countMatches).
var _ engine.FacetCounter = (*kbx.Reader)(nil)
