package search_test

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/mapping"

	"vepkb/generator/internal/search/kbxfiles"
	"vepkb/generator/internal/site"
	"vepkb/generator/kbsearch/engine"
	"vepkb/generator/kbsearch/kbx"
	"vepkb/generator/kbsearch/schema"
)

// Relevance on a judged query set (testdata/judged.tsv): the bundled
// knowledge base is built, every judged query is run through our engine
// (natively over the built static index, with the manifest's synonyms, as the
// browser's search page asks) and through Pagefind in headless Chromium
// (relevance_pagefind_test.go), hits are grouped by page, and MRR@5 and
// recall@5 are logged overall, per language and per kind of query, with a
// table of every query. Nothing is asserted: the numbers are for reading.
//
//	go test ./generator/internal/search -run XXX -bench Relevance
//	KB_RELEVANCE=1 go test ./generator/internal/search -run Relevance -v
//
// Neither runs in a plain `go test ./...`.

// relevanceK is the cut-off of the measures; relevanceDepth the number of
// pages collected per query (the table shows ranks up to it).
const (
	relevanceK     = 5
	relevanceDepth = 10
)

// judgedQuery is one line of testdata/judged.tsv.
type judgedQuery struct {
	Lang, Kind, Query string
	Relevant          []string // site paths, best first
	Why               string
}

// judgedSet is the file of judged queries the measurements use:
// testdata/judged.tsv, or another file of testdata named by KB_JUDGED
// (judged-heldout.tsv: queries written apart, to check that changes chosen
// on judged.tsv carry over).
func judgedSet() string {
	if f := os.Getenv("KB_JUDGED"); f != "" {
		return f
	}
	return "judged.tsv"
}

func loadJudged(tb testing.TB) []judgedQuery { return loadJudgedFile(tb, judgedSet()) }

