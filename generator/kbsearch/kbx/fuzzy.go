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

// FieldDictFuzzyAutomaton implements index.IndexReaderFuzzy.
func (r *Reader) FieldDictFuzzyAutomaton(field, term string, fuzziness int, prefix string) (index.FieldDict, index.FuzzyAutomaton, error) {
	a := &levenshtein{term: []rune(term), max: fuzziness}
	var pre []byte
	if prefix != "" {
		pre = []byte(prefix)
	}
	all, err := r.dict(field, pre, nil, pre)
	if err != nil {
		return nil, nil, err
	}
	var out []*index.DictEntry
	for e, _ := all.Next(); e != nil; e, _ = all.Next() {
		if ok, d := a.MatchAndDistance(e.Term); ok {
			e.EditDistance = d
			out = append(out, e)
		}
	}
	return &fieldDict{entries: out}, a, nil
}

// levenshtein measures edit distance in runes, giving up beyond max.
type levenshtein struct {
	term []rune
	max  int
}

// MatchAndDistance implements index.FuzzyAutomaton.
func (l *levenshtein) MatchAndDistance(s string) (bool, uint8) {
	d := editdist.Bounded(l.term, []rune(s), l.max)
	return d <= l.max, uint8(min(d, 255))
}
