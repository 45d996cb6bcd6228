package search

import (
	"context"
	"strings"

	"vepkb/generator/internal/content"
	"vepkb/generator/internal/search/kbxwrite"
	"vepkb/generator/kbsearch/kbx"
	"vepkb/generator/kbsearch/schema"
)

// Build indexes the site's sections with Bleve and writes the static index
// through out (o says how). It returns the manifest and the documents in
// index order.
func Build(ctx context.Context, site *content.Site, prefix string, o kbxwrite.Options, out kbx.Output) (*kbx.Manifest, []Doc, error) {
	m, err := schema.Mapping()
	if err != nil {
		return nil, nil, err
	}
	docs := Documents(site, prefix)
	vals := make([]any, len(docs))
	for i := range docs {
		vals[i] = docs[i].Section
	}
	man, err := kbxwrite.Build(ctx, m, vals, o, out)
	if err != nil {
		return nil, nil, err
	}
	man.Pages = kbx.EncodePages(pageCounts(docs))
	return man, docs, nil
}

// pageCounts is how many sections each page has, in index order (a page's
// sections are consecutive: Documents lists them so).
func pageCounts(docs []Doc) []int {
	var counts []int
	last := ""
	for i, d := range docs {
		page, _, _ := strings.Cut(d.Section.URL, "#")
		if i == 0 || page != last {
			counts = append(counts, 0)
			last = page
		}
		counts[len(counts)-1]++
	}
	return counts
}