func loadJudgedFile(tb testing.TB, name string) []judgedQuery {
	tb.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var qs []judgedQuery
	sc := bufio.NewScanner(f)
	line := 0
	seen := map[string]bool{}
	for sc.Scan() {
		line++
		text := sc.Text()
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		cols := strings.Split(text, "\t")
		if len(cols) != 5 {
			tb.Fatalf("%s:%d: %d columns, want 5 (lang, kind, query, relevant, why)", name, line, len(cols))
		}
		q := judgedQuery{Lang: cols[0], Kind: cols[1], Query: cols[2], Relevant: strings.Fields(cols[3]), Why: cols[4]}
		if q.Query == "" || len(q.Relevant) == 0 {
			tb.Fatalf("%s:%d: empty query or no relevant page", name, line)
		}
		if seen[q.Query] {
			tb.Fatalf("%s:%d: query %q twice", name, line, q.Query)
		}
		seen[q.Query] = true
		for _, u := range q.Relevant {
			if !strings.HasPrefix(u, "/") || !strings.HasSuffix(u, "/") || strings.Contains(u, "#") {
				tb.Fatalf("%s:%d: %q is not a page's site path (/guide/chapter/)", name, line, u)
			}
		}
		qs = append(qs, q)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return qs
}

var (
	relSiteOnce sync.Once
	relSiteDest string
	relSiteErr  error
)

// relevanceSite builds the bundled knowledge base (with search) once per
// process into the shared folder, like builtSite, for tests and benchmarks.
func relevanceSite(tb testing.TB) string {
	tb.Helper()
	relSiteOnce.Do(func() {
		root, _ := filepath.Abs("../../..")
		relSiteDest = filepath.Join(shared, "relevance-public")
		_, relSiteErr = site.Build(context.Background(), site.Options{Root: root, Dest: relSiteDest, NoPDF: true})
	})
	if relSiteErr != nil {
		tb.Fatal(relSiteErr)
	}
	return relSiteDest
}

// checkJudgedPages fails when a judged page is not in the built site.
func checkJudgedPages(tb testing.TB, dest string, qs []judgedQuery) {
	tb.Helper()
	for _, q := range qs {
		for _, u := range q.Relevant {
			if _, err := os.Stat(filepath.Join(dest, filepath.FromSlash(u), "index.html")); err != nil {
				tb.Fatalf("judged page %s of %q is not in the built site", u, q.Query)
			}
		}
	}
}

// staticIndex is the built site's search index opened natively, with the
// synonyms the browser reads from the manifest.
type staticIndex struct {
	ix  *kbx.Index
	syn *engine.Synonyms
}

func openStaticIndex(tb testing.TB, dest string) staticIndex {
	tb.Helper()
	ix, err := kbxfiles.Open(filepath.Join(dest, "search-index"))
	if err != nil {
		tb.Fatal(err)
	}
	m, err := schema.Mapping()
	if err != nil {
		tb.Fatal(err)
	}
	return staticIndex{ix: ix, syn: engine.NewSynonyms(m, synonymGroups(ix.Manifest().Extra["synonyms"]))}
}

// synonymGroups reads the manifest's synonyms as decoded from JSON.
func synonymGroups(v any) [][]string {
	list, _ := v.([]any)
	var groups [][]string
	for _, g := range list {
		words, _ := g.([]any)
		var group []string
		for _, w := range words {
			if s, ok := w.(string); ok {
				group = append(group, s)
			}
		}
		groups = append(groups, group)
	}
	return groups
}

// ranking is what a search engine answered to one query: its pages in
// order (a page ranks where its first section does) and, for our engine, how
// many distinct pages the first 10 section hits (the search page's first
// screen) show.
type ranking struct {
	Pages    []string
	FirstTen int // distinct pages among the first 10 hits; 0 when not known
	Total    uint64
}

// pagePath turns a hit's URL into its page's site path.
func pagePath(u string) string {
	if i := strings.IndexAny(u, "#?"); i >= 0 {
		u = u[:i]
	}
	u = strings.TrimSuffix(u, "index.html")
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	return u
}

// engineRanking runs q as the search page does (no prefix matching, as on
// Enter) and groups the section hits by page, reading further result pages
// until relevanceDepth pages are known or the hits run out.
func engineRanking(tb testing.TB, si staticIndex, m *mapping.IndexMappingImpl, q string) ranking {
	tb.Helper()
	ctx := context.Background()
	var r ranking
	seen, firstTen := map[string]bool{}, map[string]bool{}
	for from := 0; ; from += engine.MaxSize {
		res, err := engine.Search(ctx, si.ix.Reader(ctx), m, si.syn, engine.Request{Query: q, From: from, Size: engine.MaxSize})
		if err != nil {
			tb.Fatalf("%q: %v", q, err)
		}
		r.Total = res.Total
		for i, h := range res.Hits {
			p := pagePath(h.URL)
			if !seen[p] {
				seen[p] = true
				if len(r.Pages) < relevanceDepth {
					r.Pages = append(r.Pages, p)
				}
			}
			if from+i < 10 {
				firstTen[p] = true
				r.FirstTen = len(firstTen)
			}
		}
		if len(r.Pages) >= relevanceDepth || len(res.Hits) == 0 || uint64(from+len(res.Hits)) >= res.Total {
			return r
		}
	}
}

// queryScore is one query's result against its judgement.
type queryScore struct {
	Q      judgedQuery
	R      ranking
	Rank   int     // of the first relevant page, 1-based; 0 if not within relevanceDepth
	RR     float64 // reciprocal rank at relevanceK
	Recall float64 // relevant pages in the top relevanceK / relevant pages
}

func scoreQuery(q judgedQuery, r ranking) queryScore {
	s := queryScore{Q: q, R: r}
	rel := map[string]bool{}
	for _, u := range q.Relevant {
		rel[u] = true
	}
	found := 0
	for i, p := range r.Pages {
		if !rel[p] {
			continue
		}
		if s.Rank == 0 {
			s.Rank = i + 1
		}
		if i < relevanceK {
			found++
		}
	}
	if s.Rank > 0 && s.Rank <= relevanceK {
		s.RR = 1 / float64(s.Rank)
	}
	s.Recall = float64(found) / float64(len(q.Relevant))
	return s
}

// measures are MRR@k and recall@k over a group of queries.
type measures struct {
	N           int
	MRR, Recall float64
	Found       int // queries with a relevant page in the top k
}

func measure(scores []queryScore, keep func(judgedQuery) bool) measures {
	var m measures
	for _, s := range scores {
		if !keep(s.Q) {
			continue
		}
		m.N++
		m.MRR += s.RR
		m.Recall += s.Recall
		if s.RR > 0 {
			m.Found++
		}
	}
	if m.N > 0 {
		m.MRR /= float64(m.N)
		m.Recall /= float64(m.N)
	}
	return m
}

func (m measures) String() string {
	return fmt.Sprintf("MRR@%d %.3f  recall@%d %.3f  (%d queries, %d with a relevant page in the top %d)",
		relevanceK, m.MRR, relevanceK, m.Recall, m.N, m.Found, relevanceK)
}

// relevanceReport logs the per-query table and the measures of one engine,
// and returns the overall measures.
func relevanceReport(tb testing.TB, name string, scores []queryScore) measures {
	tb.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s: page-level relevance on %d judged queries\n", name, len(scores))
	fmt.Fprintf(&b, "rank = rank of the first relevant page (within %d pages; '-' if none); R@%d = recall@%d", relevanceDepth, relevanceK, relevanceK)
	if scores[0].R.FirstTen > 0 {
		fmt.Fprintf(&b, "; p10 = distinct pages in the first 10 section hits")
	}
	b.WriteString("\n")
	for _, s := range scores {
		rank := "-"
		if s.Rank > 0 {
			rank = fmt.Sprint(s.Rank)
		}
		top := s.R.Pages
		if len(top) > relevanceK {
			top = top[:relevanceK]
		}
		marked := make([]string, len(top))
		rel := map[string]bool{}
		for _, u := range s.Q.Relevant {
			rel[u] = true
		}
		for i, p := range top {
			if rel[p] {
				marked[i] = "*" + p
			} else {
				marked[i] = p
			}
		}
		extra := ""
		if s.R.FirstTen > 0 {
			extra = fmt.Sprintf(" p10=%-2d", s.R.FirstTen)
		}
		fmt.Fprintf(&b, "%-2s %-8s %-55q rank %-2s R@%d %.2f%s | %s\n", s.Q.Lang, s.Q.Kind, s.Q.Query, rank, relevanceK, s.Recall, extra, strings.Join(marked, " "))
	}
	b.WriteString("(* marks a relevant page)\n")
	all := measure(scores, func(judgedQuery) bool { return true })
	fmt.Fprintf(&b, "%s overall: %v\n", name, all)
	for _, g := range groupsOf(scores, func(q judgedQuery) string { return q.Lang }) {
		fmt.Fprintf(&b, "%s lang %-8s %v\n", name, g+":", measure(scores, func(q judgedQuery) bool { return q.Lang == g }))
	}
	fmt.Fprintf(&b, "%s lang %-8s %v\n", name, "non-en:", measure(scores, func(q judgedQuery) bool { return q.Lang != "en" }))
	for _, g := range groupsOf(scores, func(q judgedQuery) string { return q.Kind }) {
		fmt.Fprintf(&b, "%s kind %-9s %v\n", name, g+":", measure(scores, func(q judgedQuery) bool { return q.Kind == g }))
	}
	if scores[0].R.FirstTen > 0 {
		few, sum := 0, 0
		for _, s := range scores {
			sum += s.R.FirstTen
			if s.R.FirstTen > 0 && s.R.FirstTen <= 3 {
				few++
			}
		}
		fmt.Fprintf(&b, "%s: the first 10 section hits (the search page's first screen) show %.1f pages on average; %d queries show 3 pages or fewer\n",
			name, float64(sum)/float64(len(scores)), few)
	}
	if _, ok := tb.(*testing.B); ok && !testing.Verbose() {
		// A benchmark's log is cut to a few lines unless -v: print the table.
		fmt.Print(b.String())
	} else {
		tb.Log(b.String())
	}
	return all
}

// groupsOf lists the values of key in the scores, "en" first, then sorted.
func groupsOf(scores []queryScore, key func(judgedQuery) string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range scores {
		k := key(s.Q)
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if (out[i] == "en") != (out[j] == "en") {
			return out[i] == "en"
		}
		return out[i] < out[j]
	})
	return out
}

