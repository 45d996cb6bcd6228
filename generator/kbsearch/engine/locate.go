package engine

import (
	"bytes"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"

	"vepkb/generator/kbsearch/schema"
)

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
	full := func(body []byte) search.FieldTermLocationMap { return fullLocations(m, body, ms) }
	a, ok := m.AnalyzerNamed(schema.TextAnalyzer).(*analysis.DefaultAnalyzer)
	if !ok || len(a.CharFilters) > 0 || a.Tokenizer == nil || len(a.TokenFilters) == 0 {
		return full
	}
	if _, ok := a.TokenFilters[len(a.TokenFilters)-1].(*porter.PorterStemmer); !ok {
		return full
	}
	wa, ok := m.AnalyzerNamed(schema.WordsAnalyzer).(*analysis.DefaultAnalyzer)
	if !ok || wa.Tokenizer != a.Tokenizer && ms.hasWords() {
		return full
	}
	var prefixes [][]byte
	for t := range ms.terms {
		prefixes = append(prefixes, []byte(t[:max(0, len(t)-2)]))
	}
	words := ms.hasWords()
	return func(body []byte) search.FieldTermLocationMap {
		if ms.empty() || len(body) == 0 {
			return nil
		}
		tlm := search.TermLocationMap{}
		// Filters rewrite terms in place: work on a copy of the text.
		for _, t := range a.Tokenizer.Tokenize(bytes.Clone(body)) {
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
		return bodyField(tlm)
	}
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
