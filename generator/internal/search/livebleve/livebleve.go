// Package livebleve helps tests compare the static index with a live Bleve
// index: it opens an index reader on a live index for the length of a test.
package livebleve

import (
	"testing"

	"github.com/blevesearch/bleve/v2"
	index "github.com/blevesearch/bleve_index_api"
)

// Reader returns an index reader of idx, closed when the test ends.
func Reader(t testing.TB, idx bleve.Index) index.IndexReader {
	t.Helper()
	adv, err := idx.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}
