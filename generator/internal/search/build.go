package search

import (
	"context"

	"vepkb/generator/internal/content"
	"vepkb/generator/internal/search/kbxwrite"
	"vepkb/generator/kbsearch/kbx"
	"vepkb/generator/kbsearch/schema"
)

// Build indexes the site's sections with Bleve and writes the static index
// through out. It returns the manifest and the documents in index order.
func Build(ctx context.Context, site *content.Site, prefix string, pageSize int, out kbx.Output) (*kbx.Manifest, []Doc, error) {
	m, err := schema.Mapping()
	if err != nil {
		return nil, nil, err
	}
	docs := Documents(site, prefix)
	vals := make([]any, len(docs))
	for i := range docs {
		vals[i] = docs[i].Section
	}
	man, err := kbxwrite.Build(ctx, m, vals, pageSize, out)
	if err != nil {
		return nil, nil, err
	}
	return man, docs, nil
}
