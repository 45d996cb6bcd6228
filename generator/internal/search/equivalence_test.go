package search_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"vepkb/generator/internal/search"
	"vepkb/generator/internal/search/kbxwrite"
	"vepkb/generator/internal/search/livebleve"
	"vepkb/generator/internal/site"
	"vepkb/generator/kbsearch/engine"
	"vepkb/generator/kbsearch/kbx"
	"vepkb/generator/kbsearch/schema"
)

// memSource serves index files from memory and counts fetches.
type memSource struct {
	mu      sync.Mutex
	files   map[string][]byte
	fetches int
}

func (s *memSource) Fetch(_ context.Context, name string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fetches++
	d, ok := s.files[name]
	if !ok {
		return nil, fmt.Errorf("no file %s: %w", name, fs.ErrNotExist)
	}
	return d, nil
}

type fixture struct {
	static *kbx.Index
	live   bleve.Index
	docs   []search.Doc
	src    *memSource
}

var (
	fixOnce sync.Once
	fix     fixture
	fixErr  error
)

// loadFixture indexes the repository's own knowledge base twice, once per
// process: into the static format, and into a live Bleve (scorch) index with
// the same ids, kept in the shared folder.
func loadFixture(t *testing.T) fixture {
	t.Helper()
	fixOnce.Do(func() {
		root, _ := filepath.Abs("../../..")
		l, err := site.Load(context.Background(), site.Options{Root: root})
		if err != nil {
			fixErr = err
			return
		}
		src := &memSource{files: map[string][]byte{}}
		man, docs, err := search.Build(context.Background(), l.Content, "/", kbxwrite.Options{}, func(name string, data []byte) error {
			src.files[name] = data
			return nil
		})
		if err != nil {
			fixErr = err
			return
		}
		st, err := kbx.Open(man, src)
		if err != nil {
			fixErr = err
			return
		}
		m, _ := schema.Mapping()
		live, err := bleve.NewUsing(filepath.Join(shared, "live"), m, scorch.Name, scorch.Name, nil)
		if err != nil {
			fixErr = err
			return
		}
		b := live.NewBatch()
		for i, d := range docs {
			if err := b.Index(kbx.ExternalID(uint64(i), man.IDDigits), d.Section); err != nil {
				fixErr = err
				return
			}
		}
		if err := live.Batch(b); err != nil {
			fixErr = err
			return
		}
		fix = fixture{static: st, live: live, docs: docs, src: src}
	})
	if fixErr != nil {
		t.Fatal(fixErr)
	}
	// Checked on every call: the live index's files must outlive the test
	// that created them.
	if _, err := os.Stat(filepath.Join(shared, "live", "index_meta.json")); err != nil {
		t.Fatalf("the live index's folder is gone: %v", err)
	}
	return fix
}

// closeFixture closes the live index, if it was opened, before TestMain
// removes its folder.
func closeFixture() {
	if fix.live != nil {
		fix.live.Close()
	}
}

var querySet = []engine.Request{
	{Query: "dynamic security"},
	{Query: "rehabilitation"},
	{Query: "rehabilitaton"},           // typo
	{Query: "reintegation"},            // typo
	{Query: `"information sharing"`},   // phrase
	{Query: `"prison staff" training`}, // phrase and word
	{Query: "families -children"},      // exclusion
	{Query: "vet", Prefix: true},       // prefix as typed
	{Query: "disengagement"},           // synonyms come from config in the site
	{Query: "P/CVE"},                   // acronym as typed
	{Query: "VERA-2R"},                 //
	{Query: "ERG22+"},                  //
	{Query: "R&R"},                     //
	{Query: "4Ps"},                     //
	{Query: "women", Filters: map[string][]string{schema.Audiences: {"Probation"}}},
	{Query: "risk assessment", From: 5, Size: 5},
	{Query: "the and of"},        // only stop words
	{Query: "Дерадикализация"},   // Cyrillic
	{Query: "إعادة الإدماج"},     // Arabic
	{Query: "🙂 prison"},          // emoji
	{Query: `"unbalanced quote`}, //
	{Query: "-"},                 // lone minus
	{Query: "guide:"},            // field with no value
	{Query: strings.Repeat("radicalisation ", 700)},
}

func liveReader(t *testing.T, idx bleve.Index) index.IndexReader { return livebleve.Reader(t, idx) }

