package kbxwrite

import (
	"bytes"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	index "github.com/blevesearch/bleve_index_api"
)

// Text mapped to two fields whose analyzers share their tokenizer and first
// filters (the knowledge base's stemmed fields and its unstemmed words
// field) is tokenised once: the longer analyzer's tokens are a copy of the
// shorter's run through the filters it adds. Every title, heading and body
// of the knowledge base is analysed both ways, and the shared part was
// half of it. Token frequencies are counted here too (freqsOf), in a few
// allocations a field where Bleve's TokenFrequency and MergeAll made one a
// term and a third of the bytes a build allocated. TestAnalyzeShared
// checks both against Bleve's own, and TestStaticMatchesLive (package
// search) that the index equals a live Bleve index.

// termFreq is one term's occurrences in one field of a document: Bleve's
// index.TokenFreq, with its locations in one array (for fields with term
// vectors) rather than one allocation each.
type termFreq struct {
	term []byte
	freq int
	locs []index.TokenLocation
}

// analysed is what the analysis of one field of a document gave: its
// tokens for a text field, or else the frequencies Bleve's Analyze made.
type analysed struct {
	tokens analysis.TokenStream
	text   bool
	length int
	freqs  index.TokenFrequencies // when !text
}

// analyseFields analyses the indexed fields of doc, by their index in
// doc.Fields. Text fields are analysed here, as document.TextField's
// Analyze does (a copy of the value, or a single token of it without an
// analyzer), pairs that share their text and an analysis prefix together;
// other fields by Bleve.
func analyseFields(doc *document.Document) map[int]analysed {
	out := make(map[int]analysed, len(doc.Fields))
	for i, f := range doc.Fields {
		long, ok := f.(*document.TextField)
		if !ok || !f.Options().IsIndexed() {
			continue
		}
		if _, done := out[i]; done {
			continue
		}
		first, _ := long.Analyzer().(*analysis.DefaultAnalyzer)
		for j := i + 1; j < len(doc.Fields) && first != nil; j++ {
			short, ok := doc.Fields[j].(*document.TextField)
			if _, done := out[j]; !ok || done || !short.Options().IsIndexed() || !bytes.Equal(long.Value(), short.Value()) {
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
			out[li] = analysed{tokens: lt, text: true, length: len(lt)}
			out[si] = analysed{tokens: st, text: true, length: len(st)}
			break
		}
	}
	for i, f := range doc.Fields {
		if _, done := out[i]; done || !f.Options().IsIndexed() {
			continue
		}
		if tf, ok := f.(*document.TextField); ok {
			ts := textTokens(tf)
			out[i] = analysed{tokens: ts, text: true, length: len(ts)}
			continue
		}
		f.Analyze()
		out[i] = analysed{length: f.AnalyzedLength(), freqs: f.AnalyzedTokenFrequencies()}
	}
	return out
}

// textTokens are a text field's tokens, as its Analyze makes them.
func textTokens(f *document.TextField) analysis.TokenStream {
	if a := f.Analyzer(); a != nil {
		return a.Analyze(append([]byte(nil), f.Value()...))
	}
	return analysis.TokenStream{&analysis.Token{Start: 0, End: len(f.Value()), Term: f.Value(), Position: 1, Type: analysis.AlphaNumeric}}
}

// freqsOf is what Bleve's analysis.TokenFrequency makes of each stream
// (the tokens of one value, at arrayPositions[i]), merged in order as
// index.TokenFrequencies.MergeAll merges fields of one name: each term's
// frequency summed, its locations in stream order. Terms come in the order
// they first occur. sc is left empty for the next call.
func freqsOf(streams []analysis.TokenStream, arrayPositions [][]uint64, opts index.FieldIndexingOptions, sc *scratch) []termFreq {
	total := 0
	for _, s := range streams {
		total += len(s)
	}
	terms, which := sc.terms[:0], sc.which[:0]
	for _, s := range streams {
		for _, t := range s {
			i, ok := sc.index[string(t.Term)]
			if !ok {
				i = len(terms)
				sc.index[string(t.Term)] = i
				terms = append(terms, termFreq{term: t.Term})
			}
			terms[i].freq++
			which = append(which, i)
		}
	}
	clear(sc.index)
	out := append([]termFreq(nil), terms...)
	sc.terms, sc.which = terms, which
	if opts.IncludeTermVectors() {
		locs := make([]index.TokenLocation, total)
		off := 0
		for i := range out {
			out[i].locs = locs[off : off : off+out[i].freq]
			off += out[i].freq
		}
		k := 0
		for si, s := range streams {
			for _, t := range s {
				l := &out[which[k]].locs
				*l = append(*l, index.TokenLocation{ArrayPositions: arrayPositions[si], Start: t.Start, End: t.End, Position: t.Position})
				k++
			}
		}
	}
	if opts.SkipFreqNorm() {
		for i := range out {
			out[i].freq = 0
		}
	}
	return out
}

// scratch is what freqsOf reuses from one field to the next: a term's
// place, each token's term, the terms (copied out when done).
type scratch struct {
	index map[string]int
	which []int
	terms []termFreq
}

var scratches = sync.Pool{New: func() any { return &scratch{index: map[string]int{}} }}

// fromBleve is Bleve's frequencies of a field as termFreqs.
func fromBleve(tfs index.TokenFrequencies) []termFreq {
	out := make([]termFreq, 0, len(tfs))
	for _, tf := range tfs {
		x := termFreq{term: tf.Term, freq: tf.Frequency()}
		for _, l := range tf.Locations {
			x.locs = append(x.locs, *l)
		}
		out = append(out, x)
	}
	return out
}

// mergeFreqs adds b to a as MergeAll adds another field's frequencies.
func mergeFreqs(a, b []termFreq) []termFreq {
	at := make(map[string]int, len(a))
	for i, x := range a {
		at[string(x.term)] = i
	}
	for _, x := range b {
		if i, ok := at[string(x.term)]; ok {
			a[i].freq += x.freq
			a[i].locs = append(a[i].locs[:len(a[i].locs):len(a[i].locs)], x.locs...)
			continue
		}
		at[string(x.term)] = len(a)
		a = append(a, termFreq{term: x.term, freq: x.freq, locs: append([]index.TokenLocation(nil), x.locs...)})
	}
	return a
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
