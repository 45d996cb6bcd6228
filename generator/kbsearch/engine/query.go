// Package engine turns what a visitor types into Bleve queries and runs them
// with Bleve's searchers, collector, facets and highlighter over any
// index.IndexReader: the static index in the browser, or a live Bleve index
// in tests. Queries are built as objects (no query-string parser), which
// keeps the WebAssembly client small.
package engine

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"

	"vepkb/generator/kbsearch/schema"
)

// MaxQueryLength bounds the text considered, in bytes; longer input is cut.
const MaxQueryLength = 512

// MaxTerms bounds how many words and phrases a query may hold.
const MaxTerms = 12

// Parsed is a visitor's query split into its parts.
type Parsed struct {
	Words    []string // plain words, in order
	Phrases  []string // "exact phrases"
	Excluded []string // -word and -"phrase"
	Prefix   bool     // the last word is still being typed: match it as a prefix too
}

// Parse splits input into words, quoted phrases and exclusions. It never
// fails: unbalanced quotes close at the end, a lone "-" is ignored, and
// "field:" syntax is read as plain words.
func Parse(input string, prefix bool) Parsed {
	if len(input) > MaxQueryLength {
		input = input[:MaxQueryLength]
		// Drop a character cut in half.
		for len(input) > 0 {
			if r, size := utf8.DecodeLastRuneInString(input); r == utf8.RuneError && size <= 1 {
				input = input[:len(input)-1]
				continue
			}
			break
		}
	}
	var p Parsed
	trailingSpace := len(input) > 0 && unicode.IsSpace(rune(input[len(input)-1]))
	rs := []rune(input)
	n := 0
	for i := 0; i < len(rs) && n < MaxTerms; {
		r := rs[i]
		if unicode.IsSpace(r) {
			i++
			continue
		}
		neg := false
		if r == '-' || r == '\u2212' {
			neg = true
			i++
			if i >= len(rs) || unicode.IsSpace(rs[i]) {
				continue
			}
			r = rs[i]
		}
		if isQuote(r) {
			j := i + 1
			for j < len(rs) && !isQuote(rs[j]) {
				j++
			}
			phrase := strings.TrimSpace(string(rs[i+1 : j]))
			i = j + 1
			if phrase == "" {
				continue
			}
			if neg {
				p.Excluded = append(p.Excluded, phrase)
			} else {
				p.Phrases = append(p.Phrases, phrase)
			}
			n++
			continue
		}
		j := i
		for j < len(rs) && !unicode.IsSpace(rs[j]) && !isQuote(rs[j]) {
			j++
		}
		word := strings.Trim(string(rs[i:j]), ":")
		word = strings.ReplaceAll(word, ":", " ")
		i = j
		if word == "" {
			continue
		}
		if neg {
			p.Excluded = append(p.Excluded, word)
		} else {
			p.Words = append(p.Words, word)
		}
		n++
	}
	p.Prefix = prefix && !trailingSpace && len(p.Words) > 0 && !strings.HasSuffix(strings.TrimSpace(input), `"`)
	return p
}

func isQuote(r rune) bool {
	return r == '"' || r == '\u201c' || r == '\u201d' || r == '\u00ab' || r == '\u00bb'
}

// Synonyms maps a word or phrase (lower case) to the other members of its group.
type Synonyms map[string][]string

// NewSynonyms builds the lookup from groups of equivalent terms.
func NewSynonyms(groups [][]string) Synonyms {
	s := Synonyms{}
	for _, g := range groups {
		for _, a := range g {
			key := strings.ToLower(strings.TrimSpace(a))
			for _, b := range g {
				if b != a {
					s[key] = append(s[key], strings.TrimSpace(b))
				}
			}
		}
	}
	return s
}

// Field boosts: matches in titles and headings rank above body text.
const (
	boostTitle   = 3.0
	boostHeading = 2.0
	boostBody    = 1.0
	boostFuzzy   = 0.3
	boostPrefix  = 0.5
	boostAll     = 2.0
)

// FuzzyMinLength is the shortest word (in letters) matched with one typo.
const FuzzyMinLength = 5