// pagedReader gives a live index the static index's page table (the same
// documents in the same order), so that both group hits by page alike.
type pagedReader struct {
	index.IndexReader
	pages *kbx.Index
}

func (p pagedReader) Compare(a, b index.IndexInternalID) int {
	x, _ := p.ExternalID(a)
	y, _ := p.ExternalID(b)
	return strings.Compare(x, y)
}

func (p pagedReader) Pages() int { return p.pages.Reader(context.Background()).Pages() }

func (p pagedReader) PageOf(id index.IndexInternalID) (int, bool) {
	ext, err := p.ExternalID(id)
	if err != nil {
		return 0, false
	}
	return p.pages.Page(ext)
}

// TestStaticMatchesLive runs the query set through the engine over the
// static index and over a live Bleve index: hits, order, scores, facets and
// snippets must be the same.
func TestStaticMatchesLive(t *testing.T) {
	f := loadFixture(t)
	m, _ := schema.Mapping()
	syn := engine.NewSynonyms(m, [][]string{{"disengagement", "deradicalization", "deradicalisation"}})
	ctx := context.Background()
	lr := pagedReader{liveReader(t, f.live), f.static}
	// The live index is scored with the static index's BM25 statistics
	// (without them Bleve takes each field's number of distinct terms).
	lctx := engine.WithFieldLengths(ctx, f.static.Manifest().Docs, f.static.Manifest().FieldLengths)
	nonEmpty := 0
	for _, req := range querySet {
		name := req.Query
		if len(name) > 40 {
			name = name[:40]
		}
		t.Run(name, func(t *testing.T) {
			a, err := engine.Search(ctx, f.static.Reader(ctx), m, syn, req)
			if err != nil {
				t.Fatal(err)
			}
			b, err := engine.Search(lctx, lr, m, syn, req)
			if err != nil {
				t.Fatal(err)
			}
			if a.Total != b.Total || len(a.Hits) != len(b.Hits) || a.Message != b.Message || a.Pages != b.Pages || a.More != b.More {
				t.Fatalf("static: %d hits (%d pages, %d shown, more %v) %q; live: %d (%d, %d, %v) %q",
					a.Total, a.Pages, len(a.Hits), a.More, a.Message, b.Total, b.Pages, len(b.Hits), b.More, b.Message)
			}
			if a.Total > 0 {
				nonEmpty++
			}
			for i := range a.Hits {
				x, y := a.Hits[i], b.Hits[i]
				if x.ID != y.ID || math.Abs(x.Score-y.Score) > 1e-9*math.Max(1, y.Score) || x.Snippet != y.Snippet || x.URL != y.URL {
					t.Errorf("hit %d: static %s %.6f %q\n        live   %s %.6f %q", i, x.ID, x.Score, x.Snippet, y.ID, y.Score, y.Snippet)
				}
				if len(x.Sections) != len(y.Sections) {
					t.Errorf("hit %d: static %d more sections, live %d", i, len(x.Sections), len(y.Sections))
					continue
				}
				for j := range x.Sections {
					u, v := x.Sections[j], y.Sections[j]
					if u.ID != v.ID || math.Abs(u.Score-v.Score) > 1e-9*math.Max(1, v.Score) || u.Snippet != v.Snippet {
						t.Errorf("hit %d section %d: static %s %.6f %q\n        live   %s %.6f %q", i, j, u.ID, u.Score, u.Snippet, v.ID, v.Score, v.Snippet)
					}
				}
			}
			if !slices.Equal(sortedFacets(a.Facets), sortedFacets(b.Facets)) {
				t.Errorf("facets differ:\nstatic %v\nlive   %v", a.Facets, b.Facets)
			}
		})
	}
	if nonEmpty < 15 {
		t.Errorf("only %d queries found anything: the query set no longer exercises the index", nonEmpty)
	}
}

func sortedFacets(f map[string][]engine.Facet) []string {
	var out []string
	for k, v := range f {
		for _, x := range v {
			out = append(out, fmt.Sprintf("%s=%s:%d", k, x.Term, x.Count))
		}
	}
	sort.Strings(out)
	return out
}

