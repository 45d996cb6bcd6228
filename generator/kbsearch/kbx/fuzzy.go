package kbx

import (
	index "github.com/blevesearch/bleve_index_api"
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
	b := []rune(s)
	a := l.term
	if d := len(a) - len(b); d > l.max || -d > l.max {
		return false, uint8(l.max + 1)
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > l.max {
			return false, uint8(l.max + 1)
		}
		prev, cur = cur, prev
	}
	d := prev[len(b)]
	return d <= l.max, uint8(min(d, 255))
}
