package search_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vepkb/generator/internal/browsertest"
	"vepkb/generator/internal/npmtest"
	"vepkb/generator/internal/search"
	"vepkb/generator/internal/site"
)

// Pagefind 1.6.0 (npm, test tooling only: testdata/pagefind/package.json
// and its package-lock.json) over the same built site, queried through its
// browser API in headless Chromium, for the relevance comparison in
// relevance_test.go. Without node, npm or Chromium these skip, and fail
// under CI=true, like the other browser tests.

// pagefindVariant is one way of indexing the built site with Pagefind.
type pagefindVariant struct {
	name string
	// contentOnly indexes only the pages our search index covers (no tag,
	// audience, search, 404 or alias pages) and only their <main> element
	// (no header, menu, guide navigation or footer).
	contentOnly bool
}

var pagefindVariants = []pagefindVariant{
	{name: "pagefind"},                         // out of the box: pagefind --site public
	{name: "pagefind-main", contentOnly: true}, // the same pages and text as our index
}

// pagefindBin installs the locked Pagefind (testdata/pagefind) once and
// returns its command.
func pagefindBin(tb testing.TB) string {
	tb.Helper()
	return filepath.Join(npmtest.Install(tb, filepath.Join("testdata", "pagefind"), "pagefind"), "node_modules", ".bin", "pagefind")
}

// contentPages lists the site paths of the pages our search index covers.
func contentPages(tb testing.TB) []string {
	tb.Helper()
	root, _ := filepath.Abs("../../..")
	l, err := site.Load(context.Background(), site.Options{Root: root})
	if err != nil {
		tb.Fatal(err)
	}
	seen := map[string]bool{}
	var pages []string
	for _, d := range search.Documents(l.Content, "/") {
		p := pagePath(d.Section.URL)
		if !seen[p] {
			seen[p] = true
			pages = append(pages, p)
		}
	}
	return pages
}

// pagefindBundles holds the folder Pagefind wrote for each variant, once
// per process.
var pagefindBundles sync.Map // variant name → folder

// pagefindIndex indexes the built site with Pagefind into a folder of its
// own beside it (the site is left as it is) and returns that folder.
func pagefindIndex(tb testing.TB, dest string, v pagefindVariant) string {
	tb.Helper()
	if dir, ok := pagefindBundles.Load(v.name); ok {
		return dir.(string)
	}
	bin := pagefindBin(tb)
	work := filepath.Join(shared, "pagefind-"+v.name)
	if err := os.RemoveAll(work); err != nil {
		tb.Fatal(err)
	}
	if err := os.MkdirAll(work, 0o755); err != nil {
		tb.Fatal(err)
	}
	siteDir := dest
	args := []string{}
	if v.contentOnly {
		siteDir = filepath.Join(work, "site")
		for _, p := range contentPages(tb) {
			rel := filepath.Join(filepath.FromSlash(strings.Trim(p, "/")), "index.html")
			data, err := os.ReadFile(filepath.Join(dest, rel))
			if err != nil {
				tb.Fatal(err)
			}
			if err := os.MkdirAll(filepath.Dir(filepath.Join(siteDir, rel)), 0o755); err != nil {
				tb.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(siteDir, rel), data, 0o644); err != nil {
				tb.Fatal(err)
			}
		}
		args = append(args, "--root-selector", "main")
	}
	out := filepath.Join(work, "pagefind")
	args = append([]string{"--site", siteDir, "--output-path", out, "--quiet"}, args...)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = work
	if msg, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("pagefind %s: %v\n%s", strings.Join(args, " "), err, msg)
	}
	pagefindBundles.Store(v.name, out)
	return out
}

// pagefindSession is a Chromium tab with Pagefind's browser API loaded from
// the folder Pagefind wrote.
type pagefindSession struct {
	page browsertest.Page
}

// blankPage is the page the tab opens: Pagefind needs only a same-origin
// document to import its script from.
const blankPage = `<!doctype html><html lang="en"><meta charset="utf-8"><title>relevance</title><body></body></html>`

func startPagefind(tb testing.TB, dest string, v pagefindVariant) *pagefindSession {
	tb.Helper()
	ctx, cancel := browsertest.New(tb, 5*time.Minute)
	bundle := pagefindIndex(tb, dest, v)
	mux := http.NewServeMux()
	mux.Handle("/pagefind/", http.StripPrefix("/pagefind/", http.FileServer(http.Dir(bundle))))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(blankPage))
	})
	srv := httptest.NewServer(mux)
	tb.Cleanup(func() { cancel(); srv.Close() })
	s := &pagefindSession{page: browsertest.Page{T: tb, Ctx: ctx}}
	s.page.Do(chromedp.Navigate(srv.URL + "/"))
	got := s.page.Eval(`(async () => {
		window.kbPagefind = await import('/pagefind/pagefind.js');
		await window.kbPagefind.init();
		return 'ok';
	})()`)
	if got != "ok" {
		tb.Fatalf("loading Pagefind: %q", got)
	}
	return s
}

// ranking runs the queries in the tab and returns, for each, the site paths
// of Pagefind's first relevanceDepth results.
func (s *pagefindSession) rankings(tb testing.TB, queries []string) []ranking {
	tb.Helper()
	qs, _ := json.Marshal(queries)
	out := s.page.Eval(`(async () => {
		const out = [];
		for (const q of ` + string(qs) + `) {
			const res = await window.kbPagefind.search(q);
			const data = await Promise.all(res.results.slice(0, ` + strconv.Itoa(relevanceDepth) + `).map(r => r.data()));
			out.push({total: res.results.length, urls: data.map(d => d.url)});
		}
		return JSON.stringify(out);
	})()`)
	var got []struct {
		Total int      `json:"total"`
		URLs  []string `json:"urls"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || len(got) != len(queries) {
		tb.Fatalf("Pagefind answered %.200q: %v", out, err)
	}
	rs := make([]ranking, len(got))
	for i, g := range got {
		seen := map[string]bool{}
		for _, u := range g.URLs {
			if p := pagePath(u); !seen[p] {
				seen[p] = true
				rs[i].Pages = append(rs[i].Pages, p)
			}
		}
		rs[i].Total = uint64(g.Total)
	}
	return rs
}

func (s *pagefindSession) scores(tb testing.TB, qs []judgedQuery) []queryScore {
	tb.Helper()
	queries := make([]string, len(qs))
	for i, q := range qs {
		queries[i] = q.Query
	}
	rs := s.rankings(tb, queries)
	scores := make([]queryScore, len(qs))
	for i, q := range qs {
		scores[i] = scoreQuery(q, rs[i])
	}
	return scores
}
