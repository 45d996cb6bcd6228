package kbxwrite

import (
	"bytes"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
)

// Text mapped to two fields whose analyzers share their tokenizer and first
// filters (the knowledge base's stemmed fields and its unstemmed words
// field) is tokenised once: the longer analyzer's tokens are a copy of the
// shorter's run through the filters it adds. Every title, heading and body
// of the knowledge base is analysed both ways, and the shared part was
// half of it. TestAnalyzeShared checks that both streams equal the
// analyzers' own, and TestStaticMatchesLive (package search) that the
// index equals Bleve's.

// analysedField is one field's analysis: Bleve's AnalyzedLength and
// AnalyzedTokenFrequencies.
type analysedField struct {
	length int
	freqs  index.TokenFrequencies
}

// analyseShared analyses the text fields of doc that share their text and
// an analysis prefix with another, and returns them by their index in
// doc.Fields; the other fields are left to Bleve (Field.Analyze).
func analyseShared(m *mapping.IndexMappingImpl, doc *document.Document) map[int]analysedField {
	var out map[int]analysedField
	paired := map[int]bool{}
	for i, f := range doc.Fields {
		long, ok := f.(*document.TextField)
		if !ok || paired[i] || !long.Options().IsIndexed() {
			continue
		}
		first, _ := long.Analyzer().(*analysis.DefaultAnalyzer)
		for j := i + 1; j < len(doc.Fields) && first != nil; j++ {
			short, ok := doc.Fields[j].(*document.TextField)
			if !ok || paired[j] || !short.Options().IsIndexed() || !bytes.Equal(long.Value(), short.Value()) {
				continue
			}
			sa, _ := short.Analyzer().(*analysis.DefaultAnalyzer)
			la, li, si := first, i, j
			if extends(sa, la) { // the longer analyzer's field may come second
				la, sa, li, si = sa, la, j, i
			}
			if !extends(la, sa) {
				continue
			}
			lt, st := analyzePrefixed(la, sa, long.Value())
			if out == nil {
				out = map[int]analysedField{}
			}
			for _, x := range []struct {
				k  int
				ts analysis.TokenStream
			}{{li, lt}, {si, st}} {
				tf := doc.Fields[x.k].(*document.TextField)
				out[x.k] = analysedField{len(x.ts), analysis.TokenFrequency(x.ts, tf.ArrayPositions(), tf.Options())}
			}
			paired[i], paired[j] = true, true
			break
		}
	}
	return out
}

// analyzePrefixed returns what long and short (whose filters are the first
// of long's: extends(long, short)) make of input, tokenising it once. Input
// is left as it is: filters rewrite terms in place, so the analysis works
// on a copy, and long's filters on a copy of short's tokens.
func analyzePrefixed(long, short *analysis.DefaultAnalyzer, input []byte) (lt, st analysis.TokenStream) {
	st = short.Analyze(append([]byte(nil), input...))
	lt = copyTokens(st)
	for _, f := range long.TokenFilters[len(short.TokenFilters):] {
		lt = f.Filter(lt)
	}
	return lt, st
}

// extends reports whether long is short with more token filters after
// short's (the same tokenizer and filters, no character filters).
func extends(long, short *analysis.DefaultAnalyzer) bool {
	if long == nil || short == nil || long == short || len(long.CharFilters) > 0 || len(short.CharFilters) > 0 ||
		len(long.TokenFilters) <= len(short.TokenFilters) || !same(long.Tokenizer, short.Tokenizer) {
		return false
	}
	for i, f := range short.TokenFilters {
		if !same(long.TokenFilters[i], f) {
			return false
		}
	}
	return true
}

// same compares two analysis components, which may be of a type that ==
// cannot compare (then they are taken as different).
func same(a, b any) (eq bool) {
	defer func() {
		if recover() != nil {
			eq = false
		}
	}()
	return a == b
}

// copyTokens copies a token stream, terms included, in three allocations.
func copyTokens(in analysis.TokenStream) analysis.TokenStream {
	n := 0
	for _, t := range in {
		n += len(t.Term)
	}
	terms := make([]byte, 0, n)
	toks := make([]analysis.Token, len(in))
	out := make(analysis.TokenStream, len(in))
	for i, t := range in {
		toks[i] = *t
		start := len(terms)
		terms = append(terms, t.Term...)
		toks[i].Term = terms[start:len(terms):len(terms)]
		out[i] = &toks[i]
	}
	return out
}
