package engine

import (
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
)

// Prefetcher is implemented by index readers that fetch pages over a network:
// the engine tells them up front which terms (field, term) and dictionary
// ranges (field, prefix; an empty prefix is the whole field) a query reads,
// and which documents' stored fields it will show.
type Prefetcher interface {
	Prefetch(terms [][2]string, prefixes [][2]string)
	PrefetchDocs(ids []string)
}

// needs lists the exact terms and dictionary ranges a plan reads.
func needs(m *mapping.IndexMappingImpl, n Node, terms, prefixes *[][2]string) {
	switch x := n.(type) {
	case *Match:
		for _, t := range analyze(m, x.Text) {
			*terms = append(*terms, [2]string{x.Field, string(t.Term)})
		}
	case *Phrase:
		for _, t := range analyze(m, x.Text) {
			*terms = append(*terms, [2]string{x.Field, string(t.Term)})
		}
	case *Term:
		*terms = append(*terms, [2]string{x.Field, x.Term})
	case *Fuzzy:
		// Fuzzy matching reads the field's whole dictionary.
		*prefixes = append(*prefixes, [2]string{x.Field, ""})
		*terms = append(*terms, [2]string{x.Field, x.Term})
	case *Prefix:
		*prefixes = append(*prefixes, [2]string{x.Field, x.Prefix})
	case *Or:
		for _, c := range x.Nodes {
			needs(m, c, terms, prefixes)
		}
	case *And:
		for _, c := range x.Nodes {
			needs(m, c, terms, prefixes)
		}
	case *Bool:
		for _, list := range [][]Node{x.Must, x.Should, x.MustNot} {
			for _, c := range list {
				needs(m, c, terms, prefixes)
			}
		}
	}
}

// prefetch asks a Prefetcher for what the plan reads.
func prefetch(r index.IndexReader, m *mapping.IndexMappingImpl, n Node) {
	p, ok := r.(Prefetcher)
	if !ok {
		return
	}
	var terms, prefixes [][2]string
	needs(m, n, &terms, &prefixes)
	p.Prefetch(terms, prefixes)
}
