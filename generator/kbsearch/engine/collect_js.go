//go:build js

package engine

import (
	"context"
	"errors"

	"github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"
)

// collectAll is Bleve's collector in the native build. The browser client
// reads only static indexes built by this version, which have a page table
// and count facets themselves (countMatches); leaving Bleve's collector out
// of it takes 19 KB off the engine's download (docs/search.md).
func collectAll(ctx context.Context, r index.IndexReader, searcher search.Searcher, k int, out *collected) error {
	return errors.New("search index without a page table: rebuild the site")
}
