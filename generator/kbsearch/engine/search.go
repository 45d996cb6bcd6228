package engine

import (
	"context"
	"html"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"

	"vepkb/generator/kbsearch/schema"
)

// FacetFields are the fields offered as facets, with how many terms each shows.
var FacetFields = []struct {
	Field string
	Size  int
}{{schema.Guide, 30}, {schema.Audiences, 10}, {schema.Tags, 30}}

// Request is one search.
type Request struct {
	Query   string              `json:"q"`
	Prefix  bool                `json:"prefix"`  // the visitor is still typing the last word
	Filters map[string][]string `json:"filters"` // facet field → selected terms (any of them)
	From    int                 `json:"from"`    // in pages
	Size    int                 `json:"size"`    // pages
}

// Result is the answer to a Request: pages, each with its best matching
// sections, in the order of their PageScore.
type Result struct {
	Total uint64 `json:"total"` // matching sections
	// Pages is how many pages hold a matching section (0: not counted,
	// over an index without a page table).
	Pages   int                `json:"pages,omitempty"`
	More    bool               `json:"more"` // pages beyond these
	Hits    []Hit              `json:"hits"`
	Facets  map[string][]Facet `json:"facets"`
	Message string             `json:"message,omitempty"` // why there are no results, when known: a Message… key
}

// Hit is one matching page: its best section, and its next best ones in
// Sections.
type Hit struct {
	ID      string  `json:"id"`
	Score   float64 `json:"score"`
	URL     string  `json:"url"`
	Title   string  `json:"title"`
	Heading string  `json:"heading"`
	Crumb   string  `json:"crumb"`
	Snippet string  `json:"snippet"` // HTML: text escaped, matches in <mark>
	// TitleHTML and HeadingHTML are Title and Heading as HTML, matches in
	// <mark>.
	TitleHTML   string `json:"titleHTML"`
	HeadingHTML string `json:"headingHTML"`
	// Sections are the page's next best matching sections, at most
	// MaxSections-1, best first.
	Sections []Section `json:"sections,omitempty"`
}

// Section is a further matching section of a page.
type Section struct {
	ID          string  `json:"id"`
	Score       float64 `json:"score"`
	URL         string  `json:"url"`
	Heading     string  `json:"heading"`
	HeadingHTML string  `json:"headingHTML"`
	Snippet     string  `json:"snippet"`
}

// MaxSections is how many sections a page shows at most.
const MaxSections = 3

// Facet is one term of a facet with its count.
type Facet struct {
	Term     string `json:"term"`
	Count    int    `json:"count"`
	Selected bool   `json:"selected,omitempty"`
}

// MaxSize bounds the results returned at once.
const MaxSize = 50

// Sort is the result order: score, then document order (stable ties).
func Sort() search.SortOrder {
	return search.SortOrder{&search.SortScore{Desc: true}, &search.SortDocID{}}
}

// Why a search found nothing: keys of the theme's strings (the page shows
// their text in the reader's language).
const (
	MessageOnlyExclusions = "search.message.only_exclusions"
	MessageEmpty          = "search.message.empty"
	MessageStopWords      = "search.message.stop_words"
	MessageNone           = "search.message.none"
)

// Search runs req over r.
func Search(ctx context.Context, r index.IndexReader, m *mapping.IndexMappingImpl, syn *Synonyms, req Request) (*Result, error) {
	p := Parse(req.Query, req.Prefix)
	res := &Result{Facets: map[string][]Facet{}}
	if len(p.Words)+len(p.Phrases) == 0 {
		if len(p.Excluded) > 0 {
			res.Message = MessageOnlyExclusions
		} else {
			res.Message = MessageEmpty
		}
		return res, nil
	}
	// Fetch what any plan of the query reads while the words are looked
	// up; reads of the same pages wait for those requests.
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); prefetchAll(r, m, p, syn, req.Filters) }()
	defer wg.Wait()
	q := Build(m, p, syn, req.Filters, KnownWords(r, m, p))
	if q == nil {
		res.Message = MessageStopWords
		return res, nil
	}
	size := req.Size
	if size <= 0 || size > MaxSize {
		size = 10
	}
	from := max(req.From, 0)
	return Run(ctx, r, m, q, from, size, req.Filters, res)
}