// Build turns a parsed query into a Bleve query. It returns nil when
// nothing searchable is left (only stop words, or only exclusions).
func Build(m *mapping.IndexMappingImpl, p Parsed, syn Synonyms, filters map[string][]string) query.Query {
	var should []query.Query
	var clauses []query.Query
	for i, w := range p.Words {
		last := i == len(p.Words)-1
		c := wordClause(m, w, syn, p.Prefix && last)
		if c != nil {
			clauses = append(clauses, c)
		}
	}
	var must []query.Query
	for _, ph := range p.Phrases {
		if q := phraseClause(m, ph); q != nil {
			must = append(must, q)
		}
	}
	if len(clauses) == 0 && len(must) == 0 {
		return nil
	}
	should = append(should, clauses...)
	if len(clauses) > 1 {
		all := query.NewConjunctionQuery(clauses)
		all.SetBoost(boostAll)
		should = append(should, all)
	}
	for field, terms := range filters {
		if len(terms) == 0 {
			continue
		}
		var any []query.Query
		for _, t := range terms {
			tq := query.NewTermQuery(t)
			tq.SetField(field)
			any = append(any, tq)
		}
		must = append(must, query.NewDisjunctionQuery(any))
	}
	var mustNot []query.Query
	for _, ex := range p.Excluded {
		if q := excludeClause(m, ex); q != nil {
			mustNot = append(mustNot, q)
		}
	}
	b := query.NewBooleanQuery(nil, nil, nil)
	if len(must) > 0 {
		b.AddMust(must...)
	}
	if len(should) > 0 {
		b.AddShould(should...)
		if len(must) == 0 {
			b.SetMinShould(1)
		}
	}
	if len(mustNot) > 0 {
		b.AddMustNot(mustNot...)
	}
	return b
}

func match(field, text string, boost float64) query.Query {
	q := query.NewMatchQuery(text)
	q.SetField(field)
	q.Analyzer = schema.TextAnalyzer
	q.SetBoost(boost)
	return q
}

func matchPhrase(field, text string, boost float64) query.Query {
	q := query.NewMatchPhraseQuery(text)
	q.SetField(field)
	q.Analyzer = schema.TextAnalyzer
	q.SetBoost(boost)
	return q
}

// fieldsOf searches title, heading and body with their boosts.
func fieldsOf(text string, phrase bool) []query.Query {
	mk := match
	if phrase {
		mk = matchPhrase
	}
	return []query.Query{
		mk(schema.Title, text, boostTitle),
		mk(schema.Heading, text, boostHeading),
		mk(schema.Body, text, boostBody),
	}
}

func wordClause(m *mapping.IndexMappingImpl, w string, syn Synonyms, prefix bool) query.Query {
	terms := schema.Analyze(m, schema.TextAnalyzer, w)
	raw := schema.Analyze(m, schema.WordsAnalyzer, w)
	var alts []query.Query
	if len(terms) > 0 {
		alts = append(alts, fieldsOf(w, len(terms) > 1)...)
	}
	for _, r := range raw {
		if len([]rune(r)) >= FuzzyMinLength {
			fq := query.NewFuzzyQuery(r)
			fq.SetField(schema.Words)
			fq.SetFuzziness(1)
			fq.SetBoost(boostFuzzy)
			alts = append(alts, fq)
		}
	}
	if prefix {
		// The stop-word filter may drop a word being typed ("th"): use the
		// lower-cased input as it is.
		pre := strings.ToLower(w)
		if len(raw) > 0 {
			pre = raw[len(raw)-1]
		}
		if len([]rune(pre)) >= 2 {
			pq := query.NewPrefixQuery(pre)
			pq.SetField(schema.Words)
			pq.SetBoost(boostPrefix)
			alts = append(alts, pq)
		}
	}
	for _, s := range syn[strings.ToLower(w)] {
		st := schema.Analyze(m, schema.TextAnalyzer, s)
		if len(st) > 0 {
			alts = append(alts, fieldsOf(s, len(st) > 1)...)
		}
	}
	if len(alts) == 0 {
		return nil
	}
	return query.NewDisjunctionQuery(alts)
}

func phraseClause(m *mapping.IndexMappingImpl, ph string) query.Query {
	if len(schema.Analyze(m, schema.TextAnalyzer, ph)) == 0 {
		return nil
	}
	return query.NewDisjunctionQuery(fieldsOf(ph, true))
}

func excludeClause(m *mapping.IndexMappingImpl, ex string) query.Query {
	terms := schema.Analyze(m, schema.TextAnalyzer, ex)
	if len(terms) == 0 {
		return nil
	}
	return query.NewDisjunctionQuery(fieldsOf(ex, len(terms) > 1))
}
