package engine

import (
	"bytes"
	"slices"
	"sort"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"

	"vepkb/generator/kbsearch/schema"
)

// spanAnalyzers returns the text and words analyzers when their words can
// be located piece by piece: no character filters, the text analyzer ending
// with Porter, and one tokenizer for both when words are marked.
func spanAnalyzers(m *mapping.IndexMappingImpl, ms *markSet) (a, wa *analysis.DefaultAnalyzer, ok bool) {
	a, ok = m.AnalyzerNamed(schema.TextAnalyzer).(*analysis.DefaultAnalyzer)
	if !ok || len(a.CharFilters) > 0 || a.Tokenizer == nil || len(a.TokenFilters) == 0 ||
		!schema.IsPorter(a.TokenFilters[len(a.TokenFilters)-1]) {
		return nil, nil, false
	}
	wa, ok = m.AnalyzerNamed(schema.WordsAnalyzer).(*analysis.DefaultAnalyzer)
	if !ok || wa.Tokenizer != a.Tokenizer && ms.hasWords() {
		return nil, nil, false
	}
	return a, wa, true
}

// bodyLocator returns a function that finds where the marked terms occur
// in a document's stored body, by analysing it as the index did, so that
// snippets mark them without downloading positions. Run makes one per query
// and calls it for each hit. Analysing the hits' text was a third of a warm
// query's time, most of it filtering and stemming words that cannot match.
//
// The text analyzer's filters each act on one word at a time, so running
// them on a single word gives what they give it in the whole text. Only
// words that may end as a marked term go through them: the Porter stemmer
// rewrites no more than a word's last two letters beyond what it cuts off
// (biliti → ble, y → i, a final e), so a word that becomes term T starts,
// lower-cased, with all of T but its last two bytes (TestStemKeepsPrefix
// checks this on every word of the knowledge base). Words matched through
// a typo or a prefix are checked in the words field's form (markSet).
func bodyLocator(m *mapping.IndexMappingImpl, ms *markSet) func(body []byte) search.FieldTermLocationMap {
	a, wa, ok := spanAnalyzers(m, ms)
	if !ok {
		return func(body []byte) search.FieldTermLocationMap { return fullLocations(m, body, ms) }
	}
	var prefixes [][]byte
	for t := range ms.terms {
		prefixes = append(prefixes, []byte(t[:max(0, len(t)-2)]))
	}
	words := ms.hasWords()
	patterns := spanPatterns(prefixes, ms)
	var lower []byte
	return func(body []byte) search.FieldTermLocationMap {
		if ms.empty() || len(body) == 0 {
			return nil
		}
		tlm := search.TermLocationMap{}
		var spans [][2]int
		spans, lower = markSpans(body, patterns, lower)
		for _, sp := range spans {
			locateIn(body, sp, a, wa, ms, prefixes, words, tlm)
		}
		return bodyField(tlm)
	}
}

// locateIn adds to tlm the marked words of body[span[0]:span[1]], which
// starts at white space or at the start of body and ends at white space or
// at its end.
func locateIn(body []byte, span [2]int, a, wa *analysis.DefaultAnalyzer, ms *markSet, prefixes [][]byte, words bool, tlm search.TermLocationMap) {
	// Filters rewrite terms in place: work on a copy of the text.
	for _, t := range a.Tokenizer.Tokenize(bytes.Clone(body[span[0]:span[1]])) {
		if span[0] > 0 {
			// Positions count from the span: nothing that reads
			// these locations (snippet, markHTML) uses them.
			t.Start += span[0]
			t.End += span[0]
			t.Position = 0
		}
		var w string
		if words && ms.mayWordMatch(t.Term) {
			w = wordsOf(wa, t) // before the text filters change t
		}
		if mayBecome(t.Term, prefixes) {
			one := analysis.TokenStream{t}
			for _, f := range a.TokenFilters {
				one = f.Filter(one)
			}
			if len(one) == 1 && ms.terms[string(one[0].Term)] {
				addLocation(tlm, string(one[0].Term), t)
				continue
			}
		}
		if words && w != "" && ms.wordMatches(w) {
			addLocation(tlm, wordKey+w, t)
		}
	}
}