// toQuery turns a plan into the Bleve query objects it stands for.
func toQuery(n engine.Node) query.Query {
	switch x := n.(type) {
	case *engine.Match:
		q := query.NewMatchQuery(x.Text)
		q.SetField(x.Field)
		q.Analyzer = schema.TextAnalyzer
		q.SetBoost(x.Boost)
		return q
	case *engine.Phrase:
		q := query.NewMatchPhraseQuery(x.Text)
		q.SetField(x.Field)
		q.Analyzer = schema.TextAnalyzer
		q.SetBoost(x.Boost)
		return q
	case *engine.Term:
		q := query.NewTermQuery(x.Term)
		q.SetField(x.Field)
		q.SetBoost(x.Boost)
		return q
	case *engine.Fuzzy:
		q := query.NewFuzzyQuery(x.Term)
		q.SetField(x.Field)
		q.SetFuzziness(x.Fuzziness)
		q.SetBoost(x.Boost)
		return q
	case *engine.Prefix:
		q := query.NewPrefixQuery(x.Prefix)
		q.SetField(x.Field)
		q.SetBoost(x.Boost)
		return q
	case *engine.Or:
		q := query.NewDisjunctionQuery(toQueries(x.Nodes))
		q.SetMin(float64(x.Min))
		return q
	case *engine.And:
		return query.NewConjunctionQuery(toQueries(x.Nodes))
	case *engine.Bool:
		q := query.NewBooleanQuery(nil, nil, nil)
		if len(x.Must) > 0 {
			q.AddMust(toQueries(x.Must)...)
		}
		if len(x.Should) > 0 {
			q.AddShould(toQueries(x.Should)...)
			if x.MinShould > 0 {
				q.SetMinShould(float64(x.MinShould))
			}
		}
		if len(x.MustNot) > 0 {
			q.AddMustNot(toQueries(x.MustNot)...)
		}
		return q
	}
	panic(fmt.Sprintf("unknown plan node %T", n))
}

func toQueries(ns []engine.Node) []query.Query {
	out := make([]query.Query, len(ns))
	for i, n := range ns {
		out[i] = toQuery(n)
	}
	return out
}

