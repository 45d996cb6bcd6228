//go:build !js

package engine

import (
	"context"

	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	"github.com/blevesearch/bleve/v2/search/facet"
	index "github.com/blevesearch/bleve_index_api"
)

// collectAll runs searcher through Bleve's collector, keeping the first k
// sections, with Bleve's facet builders: over a reader that does not count
// facets itself or has no page table (a live Bleve index in the tests).
func collectAll(ctx context.Context, r index.IndexReader, searcher search.Searcher, k int, out *collected) error {
	coll := collector.NewTopNCollector(k, 0, Sort())
	fb := search.NewFacetsBuilder(r)
	for _, f := range FacetFields {
		fb.Add(f.Field, facet.NewTermsFacetBuilder(f.Field, f.Size))
	}
	coll.SetFacetsBuilder(fb)
	if err := coll.Collect(ctx, searcher, r); err != nil {
		return err
	}
	out.total, out.results = coll.Total(), coll.Results()
	for name, fr := range coll.FacetResults() {
		counts := map[string]int{}
		for _, t := range fr.Terms.Terms() {
			counts[t.Term] = t.Count
		}
		out.facets[name] = counts
	}
	return nil
}