// spanPatterns returns what markSpans looks for: the start, lower-cased,
// of every word that can become a marked term, and the marked words and
// prefixes of the words field; nil when the whole text must be analysed:
// a typo whose matches are not known can be spelled any way, an empty
// pattern (a term of two bytes) starts every word, and patterns with other
// than ASCII are left to the full analysis.
func spanPatterns(prefixes [][]byte, ms *markSet) [][]byte {
	patterns := slices.Clone(prefixes)
	for _, f := range ms.fuzzy {
		if f.max > 0 {
			return nil
		}
		patterns = append(patterns, []byte(string(f.word)))
	}
	for _, p := range ms.prefix {
		patterns = append(patterns, []byte(p))
	}
	for _, p := range patterns {
		if len(p) == 0 {
			return nil
		}
		for _, c := range p {
			if c >= 0x80 || 'A' <= c && c <= 'Z' {
				return nil
			}
		}
	}
	return patterns
}

// Two characters outside ASCII lower-case to ASCII letters (KELVIN SIGN
// to k, and LATIN CAPITAL LETTER I WITH DOT ABOVE to i and a combining
// dot): a word holding one may become a term that its ASCII-folded bytes
// do not show, so a text with either is analysed whole.
var foldsToASCII = [][]byte{[]byte("\u212a"), []byte("\u0130")}

// markSpans returns the parts of body to analyse for the marks: each piece
// between ASCII white space where a word may start with a pattern (ASCII
// case folded), with the white-space byte before it, merged where they
// touch; the whole body when patterns is nil or the pieces are most of it.
// Analysing only those pieces gives the same words there as analysing the
// whole text, because word segmentation always breaks at ASCII white space
// and the tokenizer joins words only within a piece (schema.splitWords,
// which also segments a piece with the white space before it). A word
// never starts right after an ASCII letter, digit or "_", which word
// segmentation always joins to what follows. lower is a buffer to reuse;
// it is returned.
func markSpans(body []byte, patterns [][]byte, lower []byte) ([][2]int, []byte) {
	whole := [][2]int{{0, len(body)}}
	if patterns == nil {
		return whole, lower
	}
	for _, f := range foldsToASCII {
		if bytes.Contains(body, f) {
			return whole, lower
		}
	}
	lower = append(lower[:0], body...)
	for i, c := range lower {
		if 'A' <= c && c <= 'Z' {
			lower[i] = c + 'a' - 'A'
		}
	}
	var spans [][2]int
	for _, p := range patterns {
		for from := 0; ; {
			i := bytes.Index(lower[from:], p)
			if i < 0 {
				break
			}
			i += from
			if i > 0 && joinsNext(lower[i-1]) {
				from = i + 1
				continue
			}
			start := i
			for start > 0 && !isSpaceByte(body[start]) {
				start--
			}
			end := i + len(p)
			for end < len(body) && !isSpaceByte(body[end]) {
				end++
			}
			spans = append(spans, [2]int{start, end})
			from = end
		}
	}
	if len(spans) == 0 {
		return nil, lower
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i][0] < spans[j][0] })
	out := spans[:1]
	for _, sp := range spans[1:] {
		if last := &out[len(out)-1]; sp[0] <= last[1] {
			last[1] = max(last[1], sp[1])
		} else {
			out = append(out, sp)
		}
	}
	covered := 0
	for _, sp := range out {
		covered += sp[1] - sp[0]
	}
	if 2*covered > len(body) {
		return whole, lower // one pass costs less than many short ones
	}
	return out, lower
}

// joinsNext reports whether c, lower-cased, is an ASCII letter, digit or
// "_": word segmentation never breaks between one and a following letter.
func joinsNext(c byte) bool {
	return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_'
}

func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// mayBecome reports whether word, lower-cased, starts with one of prefixes
// (words with other than ASCII letters are always let through).
func mayBecome(word []byte, prefixes [][]byte) bool {
	for _, p := range prefixes {
		if len(word) < len(p) {
			continue
		}
		match := true
		for i, c := range p {
			w := word[i]
			if w >= 0x80 || c >= 0x80 {
				return true
			}
			if 'A' <= w && w <= 'Z' {
				w += 'a' - 'A'
			}
			if w != c {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

// addLocation records where token t, analysed into term, lies.
func addLocation(tlm search.TermLocationMap, term string, t *analysis.Token) {
	tlm[term] = append(tlm[term], &search.Location{Pos: uint64(t.Position), Start: uint64(t.Start), End: uint64(t.End)})
}

// bodyField returns the locations as those of the body field, nil if none.
func bodyField(tlm search.TermLocationMap) search.FieldTermLocationMap {
	if len(tlm) == 0 {
		return nil
	}
	return search.FieldTermLocationMap{schema.Body: tlm}
}