// Run executes a built query: collect the top hits with facets, then load
// stored fields and snippets for the hits returned.
func Run(ctx context.Context, r index.IndexReader, m *mapping.IndexMappingImpl, q Node, from, size int, filters map[string][]string, res *Result) (*Result, error) {
	prefetch(r, m, q)
	// Pages are ranked by PageScore and show their best sections: the
	// ranker sees every match as the collector counts it.
	need := from + size
	pager := pagerOf(r)
	k := 1 // the collector only counts and makes facets: the ranker ranks
	if pager == nil {
		k = need // no page table: each section is its own page
	}
	got, err := collect(ctx, r, m, q, pager, k)
	if err != nil {
		return nil, err
	}
	var groups [][]*search.DocumentMatch
	if ranker := got.ranker; ranker != nil {
		if groups, err = ranker.ranked(from, need); err != nil {
			return nil, err
		}
		res.Pages = len(ranker.pages)
		res.More = res.Pages > need
	} else {
		for _, dm := range got.results {
			groups = append(groups, []*search.DocumentMatch{dm})
		}
		groups = groups[min(from, len(groups)):]
		res.More = got.total > uint64(need)
	}
	res.Total = got.total
	for name, counts := range got.facets {
		sel := map[string]bool{}
		for _, t := range filters[name] {
			sel[t] = true
		}
		for _, t := range sortedKeys(counts) {
			if t == "" {
				continue // sections outside any guide
			}
			res.Facets[name] = append(res.Facets[name], Facet{Term: t, Count: counts[t], Selected: sel[t]})
		}
		fs := res.Facets[name]
		sort.SliceStable(fs, func(i, j int) bool { return fs[i].Count > fs[j].Count })
	}
	marks := marksOf(m, q, got.fuzzy)
	locate := bodyLocator(m, marks)
	if p, ok := r.(Prefetcher); ok {
		var ids []string
		for _, g := range groups {
			for _, dm := range g {
				ids = append(ids, dm.ID)
			}
		}
		p.PrefetchDocs(ids)
	}
	for _, g := range groups {
		h, err := hit(r, g[0], locate, marks)
		if err != nil {
			return nil, err
		}
		h.TitleHTML = h.HeadingHTML // the introduction's heading is the title
		if h.Heading != h.Title {
			h.TitleHTML = markHTML(h.Title, marks, locate)
		}
		for _, dm := range g[1:] {
			sh, err := hit(r, dm, locate, marks)
			if err != nil {
				return nil, err
			}
			h.Sections = append(h.Sections, Section{ID: sh.ID, Score: sh.Score, URL: sh.URL, Heading: sh.Heading, HeadingHTML: sh.HeadingHTML, Snippet: sh.Snippet})
		}
		res.Hits = append(res.Hits, h)
	}
	if res.Total == 0 && res.Message == "" {
		res.Message = MessageNone
	}
	return res, nil
}

// collected is what collect gathers: the number of matching sections, the
// facets' term counts, and either the page ranker or the first k sections.
type collected struct {
	total   uint64
	facets  map[string]map[string]int // field → term → sections
	results []*search.DocumentMatch   // without a pager
	ranker  *pageRanker
	fuzzy   map[string][]string // typo → the words it matched
}

// FacetCounter is a reader that counts the facet values of documents
// itself (kbx.Reader), cheaper than Bleve's facet builders.
type FacetCounter interface {
	FacetCounts(fields []string) (FacetCounts, error)
}

// FacetCounts counts facet values document by document (kbx.FacetCounter:
// the same type, declared in both packages).
type FacetCounts = interface {
	Add(id index.IndexInternalID)
	Counts(field string) map[string]int
}

// collect ranks the first k matching sections of q, with the facets of
// every match; given a pager, it also ranks the pages (nil otherwise).
func collect(ctx context.Context, r index.IndexReader, m *mapping.IndexMappingImpl, q Node, pager Pager, k int) (*collected, error) {
	out := &collected{facets: map[string]map[string]int{}, fuzzy: map[string][]string{}}
	ctx = scoringContext(ctx, r, m)
	// Term vectors are not read while searching (phrase searchers read their
	// own): snippets mark the query's terms in the top hits' text instead,
	// so ordinary queries never download positions. Bleve's fuzzy searchers
	// record the dictionary words each typo matched, for the marks.
	s, err := q.Searcher(context.WithValue(ctx, search.FuzzyMatchPhraseKey, out.fuzzy), r, m, search.SearcherOptions{})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	var searcher search.Searcher = s
	if pager != nil {
		out.ranker = &pageRanker{Searcher: s, pager: pager, r: r, at: make([]int32, pager.Pages())}
		searcher = out.ranker
		if fc, ok := r.(FacetCounter); ok {
			return out, countMatches(ctx, r, out, fc)
		}
	}
	if n, err := r.DocCount(); err == nil && n == 0 {
		return out, nil // an empty index: no page table, nothing to collect
	}
	if err := collectAll(ctx, r, searcher, k, out); err != nil {
		return nil, err
	}
	return out, nil
}

