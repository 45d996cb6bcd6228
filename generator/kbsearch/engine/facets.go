package engine

import (
	"sort"

	"github.com/blevesearch/bleve/v2/search"
)

// termsFacet counts the terms of a facet field over the matching documents,
// as Bleve's facet.TermsFacetBuilder does without its prefix and pattern
// filters. Bleve's builder links the regexp package (its pattern filter)
// and with it Unicode's category tables, which the client never uses:
// about 40 KB of the engine's download (docs/search.md).
type termsFacet struct {
	field    string
	size     int
	counts   map[string]int
	total    int
	missing  int
	sawValue bool
}

func newTermsFacet(field string, size int) *termsFacet {
	return &termsFacet{field: field, size: size, counts: map[string]int{}}
}

// Field implements search.FacetBuilder.
func (f *termsFacet) Field() string { return f.field }

// Size implements search.FacetBuilder (the memory it holds, roughly).
func (f *termsFacet) Size() int {
	n := 64 + len(f.field)
	for k := range f.counts {
		n += 24 + len(k)
	}
	return n
}

// StartDoc implements search.FacetBuilder.
func (f *termsFacet) StartDoc() { f.sawValue = false }

// UpdateVisitor implements search.FacetBuilder.
func (f *termsFacet) UpdateVisitor(term []byte) {
	f.total++
	f.sawValue = true
	f.counts[string(term)]++
}

// EndDoc implements search.FacetBuilder.
func (f *termsFacet) EndDoc() {
	if !f.sawValue {
		f.missing++
	}
}

// Result implements search.FacetBuilder: the size most frequent terms
// (count descending, then term ascending), as Bleve orders them.
func (f *termsFacet) Result() *search.FacetResult {
	terms := make([]*search.TermFacet, 0, len(f.counts))
	for t, c := range f.counts {
		terms = append(terms, &search.TermFacet{Term: t, Count: c})
	}
	sort.Slice(terms, func(i, j int) bool {
		if terms[i].Count != terms[j].Count {
			return terms[i].Count > terms[j].Count
		}
		return terms[i].Term < terms[j].Term
	})
	terms = terms[:min(f.size, len(terms))]
	rv := &search.FacetResult{Field: f.field, Total: f.total, Missing: f.missing, Terms: &search.TermFacets{}}
	notOther := 0
	for _, t := range terms {
		rv.Terms.Add(t)
		notOther += t.Count
	}
	rv.Other = f.total - notOther
	return rv
}