// TestEngineMatchesBleveSearch checks the engine (plans that build Bleve
// searchers directly, its collector, facets and highlighting, over the static
// index) against Bleve's own SearchInContext with the equivalent query
// objects over a live index.
func TestEngineMatchesBleveSearch(t *testing.T) {
	f := loadFixture(t)
	m, _ := schema.Mapping()
	syn := engine.NewSynonyms(m, [][]string{{"disengagement", "deradicalization", "deradicalisation"}})
	ctx := context.Background()
	for _, r := range querySet {
		parsed := engine.Parse(r.Query, r.Prefix)
		plan := engine.Build(m, parsed, syn, r.Filters, engine.KnownWords(f.static.Reader(ctx), m, parsed))
		if plan == nil {
			continue
		}
		size := r.Size
		if size == 0 {
			size = 10
		}
		// Every section, ranked by Bleve, grouped by page below as the
		// engine must group them.
		req := bleve.NewSearchRequestOptions(toQuery(plan), 100000, 0, false)
		req.SortByCustom(engine.Sort())
		req.Highlight = bleve.NewHighlight()
		req.PreSearchData = map[string]interface{}{bsearch.BM25PreSearchDataKey: &bsearch.BM25Stats{
			DocCount: float64(f.static.Manifest().Docs), FieldCardinality: f.static.Manifest().FieldLengths}}
		for _, ff := range engine.FacetFields {
			req.AddFacet(ff.Field, bleve.NewFacetRequest(ff.Field, ff.Size))
		}
		want, err := f.live.SearchInContext(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		got, err := engine.Search(ctx, f.static.Reader(ctx), m, syn, r)
		if err != nil {
			t.Fatal(err)
		}
		name := r.Query
		if len(name) > 30 {
			name = name[:30]
		}
		var groups [][]*bsearch.DocumentMatch
		at := map[int]int{}
		for _, h := range want.Hits {
			pg, ok := f.static.Page(h.ID)
			if !ok {
				t.Fatalf("%s: no page for %s", name, h.ID)
			}
			if i, seen := at[pg]; seen {
				if len(groups[i]) < engine.MaxSections {
					groups[i] = append(groups[i], h)
				}
				continue
			}
			at[pg] = len(groups)
			groups = append(groups, []*bsearch.DocumentMatch{h})
		}
		pages := len(groups)
		// Pages rank by engine.PageScore of their best sections, then by
		// their best section's id.
		pageScore := func(g []*bsearch.DocumentMatch) float64 {
			var ss []float64
			for _, h := range g {
				ss = append(ss, h.Score)
			}
			return engine.PageScore(ss)
		}
		sort.SliceStable(groups, func(i, j int) bool {
			a, b := pageScore(groups[i]), pageScore(groups[j])
			if a != b {
				return a > b
			}
			return groups[i][0].ID < groups[j][0].ID
		})
		groups = groups[min(r.From, len(groups)):min(r.From+size, len(groups))]
		if got.Total != want.Total || len(got.Hits) != len(groups) || got.Pages != pages || got.More != (r.From+size < pages) {
			t.Errorf("%s: %d sections, %d pages, %d shown, more %v; bleve %d, %d, %d", name, got.Total, got.Pages, len(got.Hits), got.More, want.Total, pages, len(groups))
			continue
		}
		same := func(id string, score float64, h *bsearch.DocumentMatch) bool {
			return id == h.ID && math.Abs(score-h.Score) <= 1e-9*math.Max(1, h.Score)
		}
		for i, g := range groups {
			gh := got.Hits[i]
			if !same(gh.ID, gh.Score, g[0]) || len(gh.Sections) != len(g)-1 {
				t.Errorf("%s hit %d: %s %.6f (%d more sections), bleve %s %.6f (%d)", name, i, gh.ID, gh.Score, len(gh.Sections), g[0].ID, g[0].Score, len(g)-1)
				continue
			}
			for j, sec := range gh.Sections {
				if !same(sec.ID, sec.Score, g[j+1]) {
					t.Errorf("%s hit %d section %d: %s, bleve %s", name, i, j, sec.ID, g[j+1].ID)
				}
			}
		}
		for fname, fr := range want.Facets {
			var terms []*bsearch.TermFacet
			for _, tf := range fr.Terms.Terms() {
				if tf.Term != "" { // the engine leaves out sections outside any guide
					terms = append(terms, tf)
				}
			}
			for i, term := range terms {
				if i >= len(got.Facets[fname]) || got.Facets[fname][i].Term != term.Term || got.Facets[fname][i].Count != term.Count {
					t.Errorf("%s facet %s: %v, bleve %v", name, fname, got.Facets[fname], terms)
					break
				}
			}
		}
	}
}

// TestColdQueryFetchesFewPages checks that a query reads a small part of the index.
func TestColdQueryFetchesFewPages(t *testing.T) {
	f := loadFixture(t)
	m, _ := schema.Mapping()
	ctx := context.Background()
	fresh, err := kbx.Open(f.static.Manifest(), f.src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := engine.Search(ctx, fresh.Reader(ctx), m, nil, engine.Request{Query: "dynamic security"}); err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, d := range f.src.files {
		total += len(d)
	}
	if got := fresh.BytesFetched(); got*2 > int64(total) {
		t.Errorf("a cold query fetched %d of %d bytes", got, total)
	}
	t.Logf("cold query fetched %d of %d bytes (%d files)", fresh.BytesFetched(), total, len(f.src.files))
}

func TestFailingSource(t *testing.T) {
	f := loadFixture(t)
	m, _ := schema.Mapping()
	ctx := context.Background()
	broken, _ := kbx.Open(f.static.Manifest(), &memSource{files: map[string][]byte{}})
	_, err := engine.Search(ctx, broken.Reader(ctx), m, nil, engine.Request{Query: "prison"})
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("err = %v", err)
	}
}

// TestNestedDirectories builds the index with tiny pages, so that large
// tables get nested directories, and checks every query gives the same
// results as the default index.
func TestNestedDirectories(t *testing.T) {
	f := loadFixture(t)
	root, _ := filepath.Abs("../../..")
	l, err := site.Load(context.Background(), site.Options{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	src := &memSource{files: map[string][]byte{}}
	man, _, err := search.Build(context.Background(), l.Content, "/", kbxwrite.Options{PageSize: 300}, func(name string, data []byte) error {
		src.files[name] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	nested := 0
	for _, tab := range man.Tables {
		if tab.Dir {
			nested++
		}
	}
	if nested == 0 {
		t.Fatal("no table got a nested directory")
	}
	small, err := kbx.Open(man, src)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := schema.Mapping()
	ctx := context.Background()
	for _, req := range querySet {
		a, err := engine.Search(ctx, small.Reader(ctx), m, nil, req)
		if err != nil {
			t.Fatal(err)
		}
		b, err := engine.Search(ctx, f.static.Reader(ctx), m, nil, req)
		if err != nil {
			t.Fatal(err)
		}
		if a.Total != b.Total || !reflect.DeepEqual(a.Hits, b.Hits) || !slices.Equal(sortedFacets(a.Facets), sortedFacets(b.Facets)) {
			t.Errorf("%.30q: results differ with nested directories", req.Query)
		}
	}
}

// TestMarks: every matched word is marked, in titles and headings as in
// snippets, also when it matched through a typo or as the prefix being
// typed.
func TestMarks(t *testing.T) {
	f := loadFixture(t)
	m, _ := schema.Mapping()
	ctx := context.Background()
	for _, c := range []struct {
		req  engine.Request
		want string // a marked word, in the first hit's title, heading or snippet
	}{
		{engine.Request{Query: "dynamic security"}, "<mark>Dynamic</mark> <mark>security</mark>"},
		{engine.Request{Query: "rehabilitaton"}, "<mark>rehabilitation</mark>"},
		{engine.Request{Query: "reintegation"}, "<mark>reintegration</mark>"},
		{engine.Request{Query: "dynamic secu", Prefix: true}, "<mark>security</mark>"},
	} {
		res, err := engine.Search(ctx, f.static.Reader(ctx), m, nil, c.req)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) == 0 {
			t.Fatalf("%q: no results", c.req.Query)
		}
		h := res.Hits[0]
		all := strings.ToLower(h.TitleHTML + " | " + h.HeadingHTML + " | " + h.Snippet)
		if !strings.Contains(all, strings.ToLower(c.want)) {
			t.Errorf("%q: %s not in %s", c.req.Query, c.want, all)
		}
		if strings.Contains(h.TitleHTML, "<") && !strings.Contains(h.TitleHTML, "<mark>") {
			t.Errorf("%q: title %q", c.req.Query, h.TitleHTML)
		}
	}
}

// TestQueriesLeaveStoredTextAlone: the engine reads stored fields where the
// index caches them, and analysing a text lower-cases its tokens in place
// (Bleve's lowercase filter), so the engine must analyse copies. After every
// query of the equivalence set (typos, prefixes, phrases, two-letter words:
// each way of marking), the cached fields equal those of a fresh index.
func TestQueriesLeaveStoredTextAlone(t *testing.T) {
	f := loadFixture(t)
	m, _ := schema.Mapping()
	ctx := context.Background()
	// Its own copy of the files: pages are decoded where they were fetched.
	src := &memSource{files: map[string][]byte{}}
	for name, data := range f.src.files {
		src.files[name] = bytes.Clone(data)
	}
	used, err := kbx.Open(f.static.Manifest(), src)
	if err != nil {
		t.Fatal(err)
	}
	for _, req := range append(slices.Clone(querySet), engine.Request{Query: "UN Nelson Mand", Prefix: true}, engine.Request{Query: "Nelson Mandella"}) {
		req.Size = engine.MaxSize
		if _, err := engine.Search(ctx, used.Reader(ctx), m, nil, req); err != nil {
			t.Fatalf("%q: %v", req.Query, err)
		}
	}
	fresh, err := kbx.Open(f.static.Manifest(), f.src)
	if err != nil {
		t.Fatal(err)
	}
	stored := func(ix *kbx.Index, id string) string {
		var b strings.Builder
		if _, err := ix.Reader(ctx).VisitStored(id, func(name string, value []byte) { fmt.Fprintf(&b, "%s=%s\n", name, value) }); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	changed := 0
	for n := range f.static.Manifest().Docs {
		id := kbx.ExternalID(n, f.static.Manifest().IDDigits)
		if got, want := stored(used, id), stored(fresh, id); got != want {
			if changed++; changed == 1 {
				t.Errorf("document %s changed:\n%s\nwas\n%s", id, got, want)
			}
		}
	}
	if changed > 0 {
		t.Errorf("%d documents' stored fields changed", changed)
	}
}