// FieldLengther is a reader that knows each field's length summed over
// its documents (kbx.Reader), for BM25's average lengths.
type FieldLengther interface {
	FieldLengths() map[string]int
}

// WithFieldLengths returns ctx carrying BM25's statistics: the number of
// documents and each field's summed length (Bleve's searchers divide one
// by the other for the average length). Searches given the same statistics
// score the same over any reader; the tests hand a live index those of the
// static one.
//
// Every field a query can search gets an entry: Bleve refuses a query on a
// field without one, and a field no document has (a site without tags) has
// none; at 0, its terms, which match nothing, score as in TF-IDF.
func WithFieldLengths(ctx context.Context, docs uint64, lengths map[string]int) context.Context {
	all := make(map[string]int, len(lengths)+len(FacetFields)+4)
	for _, f := range []string{schema.Title, schema.Heading, schema.Body, schema.Words} {
		all[f] = 0
	}
	for _, f := range FacetFields {
		all[f.Field] = 0
	}
	for f, n := range lengths {
		all[f] = n
	}
	return context.WithValue(ctx, search.BM25StatsKey, &search.BM25Stats{DocCount: float64(docs), FieldCardinality: all})
}

// scoringContext tells Bleve's searchers the mapping's scoring model, unless
// ctx already does, and for BM25 the statistics of r when it has them and
// ctx has none. Without statistics Bleve takes a field's number of distinct
// terms as its summed length.
func scoringContext(ctx context.Context, r index.IndexReader, m *mapping.IndexMappingImpl) context.Context {
	model := m.ScoringModel
	if f, ok := ctx.Value(search.GetScoringModelCallbackKey).(search.GetScoringModelCallbackFn); ok {
		model = f()
	} else {
		ctx = context.WithValue(ctx, search.GetScoringModelCallbackKey, search.GetScoringModelCallbackFn(func() string { return model }))
	}
	if model != index.BM25Scoring {
		return ctx
	}
	if _, ok := ctx.Value(search.BM25StatsKey).(*search.BM25Stats); ok {
		return ctx
	}
	if fl, ok := r.(FieldLengther); ok && fl.FieldLengths() != nil {
		docs, err := r.DocCount()
		if err == nil {
			ctx = WithFieldLengths(ctx, docs, fl.FieldLengths())
		}
	}
	return ctx
}

// countMatches runs the page ranker's searcher to its end, counting the
// matches and their facet values itself: the ranker ranks, so Bleve's
// collector would only count, at the cost of its facet builders' string
// maps (about a quarter of a warm query over 10,000 pages). Its results
// equal the collector's (TestStaticMatchesLive compares them with a live
// index, which takes the collector's way).
func countMatches(ctx context.Context, r index.IndexReader, out *collected, fc FacetCounter) error {
	fields := make([]string, len(FacetFields))
	for i, f := range FacetFields {
		fields[i] = f.Field
	}
	counts, err := fc.FacetCounts(fields)
	if err != nil {
		return err
	}
	s := out.ranker
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize()+1, len(Sort())), IndexReader: r}
	for n := 0; ; n++ {
		if n%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		dm, err := s.Next(sctx)
		if err != nil {
			return err
		}
		if dm == nil {
			break
		}
		out.total++
		counts.Add(dm.IndexInternalID)
		sctx.DocumentMatchPool.Put(dm)
	}
	for i, f := range FacetFields {
		top := counts.Counts(fields[i])
		out.facets[f.Field] = topTerms(top, f.Size)
	}
	return nil
}

