package engine

import (
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
)

// Prefetcher is implemented by index readers that fetch pages over a network:
// the engine tells them up front which terms (field, term) and dictionary
// ranges (field, prefix; an empty prefix is the whole field) a query reads,
// the fields whose every document's norm prefix matching may score, and
// which documents' stored fields it will show.
type Prefetcher interface {
	Prefetch(terms, phraseTerms, prefixes [][2]string, normFields []string)
	PrefetchDocs(ids []string)
}

// needList lists what a query reads: exact terms, terms whose positions phrase
// matching needs, and dictionary ranges.
type needList struct {
	terms, phraseTerms, prefixes [][2]string
	normFields                   []string
}

// needs lists the exact terms and dictionary ranges a plan reads.
func needs(m *mapping.IndexMappingImpl, n Node, l *needList) {
	terms, prefixes := &l.terms, &l.prefixes
	switch x := n.(type) {
	case *Match:
		for _, t := range analyze(m, x.Text) {
			*terms = append(*terms, [2]string{x.Field, string(t.Term)})
		}
	case *Phrase:
		for _, t := range analyze(m, x.Text) {
			*terms = append(*terms, [2]string{x.Field, string(t.Term)})
			l.phraseTerms = append(l.phraseTerms, [2]string{x.Field, string(t.Term)})
		}
	case *Term:
		*terms = append(*terms, [2]string{x.Field, x.Term})
	case *Fuzzy:
		// Fuzzy matching reads the field's whole dictionary.
		*prefixes = append(*prefixes, [2]string{x.Field, ""})
		*terms = append(*terms, [2]string{x.Field, x.Term})
	case *Prefix:
		*prefixes = append(*prefixes, [2]string{x.Field, x.Prefix})
		l.normFields = append(l.normFields, x.Field)
	case *Or:
		for _, c := range x.Nodes {
			needs(m, c, l)
		}
	case *And:
		for _, c := range x.Nodes {
			needs(m, c, l)
		}
	case *Bool:
		for _, list := range [][]Node{x.Must, x.Should, x.MustNot} {
			for _, c := range list {
				needs(m, c, l)
			}
		}
	}
}

// markTerms collects the terms of field that the plan looks for (not those
// it excludes), to mark them in snippets.
func markTerms(m *mapping.IndexMappingImpl, n Node, field string, out map[string]bool) {
	switch x := n.(type) {
	case *Match:
		if x.Field == field {
			for _, t := range analyze(m, x.Text) {
				out[string(t.Term)] = true
			}
		}
	case *Phrase:
		if x.Field == field {
			for _, t := range analyze(m, x.Text) {
				out[string(t.Term)] = true
			}
		}
	case *Or:
		for _, c := range x.Nodes {
			markTerms(m, c, field, out)
		}
	case *And:
		for _, c := range x.Nodes {
			markTerms(m, c, field, out)
		}
	case *Bool:
		for _, list := range [][]Node{x.Must, x.Should} {
			for _, c := range list {
				markTerms(m, c, field, out)
			}
		}
	}
}

// prefetchAll asks a Prefetcher for what any plan of the query reads: the
// dictionary entries that decide which words get typo tolerance
// (KnownWords), and everything the plan reads when every word is known.
// Search runs it beside KnownWords, so typo candidates are fetched as soon
// as the dictionary shows them, and the rest does not wait for that lookup:
// on a slow link a cold query on the bundled site waits two round trips
// instead of four.
func prefetchAll(r index.IndexReader, m *mapping.IndexMappingImpl, p Parsed, syn *Synonyms, filters map[string][]string) {
	pf, ok := r.(Prefetcher)
	if !ok {
		return
	}
	var l needList
	if q := Build(m, p, syn, filters, func(string) bool { return true }); q != nil {
		needs(m, q, &l)
	}
	l.prefixes = append(l.prefixes, dictRanges(dictWords(m, p))...)
	pf.Prefetch(l.terms, l.phraseTerms, l.prefixes, l.normFields)
}

// prefetch asks a Prefetcher for what the plan reads.
func prefetch(r index.IndexReader, m *mapping.IndexMappingImpl, n Node) {
	p, ok := r.(Prefetcher)
	if !ok {
		return
	}
	var l needList
	needs(m, n, &l)
	p.Prefetch(l.terms, l.phraseTerms, l.prefixes, l.normFields)
}
