package engine

import (
	"context"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"

	"vepkb/generator/kbsearch/schema"
)

// Node is a query plan: what to search, built from a visitor's input. It
// makes Bleve searchers directly, doing what Bleve's query objects of the same
// name do, so the browser client need not link Bleve's query package (whose
// JSON and query-string parsing cost about 300 KB of download).
type Node interface {
	Searcher(ctx context.Context, r index.IndexReader, m *mapping.IndexMappingImpl, o search.SearcherOptions) (search.Searcher, error)
}

// Match finds documents with any of the terms the text analyses to in Field
// (Bleve's MatchQuery with the OR operator).
type Match struct {
	Field, Text string
	Boost       float64
}

// Phrase finds the text's terms at consecutive positions (Bleve's MatchPhraseQuery).
type Phrase struct {
	Field, Text string
	Boost       float64
}

// Term finds one exact term (Bleve's TermQuery).
type Term struct {
	Field, Term string
	Boost       float64
}

// Fuzzy finds terms within Fuzziness edits of Term (Bleve's FuzzyQuery).
type Fuzzy struct {
	Field, Term string
	Fuzziness   int
	Boost       float64
}

// Prefix finds terms starting with Prefix (Bleve's PrefixQuery).
type Prefix struct {
	Field, Prefix string
	Boost         float64
}

// Or matches documents matching at least Min of Nodes (Bleve's DisjunctionQuery).
type Or struct {
	Nodes []Node
	Min   int
}

// And matches documents matching all Nodes (Bleve's ConjunctionQuery).
type And struct {
	Nodes []Node
}

// Bool combines required, optional and excluded parts (Bleve's BooleanQuery).
type Bool struct {
	Must      []Node
	Should    []Node
	MinShould int
	MustNot   []Node
}

func analyze(m *mapping.IndexMappingImpl, text string) analysis.TokenStream {
	a := m.AnalyzerNamed(schema.TextAnalyzer)
	if a == nil {
		return nil
	}
	return a.Analyze([]byte(text))
}

// Searcher implements Node.
func (q *Match) Searcher(ctx context.Context, r index.IndexReader, m *mapping.IndexMappingImpl, o search.SearcherOptions) (search.Searcher, error) {
	tokens := analyze(m, q.Text)
	if len(tokens) == 0 {
		return searcher.NewMatchNoneSearcher(r)
	}
	ss := make([]search.Searcher, 0, len(tokens))
	for _, t := range tokens {
		s, err := searcher.NewTermSearcher(ctx, r, string(t.Term), q.Field, q.Boost, o)
		if err != nil {
			closeAll(ss)
			return nil, err
		}
		ss = append(ss, s)
	}
	return searcher.NewDisjunctionSearcher(ctx, r, ss, 1, o)
}

// Searcher implements Node.
func (q *Phrase) Searcher(ctx context.Context, r index.IndexReader, m *mapping.IndexMappingImpl, o search.SearcherOptions) (search.Searcher, error) {
	tokens := analyze(m, q.Text)
	if len(tokens) == 0 {
		return searcher.NewMatchNoneSearcher(r)
	}
	first, last := tokens[0].Position, tokens[0].Position
	for _, t := range tokens {
		first, last = min(first, t.Position), max(last, t.Position)
	}
	terms := make([][]string, last-first+1)
	for _, t := range tokens {
		terms[t.Position-first] = append(terms[t.Position-first], string(t.Term))
	}
	return searcher.NewMultiPhraseSearcher(ctx, r, terms, 0, false, q.Field, q.Boost, o)
}

// Searcher implements Node.
func (q *Term) Searcher(ctx context.Context, r index.IndexReader, m *mapping.IndexMappingImpl, o search.SearcherOptions) (search.Searcher, error) {
	return searcher.NewTermSearcher(ctx, r, q.Term, q.Field, q.Boost, o)
}

// Searcher implements Node.
func (q *Fuzzy) Searcher(ctx context.Context, r index.IndexReader, m *mapping.IndexMappingImpl, o search.SearcherOptions) (search.Searcher, error) {
	return searcher.NewFuzzySearcher(ctx, r, q.Term, 0, q.Fuzziness, q.Field, q.Boost, o)
}

// Searcher implements Node.
func (q *Prefix) Searcher(ctx context.Context, r index.IndexReader, m *mapping.IndexMappingImpl, o search.SearcherOptions) (search.Searcher, error) {
	return searcher.NewTermPrefixSearcher(ctx, r, q.Prefix, q.Field, q.Boost, o)
}

// Searcher implements Node.
func (q *Or) Searcher(ctx context.Context, r index.IndexReader, m *mapping.IndexMappingImpl, o search.SearcherOptions) (search.Searcher, error) {
	ss, err := searchers(ctx, r, m, o, q.Nodes)
	if err != nil {
		return nil, err
	}
	if len(ss) == 0 {
		return searcher.NewMatchNoneSearcher(r)
	}
	return searcher.NewDisjunctionSearcher(ctx, r, ss, float64(q.Min), o)
}

// Searcher implements Node.
func (q *And) Searcher(ctx context.Context, r index.IndexReader, m *mapping.IndexMappingImpl, o search.SearcherOptions) (search.Searcher, error) {
	ss, err := searchers(ctx, r, m, o, q.Nodes)
	if err != nil {
		return nil, err
	}
	if len(ss) == 0 {
		return searcher.NewMatchNoneSearcher(r)
	}
	return searcher.NewConjunctionSearcher(ctx, r, ss, o)
}

// Searcher implements Node.
func (q *Bool) Searcher(ctx context.Context, r index.IndexReader, m *mapping.IndexMappingImpl, o search.SearcherOptions) (search.Searcher, error) {
	part := func(n Node) (search.Searcher, error) {
		s, err := n.Searcher(ctx, r, m, o)
		if err != nil {
			return nil, err
		}
		if _, none := s.(*searcher.MatchNoneSearcher); none {
			return nil, nil
		}
		return s, nil
	}
	var must, should, mustNot search.Searcher
	var err error
	if len(q.MustNot) > 0 {
		if mustNot, err = part(&Or{Nodes: q.MustNot}); err != nil {
			return nil, err
		}
	}
	if len(q.Must) > 0 {
		if must, err = part(&And{Nodes: q.Must}); err != nil {
			return nil, err
		}
	}
	if len(q.Should) > 0 {
		if should, err = part(&Or{Nodes: q.Should, Min: q.MinShould}); err != nil {
			return nil, err
		}
	}
	switch {
	case must == nil && should == nil && mustNot == nil:
		return searcher.NewMatchNoneSearcher(r)
	case must != nil && should == nil && mustNot == nil:
		return must, nil
	case must == nil && should != nil && mustNot == nil:
		return should, nil
	case must == nil && should == nil:
		if must, err = searcher.NewMatchAllSearcher(ctx, r, 1.0, o); err != nil {
			return nil, err
		}
	}
	return searcher.NewBooleanSearcher(ctx, r, must, should, mustNot, o)
}

func searchers(ctx context.Context, r index.IndexReader, m *mapping.IndexMappingImpl, o search.SearcherOptions, nodes []Node) ([]search.Searcher, error) {
	ss := make([]search.Searcher, 0, len(nodes))
	for _, n := range nodes {
		s, err := n.Searcher(ctx, r, m, o)
		if err != nil {
			closeAll(ss)
			return nil, err
		}
		ss = append(ss, s)
	}
	return ss, nil
}

func closeAll(ss []search.Searcher) {
	for _, s := range ss {
		if s != nil {
			_ = s.Close()
		}
	}
}