// topTerms keeps the size most frequent terms (count descending, then term
// ascending), as Bleve's terms facet does.
func topTerms(counts map[string]int, size int) map[string]int {
	if len(counts) <= size {
		return counts
	}
	type tc struct {
		term  string
		count int
	}
	all := make([]tc, 0, len(counts))
	for t, c := range counts {
		all = append(all, tc{t, c})
	}
	// sort.Slice, not slices.SortFunc: each type slices sorts adds its own
	// copy of the sort to the engine's download (20 KB of code here).
	sort.Slice(all, func(i, j int) bool {
		if all[i].count != all[j].count {
			return all[i].count > all[j].count
		}
		return all[i].term < all[j].term
	})
	out := make(map[string]int, size)
	for _, x := range all[:size] {
		out[x.term] = x.count
	}
	return out
}

// hit loads a section's stored fields and makes its snippet.
func hit(r index.IndexReader, dm *search.DocumentMatch, locate func([]byte) search.FieldTermLocationMap, marks *markSet) (Hit, error) {
	h := Hit{ID: dm.ID, Score: dm.Score}
	var body []byte
	visit := func(name string, value []byte) {
		switch name {
		case schema.URL:
			h.URL = string(value)
		case schema.Title:
			h.Title = string(value)
		case schema.Heading:
			h.Heading = string(value)
		case schema.Crumb:
			h.Crumb = string(value)
		case schema.Body:
			if body == nil {
				body = value
			}
		}
	}
	var found bool
	if sv, ok := r.(StoredVisitor); ok {
		var err error
		if found, err = sv.VisitStored(dm.ID, visit); err != nil {
			return Hit{}, err
		}
	} else {
		doc, err := r.Document(dm.ID)
		if err != nil {
			return Hit{}, err
		}
		if found = doc != nil; found {
			doc.VisitFields(func(f index.Field) { visit(f.Name(), f.Value()) })
		}
	}
	if found {
		if h.Snippet = snippet(body, locate(body)[schema.Body]); h.Snippet == "" {
			h.Snippet = leadSnippet(body)
		}
		h.HeadingHTML = markHTML(h.Heading, marks, locate)
	}
	return h, nil
}

// StoredVisitor is a reader that hands out a document's stored fields
// without building a Bleve document (kbx.Reader).
type StoredVisitor interface {
	VisitStored(id string, fn func(name string, value []byte)) (bool, error)
}

// KnownWords looks up the query's words in the index's words dictionary
// (fetching the dictionary pages in parallel first, where the reader can),
// for Build's typo tolerance.
func KnownWords(r index.IndexReader, m *mapping.IndexMappingImpl, p Parsed) Known {
	words := dictWords(m, p)
	if pf, ok := r.(Prefetcher); ok {
		pf.Prefetch(nil, nil, dictRanges(words), nil)
	}
	known := map[string]bool{}
	for _, w := range words {
		d, err := r.FieldDictRange(schema.Words, []byte(w), []byte(w))
		if err != nil {
			continue
		}
		if e, err := d.Next(); err == nil && e != nil && e.Term == w && e.Count > 0 {
			known[w] = true
		}
		d.Close()
	}
	return func(w string) bool { return known[w] }
}

// dictWords lists the query's words as the words dictionary holds them,
// those long enough to be matched with a typo (FuzzyMinLength): whether a
// shorter word is known changes nothing, and each lookup is a dictionary
// page to fetch.
func dictWords(m *mapping.IndexMappingImpl, p Parsed) []string {
	var words []string
	for _, w := range p.Words {
		for _, r := range schema.Analyze(m, schema.WordsAnalyzer, w) {
			if utf8.RuneCountInString(r) >= FuzzyMinLength {
				words = append(words, r)
			}
		}
	}
	return words
}

// dictRanges lists the words dictionary entries of words, for prefetching.
func dictRanges(words []string) [][2]string {
	prefixes := make([][2]string, 0, len(words))
	for _, w := range words {
		prefixes = append(prefixes, [2]string{schema.Words, w})
	}
	return prefixes
}

// leadSnippet is the start of a section, escaped, when no match is in its text.
func leadSnippet(body []byte) string {
	// 161 characters take at most 644 bytes: enough to see whether the
	// text goes on.
	s := string(body[:min(len(body), 4*161)])
	if r := []rune(s); len(r) > 160 {
		s = string(r[:160])
		if i := strings.LastIndexByte(s, ' '); i > 80 {
			s = s[:i]
		}
		s += "…"
	}
	return html.EscapeString(s)
}

// sortedKeys returns m's keys in order. sort.Strings, not slices.Sorted:
// the generic sort would add its own copy for strings to the engine's
// download.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
