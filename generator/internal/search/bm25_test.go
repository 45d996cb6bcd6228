package search_test

import (
	"context"
	"testing"

	"vepkb/generator/internal/search/kbxwrite"
	"vepkb/generator/kbsearch/engine"
	"vepkb/generator/kbsearch/kbx"
	"vepkb/generator/kbsearch/schema"
)

// TestBM25FieldWithoutDocuments: BM25 needs each searched field's summed
// length; a filter on a facet field that no document has (a site without
// tags, a tag typed into the URL) finds nothing instead of failing.
func TestBM25FieldWithoutDocuments(t *testing.T) {
	m, err := schema.Mapping()
	if err != nil {
		t.Fatal(err)
	}
	docs := []any{
		schema.Section{Title: "Families", Heading: "Families", Body: "Family visits help prisoners.", URL: "/a/", Crumb: "A"},
		schema.Section{Title: "Staff", Heading: "Staff", Body: "Staff training on family contact.", URL: "/b/", Crumb: "B"},
	}
	src := &memSource{files: map[string][]byte{}}
	man, err := kbxwrite.Build(context.Background(), m, docs, kbxwrite.Options{}, func(name string, data []byte) error {
		src.files[name] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := man.FieldLengths[schema.Tags]; ok {
		t.Fatalf("the fixture has tags: %v", man.FieldLengths)
	}
	ix, err := kbx.Open(man, src)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	res, err := engine.Search(ctx, ix.Reader(ctx), m, nil, engine.Request{Query: "family", Filters: map[string][]string{schema.Tags: {"families"}}})
	if err != nil {
		t.Fatalf("filter on a field no document has: %v", err)
	}
	if res.Total != 0 {
		t.Errorf("%d results", res.Total)
	}
	if res, err := engine.Search(ctx, ix.Reader(ctx), m, nil, engine.Request{Query: "family"}); err != nil || res.Total != 2 {
		t.Errorf("unfiltered: %v, %v", res, err)
	}
}
