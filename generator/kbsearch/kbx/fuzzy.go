package kbx

import (
	index "github.com/blevesearch/bleve_index_api"

	"vepkb/generator/kbsearch/editdist"
)

var _ index.IndexReaderFuzzy = (*Reader)(nil)

// FieldDictFuzzy implements index.IndexReaderFuzzy: the terms of field
// within fuzziness edits (counted in characters, not bytes) of term.
func (r *Reader) FieldDictFuzzy(field, term string, fuzziness int, prefix string) (index.FieldDict, error) {
	d, _, err := r.FieldDictFuzzyAutomaton(field, term, fuzziness, prefix)
	return d, err
}

// FieldDictFuzzyAutomaton implements index.IndexReaderFuzzy. It measures
// each term of the dictionary where it is stored, keeping only those within
// reach (a typo walks a whole dictionary: building an entry for every term
// first was an eighth of a warm query's allocations).
func (r *Reader) FieldDictFuzzyAutomaton(field, term string, fuzziness int, prefix string) (index.FieldDict, index.FuzzyAutomaton, error) {
	a := &levenshtein{term: []rune(term), max: fuzziness}
	pre := []byte(prefix)
	var out []*index.DictEntry
	var runes []rune
	err := r.dictTerms(field, pre, nil, pre, func(t []byte, count uint64) {
		if len(t) < len(a.term)-a.max {
			return // fewer bytes than the runes it would need
		}
		runes = runes[:0]
		for _, c := range string(t) {
			runes = append(runes, c)
		}
		if d := a.buf.Bounded(a.term, runes, a.max); d <= a.max {
			out = append(out, &index.DictEntry{Term: string(t), Count: count, EditDistance: uint8(d)})
		}
	})
	if err != nil {
		return nil, nil, err
	}
	return &fieldDict{entries: out}, a, nil
}

// levenshtein measures edit distance in runes, giving up beyond max.
type levenshtein struct {
	term []rune
	max  int
	buf  editdist.Buffer
}

// MatchAndDistance implements index.FuzzyAutomaton.
func (l *levenshtein) MatchAndDistance(s string) (bool, uint8) {
	d := l.buf.Bounded(l.term, []rune(s), l.max)
	return d <= l.max, uint8(min(d, 255))
}