// reportMetrics adds the measures to a benchmark's result line.
func reportMetrics(b *testing.B, scores []queryScore) {
	all := measure(scores, func(judgedQuery) bool { return true })
	b.ReportMetric(round3(all.MRR), "MRR@5")
	b.ReportMetric(round3(all.Recall), "recall@5")
	for _, g := range groupsOf(scores, func(q judgedQuery) string { return q.Lang }) {
		m := measure(scores, func(q judgedQuery) bool { return q.Lang == g })
		b.ReportMetric(round3(m.MRR), "MRR@5-"+g)
	}
}

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

// engineScores runs every judged query through our engine.
func engineScores(tb testing.TB, si staticIndex, qs []judgedQuery) []queryScore {
	tb.Helper()
	m, err := schema.Mapping()
	if err != nil {
		tb.Fatal(err)
	}
	scores := make([]queryScore, len(qs))
	for i, q := range qs {
		scores[i] = scoreQuery(q, engineRanking(tb, si, m, q.Query))
	}
	return scores
}

var relevanceLogged sync.Map // name → true once its table was logged

// BenchmarkRelevance measures page-level relevance on the judged query set:
// our engine natively over the built static index (engine), and Pagefind 1.6
// in headless Chromium over the same built site, as it indexes it out of the
// box (pagefind) and restricted to the pages and the <main> element our index
// covers (pagefind-main). Each iteration runs every judged query; the table is
// logged once per engine and the measures are added to the result line.
func BenchmarkRelevance(b *testing.B) {
	qs := loadJudged(b)
	dest := relevanceSite(b)
	checkJudgedPages(b, dest, qs)
	b.Run("engine", func(b *testing.B) {
		si := openStaticIndex(b, dest)
		scores := engineScores(b, si, qs) // also fetches the index pages once
		if _, done := relevanceLogged.LoadOrStore("engine", true); !done {
			relevanceReport(b, "engine", scores)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			engineScores(b, si, qs)
		}
		b.StopTimer()
		reportMetrics(b, scores)
	})
	for _, v := range pagefindVariants {
		b.Run(v.name, func(b *testing.B) {
			pf := startPagefind(b, dest, v)
			start := time.Now()
			scores := pf.scores(b, qs)
			if _, done := relevanceLogged.LoadOrStore(v.name, true); !done {
				relevanceReport(b, v.name+" (Pagefind 1.6.0)", scores)
				b.Logf("%s: %d queries in %v in Chromium, first pass", v.name, len(qs), time.Since(start).Round(time.Millisecond))
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				pf.scores(b, qs)
			}
			b.StopTimer()
			reportMetrics(b, scores)
		})
	}
}

