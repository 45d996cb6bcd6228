package engine

import (
	"bytes"
	"html"
	"sort"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"

	"vepkb/generator/kbsearch/editdist"
	"vepkb/generator/kbsearch/schema"
)

// markSet is what a query's results mark: the analysed terms it looks for
// in the text fields, and the words it matched in the words field through
// a typo or as the prefix being typed (as that field indexes them:
// lower-cased, not stemmed).
type markSet struct {
	terms  map[string]bool
	fuzzy  []fuzzyWord
	prefix []string
}

type fuzzyWord struct {
	word []rune
	max  int
}

// wordKey prefixes the location key of a word matched through a typo or a
// prefix, apart from analysed terms.
const wordKey = "\x00"

// marksOf collects the marks of plan n; matched gives, for a typo, the
// words of the index it matched (when the searchers recorded them).
func marksOf(m *mapping.IndexMappingImpl, n Node, matched map[string][]string) *markSet {
	ms := &markSet{terms: map[string]bool{}}
	for _, f := range []string{schema.Body, schema.Title, schema.Heading} {
		markTerms(m, n, f, ms.terms)
	}
	ms.words(n, matched)
	return ms
}

// words walks the plan for typo and prefix matches of the words field. A
// typo whose matched words are known marks those words exactly (which lets
// bodyLocator analyse only the pieces of text holding them), else every
// word within its edits.
func (ms *markSet) words(n Node, matched map[string][]string) {
	switch x := n.(type) {
	case *Fuzzy:
		if x.Field != schema.Words {
			break
		}
		if words, ok := matched[x.Term]; ok {
			for _, w := range words {
				ms.fuzzy = append(ms.fuzzy, fuzzyWord{[]rune(w), 0})
			}
			break
		}
		ms.fuzzy = append(ms.fuzzy, fuzzyWord{[]rune(x.Term), x.Fuzziness})
	case *Prefix:
		if x.Field == schema.Words {
			ms.prefix = append(ms.prefix, x.Prefix)
		}
	case *Term:
		if x.Field == schema.Words {
			ms.fuzzy = append(ms.fuzzy, fuzzyWord{[]rune(x.Term), 0})
		}
	case *Or:
		for _, c := range x.Nodes {
			ms.words(c, matched)
		}
	case *And:
		for _, c := range x.Nodes {
			ms.words(c, matched)
		}
	case *Bool:
		for _, list := range [][]Node{x.Must, x.Should} {
			for _, c := range list {
				ms.words(c, matched)
			}
		}
	}
}

func (ms *markSet) empty() bool {
	return len(ms.terms) == 0 && len(ms.fuzzy) == 0 && len(ms.prefix) == 0
}

func (ms *markSet) hasWords() bool { return len(ms.fuzzy) > 0 || len(ms.prefix) > 0 }

// wordMatches reports whether a word, as the words field indexes it, is a
// typo or prefix match of the query.
func (ms *markSet) wordMatches(w string) bool {
	for _, p := range ms.prefix {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	if len(ms.fuzzy) == 0 {
		return false
	}
	r := []rune(w)
	for _, f := range ms.fuzzy {
		if d := len(r) - len(f.word); d <= f.max && -d <= f.max && editdist.Bounded(f.word, r, f.max) <= f.max {
			return true
		}
	}
	return false
}

// mayWordMatch is a quick test before wordMatches on a token as the
// tokenizer gives it: the words field's form of a token of ASCII letters
// and digits is the token lower-cased (or nothing, for a stop word), so
// such a token can match only with a compatible length, or a prefix's
// letters. Other tokens always pass.
func (ms *markSet) mayWordMatch(raw []byte) bool {
	for _, c := range raw {
		if c >= 0x80 || c == '\'' {
			return true
		}
	}
	for _, f := range ms.fuzzy {
		if d := len(raw) - len(f.word); d <= f.max && -d <= f.max {
			return true
		}
	}
	for _, p := range ms.prefix {
		if len(raw) >= len(p) && strings.EqualFold(string(raw[:len(p)]), p) {
			return true
		}
	}
	return false
}

// markHTML is text escaped, with the query's matches in <mark>: titles and
// headings. locate finds the matches, as in the body (bodyLocator).
func markHTML(text string, ms *markSet, locate func([]byte) search.FieldTermLocationMap) string {
	if ms.empty() || text == "" {
		return html.EscapeString(text)
	}
	var spans [][2]int
	for _, locs := range locate([]byte(text))[schema.Body] {
		for _, l := range locs {
			spans = append(spans, [2]int{int(l.Start), int(l.End)})
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i][0] < spans[j][0] })
	var b strings.Builder
	writeMarked(&b, []byte(text), spans, 0, len(text))
	return b.String()
}

// writeMarked writes text[from:to] escaped, with each span (sorted by
// start) that lies within it in <mark>; a span overlapping the one before
// is left out. Titles, headings and snippets are marked by it.
func writeMarked(b *strings.Builder, text []byte, spans [][2]int, from, to int) {
	at := from
	for _, s := range spans {
		if s[0] < at || s[1] > to {
			continue
		}
		b.WriteString(html.EscapeString(string(text[at:s[0]])))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(string(text[s[0]:s[1]])))
		b.WriteString("</mark>")
		at = s[1]
	}
	b.WriteString(html.EscapeString(string(text[at:to])))
}

// wordsOf runs the words analyzer's filters on one token (a copy).
func wordsOf(wa *analysis.DefaultAnalyzer, t *analysis.Token) string {
	one := analysis.TokenStream{&analysis.Token{Term: append([]byte(nil), t.Term...), Start: t.Start, End: t.End, Position: t.Position, Type: t.Type}}
	for _, f := range wa.TokenFilters {
		one = f.Filter(one)
	}
	if len(one) != 1 {
		return ""
	}
	return string(one[0].Term)
}

// fullLocations analyses the whole body: where its analysed terms are
// marked, and, at the other words, where the words field's form of them is
// a typo or prefix match.
func fullLocations(m *mapping.IndexMappingImpl, body []byte, ms *markSet) search.FieldTermLocationMap {
	if ms.empty() || len(body) == 0 {
		return nil
	}
	tlm := search.TermLocationMap{}
	done := map[int]bool{}
	for _, t := range analyze(m, string(body)) {
		if term := string(t.Term); ms.terms[term] {
			addLocation(tlm, term, t)
			done[t.Start] = true
		}
	}
	if ms.hasWords() {
		// Filters rewrite terms in place: analyse a copy (body is the
		// index's cached text).
		for _, t := range m.AnalyzerNamed(schema.WordsAnalyzer).Analyze(bytes.Clone(body)) {
			if w := string(t.Term); !done[t.Start] && ms.wordMatches(w) {
				addLocation(tlm, wordKey+w, t)
			}
		}
	}
	return bodyField(tlm)
}
