// Package search is what the build runs for search: one Bleve document per
// page section (the introduction and each H2/H3 section, docs.go), indexed by
// Bleve and exported as static, content-addressed index files (build.go,
// kbxwrite/), published with the WebAssembly engine compiled by wasmclient/
// (publish.go). What the browser runs is generator/kbsearch.
package search

import (
	"strings"

	"vepkb/generator/internal/content"
	"vepkb/generator/kbsearch/schema"
)

// Doc is a search document with its id.
type Doc struct {
	ID      string // the section URL, unique
	Section schema.Section
}

// Documents returns the search documents of a site, in a stable order:
// pages in source order, sections in page order. prefix is the base URL's
// path, prepended to URLs.
func Documents(site *content.Site, prefix string) []Doc {
	var docs []Doc
	for _, p := range site.Pages {
		if p.Doc == nil {
			continue
		}
		guide := ""
		if p.Guide != nil {
			guide = p.Guide.Title()
		}
		var crumbs []string
		for _, a := range p.Ancestors() {
			if a.Kind != content.KindHome {
				crumbs = append(crumbs, a.Title())
			}
		}
		crumbs = append(crumbs, p.Title())
		base := prefix + strings.TrimPrefix(p.URL, "/")
		for _, s := range p.Doc.Sections {
			sec := schema.Section{
				Title:     p.Title(),
				Heading:   s.Heading,
				Body:      s.Text,
				Guide:     guide,
				Tags:      p.Meta.Terms["tags"],
				Audiences: p.Meta.Terms["audiences"],
				URL:       base,
				Crumb:     strings.Join(crumbs, " › "),
			}
			if s.ID != "" {
				sec.URL += "#" + s.ID
				sec.Crumb += " › " + s.Heading
			} else {
				sec.Heading = p.Title()
				if sec.Body == "" {
					sec.Body = p.Summary()
				}
			}
			docs = append(docs, Doc{ID: sec.URL, Section: sec})
		}
		if len(p.Doc.Sections) == 0 {
			docs = append(docs, Doc{ID: base, Section: schema.Section{Title: p.Title(), Heading: p.Title(),
				Body: p.Summary(), Guide: guide, Tags: p.Meta.Terms["tags"], Audiences: p.Meta.Terms["audiences"],
				URL: base, Crumb: strings.Join(crumbs, " › ")}})
		}
	}
	return docs
}