// TestRelevance logs the same measurements as BenchmarkRelevance, once,
// when KB_RELEVANCE=1. It asserts nothing about the numbers.
func TestRelevance(t *testing.T) {
	if os.Getenv("KB_RELEVANCE") != "1" {
		t.Skip("set KB_RELEVANCE=1 to measure relevance on testdata/judged.tsv, or on KB_JUDGED (or run -bench Relevance)")
	}
	qs := loadJudged(t)
	dest := relevanceSite(t)
	checkJudgedPages(t, dest, qs)
	summary := map[string]measures{}
	t.Run("engine", func(t *testing.T) {
		summary["engine"] = relevanceReport(t, "engine", engineScores(t, openStaticIndex(t, dest), qs))
	})
	for _, v := range pagefindVariants {
		t.Run(v.name, func(t *testing.T) {
			pf := startPagefind(t, dest, v)
			summary[v.name] = relevanceReport(t, v.name+" (Pagefind 1.6.0)", pf.scores(t, qs))
		})
	}
	for _, name := range []string{"engine", "pagefind", "pagefind-main"} {
		if m, ok := summary[name]; ok {
			t.Logf("%-14s %v", name, m)
		}
	}
}

// TestJudgedQueries checks the judged set itself (format, size, languages)
// and that every judged page exists in the content; it runs in every
// `go test` and takes milliseconds.
func TestJudgedQueries(t *testing.T) {
	for _, set := range []struct {
		file         string
		min, foreign int
	}{{"judged.tsv", 45, 8}, {"judged-heldout.tsv", 20, 4}, {"judged-heldout2.tsv", 25, 4}} {
		qs := loadJudgedFile(t, set.file)
		langs := map[string]int{}
		for _, q := range qs {
			langs[q.Lang]++
			for _, u := range q.Relevant {
				if !contentHasPage(u) {
					t.Errorf("%s: %q: judged page %s has no file in content/", set.file, q.Query, u)
				}
			}
		}
		if len(qs) < set.min || len(qs)-langs["en"] < set.foreign {
			t.Errorf("%s: %d queries, %d not in English: want at least %d and %d", set.file, len(qs), len(qs)-langs["en"], set.min, set.foreign)
		}
	}
	// The held-out sets are apart: no query of one is in another.
	seen := map[string]string{}
	for _, file := range []string{"judged.tsv", "judged-heldout.tsv", "judged-heldout2.tsv"} {
		for _, q := range loadJudgedFile(t, file) {
			if other, ok := seen[strings.ToLower(q.Query)]; ok {
				t.Errorf("%s repeats %q from %s", file, q.Query, other)
			}
			seen[strings.ToLower(q.Query)] = file
		}
	}
}

// contentHasPage reports whether a site path has its Markdown file (the
// bundled content uses no slugs).
func contentHasPage(u string) bool {
	rel := strings.Trim(u, "/")
	base := filepath.Join("..", "..", "..", "content", filepath.FromSlash(rel))
	for _, p := range []string{base + ".md", filepath.Join(base, "_index.md")} {
		if _, err := os.Stat(p); err == nil {
			return true
		}
	}
	return false
}
